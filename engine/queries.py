"""Read-only questions about a shop, shared by the CLI and the app."""

from __future__ import annotations

import sqlite_utils


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
