"""Product facts as the shop stores them: tags, descriptions in plain text, and the labels an item carries.

Pure Python (no numpy): the screens use it on the window's thread, the importer and the recommender too.
"""

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


def strip_html(text: str) -> str:
    """Plain text from product HTML: tags removed, entities decoded, whitespace folded, paragraphs kept."""
    text = _TAGS.sub(" ", text.replace("<br>", "\n").replace("</p>", "\n"))
    return re.sub(r"[ \t\r\f\v]+", " ", re.sub(r"\s*\n\s*", "\n", html.unescape(text))).strip()


def plain(text, limit: int = 300) -> str | None:
    """A description as one line of at most `limit` characters (None for none)."""
    if not text:
        return None
    t = " ".join(strip_html(str(text)).split())
    return t if len(t) <= limit else t[:limit - 1].rstrip() + "…"


def load_products(db, ids=None) -> dict[int, dict]:
    """{product id: ProductFacts} for every product in the shop, or for the products `ids`."""
    sql = "SELECT id, name, sku, category, vendor, tags, price, description FROM products"
    if ids is not None:
        sql += f" WHERE id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})"
    out = {}
    for r in db.execute(sql):
        out[r[0]] = {"id": r[0], "name": r[1], "sku": r[2], "category": r[3], "vendor": r[4],
                     "tags": parse_tags(r[5]), "price": r[6], "description": plain(r[7])}
    return out


def labels(facts: dict) -> list[str]:
    """The category and tags of a product, each once."""
    out = [facts["category"]] if facts.get("category") else []
    return out + [t for t in facts.get("tags", []) if t not in out]


BASE_URL_SETTING = "shop.base_url"


def base_url(db) -> str:
    """The shop's web address the owner set once (e.g. https://myshop.com), '' when not set."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [BASE_URL_SETTING]).fetchone()
    return row[0] if row else ""


def set_base_url(db, url: str) -> str:
    """Remember the shop's web address; returns it as stored. Raises ValueError for a non-address."""
    url = (url or "").strip().rstrip("/")
    if url and not re.match(r"^https?://[^\s/]+\.[^\s/]+", url, re.IGNORECASE):
        if re.match(r"^[^\s/:]+\.[^\s/]+", url):
            url = "https://" + url   # "myshop.com" means the shop's site
        else:
            raise ValueError(f"'{url}' is not a web address; write it like https://myshop.com.")
    db["settings"].upsert({"key": BASE_URL_SETTING, "value": url}, pk="key")
    return url


def product_url(base: str, handle: str | None, url: str | None) -> str:
    """A product's page: the address the catalogue gave, else the shop's address + /products/handle
    (how Shopify links products); '' when neither is known."""
    if url:
        return url
    if handle and base:
        return f"{base}/products/{handle}"
    return ""
