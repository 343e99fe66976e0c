"""EASE (Steck, 2019): a closed-form linear item-item model.

B = I - P / diag(P) with P = (X'X + lambda I)^-1 and a zero diagonal. Dense,
so only up to `max_items` items; beyond that it falls back to item kNN. The fit
costs items^3 time and three items^2 float64 copies of memory: 5,000 items take
about 10 s and 600 MB on two cores (benchmarks/scale_bench.py, docs/scale.md),
and model selection fits it five times; at 20,000 items it took minutes and
10 GB, more than an 8 GB laptop has.
"""

import numpy as np
from scipy.linalg import lapack

from .base import Model, item_contributions
from .itemknn import ItemKNN


class EASE(Model):
    name = "ease"
    MAX_ITEMS = 5_000   # dense up to this many items

    def __init__(self, lam: float = 100.0, max_items: int | None = None):
        super().__init__(lam=lam)
        self.max_items = self.MAX_ITEMS if max_items is None else max_items

    def _fit(self, data):
        self.x = data.binary()
        self.fallback = None
        if data.n_items > self.max_items:
            self.fallback = ItemKNN().fit(data)
            return
        g = (self.x.T @ self.x).toarray().astype(np.float64)
        g[np.diag_indices_from(g)] += self.params["lam"]
        c, info = lapack.dpotrf(g, lower=False, overwrite_a=True)   # g is positive definite:
        p, info = lapack.dpotri(c, lower=False, overwrite_c=True)   # Cholesky inverse, 2x faster
        p = np.triu(p) + np.triu(p, 1).T
        b = -p / np.diag(p)
        b[np.diag_indices_from(b)] = 0.0
        self.b = b.astype(np.float32)

    def score(self, users):
        if self.fallback is not None:
            return self.fallback.score(users)
        return np.asarray(self.x[users] @ self.b) + self.pop_tiebreak()

    def explain(self, user, item, k=3, score=None):
        if self.fallback is not None:
            return self.fallback.explain(user, item, k)
        return item_contributions(self.x, user, self.b[:, item], k)
