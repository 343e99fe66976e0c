"""From suggestions to a mailing: contacts at import, reviews that last across runs, mailing exports.

The first test is the issue's "done when", on the real Shopify files: import the kidsliving orders and
a Shopify catalogue, make suggestions, approve some, reject one, make suggestions again, export with
the Klaviyo preset; then a second export leaves out what was sent.
"""

import csv
import shutil

import pytest

from engine.cli import main as cli
from engine.db import SCHEMA_VERSION, open_shop, schema_version
from engine.export import export_mailing, export_recommendations, plan_mailing, reorder_due
from engine.ingest import import_file
from engine.products import set_base_url
from engine.reasons import prompt, silver, store
from engine.recommend import run_recommendations
from tests.conftest import ROOT, SHARED_DATA

ORDERS = SHARED_DATA / "shopify-orders-kidsliving" / "orders_export.redacted.csv"
CATALOGUE = SHARED_DATA / "shopify-products-bilali" / "products_export.csv"


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write_template_reasons(db, run_id):
    """Draft reasons as the built-in writer words them (no model needed)."""
    recs = store.recommendations(db, run_id)
    store.save_reasons(db, [{"recommendation_id": r["id"], "provenance": "template",
                             "text": silver.template_reason(r["evidence"], prompt.main_feature(r["evidence"]))}
                            for r in recs if r["id"] not in store.reviewed_ids(db)])


def newest_reasons(db, run_id) -> dict:
    """(customer id, product id) -> (text, status) of the run's newest reasons."""
    rows = db.execute("""SELECT r.customer_id, r.product_id, s.text, s.status FROM recommendations r
                         JOIN reasons s ON s.id = (SELECT max(id) FROM reasons WHERE recommendation_id = r.id)
                         WHERE r.run_id = ?""", [run_id]).fetchall()
    return {(c, p): (t, s) for c, p, t, s in rows}


def test_done_when_kidsliving_to_klaviyo(tmp_path, capsys):
    db = open_shop(tmp_path / "kids.shopwise")
    import_file(db, ORDERS)
    import_file(db, CATALOGUE)
    consent = dict(db.execute("SELECT marketing_consent, count(*) FROM customers GROUP BY 1").fetchall())
    assert consent == {"yes": 31, "no": 17}   # the export's "Accepts Marketing", newest order per customer

    first = run_recommendations(db, limit=3)
    write_template_reasons(db, first)
    recs = db.execute("""SELECT r.id, s.id, r.customer_id, r.product_id, c.marketing_consent
                           FROM recommendations r JOIN reasons s ON s.recommendation_id = r.id
                           JOIN customers c ON c.id = r.customer_id
                          WHERE r.run_id = ? ORDER BY r.customer_id, r.rank""", [first]).fetchall()
    consenting = [r for r in recs if r[4] == "yes"]
    declined = [r for r in recs if r[4] == "no"]
    approve = consenting[:6] + declined[:2]
    for _, reason_id, *_ in approve:
        store.set_reason(db, reason_id, status="approved")
    edited = consenting[6]
    store.set_reason(db, edited[1], text="Your little one will love this one too.")
    rejected = consenting[7]
    store.set_reason(db, rejected[1], status="rejected")

    second = run_recommendations(db, limit=3)
    assert second != first
    write_template_reasons(db, second)   # the reason writer leaves reviewed suggestions alone
    carried = newest_reasons(db, second)
    for _, _, customer, product, _ in approve:
        assert carried[(customer, product)][1] == "approved"
    assert carried[(edited[2], edited[3])] == ("Your little one will love this one too.", "edited")
    assert carried[(rejected[2], rejected[3])][1] == "rejected"

    out = tmp_path / "klaviyo.csv"
    assert cli(["export", str(out), "--preset", "klaviyo", "--db", str(tmp_path / "kids.shopwise")]) == 0
    printed = capsys.readouterr().out
    rows = read_csv(out)
    assert list(rows[0])[:9] == ["Email", "First Name", "Last Name", "Phone Number", "Product 1", "Reason 1",
                                 "Product URL 1", "Image URL 1", "Reorder Due 1"]
    emails = [r["Email"] for r in rows]
    assert len(emails) == len(set(emails))   # one row per contact
    allowed = {e for (e,) in db.execute("SELECT email FROM customers WHERE marketing_consent = 'yes'")}
    assert set(emails) <= allowed           # consent respected
    wanted = {(c, p) for _, _, c, p, _ in consenting[:7]}
    expected_emails = {db.execute("SELECT email FROM customers WHERE id = ?", [c]).fetchone()[0] for c, _ in wanted}
    assert set(emails) == expected_emails
    names = dict(db.execute("SELECT id, name FROM products").fetchall())
    exported = {(r["Email"], r[f"Product {n}"]) for r in rows for n in (1, 2, 3) if r.get(f"Product {n}")}
    email_of = dict(db.execute("SELECT id, email FROM customers").fetchall())
    assert exported == {(email_of[c], names[p]) for c, p in wanted}    # approvals kept, rejected absent
    assert (email_of[rejected[2]], names[rejected[3]]) not in exported
    assert "Your little one will love this one too." in {r[f"Reason {n}"] for r in rows for n in (1, 2, 3) if f"Reason {n}" in r}
    assert "said no to marketing" in printed

    again = tmp_path / "klaviyo-2.csv"
    plan = export_mailing(db, again, "klaviyo")
    assert plan.rows == 0 and plan.already_sent == len(wanted)
    assert len(read_csv(again)) == 0
    assert db.execute("SELECT count(*), sum(rows) FROM exports").fetchone() == (1, len(expected_emails))
    plan = export_mailing(db, again, "klaviyo", include_sent=True)
    assert plan.suggestions == len(wanted)
    db.conn.close()


