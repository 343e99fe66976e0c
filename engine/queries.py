"""Read-only questions about a shop, shared by the CLI and the app: every SQL a view needs lives here.

Each function takes an open shop database (`engine.db.open_shop`) and returns
plain Python values (dicts, lists, numbers), so that the desktop app, the CLI
and tests use the same queries. Nothing here writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from engine import evidence
from engine.evidence import title_of
from engine.reasons.adapters import asks_as_now

Database = sqlite_utils.Database

# Sort keys a customers list can be ordered by, and the SQL each one means.
CUSTOMER_SORTS = {
    "name": "display_name COLLATE NOCASE",
    "key": "c.external_key COLLATE NOCASE",
    "orders": "orders",
    "last_order": "last_order",
    "spent": "spent",
}
CUSTOMER_COLUMNS = [
    ("name", "Customer"),
    ("orders", "Orders"),
    ("last_order", "Last order"),
    ("spent", "Spent"),
]

_KEY_KIND_WORDS = {"email": "E-mail", "phone": "Phone", "id": "Customer number",
                   "customer_id": "Customer number", "member": "Member number",
                   "reviewer": "Reviewer"}
# A customer without a name is shown by their key: "Customer 12347", or the e-mail itself.
_NO_NAME = {"customer_id": "Customer ", "id": "Customer ", "member": "Member ", "reviewer": "Reviewer "}


def display_name_sql(alias: str = "c") -> str:
    cases = " ".join(f"WHEN '{kind}' THEN '{prefix}' || {alias}.external_key"
                     for kind, prefix in _NO_NAME.items())
    return (f"coalesce(nullif({alias}.name, ''), CASE {alias}.key_kind {cases} "
            f"ELSE {alias}.external_key END)")


def key_kind_words(kind: str | None) -> str:
    return _KEY_KIND_WORDS.get(kind or "", kind or "")


def shop_stats(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    def one(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    def orders_with(status: str) -> str:
        return f"{db.execute('SELECT count(*) FROM orders WHERE status = ?', [status]).fetchone()[0]:,}"

    first, last = db.execute("SELECT min(ordered_at), max(ordered_at) FROM orders").fetchone()
    return [
        ("Customers", f"{one('SELECT count(*) FROM customers'):,}"),
        ("Products", f"{one('SELECT count(*) FROM products'):,}"),
        ("  with catalogue facts", f"{one('SELECT count(*) FROM products WHERE catalogue_import_id IS NOT NULL'):,}"),
        ("Orders", f"{one('SELECT count(*) FROM orders'):,}"),
        ("  completed", orders_with("completed")),
        ("  cancelled", orders_with("cancelled")),
        ("  returns", orders_with("return")),
        ("  without a customer", f"{one('SELECT count(*) FROM orders WHERE customer_id IS NULL'):,}"),
        ("Order lines", f"{one('SELECT count(*) FROM order_lines'):,}"),
        ("Reviews", f"{one('SELECT count(*) FROM reviews'):,}"),
        ("First order", first or "-"),
        ("Last order", last or "-"),
        ("Imports", f"{one('SELECT count(*) FROM imports WHERE finished_at IS NOT NULL'):,}"),
    ]


def _rows(db: Database, sql: str, params: Any = ()) -> list[dict]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


@dataclass(frozen=True)
class CustomerFilter:
    """What the customer list shows: a search and the filter bar's choices (all off: everyone)."""
    search: str = ""
    has_email: bool = False
    consent: str | None = None            # 'yes', 'no' or 'unknown'
    due_within_days: int | None = None    # a reorder suggestion of the latest run due within N days
    lapsed_days: int | None = None        # no order in the N days before the shop's last order
    not_reviewed: bool = False            # a suggestion of the latest run still waits for a review
    interest: str | None = None           # an interest tag of the latest run's evidence


