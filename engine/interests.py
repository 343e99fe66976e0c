"""Customer interest tags: the categories, tags and name words of what they buy.

Each label's share is the share of the customer's distinct purchased products
that carry it (words: whose name contains it).
"""

from __future__ import annotations

import re
from collections import Counter

from engine.products import labels, load_products

_WORD = re.compile(r"[^\W\d_]{3,}")
STOP = set("""and the for with set of pack bag box size red blue white black green pink
small large big mini new set the von und mit der die das""".split())


def name_words(name: str) -> list[str]:
    return sorted({w for w in _WORD.findall((name or "").casefold()) if w not in STOP})


def interest_tags(product_ids, products: dict[int, dict], limit: int = 5,
                  labels_of: dict | None = None, words_of: dict | None = None) -> list[dict]:
    """[{label, kind ('category'/'tag'/'word'), share}] strongest first.

    labels_of / words_of: precomputed {product id: labels / name words} (speed only)."""
    pids = [p for p in set(product_ids) if p in products]
    if not pids:
        return []
    lab, words = Counter(), Counter()
    kinds = {}
    for p in pids:
        f = products[p]
        for l in (labels_of[p] if labels_of is not None else labels(f)):
            lab[l] += 1
            kinds.setdefault(l, "category" if l == f.get("category") else "tag")
        words.update(words_of[p] if words_of is not None else name_words(f["name"]))
    n = len(pids)
    out = [{"label": l, "kind": kinds[l], "share": c / n} for l, c in lab.most_common()]
    if len(out) < limit:   # without a catalogue, the words of the product names
        out += [{"label": w, "kind": "word", "share": c / n} for w, c in words.most_common()
                if c >= 2 or n == 1]
    return out[:limit]


def customer_tags(db, customer_id: int, limit: int = 5) -> list[dict]:
    """[{label, kind, share}]: the categories, tags and words of what the customer buys (as the recommender
    stores them in each suggestion's evidence)."""
    pids = [r[0] for r in db.execute(
        """SELECT DISTINCT l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id
           WHERE o.customer_id = ? AND o.status = 'completed' AND l.is_return = 0
             AND l.quantity > 0""", [customer_id])]
    return interest_tags(pids, load_products(db, pids), limit)
