"""The repeat ranker: which of the customer's own products they are likely to buy *now*.

score(u, i) = (trips(u, i) + item_weight * 2 * rebuy share(i)) * timing(u, i) * reach(i) ** gamma

  - trips: the distinct days the customer bought the item (reorder.py);
  - rebuy share: the share of the item's buyers who bought it on two or more trips
    (milk is rebought, a birthday card is not);
  - timing = min(r, 1 / sqrt(r)) ** beta with r = days since the last trip / expected gap
    (reorder.py: the customer's gaps shrunk toward the item's): rises to 1 when due, then
    decays slowly while overdue (the longer overdue, the likelier they buy it elsewhere);
    0.5 ** beta when no gap can be expected. beta = 0 ignores timing;
  - reach: the share of customers who bought the item: in a shop where baskets are small and
    varied (Groceries) a staple bought once is likelier next than a rarity bought twice.

Items the customer never bought score 0 (plus the popularity tie-break): exploring them
is the explore ranker's job (twostage.py). Tuned by the recall of repeat items.
"""

from __future__ import annotations

import numpy as np

from .base import Model
from .reorder import trips

NO_CYCLE_TIMING = 0.5


class Repeat(Model):
    name = "repeat"

    def __init__(self, beta: float = 1.0, item_weight: float = 1.0, gamma: float = 0.0):
        super().__init__(beta=beta, item_weight=item_weight, gamma=gamma)

    def _fit(self, data):
        t = trips(data)
        buyers = np.bincount(t.item, minlength=data.n_items)
        rebuy = np.bincount(t.item[t.trips >= 2], minlength=data.n_items) / np.maximum(buyers, 1)
        gap = t.expected_gap(np.ones(data.n_items, dtype=bool))
        since = data.last_day() - t.last_day
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.maximum(since, 0.5) / gap
            due = np.where(np.isnan(gap), NO_CYCLE_TIMING, np.minimum(r, 1 / np.sqrt(r)))
        base = t.trips + self.params["item_weight"] * 2 * rebuy[t.item]
        recency = 1e-3 * (1 - since / max(since.max(initial=0), 1))   # ties: the more recent wins
        reach = np.maximum(buyers, 1) / max(data.n_users, 1)
        values = base * due ** self.params["beta"] * reach[t.item] ** self.params["gamma"] + recency
        self.own = t.matrix(values.astype(np.float32), data.n_users, data.n_items)

    def score(self, users):
        return self.own[users].toarray() + self.pop_tiebreak()

    def explain(self, user, item, k=3, score=None):
        a, b = self.own.indptr[user], self.own.indptr[user + 1]
        return [(item, 1.0)] if item in self.own.indices[a:b] else []
