"""Old and foreign shop files: an old shop opens with its data; anything else is refused, untouched."""

import shutil
import sqlite3

import pytest

from engine.db import APPLICATION_ID, SCHEMA_VERSION, ShopFileError, open_shop, schema_version
from engine.ingest.orders import import_orders
from tests.conftest import ROOT, SHARED_DATA

V1_SHOP = ROOT / "tests" / "fixtures" / "shop_schema_v1.shopwise"


def counts(db) -> dict:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("imports", "customers", "products", "orders", "order_lines", "reviews",
                      "recommendations", "reasons", "settings")}


def test_fixture_is_as_schema_1_wrote_it():
    conn = sqlite3.connect(f"file:{V1_SHOP}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_shop_from_the_first_schema_opens_with_all_its_data(tmp_path):
    path = tmp_path / "old.shopwise"
    shutil.copyfile(V1_SHOP, path)
    db = open_shop(path, create=False)
    assert schema_version(db) == SCHEMA_VERSION
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("PRAGMA foreign_key_check").fetchall()
    assert counts(db) == {"imports": 5, "customers": 80, "products": 140, "orders": 89, "order_lines": 140,
                          "reviews": 10, "recommendations": 80, "reasons": 1, "settings": 2}
    assert db.execute("SELECT text, status FROM reasons").fetchone() == \
        ("You buy this every month; it is time again.", "edited")
    assert db.execute("SELECT value FROM settings WHERE key = 'export.columns'").fetchone()[0] == \
        "customer,product,reason"
    assert db.execute("SELECT count(*) FROM orders WHERE source = 'shopify' AND status = 'cancelled'"
                      ).fetchone()[0] == 2
    # and the owner can go on working in it
    report = import_orders(db, SHARED_DATA / "bread-basket" / "BreadBasket_DMS.csv")
    assert report.counts["orders"] == 9_465
    db.conn.close()


def newer(path):
    shutil.copyfile(V1_SHOP, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def truncated(path):
    path.write_bytes(V1_SHOP.read_bytes()[:len(V1_SHOP.read_bytes()) // 2])


def scribbled_over(path):
    """Random-looking bytes over a page in the middle: a bad disk sector, a half-written copy."""
    data = bytearray(V1_SHOP.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 4096] = bytes((i * 37 + 11) % 256 for i in range(4096))
    path.write_bytes(bytes(data))


def csv_renamed(path):
    shutil.copyfile(SHARED_DATA / "groceries-kaggle" / "Groceries_dataset.csv", path)


def other_program(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('buy milk')")
    conn.commit()
    conn.close()


def other_program_empty(path):
    """Another program's brand-new file: its own application id, no tables yet."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("PRAGMA user_version = 1")
    conn.close()


FOREIGN_FILES = [
    (newer, "saved by a newer Shopwise"),
    (truncated, "damaged or unreadable"),
    (scribbled_over, "damaged or unreadable"),
    (csv_renamed, "not a Shopwise shop file"),
    (other_program, "belongs to another program"),
    (other_program_empty, "belongs to another program"),
]


@pytest.mark.parametrize("make, message", FOREIGN_FILES, ids=[f.__name__ for f, _ in FOREIGN_FILES])
def test_file_that_is_not_a_usable_shop_is_refused_untouched(tmp_path, make, message):
    path = tmp_path / "shop.shopwise"
    make(path)
    before = path.read_bytes()
    with pytest.raises(ShopFileError, match=message) as refused:
        open_shop(path, create=False)
    assert str(path) in str(refused.value) and "Traceback" not in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.shopwise"]  # no -wal or -journal left
