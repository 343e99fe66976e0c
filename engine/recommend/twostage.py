"""Two rankers, one list: reorder from the repeat ranker, discover from an explore ranker.

After TREx (Li et al., SIGIR 2024): a repetition module and an exploration module,
each tuned on the validation split by its own metric (select.py), then merged per
customer on one scale, the chance that the item is in the customer's next trip:

    owned item:     repeat rate(i)  * lift["repeat"][group(u), place in the repeat list]
    never bought:   explore rate(i) * lift["explore"][group(u), place in the explore list]

  - repeat rate(i): of the trips customers made after first buying i, the share that held i
    again; explore rate(i): of the trips (after a customer's first) made before they ever
    bought i, the share where they bought it for the first time. Counted on the training
    trips, smoothed toward the shop's rate by RATE_PRIOR trips. Milk is rebought more
    often than it is discovered; a gift is discovered and never rebought.
  - lift: how much better than those rates the ranker's list does at each place, learned
    on the validation split per group of customers: customers are put into SHARE_BINS
    groups by their repeat share (the share of their items, on trips after their first,
    that they had bought before, shrunk toward the shop's by SHARE_PRIOR items; a one-order
    customer gets the shop's). lift = (hits + LIFT_PRIOR) / (expected hits + LIFT_PRIOR).

So how many places go to reorders and how many to discoveries follows from the customer's
own history (their products, their repeat share) and what the validation split showed;
it is not fixed for the shop. The explore ranker sees the customer's whole history, so a
one-order customer's discoveries depend on their basket.
"""

from __future__ import annotations

import numpy as np

from .base import Model
from .content import ItemContent
from .ease import EASE
from .itemknn import ItemKNN
from .reorder import trips
from .repeat import Repeat

# Each explores from the customer's own products; one with no purchases gets their tie-break: best sellers.
EXPLORERS = {m.name: m for m in (ItemKNN, EASE, ItemContent)}
SLOTS = 10          # list places with their own lift; later places share one
SHARE_BINS = 4
SHARE_PRIOR = 5.0
RATE_PRIOR = 10.0
LIFT_PRIOR = 50.0
PARTS = ("repeat", "explore")
# Scoring holds about ten customers x items temporaries (two rankers' scores, their sort orders and places,
# the chances): customers are merged this many cells at a time. A block of evaluate.py's size (4 million
# cells) took 340 MB at once on the 4,000-product synthetic shop, the run's peak.
MERGE_CELLS = 250_000


