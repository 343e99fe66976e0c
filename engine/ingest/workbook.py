"""Excel workbooks (.xlsx) as import files: a sheet is turned into a CSV, then imported like any CSV.

So a workbook gets exactly the same detection, checks, report and all-or-nothing import as a CSV
export. Cells keep what the owner sees: dates as ISO text, whole numbers without ".0" (customer
numbers, quantities), other numbers as written.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import tempfile
import zipfile
from pathlib import Path

from engine.ingest.csvfile import ImportRefused

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # the old binary Excel format (.xls)


def is_workbook(path: Path) -> bool:
    """An .xlsx workbook (a zip with a workbook inside), whatever its name ends with."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(_OLE):
        raise ImportRefused("This is an old Excel workbook (.xls). Open it in Excel or LibreOffice and save "
                            "it as .xlsx or CSV, then import that.", file=path.name)
    if not head.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _open(path: Path):
    import openpyxl   # loaded only for workbooks
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise ImportRefused(f"This Excel workbook cannot be read ({exc}).", file=path.name) from exc


def sheet_names(path: Path) -> list[str]:
    book = _open(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


@contextlib.contextmanager
def sheet_as_csv(path: Path, sheet: str | None = None):
    """The sheet (the first by default) as a UTF-8 CSV of the same file name in a temporary folder;
    removed when the block ends."""
    book = _open(path)
    try:
        names = book.sheetnames
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            raise ImportRefused(f"The workbook has no sheet '{sheet}'. Its sheets: {', '.join(names)}.",
                                file=path.name)
        with tempfile.TemporaryDirectory(prefix="shopwise-sheet-") as folder:
            out = Path(folder) / path.name   # the report names the owner's file
            with open(out, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                rows = 0
                for row in book[sheet].iter_rows(values_only=True):
                    writer.writerow([_cell(v) for v in row])
                    rows += 1
            if not rows:
                raise ImportRefused(f"The sheet '{sheet}' is empty.", file=path.name)
            yield out
    finally:
        book.close()
