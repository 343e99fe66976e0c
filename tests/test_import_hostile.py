"""Hostile input: the real shop files, reshaped and damaged by hypothesis, import correctly or are refused.

A reshaped file (columns reordered, headers in another case, unread columns dropped, another
delimiter, quoting, line end, encoding or date style) must import exactly what the original does.
A damaged file (truncated, garbage bytes, stray quotes and newlines, empty or huge fields, columns
lost or renamed, dates in mixed styles) must either be refused with a message naming the file,
the shop left byte for byte as it was, or import with every row it did not take listed in the
report. Samples are a few hundred rows of each real file, so an example takes a fraction of a second.
"""

from __future__ import annotations

import csv
import functools
import io
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.ingest.catalogue import import_catalogue
from engine.ingest.csvfile import AmbiguousDates, ImportRefused
from engine.db import open_shop
from engine.ingest.orders import import_orders
from engine.ingest.layouts import detect_layout
from engine.ingest.report import REASONS
from tests.conftest import ROOT, SHARED_DATA

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Every reason that takes a row out of the import; the accounting below needs all of them.
NOT_IMPORTED = [r for r, words in REASONS.items() if "(skipped)" in words] + ["duplicate_merged"]


@dataclass(frozen=True)
class Sample:
    file: str
    records: int | None     # records kept from the top of the file (None: all)
    date_format: str | None  # how the file writes order dates (None: epoch seconds, not restyled)


SAMPLES = {
    "groceries": Sample("groceries-kaggle/Groceries_dataset.csv", 300, "%d-%m-%Y"),
    "retail": Sample("online-retail-uci-sample/online_retail_sample.csv", 300, "%Y-%m-%d %H:%M:%S"),
    "till": Sample("bread-basket/BreadBasket_DMS.csv", 300, "%Y-%m-%d"),
    "shopify": Sample("shopify-orders-kidsliving/orders_export.redacted.csv", None, "%Y-%m-%d %H:%M:%S %z"),
    "reviews": Sample("amazon-reviews-musical-instruments/Musical_instruments_reviews.partial_noheader.csv",
                      150, None),
}
WITH_HEADER = [name for name in SAMPLES if name != "reviews"]


@functools.cache
def original(name: str) -> bytes:
    """The first records of the real file, byte for byte (a record may span lines)."""
    sample = SAMPLES[name]
    data = (SHARED_DATA / sample.file).read_bytes()
    if sample.records is None:
        return data
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    for _ in range(sample.records + (name != "reviews")):
        next(reader)
    return b"".join(data.splitlines(keepends=True)[:reader.line_num])


@functools.cache
def table(name: str) -> tuple[list[str] | None, list[list[str]]]:
    """(header, rows) of the sample; the header is None for a headerless file."""
    rows = list(csv.reader(io.StringIO(original(name).decode("utf-8"), newline="")))
    return (None, rows) if name == "reviews" else (rows[0], rows[1:])


def read_columns(name: str) -> set[str]:
    """The columns the importer reads from this sample's layout."""
    header, _ = table(name)
    return set(detect_layout(header).mapping_for(header).used_columns().values())


def write(header, rows, *, delimiter=",", quoting=csv.QUOTE_MINIMAL, line_end="\n",
          encoding="utf-8") -> bytes:
    out = io.StringIO()
    # The csv module quotes only the line end's own characters; with "\r\n" it quotes a field
    # holding either, so the file stays valid CSV whichever line end joins the records.
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    lines = []
    for row in ([header] if header is not None else []) + rows:
        writer.writerow(row)
        lines.append(out.getvalue()[:-2])
        out.seek(0)
        out.truncate()
    return "".join(line + line_end for line in lines).encode(encoding)