def merge_block(n_items: int) -> int:
    """Customers merged at a time (MERGE_CELLS)."""
    return max(1, MERGE_CELLS // max(n_items, 1))


def _first_purchases(data):
    """(user, item, index of the user's trip on which they first bought it), and trips per user."""
    day_key = data.b_user.astype(np.int64) * 1_000_000 + data.b_day
    user_trips = np.unique(day_key)                       # every (user, day) with a basket
    ptr = np.searchsorted(user_trips // 1_000_000, np.arange(data.n_users + 1))
    b = data.baskets
    rows = np.repeat(np.arange(b.shape[0]), np.diff(b.indptr))
    key = data.b_user[rows].astype(np.int64) * data.n_items + b.indices
    order = np.lexsort((data.b_day[rows], key))
    key, day = key[order], data.b_day[rows][order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    user, item = key[first] // data.n_items, key[first] % data.n_items
    place = np.searchsorted(user_trips, user * 1_000_000 + day[first]) - ptr[user]
    return user, item, place, np.diff(ptr)


def trip_rates(data) -> tuple[np.ndarray, np.ndarray]:
    """Per item: (repeat rate, explore rate) over the training trips (see the module doc)."""
    user, item, place, n_trips = _first_purchases(data)
    t = trips(data)
    rebuys = np.bincount(t.item, weights=t.trips - 1.0, minlength=data.n_items)
    after = np.bincount(item, weights=n_trips[user] - place - 1.0, minlength=data.n_items)
    found = np.bincount(item[place > 0], minlength=data.n_items).astype(np.float64)
    later_trips = float(np.maximum(n_trips - 1, 0).sum())
    # trips after the user's first on which they already owned the item (no longer "new" to them)
    owned_after = np.bincount(item, weights=n_trips[user] - 1.0 - place, minlength=data.n_items)
    before = later_trips - owned_after
    shop_rep = rebuys.sum() / max(after.sum(), 1.0)
    shop_new = found.sum() / max(before.sum(), 1.0)
    return ((rebuys + RATE_PRIOR * shop_rep) / (after + RATE_PRIOR),
            (found + RATE_PRIOR * shop_new) / (before + RATE_PRIOR))


def repeat_share(data) -> np.ndarray:
    """Per user: share of items on trips after the first that were bought before, shrunk to the shop's."""
    user, item, place, _ = _first_purchases(data)
    t = trips(data)
    repeats = np.bincount(t.user, weights=t.trips - 1.0, minlength=data.n_users)
    new_later = np.bincount(user[place > 0], minlength=data.n_users).astype(np.float64)
    total = repeats.sum() + new_later.sum()
    shop = repeats.sum() / total if total > 0 else 0.0
    return (repeats + SHARE_PRIOR * shop) / (repeats + new_later + SHARE_PRIOR)


def owned_mask(history, users: np.ndarray, n_items: int) -> np.ndarray:
    owned = np.zeros((len(users), n_items), dtype=bool)
    for r, u in enumerate(users):
        owned[r, history.indices[history.indptr[u]:history.indptr[u + 1]]] = True
    return owned


def places(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Each item's place in the row's ranking of the allowed items (0 = first), capped at SLOTS."""
    order = np.argsort(-np.where(allowed, scores, -np.inf), axis=1, kind="stable")
    pos = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(pos, order, np.arange(order.shape[1])[None, :], axis=1)
    return np.minimum(pos, SLOTS)


class ExploreOnly(Model):
    """A model's ranking of the items the customer never bought (bought ones score -inf): how the
    explore ranker is tuned."""
    name = "explore-only"
    keep_owned = False

    def __init__(self, base: Model):
        super().__init__(base=base.name)
        self.base = base

    def fit(self, data):
        if getattr(self.base, "data", None) is not data:
            self.base.fit(data)
        self.data, self.popularity, self.history = data, self.base.popularity, self.base.history
        return self

    def score(self, users):
        s = self.base.score(users)
        owned = owned_mask(self.history, users, self.data.n_items)
        return np.where(owned == self.keep_owned, s, -np.inf).astype(np.float32)


class RepeatOnly(ExploreOnly):
    """A model's ranking of the customer's own items only: how the repeat ranker is tuned."""
    name = "repeat-only"
    keep_owned = True


class TwoStage(Model):
    name = "repeat-explore"

    def __init__(self, repeat: dict | None = None, explore: list | None = None, lifts: dict | None = None):
        super().__init__(repeat=repeat or {}, explore=explore or ["item-knn", {"k": 200}], lifts=lifts)

    def _fit(self, data):
        name, params = self.params["explore"]
        self.assemble(data, Repeat(**self.params["repeat"]).fit(data), EXPLORERS[name](**params).fit(data))

    def assemble(self, data, repeat: Model, explore: Model) -> "TwoStage":
        """Merge two rankers already fitted on `data` (selection reuses them)."""
        self.data, self.popularity, self.history = data, repeat.popularity, repeat.history
        self.repeat, self.explore = repeat, explore
        self.rates = dict(zip(PARTS, trip_rates(data)))
        lifts = self.params["lifts"] or {"share_edges": [], **{p: [[1.0] * (SLOTS + 1)] for p in PARTS}}
        self.group = np.searchsorted(lifts["share_edges"], repeat_share(data), side="right")
        self.lifts = {p: np.asarray(lifts[p], dtype=np.float64) for p in PARTS}
        return self

    def parts(self, users) -> tuple[np.ndarray, dict]:
        """(owned mask, {part: (place in that ranker's list, base rate)}) for a block of users."""
        owned = owned_mask(self.history, users, self.data.n_items)
        out = {}
        for part, model, allowed in (("repeat", self.repeat, owned), ("explore", self.explore, ~owned)):
            out[part] = (places(model.score(users), allowed), self.rates[part])
        return owned, out

    def score(self, users):
        step = merge_block(self.data.n_items)
        if len(users) > step:
            return np.concatenate([self.score(users[a:a + step]) for a in range(0, len(users), step)])
        owned, parts = self.parts(users)
        g = self.group[users][:, None]
        chance = {p: rate[None, :] * self.lifts[p][g, place] for p, (place, rate) in parts.items()}
        # the place term keeps each list's own order among items of equal chance
        place = np.where(owned, parts["repeat"][0], parts["explore"][0])
        return (np.where(owned, chance["repeat"], chance["explore"]) - 1e-9 * place).astype(np.float32)

    def explain(self, user, item, k=3, score=None):
        h = self.history
        if item in h.indices[h.indptr[user]:h.indptr[user + 1]]:
            return self.repeat.explain(user, item, k)
        return self.explore.explain(user, item, k)


def learn_lifts(train, targets: dict, repeat: Model, explore: Model) -> dict:
    """Per repeat-share group and list place: hits on the validation basket / hits the base rates expect."""
    users = np.array(sorted(targets), dtype=np.int64)
    share = repeat_share(train)
    edges = (np.unique(np.quantile(share[users], np.linspace(0, 1, SHARE_BINS + 1)[1:-1])).tolist()
             if len(users) else [])
    group = np.searchsorted(edges, share[users], side="right")
    model = TwoStage().assemble(train, repeat, explore)
    hits = {p: np.zeros((len(edges) + 1, SLOTS + 1)) for p in PARTS}
    expected = {p: np.zeros((len(edges) + 1, SLOTS + 1)) for p in PARTS}
    # in blocks of MERGE_CELLS: 1,000 customers at a time took 1.5 GB more (and 27 s, now 18 s) at 21,000 products
    step = merge_block(train.n_items)
    for a in range(0, len(users), step):
        us = users[a:a + step]
        owned, parts = model.parts(us)
        target = np.zeros(owned.shape, dtype=bool)
        for r, u in enumerate(us):
            target[r, targets[int(u)]] = True
        for part, allowed in (("repeat", owned), ("explore", ~owned)):
            place, rate = parts[part]
            rows, cols = np.nonzero(allowed)
            cell = (group[a + rows], place[rows, cols])
            np.add.at(hits[part], cell, target[rows, cols])
            np.add.at(expected[part], cell, rate[cols])
    lifts = {p: np.round((hits[p] + LIFT_PRIOR) / (expected[p] + LIFT_PRIOR), 4).tolist() for p in PARTS}
    return {"share_edges": [round(e, 5) for e in edges], **lifts}