def test_contacts_from_woocommerce_guests_are_never_merged(tmp_path):
    path = tmp_path / "woo.csv"
    path.write_text(
        "Order ID,Order Date,Order Status,Customer User ID,Billing First Name,Billing Last Name,"
        "Billing Email,Billing Phone,Item Name,SKU,Quantity,Item Cost\n"
        "1,2024-01-02,completed,0,Ann,Lee,ann@example.com,'+44 7700 900123,Mug,M1,1,5.00\n"
        "2,2024-01-03,completed,0,Bob,Ray,BOB@example.com,,Mug,M1,2,5.00\n"
        "3,2024-01-04,completed,0,,,,,Mug,M1,1,5.00\n"
        "4,2024-01-05,completed,0,,,,,Cup,C1,1,4.00\n"
        "5,2024-01-06,completed,17,Cy,Day,cy@example.com,,Cup,C1,1,4.00\n"
        "6,2024-02-06,completed,0,Ann,Lee-Smith,ann@example.com,,Cup,C1,1,4.00\n", encoding="utf-8")
    db = open_shop(tmp_path / "s.shopwise")
    report = import_file(db, path)
    rows = db.execute("SELECT key_kind, external_key, name, first_name, last_name, email, phone"
                      " FROM customers ORDER BY id").fetchall()
    assert rows == [
        ("email", "ann@example.com", "Ann Lee", "Ann", "Lee-Smith", "ann@example.com", "+447700900123"),
        ("email", "bob@example.com", "Bob Ray", "Bob", "Ray", "bob@example.com", None),
        ("customer_id", "17", "Cy Day", "Cy", "Day", "cy@example.com", None),
    ]
    assert report.counts["guest_orders"] == 2   # two guests without an e-mail: two guest orders, no customer
    assert db.execute("SELECT count(*) FROM orders WHERE customer_id IS NULL").fetchone()[0] == 2
    db.conn.close()