class Shops:
    """A shop with some earlier orders; every example imports into a fresh copy of it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.template = folder / "template.shopwise"
        db = open_shop(self.template)
        import_orders(db, ROOT / "tests" / "dialects" / "shopify_newer_layout.csv")
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.conn.close()
        self.template_bytes = self.template.read_bytes()

    def import_bytes(self, data: bytes, importer=import_orders):
        """The ImportRefused, or (report, what was imported); checks what must hold either way."""
        with tempfile.TemporaryDirectory(dir=self.folder) as tmp:
            shop, path = Path(tmp, "shop.shopwise"), Path(tmp, "orders.csv")
            shutil.copyfile(self.template, shop)
            path.write_bytes(data)
            db = open_shop(shop)
            try:
                report = importer(db, path)
            except ImportRefused as refused:
                db.conn.close()
                assert "orders.csv" in str(refused)
                assert shop.read_bytes() == self.template_bytes
                assert not Path(f"{shop}-wal").exists()
                return refused
            try:
                assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert not db.execute("PRAGMA foreign_key_check").fetchall()
                if report.kind != "catalogue":
                    assert_accounted(db, report)
                return report, imported(db, report.import_id)
            finally:
                db.conn.close()

    @functools.cache
    def baseline(self, name: str):
        outcome = self.import_bytes(original(name))
        assert not isinstance(outcome, Exception), outcome
        return outcome


def assert_accounted(db, report) -> None:
    """Every row read became a line or is in the report with why; the shop holds what the report says."""
    c = report.counts
    assert c["rows"] == c["lines"] + sum(c[r] for r in NOT_IMPORTED), dict(c)
    assert len(report.issues) >= sum(c[r] for r in NOT_IMPORTED if r != "already_imported")
    assert all(i.row is None or i.row >= 1 for i in report.issues)

    def count(sql: str) -> int:
        return db.execute(sql, [report.import_id]).fetchone()[0]
    assert count("SELECT count(*) FROM orders WHERE import_id = ?") == c["orders"]
    assert count("SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                 " WHERE o.import_id = ?") == c["lines"]
    assert count("SELECT count(*) FROM customers WHERE import_id = ?") == c["customers_new"]


def imported(db, import_id: int) -> list[tuple]:
    """What an import put in the shop, independent of row ids."""
    lines = db.execute(
        "SELECT o.source, o.external_id, o.ordered_at, o.status, o.currency, c.key_kind, c.external_key,"
        "       p.sku, p.name, l.quantity, l.unit_price, l.is_return"
        "  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id"
        "  LEFT JOIN customers c ON c.id = o.customer_id WHERE o.import_id = ?", [import_id]).fetchall()
    reviews = db.execute("SELECT rating, summary, text, reviewed_at FROM reviews WHERE import_id = ?",
                         [import_id]).fetchall()
    return sorted(lines, key=repr) + sorted(reviews, key=repr)


@pytest.fixture(scope="module")
def shops(tmp_path_factory):
    return Shops(tmp_path_factory.mktemp("hostile"))


# ---- reshaped: the same orders, written differently ----------------------------------------------

CASES = {"same": str, "upper": str.upper, "lower": str.lower, "title": str.title}


@st.composite
def reshapes(draw, name: str) -> dict:
    """How to rewrite the sample without changing what it says (small, so a failure reads well)."""
    header, _ = table(name)
    how = {}
    if header is not None:
        unread = [i for i, h in enumerate(header) if h not in read_columns(name)]
        how = {"order": draw(st.permutations(range(len(header)))),
               "dropped": set(draw(st.lists(st.sampled_from(unread), unique=True))) if unread else set(),
               "case": draw(st.sampled_from(list(CASES))), "pad": draw(st.sampled_from(["", " "]))}
    return how | {"delimiter": draw(st.sampled_from([",", ";", "\t", "|"])),
                  "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
                  "line_end": draw(st.sampled_from(["\n", "\r\n", "\r"])),
                  "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))}


def reshape(name: str, order=None, dropped=(), case="same", pad="", **text) -> bytes:
    header, rows = table(name)
    if order is not None:
        keep = [i for i in order if i not in dropped]
        header = [f"{pad}{CASES[case](header[i])}{pad}" for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    try:
        return write(header, rows, **text)
    except UnicodeEncodeError:  # a character Windows-1252 does not have
        return write(header, rows, **(text | {"encoding": "utf-8"}))


@settings(FAST, max_examples=40)
@given(data=st.data(), name=st.sampled_from(list(SAMPLES)))
def test_reshaped_file_imports_the_same(shops, data, name):
    report, rows = shops.baseline(name)
    outcome = shops.import_bytes(reshape(name, **data.draw(reshapes(name), label="reshape")))
    assert not isinstance(outcome, Exception), outcome
    assert dict(outcome[0].counts) == dict(report.counts)
    assert outcome[1] == rows


DATE_STYLES = ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%y", "%m/%d/%y"]
TIME_STYLES = [" %H:%M:%S", "T%H:%M:%S", " %I:%M:%S %p"]


def restyled(name: str, style: str, rows_to_change=None) -> bytes:
    """The sample with its order dates written in `style` (every row, or the rows given)."""
    header, rows = table(name)
    column = header.index(detect_layout(header).mapping_for(header).ordered_at)
    rows = [list(r) for r in rows]
    for i, row in enumerate(rows):
        if row[column] and (rows_to_change is None or i in rows_to_change):
            row[column] = datetime.strptime(row[column], SAMPLES[name].date_format).strftime(style)
    return write(header, rows)


@settings(FAST, max_examples=15)
@given(name=st.sampled_from(WITH_HEADER), date=st.sampled_from(DATE_STYLES), time=st.sampled_from(TIME_STYLES))
def test_dates_in_another_style_import_the_same(shops, name, date, time):
    with_time = "%H" in SAMPLES[name].date_format
    outcome = shops.import_bytes(restyled(name, date + time if with_time else date))
    if isinstance(outcome, AmbiguousDates):
        return  # every date reads day-first and month-first: refusing to guess is right
    assert not isinstance(outcome, Exception), outcome
    report, rows = shops.baseline(name)
    assert dict(outcome[0].counts) == dict(report.counts)
    assert outcome[1] == rows


# ---- damaged: refused, or imported with the damage reported ---------------------------------------

BAD_FIELDS = ["", " ", "x" * 1001, "y" * 100_001, '"quoted", and\nnew "line"', '=HYPERLINK("http://x")',
              "\x00", "NaN", "-1", "\r"]
STRAY = [b'"', b"\n", b"\r", b'"\n', b',"', b'\r\n"', b"\x00", b"\xff\xfe"]


@st.composite
def damages(draw, name: str) -> tuple:
    """One kind of damage and where it strikes (small, so a failure reads well)."""
    header, rows = table(name)
    at = st.floats(0, 1)
    kinds = ["truncated", "garbage", "stray", "fields"] + (["column", "mixed_dates"] if header else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "truncated":
        return kind, draw(at)
    if kind == "garbage":
        return kind, draw(at), draw(st.binary(min_size=1, max_size=40))
    if kind == "stray":
        return kind, draw(st.lists(st.tuples(at, st.sampled_from(STRAY)), min_size=1, max_size=5))
    if kind == "fields":
        cell = st.tuples(st.integers(0, len(rows) - 1), st.integers(0, len(rows[0]) - 1), st.sampled_from(BAD_FIELDS))
        return kind, draw(st.lists(cell, min_size=1, max_size=5))
    if kind == "column":
        return kind, draw(st.integers(0, len(header) - 1)), draw(st.none() | st.text(max_size=12))
    return kind, draw(st.sampled_from(DATE_STYLES)), set(draw(st.lists(st.integers(0, len(rows) - 1))))


def damage(name: str, kind: str, *how) -> bytes:
    data = original(name)
    header, rows = table(name)
    rows = [list(r) for r in rows]
    if kind == "truncated":
        return data[:int(how[0] * len(data))]
    if kind == "garbage":
        return spliced(data, *how)
    if kind == "stray":
        for at, stray in how[0]:
            data = spliced(data, at, stray)
        return data
    if kind == "fields":
        for row, column, value in how[0]:
            rows[row][min(column, len(rows[row]) - 1)] = value
        return write(header, rows)
    if kind == "column":
        i, new_name = how
        if new_name is None:  # the column is gone
            return write(header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
        return write(header[:i] + [new_name] + header[i + 1:], rows)
    return restyled(name, *how)


def spliced(data: bytes, at: float, insert: bytes) -> bytes:
    i = int(at * len(data))
    return data[:i] + insert + data[i:]


@settings(FAST, max_examples=80)
@given(data=st.data(), name=st.sampled_from(list(SAMPLES)))
def test_damaged_file_is_refused_or_its_damage_reported(shops, data, name):
    shops.import_bytes(damage(name, *data.draw(damages(name), label="damage")))


CATALOGUES = ["shopify-products-bilali/products_export.csv", "woocommerce-sample-products/sample_products.csv"]


@settings(FAST, max_examples=20)
@given(file=st.sampled_from(CATALOGUES), at=st.floats(0, 1),
       insert=st.none() | st.sampled_from(STRAY) | st.binary(min_size=1, max_size=20))
def test_damaged_catalogue_is_refused_or_imported(shops, file, at, insert):
    data = (SHARED_DATA / file).read_bytes()
    damaged = data[:int(at * len(data))] if insert is None else spliced(data, at, insert)
    shops.import_bytes(damaged, importer=import_catalogue)


# ---- duplicates --------------------------------------------------------------------------------

@settings(FAST, max_examples=15)
@given(data=st.data(), name=st.sampled_from(list(SAMPLES)))
def test_repeated_rows_are_not_imported_twice(shops, data, name):
    """A repeated row is skipped, or where repeats are the only quantity (baskets, tills) adds a unit."""
    header, rows = table(name)
    repeats = data.draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=20), label="repeats")
    report, lines = shops.import_bytes(write(header, rows + [rows[i] for i in repeats]))
    base_report, base_lines = shops.baseline(name)
    assert report.counts["rows"] == base_report.counts["rows"] + len(repeats)
    assert (report.counts["orders"], report.counts["lines"]) == \
        (base_report.counts["orders"], base_report.counts["lines"])
    if header and detect_layout(header).duplicates == "merge":
        def without_quantity(lines):
            return sorted((line[:9] + line[10:] for line in lines), key=repr)
        assert without_quantity(lines) == without_quantity(base_lines)
    else:
        assert lines == base_lines


def test_same_damaged_file_twice_changes_nothing(shops, tmp_path):
    shop = tmp_path / "shop.shopwise"
    shutil.copyfile(shops.template, shop)
    path = tmp_path / "orders.csv"
    path.write_bytes(damage("groceries", "truncated", 0.5))
    db = open_shop(shop)
    first = import_orders(db, path)
    before = list(db.conn.iterdump())
    assert import_orders(db, path).already_imported
    assert list(db.conn.iterdump()) == before and first.counts["lines"] > 0
    db.conn.close()


# ---- found by the tests above --------------------------------------------------------------------

def test_lines_ending_in_a_bare_carriage_return(shops):
    report, rows = shops.baseline("groceries")
    outcome = shops.import_bytes(original("groceries").replace(b"\r\n", b"\r"))
    assert outcome[0].counts == report.counts and outcome[1] == rows


def test_every_malformed_row_is_reported(shops):
    header, rows = table("groceries")
    outcome = shops.import_bytes(write(header, [r + ["extra"] if i % 50 == 7 else r for i, r in enumerate(rows)]))
    report, _ = outcome
    assert report.counts["malformed_row"] == 6
    assert [i.row for i in report.issues if i.reason == "malformed_row"] == [9, 59, 109, 159, 209, 259]


def test_headerless_reviews_with_semicolons_or_quotes(shops):
    report, rows = shops.baseline("reviews")
    _, records = table("reviews")
    for kwargs in ({"delimiter": ";"}, {"quoting": csv.QUOTE_ALL}):
        outcome = shops.import_bytes(write(None, records, **kwargs))
        assert not isinstance(outcome, Exception), outcome
        assert outcome[1] == rows


def test_damaged_catalogue_rows_are_reported(shops):
    lines = (SHARED_DATA / CATALOGUES[1]).read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].rstrip(b"\r\n") + b",extra,fields\n"
    report, _ = shops.import_bytes(b"".join(lines), importer=import_catalogue)
    assert report.counts["malformed_row"] == 1 and report.issues[0].row == 4