def _search_clause(search: "str | CustomerFilter", db: Database | None = None) -> tuple[str, list]:
    """WHERE clause (or '') and its parameters over customers `c` for a search text or a CustomerFilter.

    The search matches the name as the list shows it ("Customer 12347"), the key, e-mail and phone.
    Filters on suggestions read the latest run and need `db`.
    """
    f = search if isinstance(search, CustomerFilter) else CustomerFilter(search=search or "")
    parts, params = [], []
    text = f.search.strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = "%" + escaped + "%"
        parts.append(f"({display_name_sql()} LIKE ? ESCAPE '\\' OR c.external_key LIKE ? ESCAPE '\\'"
                     " OR c.email LIKE ? ESCAPE '\\' OR c.phone LIKE ? ESCAPE '\\')")
        params += [like] * 4
    if f.has_email:
        parts.append("coalesce(c.email, '') != ''")
    if f.consent:
        parts.append("c.marketing_consent = ?")
        params.append(f.consent)
    if f.lapsed_days is not None and db is not None:
        last = db.execute("SELECT max(ordered_at) FROM orders").fetchone()[0]
        parts.append("(SELECT max(o.ordered_at) FROM orders o WHERE o.customer_id = c.id) < date(?, ?)")
        params += [last or "", f"-{int(f.lapsed_days)} days"]
    run = latest_run_id(db) if db is not None and (f.due_within_days is not None or f.not_reviewed
                                                    or f.interest) else None
    if f.due_within_days is not None:
        parts.append(f"""EXISTS (SELECT 1 FROM recommendations r WHERE r.run_id = ? AND r.customer_id = c.id
                         AND r.kind = 'reorder'
                         AND {evidence.sql_value('r.evidence', 'reorder.due_in_days')} <= ?)""")
        params += [run, f.due_within_days]
    if f.not_reviewed:
        parts.append(f"""EXISTS (SELECT 1 FROM recommendations r LEFT JOIN reasons s ON {NEWEST_REASON}
                         WHERE r.run_id = ? AND r.customer_id = c.id AND coalesce(s.status, 'draft') = 'draft')""")
        params.append(run)
    if f.interest:
        parts.append(f"""EXISTS (SELECT 1 FROM recommendations r, {evidence.sql_items('r.evidence', 'customer_tags')} t
                         WHERE r.run_id = ? AND r.customer_id = c.id AND t.value = ?)""")
        params += [run, f.interest]
    return ("WHERE " + " AND ".join(parts) if parts else ""), params


def interest_tags(db: Database, limit: int = 60) -> list[tuple[str, int]]:
    """The interest tags of the latest run's customers, with how many customers have each, most first."""
    run = latest_run_id(db)
    if run is None:
        return []
    return db.execute(f"""
        SELECT t.value, count(DISTINCT r.customer_id) AS n
          FROM recommendations r, {evidence.sql_items('r.evidence', 'customer_tags')} t
         WHERE r.run_id = ? AND r.rank = 1
         GROUP BY t.value ORDER BY n DESC, t.value LIMIT ?""", [run, limit]).fetchall()


def draft_reason_ids(db: Database, search: "str | CustomerFilter" = "") -> list[int]:
    """The newest reasons, still drafts, of the latest run's suggestions for the customers the list shows:
    what "Approve all shown" approves."""
    run = latest_run_id(db)
    if run is None:
        return []
    where, params = _search_clause(search, db)
    return [r[0] for r in db.execute(f"""
        SELECT s.id FROM customers c JOIN recommendations r ON r.customer_id = c.id AND r.run_id = ?
          JOIN reasons s ON {NEWEST_REASON}
          {where + ' AND' if where else 'WHERE'} s.status = 'draft'
         ORDER BY s.id""", [run, *params])]


def count_customers(db: Database, search: "str | CustomerFilter" = "") -> int:
    where, params = _search_clause(search, db)
    return db.execute(f"SELECT count(*) FROM customers c {where}", params).fetchone()[0]


