"""Repeat-aware TIFU-KNN (Hu et al., SIGIR 2020), simplified.

A customer's vector is a time-decayed mean of their baskets (the newest basket
weighs 1, the one before `decay`, ...). The score blends it with the mean
vector of the `k` most similar customers: alpha * own + (1 - alpha) * neighbours.
"""

import numpy as np
import scipy.sparse as sp

from .base import Model, value


class TIFUKNN(Model):
    name = "tifu-knn"

    def __init__(self, decay: float = 0.9, k: int = 100, alpha: float = 0.7):
        super().__init__(decay=decay, k=k, alpha=alpha)

    def _fit(self, data):
        n_per_user = data.baskets_per_user()
        start = np.concatenate([[0], np.cumsum(n_per_user)[:-1]])
        pos_from_end = n_per_user[data.b_user] - 1 - (np.arange(len(data.b_user)) - start[data.b_user])
        w = self.params["decay"] ** pos_from_end.astype(np.float64)
        totals = np.bincount(data.b_user, weights=w, minlength=data.n_users)
        w = w / np.maximum(totals[data.b_user], 1e-12)
        self.own = (data.user_basket_matrix(w) @ data.baskets).tocsr().astype(np.float32)
        self.neigh = self._neighbours(self.own, self.params["k"])

    @staticmethod
    def _neighbours(v: sp.csr_matrix, k: int, chunk: int = 1000, pool: int = 10_000) -> sp.csr_matrix:
        """users x users, 1/k for each of a user's k most similar other users (cosine).

        Neighbours come from the `pool` customers who bought the most distinct items: comparing
        every customer with every other grows with the square of the customers (minutes and
        GBs beyond ~50,000 of them); with a fixed pool it grows linearly.
        """
        norm = np.sqrt(np.asarray(v.multiply(v).sum(axis=1)).ravel())
        vn = sp.diags(1 / np.maximum(norm, 1e-12)) @ v
        n = v.shape[0]
        k = min(k, n - 1, pool - 1)
        candidates = np.arange(n) if n <= pool else np.sort(np.argsort(-np.diff(v.indptr), kind="stable")[:pool])
        position = np.full(n, -1)
        position[candidates] = np.arange(len(candidates))
        vc_t = vn[candidates].T.tocsc()
        rows, cols = [], []
        for a in range(0, n, chunk):
            s = (vn[a:a + chunk] @ vc_t).toarray()
            me = position[a:a + s.shape[0]]
            s[np.flatnonzero(me >= 0), me[me >= 0]] = -1.0
            if k <= 0:
                break
            top = np.argpartition(-s, k - 1, axis=1)[:, :k]
            rows.append(np.repeat(np.arange(a, a + s.shape[0]), k))
            cols.append(candidates[top.ravel()])
        if not rows:
            return sp.csr_matrix((n, n), dtype=np.float32)
        r, c = np.concatenate(rows), np.concatenate(cols)
        return sp.csr_matrix((np.full(len(r), 1.0 / k, dtype=np.float32), (r, c)), shape=(n, n))

    def score(self, users):
        a = self.params["alpha"]
        own = self.own[users].toarray()
        near = (self.neigh[users] @ self.own).toarray()
        return a * own + (1 - a) * near + self.pop_tiebreak()

    def explain(self, user, item, k=3, score=None):
        own = self.params["alpha"] * value(self.own, user, item)
        if own <= 0:
            return []
        if getattr(self, "_near", (None,))[0] != user:   # explain is called item after item
            self._near = (user, (self.neigh[user] @ self.own).toarray().ravel())
        total = own + (1 - self.params["alpha"]) * self._near[1][item]
        return [(item, float(own / total))]
