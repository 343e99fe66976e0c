"""Order import: CSV -> checked, normalised rows -> the shop database, all or nothing.

Also the front door of every import (orders, reviews, catalogues), exported by `engine.ingest`:
`inspect_file(path)` says what a file is and how it would be read; `import_file(db, path)` imports
it. Whether a file holds orders or a catalogue is decided here, once (`_recognise`).

The file is read in chunks (memory stays flat) inside one transaction. Each
chunk is turned into the same canonical columns whatever the layout, checked
row by row with vectorised pandas operations, and written with `executemany`.
Row ids are handed out here rather than by SQLite so that order lines can
point at orders without a round trip per order.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sqlite_utils

from engine.ingest.csvfile import (AmbiguousDates, CsvFormat, DateFormat, ImportRefused, csv_errors_refused,
                            detect_date_format, detect_decimal_comma, parse_numbers, read_chunks,
                            skipped_lines, sniff, split_header)
from engine.ingest.remembered import recall_mapping, remember_mapping
from engine.ingest.workbook import is_workbook, sheet_as_csv, sheet_names
from engine.ingest.catalogue import CatalogueLayout, CatalogueMapping, detect_catalogue, import_catalogue
from engine import contacts
from engine.backup import automatic_backup, has_a_day_of_work
from engine.db import transaction
from engine.products import name_key, record_identity, split_line_name
from engine.jobs import CancelToken, Progress, ProgressCallback, no_progress
from engine.ingest.layouts import (GENERIC, ColumnMapping, Layout, LAYOUTS, detect_headerless,
                            detect_layout)
from engine.ingest.report import ImportReport, already_imported, record_finish, record_start

MAX_FIELD = 1000          # names, codes and keys; longer is garbage, not a product or customer
MAX_TEXT_FIELD = 100_000  # review text
PREVIEW_ROWS = 20
BULK_BYTES = 20 << 20      # above this, secondary indexes are rebuilt once instead of updated per row
CHUNK_ROWS = 100_000       # rows per chunk: memory stays flat whatever the file size


@dataclass
class FilePreview:
    path: Path
    encoding: str
    delimiter: str
    decimal: str
    header: list[str]
    rows: list[list[str]]
    kind: str                 # 'orders', 'reviews' or 'catalogue'
    profile: str | None       # the detected layout's key, None when the owner must map columns
    profile_label: str
    mapping: ColumnMapping | CatalogueMapping | None
    sheets: list[str] = field(default_factory=list)   # a workbook's sheets (the first is read by default)


def _open(path: Path, profile: str | None, fmt: CsvFormat | None = None
          ) -> tuple[CsvFormat, Layout | None, list[str]]:
    fmt = fmt or sniff(path)
    if profile and profile != GENERIC.key:
        if profile not in LAYOUTS:
            raise ImportRefused(f"Unknown layout '{profile}'. Known: {', '.join(LAYOUTS)}, generic.")
        layout = LAYOUTS[profile]
    elif profile == GENERIC.key:
        layout = None
    else:
        layout = detect_layout(split_header(fmt)) or detect_headerless(fmt.first_line)
    header = list(layout.headerless_names) if layout and not layout.has_header else split_header(fmt)
    return fmt, layout, header


@contextlib.contextmanager
def _as_csv(path: Path, sheet: str | None):
    """The file to read as CSV: the file itself, or an Excel workbook's sheet written out as CSV."""
    if is_workbook(path):
        with sheet_as_csv(path, sheet) as csv_path:
            yield csv_path
    else:
        yield path


def inspect_file(path: str | Path, db: sqlite_utils.Database | None = None,
                 sheet: str | None = None) -> FilePreview:
    """What the import wizard shows before importing: format, layout in words, the first rows.

    With the shop's `db`, a file of a layout the owner mapped before comes with that mapping.
    An Excel workbook is read from `sheet` (the first by default); `sheets` lists them all.
    """
    path = Path(path)
    with _as_csv(path, sheet) as readable, csv_errors_refused(path):
        preview = _inspect(readable, db)
        if readable != path:
            preview.path, preview.sheets = path, sheet_names(path)
        return preview


