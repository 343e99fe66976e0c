"""Product facts as the shop stores them: tags, descriptions in plain text, the labels an item carries,
and which product a variant or offer belongs to (base_name, product_groups).

Pure Python (no numpy): the screens use it on the window's thread, the importer and the recommender too.
"""

from __future__ import annotations

import html
import json
import re

_TAGS = re.compile(r"<[^>]+>")
# Words of a product name that only say which variant or offer it is: "- Buy 1", "- 2 Pcs", "/ Dark Brown".
_OFFER = re.compile(r"^(buy \d+.*|\d+\s*(pcs?|pieces?|pack|packs|x|pairs?|sets?)\b.*|pack of \d+.*|set of \d+|"
                    r"default title|(size|colou?r|age) .+|\d+(\.\d+)?\s*(ml|l|g|kg|oz|cm|mm|m)|(x{0,3}[sml]|small|medium|large))$",
                    re.IGNORECASE)
COLOURS = set("""black white off-white ivory cream beige champagne rose rosé pink red burgundy orange yellow gold
green olive khaki mint teal blue navy turquoise purple lilac grey gray anthracite silver brown tan camel multi
multicolour multicolor natural nude clear light dark""".split())


def _variant(tail: str) -> bool:
    """Is this end of a name a variant or an offer ("Buy 1", "2 Pcs", "Black", "Dark Brown / One Size")?"""
    parts = [p.strip() for p in tail.split("/")]
    return all(_OFFER.match(p) or p.casefold() == "one size" or (p and len(p.split()) <= 3 and all(
        w.casefold() in COLOURS for w in p.split())) for p in parts)


def base_name(name: str | None) -> str:
    """The product a name is a variant or offer of: "Positioning Bed Pad - Buy 1" -> "Positioning Bed Pad",
    "Hair Dye / Dark Brown" -> "Hair Dye", "Swim Shorts - Size 4 / Navy" -> "Swim Shorts"; a name
    without such a suffix is its own base ("Tea - Earl Grey" stays)."""
    out = (name or "").strip()
    while True:
        head, sep, tail = max(out.rpartition(" - "), out.rpartition(" / "), key=lambda x: len(x[0]))
        if not sep or not head.strip() or not _variant(tail):
            return out
        out = head.strip()


def product_groups(names: dict[int, str], bought: dict[int, int] | None = None) -> dict[int, int]:
    """{product id: the product that stands for its group}: variants of one product recommend,
    co-occur and cycle as one.

    Two names are one product when they have the same base_name, or when they share the title
    before the first " - " with another product of the shop (Shopify names a line "title - variant":
    "Bibs Pacifier - Smoke / Size 2" and "Bibs Pacifier - Black / Size 2"). The group is represented
    by its most bought product (`bought`: lines per product), then the lowest id.
    """
    def title(name: str) -> str:
        return name.split(" - ", 1)[0].strip().casefold()
    titles: dict[str, int] = {}
    for name in names.values():
        if " - " in (name or ""):
            titles[title(name)] = titles.get(title(name), 0) + 1
    key = {}
    for pid, name in names.items():
        name = name or ""
        key[pid] = title(name) if " - " in name and titles[title(name)] >= 2 else base_name(name).casefold()
    bought = bought or {}
    best: dict[str, int] = {}
    for pid in sorted(names):
        k = key[pid]
        if k not in best or bought.get(pid, 0) > bought.get(best[k], 0):
            best[k] = pid
    return {pid: best[key[pid]] for pid in names}


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


def load_product_groups(db, bought: dict[int, int] | None = None) -> dict[int, int]:
    """product_groups over every product of the shop."""
    return product_groups(dict(db.execute("SELECT id, name FROM products").fetchall()), bought)


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
