"""Personal top frequency (P-TopFreq): what this customer buys most, recent first.

Each past basket counts 0.5 ** (age / half_life) (no decay when half_life is
None). Products never bought fill the rest of the list by popularity, as in the
paper, with one change (fill="tied", the default): the shop's best sellers tied to
what the customer bought (ties.py: bought together, or the same category, vendor,
tag or rare name word) come before the best sellers that are not. A best seller
the customer has no tie to can only be said to be popular; a tied one has a
personal reason (measured in docs/recommendations.md: on Online Retail, 42% of all
suggestions were untied best sellers, 18% with this fill). fill="popularity" is the
paper's P-TopFreq, kept as the benchmark's baseline.

fill_rank: the tied fill draws on the products up to this popularity rank (default: the best
sellers). A larger one puts a tied product beyond the best sellers (a reason names the tie, not
its popularity) before an untied best seller; which one a shop gets is the selection's choice
(select.py): on Amazon reviews 500 was better on both next-order splits and on basket completion
(test NDCG@10 0.0885 -> 0.0907, completion 0.107 -> 0.121), on the Online Retail sample level on
the test basket and 5% worse on validation (session 15).

untied (with a larger fill_rank): this many of the best sellers not tied to the customer, the most
popular first, come after the tied best sellers and before the tied products beyond them: one
e-mail's worth (three products) of the shop's best sellers for a customer with little tied to them,
then what is tied. On the Online Retail sample as accurate on validation as the best-seller fill
(NDCG@10 0.0364 against 0.0361; 1, 2, 5 and 10 of them: 0.0360, 0.0360, 0.0363, 0.0361, all within
noise: three is one e-mail), where the wider fill alone was 5%
less so, and its suggestions that rest on popularity alone 18.8% -> 10.9% (session 17).
"""

import numpy as np

from engine.evidence import BEST_SELLER_RANK

from .ties import pair_links, tied
from .base import Model, popularity_rank, value

FILLS = ("tied", "popularity")
BATCH = 2048   # customers whose ties are computed at once


class PersonalTopFreq(Model):
    name = "p-topfreq"

    def __init__(self, half_life: float | None = None, fill: str = "tied", fill_rank: int = BEST_SELLER_RANK,
                 untied: int = 0):
        if fill not in FILLS:
            raise ValueError(f"fill must be one of {FILLS}, not {fill!r}")
        params = dict(half_life=half_life, fill=fill, fill_rank=fill_rank)
        super().__init__(**params, **({"untied": untied} if untied else {}))   # saved selections stay as they were

    def _fit(self, data):
        age = data.last_day() - data.b_day
        w = np.ones(len(age)) if self.params["half_life"] is None else 0.5 ** (age / self.params["half_life"])
        w = w + 1e-3 * (1 - age / max(age.max(initial=0), 1))   # ties: the more recent wins
        self.weights = (data.user_basket_matrix(w) @ data.baskets).tocsr()
        if self.params["fill"] == "tied":
            self.fill_items = np.flatnonzero(popularity_rank(self.popularity) <= self.params["fill_rank"])
            self.links = pair_links(data.binary(), self.fill_items)
            self.attributes = data.tie_attributes
            self.best_sellers = popularity_rank(self.popularity[self.fill_items]) <= BEST_SELLER_RANK

    def score(self, users):
        # The fill works at the scale of the popularity tie-break it extends (at most 2e-6), below the
        # products the customer bought: a tied product gains as much as the top seller has over nothing.
        tiebreak = self.pop_tiebreak()
        out = self.weights[users].toarray().astype(np.float32) + tiebreak
        if self.params["fill"] == "tied" and len(self.fill_items):
            lift = tiebreak.max()
            for a in range(0, len(users), BATCH):
                owned = self.history[users[a:a + BATCH]]
                links = tied(owned, self.links, self.attributes, self.fill_items)
                out[a:a + owned.shape[0], self.fill_items] += lift * self._fill_bands(links, owned)
        return out

    def _fill_bands(self, links: np.ndarray, owned) -> np.ndarray:
        """How many lifts each fill item gets (customers x fill items): one when tied; with `untied`, tied
        best sellers two, and the customer's `untied` most popular untied best sellers one, so that they
        come before the tied products beyond the best sellers (whose popularity is lower). `owned`: the
        customers' rows of the history, as `tied` read them."""
        bands = links.astype(np.float32)
        k = self.params.get("untied", 0)
        if not k:
            return bands
        bands += links & self.best_sellers
        free = ~links & self.best_sellers & (owned[:, self.fill_items].toarray() == 0)
        by_popularity = np.argsort(-np.where(free, self.popularity[self.fill_items], -1), axis=1, kind="stable")
        first = by_popularity[:, :k]
        rows = np.arange(owned.shape[0])[:, None]
        bands[rows, first] += free[rows, first]
        return bands

    def explain(self, user, item, k=3, score=None):
        return [(item, 1.0)] if value(self.history, user, item) > 0 else []
