"""Item-item co-occurrence kNN: items bought by the same customers as your items.

Cosine similarity between item columns of the customer x item matrix, keeping
the `k` strongest neighbours per item.
"""

import numpy as np
import scipy.sparse as sp

from .base import Model, item_contributions, row


def top_k_columns(sim: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of every column (the neighbours that score an item)."""
    sim = sim.tocsc()
    for c in range(sim.shape[1]):
        a, b = sim.indptr[c], sim.indptr[c + 1]
        if b - a > k:
            vals = sim.data[a:b]
            vals[np.argsort(vals)[:-k]] = 0.0
    sim.eliminate_zeros()
    return sim.tocsr()


class ItemKNN(Model):
    name = "item-knn"

    def __init__(self, k: int = 100):
        super().__init__(k=k)

    def _fit(self, data):
        x = data.binary()
        co = (x.T @ x).tocsr().astype(np.float64)
        norm = np.sqrt(np.maximum(co.diagonal(), 1e-12))
        co.setdiag(0)
        co.eliminate_zeros()
        sim = sp.diags(1 / norm) @ co @ sp.diags(1 / norm)
        self.sim = top_k_columns(sim.tocsr(), self.params["k"]).astype(np.float32)
        self.x = x
        self.sim_t = self.sim.T.tocsr()   # row i: the neighbours that score item i

    def score(self, users):
        return (self.x[users] @ self.sim).toarray() + self.pop_tiebreak()

    def explain(self, user, item, k=3, score=None):
        w = np.zeros(self.data.n_items, dtype=np.float32)
        js, vs = row(self.sim_t, item)
        w[js] = vs
        return item_contributions(self.x, user, w, k)
