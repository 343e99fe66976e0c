"""Export recommendations with their reasons as a CSV file a spreadsheet opens safely.

One row per recommendation, or one row per customer with the recommendations
side by side. Text cells that a spreadsheet would run as a formula (starting
with =, +, -, @, a tab or a carriage return) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from engine.jobs import CancelToken, Progress, ProgressCallback, no_progress
from engine.queries import APPROVED_STATUSES, NEWEST_REASON, display_name_sql, latest_run_id

# (key, label in words, on by default)
EXPORT_COLUMNS = [
    ("customer", "Customer", True),
    ("customer_key", "E-mail / phone / customer number", True),
    ("kind", "Kind (reorder or new)", True),
    ("rank", "Rank", False),
    ("product", "Product", True),
    ("sku", "SKU", False),
    ("price", "Price", False),
    ("score", "Score", False),
    ("reason", "Reason", True),
    ("reason_status", "Reason status", False),
]
KIND_WORDS = {"reorder": "Time to reorder", "discover": "New for them"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | float | int:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP CSV injection).

    Numbers stay numbers; text starting with a formula character gets a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_recommendations(db, path: str | Path, *, columns: list[str] | None = None,
                           only_approved: bool = False, per: str = "recommendation",
                           progress: ProgressCallback | None = None,
                           cancel: CancelToken | None = None) -> int:
    """Write the latest recommendations to `path`; returns the number of data rows written.

    `per` is "recommendation" (one row each) or "customer" (one row per customer,
    with numbered product/reason columns). `only_approved` keeps only
    recommendations whose reason the owner approved or wrote (status 'edited'). The file is written to a
    temporary name first, so a cancelled or failed export leaves no partial file.
    """
    progress = progress or no_progress
    known = [key for key, _, _ in EXPORT_COLUMNS]
    columns = list(columns) if columns else [k for k, _, on in EXPORT_COLUMNS if on]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"Unknown export column(s): {', '.join(unknown)}.")
    if per not in ("recommendation", "customer"):
        raise ValueError("per must be 'recommendation' or 'customer'.")
    labels = dict((k, label) for k, label, _ in EXPORT_COLUMNS)

    run = latest_run_id(db)
    where = "r.run_id = ?" + (f" AND s.status IN {APPROVED_STATUSES}" if only_approved else "")
    sql = f"""
        SELECT {display_name_sql()} AS customer, c.external_key AS customer_key,
               c.id AS customer_id, r.kind, r.rank, p.name AS product, p.sku, p.price, r.score,
               s.text AS reason, s.status AS reason_status
          FROM recommendations r
          JOIN customers c ON c.id = r.customer_id
          JOIN products p ON p.id = r.product_id
          LEFT JOIN reasons s ON {NEWEST_REASON}
         WHERE {where}
         ORDER BY customer COLLATE NOCASE, c.id, r.kind DESC, r.rank"""
    rows = [] if run is None else db.execute(sql, [run]).fetchall()
    names = ["customer", "customer_key", "customer_id", "kind", "rank", "product", "sku", "price",
             "score", "reason", "reason_status"]
    records = [dict(zip(names, row)) for row in rows]
    for rec in records:
        rec["kind"] = KIND_WORDS.get(rec["kind"], rec["kind"])
        if rec["score"] is not None:
            rec["score"] = round(rec["score"], 4)
    total = len(records)

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=path.parent)
    written = 0
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            if per == "recommendation":
                writer.writerow([labels[c] for c in columns])
                for i, rec in enumerate(records):
                    if cancel is not None and i % 500 == 0:
                        cancel.check()
                    writer.writerow([safe_cell(rec[c]) for c in columns])
                    written += 1
                    if i % 1000 == 0:
                        progress(Progress(i, total, "Writing recommendations"))
            else:
                per_customer_cols = [c for c in columns if c in ("customer", "customer_key")]
                item_cols = [c for c in columns if c not in ("customer", "customer_key")]
                groups: dict[int, list[dict]] = {}
                for rec in records:
                    groups.setdefault(rec["customer_id"], []).append(rec)
                width = max((len(g) for g in groups.values()), default=0)
                header = [labels[c] for c in per_customer_cols]
                for n in range(1, width + 1):
                    header += [f"{labels[c]} {n}" for c in item_cols]
                writer.writerow(header)
                for i, group in enumerate(groups.values()):
                    if cancel is not None and i % 500 == 0:
                        cancel.check()
                    line = [safe_cell(group[0][c]) for c in per_customer_cols]
                    for rec in group:
                        line += [safe_cell(rec[c]) for c in item_cols]
                    writer.writerow(line)
                    written += 1
                    if i % 1000 == 0:
                        progress(Progress(i, len(groups), "Writing customers"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    progress(Progress(total, total, "Export finished"))
    return written


__all__ = ["EXPORT_COLUMNS", "export_recommendations", "safe_cell"]
