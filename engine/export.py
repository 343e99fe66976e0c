"""Export suggestions with their reasons as a CSV file a spreadsheet or mailing tool opens safely.

Two kinds of file:
- for a spreadsheet (`export_recommendations`): one row per suggestion, or one per customer with the
  suggestions side by side; machine-friendly snake_case headers, e-mail and phone in their own columns;
- for a mailing tool (`export_mailing`, presets Klaviyo, Mailchimp, plain): one row per contact with
  Email, First Name, Last Name, Phone and numbered Product / Reason / Product URL / Image URL /
  Reorder Due columns. Only contacts who may be mailed, and each suggestion only once: what a mailing
  export holds is recorded (tables `exports`, `exported_suggestions`) and the next one leaves it out.

Rejected reasons are never exported. Text cells that a spreadsheet would run as a formula (starting
with =, +, -, @, a tab or a carriage return) get a leading apostrophe. The file is written under a
temporary name first, so a cancelled or failed export leaves no partial file and records nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from engine import evidence
from engine.clock import now
from engine.db import transaction
from engine.jobs import CancelToken, Progress, ProgressCallback, no_progress
from engine.products import base_url, product_url
from engine.queries import APPROVED_STATUSES, NEWEST_REASON, display_name_sql, latest_run_id, shop_currency

# (key = the header in the file, label in words for the export screen, on by default)
EXPORT_COLUMNS = [
    ("customer", "Customer", True),
    ("email", "E-mail", True),
    ("phone", "Phone", False),
    ("customer_number", "Customer number", False),
    ("kind", "Kind (reorder or discover)", True),
    ("rank", "Rank", False),
    ("product", "Product", True),
    ("sku", "SKU", False),
    ("price", "Price", False),
    ("currency", "Currency", False),
    ("product_url", "Product link", False),
    ("image_url", "Image link", False),
    ("score", "Score", False),
    ("reason", "Reason", True),
    ("reason_status", "Reason status", False),
]
PER_CUSTOMER = ("customer", "email", "phone", "customer_number")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REJECTED = "rejected"


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    contact_headers: tuple[str, str, str, str]   # e-mail, first name, last name, phone


# The headers each tool's CSV import maps by itself.
PRESETS = {p.key: p for p in (
    Preset("klaviyo", "Klaviyo", ("Email", "First Name", "Last Name", "Phone Number")),
    Preset("mailchimp", "Mailchimp", ("Email Address", "First Name", "Last Name", "Phone Number")),
    Preset("plain", "Plain (Shopify Email, Brevo, any other tool)", ("Email", "First Name", "Last Name", "Phone")),
)}
ITEM_HEADERS = ("Product", "Reason", "Product URL", "Image URL", "Reorder Due")
DEFAULT_PRODUCTS = 3   # products per contact: what one e-mail shows
_PHONE = re.compile(r"\+?\d{5,20}")


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


def _suggestions(db, only_approved: bool) -> list[dict]:
    """The latest run's suggestions with customer contact, product link and newest reason; never rejected ones."""
    run = latest_run_id(db)
    if run is None:
        return []
    status = (f"s.status IN {APPROVED_STATUSES}" if only_approved
              else f"(s.status IS NULL OR s.status != '{REJECTED}')")
    cur = db.execute(f"""
        SELECT {display_name_sql()} AS customer, c.id AS customer_id, c.key_kind, c.external_key,
               c.email, c.phone, c.first_name, c.last_name, c.marketing_consent,
               r.id AS recommendation_id, r.kind, r.rank, r.score, r.evidence,
               p.id AS product_id, p.name AS product, p.sku, p.price, p.handle, p.url, p.image_url,
               s.text AS reason, s.status AS reason_status
          FROM recommendations r
          JOIN customers c ON c.id = r.customer_id
          JOIN products p ON p.id = r.product_id
          LEFT JOIN reasons s ON {NEWEST_REASON}
         WHERE r.run_id = ? AND {status}
         ORDER BY customer COLLATE NOCASE, c.id, r.kind DESC, r.rank""", [run])
    names = [d[0] for d in cur.description]
    base, currency = base_url(db), shop_currency(db)
    records = []
    for row in cur.fetchall():
        rec = dict(zip(names, row))
        rec["product_url"] = product_url(base, rec["handle"], rec["url"])
        rec["currency"] = currency if rec["price"] is not None else None
        rec["customer_number"] = rec["external_key"] if rec["key_kind"] not in ("email", "phone") else None
        if rec["score"] is not None:
            rec["score"] = round(rec["score"], 4)
        records.append(rec)
    return records


