"""The shop database: one SQLite file per shop, its schema and its migrations.

Every table lives here so that the whole data model can be read in one place.
Later features (recommendations, reasons, training) have their tables from the
first schema version on, so that a shop file never needs a disruptive rebuild.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

import sqlite_utils

from engine.backup import automatic_backup
from engine.contacts import split_name
from engine.jobs import Refused
from engine.products import record_identity

SCHEMA_VERSION = 3
APPLICATION_ID = 0x53485057  # "SHPW": marks a file as a Shopwise shop


class ShopFileError(Refused):
    """The file is not a shop database this version can open."""


class DiskFull(Exception):
    """The disk holding the shop file has no room left; the job's changes were rolled back."""


def _migration_1(db: sqlite_utils.Database) -> None:
    db["imports"].create(
        {
            "id": int, "kind": str, "file_name": str, "sha256": str, "profile": str,
            "started_at": str, "finished_at": str, "status": str,
            "counts": str, "report": str,
        },
        pk="id", not_null={"kind", "file_name", "sha256", "started_at", "status"},
    )
    db["imports"].create_index(["sha256"])
    db["customers"].create(
        {"id": int, "key_kind": str, "external_key": str, "name": str, "import_id": int},
        pk="id", not_null={"key_kind", "external_key"},
        foreign_keys=[("import_id", "imports", "id")],
    )
    db["customers"].create_index(["key_kind", "external_key"], unique=True)
    db["products"].create(
        {
            "id": int, "sku": str, "name": str, "name_key": str, "description": str,
            "vendor": str, "category": str, "tags": str, "price": float,
            "catalogue_import_id": int,
        },
        pk="id", not_null={"name", "name_key"},
        foreign_keys=[("catalogue_import_id", "imports", "id")],
    )
    db.execute("CREATE UNIQUE INDEX idx_products_sku ON products(sku) WHERE sku IS NOT NULL")
    db["products"].create_index(["name_key"])
    db["orders"].create(
        {
            "id": int, "import_id": int, "source": str, "external_id": str,
            "customer_id": int, "ordered_at": str, "status": str, "currency": str,
        },
        pk="id", not_null={"import_id", "source", "external_id", "ordered_at", "status"},
        foreign_keys=[("import_id", "imports", "id"), ("customer_id", "customers", "id")],
    )
    db["orders"].create_index(["source", "external_id"], unique=True)
    db["orders"].create_index(["customer_id", "ordered_at"])
    db["order_lines"].create(
        {
            "id": int, "order_id": int, "product_id": int, "quantity": float,
            "unit_price": float, "is_return": int,
        },
        pk="id", not_null={"order_id", "product_id", "quantity", "is_return"},
        foreign_keys=[("order_id", "orders", "id"), ("product_id", "products", "id")],
    )
    db["order_lines"].create_index(["order_id"])
    db["order_lines"].create_index(["product_id"])
    # A review is the customer's own words about an item: real reference reasons.
    db["reviews"].create(
        {
            "id": int, "customer_id": int, "product_id": int, "rating": float,
            "summary": str, "text": str, "reviewed_at": str, "import_id": int,
        },
        pk="id", not_null={"customer_id", "product_id"},
        foreign_keys=[("customer_id", "customers", "id"), ("product_id", "products", "id"),
                      ("import_id", "imports", "id")],
    )
    db["reviews"].create_index(["customer_id", "product_id"], unique=True)

    # Room for the recommender, the reasoner and training (their own issues fill them).
    db["recommendation_runs"].create(
        {"id": int, "model": str, "params": str, "scores": str, "created_at": str},
        pk="id", not_null={"model", "created_at"},
    )
    db["recommendations"].create(
        {
            "id": int, "run_id": int, "customer_id": int, "product_id": int,
            "kind": str, "rank": int, "score": float, "evidence": str,
        },
        pk="id", not_null={"run_id", "customer_id", "product_id", "kind", "rank"},
        foreign_keys=[("run_id", "recommendation_runs", "id"),
                      ("customer_id", "customers", "id"), ("product_id", "products", "id")],
    )
    db["recommendations"].create_index(["run_id", "customer_id"])
    db["evaluations"].create(
        {"id": int, "kind": str, "created_at": str, "results": str},
        pk="id", not_null={"kind", "created_at", "results"},
    )
    db["training_runs"].create(
        {
            "id": int, "started_at": str, "finished_at": str, "status": str,
            "device": str, "params": str, "data_sizes": str, "losses": str,
            "metrics": str, "adapter_id": int,
        },
        pk="id", not_null={"started_at", "status"},
    )
    db["adapters"].create(
        {
            "id": int, "path": str, "base_model": str, "created_at": str,
            "training_run_id": int, "is_active": int,
        },
        pk="id", not_null={"path", "created_at", "is_active"},
        foreign_keys=[("training_run_id", "training_runs", "id")],
    )
    db["reasons"].create(
        {
            "id": int, "recommendation_id": int, "text": str, "provenance": str,
            "adapter_id": int, "status": str, "created_at": str, "updated_at": str,
        },
        pk="id", not_null={"recommendation_id", "text", "provenance", "status", "created_at"},
        foreign_keys=[("recommendation_id", "recommendations", "id"),
                      ("adapter_id", "adapters", "id")],
    )
    db["reasons"].create_index(["recommendation_id"])
    db["settings"].create({"key": str, "value": str}, pk="key")


