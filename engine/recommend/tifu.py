"""TIFU-KNN (Hu et al., "Modeling Personalized Item Frequency Information for Next-basket
Recommendation", SIGIR 2020): a customer's time-decayed item frequencies blended with
those of their nearest customers, alpha * own + (1 - alpha) * mean of the k neighbours.

`tifu-knn` is the simplified form Shopwise started with: the customer's vector is a
decayed mean of their baskets (the newest weighs 1, the one before `decay`, ...) and the
neighbours are the most similar by cosine. `tifu-knn-grouped` is the paper's: the
baskets, newest first, are cut into groups of `group_size` (the oldest group holds the
rest); a group's vector is the mean of its baskets decayed by `within` per basket back
from the group's newest; the customer's vector is the mean of the group vectors decayed
by `across` per group back from the newest group; neighbours are the nearest by
Euclidean distance between those vectors. The paper's best alpha values are small on
some data sets (0.1-0.3: the neighbours carry most of the score).
"""

import numpy as np
import scipy.sparse as sp

from .base import Model, value


class TIFUKNN(Model):
    name = "tifu-knn"

    def __init__(self, decay: float = 0.9, k: int = 100, alpha: float = 0.7):
        super().__init__(decay=decay, k=k, alpha=alpha)

    euclidean = False   # neighbours by cosine similarity

    def _fit(self, data):
        w = self.basket_weights(data, positions_from_end(data))
        self.own = (data.user_basket_matrix(w) @ data.baskets).tocsr().astype(np.float32)
        self.neigh = self._neighbours(self.own, self.params["k"], euclidean=self.euclidean)

    def basket_weights(self, data, pos_from_end: np.ndarray) -> np.ndarray:
        """Each basket's weight in its customer's vector: decay per basket, normalised to sum 1."""
        w = self.params["decay"] ** pos_from_end.astype(np.float64)
        totals = np.bincount(data.b_user, weights=w, minlength=data.n_users)
        return w / np.maximum(totals[data.b_user], 1e-12)

    @staticmethod
    def _neighbours(v: sp.csr_matrix, k: int, chunk: int = 1000, pool: int = 10_000,
                    euclidean: bool = False) -> sp.csr_matrix:
        """users x users, 1/k for each of a user's k most similar other users (cosine, or the
        nearest by Euclidean distance).

        Neighbours come from the `pool` customers who bought the most distinct items: comparing
        every customer with every other grows with the square of the customers (minutes and
        GBs beyond ~50,000 of them); with a fixed pool it grows linearly.
        """
        sq = np.asarray(v.multiply(v).sum(axis=1)).ravel()
        vn = v if euclidean else sp.diags(1 / np.maximum(np.sqrt(sq), 1e-12)) @ v
        n = v.shape[0]
        k = min(k, n - 1, pool - 1)
        candidates = np.arange(n) if n <= pool else np.sort(np.argsort(-np.diff(v.indptr), kind="stable")[:pool])
        position = np.full(n, -1)
        position[candidates] = np.arange(len(candidates))
        vc_t = vn[candidates].T.tocsc()
        rows, cols = [], []
        for a in range(0, n, chunk):
            s = (vn[a:a + chunk] @ vc_t).toarray()
            if euclidean:   # -|a - b|^2 + |a|^2: the row's own |a|^2 does not change its order
                s = 2 * s - sq[candidates][None, :]
            me = position[a:a + s.shape[0]]
            s[np.flatnonzero(me >= 0), me[me >= 0]] = -np.inf
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


def positions_from_end(data) -> np.ndarray:
    """Per basket: how many of its customer's baskets came after it (0 = their newest)."""
    n_per_user = data.baskets_per_user()
    start = np.concatenate([[0], np.cumsum(n_per_user)[:-1]])
    return n_per_user[data.b_user] - 1 - (np.arange(len(data.b_user)) - start[data.b_user])


class GroupedTIFUKNN(TIFUKNN):
    """The paper's TIFU-KNN: baskets decayed within groups, groups decayed across (module doc)."""
    name = "tifu-knn-grouped"
    euclidean = True

    def __init__(self, group_size: int = 3, within: float = 0.9, across: float = 0.7, k: int = 300,
                 alpha: float = 0.1):
        Model.__init__(self, group_size=group_size, within=within, across=across, k=k, alpha=alpha)

    def basket_weights(self, data, pos_from_end):
        m = self.params["group_size"]
        n = data.baskets_per_user()[data.b_user]
        group = pos_from_end // m                         # 0 = the newest group
        n_groups = -(-n // m)
        in_group = np.where(group == n_groups - 1, n - (n_groups - 1) * m, m)   # the oldest holds the rest
        return (self.params["within"] ** (pos_from_end % m) / in_group
                * self.params["across"] ** group / n_groups)
