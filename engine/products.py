"""Product facts from the catalogue and the labels (category, tags) an item carries."""

from __future__ import annotations

import html
import json
import re

_TAGS = re.compile(r"<[^>]+>")


def parse_tags(raw) -> list[str]:
    """Tags as stored by importers: a JSON list or a comma-separated string."""
    if not raw:
        return []
    if isinstance(raw, str) and raw.strip().startswith("["):
        try:
            return [str(t).strip() for t in json.loads(raw) if str(t).strip()]
        except ValueError:
            pass
    return [t.strip() for t in str(raw).split(",") if t.strip()]


def plain(text, limit: int = 300) -> str | None:
    if not text:
        return None
    t = " ".join(html.unescape(_TAGS.sub(" ", str(text))).split())
    return t if len(t) <= limit else t[:limit - 1].rstrip() + "…"


def load_products(db) -> dict[int, dict]:
    """{product id: ProductFacts} for every product in the shop."""
    out = {}
    for r in db.execute("SELECT id, name, sku, category, vendor, tags, price, description FROM products"):
        out[r[0]] = {"id": r[0], "name": r[1], "sku": r[2], "category": r[3], "vendor": r[4],
                     "tags": parse_tags(r[5]), "price": r[6], "description": plain(r[7])}
    return out


def labels(facts: dict) -> list[str]:
    """The category and tags of a product, each once."""
    out = [facts["category"]] if facts.get("category") else []
    return out + [t for t in facts.get("tags", []) if t not in out]