def customers_page(db: Database, search: "str | CustomerFilter" = "", sort: str = "name", descending: bool = False,
                   offset: int = 0, limit: int = 200) -> list[dict]:
    """One page of the customer list: id, name, key, key_kind, orders, last_order, spent.

    Sorting by name or key reads only the page's own orders (fast on 100,000
    customers); sorting by orders, last order or spent ranks all customers.
    """
    where, params = _search_clause(search, db)
    order = CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["name"])
    direction = "DESC" if descending else "ASC"
    stats = """
        (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS orders,
        (SELECT max(o.ordered_at) FROM orders o WHERE o.customer_id = c.id) AS last_order,
        (SELECT coalesce(sum(l.quantity * coalesce(l.unit_price, 0)), 0)
           FROM orders o JOIN order_lines l ON l.order_id = o.id
          WHERE o.customer_id = c.id) AS spent"""
    if sort in ("name", "key"):
        sql = f"""
            WITH page AS (
                SELECT c.id, {display_name_sql()} AS display_name
                  FROM customers c {where}
                 ORDER BY {order} {direction}, c.id
                 LIMIT ? OFFSET ?)
            SELECT c.id, page.display_name AS name, c.external_key AS key, c.key_kind, {stats}
              FROM page JOIN customers c ON c.id = page.id
             ORDER BY {order.replace('display_name', 'page.display_name')} {direction}, c.id"""
    else:
        sql = f"""
            SELECT * FROM (
                SELECT c.id, {display_name_sql()} AS name,
                       c.external_key AS key, c.key_kind, {stats}
                  FROM customers c {where})
             ORDER BY {sort} {direction}, id LIMIT ? OFFSET ?"""
    return _rows(db, sql, [*params, limit, offset])


_RANK_VALUES = {
    "orders": "SELECT customer_id AS cid, count(*) AS v FROM orders GROUP BY customer_id",
    "last_order": "SELECT customer_id AS cid, max(ordered_at) AS v FROM orders GROUP BY customer_id",
    "spent": """SELECT o.customer_id AS cid, sum(l.quantity * coalesce(l.unit_price, 0)) AS v
                  FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.customer_id""",
}
AGGREGATE_SORTS = tuple(_RANK_VALUES)


def customer_ids_ranked(db: Database, search: "str | CustomerFilter" = "", sort: str = "spent",
                        descending: bool = True) -> list[int]:
    """Every (matching) customer's id, ranked by orders, last order or spent.

    This reads all orders (seconds on a large shop): run it on a worker thread,
    then page through the ids with `customers_by_ids`.
    """
    where, params = _search_clause(search, db)
    direction = "DESC" if descending else "ASC"
    empty = "''" if sort == "last_order" else "0"
    sql = f"""SELECT c.id FROM customers c LEFT JOIN ({_RANK_VALUES[sort]}) s ON s.cid = c.id {where}
              ORDER BY coalesce(s.v, {empty}) {direction}, c.id"""
    return [row[0] for row in db.execute(sql, params)]


