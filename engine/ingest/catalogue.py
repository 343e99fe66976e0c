"""Catalogue import: Shopify and WooCommerce product exports -> products, joined by SKU or name.

A product already known from orders is enriched (description, vendor, category,
tags, price); a catalogue product nobody has ordered yet is added, so that
"discover" recommendations and reasons can use its facts. Shopify's Title and
WooCommerce's parent product say which product each variant is (its title); a
product list in the owner's layout has no such column, so its names decide.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd
import sqlite_utils

from engine.ingest.remembered import recall_mapping, remember_mapping
from engine.ingest.csvfile import (CsvFormat, ImportRefused, csv_errors_refused, detect_decimal_comma,
                                   parse_numbers, read_chunks, skipped_lines, sniff, split_header)
from engine.db import transaction
from engine.jobs import CancelToken, Progress, ProgressCallback, no_progress
from engine.products import catalogue_identity, name_key, record_identity, strip_html
from engine.ingest.report import ImportReport, already_imported, record_finish, record_start


@dataclass(frozen=True)
class CatalogueLayout:
    key: str
    label: str
    signature: tuple[str, ...]   # the columns that identify it, all required
    optional: tuple[str, ...]    # the other columns it reads; empty where the file lacks them


SHOPIFY_PRODUCTS = CatalogueLayout("shopify_products", "Shopify products export",
                                   ("Handle", "Title", "Variant SKU"),
                                   ("Body (HTML)", "Vendor", "Type", "Tags", "Variant Price", "Image Src",
                                    "Status", "Variant Inventory Qty"))
WOO_PRODUCTS = CatalogueLayout("woocommerce_products", "WooCommerce products export",
                               ("Type", "SKU", "Name", "Regular price"),
                               ("ID", "Sale price", "Description", "Short description", "Categories", "Tags",
                                "Images", "Published", "In stock?", "Stock"))


CATALOGUE_FIELDS = [
    # (field, label in words, required)
    ("name", "Product name", True),
    ("sku", "Product code (SKU)", False),
    ("description", "Description", False),
    ("category", "Category or type", False),
    ("vendor", "Vendor or supplier", False),
    ("tags", "Tags", False),
    ("price", "Price", False),
    ("handle", "Handle (the product's web address name)", False),
    ("url", "Product page address (URL)", False),
    ("image_url", "Image address (URL)", False),
    ("status", "Status (active, draft, archived)", False),
    ("stock", "Stock (units on hand)", False),
]
MAPPED = CatalogueLayout("catalogue_mapped", "Product list in your own layout (columns chosen by you)", (), ())


@dataclass
class CatalogueMapping:
    """Which header of a product file holds each field; None where the file has no such column."""
    name: str | None = None
    sku: str | None = None
    description: str | None = None
    category: str | None = None
    vendor: str | None = None
    tags: str | None = None
    price: str | None = None
    handle: str | None = None
    url: str | None = None
    image_url: str | None = None
    status: str | None = None
    stock: str | None = None

    def used_columns(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def problems(self, header: list[str]) -> list[str]:
        """Plain sentences for what is missing or wrong; empty when the mapping can be used."""
        labels = {name: label.lower() for name, label, _ in CATALOGUE_FIELDS}
        out = [f"The column '{column}' chosen for {labels[name]} is not in the file."
               for name, column in self.used_columns().items() if column not in set(header)]
        if not self.name:
            out.append("Choose the column with the product name.")
        return out


def _mapped_rows(df: pd.DataFrame, m: CatalogueMapping, fmt: CsvFormat) -> pd.DataFrame:
    """A product file in the owner's own layout (a till's or POS's product dump), one product per row."""
    def column(name: str) -> pd.Series:
        chosen = getattr(m, name)
        return df[chosen].str.strip() if chosen else pd.Series("", index=df.index)

    price = column("price")
    decimal_comma = fmt.delimiter != "," and detect_decimal_comma(price)
    return pd.DataFrame({
        "row": df["row"], "sku": column("sku"), "name": column("name"), "title": "",
        "description": column("description").map(strip_html), "vendor": column("vendor"),
        "category": column("category"), "tags": column("tags"), "price": parse_numbers(price, decimal_comma),
        "handle": column("handle"), "url": column("url"), "image_url": column("image_url"),
        "status": column("status").map(product_status), "stock": parse_numbers(column("stock"), decimal_comma),
    })


def product_status(value: str) -> str:
    """'active', 'draft' or 'archived' as shop systems write a product's status; '' when unsaid."""
    text = (value or "").strip().casefold()
    if text in ("active", "publish", "published", "1", "yes", "true"):
        return "active"
    if text in ("draft", "pending", "private", "unpublished", "0", "-1", "no", "false"):
        return "draft"
    if text in ("archived", "archive", "deleted", "trash", "discontinued"):
        return "archived"
    return ""


