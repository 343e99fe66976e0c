"""Reading a CSV file whose origin we do not know: encoding, delimiter, header, numbers, dates.

Shop systems write CSV in many dialects (Excel on Windows saves Windows-1252
with `;` and decimal commas; Shopify writes UTF-8; some tills write no header).
Everything that can be detected is detected here, once, so that the importers
only deal with columns and meanings.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from engine.jobs import Refused

MAX_HEADER_BYTES = 1 << 20   # a header line longer than this is not a CSV export
BLOCK = 1 << 20
DELIMITERS = [",", ";", "\t", "|"]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ImportRefused(Refused):
    """The whole file was refused; the database was not changed.

    The message is a plain sentence for the shop owner that says what and where.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        where = ", ".join(p for p in (
            file and f"file {file}", row and f"row {row}", column and f"column '{column}'") if p)
        super().__init__(f"{message} ({where})" if where else message)
        self.file, self.row, self.column = file, row, column


class AmbiguousDates(ImportRefused):
    """Every date reads both day-first and month-first."""


@contextlib.contextmanager
def csv_errors_refused(path: Path):
    """pandas' parser errors (an unclosed quote, say) become a sentence for the owner."""
    try:
        yield
    except pd.errors.ParserError as exc:
        message = str(exc)
        match = re.search(r"(line|row) (\d+)", message)
        # pandas counts "rows" from 0 and "lines" from 1; the owner counts from 1.
        row = None if not match else int(match.group(2)) + (match.group(1) == "row")
        plain = re.sub(r"^Error tokenizing data\. C error: ", "", message).strip().rstrip(".")
        plain = re.sub(r" starting at row \d+| in line \d+", "", plain)
        raise ImportRefused(f"The file is not valid CSV: {plain}. Nothing was imported.",
                            file=path.name, row=row) from exc


@dataclass(frozen=True)
class CsvFormat:
    encoding: str
    delimiter: str
    sha256: str
    size: int
    first_line: str


def _detect_encoding_and_hash(path: Path) -> tuple[str, str, int]:
    """One pass over the file: its sha256 and the first encoding that decodes all of it."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    cp1252_ok = True
    head = b""
    size = 0
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            if not head:
                head = block[:4096]
                if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise ImportRefused("This is a binary file, not a CSV export.", file=path.name)
            size += len(block)
            digest.update(block)
            if utf8_ok:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            if not utf8_ok and cp1252_ok:
                # The five bytes Windows-1252 leaves undefined only appear in Latin-1 files.
                cp1252_ok = not re.search(rb"[\x81\x8d\x8f\x90\x9d]", block)
    if size == 0:
        raise ImportRefused("The file is empty.", file=path.name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif utf8_ok:
        try:
            utf8.decode(b"", final=True)
            encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        except UnicodeDecodeError:  # the file ends in the middle of a character
            encoding = "cp1252" if cp1252_ok else "latin-1"
    else:
        encoding = "cp1252" if cp1252_ok else "latin-1"
    return encoding, digest.hexdigest(), size


def sniff(path: str | Path) -> CsvFormat:
    path = Path(path)
    encoding, sha, size = _detect_encoding_and_hash(path)
    with open(path, "rb") as f:
        raw = f.read(MAX_HEADER_BYTES + 1)
    text = raw.decode(encoding, errors="replace")
    # Old Mac and some Excel exports end lines with a bare carriage return.
    first_line, *rest = _LINE_BREAK.split(text, 1)
    if not rest and len(raw) > MAX_HEADER_BYTES:
        raise ImportRefused(
            f"The first line is longer than {MAX_HEADER_BYTES // (1 << 20)} MB: "
            "this is not a CSV export with a header row.", file=path.name, row=1)
    if not first_line.strip():
        raise ImportRefused("The first line is empty: expected a header row with column names.",
                            file=path.name, row=1)
    return CsvFormat(encoding, _detect_delimiter(text), sha, size, first_line)


def _detect_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = text.splitlines()[0]
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def split_header(fmt: CsvFormat) -> list[str]:
    return next(csv.reader(io.StringIO(fmt.first_line.lstrip("\ufeff")), delimiter=fmt.delimiter))


# ---- numbers ---------------------------------------------------------------------------------

_COMMA_DECIMAL = re.compile(r"^\s*[-+]?[^\d,.]*\d{1,3}(\.\d{3})*,\d+\s*$|^\s*[-+]?\d+,\d+\s*$")
_DOT_DECIMAL = re.compile(r"^\s*[-+]?[^\d,.]*\d{1,3}(,\d{3})*\.\d+\s*$|^\s*[-+]?\d+\.\d+\s*$")


def detect_decimal_comma(values: pd.Series) -> bool:
    """True when the numbers in this column use a decimal comma (1.234,56 or 3,5)."""
    sample = values[values.str.len() > 0].head(5000)
    commas = sample.str.match(_COMMA_DECIMAL).sum()
    dots = sample.str.match(_DOT_DECIMAL).sum()
    return commas > dots


def parse_numbers(values: pd.Series, decimal_comma: bool) -> pd.Series:
    """Text to float; currency signs and spaces ignored; NaN where it is not a number."""
    cleaned = values.str.replace(r"[^\d,.\-+eE]", "", regex=True)
    if decimal_comma:
        cleaned = cleaned.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = cleaned.str.replace(",", "", regex=False)
    return pd.to_numeric(cleaned, errors="coerce")


# ---- dates -----------------------------------------------------------------------------------

_DATE_PARTS = {
    "ymd": ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"],
    "dmy": ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%y"],
    "mdy": ["%m-%d-%Y", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%y", "%m %d, %Y"],
}
_TIME_PARTS = ["", " %H:%M", " %H:%M:%S", "T%H:%M:%S", "T%H:%M", " %I:%M %p", " %I:%M:%S %p"]
# An offset or fraction of a second only ever follows a time (HH:MM or HH:MM:SS).
_TZ_SUFFIX = re.compile(r"(?<=:\d\d)(\.\d+)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$")


def strip_timezone(values: pd.Series) -> pd.Series:
    """Order times are kept in the shop's local time: a trailing UTC offset is dropped."""
    return values.str.replace(_TZ_SUFFIX, "", regex=True)