def customers_by_ids(db: Database, ids: list[int]) -> list[dict]:
    """The customer list rows (as `customers_page`) of these customers, in the order given."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = _rows(db, f"""
        SELECT c.id, {display_name_sql()} AS name, c.external_key AS key, c.key_kind,
               (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS orders,
               (SELECT max(o.ordered_at) FROM orders o WHERE o.customer_id = c.id) AS last_order,
               (SELECT coalesce(sum(l.quantity * coalesce(l.unit_price, 0)), 0)
                  FROM orders o JOIN order_lines l ON l.order_id = o.id
                 WHERE o.customer_id = c.id) AS spent
          FROM customers c WHERE c.id IN ({marks})""", list(ids))
    order = {cid: i for i, cid in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r["id"]])


def customer(db: Database, customer_id: int) -> dict | None:
    rows = _rows(db, f"""
        SELECT c.id, {display_name_sql()} AS name, c.key_kind,
               c.external_key AS key, c.email, c.phone, c.marketing_consent, c.consent_source,
               (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS orders,
               (SELECT min(o.ordered_at) FROM orders o WHERE o.customer_id = c.id) AS first_order,
               (SELECT max(o.ordered_at) FROM orders o WHERE o.customer_id = c.id) AS last_order
          FROM customers c WHERE c.id = ?""", [customer_id])
    if not rows:
        return None
    row = rows[0]
    row["key_kind_words"] = key_kind_words(row["key_kind"])
    return row


def purchase_line_count(db: Database, customer_id: int) -> int:
    """How many order lines the customer has (the history shows them a page at a time)."""
    return db.execute("SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id"
                      " WHERE o.customer_id = ?", [customer_id]).fetchone()[0]


def purchase_history(db: Database, customer_id: int, limit: int = 1000) -> list[dict]:
    """The customer's order lines, newest first: date, order, product, quantity, price, is_return."""
    return _rows(db, """
        SELECT substr(o.ordered_at, 1, 10) AS date, o.external_id AS order_id, o.status,
               p.name AS product, p.id AS product_id, l.quantity, l.unit_price, l.is_return
          FROM orders o JOIN order_lines l ON l.order_id = o.id
          JOIN products p ON p.id = l.product_id
         WHERE o.customer_id = ?
         ORDER BY o.ordered_at DESC, o.id DESC, l.id
         LIMIT ?""", [customer_id, limit])


CURRENCY_SETTING = "shop.currency"
_CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹", "CNY": "¥", "KRW": "₩",
                     "AUD": "A$", "CAD": "C$", "NZD": "NZ$", "ZAR": "R"}


def shop_currency(db: Database) -> str:
    """The shop's currency code (EUR, GBP...): the one the owner set, else the one most of its latest
    1,000 orders name; '' when neither says (a till export without a currency column).

    The latest orders, not all: the screens ask on their own thread, and counting a million orders
    would pause the window."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [CURRENCY_SETTING]).fetchone()
    if row and row[0]:
        return row[0]
    row = db.execute("SELECT upper(currency) FROM (SELECT currency FROM orders ORDER BY id DESC LIMIT 1000)"
                     " WHERE currency IS NOT NULL AND currency != ''"
                     " GROUP BY upper(currency) ORDER BY count(*) DESC LIMIT 1").fetchone()
    return row[0] if row else ""


def set_shop_currency(db: Database, code: str) -> str:
    """The owner says which currency the shop's prices are in (a three-letter code); returns it."""
    code = (code or "").strip().upper()
    if code and not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"'{code}' is not a currency code; write it like EUR, GBP or USD.")
    db["settings"].upsert({"key": CURRENCY_SETTING, "value": code}, pk="key")
    return code


def with_currency(number: str, currency: str = "") -> str:
    """A written amount (its sign first) with its currency: £1,234.50, -€9.90, 1,234.50 CHF."""
    sign, number = ("-", number[1:]) if number.startswith("-") else ("", number)
    symbol = _CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {currency}" if currency else f"{sign}{number}"


def money_text(value: float | None, currency: str = "", decimals: int = 2) -> str:
    """An amount with its currency as people write it: £1,234.50, €9.90, 1,234.50 CHF; '' for none."""
    if value is None:
        return ""
    return with_currency(f"{value:,.{decimals}f}", currency)


def latest_run_id(db: Database) -> int | None:
    """The recommendation run every screen, export and reason job means by "the suggestions"."""
    return db.execute("SELECT max(id) FROM recommendation_runs").fetchone()[0]


# A suggestion counts as approved when its newest reason is one the owner approved or wrote:
# what an export of approved reasons holds, and what every screen counts as approved.
APPROVED_STATUSES = ("approved", "edited")
NEWEST_REASON = "s.id = (SELECT max(id) FROM reasons WHERE recommendation_id = r.id)"


def suggestion_counts(db: Database, run_id: int | None = None) -> dict[str, int]:
    """The latest run's (or `run_id`'s) counts, as every screen shows them: recommendations, the
    customers they are for, how many have a reason, how many an approved one (what an export of
    approved reasons holds), and how many the owner reviewed (approved, edited or rejected)."""
    run_id = run_id or latest_run_id(db)
    if run_id is None:
        return {"recommendations": 0, "customers": 0, "with_reason": 0, "approved": 0, "reviewed": 0}
    row = db.execute(f"""
        SELECT count(*), count(DISTINCT r.customer_id), count(s.id),
               coalesce(sum(s.status IN {APPROVED_STATUSES}), 0),
               coalesce(sum(s.status IN {APPROVED_STATUSES + ('rejected',)}), 0)
          FROM recommendations r LEFT JOIN reasons s ON {NEWEST_REASON}
         WHERE r.run_id = ?""", [run_id]).fetchone()
    return dict(zip(["recommendations", "customers", "with_reason", "approved", "reviewed"], row))


