import sqlite3

import pytest

from engine.db import SCHEMA_VERSION, ShopFileError, open_shop, schema_version, transaction


def test_new_shop_has_schema_wal_and_foreign_keys(tmp_path):
    db = open_shop(tmp_path / "s.db")
    assert schema_version(db) == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"customers", "products", "orders", "order_lines", "imports",
            "recommendations", "reasons", "training_runs", "adapters"} <= set(db.table_names())
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO orders (import_id, source, external_id, ordered_at, status)"
                   " VALUES (999, 's', '1', '2020-01-01', 'completed')")


def test_transaction_rolls_back_on_error(shop):
    with pytest.raises(RuntimeError):
        with transaction(shop):
            shop.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
            raise RuntimeError
    assert shop.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_refuses_foreign_and_newer_files(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("hello")
    with pytest.raises(ShopFileError, match="not a Shopwise shop file"):
        open_shop(text)
    assert text.read_text() == "hello"

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    with pytest.raises(ShopFileError, match="another program"):
        open_shop(other)

    newer = tmp_path / "newer.db"
    open_shop(newer).conn.close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ShopFileError, match="newer Shopwise"):
        open_shop(newer)
