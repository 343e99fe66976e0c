"""Product facts as the shop stores them: tags, descriptions in plain text, the labels an item carries,
and product identity: which product (`title`) a variant or offer belongs to, and what decided it.

Identity is recorded in `products` (title, variant, identity_from) when a product is imported:
  'catalogue'  the catalogue says it (Shopify's Title and options, WooCommerce's parent of a variation);
  'line name'  the order export names a line "title - variant" (Shopify, WooCommerce);
  'name'       the name alone: an offer or variant suffix ("- Buy 1", "/ Black"), or a title that
               other products of the shop share before " - " (`split_names`).
A catalogue imported later overrides the other two. The recommender groups by title
(`product_groups`); reasons say the title; the export keeps the full name.

Pure Python (no numpy): the screens use it on the window's thread, the importer and the recommender too.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
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


def name_key(name: str) -> str:
    """How product names (and titles) are matched across files: case, accents of form and spacing ignored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


def _rest(name: str, title: str) -> str | None:
    """What a name adds to its title ("Hoodie - Red, No" after "Hoodie": "Red, No"), None for nothing."""
    name, title = name.strip(), title.strip()
    rest = name[len(title):] if name.casefold().startswith(title.casefold()) else ""
    return rest.strip(" -/,") or None


def split_line_name(name: str) -> tuple[str, str | None]:
    """(title, variant) of an order line named "title - variant" as Shopify and WooCommerce name them:
    "Bibs Pacifier - Smoke / Size 2 (from 6mnths - 18mnths)" -> ("Bibs Pacifier", "Smoke / Size 2 (...)").
    The first " - " outside brackets divides them; a name without one is a product without variants."""
    depth = 0
    for i, ch in enumerate(name):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and name.startswith(" - ", i) and name[:i].strip():
            variant = name[i + 3:].strip()
            return name[:i].strip(), None if not variant or variant.casefold() == "default title" else variant
    return name.strip(), None


def split_names(names: dict[int, str]) -> dict[int, tuple[str, str | None]]:
    """{product id: (title, variant)} from the names of a shop alone.

    A name is a variant of the title before its first " - " when another name of the shop shares
    that title ("Bibs Pacifier - Smoke / Size 2" and "Bibs Pacifier - Black / Size 2"); otherwise
    its offer or variant suffix is dropped (base_name: "Pad - Buy 1" -> "Pad"), and a name without
    one is its own title ("Tea - Earl Grey" alone stays).
    """
    shared: dict[str, int] = {}
    for name in names.values():
        if " - " in (name or ""):
            k = name_key(name.split(" - ", 1)[0])
            shared[k] = shared.get(k, 0) + 1
    out = {}
    for pid, name in names.items():
        name = (name or "").strip()
        head = name.split(" - ", 1)[0].strip()
        title = head if " - " in name and shared[name_key(head)] >= 2 else base_name(name)
        out[pid] = (title, _rest(name, title))
    return out


def catalogue_identity(name: str, title: str) -> tuple[str, str | None]:
    """(title, variant) of a catalogue product: the catalogue's title (Shopify's Title, the parent of
    a WooCommerce variation), the variant being what the name adds to it ("Hoodie - Red, No")."""
    return title.strip(), _rest(name, title)


def record_identity(conn) -> None:
    """Title and variant of every product whose identity comes from its name, from the names of the
    whole shop: a new "Tea - Assam" makes an earlier "Tea - Earl Grey" a variant of "Tea".
    Products whose catalogue or order line said it are left as recorded."""
    rows = conn.execute("SELECT id, name, title, variant FROM products"
                        " WHERE identity_from IS NULL OR identity_from = 'name'").fetchall()
    split = split_names({pid: name for pid, name, _, _ in rows})
    conn.executemany("UPDATE products SET title = ?, variant = ?, identity_from = 'name' WHERE id = ?",
                     [(*split[pid], pid) for pid, _, title, variant in rows if split[pid] != (title, variant)])


def product_groups(titles: dict[int, str], bought: dict[int, int] | None = None) -> dict[int, int]:
    """{product id: the product that stands for its group}: the variants and offers of one product
    (`titles`: product id -> title) recommend, co-occur and cycle as one. The group is represented
    by its most bought product (`bought`: lines per product), then the lowest id.
    """
    bought = bought or {}
    best: dict[str, int] = {}
    for pid in sorted(titles):
        k = name_key(titles[pid] or "")
        if k not in best or bought.get(pid, 0) > bought.get(best[k], 0):
            best[k] = pid
    return {pid: best[name_key(titles[pid] or "")] for pid in titles}


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


def load_titles(db, ids=None) -> dict[int, str]:
    """{product id: title} of every product (or of `ids`). A product no importer recorded (a row a
    script wrote) is titled from its name, as split_names does for the shop's names."""
    sql = "SELECT id, name, title FROM products"
    if ids is not None:
        sql += f" WHERE id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})"
    rows = db.execute(sql).fetchall()
    unrecorded = split_names({pid: name for pid, name, title in rows if title is None})
    return {pid: title if title is not None else unrecorded[pid][0] for pid, name, title in rows}


def load_product_groups(db, bought: dict[int, int] | None = None) -> dict[int, int]:
    """product_groups over every product of the shop."""
    return product_groups(load_titles(db), bought)


def load_products(db, ids=None) -> dict[int, dict]:
    """{product id: ProductFacts} for every product in the shop, or for the products `ids`."""
    sql = "SELECT id, name, sku, category, vendor, tags, price, description FROM products"
    if ids is not None:
        sql += f" WHERE id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})"
    titles = load_titles(db, ids)
    out = {}
    for r in db.execute(sql):
        out[r[0]] = {"id": r[0], "name": r[1], "title": titles[r[0]], "sku": r[2], "category": r[3],
                     "vendor": r[4], "tags": parse_tags(r[5]), "price": r[6], "description": plain(r[7])}
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
