"""Reorder timing: how often a customer rebuys an item, when it is due, and the one-off rule.

A *trip* is a day on which the customer bought the item: several orders on one
day (a forgotten item, a split delivery) are one shopping trip, so no cycle is
ever "every 0 days". Gaps are the days between consecutive trips.

The expected gap of a customer and item shrinks the customer's own median gap
toward the item's typical gap (the median of every customer's gaps for it),
as if the item's gap had been seen SHRINK_GAPS more times:

    expected = (n_own_gaps * own_median + SHRINK_GAPS * item_median) / (n_own_gaps + SHRINK_GAPS)

so one noisy gap counts little and a long history counts almost alone
(Bhagat et al., "Buy It Again", KDD 2018, model each product's repeat timing
the same way: per product, corrected per customer). An item bought on one trip
has no own gap: its expected gap is the item's, if it is a consumable.

An item is a consumable when at least `min_repeat_share` of its buyers bought it
on two or more trips; an item a customer bought once that is not a consumable is
not pushed again (nobody needs a second guitar stand) and is only "bought before".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.evidence import due_timing

from .data import Interactions, day_iso

MIN_REPEAT_SHARE = 0.1
SHRINK_GAPS = 2.0


def _group_median(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of `values` per group index (NaN for a group without values)."""
    out = np.full(n_groups, np.nan)
    if len(values) == 0:
        return out
    order = np.lexsort((values, group))
    v, g = values[order], group[order]
    counts = np.bincount(g, minlength=n_groups)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    lo = start[has] + (counts[has] - 1) // 2
    hi = start[has] + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2
    return out


@dataclass
class Trips:
    """Every (customer, item) pair bought, sorted by customer then item, with its trip figures."""
    user: np.ndarray          # user index of each pair
    item: np.ndarray          # item index of each pair
    trips: np.ndarray         # distinct days the customer bought the item
    last_day: np.ndarray      # day number of the last of them
    own_gap: np.ndarray       # median days between those trips (NaN when bought on one trip)
    item_gap: np.ndarray      # per item: median of all customers' gaps for it (NaN: nobody rebought it)
    ptr: np.ndarray           # pairs of user u are ptr[u]:ptr[u + 1]

    def expected_gap(self, consumable: np.ndarray) -> np.ndarray:
        """Per pair: the shrunk expected days between trips (NaN when no cycle can be expected)."""
        n_gaps = self.trips - 1.0
        prior = self.item_gap[self.item]
        own = np.where(n_gaps > 0, self.own_gap, 0.0)
        with np.errstate(invalid="ignore"):
            shrunk = (n_gaps * own + SHRINK_GAPS * prior) / (n_gaps + SHRINK_GAPS)
        out = np.where(np.isnan(prior), np.where(n_gaps > 0, self.own_gap, np.nan), shrunk)
        return np.where((n_gaps == 0) & ~consumable[self.item], np.nan, out)

    def matrix(self, values: np.ndarray, n_users: int, n_items: int) -> sp.csr_matrix:
        return sp.csr_matrix((values, (self.user, self.item)), shape=(n_users, n_items))


def trips(data: Interactions) -> Trips:
    """Trip figures of every customer and item from the baskets."""
    b = data.baskets
    rows = np.repeat(np.arange(b.shape[0]), np.diff(b.indptr))
    u, i, d = data.b_user[rows], b.indices.astype(np.int64), data.b_day[rows]
    order = np.lexsort((d, i, u))
    u, i, d = u[order], i[order], d[order]
    new_trip = np.ones(len(u), dtype=bool)
    new_trip[1:] = (u[1:] != u[:-1]) | (i[1:] != i[:-1]) | (d[1:] != d[:-1])
    u, i, d = u[new_trip], i[new_trip], d[new_trip]
    new_pair = np.ones(len(u), dtype=bool)
    new_pair[1:] = (u[1:] != u[:-1]) | (i[1:] != i[:-1])
    pair = np.cumsum(new_pair) - 1
    n_pairs = int(pair[-1]) + 1 if len(pair) else 0
    first = np.flatnonzero(new_pair)
    is_gap = ~new_pair                                   # this trip follows one of the same pair
    gaps = (d[1:] - d[:-1])[is_gap[1:]].astype(np.float64)
    gap_pair = pair[1:][is_gap[1:]]
    gap_item = i[1:][is_gap[1:]]
    last = np.concatenate([first[1:], [len(u)]]) - 1 if n_pairs else np.zeros(0, dtype=np.int64)
    pu = u[first]
    return Trips(user=pu, item=i[first], trips=np.bincount(pair, minlength=n_pairs),
                 last_day=d[last], own_gap=_group_median(gaps, gap_pair, n_pairs),
                 item_gap=_group_median(gaps, gap_item, data.n_items),
                 ptr=np.searchsorted(pu, np.arange(data.n_users + 1)))


def consumables(data: Interactions, min_repeat_share: float = MIN_REPEAT_SHARE,
                t: Trips | None = None) -> np.ndarray:
    """Boolean per item: is it bought again (on another trip) by enough of its buyers?"""
    if min_repeat_share <= 0:
        return np.ones(data.n_items, dtype=bool)
    t = t or trips(data)
    buyers = np.bincount(t.item, minlength=data.n_items)
    repeaters = np.bincount(t.item[t.trips >= 2], minlength=data.n_items)
    return repeaters >= min_repeat_share * np.maximum(buyers, 1) if len(t.item) else np.zeros(data.n_items, bool)


def blocked_repeats(data: Interactions, users: np.ndarray, consumable: np.ndarray,
                    t: Trips | None = None) -> list[np.ndarray]:
    """Per user: the items bought on one trip that are not consumables (not to be recommended)."""
    t = t or trips(data)
    out = []
    for u in users:
        a, b = t.ptr[u], t.ptr[u + 1]
        idx = t.item[a:b]
        out.append(idx[(t.trips[a:b] == 1) & ~consumable[idx]])
    return out


def cycle(days: list[int], as_of: int, item_gap: float | None = None, consumable: bool = True) -> dict | None:
    """The reorder cycle (engine/evidence.py ReorderCycle) from the days of the customer's orders
    holding the item; `item_gap` is the item's median gap over all customers (None: nobody rebought it)."""
    if not days:
        return None
    days = sorted(set(days))   # one trip per day
    gaps = np.diff(days)
    typical = float(np.median(gaps)) if len(gaps) else None
    prior = None if item_gap is None or np.isnan(item_gap) else float(item_gap)
    if prior is None:
        expected = typical
    elif typical is None:
        expected = prior if consumable else None
    else:
        expected = (len(gaps) * typical + SHRINK_GAPS * prior) / (len(gaps) + SHRINK_GAPS)
    since = int(as_of - days[-1])
    due = None if expected is None else round(expected - since, 1)
    return {
        "times_bought": len(days),
        "typical_days_between": typical,
        "last_bought": day_iso(days[-1]),
        "days_since_last": since,
        "item_typical_days_between": prior,
        "expected_days_between": None if expected is None else round(expected, 1),
        "due_in_days": due,
        "due_date": None if expected is None else day_iso(days[-1] + round(expected)),
        "timing": due_timing(due, None if expected is None else round(expected, 1)),
    }