def customer_recommendations(db: Database, customer_id: int, run_id: int | None = None) -> list[dict]:
    """One customer's recommendations of the latest run (or `run_id`), best first, each with its newest reason.

    Keys: id, kind ('reorder'|'discover'), rank, score, product, product_id,
    evidence (dict), reason_id, reason, reason_status.
    """
    run_id = run_id or latest_run_id(db)
    if run_id is None:
        return []
    rows = _rows(db, f"""
        SELECT r.id, r.kind, r.rank, r.score, r.evidence, p.name AS product, p.id AS product_id,
               s.id AS reason_id, s.text AS reason, s.status AS reason_status
          FROM recommendations r JOIN products p ON p.id = r.product_id
          LEFT JOIN reasons s ON {NEWEST_REASON}
         WHERE r.run_id = ? AND r.customer_id = ?
         ORDER BY r.rank""", [run_id, customer_id])
    for row in rows:
        row["evidence"] = evidence.decode(row["evidence"], row["kind"])
    return rows


def _num(value) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def evidence_in_words(evidence: dict) -> list[str]:
    """Plain sentences saying why a product was recommended, from its evidence (missing parts skipped)."""
    evidence = evidence if isinstance(evidence, dict) else {}
    lines = []
    reorder = evidence.get("reorder") or {}
    times, every = _num(reorder.get("times_bought")), _num(reorder.get("typical_days_between"))
    if times:
        text = f"Bought {int(times)} time{'s' if times != 1 else ''}"
        if every:
            text += f", about every {round(every)} days"
        if reorder.get("last_bought"):
            text += f"; last on {reorder['last_bought']}"
            since = _num(reorder.get("days_since_last"))
            if since is not None:
                text += f" ({int(since)} days ago)"
        lines.append(text + ".")
        due = _num(reorder.get("due_in_days"))
        if due is not None:
            when = (f"due again in {round(due)} days" if round(due) > 0
                    else f"overdue by {round(-due)} days" if round(due) < 0 else "due now")
            if reorder.get("due_date"):
                when += f" ({reorder['due_date']})"
            expected = _num(reorder.get("expected_days_between"))
            if not every and expected:
                when = f"customers rebuy it about every {round(expected)} days: {when}"
            elif expected and every and round(expected) != round(every):
                when += f"; expected every {round(expected)} days, as others rebuy it"
            lines.append(when[0].upper() + when[1:] + ".")
    co = evidence.get("co_purchase") or {}
    conf, with_n = _num(co.get("confidence")), _num(co.get("customers_with"))
    # Products are counted with all their variants, so they are cited by title.
    if conf is not None and with_n and co.get("with_name"):
        partner = title_of(co, "with_")
        lines.append(f"{round(conf * 100)}% of the {int(with_n)} customers who bought {partner} also bought this." +
                     (f" They last bought {partner} on {co['with_last_bought']}." if co.get("with_last_bought") else ""))
    aff = evidence.get("affinity") or {}
    if _num(aff.get("share")) is not None and aff.get("label"):
        lines.append(f"{round(aff['share'] * 100)}% of what they buy is {aff['label']}.")
    own = (evidence.get("product") or {}).get("id")
    names = [title_of(c) for c in (evidence.get("contributors") or [])
             if isinstance(c, dict) and c.get("name") and c.get("product_id") != own]
    if names:
        lines.append(f"Because they bought {', '.join(names[:3])}.")
    match = evidence.get("content_match") or {}
    if match.get("name") and match.get("value"):
        lines.append(f"They bought {title_of(match)}" + (f" (last on {match['last_bought']})" if match.get("last_bought")
                                                          else "")
                     + f", which shares the {match.get('attribute', 'word')} \"{match['value']}\" with it.")
    pop = evidence.get("popularity") or {}
    if isinstance(pop, dict) and _num(pop.get("customers")):
        since = _num(pop.get("customers_since"))
        lines.append(f"Bought by {int(pop['customers']):,} customers in the shop"
                     + (f", {int(since):,} of them since this customer's last order on {pop['last_order']}."
                        if since is not None and pop.get("last_order") else "."))
    return lines


