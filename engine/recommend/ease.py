"""EASE (Steck, 2019): a closed-form linear item-item model.

B = I - P / diag(P) with P = (X'X + lambda I)^-1 and a zero diagonal. Dense up to
`max_items` items: the fit costs items^3 time and an items^2 float64 matrix plus its float32
copy of memory (three float64 copies until session 12): 5,000 items took about 10 s and 600 MB
on two cores with three (benchmarks/scale_bench.py, docs/scale.md); at 20,000 items it took
minutes and 10 GB, more than an 8 GB laptop has.

Beyond that the model is a sparse EASE: each item's column of B is the same ridge
regression (same lambda, the item itself left out) restricted to its NEIGHBOURS most
co-bought items, b_i = (G_NN + lambda I)^-1 G_Ni with G = X'X. That is EASE's column
with every weight outside those neighbours fixed at 0, so lambda keeps its meaning at
any catalogue size; it costs items x NEIGHBOURS^3.
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from threadpoolctl import threadpool_limits

from .base import Model, item_contributions
from .itemknn import top_k_columns

NEIGHBOURS = 100   # co-bought items each item's column of the sparse EASE is solved on
SOLVE_BLOCK = 256  # items solved together (a block of NEIGHBOURS^2 systems)
MIRROR_BLOCK = 512  # rows of the dense inverse mirrored together
GRAM_BLOCK = 512    # columns of the dense Gram matrix computed together


def dense_gram(x: sp.csr_matrix) -> np.ndarray:
    """X'X as a dense float64 matrix, a block of columns at a time. The whole sparse product first (6.8
    million entries on the 4,000-product synthetic shop, 81 MB), its float64 copy and the dense matrix were
    alive together, about 290 MB where the result is 128 MB."""
    n = x.shape[1]
    xt, xc = x.T.tocsr(), x.tocsc()
    g = np.empty((n, n))
    for a in range(0, n, GRAM_BLOCK):
        g[:, a:a + GRAM_BLOCK] = (xt @ xc[:, a:a + GRAM_BLOCK]).toarray()
    return g


def dense_weights(g: np.ndarray, lam: float) -> np.ndarray:
    """B of the full closed form (float32) from the item-item Gram matrix (float64, overwritten)."""
    g[np.diag_indices_from(g)] += lam
    # LAPACK works in place only on a Fortran-ordered array (else f2py copies it: another 128 MB on the
    # 4,000-product synthetic shop); g is symmetric, so its transpose is that array, and the same matrix.
    c, info = lapack.dpotrf(g.T, lower=False, overwrite_a=True)   # g is positive definite:
    p, info = lapack.dpotri(c, lower=False, overwrite_c=True)   # Cholesky inverse, 2x faster
    # The weights are kept as float32: the inverse is copied to float32 once, one triangle mirrored
    # block by block in place. The float64 temporaries of `triu(p) + triu(p, 1).T` and `-p / diag(p)` made
    # the dense EASE the largest run of all (851 MB against 523 MB on the 4,000-product synthetic shop).
    # p is Fortran-ordered with its upper triangle computed; its transpose is C-ordered (scoring multiplies
    # by C-ordered weights without copying them) and holds the same symmetric inverse in its lower triangle.
    b = p.T.astype(np.float32)
    del p, c, g   # one float64 buffer (overwritten in place): free it before mirroring
    for a in range(0, len(b), MIRROR_BLOCK):
        z = min(a + MIRROR_BLOCK, len(b))
        b[:a, a:z] = b[a:z, :a].T          # above the diagonal block, from left of it
        d = b[a:z, a:z]
        d[...] = np.tril(d) + np.tril(d, -1).T
    b /= -np.diag(b).copy()
    b[np.diag_indices_from(b)] = 0.0
    return b


def sparse_weights(g: sp.csr_matrix, lam: float, neighbours: int = NEIGHBOURS) -> sp.csc_matrix:
    """B column by column: item i regressed on its `neighbours` most co-bought items."""
    n = g.shape[0]
    off = g.copy()
    off.setdiag(0)
    near = top_k_columns(off, neighbours).tocsc()   # column i: i's most co-bought items
    near.eliminate_zeros()
    rows, cols, vals = [], [], []
    items = [i for i in range(n) if near.indptr[i + 1] > near.indptr[i]]
    for a in range(0, len(items), SOLVE_BLOCK):
        block = items[a:a + SOLVE_BLOCK]
        size = max(near.indptr[i + 1] - near.indptr[i] for i in block)
        lhs = np.zeros((len(block), size, size))
        rhs = np.zeros((len(block), size))
        idx = []
        for r, i in enumerate(block):
            nb = near.indices[near.indptr[i]:near.indptr[i + 1]]
            m = len(nb)
            sub = g[nb][:, np.append(nb, i)].toarray()
            lhs[r, :m, :m] = sub[:, :m] + lam * np.eye(m)
            lhs[r, m:, m:] = np.eye(size - m)        # padding: solves to 0
            rhs[r, :m] = sub[:, m]
            idx.append(nb)
        # One BLAS thread: these systems are small, and OpenBLAS threads on cores that something else is using
        # (the owner writing reasons, a browser) wait for each other. The 4,000-item synthetic shop forced sparse,
        # both cores busy elsewhere: 26.4 s with OpenBLAS's threads, 8.8 s with one; quiet: 6.1 s either way.
        with threadpool_limits(limits=1, user_api="blas"):
            sol = np.linalg.solve(lhs, rhs[..., None])[..., 0]
        for r, (i, nb) in enumerate(zip(block, idx)):
            rows.append(nb)
            cols.append(np.full(len(nb), i))
            vals.append(sol[r, :len(nb)])
    if not rows:
        return sp.csc_matrix((n, n), dtype=np.float32)
    return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n), dtype=np.float32)


class EASE(Model):
    name = "ease"
    MAX_ITEMS = 5_000   # dense up to this many items, sparse beyond

    def __init__(self, lam: float = 100.0, max_items: int | None = None):
        super().__init__(lam=lam)
        self.max_items = self.MAX_ITEMS if max_items is None else max_items

    def _fit(self, data):
        # float32 like the weights: a float64 X times float32 weights made scipy copy all the weights to
        # float64 on every call of score (128 MB at a time on the 4,000-product synthetic shop)
        self.x = data.binary().astype(np.float32)
        self.dense = data.n_items <= self.max_items
        if self.dense:
            self.b = dense_weights(dense_gram(self.x), self.params["lam"])
        else:
            self.b = sparse_weights((self.x.T @ self.x).tocsr().astype(np.float64), self.params["lam"])
            self.b_t = self.b.T.tocsr()   # row i: the weights that score item i

    def score(self, users):
        if self.dense:
            return np.asarray(self.x[users] @ self.b) + self.pop_tiebreak()
        return (self.x[users] @ self.b).toarray() + self.pop_tiebreak()

    def explain(self, user, item, k=3, score=None):
        if self.dense:
            return item_contributions(self.x, user, self.b[:, item], k)
        w = np.zeros(self.data.n_items, dtype=np.float32)
        a, b = self.b_t.indptr[item], self.b_t.indptr[item + 1]
        w[self.b_t.indices[a:b]] = self.b_t.data[a:b]
        return item_contributions(self.x, user, w, k)
