"""Item content: products like the customer's, by what the catalogue says and what is bought together.

score(u, i) = sum over the customer's items j of
    (1 - w) * co-purchase(j, i)  +  w * content(j, i)

  - co-purchase: item kNN's cosine between item columns of the customer x item matrix (itemknn.py);
  - content: cosine between the items' catalogue facts (data.item_features: category or
    type, vendor, tags, words of the name and description), each fact weighted by its inverse
    document frequency, so a fact most products share ("word:gift") counts little and a rare
    shared one ("vendor:bibs") much;
  - each part keeps the `k` strongest neighbours of every item.

Without a catalogue the facts are the words of the product names. A product nobody bought
together with the customer's items can still be found by its content: what discovery needs
in a shop where most customers order once.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .base import Model
from .itemknn import ItemKNN

BLOCK_CELLS = 4_000_000   # similarities computed densely at once (items in a block x all items)


def content_similarity(features: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """items x items cosine of idf-weighted facts, the k strongest per column, no diagonal."""
    n = features.shape[0]
    df = np.asarray((features > 0).sum(axis=0)).ravel()
    f = (features @ sp.diags(np.log(max(n, 1) / np.maximum(df, 1)))).tocsr()
    norm = np.sqrt(np.asarray(f.multiply(f).sum(axis=1)).ravel())
    f = (sp.diags(1 / np.maximum(norm, 1e-12)) @ f).tocsr().astype(np.float32)
    f_t = f.T.tocsc()
    k = min(k, max(n - 1, 1))
    block = max(1, BLOCK_CELLS // max(n, 1))
    rows, cols, vals = [], [], []
    for a in range(0, n, block):   # symmetric: a row's k best are that column's k best
        s = (f[a:a + block] @ f_t).toarray()
        s[np.arange(s.shape[0]), np.arange(a, a + s.shape[0])] = 0.0
        top = np.argpartition(-s, k - 1, axis=1)[:, :k] if n > k else np.tile(np.arange(n), (s.shape[0], 1))
        v = np.take_along_axis(s, top, axis=1)
        keep = v > 0
        rows.append(np.repeat(np.arange(a, a + s.shape[0]), top.shape[1])[keep.ravel()])
        cols.append(top[keep])
        vals.append(v[keep])
    sim = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                        shape=(n, n), dtype=np.float32) if rows else sp.csr_matrix((n, n), dtype=np.float32)
    return sim.T.tocsr()   # column i: the k items most like i


class ItemContent(ItemKNN):
    """Item kNN (its score and explain) on the blended similarity."""
    name = "item-content"

    def __init__(self, w: float = 0.5, k: int = 200):
        Model.__init__(self, w=w, k=k)

    def _fit(self, data):
        co = ItemKNN(k=self.params["k"]).fit(data)
        self.x = co.x
        w = self.params["w"]
        sim = (1 - w) * co.sim
        if data.item_features is not None and data.item_features.shape[1]:
            sim = sim + w * content_similarity(data.item_features, self.params["k"])
        self.sim = sim.tocsr().astype(np.float32)
        self.sim_t = self.sim.T.tocsr()   # row i: the items that score item i
