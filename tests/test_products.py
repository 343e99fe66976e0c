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
