"""Order and catalogue import on the real shared files, the broken-file corpus, and safety."""

import shutil
import sqlite3

import pytest

import engine.ingest.orders as importer
from engine.ingest.catalogue import import_catalogue
from engine.ingest.csvfile import ImportRefused
from engine.ingest.orders import import_orders, inspect_file
from engine.jobs import CancelToken, Cancelled
from engine.ingest.layouts import ColumnMapping
from tests.conftest import ROOT, SHARED_DATA

BROKEN = ROOT / "tests" / "broken"
DIALECTS = ROOT / "tests" / "dialects"


def table_counts(db):
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("customers", "products", "orders", "order_lines", "imports", "reviews")}


def dump(db):
    return list(db.conn.iterdump())


# True counts, worked out independently from each file with pandas (see the data README).
def test_groceries(shop):
    r = import_orders(shop, SHARED_DATA / "groceries-kaggle/Groceries_dataset.csv")
    assert r.layout == "groceries"
    assert r.counts["rows"] == 38_765
    assert r.counts["duplicate_merged"] == 759      # repeated rows are the only quantity signal
    assert table_counts(shop) | {"imports": 1} == {
        "customers": 3_898, "products": 167, "orders": 14_963, "order_lines": 38_765 - 759,
        "imports": 1, "reviews": 0}
    # trailing spaces in item names do not make a second product
    assert shop.execute("SELECT count(*) FROM products WHERE name LIKE '% '").fetchone()[0] == 0
    # a merged duplicate carries quantity 2
    assert shop.execute("SELECT sum(quantity) FROM order_lines").fetchone()[0] == 38_765
    assert shop.execute("SELECT min(ordered_at), max(ordered_at) FROM orders").fetchone() == (
        "2014-01-01 00:00:00", "2015-12-30 00:00:00")


