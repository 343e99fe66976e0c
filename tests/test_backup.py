"""Backups: a consistent copy through SQLite's backup API (the work still in the -wal file included), made
by the owner or automatically before a migration and before an import into a shop with real work in it;
a backup restored as the shop after the shop as it was is kept."""

import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from engine import backup, db as shopdb
from engine.db import ShopFileError, open_shop, restore_shop, transaction
from engine.ingest import import_file
from engine.jobs import CancelToken, Cancelled
from tests.conftest import ROOT, SHARED_DATA
from tests.test_shop_files import V1_SHOP, counts, trigger_on_insert

BREAD = SHARED_DATA / "bread-basket" / "BreadBasket_DMS.csv"


def shop_with_work(path, days_old=2):
    """The first-schema fixture shop, its imports `days_old` days ago, opened (so in WAL mode)."""
    shutil.copyfile(V1_SHOP, path)
    db = open_shop(path, create=False)
    # A later schema migrates the fixture on opening, backing it up first: these tests count their own.
    shutil.rmtree(backup.backups_folder(path), ignore_errors=True)
    first = (datetime.now(timezone.utc) - timedelta(days=days_old)).isoformat(timespec="seconds")
    with transaction(db):
        db.execute("UPDATE imports SET started_at = ?", [first])
    return db


def test_a_backup_holds_the_work_still_in_the_wal_file(tmp_path):
    db = shop_with_work(tmp_path / "shop.shopwise")
    with transaction(db):
        db.execute("INSERT INTO settings (key, value) VALUES ('just now', 'not in the main file yet')")
    assert (tmp_path / "shop.shopwise-wal").stat().st_size > 0
    copied_by_hand = tmp_path / "copied.shopwise"
    shutil.copyfile(tmp_path / "shop.shopwise", copied_by_hand)
    made = backup.copy_shop(db.conn, tmp_path / "backup.shopwise")
    assert made.read_bytes()[18:20] == b"\x01\x01"          # a rollback-journal file: nothing beside it
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == ["backup.shopwise"]
    copy = open_shop(made, create=False)
    assert copy.execute("SELECT value FROM settings WHERE key = 'just now'").fetchone() == \
        ("not in the main file yet",)
    assert counts(copy) == counts(db)
    copy.conn.close()
    by_hand = sqlite3.connect(copied_by_hand)   # what a file copy of the shop alone would have kept
    assert by_hand.execute("SELECT count(*) FROM settings WHERE key = 'just now'").fetchone()[0] == 0
    by_hand.close()
    db.conn.close()


def test_a_cancelled_backup_leaves_nothing(tmp_path, monkeypatch):
    db = shop_with_work(tmp_path / "shop.shopwise")
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 1)
    token = CancelToken()
    seen = []

    def progress(p):
        seen.append(p.done)
        if len(seen) == 3:
            token.cancel()

    with pytest.raises(Cancelled):
        backup.copy_shop(db.conn, tmp_path / "backups" / "b.shopwise", progress, token)
    assert list((tmp_path / "backups").iterdir()) == []
    db.conn.close()


def test_an_import_into_a_shop_with_a_day_of_work_is_backed_up_first(tmp_path):
    db = shop_with_work(tmp_path / "Corner shop.shopwise")
    before = counts(db)
    import_file(db, BREAD)
    [made] = (tmp_path / "Corner shop backups").iterdir()
    assert made.name.startswith("Corner shop ") and made.name.endswith(" before import.shopwise")
    old = open_shop(made, create=False)
    assert counts(old) == before and counts(db)["orders"] > before["orders"]
    old.conn.close()
    db.conn.close()


