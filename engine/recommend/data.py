"""Purchase history as matrices: what every model fits on.

A basket is one completed order of a known customer, its items the products on
its non-return lines with a positive quantity. Baskets are kept sorted by
customer and time, so "a customer's last basket" is simply their last row.
Guests and returns do not enter personal models (bundles use guest baskets).
Variants and offers of one product are one item (engine/products.py product_groups),
represented by the group's most bought product: a variant never recommends its own
product, and buying another variant of it is buying it again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from engine.interests import name_words
from engine.products import load_product_groups, load_products

from .ties import attribute_matrix, item_attributes

LOAD_BLOCK = 10_000   # basket lines fetched and converted at a time

# The day as a day number (days since 1970-01-01, as day_number), so every column is an integer.
BASKET_SQL = """
SELECT o.id, o.customer_id, CAST(julianday(substr(o.ordered_at, 1, 10)) - 2440587.5 AS INTEGER) AS day,
       l.product_id
FROM orders o JOIN order_lines l ON l.order_id = o.id
WHERE o.status = 'completed' AND o.customer_id IS NOT NULL
  AND l.is_return = 0 AND l.quantity > 0
"""


@dataclass
class Interactions:
    user_ids: np.ndarray      # customer id of each user index
    item_ids: np.ndarray      # product id of each item index
    b_user: np.ndarray        # user index of each basket (sorted by user, then day)
    b_day: np.ndarray         # day number of each basket (days since 1970-01-01)
    baskets: sp.csr_matrix    # baskets x items, 1 where the basket holds the item
    item_features: sp.csr_matrix | None = None   # items x catalogue facts (item_features())
    tie_attributes: sp.csr_matrix | None = None  # items x the attributes that tie products (ties.py)

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def subset(self, keep: np.ndarray) -> "Interactions":
        """The same users and items, only the baskets where `keep` is true."""
        return dataclasses.replace(self, b_user=self.b_user[keep], b_day=self.b_day[keep],
                                   baskets=self.baskets[np.flatnonzero(keep)])

    def user_basket_matrix(self, weights: np.ndarray | None = None) -> sp.csr_matrix:
        """users x baskets, optionally weighted (e.g. by a time decay)."""
        w = np.ones(len(self.b_user)) if weights is None else weights
        return sp.csr_matrix((w, (self.b_user, np.arange(len(self.b_user)))),
                             shape=(self.n_users, len(self.b_user)))

    def counts(self) -> sp.csr_matrix:
        """users x items: in how many baskets the user bought the item."""
        return (self.user_basket_matrix() @ self.baskets).tocsr()

    def binary(self) -> sp.csr_matrix:
        x = self.counts()
        x.data[:] = 1.0
        return x

    def baskets_per_user(self) -> np.ndarray:
        return np.bincount(self.b_user, minlength=self.n_users)

    def last_day(self) -> int:
        return int(self.b_day.max()) if len(self.b_day) else 0


def day_number(iso: str) -> int:
    return date.fromisoformat(iso[:10]).toordinal() - 719163  # 719163 = 1970-01-01


def day_iso(day: int) -> str:
    return date.fromordinal(int(day) + 719163).isoformat()


def load(db) -> Interactions:
    """All baskets of known customers in the shop."""
    # A block of rows at a time: all of them at once as Python tuples, then columns, then date strings
    # took the load to 250 MB (150 MB now) on the 346,000 lines of the synthetic shop.
    cursor, blocks = db.execute(BASKET_SQL), []
    while rows := cursor.fetchmany(LOAD_BLOCK):
        blocks.append(np.array(rows, dtype=np.int64))
    if not blocks:
        z = np.zeros(0, dtype=np.int64)
        return Interactions(z, z, z, z, sp.csr_matrix((0, 0)))
    order, cust, days, prod = np.concatenate(blocks).T
    prod = as_products(db, prod)
    user_ids, u = np.unique(cust, return_inverse=True)
    item_ids, i = np.unique(prod, return_inverse=True)
    order_ids, o = np.unique(order, return_inverse=True)
    o_user = np.zeros(len(order_ids), dtype=np.int64)
    o_day = np.zeros(len(order_ids), dtype=np.int64)
    o_user[o], o_day[o] = u, days
    # Sort orders by customer, day, order id so each customer's baskets are in time order.
    perm = np.lexsort((order_ids, o_day, o_user))
    rank = np.empty_like(perm)
    rank[perm] = np.arange(len(perm))
    baskets = sp.csr_matrix((np.ones(len(o)), (rank[o], i)), shape=(len(order_ids), len(item_ids)))
    baskets.sum_duplicates()
    baskets.data[:] = 1.0
    ids = item_ids.tolist()
    products = load_products(db, ids)
    return Interactions(user_ids, item_ids, o_user[perm], o_day[perm], baskets,
                        item_features(products, item_ids),
                        attribute_matrix(item_attributes(products, ids), ids))


def item_features(products: dict[int, dict], item_ids: np.ndarray) -> sp.csr_matrix:
    """items x facts, 1 where the item's product has it: its category (a Shopify "Type" is stored
    as the category), vendor, each tag, each word of its name and description (interests.name_words)."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for r, pid in enumerate(item_ids.tolist()):
        f = products.get(pid)
        if f is None:
            continue
        facts = {f"{kind}:{f[kind].casefold()}" for kind in ("category", "vendor") if f[kind]}
        facts |= {f"tag:{t.casefold()}" for t in f["tags"]}
        facts |= {f"word:{w}" for w in name_words(f"{f['name']} {f['description'] or ''}")}
        for fact in facts:
            rows.append(r)
            cols.append(vocabulary.setdefault(fact, len(vocabulary)))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                         shape=(len(item_ids), len(vocabulary)))


def as_products(db, product_ids: np.ndarray) -> np.ndarray:
    """Each product id replaced by its group's (variants and offers count as their product)."""
    ids, inverse, lines = np.unique(product_ids, return_inverse=True, return_counts=True)
    group = load_product_groups(db, dict(zip(ids.tolist(), lines.tolist())))
    return np.array([group.get(p, p) for p in ids.tolist()], dtype=np.int64)[inverse]


def holdout_last(data: Interactions) -> tuple[Interactions, dict[int, np.ndarray]]:
    """Each customer's last basket as the test target (customers with >= 2 baskets).

    Returns the training baskets (everything else) and {user: target items}.
    """
    n = len(data.b_user)
    is_last = np.ones(n, dtype=bool)
    is_last[:-1] = data.b_user[:-1] != data.b_user[1:]
    eligible = data.baskets_per_user() >= 2
    test = is_last & eligible[data.b_user]
    ptr, idx = data.baskets.indptr, data.baskets.indices   # rows by hand: scipy's row indexing is slow
    targets = {int(data.b_user[b]): idx[ptr[b]:ptr[b + 1]].copy() for b in np.flatnonzero(test)}
    return data.subset(~test), targets


def holdout_days(data: Interactions, days: int) -> tuple[Interactions, dict[int, np.ndarray]]:
    """All baskets of the last `days` days as the target, for customers with earlier history."""
    cut = data.last_day() - days
    recent = data.b_day > cut
    ptr, idx = data.baskets.indptr, data.baskets.indices
    train = data.subset(~recent)
    has_past = train.baskets_per_user() > 0
    targets: dict[int, set] = {}
    for b in np.flatnonzero(recent):
        u = int(data.b_user[b])
        if has_past[u]:
            targets.setdefault(u, set()).update(idx[ptr[b]:ptr[b + 1]].tolist())
    return train, {u: np.array(sorted(s)) for u, s in targets.items()}
