"""Product facts read one way everywhere: tags, HTML descriptions, a customer's interest tags."""

import json

from engine.products import name_key, parse_tags, plain, strip_html


def test_tags_are_read_from_a_json_list_or_commas():
    assert parse_tags('["Home", " Party ", ""]') == ["Home", "Party"]
    assert parse_tags("Home, Party,,") == ["Home", "Party"]
    assert parse_tags(None) == [] and parse_tags("") == []


def test_html_becomes_text_once():
    body = "<p>Soft &amp; warm</p><p>Wool<br>100%</p>"
    assert strip_html(body) == "Soft & warm\nWool\n100%"
    assert plain(body) == "Soft & warm Wool 100%"
    assert plain("x" * 400, limit=10) == "x" * 9 + "…" and plain("") is None


def test_the_reasoner_reads_catalogue_tags_as_the_recommender_does(shop):
    """The reasoner parses no tags: it states the ones the recommender's evidence holds."""
    from engine.products import load_products
    from engine.reasons import slots
    shop["products"].insert({"id": 1, "name": "Wool socks", "name_key": name_key("Wool socks"),
                             "tags": json.dumps(["winter", "wool"])})
    facts = load_products(shop)[1]
    assert facts["tags"] == ["winter", "wool"] and slots.values({"product": facts})["tag"] == "winter"


# ---- product identity: which product a variant or offer is, recorded on import ----------------------

def identity(db) -> dict[str, tuple]:
    return {name: (title, variant, source) for name, title, variant, source in
            db.execute("SELECT name, title, variant, identity_from FROM products")}


def test_a_shopify_line_is_title_then_variant():
    from engine.products import split_line_name
    assert split_line_name("Bibs Danish Pacifier - Smoke / Size 2 (from 6mnths - 18mnths)") == \
        ("Bibs Danish Pacifier", "Smoke / Size 2 (from 6mnths - 18mnths)")
    assert split_line_name("Sleep Suit (3 - 6 months) - Blue") == ("Sleep Suit (3 - 6 months)", "Blue")
    assert split_line_name("Bugaboo Fox2") == ("Bugaboo Fox2", None)
    assert split_line_name("Cap - Default Title") == ("Cap", None)


def test_shopify_orders_record_each_lines_product_and_variant(shop):
    from engine.ingest import import_file
    from engine.products import load_product_groups
    from tests.conftest import SHARED_DATA
    import_file(shop, SHARED_DATA / "shopify-orders-kidsliving/orders_export.redacted.csv")
    found = identity(shop)
    assert found["Bibs Danish Pacifier - Island Sea / Size 2 (from 6mnths - 18mnths)"] == \
        ("Bibs Danish Pacifier", "Island Sea / Size 2 (from 6mnths - 18mnths)", "line name")
    assert found["Mattress Bamboopaedic 120 cm x 60 cm"] == ("Mattress Bamboopaedic 120 cm x 60 cm", None, "line name")
    ids = dict(shop.execute("SELECT name, id FROM products").fetchall())
    groups = load_product_groups(shop)
    pacifiers = {groups[i] for name, i in ids.items() if name.startswith("Bibs Danish Pacifier")}
    assert len(pacifiers) == 1
    assert groups[ids["LD Dollhouse PlaySet - Kids Room"]] == groups[ids["LD Dollhouse PlaySet - Kitchen"]]
    assert groups[ids["LD Wooden Dolls House"]] != groups[ids["LD Dollhouse PlaySet - Kitchen"]]


def test_a_catalogue_says_which_product_each_variant_is(shop):
    from engine.ingest import import_file
    from engine.products import load_product_groups, load_products
    from tests.conftest import SHARED_DATA
    import_file(shop, SHARED_DATA / "woocommerce-sample-products/sample_products.csv")
    import_file(shop, SHARED_DATA / "shopify-products-bilali/products_export.csv")
    found = identity(shop)
    assert found["Hoodie - Red, Yes"] == ("Hoodie", "Red, Yes", "catalogue")   # a WooCommerce variation
    assert found["Hoodie"] == ("Hoodie", None, "catalogue")                     # its parent
    assert found["Hoodie with Pocket"] == ("Hoodie with Pocket", None, "catalogue")
    assert found["LORENE TOP - OFF-WHITE"] == ("LORENE TOP", "OFF-WHITE", "catalogue")   # one handle per colour
    ids = dict(shop.execute("SELECT name, id FROM products").fetchall())
    groups = load_product_groups(shop)
    assert len({groups[i] for n, i in ids.items() if n.startswith("LORENE TOP")}) == 1
    assert len({groups[i] for n, i in ids.items() if n.startswith("Hoodie -") or n == "Hoodie"}) == 1
    assert load_products(shop, [ids["T-Shirt - Blue"]])[ids["T-Shirt - Blue"]]["title"] == "T-Shirt"