def _recognise(path: Path, fmt: CsvFormat) -> tuple[Layout | None, list[str], CatalogueLayout | None]:
    """Orders or catalogue? An order layout Shopwise knows wins, then a catalogue export's columns;
    neither: orders in the owner's own layout (both None)."""
    _, layout, header = _open(path, None, fmt)
    return layout, header, None if layout else detect_catalogue(header)


def _remembered(db, header: list[str]) -> tuple[str, ColumnMapping | CatalogueMapping] | None:
    """(kind, mapping) the owner chose before for a file with exactly this header, if any."""
    if db is None:
        return None
    for kind, mapping_class in (("catalogue", CatalogueMapping), ("orders", ColumnMapping)):
        mapping = recall_mapping(db, kind, header, mapping_class)
        if mapping is not None:
            return kind, mapping
    return None


def _inspect(path: Path, db) -> FilePreview:
    fmt = sniff(path)
    layout, header, catalogue = _recognise(path, fmt)
    again = None if layout or catalogue else _remembered(db, header)
    has_header = layout.has_header if layout else True
    first = next(iter(read_chunks(path, fmt, header=has_header,
                                  names=None if has_header else header, chunksize=PREVIEW_ROWS)),
                 pd.DataFrame(columns=header))
    if catalogue:
        kind, key, label, mapping = "catalogue", catalogue.key, catalogue.label, None
    elif again:
        kind, mapping = again
        key, label = None, "your own layout, with the columns you chose last time"
    elif layout:
        kind, key, label, mapping = layout.kind, layout.key, layout.label, layout.mapping_for(header)
    else:
        kind, key, label, mapping = "orders", None, GENERIC.label, ColumnMapping()
    decimal = "," if isinstance(mapping, ColumnMapping) and uses_decimal_comma(fmt, mapping, first) else "."
    return FilePreview(path, fmt.encoding, fmt.delimiter, decimal, header,
                       first.head(PREVIEW_ROWS).values.tolist(), kind, key, label, mapping)


def uses_decimal_comma(fmt: CsvFormat, mapping: ColumnMapping, sample: pd.DataFrame) -> bool:
    """Whether the file's prices and quantities are written with a decimal comma (3,50)."""
    columns = [c for c in (mapping.unit_price, mapping.quantity) if c]
    if not columns or fmt.delimiter == ",":
        return False  # a comma-separated file cannot carry unquoted decimal commas reliably
    return any(detect_decimal_comma(sample[c]) for c in columns)


