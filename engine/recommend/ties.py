"""What ties a product to a customer's purchases: one definition for the recommender and the evidence.

A product is tied to a customer when, with one of the products they bought,
  - it makes a co-purchase pair: at least MIN_PAIR_CUSTOMERS customers bought both, and lift > 1
    (the pair is bought together more often than chance); or
  - it shares an attribute: the category, the vendor, a tag, or, without a catalogue, a rare word of
    the title (in at most RARE_WORD_SHARE of the products: "retrospot" says what a product is,
    "holder" does not).
explain.py names the tie in the evidence (`co_purchase`, `content_match`), so a reason can say it;
topfreq.py fills a customer's list with the best sellers tied to them first, so that a suggestion
the recommender makes for its popularity still has something personal to say.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp

from engine.interests import name_words

MIN_PAIR_CUSTOMERS = 2
RARE_WORD_SHARE = 0.05


def is_pair(both, buyers_a, buyers_b, n_customers: int):
    """Elementwise: do A and B make a co-purchase pair (`both` customers bought each)?"""
    both = np.asarray(both, dtype=np.int64)
    return (both >= MIN_PAIR_CUSTOMERS) & (both * n_customers > np.asarray(buyers_a, dtype=np.int64)
                                           * np.asarray(buyers_b, dtype=np.int64))


def pair_links(x: sp.csr_matrix, items: np.ndarray) -> sp.csr_matrix:
    """all items x `items`, 1 where the two make a pair (customers x items binary `x`); an item is not
    its own pair. Only the columns asked for: the whole item x item co-purchase matrix of a big
    catalogue is large."""
    x = x.astype(np.float32).tocsc()
    co = (x.T @ x[:, items]).tocoo()
    buyers = np.asarray(x.sum(axis=0)).ravel().astype(np.int64)
    col = np.asarray(items)[co.col]
    keep = (co.row != col) & is_pair(np.rint(co.data), buyers[co.row], buyers[col], x.shape[0])
    return sp.csr_matrix((np.ones(int(keep.sum()), dtype=np.float32), (co.row[keep], co.col[keep])),
                         shape=co.shape)


def item_attributes(products: dict[int, dict], item_ids) -> dict[int, list[tuple[str, str]]]:
    """{product id: its (attribute, value) pairs, most specific first} for the products `item_ids`
    (the products customers bought: rare words are counted among them)."""
    words = {pid: name_words(products[pid]["title"]) for pid in item_ids if pid in products}
    df = Counter(w for ws in words.values() for w in ws)
    most = max(2, RARE_WORD_SHARE * len(words))
    out = {}
    for pid, ws in words.items():
        f = products[pid]
        rare = sorted((w for w in ws if 2 <= df[w] <= most), key=lambda w: (df[w], w))   # rarest first
        out[pid] = ([(a, f[a]) for a in ("category", "vendor") if f.get(a)]
                    + [("tag", t) for t in f.get("tags") or []] + [("word", w) for w in rare])
    return out


def attribute_matrix(attributes: dict[int, list[tuple[str, str]]], item_ids) -> sp.csr_matrix:
    """items x attributes, 1 where the item (in `item_ids` order) has the attribute."""
    vocabulary: dict[tuple[str, str], int] = {}
    rows, cols = [], []
    for r, pid in enumerate(item_ids):
        for key in attributes.get(pid, ()):
            rows.append(r)
            cols.append(vocabulary.setdefault(key, len(vocabulary)))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                         shape=(len(item_ids), max(len(vocabulary), 1)))


def tied(owned: sp.csr_matrix, links: sp.csr_matrix, attributes: sp.csr_matrix | None,
         items: np.ndarray) -> np.ndarray:
    """customers x `items` booleans: is each of `items` tied to the customer's purchases (`owned`:
    customers x all items, > 0 where bought; `links`: pair_links(x, items))? A product the customer
    bought is not tied to itself."""
    owned = (owned > 0).astype(np.float32).tocsr()
    out = (owned @ links).toarray() > 0
    if attributes is not None and attributes.nnz:
        of_items = attributes[items]
        shared = (owned @ attributes) @ of_items.T   # customers x items: attributes in common
        # the item's own attributes count only through another product the customer bought
        own = owned[:, items].toarray()
        mine = np.asarray(of_items.sum(axis=1)).ravel()
        out |= (shared.toarray() - own * mine[None, :]) > 0
    return out