def test_a_new_shop_is_not_backed_up_and_only_the_newest_automatic_backups_are_kept(tmp_path):
    db = shop_with_work(tmp_path / "shop.shopwise", days_old=0)
    import_file(db, BREAD)
    assert not (tmp_path / "shop backups").exists()
    db.conn.close()
    db = shop_with_work(tmp_path / "older.shopwise")
    folder = tmp_path / "older backups"
    folder.mkdir()
    for stamp in ("2020-01-01 10-00-00", "2020-01-02 10-00-00", "2020-01-03 10-00-00"):
        (folder / f"older {stamp} before import.shopwise").write_bytes(b"")
    (folder / "older 2019-12-31 kept by the owner.shopwise").write_bytes(b"")
    made = backup.automatic_backup(db.conn, "import")
    assert sorted(p.name for p in folder.iterdir()) == [
        "older 2019-12-31 kept by the owner.shopwise", "older 2020-01-02 10-00-00 before import.shopwise",
        "older 2020-01-03 10-00-00 before import.shopwise", made.name]
    db.conn.close()


@pytest.fixture
def schema_2(monkeypatch):
    """A next schema version, as a later Shopwise would bring."""
    def add_notes(db):
        db["notes"].create({"id": int, "text": str}, pk="id")

    migrations = [*shopdb.MIGRATIONS, add_notes]
    monkeypatch.setattr(shopdb, "MIGRATIONS", migrations)
    monkeypatch.setattr(shopdb, "SCHEMA_VERSION", len(migrations))
    shopdb._schema_of_version.cache_clear()
    yield
    shopdb._schema_of_version.cache_clear()


def test_a_migration_is_preceded_by_a_backup_of_the_shop_as_it_was(tmp_path, schema_2):
    shutil.copyfile(V1_SHOP, tmp_path / "old.shopwise")
    db = open_shop(tmp_path / "old.shopwise", create=False)
    assert shopdb.schema_version(db) == shopdb.SCHEMA_VERSION and "notes" in db.table_names()
    [made] = (tmp_path / "old backups").iterdir()
    assert made.name.endswith(" before update.shopwise")
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1   # the fixture's own schema
    assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == counts(db)["orders"]
    conn.close()
    db.conn.close()


def test_restore_makes_the_backup_the_shop_and_keeps_the_shop_as_it_was(tmp_path):
    shop = tmp_path / "shop.shopwise"
    db = shop_with_work(shop)
    mine = backup.copy_shop(db.conn, tmp_path / "mine.shopwise")
    mine_bytes = mine.read_bytes()
    import_file(db, BREAD)
    grown = counts(db)
    db.conn.close()
    restore_shop(mine, shop)
    assert mine.read_bytes() == mine_bytes
    restored = open_shop(shop, create=False)
    assert counts(restored)["orders"] == 89
    restored.conn.close()
    [kept] = (tmp_path / "shop backups").glob("* before restore.shopwise")
    kept_db = open_shop(kept, create=False)
    assert counts(kept_db) == grown
    kept_db.conn.close()
    assert not list(tmp_path.glob(".*restoring*"))


def test_a_foreign_backup_is_refused_naming_it_and_the_shop_stays(tmp_path):
    shop = tmp_path / "shop.shopwise"
    shop_with_work(shop).conn.close()
    shop_bytes = shop.read_bytes()
    hostile = tmp_path / "from an e-mail.shopwise"
    trigger_on_insert(hostile)
    with pytest.raises(ShopFileError, match="from an e-mail.shopwise: this shop file has a trigger") as refused:
        restore_shop(hostile, shop)
    assert ".restoring" not in str(refused.value)
    assert shop.read_bytes() == shop_bytes
    assert not list(tmp_path.glob(".*restoring*")) and not (tmp_path / "shop backups").exists()


def test_the_command_line_backup(tmp_path):
    shop_with_work(tmp_path / "shop.shopwise").conn.close()
    (tmp_path / "saved").mkdir()
    run = [sys.executable, str(ROOT / "main.py"), "backup", "--db", str(tmp_path / "shop.shopwise"), "--to"]
    done = subprocess.run([*run, str(tmp_path / "saved")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [made] = (tmp_path / "saved").iterdir()
    assert f"Backed up {tmp_path / 'shop.shopwise'} to {made}" in done.stdout
    again = subprocess.run([*run, str(made)], capture_output=True, text=True, timeout=120)
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