def test_shopify_newer_export_consent_and_the_newest_order_wins(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Name,Email,Accepts Email Marketing,Created at,Lineitem name,Lineitem quantity,Lineitem price,"
        "Billing Name,Phone\n"
        "#1002,a@example.com,no,2024-03-01 10:00:00 +0100,Tee,1,10,Ann Lee,\n"
        "#1001,a@example.com,yes,2024-01-01 10:00:00 +0100,Tee,1,10,Ann Lee,+1 555 0100\n"
        "#1003,b@example.com,,2024-01-01 10:00:00 +0100,Tee,1,10,Bo,\n", encoding="utf-8")
    db = open_shop(tmp_path / "s.shopwise")
    import_file(db, path)
    rows = db.execute("SELECT email, first_name, last_name, phone, marketing_consent, consent_source"
                      " FROM customers ORDER BY id").fetchall()
    assert rows == [("a@example.com", "Ann", "Lee", "+15550100", "no", "Accepts Email Marketing (orders.csv)"),
                    ("b@example.com", "Bo", None, None, "unknown", None)]
    db.conn.close()


def test_catalogue_links_and_mailing_with_product_urls(tmp_path):
    """Orders of products the Shopify catalogue knows by SKU: the mailing carries page and image links."""
    db = open_shop(tmp_path / "s.shopwise")
    import_file(db, CATALOGUE)
    skus = [s for (s,) in db.execute("SELECT sku FROM products WHERE sku IS NOT NULL ORDER BY id LIMIT 4")]
    lines = ["Name,Email,Accepts Marketing,Created at,Lineitem name,Lineitem sku,Lineitem quantity,Lineitem price"]
    for n in range(12):
        for k in (0, 1) if n % 2 else (1, 2, 3):
            lines.append(f"#{n},c{n % 4}@example.com,yes,2024-0{1 + n // 4}-1{n % 4} 10:00:00 +0000,"
                         f"P{k},{skus[k]},1,20")
    (tmp_path / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(db, tmp_path / "orders.csv")
    assert set_base_url(db, "myshop.example/") == "https://myshop.example"
    run = run_recommendations(db, limit=2)
    write_template_reasons(db, run)
    plan = export_mailing(db, tmp_path / "m.csv", "mailchimp", only_approved=False)
    rows = read_csv(tmp_path / "m.csv")
    assert plan.rows == len(rows) == 4
    assert list(rows[0])[:4] == ["Email Address", "First Name", "Last Name", "Phone Number"]
    urls = [r["Product URL 1"] for r in rows]
    assert all(u.startswith("https://myshop.example/products/") for u in urls)
    assert all(r["Image URL 1"].startswith("https://cdn.shopify.com/") for r in rows)
    db.conn.close()


def test_consent_opt_in_and_never_for_no(tmp_path):
    db = open_shop(tmp_path / "s.shopwise")
    import_file(db, ORDERS)
    db.execute("UPDATE customers SET marketing_consent = 'unknown' WHERE id % 3 = 0 AND marketing_consent = 'yes'")
    run = run_recommendations(db, limit=2)
    write_template_reasons(db, run)
    strict = plan_mailing(db, only_approved=False)
    loose = plan_mailing(db, only_approved=False, include_unknown_consent=True)
    unknown = db.execute("SELECT count(*) FROM customers WHERE marketing_consent = 'unknown'").fetchone()[0]
    declined = db.execute("SELECT count(*) FROM customers WHERE marketing_consent = 'no'").fetchone()[0]
    assert strict.consent_unknown == unknown > 0 and loose.consent_unknown == 0
    assert strict.consent_no == loose.consent_no == declined
    assert loose.rows == strict.rows + unknown
    db.conn.close()


def test_reorder_due_is_last_purchase_plus_the_usual_gap():
    assert reorder_due({"reorder": {"typical_days_between": 30.4, "last_bought": "2024-01-31"}}) == "2024-03-01"
    assert reorder_due({"reorder": {"typical_days_between": None, "last_bought": "2024-01-31"}}) == ""
    assert reorder_due({}) == ""


def test_spreadsheet_export_snake_case_contacts_and_never_rejected(tmp_path):
    db = open_shop(tmp_path / "s.shopwise")
    import_file(db, ORDERS)
    run = run_recommendations(db, limit=2)
    write_template_reasons(db, run)
    reason = db.execute("SELECT s.id FROM reasons s JOIN recommendations r ON r.id = s.recommendation_id"
                        " WHERE r.run_id = ? ORDER BY s.id LIMIT 1", [run]).fetchone()[0]
    store.set_reason(db, reason, status="rejected")
    total = db.execute("SELECT count(*) FROM recommendations WHERE run_id = ?", [run]).fetchone()[0]
    out = tmp_path / "all.csv"
    n = export_recommendations(db, out, columns=["customer", "email", "phone", "product", "reason", "reason_status"])
    rows = read_csv(out)
    assert n == total - 1 == len(rows)
    assert list(rows[0]) == ["customer", "email", "phone", "product", "reason", "reason_status"]
    assert "rejected" not in {r["reason_status"] for r in rows}
    assert all("@" in r["email"] for r in rows)
    db.conn.close()


@pytest.mark.parametrize("fixture", ["shop_schema_v1.shopwise", "shop_schema_v1_release.shopwise"])
def test_schema_1_shops_migrate_to_contacts(tmp_path, fixture):
    path = tmp_path / fixture
    shutil.copyfile(ROOT / "tests" / "fixtures" / fixture, path)
    db = open_shop(path, create=False)
    assert schema_version(db) == SCHEMA_VERSION
    assert not db.execute("PRAGMA foreign_key_check").fetchall()
    wrong = db.execute("SELECT count(*) FROM customers WHERE key_kind = 'email' AND email IS NOT external_key"
                       ).fetchone()[0]
    assert wrong == 0
    assert db.execute("SELECT count(*) FROM customers WHERE marketing_consent != 'unknown'").fetchone()[0] == 0
    named = db.execute("SELECT name, first_name, last_name FROM customers WHERE name LIKE '% %' LIMIT 1").fetchone()
    assert named is None or f"{named[1]} {named[2]}" == named[0]
    assert db.execute("SELECT count(*) FROM exported_suggestions").fetchone()[0] == 0
    # The owner's reviews of the old release carry into a new run, and an import now fills contacts.
    reviewed = db.execute("SELECT count(*) FROM reasons WHERE status != 'draft'").fetchone()[0]
    run = run_recommendations(db, limit=2)
    carried = db.execute("SELECT count(*) FROM reasons s JOIN recommendations r ON r.id = s.recommendation_id"
                         " WHERE r.run_id = ?", [run]).fetchone()[0]
    assert 0 < carried <= reviewed
    import_file(db, ORDERS)   # already imported in the release fixture: consent stays unknown then
    db.conn.close()


def test_vend_catalogue_by_cli_mapping_then_remembered(tmp_path, capsys):
    db_path = str(tmp_path / "s.shopwise")
    vend = tmp_path / "vend.csv"
    vend.write_text("id,handle,name,sku,supplier_name,tags,price\n"
                    "0a1b,sophie-top,Sophie top,SOP-1,Bilali,\"swimwear, top\",49.00\n"
                    "0a1c,gia-bottom,Gia bottom,,Bilali,swimwear,39.50\n", encoding="utf-8")
    assert cli(["import", str(vend), "--db", db_path]) == 1
    assert "product list the product name" in capsys.readouterr().err
    assert cli(["import", str(vend), "--db", db_path, "--map", "name=name", "--map", "sku=sku",
                "--map", "vendor=supplier_name", "--map", "tags=tags", "--map", "price=price",
                "--map", "handle=handle"]) == 0
    assert "2 new products" in capsys.readouterr().out
    vend.write_text(vend.read_text() + "0a1d,towel,Beach towel,TWL,Towel Co,beach,12\n", encoding="utf-8")
    assert cli(["import", str(vend), "--db", db_path]) == 0   # the same columns: no mapping needed
    assert "1 new products, 2 existing products updated" in capsys.readouterr().out
    db = open_shop(db_path)
    assert db.execute("SELECT vendor, tags, price FROM products WHERE sku = 'TWL'").fetchone() == \
        ("Towel Co", "beach", 12.0)
    db.conn.close()


@pytest.mark.parametrize("argument, words", [
    ("tags=tags", "'tags' is not a field"),   # beside an order field: an order mapping, which has no tags
    ("colour=Colour", "'colour' is not a field. Valid fields for orders: order_id"),
    ("ordered_at", "write it as FIELD=COLUMN"),
])
def test_unknown_map_field_is_one_sentence(tmp_path, capsys, argument, words):
    code = cli(["import", str(ORDERS), "--db", str(tmp_path / "s.shopwise"), "--map", argument,
                "--map", "ordered_at=Created at"] if argument == "tags=tags" else
               ["import", str(ORDERS), "--db", str(tmp_path / "s.shopwise"), "--map", argument])
    err = capsys.readouterr().err
    assert code == 1 and words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def uci_workbook(tmp_path, rows=300):
    """The first rows of the UCI Online Retail sample as Excel saves them: typed numbers and dates,
    on the second sheet (a notes sheet first), plus the same rows as CSV."""
    import datetime as dt

    import openpyxl
    lines = list(csv.reader(open(SHARED_DATA / "online-retail-uci-sample" / "online_retail_sample.csv",
                                 newline="", encoding="utf-8")))[:rows + 1]
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Exported from the till"])
    sheet = book.create_sheet("Invoices")
    sheet.append(lines[0])
    for line in lines[1:]:
        invoice, code, description, qty, when, price, customer, country = line
        sheet.append([invoice, code, description, int(qty), dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
                      if "-" in when else when, float(price), float(customer) if customer != "NA" else "NA",
                      country])
    book.save(tmp_path / "Online Retail.xlsx")
    with open(tmp_path / "online_retail.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(lines)
    return tmp_path / "Online Retail.xlsx", tmp_path / "online_retail.csv"


def test_excel_workbook_imports_like_its_csv(tmp_path):
    xlsx, as_csv = uci_workbook(tmp_path)
    from engine.ingest import inspect_file
    preview = inspect_file(xlsx, sheet="Invoices")
    assert preview.sheets == ["Notes", "Invoices"] and preview.profile == "uci_retail"
    book_db, csv_db = open_shop(tmp_path / "book.shopwise"), open_shop(tmp_path / "csv.shopwise")
    from engine.ingest.csvfile import ImportRefused
    with pytest.raises(ImportRefused, match="not a layout Shopwise knows"):
        import_file(book_db, xlsx)   # the first sheet holds notes, not orders
    with pytest.raises(ImportRefused, match="no sheet 'Orders'. Its sheets: Notes, Invoices"):
        import_file(book_db, xlsx, sheet="Orders")
    from_book = import_file(book_db, xlsx, sheet="Invoices")
    from_csv = import_file(csv_db, as_csv)
    assert from_book.file_name == "Online Retail.xlsx"
    assert dict(from_book.counts) == dict(from_csv.counts)
    query = ("SELECT o.external_id, o.ordered_at, c.external_key, p.sku, l.quantity, l.unit_price"
             " FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id"
             " LEFT JOIN customers c ON c.id = o.customer_id ORDER BY l.id")
    assert book_db.execute(query).fetchall() == csv_db.execute(query).fetchall()
    assert import_file(book_db, xlsx, sheet="Invoices").already_imported
    book_db.conn.close()
    csv_db.conn.close()


def test_old_excel_files_are_refused_in_a_sentence(tmp_path, capsys):
    old = tmp_path / "orders.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert cli(["import", str(old), "--db", str(tmp_path / "s.shopwise")]) == 1
    err = capsys.readouterr().err
    assert "old Excel workbook (.xls)" in err and "save it as .xlsx or CSV" in err


def test_money_with_its_currency_and_shop_settings(tmp_path, capsys):
    from engine.queries import money_text, shop_currency
    assert money_text(1234.5, "GBP") == "£1,234.50" and money_text(-9.9, "EUR") == "-€9.90"
    assert money_text(1234.5, "CHF") == "1,234.50 CHF" and money_text(3, "") == "3.00"
    assert money_text(None, "EUR") == ""
    db_path = tmp_path / "s.shopwise"
    db = open_shop(db_path)
    import_file(db, SHARED_DATA / "online-retail-uci-sample" / "online_retail_sample.csv")
    assert shop_currency(db) == ""       # no currency column in the file
    db.conn.close()
    assert cli(["shop-settings", "--db", str(db_path), "--currency", "gbp", "--url", "shop.example"]) == 0
    out = capsys.readouterr().out
    assert "Currency:    GBP" in out and "Web address: https://shop.example" in out
    assert cli(["shop-settings", "--db", str(db_path), "--currency", "pounds"]) == 1
    assert "not a currency code" in capsys.readouterr().err
    db = open_shop(db_path)
    assert shop_currency(db) == "GBP"
    db.conn.close()


def test_never_suggest_rules_catalogue_status_and_stock(tmp_path, capsys):
    from engine import exclusions
    lines = ["Name,Email,Created at,Lineitem name,Lineitem sku,Lineitem quantity,Lineitem price"]
    items = [("Gift Card R500", "GC-500"), ("Tip for the team", "TIP"), ("Wooden tea set", "TEA"),
             ("Cot sheet", "COT"), ("Teething ring", "RING"), ("Stripy socks", "SOCK"), ("Tipi tent", "TIPI")]
    for n in range(40):
        for name, sku in (items[n % 7], items[(n + 3) % 7]):
            lines.append(f"#{n},c{n % 9}@example.com,2024-0{1 + n % 9}-1{n % 10} 10:00:00 +0000,{name},{sku},1,20")
    (tmp_path / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "products.csv").write_text(
        "Handle,Title,Variant SKU,Variant Price,Status,Variant Inventory Qty\n"
        "cot-sheet,Cot sheet,COT,20,archived,4\n"
        "teething-ring,Teething ring,RING,20,active,0\n"
        "stripy-socks,Stripy socks,SOCK,20,active,12\n", encoding="utf-8")
    db_path = tmp_path / "s.shopwise"
    db = open_shop(db_path)
    import_file(db, tmp_path / "orders.csv")
    import_file(db, tmp_path / "products.csv")
    never = {db.execute("SELECT sku FROM products WHERE id = ?", [pid]).fetchone()[0]: why
             for pid, why in exclusions.excluded_products(db).items()}
    assert never == {"GC-500": "name contains 'gift card'", "TIP": "name contains 'tip'",
                     "COT": "archived", "RING": "out of stock"}      # the tipi tent is no tip
    run = run_recommendations(db, limit=5)
    suggested = {s for (s,) in db.execute("SELECT DISTINCT p.sku FROM recommendations r JOIN products p"
                                          " ON p.id = r.product_id WHERE r.run_id = ?", [run])}
    assert suggested and not suggested & set(never)
    db.conn.close()

    assert cli(["never-suggest", "add", "tag", "sample*", "--db", str(db_path)]) == 0
    assert cli(["never-suggest", "remove", "name", "tip", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "tag            sample*" in out and "3 products are never suggested" in out
    with pytest.raises(SystemExit) as usage:   # argparse names the kinds itself
        cli(["never-suggest", "add", "colour", "red", "--db", str(db_path)])
    assert usage.value.code == 2 and "choose from 'sku', 'name', 'tag', 'vendor'" in capsys.readouterr().err
    assert cli(["never-suggest", "remove", "sku", "NOPE", "--db", str(db_path)]) == 1
    assert "There is no rule sku 'NOPE'" in capsys.readouterr().err
    db = open_shop(db_path)
    assert ("tag", "sample*") in exclusions.rules(db) and ("name", "tip") not in exclusions.rules(db)
    db.conn.close()