def test_a_catalogue_overrides_what_the_order_lines_said(shop, tmp_path):
    from engine.ingest import import_file
    orders = tmp_path / "orders.csv"
    orders.write_text("Name,Email,Created at,Lineitem name,Lineitem sku,Lineitem quantity,Lineitem price,"
                      "Financial Status\n#1,a@example.com,2024-01-02 10:00:00 +0000,Summer Tee - Red,TEE-R,1,10,paid\n")
    catalogue = tmp_path / "products.csv"
    catalogue.write_text("Handle,Title,Option1 Value,Variant SKU,Variant Price\n"
                         "summer-tee-red,Summer Tee - Red,S,TEE-R,10\n")   # the title itself holds " - "
    import_file(shop, orders)
    assert identity(shop)["Summer Tee - Red"] == ("Summer Tee", "Red", "line name")
    import_file(shop, catalogue)
    assert identity(shop)["Summer Tee - Red"] == ("Summer Tee - Red", "S", "catalogue")


def test_names_alone_decide_when_nothing_else_says(shop, tmp_path):
    """A till names "Tea - Earl Grey": one product until a second "Tea - ..." makes both variants of Tea."""
    from engine.ingest import import_file
    first, second = tmp_path / "monday.csv", tmp_path / "tuesday.csv"
    first.write_text("Date,Time,Transaction,Item\n2024-01-01,10:00,1,Tea - Earl Grey\n"
                     "2024-01-01,10:00,1,Bed Pad - Buy 1\n2024-01-01,10:05,2,Bed Pad - 2 Pcs\n")
    second.write_text("Date,Time,Transaction,Item\n2024-01-02,10:00,3,Tea - Assam\n")
    import_file(shop, first)
    assert identity(shop)["Tea - Earl Grey"] == ("Tea - Earl Grey", None, "name")
    assert identity(shop)["Bed Pad - 2 Pcs"] == ("Bed Pad", "2 Pcs", "name")
    import_file(shop, second)
    assert identity(shop)["Tea - Earl Grey"] == ("Tea", "Earl Grey", "name")
    assert identity(shop)["Tea - Assam"] == ("Tea", "Assam", "name")


def test_kidsliving_recommends_products_never_a_variant_of_one_the_customer_has(shop):
    """The real Shopify shop: three pacifier colours in one order are one product bought once."""
    from engine import evidence
    from engine.ingest import import_file
    from engine.recommend import bundles, run_recommendations
    from engine.reasons import slots
    from tests.conftest import SHARED_DATA
    import_file(shop, SHARED_DATA / "shopify-orders-kidsliving/orders_export.redacted.csv")
    run = run_recommendations(shop, limit=6)
    rows = shop.execute("SELECT r.customer_id, r.kind, p.title, r.evidence FROM recommendations r"
                        " JOIN products p ON p.id = r.product_id WHERE r.run_id = ?", [run]).fetchall()
    owned = {(c, t) for c, t in shop.execute(
        "SELECT DISTINCT o.customer_id, p.title FROM orders o JOIN order_lines l ON l.order_id = o.id"
        " JOIN products p ON p.id = l.product_id WHERE o.status = 'completed'")}
    assert len({(c, t) for c, _, t, _ in rows}) == len(rows)               # a product once per list
    assert not [t for c, kind, t, _ in rows if kind == "discover" and (c, t) in owned]
    sleeping_bag = [evidence.decode(e) for _, _, t, e in rows if t == "Sleeping Bag Winter with Sleeves 70 cm"]
    assert sleeping_bag and all(slots.values(e)["product"] == "Sleeping Bag Winter with Sleeves 70 cm"
                                and " - " in e["product"]["name"] for e in sleeping_bag)
    assert sleeping_bag[0]["popularity"]["customers"] == 3   # 2 bought Snake Pale Pink, 1 Bloom
    sets = bundles(shop, min_support=1, limit=1000)
    assert sets and all(len(set(b["names"])) == len(b["names"]) for b in sets)
    assert any("Bibs Danish Pacifier" in b["names"] for b in sets)
