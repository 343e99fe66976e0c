"""Old and foreign shop files: an old shop opens with its data; anything else is refused, untouched."""

import json
import shutil
import sqlite3

import pytest

from engine.db import APPLICATION_ID, SCHEMA_VERSION, ShopFileError, open_shop, schema_version
from engine.ingest.orders import import_orders
from tests.conftest import ROOT, SHARED_DATA

V1_SHOP = ROOT / "tests" / "fixtures" / "shop_schema_v1.shopwise"
V2_SHOP = ROOT / "tests" / "fixtures" / "shop_schema_v2.shopwise"


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


def test_a_schema_2_shop_gets_product_identity_and_keeps_every_order(tmp_path):
    from engine.backup import backups_folder
    from engine.recommend import run_recommendations
    from engine.reasons import slots
    path = tmp_path / "Kids shop.shopwise"
    shutil.copyfile(V2_SHOP, path)
    raw = sqlite3.connect(f"file:{V2_SHOP}?mode=ro", uri=True)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    before = {t: raw.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
              for t in ("orders", "order_lines", "customers", "recommendations", "reasons")}
    raw.close()
    db = open_shop(path, create=False)
    assert schema_version(db) == SCHEMA_VERSION
    assert [b.name for b in backups_folder(path).iterdir()] != []   # the shop as it was, kept first
    assert {t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in before} == before
    assert db.execute("SELECT count(*) FROM products WHERE title IS NULL OR identity_from != 'name'"
                      ).fetchone()[0] == 0   # a migrated shop is identified by its names
    identity = {name: (title, variant) for name, title, variant in
                db.execute("SELECT name, title, variant FROM products")}
    assert identity["Bibs Danish Pacifier - Black / Size 2 (from 6mnths - 18mnths)"] == \
        ("Bibs Danish Pacifier", "Black / Size 2 (from 6mnths - 18mnths)")
    assert identity["Hoodie - Red, No"] == ("Hoodie", "Red, No") and identity["Hoodie"] == ("Hoodie", None)
    assert identity["Ikea Sniglar Cot 120x60"] == ("Ikea Sniglar Cot 120x60", None)
    # Evidence stored by schema 2 (no titles) is still said without its variant.
    old = json.loads(db.execute("SELECT evidence FROM recommendations WHERE evidence LIKE"
                                " '%\"name\": \"LD Toy Wooden Tea Set - Pink\"%' LIMIT 1").fetchone()[0])
    assert "title" not in old["product"] and slots.values(old)["product"] == "LD Toy Wooden Tea Set"
    # and a new run cites titles
    run = run_recommendations(db, limit=3)
    for (text,) in db.execute("SELECT evidence FROM recommendations WHERE run_id = ?", [run]):
        product = json.loads(text)["product"]
        assert product["title"] == identity[product["name"]][0]
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


def shop_with(name, *statements):
    """A real shop file with something added that Shopwise never makes (as another program could)."""
    def make(path):
        shutil.copyfile(V1_SHOP, path)
        conn = sqlite3.connect(path)
        for sql in statements:
            conn.execute(sql)
        conn.commit()
        conn.close()
    make.__name__ = name
    return make


trigger_on_insert = shop_with(
    "trigger_on_insert",
    "CREATE TRIGGER log_orders AFTER INSERT ON orders BEGIN "
    "INSERT INTO settings (key, value) VALUES ('seen-' || new.id, new.external_id); END")
view_calling_a_function = shop_with(
    "view_calling_a_function",
    "CREATE VIEW customer_files AS SELECT readfile('/etc/passwd') AS f, load_extension('/tmp/evil.so') AS g "
    "FROM customers")
extra_table = shop_with("extra_table", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
changed_table = shop_with("changed_table",
                          "ALTER TABLE customers ADD COLUMN password TEXT DEFAULT 'x' CHECK (length(password) < 99)")
index_on_an_expression = shop_with("index_on_an_expression",
                                   "CREATE INDEX idx_orders_odd ON orders (lower(external_id))")
index_dropped = shop_with("index_dropped", "DROP INDEX idx_reviews_customer_id_product_id")


def oversized_page_count(path):
    """The header claims far more pages than the file holds (a trap for whatever trusts it)."""
    data = bytearray(V1_SHOP.read_bytes())
    data[28:32] = (2 ** 31).to_bytes(4, "big")
    data[92:96] = data[24:28]   # the count is marked valid
    path.write_bytes(bytes(data))


FOREIGN_FILES = [
    (newer, "saved by a newer Shopwise"),
    (truncated, "damaged or unreadable"),
    (scribbled_over, "damaged or unreadable"),
    (csv_renamed, "not a Shopwise shop file"),
    (other_program, "belongs to another program"),
    (other_program_empty, "belongs to another program"),
    (trigger_on_insert, "has a trigger “log_orders”, which Shopwise never makes"),
    (view_calling_a_function, "has a view “customer_files”, which Shopwise never makes"),
    (extra_table, "has a table “notes”, which Shopwise never makes"),
    (changed_table, "has a changed table “customers”, which Shopwise never makes"),
    (index_on_an_expression, "has an unknown index “idx_orders_odd”"),
    (index_dropped, "lacks the index “idx_reviews_customer_id_product_id” that every Shopwise shop has"),
    (oversized_page_count, "damaged or unreadable"),
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


def test_a_shop_that_sqlite_analysed_still_opens(tmp_path):
    """SQLite's own bookkeeping tables (ANALYZE statistics) are not foreign."""
    path = tmp_path / "analysed.shopwise"
    shutil.copyfile(V1_SHOP, path)
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.close()
    db = open_shop(path, create=False)
    assert counts(db)["orders"] == 89
    db.conn.close()


def test_the_trusted_schema_is_off_on_every_connection(tmp_path):
    db = open_shop(tmp_path / "new.shopwise")
    assert db.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    db.conn.close()


def test_the_oversized_page_count_is_named_in_the_sentence(tmp_path):
    path = tmp_path / "shop.shopwise"
    oversized_page_count(path)
    with pytest.raises(ShopFileError, match=r"it says it holds 8,796,093,022,208 bytes but has 196,608"):
        open_shop(path, create=False)