def dashboard(db: Database) -> dict:
    """Counts and statuses for the dashboard."""
    one = lambda sql, p=(): db.execute(sql, p).fetchone()[0]  # noqa: E731
    data = {
        "customers": one("SELECT count(*) FROM customers"),
        "products": one("SELECT count(*) FROM products"),
        "orders": one("SELECT count(*) FROM orders"),
        "order_lines": one("SELECT count(*) FROM order_lines"),
        "reasons": one("SELECT count(*) FROM reasons"),
        "first_order": one("SELECT min(ordered_at) FROM orders"),
        "last_order": one("SELECT max(ordered_at) FROM orders"),
    }
    run = _rows(db, "SELECT id, model, created_at FROM recommendation_runs WHERE id = ?", [latest_run_id(db)])
    data["last_run"] = run[0] if run else None
    counts = suggestion_counts(db, run[0]["id"] if run else None)
    data.update(recommendations=counts["recommendations"], with_reason=counts["with_reason"],
                reasons_approved=counts["approved"], reviewed=counts["reviewed"])
    imp = _rows(db, """SELECT id, kind, file_name, finished_at, started_at, status, counts
                         FROM imports ORDER BY id DESC LIMIT 1""")
    data["last_import"] = imp[0] if imp else None
    adapter = _rows(db, "SELECT id, created_at, base_model FROM adapters WHERE is_active = 1 "
                        "ORDER BY id DESC LIMIT 1")
    data["active_adapter"] = adapter[0] if adapter else None
    if adapter:
        data["active_adapter"]["asks_as_now"] = asks_as_now(db, adapter[0]["id"])
    data["training_runs"] = one("SELECT count(*) FROM training_runs")
    return data


def sales_per_month(db: Database, months: int | None = 24) -> list[dict]:
    """Revenue, orders and items per calendar month (returns subtract), oldest first."""
    rows = _rows(db, """
        SELECT substr(o.ordered_at, 1, 7) AS month,
               count(DISTINCT o.id) AS orders,
               coalesce(sum(l.quantity * coalesce(l.unit_price, 0)), 0) AS revenue,
               coalesce(sum(l.quantity), 0) AS items
          FROM orders o JOIN order_lines l ON l.order_id = o.id
         GROUP BY month ORDER BY month""")
    return rows[-months:] if months else rows


def top_products(db: Database, n: int = 10) -> list[dict]:
    """The best sellers by quantity sold (returns subtract): name, quantity, revenue, customers."""
    return _rows(db, """
        SELECT p.id, p.name, sum(l.quantity) AS quantity,
               sum(l.quantity * coalesce(l.unit_price, 0)) AS revenue,
               count(DISTINCT o.customer_id) AS customers
          FROM order_lines l JOIN products p ON p.id = l.product_id
          JOIN orders o ON o.id = l.order_id
         GROUP BY p.id HAVING sum(l.quantity) > 0
         ORDER BY quantity DESC, p.name LIMIT ?""", [n])


def training_history(db: Database) -> list[dict]:
    """Training runs, newest first, with their adapter (if any) and whether it is active."""
    rows = _rows(db, """
        SELECT t.id, t.started_at, t.finished_at, t.status, t.device, t.params, t.metrics,
               a.id AS adapter_id, coalesce(a.is_active, 0) AS is_active
          FROM training_runs t LEFT JOIN adapters a ON a.id = t.adapter_id
         ORDER BY t.id DESC""")
    for row in rows:
        for key in ("params", "metrics"):
            try:
                row[key] = json.loads(row[key]) if row[key] else {}
            except ValueError:
                row[key] = {}
    return rows