def detect_catalogue(header: list[str]) -> CatalogueLayout | None:
    present = set(header)
    for layout in (SHOPIFY_PRODUCTS, WOO_PRODUCTS):
        if set(layout.signature) <= present:
            return layout
    return None


def _shopify_rows(df: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """One product per SKU (what order lines refer to), named like Shopify's order lines.

    Lines that hold only an image or only a variant inherit the product's columns
    from the first line of the same handle. Shops often give all sizes of a colour
    one SKU: such a product is named by the options its variants share ("TOP - BLACK").
    """
    category = "Product Category" if "Product Category" in df else "Type"
    product_cols = list(dict.fromkeys(["Title", "Body (HTML)", "Vendor", "Type", "Tags", "Status", category]))
    filled = df[product_cols].replace("", pd.NA).groupby(df["Handle"]).ffill().fillna("")
    df = df.assign(**{c: filled[c] for c in product_cols})
    # A product's first image is on its first line with one, often a line that holds only images.
    images = df.loc[df["Image Src"] != ""].groupby("Handle")["Image Src"].first()
    is_variant = (df["Variant SKU"] != "") | (df["Variant Price"] != "")
    report.counts["image_only_rows"] += int((~is_variant).sum())
    df = df[is_variant]
    option_cols = [c for c in ("Option1 Value", "Option2 Value", "Option3 Value") if c in df]
    key = df["Variant SKU"].where(df["Variant SKU"] != "", "handle:" + df["Handle"])
    products = []
    for _, variants in df.groupby(key, sort=False):
        first = variants.iloc[0]
        shared = [first[c] for c in option_cols
                  if variants[c].nunique() == 1 and first[c] not in ("", "Default Title")]
        products.append({
            "row": first["row"], "sku": first["Variant SKU"], "title": first["Title"],
            "name": " - ".join([first["Title"], " / ".join(shared)]) if shared else first["Title"],
            "description": strip_html(first["Body (HTML)"]), "vendor": first["Vendor"],
            "category": first[category] or first["Type"], "tags": first["Tags"],
            "price": parse_numbers(variants["Variant Price"], False).min(),
            "handle": first["Handle"], "image_url": images.get(first["Handle"], ""),
            "status": product_status(first["Status"]),
            # Stock of all the variants sharing this SKU; unknown when the export does not track it.
            "stock": parse_numbers(variants["Variant Inventory Qty"], False).sum(min_count=1),
        })
    report.counts["variant_rows"] += len(df)
    return pd.DataFrame(products, columns=["row", "sku", "title", "name", "description", "vendor", "category",
                                           "tags", "price", "handle", "image_url", "status", "stock"])


def _woo_rows(df: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Variations inherit category and description from their parent (named by SKU or id:N)."""
    by_ref = {}
    for _, r in df.iterrows():
        by_ref[r["SKU"]] = r
        by_ref[f"id:{r['ID']}"] = r
    grouped = df["Type"].str.casefold() == "grouped"
    if grouped.any():
        report.flag("unknown_type", df.loc[grouped, "row"], "Type", df.loc[grouped, "Name"])
    df = df[~grouped]
    parent = df["Parent"].map(lambda ref: by_ref.get(ref)) if "Parent" in df else pd.Series(None, index=df.index)
    has_parent = parent.notna() & (df["Parent"] != "") if "Parent" in df else pd.Series(False, index=df.index)

    def inherit(column: str) -> pd.Series:
        own = df[column]
        return own.where(own != "", parent.map(lambda p: p[column] if p is not None else ""))

    price = df["Sale price"].where(df["Sale price"] != "", df["Regular price"])
    description = inherit("Description")
    description = description.where(description != "", inherit("Short description"))
    return pd.DataFrame({
        "row": df["row"], "sku": df["SKU"], "name": df["Name"],
        "title": df["Name"].where(~has_parent, parent.map(lambda p: p["Name"] if p is not None else "")),
        "description": description.map(strip_html), "vendor": "",
        "category": inherit("Categories").str.replace(" > ", " / ", regex=False),
        "tags": inherit("Tags"), "price": parse_numbers(price, False),
        # WooCommerce lists a product's images comma-separated; a variation may have none of its own.
        "handle": "", "image_url": inherit("Images").str.split(",").str[0].fillna("").str.strip(),
        # Published 1 / 0 (private) / -1 (draft); "In stock?" 0 means sold out whatever "Stock" says.
        "status": df["Published"].map({"1": "active", "0": "draft", "-1": "draft"}).fillna(""),
        "stock": parse_numbers(df["Stock"], False).where(df["In stock?"] != "0", 0.0),
    })


def import_catalogue(db: sqlite_utils.Database, path: str | Path, *, fmt: CsvFormat | None = None,
                     mapping: CatalogueMapping | None = None, progress: ProgressCallback = no_progress,
                     cancel: CancelToken | None = None) -> ImportReport:
    """Import a product export (`fmt`: the file as `sniff` read it, when already read).

    A Shopify or WooCommerce export is read by its known columns; any other product file needs
    `mapping`, or a mapping the owner chose before for a file with the same columns (remembered).
    """
    path = Path(path)
    cancel = cancel or CancelToken()
    fmt = fmt or sniff(path)
    header = split_header(fmt)
    layout = None if mapping is not None else detect_catalogue(header)
    if layout is None and mapping is None:
        mapping = recall_mapping(db, "catalogue", header, CatalogueMapping)
    if layout is None and mapping is None:
        raise ImportRefused("This is not a product export Shopwise knows (Shopify or WooCommerce products "
                            "CSV). Choose which column holds what (the product name at least).", file=path.name)
    if mapping is not None:
        layout = MAPPED
        problems = mapping.problems(header)
        if problems:
            raise ImportRefused(" ".join(problems), file=path.name)
    report = ImportReport(path.name, kind="catalogue", layout=layout.key, layout_label=layout.label,
                          sha256=fmt.sha256)
    if already_imported(db, fmt.sha256):
        report.already_imported = True
        return report
    # Catalogues are small (thousands of rows): read whole, the variant logic needs all rows of a product.
    with csv_errors_refused(path), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = pd.concat(read_chunks(path, fmt), ignore_index=False)
    skipped = skipped_lines(caught)
    report.flag("malformed_row", skipped.keys(), None, skipped.values())
    df = df.assign(**{c: "" for c in layout.optional if c not in df})
    df.insert(0, "row", df.index + 2)
    report.counts["rows"] = len(df) + len(skipped)
    rows = (_mapped_rows(df, mapping, fmt) if layout is MAPPED else
            _shopify_rows(df, report) if layout is SHOPIFY_PRODUCTS else _woo_rows(df, report))
    rows = rows.assign(**{c: "" for c in ("handle", "url", "image_url", "status") if c not in rows})
    missing = rows["name"].str.strip() == ""
    if missing.any():
        name_column = mapping.name if layout is MAPPED else "Title" if layout is SHOPIFY_PRODUCTS else "Name"
        report.flag("missing_product", rows.loc[missing, "row"], name_column, rows.loc[missing, "sku"])
    rows = rows[~missing]
    cancel.check()
    with transaction(db):
        conn = db.conn
        record_start(conn, report)
        for i, r in enumerate(rows.itertuples(index=False)):
            sku = r.sku.strip() or None
            key = name_key(r.name)
            found = None
            if sku:
                found = conn.execute("SELECT id FROM products WHERE sku = ?", [sku]).fetchone()
            if not found:
                found = conn.execute("SELECT id FROM products WHERE name_key = ? AND"
                                     " (sku IS NULL OR ? IS NULL)", [key, sku]).fetchone()
            values = [r.description or None, r.vendor or None, r.category or None, r.tags or None,
                      None if pd.isna(r.price) else float(r.price), r.handle or None, r.url or None,
                      r.image_url or None, r.status or None, None if pd.isna(r.stock) else float(r.stock),
                      report.import_id]
            # Without a title column the name decides, once all rows are in (record_identity below).
            identity = [*catalogue_identity(r.name, r.title), "catalogue"] if r.title.strip() else [None] * 3
            if found:
                conn.execute("UPDATE products SET description = ?, vendor = ?, category = ?, tags = ?,"
                             " price = ?, handle = ?, url = ?, image_url = ?, status = ?, stock = ?,"
                             " catalogue_import_id = ?, title = coalesce(?, title), variant = CASE WHEN ?"
                             " IS NULL THEN variant ELSE ? END, identity_from = coalesce(?, identity_from),"
                             " sku = coalesce(sku, ?) WHERE id = ?",
                             values + [identity[0], identity[2], identity[1], identity[2], sku, found[0]])
                report.counts["products_updated"] += 1
            else:
                conn.execute("INSERT INTO products (sku, name, name_key, description, vendor, category,"
                             " tags, price, handle, url, image_url, status, stock, catalogue_import_id,"
                             " title, variant, identity_from)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [sku, r.name, key] + values + identity)
                report.counts["products_new"] += 1
            if i % 500 == 0:
                cancel.check()
                progress(Progress(i, len(rows), f"{i:,} of {len(rows):,} products"))
        record_identity(conn)
        if layout is MAPPED:
            remember_mapping(db, "catalogue", header, mapping)
        record_finish(conn, report)
    return report
