"""Frequently bought together: pairs and triples over all completed orders, guests included.

support = orders with all items / all orders; confidence of A (+B) -> C =
orders with all / orders with A (+B); lift = confidence / share of orders with C.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import scipy.sparse as sp

from .data import as_products

ORDER_SQL = """
SELECT DISTINCT l.order_id, l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id
WHERE o.status = 'completed' AND l.is_return = 0 AND l.quantity > 0
"""


def order_matrix(db):
    rows = db.execute(ORDER_SQL).fetchall()
    if not rows:
        return sp.csr_matrix((0, 0)), np.zeros(0, dtype=np.int64)
    o, p = np.array(rows).T
    p = as_products(db, p.astype(np.int64))   # a variant is not bought "together" with its own product
    _, oi = np.unique(o, return_inverse=True)
    items, ii = np.unique(p, return_inverse=True)
    m = sp.csr_matrix((np.ones(len(oi)), (oi, ii)), shape=(oi.max() + 1, len(items)))
    m.sum_duplicates()
    m.data[:] = 1.0   # two variants of one product in an order: the order holds the product once
    return m, items


def find_bundles(db, min_support: int | None = None, limit: int = 50, triples: bool = True) -> list[dict]:
    """Strongest sets first (by lift, then orders): {products, orders, support, confidence, lift}.

    min_support is the least number of orders that must hold the whole set
    (default: 3, or 0.2% of all orders when that is more).
    Confidence and lift are for the rule "the other items -> the last item" (the
    rarest). Triples are counted in orders of at most 40 items, from frequent pairs.
    """
    m, items = order_matrix(db)
    n = m.shape[0]
    if n == 0:
        return []
    if min_support is None:
        min_support = max(3, int(np.ceil(0.002 * n)))
    count = np.asarray(m.sum(axis=0)).ravel()
    co = sp.triu(m.T @ m, k=1).tocoo()
    out = []
    pairs = {}
    for a, b, c in zip(co.row, co.col, co.data):
        if c >= min_support:
            pairs[(a, b)] = c
            x, y = (a, b) if count[a] >= count[b] else (b, a)   # rule: the commoner -> the rarer
            conf = c / count[x]
            out.append({"products": [int(items[x]), int(items[y])], "orders": int(c),
                        "support": float(c / n), "confidence": float(conf),
                        "lift": float(conf / (count[y] / n))})
    if triples and pairs:
        frequent = np.zeros(len(items), bool)
        for a, b in pairs:
            frequent[a] = frequent[b] = True
        sub = m[:, np.flatnonzero(frequent)].tocsr()
        cols = np.flatnonzero(frequent)
        tri = Counter()
        for r in range(sub.shape[0]):
            its = cols[sub.indices[sub.indptr[r]:sub.indptr[r + 1]]]
            if 3 <= len(its) <= 40:
                for t in combinations(sorted(its), 3):
                    if (t[0], t[1]) in pairs and (t[0], t[2]) in pairs and (t[1], t[2]) in pairs:
                        tri[t] += 1
        for t, c in tri.items():
            if c >= min_support:
                y = min(t, key=lambda i: (count[i], i))      # the rarest item is the consequent
                x = [i for i in t if i != y]
                both = pairs[tuple(sorted(x))]
                conf = c / both
                out.append({"products": [int(items[i]) for i in x] + [int(items[y])],
                            "orders": int(c), "support": float(c / n), "confidence": float(conf),
                            "lift": float(conf / (count[y] / n))})
    out.sort(key=lambda b: (-b["lift"], -b["orders"]))
    return out[:limit]
