"""What an import did: counts the owner can check against the file, and every skipped row with why.

Also the `imports` table's bookkeeping, the same for orders and catalogues: whether these bytes were
imported before, the row of a running import, and its counts and report when it is done.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine.clock import now
from engine.export import safe_cell

# Every reason a row can be skipped, set aside or flagged, in the owner's words.
REASONS = {
    "malformed_row": "row has a different number of fields than the header (skipped)",
    "missing_product": "no product name or code (skipped)",
    "too_long": "a name, code or key longer than 1,000 characters, or a text over 100,000 (skipped)",
    "non_product": "not a product: postage, fees, manual adjustments (skipped)",
    "bad_quantity": "quantity is not a number (skipped)",
    "zero_quantity": "quantity is 0 (skipped)",
    "bad_price": "price is not a number (skipped)",
    "bad_date": "date could not be read (skipped)",
    "no_order_or_customer": "neither an order number nor a customer (skipped)",
    "stock_adjustment": "negative quantity at price 0: a stock adjustment, not a sale (skipped)",
    "duplicate_skipped": "same as an earlier row in every column Shopwise reads (skipped)",
    "duplicate_merged": "repeated row counted as one more unit of the same item",
    "already_imported": "order already in the shop from an earlier import (skipped)",
    "formula_like": "text starts like a spreadsheet formula (kept as plain text; exports neutralise it)",
    "zero_price_kept": "price 0 (kept as a purchase)",
    "guest_line": "no customer (kept for bundles, not for personal recommendations)",
    "cancelled_line": "line of a cancelled or voided order (kept, marked cancelled, not used for recommendations)",
    "return_line": "return (kept as a return)",
    "unknown_type": "product type not sold on its own, such as a grouped product (skipped)",
}

MAX_STORED_ISSUES = 1000  # the database keeps the first ones; the CSV report has them all


@dataclass
class Issue:
    row: int | None
    column: str | None
    reason: str
    value: str


@dataclass(frozen=True)
class Problem:
    """One kind of skipped, set aside or flagged row: how many, and where it was first seen."""

    reason: str                 # a key of REASONS
    rows: int
    first: Issue | None

    @property
    def words(self) -> str:
        return REASONS[self.reason]

    def where(self) -> str:
        """"row 12, column 'Qty': 'abc'" for the first such row; '' when no row is known."""
        if self.first is None or not self.first.row:
            return ""
        column = f", column '{self.first.column}'" if self.first.column else ""
        return f"row {self.first.row}{column}: '{self.first.value[:60]}'"

    def sentence(self) -> str:
        where = self.where()
        return f"{self.rows:,} rows: {self.words}." + (f" First at {where}." if where else "")


@dataclass
class ImportReport:
    file_name: str
    kind: str = "orders"
    layout: str = ""
    layout_label: str = ""
    sha256: str = ""
    import_id: int | None = None
    already_imported: bool = False
    counts: Counter = field(default_factory=Counter)
    issues: list[Issue] = field(default_factory=list)

    def flag(self, reason: str, rows, column: str | None, values) -> None:
        rows, values = list(rows), list(values)
        self.counts[reason] += len(rows)
        self.issues.extend(Issue(int(r), column, reason, str(v)[:200]) for r, v in zip(rows, values))

    def problems(self) -> list[Problem]:
        """Every kind of row the owner should know about, in the order of REASONS."""
        first: dict[str, Issue] = {}
        for issue in self.issues:
            first.setdefault(issue.reason, issue)
        return [Problem(reason, self.counts[reason], first.get(reason)) for reason in REASONS if self.counts[reason]]

    def summary_lines(self) -> list[str]:
        """What the import did in sentences: the totals, then one line per kind of problem."""
        if self.already_imported:
            return self.totals_lines()
        return self.totals_lines() + [p.sentence() for p in self.problems()]

    def totals_lines(self) -> list[str]:
        c = self.counts
        if self.already_imported:
            return [f"{self.file_name} was already imported earlier; nothing was changed."]
        lines = [f"{self.file_name}: {self.layout_label}."]
        if self.kind == "catalogue":
            lines.append(f"{c['rows']:,} rows read: {c['products_new']:,} new products, "
                         f"{c['products_updated']:,} existing products updated.")
        else:
            lines.append(f"{c['rows']:,} rows read: {c['orders']:,} orders with {c['lines']:,} lines imported, "
                         f"{c['customers_new']:,} new customers, {c['products_new']:,} new products.")
            if c["cancelled_orders"] or c["return_orders"] or c["guest_orders"]:
                lines.append(f"Of the orders, {c['cancelled_orders']:,} are cancelled or voided, "
                             f"{c['return_orders']:,} are returns, {c['guest_orders']:,} have no customer.")
        return lines

    def as_json(self) -> str:
        return json.dumps({
            "counts": dict(self.counts),
            "issues": [vars(i) for i in self.issues[:MAX_STORED_ISSUES]],
            "issues_total": len(self.issues),
        })

    def to_csv(self, path: str | Path) -> None:
        reports_to_csv([self], path)


def reports_to_csv(reports: list[ImportReport], path: str | Path) -> None:
    """Every skipped or flagged row of these imports in one CSV, each row naming its file."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["file", "row", "column", "problem", "value"])
        for report in reports:
            for i in report.issues:
                out.writerow([safe_cell(report.file_name), i.row, safe_cell(i.column or ""),
                              REASONS.get(i.reason, i.reason), safe_cell(i.value)])


def already_imported(db, sha256: str) -> str | None:
    """When a file with these exact bytes was imported before, the time it finished."""
    row = db.execute("SELECT finished_at FROM imports WHERE sha256 = ? AND status = 'done'",
                     [sha256]).fetchone()
    return row[0] if row else None


def record_start(conn, report: ImportReport) -> None:
    """The running import's row (inside the import's transaction: an import that fails leaves none)."""
    report.import_id = conn.execute(
        "INSERT INTO imports (kind, file_name, sha256, profile, started_at, status)"
        " VALUES (?, ?, ?, ?, ?, 'running')",
        [report.kind, report.file_name, report.sha256, report.layout, now()]).lastrowid


def record_finish(conn, report: ImportReport) -> None:
    conn.execute("UPDATE imports SET finished_at = ?, status = 'done', counts = ?, report = ? WHERE id = ?",
                 [now(), json.dumps(dict(report.counts)), report.as_json(), report.import_id])