def _migration_2(db: sqlite_utils.Database) -> None:
    """Contacts, product links and what was sent: what a mailing needs.

    Every customer keeps e-mail, phone, first and last name and marketing consent ('yes', 'no',
    'unknown', with the column and file it came from), whatever their key is. Products keep their
    handle, page URL, image URL, status and stock (archived, draft or sold-out products are never
    suggested). `exports` and `exported_suggestions` record which suggestion
    (customer and product) went out in which mailing export, so the next one can leave it out.
    """
    for column in ("email", "phone", "first_name", "last_name", "consent_source"):
        db.execute(f"ALTER TABLE customers ADD COLUMN {column} TEXT")
    db.execute("ALTER TABLE customers ADD COLUMN marketing_consent TEXT NOT NULL DEFAULT 'unknown'")
    for column in ("handle", "url", "image_url", "status"):   # status: 'active', 'draft', 'archived'
        db.execute(f"ALTER TABLE products ADD COLUMN {column} TEXT")
    db.execute("ALTER TABLE products ADD COLUMN stock REAL")   # units in stock, NULL when not tracked
    # What the old schema knew: a key that is an e-mail or phone is one, a full name splits.
    db.execute("UPDATE customers SET email = external_key WHERE key_kind = 'email'")
    db.execute("UPDATE customers SET phone = external_key WHERE key_kind = 'phone'")
    named = db.execute("SELECT id, name FROM customers WHERE name IS NOT NULL AND name != ''").fetchall()
    db.conn.executemany("UPDATE customers SET first_name = nullif(?, ''), last_name = nullif(?, '')"
                        " WHERE id = ?", [(*split_name(name), cid) for cid, name in named])
    db.execute("CREATE INDEX idx_customers_email ON customers(email)")
    db["exports"].create(
        {"id": int, "created_at": str, "preset": str, "file_name": str, "rows": int},
        pk="id", not_null={"created_at", "preset", "file_name"},
    )
    db["exported_suggestions"].create(
        {"id": int, "export_id": int, "customer_id": int, "product_id": int, "recommendation_id": int},
        pk="id", not_null={"export_id", "customer_id", "product_id"},
        foreign_keys=[("export_id", "exports", "id"), ("customer_id", "customers", "id"),
                      ("product_id", "products", "id")],
    )
    db["exported_suggestions"].create_index(["customer_id", "product_id"])