def import_file(db: sqlite_utils.Database, path: str | Path, *, kind: str | None = None,
                profile: str | None = None, mapping: ColumnMapping | CatalogueMapping | None = None,
                sheet: str | None = None, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> ImportReport:
    """Import an order, review or catalogue export. Raises ImportRefused (nothing changed) or Cancelled.
    A shop with more than a day of work is backed up first (engine.backup).

    `kind` "catalogue" or "orders" is the owner's choice; None: a catalogue mapping or profile
    "catalogue" means a catalogue, another mapping or profile orders, else the file says. The file is
    read and hashed once. An Excel workbook (.xlsx) is imported from `sheet` (the first by default).
    """
    path = Path(path)
    with _as_csv(path, sheet) as readable:
        return _import_csv(db, readable, kind, profile, mapping, progress, cancel)


def _import_csv(db, path: Path, kind, profile, mapping, progress, cancel) -> ImportReport:
    fmt = sniff(path)
    if has_a_day_of_work(db.conn):   # an import changes many rows: keep the shop as it was first
        automatic_backup(db.conn, "import", progress, cancel)
    if kind is None:
        if isinstance(mapping, CatalogueMapping) or profile == "catalogue":
            kind = "catalogue"
        elif mapping is not None or profile is not None:
            kind = "orders"
        else:
            layout, header, catalogue = _recognise(path, fmt)
            again = None if layout or catalogue else _remembered(db, header)
            kind = "catalogue" if catalogue else again[0] if again else "orders"
    if kind == "catalogue":
        return import_catalogue(db, path, fmt=fmt, mapping=mapping, progress=progress, cancel=cancel)
    return import_orders(db, path, profile=profile, mapping=mapping, fmt=fmt, progress=progress, cancel=cancel)


def import_orders(db: sqlite_utils.Database, path: str | Path, *, profile: str | None = None,
                  mapping: ColumnMapping | None = None, fmt: CsvFormat | None = None,
                  progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> ImportReport:
    """Import an order export into the shop (`fmt`: the file as `sniff` read it, when already read)."""
    path = Path(path)
    fmt, layout, header = _open(path, "generic" if mapping else profile, fmt)
    if layout is None and mapping is None:
        mapping = recall_mapping(db, "orders", header, ColumnMapping)
    if layout is None:
        if mapping is None:
            raise ImportRefused("The columns of this file are not a layout Shopwise knows. Choose which "
                                "column holds what: for orders the order date and the product at least, "
                                "for a product list the product name.", file=path.name)
        layout = GENERIC
    else:
        mapping = layout.mapping_for(header)
    problems = mapping.problems(header) if layout is GENERIC else layout.missing_columns(mapping)
    if problems:
        raise ImportRefused(" ".join(problems), file=path.name)
    report = ImportReport(path.name, kind=layout.kind, layout=layout.key,
                          layout_label=layout.label, sha256=fmt.sha256)
    if already_imported(db, fmt.sha256):
        report.already_imported = True
        return report
    job = _OrderImport(db, path, fmt, layout, mapping, header, report)
    with transaction(db), csv_errors_refused(path):
        job.run(progress, cancel or CancelToken())
        if layout is GENERIC:
            remember_mapping(db, "orders", header, mapping)
    return report


class _OrderImport:
    def __init__(self, db, path: Path, fmt: CsvFormat, layout: Layout, mapping: ColumnMapping,
                 header: list[str], report: ImportReport):
        self.db, self.path, self.fmt, self.layout, self.mapping = db, path, fmt, layout, mapping
        self.header, self.report = header, report
        self.source = layout.key
        conn = db.conn
        self.customers = {(k, e): i for i, k, e in conn.execute(
            "SELECT id, key_kind, external_key FROM customers")}
        self.products_by_sku = dict(conn.execute("SELECT sku, id FROM products WHERE sku IS NOT NULL"))
        self.products_by_name = dict(conn.execute(
            "SELECT name_key, min(id) FROM products GROUP BY name_key"))
        self.existing_orders = {e for (e,) in conn.execute(
            "SELECT external_id FROM orders WHERE source = ?", [self.source])}
        self.new_orders: dict[str, int] = {}
        self.line_of_item: dict[tuple[str, str, str], int] = {}  # for merging repeated rows
        self.seen_rows = np.array([], dtype=np.uint64)  # sorted row hashes of earlier chunks
        self.next_id = {t: (conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] + 1)
                        for t in ("customers", "products", "orders", "order_lines")}
        self.order_carry: pd.DataFrame | None = None

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> None:
        report, conn = self.report, self.db.conn
        record_start(conn, report)
        self.date_format: DateFormat | None = None  # decided on the first chunk
        self.decimal_comma = self._decimal_comma()
        has_header = self.layout.has_header
        names = None if has_header else self.header
        with _indexes_rebuilt_after(conn, self.fmt.size > BULK_BYTES), open(self.path, "rb") as raw:
            chunks = read_chunks(raw, self.fmt, header=has_header, names=names, chunksize=CHUNK_ROWS)
            while True:
                cancel.check()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    chunk = next(chunks, None)
                skipped = skipped_lines(caught)
                report.counts["rows"] += len(skipped)
                report.flag("malformed_row", skipped.keys(), None, skipped.values())
                if chunk is None:
                    break
                report.counts["rows"] += len(chunk)
                if len(chunk):  # a file that is only a header reads as one empty chunk
                    self._import_chunk(chunk, has_header)
                progress(Progress(raw.tell(), self.fmt.size, f"{report.counts['rows']:,} rows read"))
        if not report.counts["rows"]:
            raise ImportRefused("There are no rows under the header: nothing to import.", file=self.path.name)
        report.counts["orders"] = len(self.new_orders)
        if report.counts["products_new"]:
            record_identity(conn)   # a new name can make an earlier one a variant ("Tea - Assam")
        record_finish(conn, report)

    def _date_format(self, first_chunk: pd.Series) -> DateFormat:
        """The date format, from the first chunk; from the whole column if that chunk cannot tell."""
        if self.layout.date_column_is_epoch:
            return DateFormat("epoch")
        column = self.mapping.ordered_at
        try:
            return detect_date_format(first_chunk, self.mapping.date_order, file=self.path.name,
                                      column=column)
        except AmbiguousDates:
            pass
        values = pd.read_csv(self.path, sep=self.fmt.delimiter, encoding=self.fmt.encoding, dtype=str,
                             keep_default_na=False, usecols=[self.header.index(column)],
                             header=0 if self.layout.has_header else None, on_bad_lines="skip",
                             engine="c").iloc[:, 0]
        return detect_date_format(values, self.mapping.date_order, file=self.path.name, column=column)

    def _parse_dates(self, values: pd.Series) -> pd.Series:
        """Dates as ISO text, NaN where a value cannot be read."""
        parsed = self.date_format.parse(values)
        return parsed.dt.strftime("%Y-%m-%d %H:%M:%S").where(parsed.notna(), np.nan)

    def _decimal_comma(self) -> bool:
        head = next(iter(read_chunks(self.path, self.fmt, header=self.layout.has_header,
                                     names=None if self.layout.has_header else self.header,
                                     chunksize=5000)))
        return uses_decimal_comma(self.fmt, self.mapping, head)

    # ---- one chunk ---------------------------------------------------------------------------

    def _import_chunk(self, chunk: pd.DataFrame, has_header: bool) -> None:
        report, m, layout = self.report, self.mapping, self.layout
        rows = chunk.index.to_numpy() + (2 if has_header else 1)
        c = pd.DataFrame({"row": rows}, index=chunk.index)
        # Every check below runs once per distinct value of a column, then spreads by code.
        distinct: dict[str, tuple[np.ndarray, pd.Series]] = {}
        too_long = np.zeros(len(c), dtype=bool)
        row_hash = np.zeros(len(c), dtype=np.uint64)
        for name, column in m.used_columns().items():
            codes, uniques = pd.factorize(chunk[column])
            stripped = pd.Series(uniques, dtype=object).str.strip()
            distinct[name] = codes, stripped
            c[name] = stripped.to_numpy()[codes]
            limit = MAX_TEXT_FIELD if name == "review_text" else MAX_FIELD
            too_long |= (stripped.str.len() > limit).to_numpy()[codes]
            row_hash = row_hash * np.uint64(1_000_003) ^ pd.util.hash_array(stripped.to_numpy())[codes]
        if layout.fill_down and "order_id" in c:
            c = self._fill_down(c)
            for name in layout.fill_down:
                distinct.pop(name, None)

        def per_distinct(name: str, transform) -> pd.Series:
            if name not in distinct:
                codes, uniques = pd.factorize(c[name])
                distinct[name] = codes, pd.Series(uniques, dtype=object)
            codes, uniques = distinct[name]
            return pd.Series(np.asarray(transform(uniques), dtype=object)[codes], index=c.index)

        keep = pd.Series(True, index=c.index)

        def drop(mask: pd.Series, reason: str, column: str | None, values: pd.Series) -> None:
            nonlocal keep
            mask = mask & keep
            if mask.any():
                report.flag(reason, c.loc[mask, "row"], column, values[mask])
                keep &= ~mask

        drop(pd.Series(too_long, index=c.index), "too_long", None, c.iloc[:, 1])

        sku = c["sku"] if "sku" in c else pd.Series("", index=c.index)
        pname = c["product_name"] if "product_name" in c else pd.Series("", index=c.index)
        pname = pname.where(pname != "", sku)
        drop(pname == "", "missing_product", m.product_name or m.sku, pname)
        if "line_type" in c:
            drop((c["line_type"] != "") & (c["line_type"].str.casefold() != "line item"),
                 "non_product", m.line_type, c["line_type"])
        if layout.non_products is not None:
            def not_product(u):
                return u.str.match(layout.non_products)
            matches = pd.Series(False, index=c.index)
            for name in ("sku", "product_name"):
                if name in c:
                    matches |= per_distinct(name, not_product).astype(bool)
            drop(matches, "non_product", m.sku or m.product_name, pname)

        if "quantity" in c:
            qty = per_distinct("quantity", lambda u: parse_numbers(u, self.decimal_comma)).astype(float)
            drop(qty.isna(), "bad_quantity", m.quantity, c["quantity"])
            drop(qty == 0, "zero_quantity", m.quantity, c["quantity"])
        else:
            qty = pd.Series(1.0, index=c.index)
        if "unit_price" in c:
            price = per_distinct("unit_price", lambda u: parse_numbers(u, self.decimal_comma)).astype(float)
            drop(price.isna() & (c["unit_price"] != ""), "bad_price", m.unit_price, c["unit_price"])
        else:
            price = pd.Series(np.nan, index=c.index)
        if self.date_format is None:
            self.date_format = self._date_format(c["ordered_at"])
        when = per_distinct("ordered_at", self._parse_dates)
        drop(when.isna(), "bad_date", m.ordered_at, c["ordered_at"])

        kind, key = self._customer_keys(c, per_distinct)
        if "order_id" in c:
            order_key = c["order_id"]
        else:  # no order number: one customer's purchases on one day are one order (a basket)
            order_key = key + "|" + when.str.slice(0, 10)
        drop(order_key.isna() | (order_key == ""), "no_order_or_customer", m.order_id, c["row"])
        drop((qty < 0) & (price == 0), "stock_adjustment", m.quantity, c["quantity"] if "quantity" in c else qty)
        if self.existing_orders:
            drop(in_collection(order_key, self.existing_orders), "already_imported", m.order_id, order_key)

        for name in ("product_name", "customer_name"):
            if name in c:
                formula = keep & per_distinct(name, lambda u: u.str.match(r"^[=+@]")).astype(bool)
                if formula.any():
                    report.flag("formula_like", c.loc[formula, "row"], getattr(m, name), c.loc[formula, name])

        status = self._order_status(c, per_distinct)
        contact = self._contacts(c, per_distinct)
        frame = pd.DataFrame({
            "row": c["row"], "order_key": order_key, "kind": kind, "key": key, **contact,
            "sku": sku, "pname": pname, "qty": qty, "price": price,
            "when": when, "status": status, "row_hash": row_hash,
            "currency": c.get("currency", pd.Series("", index=c.index)),
        })[keep]
        if "rating" in c:
            frame = frame.assign(rating=c["rating"], summary=c["summary"], text=c["review_text"])
        if frame.empty:
            return
        frame = self._handle_duplicates(frame)
        self._write(frame)

    def _fill_down(self, c: pd.DataFrame) -> pd.DataFrame:
        """Shopify puts order columns on an order's first line only; later lines inherit them.

        The previous chunk's last row rides along (index -1) for an order split across chunks.
        """
        cols = [f for f in self.layout.fill_down if f in c]
        both = c if self.order_carry is None else pd.concat([self.order_carry, c])
        filled = both[cols].replace("", np.nan).groupby(both["order_id"], sort=False).ffill()
        both = both.assign(**{col: filled[col].fillna("") for col in cols})
        self.order_carry = both.iloc[[-1]].set_axis([-1])
        return both.loc[c.index]

    def _contacts(self, c: pd.DataFrame, per_distinct) -> dict[str, pd.Series]:
        """Each row's contact details: full name, first and last name, e-mail, phone, consent.

        A file with only a full name gives first and last name by splitting it; a file with only
        first and last names gives the full name by joining them.
        """
        empty = pd.Series("", index=c.index)
        name = c.get("customer_name", empty)
        def name_part(i: int) -> pd.Series:
            if "customer_name" not in c:
                return empty
            return per_distinct("customer_name", lambda u: [contacts.split_name(v)[i] for v in u])

        first = c.get("customer_first_name", empty)
        last = c.get("customer_last_name", empty)
        own = (first != "") | (last != "")
        first = first.where(own, name_part(0))
        last = last.where(own, name_part(1))
        name = name.where(name != "", (first + " " + last).str.strip())
        return {
            "name": name, "first_name": first, "last_name": last,
            "email": per_distinct("customer_email", lambda u: u.map(contacts.normal_email))
            if "customer_email" in c else empty,
            "phone": per_distinct("customer_phone", lambda u: u.map(contacts.normal_phone))
            if "customer_phone" in c else empty,
            "consent": per_distinct("marketing_consent", lambda u: u.map(contacts.consent))
            if "marketing_consent" in c else pd.Series("unknown", index=c.index),
        }

    def _customer_keys(self, c: pd.DataFrame, per_distinct) -> tuple[pd.Series, pd.Series]:
        """Customer identity: their number, else e-mail, else phone; empty for guests."""
        kind = pd.Series("", index=c.index)
        key = pd.Series("", index=c.index)
        no_account = {"NA", *self.layout.guest_customer_ids}
        candidates = [
            ("customer_id", self.layout.customer_kind if self.layout.customer_kind != "email" else "customer_id",
             lambda s: s.where(~s.str.upper().isin(no_account), "")),
            ("customer_email", "email", lambda s: s.str.lower()),
            ("customer_phone", "phone", lambda s: s.str.replace(r"[^\d+]", "", regex=True)),
        ]
        for name, name_kind, normalise in candidates:
            if name in c:
                value = per_distinct(name, normalise)
                use = (key == "") & (value != "")
                key = key.where(~use, value)
                kind = kind.where(~use, name_kind)
        return kind, key

    def _order_status(self, c: pd.DataFrame, per_distinct) -> pd.Series:
        status = pd.Series("completed", index=c.index)
        if "status" in c and self.layout.cancelled_statuses:
            cancelled = self.layout.cancelled_statuses
            status[per_distinct("status", lambda u: u.str.casefold().isin(cancelled)).astype(bool)] = "cancelled"
        if "cancelled_at" in c:
            status[c["cancelled_at"] != ""] = "cancelled"
        prefix = self.layout.return_invoice_prefix
        if prefix and "order_id" in c:
            status[per_distinct("order_id", lambda u: u.str.startswith(prefix)).astype(bool)] = "return"
        return status

    def _handle_duplicates(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.layout.duplicates == "merge":
            return self._merge_repeats(frame)
        hashes = frame["row_hash"].to_numpy(dtype=np.uint64)
        repeated = pd.Series(hashes, index=frame.index).duplicated().to_numpy().copy()
        if len(self.seen_rows):
            at = np.searchsorted(self.seen_rows, hashes).clip(max=len(self.seen_rows) - 1)
            repeated |= self.seen_rows[at] == hashes
        self.seen_rows = np.sort(np.concatenate([self.seen_rows, hashes]))
        if repeated.any():
            dupes = frame[repeated]
            self.report.flag("duplicate_skipped", dupes["row"], None, dupes["pname"])
        return frame[~repeated]

    def _merge_repeats(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Where a repeated row is the only quantity signal (baskets, tills), it adds one unit."""
        item = ["order_key", "sku", "pname"]
        repeated = frame.duplicated(item)
        if repeated.any():
            self.report.flag("duplicate_merged", frame.loc[repeated, "row"], None, frame.loc[repeated, "pname"])
            frame = frame.assign(qty=frame.groupby(item)["qty"].transform("sum"))[~repeated]
        # An item whose first row came in an earlier chunk: add to the line already written.
        keys = list(zip(frame["order_key"], frame["sku"], frame["pname"]))
        earlier = np.array([k in self.line_of_item for k in keys], dtype=bool)
        if earlier.any():
            self.report.flag("duplicate_merged", frame.loc[earlier, "row"], None, frame.loc[earlier, "pname"])
            self.db.conn.executemany(
                "UPDATE order_lines SET quantity = quantity + ? WHERE id = ?",
                [(q, self.line_of_item[k]) for q, k, e in zip(frame["qty"], keys, earlier) if e])
        return frame[~earlier]

    # ---- writing -----------------------------------------------------------------------------

    def _ids(self, table: str, n: int) -> np.ndarray:
        start = self.next_id[table]
        self.next_id[table] += n
        return np.arange(start, start + n)

    def _write(self, f: pd.DataFrame) -> None:
        conn, report = self.db.conn, self.report
        f = f.assign(customer_id=self._customer_ids(f), product_id=self._product_ids(f))
        # orders: the first line of an order sets its date, customer and status
        heads = f.drop_duplicates("order_key")
        heads = heads[~in_collection(heads["order_key"], self.new_orders)]
        if len(heads):
            ids = self._ids("orders", len(heads)).tolist()
            n = len(heads)
            conn.executemany(
                "INSERT INTO orders (id, import_id, source, external_id, customer_id, ordered_at, status,"
                " currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                zip(ids, [report.import_id] * n, [self.source] * n, heads["order_key"].tolist(),
                    _nullable(heads["customer_id"]), heads["when"].tolist(), heads["status"].tolist(),
                    heads["currency"].replace("", None).tolist()))
            self.new_orders.update(zip(heads["order_key"].tolist(), ids))
            report.counts["guest_orders"] += int((heads["key"] == "").sum())
            report.counts["cancelled_orders"] += int((heads["status"] == "cancelled").sum())
            report.counts["return_orders"] += int((heads["status"] == "return").sum())

        # Lines sorted by order: the order_id index then grows at its end instead of everywhere.
        codes, keys = pd.factorize(f["order_key"])
        order_ids = np.array([self.new_orders[k] for k in keys.tolist()], dtype=np.int64)[codes]
        by_order = np.argsort(order_ids, kind="stable")
        f, order_ids = f.iloc[by_order], order_ids[by_order].tolist()
        is_return = ((f["qty"] < 0) | (f["status"] == "return")).astype(int)
        self._flag_kept(f, is_return)
        line_ids = self._ids("order_lines", len(f)).tolist()
        conn.executemany(
            "INSERT INTO order_lines (id, order_id, product_id, quantity, unit_price, is_return)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            zip(line_ids, order_ids, f["product_id"].tolist(), f["qty"].tolist(),
                _nullable(f["price"]), is_return.tolist()))
        report.counts["lines"] += len(f)
        if self.layout.duplicates == "merge":
            self.line_of_item.update(zip(zip(f["order_key"], f["sku"], f["pname"]), line_ids))
        if "rating" in f:
            conn.executemany(
                "INSERT OR IGNORE INTO reviews (customer_id, product_id, rating, summary, text,"
                " reviewed_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                zip(f["customer_id"].tolist(), f["product_id"].tolist(),
                    _nullable(pd.to_numeric(f["rating"], errors="coerce")), f["summary"].tolist(),
                    f["text"].tolist(), f["when"].tolist(), [report.import_id] * len(f)))
            report.counts["reviews"] += len(f)

    def _customer_ids(self, f: pd.DataFrame) -> pd.Series:
        """Customer row ids (None for guests); customers seen for the first time are added."""
        codes, uniques = _factorize_pairs(f["kind"], f["key"])
        new, ids = [], []
        names = f.groupby(codes)["name"].first().tolist()
        for (kind, key), name in zip(uniques, names):
            if not key:
                ids.append(None)
                continue
            cid = self.customers.get((kind, key))
            if cid is None:
                cid = self.customers[(kind, key)] = self.next_id["customers"]
                self.next_id["customers"] += 1
                new.append((cid, kind, key, name or None, self.report.import_id))
            ids.append(cid)
        if new:
            self.db.conn.executemany("INSERT INTO customers (id, key_kind, external_key, name, import_id)"
                                     " VALUES (?, ?, ?, ?, ?)", new)
            self.report.counts["customers_new"] += len(new)
        customer_ids = pd.Series(np.asarray(ids, dtype=object)[codes], index=f.index)
        self._update_contacts(f, customer_ids)
        return customer_ids

    def _update_contacts(self, f: pd.DataFrame, customer_ids: pd.Series) -> None:
        """Each customer's contact details from their newest order in this chunk that has each one.

        A value the file leaves empty keeps what the shop knew; consent 'unknown' never overwrites
        a 'yes' or 'no', and a known one records the column and file it came from.
        """
        contact_fields = ("customer_name", "customer_first_name", "customer_last_name", "customer_email",
                          "customer_phone", "marketing_consent")
        known = customer_ids.notna()
        if not known.any() or not any(getattr(self.mapping, f) for f in contact_fields):
            return   # a file that only numbers its customers (tills, member lists) has nothing to add
        cols = ["first_name", "last_name", "email", "phone"]
        rows = f.loc[known, cols + ["consent", "when"]].assign(customer=customer_ids[known])
        # A customer's lines mostly repeat the same details: one row per distinct set, newest last.
        rows = rows.sort_values("when", kind="stable").drop_duplicates(["customer", *cols, "consent"], keep="last")
        rows = rows.assign(consent=rows["consent"].replace("unknown", ""))
        newest = rows.replace("", np.nan).groupby("customer", sort=False)[cols + ["consent"]].last()
        newest = newest[newest.notna().any(axis=1)]
        newest = newest.astype(object).where(newest.notna(), None)
        source = f"{self.mapping.marketing_consent} ({self.path.name})" if self.mapping.marketing_consent else None
        self.db.conn.executemany(
            "UPDATE customers SET first_name = coalesce(?, first_name), last_name = coalesce(?, last_name),"
            " email = coalesce(?, email), phone = coalesce(?, phone),"
            " marketing_consent = coalesce(?, marketing_consent),"
            " consent_source = CASE WHEN ? IS NULL THEN consent_source ELSE ? END WHERE id = ?",
            [(*(r[c] for c in cols), r["consent"], r["consent"], source, int(cid))
             for cid, r in zip(newest.index, newest.to_dict("records"))])

    def _product_ids(self, f: pd.DataFrame) -> pd.Series:
        """Product row ids, by SKU when there is one, else by name; new products are added, with their
        title and variant when the layout names lines "title - variant" (else `run` records them
        from the shop's names)."""
        codes, uniques = _factorize_pairs(f["sku"], f["pname"])
        new, ids = [], []
        for sku, pname in uniques:
            key = name_key(pname)
            pid = self.products_by_sku.get(sku) if sku else self.products_by_name.get(key)
            if pid is None:
                pid = self.next_id["products"]
                self.next_id["products"] += 1
                title, variant = split_line_name(pname) if self.layout.line_names_title_variant else (None, None)
                new.append((pid, sku or None, pname, key, title, variant, title and "line name"))
                if sku:
                    self.products_by_sku[sku] = pid
                self.products_by_name.setdefault(key, pid)
            ids.append(pid)
        if new:
            self.db.conn.executemany("INSERT INTO products (id, sku, name, name_key, title, variant, identity_from)"
                                     " VALUES (?, ?, ?, ?, ?, ?, ?)", new)
            self.report.counts["products_new"] += len(new)
        return pd.Series(np.asarray(ids, dtype=object)[codes], index=f.index)

    def _flag_kept(self, f: pd.DataFrame, is_return: pd.Series) -> None:
        """Rows that are imported but the owner should know about: counted, not dropped."""
        r = self.report
        r.counts["zero_price_kept"] += int((f["price"] == 0).sum())
        r.counts["guest_line"] += int((f["key"] == "").sum())
        r.counts["cancelled_line"] += int((f["status"] == "cancelled").sum())
        r.counts["return_line"] += int(is_return.sum())


def in_collection(values: pd.Series, collection) -> np.ndarray:
    """`values.isin(collection)` for a large set or dict (pandas copies it on every call)."""
    return np.fromiter((v in collection for v in values.tolist()), bool, len(values))


def _nullable(values: pd.Series) -> list:
    """Column values for SQLite, NaN as NULL."""
    return values.astype(object).where(values.notna(), None).tolist()


@contextlib.contextmanager
def _indexes_rebuilt_after(conn, bulk: bool):
    """For a big load, drop the secondary indexes of the bulk tables and build them again at the end.

    One sort per index is much cheaper than hundreds of thousands of random
    inserts into it. It all happens inside the import's transaction, so a
    failure or cancel rolls the indexes back too; a unique index that cannot be
    rebuilt (a duplicate slipped through) fails the import rather than the data.
    """
    if not bulk:
        yield
        return
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                           " AND tbl_name IN ('orders', 'order_lines')").fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)


def _factorize_pairs(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Codes for the distinct (a, b) pairs, and the pairs, in order of first appearance."""
    codes_a, uniques_a = pd.factorize(a)
    codes_b, uniques_b = pd.factorize(b)
    codes, pair_codes = pd.factorize(codes_a.astype(np.int64) * len(uniques_b) + codes_b)
    ua, ub = np.asarray(uniques_a, dtype=object), np.asarray(uniques_b, dtype=object)
    return codes, list(zip(ua[pair_codes // len(uniques_b)], ub[pair_codes % len(uniques_b)]))

