"""Fills the evidence (engine/evidence.py) for each recommendation from the shop data.

All figures are computed on the full purchase history (completed orders of
known customers, non-return lines) at the shop's reference date:
  - co-purchase: customer counts ("N% of customers who bought A also bought B"),
    support over all customers with a purchase; only a pair (ties.py: >= 2 customers, lift > 1);
  - popularity: customers who bought the product; rank 1 = bought by most
    (1 + number of products bought by strictly more customers); for a product the customer
    never bought, also their last order's day and how many customers bought it on a later day;
  - reorder: this customer's trips (distinct days) with the product, its expected gap
    shrunk toward the product's typical gap, due date and timing (reorder.py);
  - affinity: share of the customer's distinct purchased products with a label;
  - content match: one of the customer's products sharing the category, vendor,
    a tag or, without a catalogue, a rare word of the name (ties.py) with the
    recommended one; the most specific attribute wins; the day they last bought it.
Fields added to the contract: "kind_reason" (why reorder/discover), "note".
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from engine.interests import name_words
from engine.products import labels

from .base import popularity_rank
from .data import Interactions, day_iso
from .reorder import consumables, cycle, trips
from .ties import is_pair, item_attributes

KIND_REASONS = {"due": "bought before, due for another",
                "coming_up": "bought before, not due yet",
                "bought_before": "bought before"}


class EvidenceBuilder:
    def __init__(self, data: Interactions, products: dict[int, dict], as_of: int, model_name: str,
                 items: np.ndarray | None = None):
        """`items`: the item indices evidence will be asked for (default: all)."""
        self.data, self.products, self.as_of, self.model_name = data, products, as_of, model_name
        self.x = data.binary()
        # Customers who bought both of a suggested product and each other product: one row per suggested
        # product only. All products' rows were the largest thing a run kept while writing evidence (54 MB
        # of 4,000 x 4,000 counts on the synthetic shop, whose lists hold 1,139 products); float32 counts
        # customers exactly.
        items = np.arange(data.n_items) if items is None else np.unique(items)
        x32 = self.x.astype(np.float32).tocsc()
        self.co = (x32[:, items].T @ x32).tocsr()
        self.co.sort_indices()
        self.co_row = np.full(data.n_items, -1, dtype=np.int64)
        self.co_row[items] = np.arange(len(items))
        self.buyers = np.asarray(self.x.sum(axis=0)).ravel().astype(np.int64)
        self.rank = popularity_rank(self.buyers)
        self.n_customers = data.n_users
        self.labels = {pid: labels(f) for pid, f in products.items()}
        # Words of the title: a variant's colour or size says nothing about what the product is.
        self.words = {pid: name_words(f["title"]) for pid, f in products.items()}
        self.item_attributes = item_attributes(products, data.item_ids.tolist())
        t = trips(data)
        self.item_gap = t.item_gap
        self.consumable = consumables(data, t=t)
        n_per = data.baskets_per_user()
        self.start = np.concatenate([[0], np.cumsum(n_per)])
        self.item_index = {int(p): i for i, p in enumerate(data.item_ids)}
        # Each item's buyers' last days with it, sorted (item i's in [at[i], at[i + 1])): how many customers bought
        # it after a given day is a binary search.
        order = np.lexsort((t.last_day, t.item))
        self.last_days = t.last_day[order]
        self.last_days_at = np.concatenate([[0], np.cumsum(np.bincount(t.item, minlength=data.n_items))])

    def bought_after(self, item: int, day: int) -> int:
        """Customers who bought the item on a day after `day`."""
        days = self.last_days[self.last_days_at[item]:self.last_days_at[item + 1]]
        return int(len(days) - np.searchsorted(days, day, side="right"))

    def both(self, cands: np.ndarray, b: int) -> np.ndarray:
        """Customers who bought each of `cands` and also b (b: one of the items evidence was built for)."""
        r = self.co_row[b]
        if r < 0:
            raise ValueError(f"no co-purchase counts for item {b}: not among the items given to EvidenceBuilder")
        rows = self.co.indices[self.co.indptr[r]:self.co.indptr[r + 1]]
        vals = self.co.data[self.co.indptr[r]:self.co.indptr[r + 1]]
        if len(rows) == 0:
            return np.zeros(len(cands), dtype=np.int64)
        j = np.minimum(np.searchsorted(rows, cands), len(rows) - 1)
        return np.where(rows[j] == cands, vals[j], 0).astype(np.int64)

    def co_purchase(self, user_items: np.ndarray, days: dict[int, list[int]], item: int,
                    prefer: list[int]) -> dict | None:
        """The customer's past item A most often bought with `item` (by confidence; at
        least 2 customers with both and lift > 1); the model's contributors are tried first.
        `days`: {item: days of the customer's orders holding it} (user_days), `user_items` its keys, sorted."""
        def strongest(cands):
            cands = np.asarray(cands, dtype=np.int64)
            cands = cands[cands != item]
            if len(cands) == 0:
                return None
            both = self.both(cands, item).astype(np.int64)
            ok = is_pair(both, self.buyers[cands], self.buyers[item], self.n_customers)
            if not ok.any():
                return None
            conf = np.where(ok, both / np.maximum(self.buyers[cands], 1), -1.0)
            best = np.lexsort((-both, -conf))[0]   # highest confidence, then most customers
            return int(cands[best]), float(conf[best]), int(both[best])
        best = strongest(prefer) or strongest(user_items)
        if best is None:
            return None
        a, conf, both = best
        n = self.n_customers
        pa = self.products.get(int(self.data.item_ids[a]), {})
        return {"with_product_id": int(self.data.item_ids[a]), "with_name": pa.get("name"),
                "with_title": pa.get("title"),
                "customers_with": int(self.buyers[a]), "customers_both": both,
                "confidence": conf, "support": both / n,
                "lift": float(conf / (self.buyers[item] / n)), "with_last_bought": day_iso(max(days[a]))}

    def user_days(self, user: int) -> dict[int, list[int]]:
        """{item: days of this customer's orders holding it}."""
        bs = self.data.baskets
        out: dict[int, list[int]] = {}
        for b in range(self.start[user], self.start[user + 1]):
            day = int(self.data.b_day[b])
            for i in bs.indices[bs.indptr[b]:bs.indptr[b + 1]]:
                out.setdefault(int(i), []).append(day)
        return out

    def for_user(self, user: int | None, recs: list[tuple[int, float]], model,
                 tags: list[dict]) -> list[dict]:
        """Evidence for each (item index, score) recommended to user (None: no history)."""
        days = self.user_days(user) if user is not None else {}
        user_items = np.array(sorted(days), dtype=np.int64)
        owned = [int(p) for p in self.data.item_ids[user_items] if int(p) in self.products]
        label_counts = Counter(l for p in owned for l in self.labels[p])
        attributes: dict[tuple[str, str], list[int]] = {}   # (attribute, value) -> owned products with it
        for p in sorted(owned):
            for key in self.attributes(p):
                attributes.setdefault(key, []).append(p)
        # Baskets are sorted by customer and day: their last order is their last basket.
        last_order = int(self.data.b_day[self.start[user + 1] - 1]) if days else None
        out = []
        for item, score in recs:
            pid = int(self.data.item_ids[item])
            facts = self.products.get(pid, {"id": pid, "name": f"product {pid}", "title": f"product {pid}"})
            contrib = model.explain(user, item, score=score) if user is not None else []
            ev = {
                "kind": "reorder" if item in days else "discover",
                "model": self.model_name, "score": float(score), "as_of": day_iso(self.as_of),
                "product": facts,
                "contributors": [self.contributor(int(self.data.item_ids[j]), w) for j, w in contrib],
                "co_purchase": self.co_purchase(user_items, days, item, [j for j, _ in contrib]),
                "reorder": cycle(days.get(item, []), self.as_of, self.item_gap[item],
                                 bool(self.consumable[item])),
                "affinity": self.affinity(label_counts, len(owned), self.labels.get(pid, [])),
                "content_match": self.content_match(attributes, pid, days),
                "customer_tags": [t["label"] for t in tags],
                "popularity": {"customers": int(self.buyers[item]), "rank": int(self.rank[item])},
            }
            if last_order is not None and item not in days:
                ev["popularity"].update(last_order=day_iso(last_order),
                                        customers_since=self.bought_after(item, last_order))
            ev["kind_reason"] = (KIND_REASONS[ev["reorder"]["timing"]] if ev["kind"] == "reorder"
                                 else "never bought by this customer")
            if user is None:
                ev["note"] = "no purchases by this customer yet: best sellers"
            out.append(ev)
        return out

    def contributor(self, pid: int, weight: float) -> dict:
        facts = self.products.get(pid, {})
        return {"product_id": pid, "name": facts.get("name"), "title": facts.get("title"), "weight": float(weight)}

    def attributes(self, pid: int) -> list[tuple[str, str]]:
        """The product's (attribute, value) pairs, most specific first (ties.py)."""
        return self.item_attributes.get(pid, [])

    def content_match(self, owned_by_attribute: dict[tuple[str, str], list[int]], pid: int,
                      days: dict[int, list[int]]) -> dict | None:
        """One of the customer's other products sharing the product's most specific attribute, and when they
        last bought it (`days`: user_days)."""
        for key in self.attributes(pid):
            other = next((p for p in owned_by_attribute.get(key, ()) if p != pid), None)
            if other is not None:
                return {"product_id": other, "name": self.products[other]["name"],
                        "title": self.products[other]["title"], "attribute": key[0],
                        "value": key[1].title() if key[0] == "word" else key[1],
                        "last_bought": day_iso(max(days[self.item_index[other]]))}
        return None

    @staticmethod
    def affinity(label_counts: Counter, n_owned: int, item_labels: list[str]) -> dict | None:
        """The item's label most common among the customer's distinct products."""
        best = None
        for label in item_labels:
            share = label_counts.get(label, 0) / n_owned if n_owned else 0.0
            if share > 0 and (best is None or share > best["share"]):
                best = {"label": label, "share": share}
        return best