def test_online_retail(shop):
    r = import_orders(shop, SHARED_DATA / "online-retail-uci-sample/online_retail_sample.csv")
    c = r.counts
    assert r.layout == "uci_retail"
    assert (c["rows"], c["non_product"], c["stock_adjustment"], c["duplicate_skipped"]) == (20_000, 109, 48, 7)
    assert (c["orders"], c["lines"], c["customers_new"], c["products_new"]) == (9_262, 19_836, 3_040, 2_829)
    assert (c["return_orders"], c["guest_orders"], c["zero_price_kept"]) == (296, 855, 40)
    assert c["rows"] == c["lines"] + c["non_product"] + c["stock_adjustment"] + c["duplicate_skipped"]
    # C invoices are returns, kept as returns with negative quantities
    assert shop.execute("SELECT count(*) FROM orders WHERE status = 'return' AND external_id NOT LIKE 'C%'"
                        ).fetchone()[0] == 0
    assert shop.execute("SELECT max(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                        " WHERE o.status = 'return'").fetchone()[0] < 0
    assert "£" not in str(r.summary_lines())  # the pound sign is in the data, not a parsing artefact


def test_shopify_orders(shop):
    r = import_orders(shop, SHARED_DATA / "shopify-orders-kidsliving/orders_export.redacted.csv")
    c = r.counts
    assert r.layout == "shopify"
    assert (c["rows"], c["orders"], c["lines"], c["customers_new"], c["products_new"]) == (101, 50, 101, 48, 90)
    assert c["cancelled_orders"] == 2
    cancelled = {e for (e,) in shop.execute("SELECT external_id FROM orders WHERE status = 'cancelled'")}
    assert cancelled == {"#13549", "#13554"}
    # follow-on lines inherit the order's customer and date
    assert shop.execute("SELECT count(*) FROM orders WHERE customer_id IS NULL").fetchone()[0] == 0
    assert shop.execute("SELECT ordered_at FROM orders WHERE external_id = '#13522'").fetchone()[0] == \
        "2021-05-13 15:15:21"
    assert shop.execute("SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                        " WHERE o.external_id = '#13522'").fetchone()[0] == 3


def test_bread_basket_has_no_customers(shop):
    r = import_orders(shop, SHARED_DATA / "bread-basket/BreadBasket_DMS.csv")
    c = r.counts
    assert r.layout == "till"
    assert (c["rows"], c["non_product"], c["duplicate_merged"]) == (21_293, 786, 1_620)
    assert (c["orders"], c["lines"], c["products_new"], c["customers_new"]) == (9_465, 18_887, 94, 0)
    assert c["guest_orders"] == 9_465


def test_amazon_reviews_headerless(shop):
    r = import_orders(shop, SHARED_DATA / "amazon-reviews-musical-instruments/"
                      "Musical_instruments_reviews.partial_noheader.csv")
    c = r.counts
    assert r.layout == "amazon_reviews"
    assert (c["rows"], c["lines"], c["customers_new"], c["products_new"], c["orders"]) == \
        (5_050, 5_050, 1_381, 392, 3_499)
    assert table_counts(shop)["reviews"] == 5_050
    text = shop.execute("SELECT r.text FROM reviews r JOIN customers c ON c.id = r.customer_id"
                        " WHERE c.external_key = 'A2IBPI20UZIR0U' AND r.product_id ="
                        " (SELECT id FROM products WHERE sku = '1384719342')").fetchone()[0]
    assert text.startswith("Not much to write about here")


def test_catalogues_enrich_products(shop):
    r = import_catalogue(shop, SHARED_DATA / "shopify-products-bilali/products_export.csv")
    # 48 handles; one SKU is shared by two handles, so 45 SKUs + 2 products without SKU
    assert (r.counts["rows"], r.counts["products_new"]) == (194, 47)
    name, description, price = shop.execute(
        "SELECT name, description, price FROM products WHERE sku = 'SS-2025-01-01'").fetchone()
    assert name == "SOPHIE TOP - BLACK" and price == 89.0
    assert "<" not in description and description.startswith("Sporty top.")

    r = import_catalogue(shop, SHARED_DATA / "woocommerce-sample-products/sample_products.csv")
    assert (r.counts["rows"], r.counts["products_new"], r.counts["unknown_type"]) == (24, 23, 1)
    # variations inherit their parent's category; variable parents have no price of their own
    assert shop.execute("SELECT name, category, price FROM products WHERE sku = 'cc-hoodie-red-logo'"
                        ).fetchone() == ("Hoodie - Red, Yes", "Clothing / Hoodies", 45.0)
    assert shop.execute("SELECT price FROM products WHERE sku = 'cc-hoodie'").fetchone() == (None,)


def test_catalogue_joins_products_from_orders_by_sku(shop, tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n"
                      "#1,a@example.com,2025-05-01 10:00:00 +0200,1,SOPHIE TOP - BLACK / S,89.00,SS-2025-01-01\n")
    import_orders(shop, orders)
    r = import_catalogue(shop, SHARED_DATA / "shopify-products-bilali/products_export.csv")
    assert r.counts["products_updated"] == 1 and r.counts["products_new"] == 46
    assert shop.execute("SELECT count(*), max(category) FROM products WHERE sku = 'SS-2025-01-01'"
                        ).fetchone() == (1, "Apparel & Accessories > Clothing > Swimwear")


def test_same_file_twice_is_a_no_op(shop):
    path = SHARED_DATA / "groceries-kaggle/Groceries_dataset.csv"
    import_orders(shop, path)
    before = table_counts(shop)
    again = import_orders(shop, path)
    assert again.already_imported
    assert table_counts(shop) == before
    assert "already imported" in again.summary_lines()[0]


def test_overlapping_export_adds_only_new_orders(shop, tmp_path):
    lines = (SHARED_DATA / "shopify-orders-kidsliving/orders_export.redacted.csv").read_text().splitlines()
    header, body = lines[0], lines[1:]
    # split on order boundaries: a follow-on line starts with the same order name
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    first.write_text("\n".join([header] + body[:60]) + "\n")
    second.write_text("\n".join([header] + body[30:]) + "\n")
    import_orders(shop, first)
    r = import_orders(shop, second)
    assert r.counts["already_imported"] > 0
    assert shop.execute("SELECT count(*) FROM orders").fetchone()[0] == 50
    assert shop.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 101


def test_dialect_semicolon_cp1252_decimal_comma_with_mapping(shop):
    path = DIALECTS / "semicolon_cp1252.csv"
    preview = inspect_file(path)
    assert (preview.encoding, preview.delimiter, preview.profile) == ("cp1252", ";", None)
    mapping = ColumnMapping(order_id="Bestellung", ordered_at="Datum", customer_email="Kunde",
                            product_name="Artikel", quantity="Menge", unit_price="Preis")
    r = import_orders(shop, path, mapping=mapping)
    assert (r.counts["orders"], r.counts["lines"], r.counts["customers_new"]) == (2, 3, 2)
    rows = shop.execute("SELECT p.name, l.unit_price, o.ordered_at FROM order_lines l"
                        " JOIN products p ON p.id = l.product_id JOIN orders o ON o.id = l.order_id"
                        " ORDER BY l.id").fetchall()
    assert rows[0] == ("Kaffeebohnen Café 1kg", 12.5, "2024-01-03 00:00:00")
    assert rows[1][0] == "Filterpapier Größe 4"
    assert rows[2][1] == 1012.5  # 1.012,50


def test_dialect_tab_bom_crlf_day_first(shop):
    r = import_orders(shop, DIALECTS / "tab_bom_crlf.csv")
    assert r.layout == "groceries"
    assert shop.execute("SELECT min(ordered_at) FROM orders").fetchone()[0] == "2015-07-21 00:00:00"
    assert r.counts["duplicate_merged"] == 1


@pytest.mark.parametrize("name, expected", [
    ("empty.csv", "file is empty"),
    ("picture.csv", "binary file"),
    ("ambiguous_dates.csv", "day-first or month-first"),
    ("unclosed_quote.csv", "not valid CSV"),
    ("unknown_layout.csv", "not a layout Shopwise knows"),
    ("shopify_without_date.csv", "Shopify orders export, but the column with the order date is missing"
                                 r" \(expected 'Created at'"),
])
def test_broken_files_are_refused_with_a_clear_message(shop, name, expected):
    before = dump(shop)
    with pytest.raises(ImportRefused, match=expected) as info:
        import_orders(shop, BROKEN / name)
    assert name in str(info.value)
    assert dump(shop) == before


def test_ambiguous_dates_import_once_the_order_is_chosen(shop):
    mapping = ColumnMapping(customer_id="Member_number", ordered_at="Date",
                            product_name="itemDescription", date_order="dmy")
    import_orders(shop, BROKEN / "ambiguous_dates.csv", mapping=mapping)
    assert shop.execute("SELECT min(ordered_at) FROM orders").fetchone()[0] == "2015-01-05 00:00:00"


@pytest.mark.parametrize("name, reason, row, column", [
    ("bad_date_row.csv", "bad_date", 3, "Date"),
    ("extra_fields.csv", "malformed_row", 3, None),
    ("formula_cells.csv", "formula_like", 2, "itemDescription"),
    ("shopify_bad_numbers.csv", "bad_quantity", 2, "Lineitem quantity"),
    ("shopify_bad_numbers.csv", "bad_price", 3, "Lineitem price"),
    ("shopify_bad_numbers.csv", "missing_product", 4, "Lineitem name"),
])
def test_bad_rows_are_reported_with_row_and_column(shop, name, reason, row, column, tmp_path):
    r = import_orders(shop, BROKEN / name)
    issue = next(i for i in r.issues if i.reason == reason)
    assert (issue.row, issue.column) == (row, column)
    r.to_csv(tmp_path / "report.csv")
    text = (tmp_path / "report.csv").read_text()
    assert name in text and str(row) in text
    assert "\n=" not in text and ",=" not in text  # formula cells are neutralised in the report


def test_missing_required_column_in_mapping(shop):
    before = dump(shop)
    with pytest.raises(ImportRefused, match="'Lieferdatum' chosen for order date is not in the file"):
        import_orders(shop, DIALECTS / "semicolon_cp1252.csv",
                      mapping=ColumnMapping(ordered_at="Lieferdatum", product_name="Artikel", order_id="Bestellung"))
    assert dump(shop) == before


def test_ten_megabyte_single_line(shop, tmp_path):
    path = tmp_path / "one_line.csv"
    path.write_text("x" * (10 << 20))
    with pytest.raises(ImportRefused, match="first line is longer"):
        import_orders(shop, path)
    path.write_text("Member_number,Date,itemDescription\n1,21-07-2015," + "y" * (10 << 20) + "\n"
                    "2,21-07-2015,milk\n")
    r = import_orders(shop, path)
    assert r.counts["too_long"] == 1 and r.counts["lines"] == 1


def test_failure_mid_file_leaves_database_unchanged(shop, tmp_path, monkeypatch):
    import_orders(shop, SHARED_DATA / "bread-basket/BreadBasket_DMS.csv")
    before = dump(shop)
    good = (SHARED_DATA / "groceries-kaggle/Groceries_dataset.csv").read_text().splitlines()[:500]
    path = tmp_path / "truncated.csv"
    path.write_text("\n".join(good) + '\n1808,21-07-2015,"whole milk\n1809,22-07-2015,yogurt\n')
    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)  # several chunks land before the bad one
    with pytest.raises(ImportRefused, match="row 501"):
        import_orders(shop, path)
    assert dump(shop) == before


def test_cancel_leaves_database_unchanged(shop, monkeypatch):
    before = dump(shop)
    token = CancelToken()
    seen = []

    def progress(p):
        seen.append(p)
        if len(seen) == 2:
            token.cancel()

    monkeypatch.setattr(importer, "CHUNK_ROWS", 5_000)
    with pytest.raises(Cancelled):
        import_orders(shop, SHARED_DATA / "groceries-kaggle/Groceries_dataset.csv",
                      progress=progress, cancel=token)
    assert len(seen) == 2 and 0 < seen[-1].fraction < 1
    assert dump(shop) == before
    # and the same import runs fine afterwards
    assert import_orders(shop, SHARED_DATA / "groceries-kaggle/Groceries_dataset.csv").counts["orders"] == 14_963


def test_chunk_boundaries_do_not_change_the_result(tmp_path, monkeypatch):
    from engine.db import open_shop
    results = []
    for rows in (100_000, 7):
        monkeypatch.setattr(importer, "CHUNK_ROWS", rows)
        for name in ("groceries-kaggle/Groceries_dataset.csv",
                     "shopify-orders-kidsliving/orders_export.redacted.csv"):
            db = open_shop(tmp_path / f"{rows}.db")
            if name.startswith("groceries"):
                shutil.copy(SHARED_DATA / name, tmp_path / "g.csv")
                lines = (tmp_path / "g.csv").read_text().splitlines()[:3000]
                (tmp_path / "g.csv").write_text("\n".join(lines) + "\n")
                import_orders(db, tmp_path / "g.csv")
            else:
                import_orders(db, SHARED_DATA / name)
            db.conn.close()
        conn = sqlite3.connect(tmp_path / f"{rows}.db")
        results.append(conn.execute(
            "SELECT o.external_id, o.ordered_at, o.status, c.external_key, p.name, l.quantity"
            " FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id"
            " LEFT JOIN customers c ON c.id = o.customer_id ORDER BY 1, 5, 6").fetchall())
        conn.close()
    assert results[0] == results[1]


def test_shopify_newer_admin_layout_customer_by_phone(shop):
    r = import_orders(shop, DIALECTS / "shopify_newer_layout.csv")
    assert r.layout == "shopify"
    assert (r.counts["orders"], r.counts["lines"], r.counts["cancelled_orders"]) == (2, 3, 1)
    keys = shop.execute("SELECT c.key_kind, c.external_key FROM orders o JOIN customers c"
                        " ON c.id = o.customer_id ORDER BY o.external_id").fetchall()
    assert keys == [("phone", "+15550102000"), ("email", "ana@example.com")]
    # the follow-on line of #2001 belongs to the same phone customer and date
    assert shop.execute("SELECT count(DISTINCT o.id) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                        " WHERE o.external_id = '#2001'").fetchone()[0] == 1


def test_shopify_line_type_layout_skips_discounts_and_shipping(shop):
    r = import_orders(shop, DIALECTS / "shopify_line_layout.csv")
    assert r.layout == "shopify"
    assert (r.counts["orders"], r.counts["lines"], r.counts["non_product"]) == (2, 2, 2)
    assert shop.execute("SELECT ordered_at FROM orders WHERE external_id = '#3001'").fetchone()[0] == \
        "2024-05-01 10:00:00"


@pytest.mark.parametrize("name, kind, profile, label", [
    ("groceries-kaggle/Groceries_dataset.csv", "orders", "groceries", "Member purchases"),
    ("online-retail-uci-sample/online_retail_sample.csv", "orders", "uci_retail", "Online Retail"),
    ("shopify-orders-kidsliving/orders_export.redacted.csv", "orders", "shopify", "Shopify orders"),
    ("bread-basket/BreadBasket_DMS.csv", "orders", "till", "Till"),
    ("amazon-reviews-musical-instruments/Musical_instruments_reviews.partial_noheader.csv", "reviews",
     "amazon_reviews", "Amazon product reviews"),
    ("shopify-products-bilali/products_export.csv", "catalogue", "shopify_products", "Shopify products"),
    ("woocommerce-sample-products/sample_products.csv", "catalogue", "woocommerce_products", "WooCommerce"),
])
def test_inspect_names_the_layout_in_words(name, kind, profile, label):
    preview = inspect_file(SHARED_DATA / name)
    assert (preview.kind, preview.profile) == (kind, profile)
    assert preview.profile_label.startswith(label)
    assert len(preview.rows) == 20 and all(len(r) == len(preview.header) for r in preview.rows)