@dataclass(frozen=True)
class DateFormat:
    kind: str          # 'strftime', 'epoch' or 'excel'
    pattern: str = ""
    order: str = ""    # 'ymd', 'dmy' or 'mdy'

    def parse(self, values: pd.Series) -> pd.Series:
        if self.kind == "epoch":
            return pd.to_datetime(pd.to_numeric(values, errors="coerce"), unit="s", errors="coerce")
        if self.kind == "excel":
            days = pd.to_numeric(values, errors="coerce")
            return pd.to_datetime(days, unit="D", origin="1899-12-30", errors="coerce")
        return pd.to_datetime(strip_timezone(values), format=self.pattern, errors="coerce")


def _likely_time_parts(sample: pd.Series) -> list[str]:
    """Only the time layouts the sample can have: fewer formats to try."""
    if not sample.str.contains(":", regex=False).any():
        return [""]
    parts = [p for p in _TIME_PARTS if p]
    if not sample.str.contains("[AP]M", case=False).any():
        parts = [p for p in parts if "%p" not in p]
    if not sample.str.contains("T", regex=False).any():
        parts = [p for p in parts if not p.startswith("T")]
    return parts + [""]


def detect_date_format(values: pd.Series, order: str = "auto", *, file: str = "",
                       column: str = "") -> DateFormat:
    """Find the one date format that reads the whole column.

    Day-first versus month-first is decided from the data (a day above 12);
    when every date would read both ways the file is ambiguous and we refuse
    to guess rather than silently swap days and months.
    """
    uniques = pd.Series(values.unique())
    uniques = uniques[uniques.str.strip().str.len() > 0]
    if uniques.empty:
        raise ImportRefused("The date column is empty.", file=file, column=column)
    if uniques.str.fullmatch(r"\d{9,10}").all():
        return DateFormat("epoch")
    if uniques.str.fullmatch(r"\d{5}(\.\d+)?").all() and pd.to_numeric(uniques).between(20000, 80000).all():
        return DateFormat("excel")
    stripped = strip_timezone(uniques)
    sample = stripped.sample(min(len(stripped), 2000), random_state=0) if len(stripped) > 2000 else stripped
    orders = ["ymd", "dmy", "mdy"] if order == "auto" else [order]
    best: dict[str, tuple[float, str]] = {}
    time_parts = _likely_time_parts(sample)
    for o in orders:
        for date_part in _DATE_PARTS[o]:
            for time_part in time_parts:
                pattern = date_part + time_part
                share = pd.to_datetime(sample, format=pattern, errors="coerce").notna().mean()
                if share > best.get(o, (0.0, ""))[0]:
                    best[o] = (share, pattern)
    if not best:
        raise ImportRefused("No date in this column could be read.", file=file, column=column)
    top = max(share for share, _ in best.values())
    if top < 0.5:
        example = uniques.iloc[0]
        raise ImportRefused(f"Dates like '{example}' are in a format Shopwise does not know.",
                            file=file, column=column)
    # Confirm on every distinct value: the sample may miss the one day above 12.
    full = {o: pd.to_datetime(stripped, format=p, errors="coerce").notna().mean()
            for o, (share, p) in best.items() if share >= top - 0.01}
    winners = [o for o, share in full.items() if share == max(full.values())]
    if {"dmy", "mdy"} <= set(winners):
        example = next((v for v in uniques if re.match(r"\D*0?[1-9]\D", v)), uniques.iloc[0])
        raise AmbiguousDates(
            f"The dates could be day-first or month-first (for example '{example}') and "
            "no date in the file decides it. Choose the date order (day/month or month/day) "
            "and import again.", file=file, column=column)
    chosen = winners[0]
    return DateFormat("strftime", best[chosen][1], chosen)


def skipped_lines(caught: list[warnings.WarningMessage]) -> dict[int, str]:
    """Line number -> pandas' sentence, for every row with the wrong number of fields.

    pandas warns once per chunk, naming every line it skipped in that one warning.
    """
    messages = (m for w in caught for m in str(w.message).splitlines())
    return {int(match.group(1)): m.strip() for m in messages
            if (match := re.match(r"\s*Skipping line (\d+)", m))}


def read_chunks(path, fmt: CsvFormat, *, header: bool = True, names: list[str] | None = None,
                usecols: list[str] | None = None, chunksize: int = 100_000):
    """The file as DataFrames of text, `chunksize` rows each; only `usecols` are parsed when given.

    Rows with the wrong number of fields are skipped with a ParserWarning that names the line.
    """
    return pd.read_csv(
        path, sep=fmt.delimiter, encoding=fmt.encoding, dtype=str, keep_default_na=False,
        header=0 if header else None, names=names, usecols=usecols, chunksize=chunksize, engine="c",
        on_bad_lines="warn", index_col=False,
    )
