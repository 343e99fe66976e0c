"""The one small interface every model follows.

fit(data) learns from an `Interactions`; score(users) gives a dense
users x items array (higher = recommend first); explain(user, item) names the
customer's past items that pushed the score up, as (item index, share) pairs.
"""

from __future__ import annotations

import numpy as np

from .data import Interactions


class Model:
    name = "model"

    def __init__(self, **params):
        self.params = params

    def fit(self, data: Interactions) -> "Model":
        self.data = data
        x = data.binary()
        self.popularity = np.asarray(x.sum(axis=0)).ravel()   # customers who bought each item
        self.history = data.counts()                            # baskets with each item, per user
        self._fit(data)
        return self

    def _fit(self, data: Interactions) -> None:
        pass

    def score(self, users: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def explain(self, user: int, item: int, k: int = 3, score: float | None = None
                ) -> list[tuple[int, float]]:
        """(past item, share of the score) pairs; `score` is this model's score when known."""
        return []

    def pop_tiebreak(self) -> np.ndarray:
        """A tiny popularity score, so that ties and empty histories fall back to best sellers."""
        p = self.popularity.astype(np.float64)
        return (1e-6 * p / max(p.max(), 1.0)).astype(np.float32)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({args})"


def popularity_rank(buyers: np.ndarray) -> np.ndarray:
    """Each item's rank by customers who bought it: 1 + the number of items bought by strictly more."""
    return 1 + np.searchsorted(-np.sort(buyers)[::-1], -buyers, side="left")


def row(m, u: int) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of row u of a CSR matrix, without scipy's slow indexing."""
    a, b = m.indptr[u], m.indptr[u + 1]
    return m.indices[a:b], m.data[a:b]


def value(m, u: int, i: int) -> float:
    js, xs = row(m, u)
    hit = np.flatnonzero(js == i)
    return float(xs[hit[0]]) if len(hit) else 0.0


def item_contributions(history, user: int, weights_to_item: np.ndarray, k: int
                       ) -> list[tuple[int, float]]:
    """Share of an item-based score (sum_j x_uj * W_ji) that each past item j explains."""
    js, xs = row(history, user)
    c = xs * weights_to_item[js]
    pos = c > 0
    if not pos.any():
        return []
    js, c = js[pos], c[pos]
    total = c.sum()
    top = np.argsort(-c)[:k]
    return [(int(js[t]), float(c[t] / total)) for t in top]