def _write_atomically(path: Path, write_rows, record=None) -> None:
    """Write the CSV under a temporary name, then put it in place. `record` (what the export held,
    in the caller's transaction) runs before the rename: a file that never lands is never recorded."""
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as f:
            write_rows(csv.writer(f))
        if record is not None:
            record()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_recommendations(db, path: str | Path, *, columns: list[str] | None = None,
                           only_approved: bool = False, per: str = "recommendation",
                           progress: ProgressCallback | None = None,
                           cancel: CancelToken | None = None) -> int:
    """Write the latest suggestions to `path` for a spreadsheet; returns the number of data rows written.

    `per` is "recommendation" (one row each) or "customer" (one row per customer, with numbered
    item columns: `product_1`, `reason_1`, ...). `only_approved` keeps only suggestions whose reason
    the owner approved or wrote (status 'edited'); rejected ones are never written.
    """
    progress = progress or no_progress
    known = [key for key, _, _ in EXPORT_COLUMNS]
    columns = list(columns) if columns else [k for k, _, on in EXPORT_COLUMNS if on]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"Unknown export column(s): {', '.join(unknown)}. Known: {', '.join(known)}.")
    if per not in ("recommendation", "customer"):
        raise ValueError("per must be 'recommendation' or 'customer'.")
    records = _suggestions(db, only_approved)
    total = len(records)
    written = 0

    def write_rows(writer) -> None:
        nonlocal written
        if per == "recommendation":
            writer.writerow(columns)
            for i, rec in enumerate(records):
                if cancel is not None and i % 500 == 0:
                    cancel.check()
                writer.writerow([safe_cell(rec[c]) for c in columns])
                written += 1
                if i % 1000 == 0:
                    progress(Progress(i, total, "Writing suggestions"))
            return
        per_customer_cols = [c for c in columns if c in PER_CUSTOMER]
        item_cols = [c for c in columns if c not in PER_CUSTOMER]
        groups: dict[int, list[dict]] = {}
        for rec in records:
            groups.setdefault(rec["customer_id"], []).append(rec)
        width = max((len(g) for g in groups.values()), default=0)
        header = list(per_customer_cols)
        for n in range(1, width + 1):
            header += [f"{c}_{n}" for c in item_cols]
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

    _write_atomically(Path(path), write_rows)
    progress(Progress(total, total, "Export finished"))
    return written


@dataclass
class MailingPlan:
    """Who a mailing export holds and who it leaves out, and why (the export screen shows these counts)."""
    contacts: list[list[dict]] = field(default_factory=list)   # per contact, their suggestions, best first
    no_email: int = 0            # customers with suggestions but no e-mail address
    consent_unknown: int = 0     # left out: never said yes (included when the owner opts in)
    consent_no: int = 0          # said no: never included
    already_sent: int = 0        # suggestions left out because an earlier export held them
    contacts_only_sent: int = 0  # contacts left out because all their suggestions were sent

    @property
    def rows(self) -> int:
        return len(self.contacts)

    @property
    def suggestions(self) -> int:
        return sum(len(c) for c in self.contacts)

    def in_words(self) -> str:
        """Whom the export holds and whom it leaves out, as the owner reads it."""
        text = f"{self.rows:,} customers with {self.suggestions:,} suggestions."
        left = [f"{n:,} {why}" for n, why in (
            (self.consent_no, "said no to marketing"),
            (self.consent_unknown, "never said whether they accept marketing"),
            (self.no_email, "have no e-mail address"),
            (self.contacts_only_sent, "have only suggestions sent before")) if n]
        if left:
            text += " Left out: " + "; ".join(left) + "."
        if self.already_sent:
            text += f" {self.already_sent:,} suggestions sent in an earlier export are left out."
        return text