def _migration_3(db: sqlite_utils.Database) -> None:
    """Product identity: each product's `title` (the product a sentence names), its `variant` (the
    variant or offer part of its name, NULL for none) and `identity_from` (what decided them:
    'catalogue', 'line name' or 'name'; engine/products.py says what each means).

    A shop made before knew only names, so its products are identified by their names as the
    recommender grouped them until now (split_names), catalogue products included: the catalogue's
    own titles are recorded when a catalogue is imported after the update.
    """
    for column in ("title", "variant", "identity_from"):
        db.execute(f"ALTER TABLE products ADD COLUMN {column} TEXT")
    record_identity(db.conn)


MIGRATIONS = [_migration_1, _migration_2, _migration_3]  # MIGRATIONS[n] brings a file from version n to n + 1
assert len(MIGRATIONS) == SCHEMA_VERSION


def _is_sqlite_file(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


def _claimed_size(path: Path) -> int | None:
    """The size the SQLite header says the file has (page size × page count), when it says so validly."""
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100:
        return None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = (int.from_bytes(header[i:i + 4], "big") for i in (24, 28, 92))
    return page_size * pages if pages and valid_for == change_counter else None


# SQLite's own bookkeeping, which it may add to any database (AUTOINCREMENT, ANALYZE, unique constraints).
_SQLITE_TABLES = re.compile(r"sqlite_(sequence|stat\d)")


def _is_sqlite_internal(kind: str, name: str, sql: str | None) -> bool:
    return (kind == "table" and bool(_SQLITE_TABLES.fullmatch(name))
            or kind == "index" and name.startswith("sqlite_autoindex_") and sql is None)


_QUOTES = str.maketrans("", "", '"`[]')


def _normal_sql(sql: str | None) -> str:
    return _SPACES.sub(" ", (sql or "").translate(_QUOTES)).strip().casefold()


@functools.lru_cache(maxsize=None)
def _schema_of_version(version: int) -> frozenset[tuple[str, str, str]]:
    """Every table, index, view and trigger that Shopwise's migrations create up to `version`."""
    db = sqlite_utils.Database(memory=True)
    for step in MIGRATIONS[:version]:
        step(db)
    rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    db.close()
    return frozenset((kind, name, _normal_sql(sql)) for kind, name, sql in rows
                     if not _is_sqlite_internal(kind, name, sql))


def _foreign_schema(conn: sqlite3.Connection, version: int) -> str | None:
    """How the file's schema differs from what Shopwise makes ("has a trigger “x”, which Shopwise never
    makes"), or None when it is exactly Shopwise's.

    Only sqlite_master is read: nothing in the file runs. A shop file can come from anywhere (a backup
    sent by e-mail, a USB stick), and a trigger or view in it would run inside Shopwise."""
    expected = _schema_of_version(version)
    names = {(kind, name) for kind, name, _ in expected}
    found = {(kind, name, _normal_sql(sql))
             for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master")
             if not _is_sqlite_internal(kind, name, sql)}
    odd = sorted(found - expected, key=lambda row: (row[0] != "trigger", row[0] != "view", row[1]))
    if odd:
        kind, name, _ = odd[0]
        article = "a changed" if (kind, name) in names else "an unknown" if kind == "index" else "a"
        return f"has {article} {kind} “{name}”, which Shopwise never makes"
    missing = sorted((kind, name) for kind, name, _ in expected - found)
    if missing:
        kind, name = missing[0]
        return f"lacks the {kind} “{name}” that every Shopwise shop has"
    return None


def open_shop(path: str | Path, *, create: bool = True, check: bool = True) -> sqlite_utils.Database:
    """Open (and if needed create or migrate) the shop database at `path`.

    A file that is not a shop this version can use (another program's, a newer
    Shopwise's, a damaged one) raises ShopFileError and is left exactly as it was.
    `check` reads every page first (about 10 ms per MB): the window does it once
    when the owner opens a shop; its workers' own connections skip it.

    The connection is in autocommit mode: writers group their work with
    `transaction(db)` so that a job either lands whole or not at all.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise ShopFileError(f"{path}: no shop file here.")
    if exists and not _is_sqlite_file(path):
        raise ShopFileError(f"{path}: this is not a Shopwise shop file (not an SQLite database).")
    claimed = _claimed_size(path) if exists else None
    if claimed is not None and claimed > path.stat().st_size:
        raise ShopFileError(f"{path}: the shop file is damaged or unreadable (it says it holds "
                            f"{claimed:,} bytes but has {path.stat().st_size:,}). "
                            "If you have a backup copy, open that instead.")
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    try:
        # Functions with side effects never run from the file's own schema (views, triggers, defaults).
        conn.execute("PRAGMA trusted_schema = OFF")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        # An empty database (no id, no tables) may become a shop; anything else must already be one.
        if exists and app_id != APPLICATION_ID and (app_id or db.table_names()):
            raise ShopFileError(f"{path}: this SQLite file belongs to another program, not Shopwise.")
        if version > SCHEMA_VERSION:
            raise ShopFileError(
                f"{path}: this shop was saved by a newer Shopwise (schema {version}, "
                f"this version knows {SCHEMA_VERSION}). Update Shopwise to open it.")
        foreign = _foreign_schema(conn, version) if exists and (app_id or version) else None
        if foreign:
            raise ShopFileError(
                f"{path}: this shop file {foreign}, so it was not opened "
                "(a file changed by another program could run its own code in Shopwise). "
                "Open a copy that Shopwise saved, such as a backup, instead.")
        # After the schema check: the check evaluates the file's CHECK constraints.
        if exists and check and conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MB: bulk imports update big indexes
        if version < SCHEMA_VERSION:
            if exists and version > 0:
                automatic_backup(conn, "update")   # a migration rewrites tables: keep the shop as it was
            _migrate(db, version)
        db.enable_wal()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ShopFileError(f"{path}: the shop file is damaged or unreadable ({exc}). "
                            "If you have a backup copy, open that instead.") from exc
    except BaseException:
        conn.close()
        raise
    return db


def restore_shop(backup: str | Path, shop: str | Path) -> None:
    """Make the backup the shop at `shop` (no connection to it may be open). The backup is checked as
    any shop file is (and brought to this version) on a copy first, the shop as it was is backed up
    ("before restore"), then the copy takes its place in one rename; the backup file is not changed.
    Raises ShopFileError, naming the backup, when it is not a shop this version can open."""
    backup, shop = Path(backup), Path(shop)
    staged = shop.with_name(f".{shop.name}.{uuid.uuid4().hex[:8]}.restoring")
    shutil.copyfile(backup, staged)
    try:
        try:
            open_shop(staged, create=False).conn.close()
        except ShopFileError as exc:
            raise ShopFileError(f"{backup}: {str(exc).removeprefix(f'{staged}: ')}") from exc
        if shop.exists():
            current = open_shop(shop, create=False, check=False)
            try:
                automatic_backup(current.conn, "restore")
            finally:
                current.conn.close()
            if Path(f"{shop}-wal").exists():
                raise ShopFileError(f"{shop}: the shop is still open in another Shopwise (or another "
                                    "program). Close it there, then restore again.")
        os.replace(staged, shop)
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            leftover.unlink(missing_ok=True)


def _migrate(db: sqlite_utils.Database, version: int) -> None:
    with transaction(db):
        for step in MIGRATIONS[version:]:
            step(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database):
    """All statements inside land together or not at all (also on cancel or crash)."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:  # SQLite itself ends the transaction on some errors (a full disk)
            conn.execute("ROLLBACK")
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise DiskFull("The disk is full, so nothing was saved and the shop is as it was before. "
                           "Free some space on the disk that holds the shop file (or move the shop "
                           "to a disk with room), then try again.") from exc
        raise


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


_SPACES = re.compile(r"\s+")