def plan_mailing(db, *, only_approved: bool = True, include_unknown_consent: bool = False,
                 include_sent: bool = False, products: int = DEFAULT_PRODUCTS) -> MailingPlan:
    """Which contacts and suggestions a mailing export would hold (nothing is written)."""
    if products < 1:
        raise ValueError("A mailing needs at least one product per contact.")
    plan = MailingPlan()
    sent = set() if include_sent else set(db.execute(
        "SELECT DISTINCT customer_id, product_id FROM exported_suggestions").fetchall())
    groups: dict[int, list[dict]] = {}
    for rec in _suggestions(db, only_approved):
        groups.setdefault(rec["customer_id"], []).append(rec)
    for recs in groups.values():
        who = recs[0]
        if not who["email"]:
            plan.no_email += 1
        elif who["marketing_consent"] == "no":
            plan.consent_no += 1
        elif who["marketing_consent"] != "yes" and not include_unknown_consent:
            plan.consent_unknown += 1
        else:
            fresh = [r for r in recs if (r["customer_id"], r["product_id"]) not in sent]
            plan.already_sent += len(recs) - len(fresh)
            if fresh:
                plan.contacts.append(fresh[:products])
            else:
                plan.contacts_only_sent += 1
    return plan


def reorder_due(ev: dict) -> str:
    """The day a reorder suggestion is due (last purchase + the customer's usual gap), ISO; '' if none."""
    reorder = (ev or {}).get("reorder") or {}
    every, last = reorder.get("typical_days_between"), reorder.get("last_bought")
    if not every or not last:
        return ""
    try:
        return (dt.date.fromisoformat(str(last)[:10]) + dt.timedelta(days=round(every))).isoformat()
    except ValueError:
        return ""


def export_mailing(db, path: str | Path, preset: str, *, only_approved: bool = True,
                   include_unknown_consent: bool = False, include_sent: bool = False,
                   products: int = DEFAULT_PRODUCTS, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None) -> MailingPlan:
    """Write one row per contact for a mailing tool and record what it holds; returns the plan written.

    Contacts need an e-mail address and marketing consent ('yes'; 'unknown' too when
    `include_unknown_consent`; 'no' never). Suggestions an earlier mailing export held are left out
    unless `include_sent`. Each contact gets up to `products` suggestions, reorders first.
    """
    progress = progress or no_progress
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset '{preset}'. Known: {', '.join(PRESETS)}.")
    path = Path(path)
    plan = plan_mailing(db, only_approved=only_approved, include_unknown_consent=include_unknown_consent,
                        include_sent=include_sent, products=products)
    width = max((len(c) for c in plan.contacts), default=0)

    def write_rows(writer) -> None:
        header = list(PRESETS[preset].contact_headers)
        for n in range(1, width + 1):
            header += [f"{h} {n}" for h in ITEM_HEADERS]
        writer.writerow(header)
        for i, recs in enumerate(plan.contacts):
            if cancel is not None and i % 500 == 0:
                cancel.check()
            who = recs[0]
            line = [who["email"], who["first_name"], who["last_name"], who["phone"]]
            for rec in recs:
                line += [rec["product"], rec["reason"], rec["product_url"], rec["image_url"],
                         reorder_due(evidence.decode(rec["evidence"])) if rec["kind"] == "reorder" else ""]
            line += [""] * (len(header) - len(line))
            cells = [safe_cell(v) for v in line]
            if who["phone"] and _PHONE.fullmatch(who["phone"]):
                cells[3] = who["phone"]   # +4477...: a number, no formula; mailing tools want it bare
            writer.writerow(cells)
            if i % 1000 == 0:
                progress(Progress(i, plan.rows, "Writing contacts"))

    def record() -> None:
        if not plan.contacts:
            return   # an empty file sent nothing
        export_id = db["exports"].insert({"created_at": now(), "preset": preset, "file_name": path.name,
                                          "rows": plan.rows}).last_pk
        db.conn.executemany(
            "INSERT INTO exported_suggestions (export_id, customer_id, product_id, recommendation_id)"
            " VALUES (?, ?, ?, ?)",
            [(export_id, r["customer_id"], r["product_id"], r["recommendation_id"])
             for recs in plan.contacts for r in recs])

    with transaction(db):
        _write_atomically(path, write_rows, record)
    progress(Progress(plan.rows, plan.rows, "Export finished"))
    return plan


__all__ = ["EXPORT_COLUMNS", "PRESETS", "MailingPlan", "export_mailing", "export_recommendations",
           "plan_mailing", "safe_cell"]
