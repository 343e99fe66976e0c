"""The faithfulness checker and the text metrics: focused unit tests, no model needed."""

import random
import re
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from engine import evidence
from engine.reasons import metrics, prompt, silver, slots
from engine.reasons.checker import check, mentions_feature, names_in

EV = {
    "kind": "reorder", "as_of": "2024-06-30",
    "product": {"id": 1, "name": "Elixir Nanoweb Strings 10-46", "category": "Strings", "vendor": "Elixir",
                "tags": ["electric", "coated"], "price": 12.99},
    "contributors": [{"product_id": 2, "name": "Fender Stratocaster", "weight": 0.6}],
    "co_purchase": {"with_product_id": 2, "with_name": "Fender Stratocaster", "customers_with": 50,
                    "customers_both": 21, "confidence": 0.42, "support": 0.05, "lift": 3.14,
                    "with_last_bought": "2023-11-20"},
    "reorder": {"times_bought": 4, "typical_days_between": 29.6, "last_bought": "2024-03-01",
                "days_since_last": 27, "due_in_days": 2.6},
    "affinity": {"label": "Strings", "share": 0.35},
    "customer_tags": ["guitar"],
}
CATALOGUE = frozenset({"Elixir Nanoweb Strings 10-46", "Fender Stratocaster", "Boss DS-1 Distortion"})


@pytest.mark.parametrize("text", [
    "Time for fresh Elixir Nanoweb Strings 10-46: you buy them about every 30 days.",
    "42% of the 50 customers who bought a Fender Stratocaster also bought Elixir Nanoweb Strings 10-46.",
    "You have bought Elixir Nanoweb Strings 10-46 4 times; only 12.99 each.",
])
def test_faithful_reasons_pass(text):
    assert check(text, EV, CATALOGUE).ok, check(text, EV, CATALOGUE).problems


@pytest.mark.parametrize("text", [
    "You might enjoy Fender Stratocaster.",                      # the other product of the pair
    "42% of the 50 customers who bought a Fender Stratocaster also bought these strings.",
])
def test_a_reason_must_name_the_product_it_recommends(text):
    c = check(text, EV, CATALOGUE)
    assert not c.ok and "does not name the product it recommends" in c.problems


def test_a_reason_that_pairs_the_product_with_itself_is_rejected():
    text = "People who buy Elixir Nanoweb Strings 10-46 often add Elixir Nanoweb Strings 10-46 too (42% of them)."
    c = check(text, EV, CATALOGUE)
    assert not c.ok and "names {product} twice" in c.problems
    # Inside the partner's longer name, it is the partner.
    ev = {"kind": "discover", "product": {"name": "chocolate"},
          "co_purchase": {"with_name": "specialty chocolate", "confidence": 0.4, "customers_with": 80,
                          "customers_both": 32}}
    assert check("People who buy specialty chocolate often add chocolate too (40% of them).", ev).ok


def test_co_purchase_figures_need_the_partner_they_are_about():
    c = check("Out of 50 customers with Elixir Nanoweb Strings 10-46, 21 also bought them.", EV, CATALOGUE)
    assert not c.ok and "co-purchase figures without the product they are about" in c.problems
    # A figure that is also another fact of the evidence may stand alone.
    ev = {**EV, "reorder": {**EV["reorder"], "times_bought": 21}}
    assert check("You bought Elixir Nanoweb Strings 10-46 21 times.", ev, CATALOGUE).ok


def test_wrong_number_is_rejected():
    c = check("45% of customers who bought a Fender Stratocaster also bought these.", EV, CATALOGUE)
    assert not c.ok and "number not tied to a fact: 45" in c.problems


def test_wrong_price_is_rejected():
    assert not check("These strings cost only 9.99 this week, grab them.", EV, CATALOGUE).ok


def test_unknown_product_is_rejected():
    c = check("They sound great on your Gibson Les Paul Standard, we think.", EV, CATALOGUE)
    assert not c.ok and c.invented == ["Gibson Les Paul Standard"]


def test_a_catalogue_product_outside_the_evidence_is_rejected():
    """Any link the text makes to another product of the shop is not in the evidence."""
    c = check("Customers who own a Boss DS-1 Distortion like Elixir Nanoweb Strings 10-46 too.", EV, CATALOGUE)
    assert not c.ok and c.unrelated == ["Boss DS-1 Distortion"] and not c.invented
    # A shorter catalogue name inside the recommended product's name is that product.
    shop = CATALOGUE | {"Strings"}
    assert check("Time for fresh Elixir Nanoweb Strings 10-46: you buy them about every 30 days.", EV, shop).ok


def test_numbers_inside_product_names_are_not_claims():
    assert check("Restock your Elixir Nanoweb Strings 10-46 soon, they wear out.", EV, CATALOGUE).ok


def test_ids_and_scores_are_not_claims():
    ev = {**EV, "score": 0.77, "popularity": {"customers": 9, "rank": 7}}
    assert not check("Ranked 7 in our shop: Elixir Nanoweb Strings 10-46.", ev, CATALOGUE).ok
    assert check("9 customers bought Elixir Nanoweb Strings 10-46.", ev, CATALOGUE).ok


@pytest.mark.parametrize("text", [
    "discover: Elixir Nanoweb Strings 10-46 (Strings, Elixir, 12.99)",
    "You're an AI assistant for text re-writing, here is Elixir Nanoweb Strings 10-46.",
    "There is no unique reason for the product recommendation.",
    "Elixir Nanoweb Strings 10-46 are a great choice because they are",
    "The Elixir Nanoweb Strings 10-46 polish polish polish polish polish polish.",
])
def test_prompt_echo_off_topic_and_unfinished_are_rejected(text):
    assert not check(text, EV, CATALOGUE).ok


@pytest.mark.parametrize("slot", ["share", "partner", "partner_buyers", "match_on", "label", "every"])
def test_a_slot_the_evidence_cannot_fill_fails_and_does_not_stop_the_checker(slot):
    bare = {"kind": "discover", "product": {"id": 1, "name": "Boss DS-1 Distortion"}}   # no pair, no match, no cycle
    text = f"{{{slot}}} of customers who bought it also bought Boss DS-1 Distortion."
    assert slots.fill(text, bare) is None                # so generation keeps the text as written
    result = check(text, bare, CATALOGUE)
    assert not result.ok and "cannot fill" in result.problems[0]


def test_length_limits():
    assert not check("Buy.", EV, CATALOGUE).ok
    assert not check("Great strings. " * 40, EV, CATALOGUE).ok


def test_feature_mention():
    assert mentions_feature("You buy them every 30 days.", EV, "reorder")
    assert mentions_feature("Goes well with your Fender Stratocaster.", EV, "co_purchase")
    assert not mentions_feature("Nice strings for you to try.", EV, "co_purchase")


def test_silver_reasons_are_true_and_varied():
    """Varied by their phrasing within one evidence; a pair's reasons also by when the customer bought the
    partner, which they say wherever a dated phrasing holds (silver.DATED): the pair is the same for every
    customer given it."""
    rng = random.Random(0)
    texts = {f: [slots.fill(silver.silver_template(EV, f, rng), EV) for _ in range(30)] for f in prompt.features(EV)}
    assert all(check(t, EV, CATALOGUE).ok for ts in texts.values() for t in ts)
    others = [t for f, ts in texts.items() if f != "co_purchase" for t in ts]
    assert metrics.unique_sentence_ratio(others) > 0.5
    assert metrics.distinct(others, 2) > 0.1  # one evidence, 120 texts
    assert all("20 November 2023" in t for t in texts["co_purchase"])
    assert len(set(texts["co_purchase"])) >= 8
    # a weaker pair (16% of its 50 buyers): dated too, in the phrasings that hold without "often" or "popular"
    weak = {**EV, "co_purchase": {**EV["co_purchase"], "customers_both": 8, "confidence": 0.16}}
    written = [slots.fill(silver.silver_template(weak, "co_purchase", rng), weak) for _ in range(30)]
    assert all("20 November 2023" in t and check(t, weak, CATALOGUE).ok for t in written)
    assert len(set(written)) >= 2
    # a pair too weak for its share ("some of" its buyers): dated as well
    faint = {**EV, "co_purchase": {**EV["co_purchase"], "customers_both": 3, "confidence": 0.06}}
    written = [slots.fill(silver.silver_template(faint, "co_purchase", rng), faint) for _ in range(30)]
    assert all("20 November 2023" in t and "some" in t.casefold() and check(t, faint, CATALOGUE).ok for t in written)
    # evidence stored before the partner's date existed keeps the undated phrasings
    undated = {**EV, "co_purchase": {k: v for k, v in EV["co_purchase"].items() if k != "with_last_bought"}}
    assert slots.fill(silver.silver_template(undated, "co_purchase", rng), undated) is not None
    customers = [{**EV, "co_purchase": {**EV["co_purchase"], "with_last_bought": f"2023-{m:02d}-{d:02d}"}}
                 for m in range(1, 11) for d in (3, 17)]
    pair = [slots.fill(silver.silver_template(ev, "co_purchase", rng), ev) for ev in customers]
    assert all(check(t, ev, CATALOGUE).ok for t, ev in zip(pair, customers))
    assert metrics.unique_sentence_ratio(pair) == 1.0


def test_prompt_shows_slots_never_values():
    p = prompt.build(EV, "co_purchase")
    assert "{share} of {partner_buyers} who bought {partner} ({partner_last}) also bought {product}" in p
    assert "Fender" not in p and "42" not in p and "Elixir" not in p
    assert "{every}" not in p and "{every}" in prompt.build(EV, "reorder")
    assert p.startswith(prompt.PREFIX) and p.endswith("<|im_start|>assistant\n")
    # Evidence stored before the partner's date existed: the prompt offers no slot it cannot fill.
    stored = {**EV, "co_purchase": {k: v for k, v in EV["co_purchase"].items() if k != "with_last_bought"}}
    assert "{share} of {partner_buyers} who bought {partner} also bought {product}" in prompt.build(stored, "co_purchase")


def test_a_product_bought_once_is_a_reason_about_when():
    """A reorder part without a cycle still says when the customer last bought the product."""
    ev = evidence.decode(evidence.encode({
        "kind": "reorder", "product": {"name": "Elixir Nanoweb Strings 10-46"},
        "reorder": {"times_bought": 1, "typical_days_between": None, "last_bought": "2024-03-01",
                    "days_since_last": 121, "due_in_days": None}}))
    assert not slots.has_cycle(ev) and prompt.main_feature(ev) == "bought_before"
    assert "bought {product} before, last on {last}, {ago}" in prompt.build(ev)
    assert slots.values(ev)["last"] == "1 March 2024" and slots.values(ev)["ago"] == "121 days ago"
    rng = random.Random(0)
    texts = {slots.fill(silver.silver_template(ev, "bought_before", rng), ev) for _ in range(40)}
    assert len(texts) >= 5 and all(check(t, ev, CATALOGUE).ok for t in texts)
    assert all(mentions_feature(t, ev, "bought_before") for t in texts)
    assert not mentions_feature("Elixir Nanoweb Strings 10-46 could be a good fit for you.", ev, "bought_before")
    assert not check("You bought Elixir Nanoweb Strings 10-46 120 days ago.", ev, CATALOGUE).ok


def test_a_weak_pair_gives_way_to_another_personal_feature():
    """"4% of the 71 customers who bought X also bought it" argues against the pick: a purchase of the
    customer's own is said first; with nothing else personal, the pair still beats popularity."""
    from tests.reason_corpus import ev as make
    weak = dict(partner="LUNCH BAG PINK POLKADOT", customers_with=35, buyers=9)
    with_history = make("GROW YOUR OWN BASIL IN ENAMEL MUG", share=0.06, last="2011-11-21", since=18, **weak)
    assert prompt.features(with_history)[:2] == ["bought_before", "popularity"]
    assert prompt.features(with_history)[-2:] == ["co_purchase", "product"]
    assert prompt.main_feature(make("GROW YOUR OWN BASIL IN ENAMEL MUG", share=0.06, **weak)) == "co_purchase"
    assert prompt.main_feature(make("GROW YOUR OWN BASIL IN ENAMEL MUG", share=0.30, last="2011-11-21", since=18,
                                    **weak)) == "co_purchase"


def test_a_shared_word_and_a_best_seller_are_said_with_the_customers_own_date():
    """A product that shares a word with one they bought, and a best seller with no tie, went to many customers in one
    sentence each; the day they bought the product that shares the word, and how many bought the best seller since
    their last order, are theirs (silver.DATED): asked in the prompt, taught first, true."""
    from tests.reason_corpus import HOLDER, HOLDER_DATED, JUMBO, JUMBO_SINCE
    rng = random.Random(4)
    assert "they bought {match} (on {match_last});" in prompt.build(HOLDER_DATED)
    assert "bought by {buyers} ({buyers_since} since their last order on {last_order})" in prompt.build(JUMBO_SINCE)
    content = [slots.fill(silver.silver_template(HOLDER_DATED, "content", rng), HOLDER_DATED) for _ in range(20)]
    assert all("14 June 2011" in t and check(t, HOLDER_DATED).ok for t in content) and len(set(content)) >= 2
    best = [slots.fill(silver.silver_template(JUMBO_SINCE, "popularity", rng), JUMBO_SINCE) for _ in range(20)]
    assert all("48 customers" in t and "3 May 2011" in t and check(t, JUMBO_SINCE).ok for t in best)
    assert len(set(best)) == 2
    customers = [{**JUMBO_SINCE, "popularity": {**JUMBO_SINCE["popularity"], "last_order": f"2011-{m:02d}-{d:02d}",
                                                "customers_since": 300 - 20 * m - d}}
                 for m in range(1, 11) for d in (3, 17)]
    said = [slots.fill(silver.silver_template(ev, "popularity", rng), ev) for ev in customers]
    assert all(check(t, ev).ok for t, ev in zip(said, customers)) and metrics.unique_sentence_ratio(said) == 1.0
    # every buyer came since (or evidence stored before the fields existed): "so far", as before
    everyone = {**JUMBO_SINCE, "popularity": {**JUMBO_SINCE["popularity"], "customers_since": 300}}
    for ev in (everyone, JUMBO):
        assert "{buyers_since}" not in prompt.build(ev)
        assert "since" not in slots.fill(silver.silver_template(ev, "popularity", rng), ev)
    assert "{match_last}" not in prompt.build(HOLDER)
    assert slots.fill(silver.silver_template(HOLDER, "content", rng), HOLDER) is not None


def test_a_pair_too_weak_for_its_share_is_asked_and_taught_as_some_of_its_buyers():
    """"4% of the 71 customers who bought Party Bunting also got it" argues against the pick: the prompt asks for
    "some of" the partner's buyers, and every silver reason of such a pair says "some" (and is true); a pair of
    10% or more keeps its share."""
    from tests.reason_corpus import PARTY_PAIR, TOADSTOOL
    assert "some of {partner_buyers} who bought {partner}" in prompt.build(PARTY_PAIR)
    assert "{share}" not in prompt.build(PARTY_PAIR)
    assert "{share} of {partner_buyers}" in prompt.build(TOADSTOOL)
    rng = random.Random(2)
    written = {silver.silver_template(PARTY_PAIR, "co_purchase", rng) for _ in range(40)}
    # dated where the customer's date of the partner is known (silver.DATED); every phrasing when it is not
    assert written == {t for t in silver.LOW_SHARE_PHRASES if silver.DATED["co_purchase"] in t}
    assert all(check(slots.fill(t, PARTY_PAIR), PARTY_PAIR).ok for t in written)
    undated = {**PARTY_PAIR, "co_purchase": {k: v for k, v in PARTY_PAIR["co_purchase"].items()
                                             if k != "with_last_bought"}}
    assert ({silver.silver_template(undated, "co_purchase", rng) for _ in range(40)}
            == {t for t in silver.LOW_SHARE_PHRASES if silver.DATED["co_purchase"] not in t})
    assert not any("some" in silver.silver_template(TOADSTOOL, "co_purchase", rng).casefold() for _ in range(40))
    assert silver.is_template(slots.fill(silver.LOW_SHARE_PHRASES[0], PARTY_PAIR), PARTY_PAIR)


def test_the_prompt_says_whether_a_content_match_is_a_shared_word_or_a_shared_category():
    from tests.reason_corpus import HOLDER, PARTY_CATEGORY
    assert "(shared word)" in prompt.build(HOLDER, "content")
    assert "(same category)" in prompt.build(PARTY_CATEGORY, "content")
    rng = random.Random(1)
    for ev, ranges in ((HOLDER, False), (PARTY_CATEGORY, True)):
        texts = {slots.fill(silver.silver_template(ev, "content", rng), ev) for _ in range(40)}
        assert all(check(t, ev).ok for t in texts)
        assert any("range" in t for t in texts) == ranges


def test_a_list_of_past_orders_is_no_reason_even_when_true():
    """They bought both, and the sentence says only that (Online Retail Quick, session 16); the silver reorder
    line "From your past orders: {product}, {due}." names one product and says when it is due."""
    from tests.reason_corpus import SODA_DUE, ev
    basket = ev("CREAM FELT EASTER EGG BASKET", last="2011-02-14", since=298,
                match=("CREAM SWEETHEART MINI CHEST", "Cream"))
    listed = check("From your past orders: Cream Sweetheart Mini Chest, Cream Felt Easter Egg Basket.", basket)
    assert listed.problems == ["a list of their past orders, not a reason"]
    assert check("Since you bought Cream Sweetheart Mini Chest, you might like Cream Felt Easter Egg Basket.", basket).ok
    assert check(slots.fill("From your past orders: {product}, {due}.", SODA_DUE), SODA_DUE).ok


def test_contributor_is_never_the_product_itself():
    ev = {**EV, "contributors": [{"product_id": 1, "name": EV["product"]["name"], "weight": 1.0}]}
    assert "contributor" not in prompt.features(ev)
    assert not mentions_feature(f"Because you bought {EV['product']['name']}, try it.", ev, "contributor")


def test_metrics_match_known_values():
    assert metrics.bleu(["the cat sat on the mat"], ["the cat sat on the mat"], 4) == pytest.approx(100)
    assert metrics.bleu(["a b c d"], ["x y z w"], 1) == 0
    r = metrics.rouge(["the cat sat"], ["the cat ran"])
    assert r["rouge1"] == pytest.approx(100 * 2 / 3) and r["rouge2"] == pytest.approx(50)
    assert metrics.unique_sentence_ratio(["a b", "a b", "c d"]) == pytest.approx(2 / 3)
    assert metrics.distinct(["a b a b"], 2) == pytest.approx(2 / 3)


TRICKY_NAMES = ["rolls/buns", "whole milk", "*BOYS PARTY BAG", "SET OF4 WOODLAND", "AIRLINE LOUNGE,METAL SIGN",
                "Straße Mug", "milk", "3D CARD", "I LOVE LONDON"]


@given(st.lists(st.sampled_from(TRICKY_NAMES + ["x", " ", ".", ",", "/", "STRASSE", "ss", "Mug", "-", "a"]),
                max_size=12).map(" ".join) | st.text(alphabet="rolsbun/ miLk*3DCARDß,.", max_size=40))
@settings(max_examples=300, deadline=None)
def test_names_in_finds_what_a_search_per_name_finds(text):
    """The word-boundary lookup agrees with searching the text for each name in turn."""
    cf = text.casefold()
    expected = {n for n in TRICKY_NAMES if re.search(slots.word(n.casefold()), cf)}
    assert set(names_in(text, frozenset(TRICKY_NAMES))) == expected == set(names_in(text, set(TRICKY_NAMES)))


def test_the_claim_checker_rejects_every_wrong_reason_of_the_corpus():
    from tests.reason_corpus import WRONG
    passed = [text for ev, text in WRONG if check(text, ev).ok]
    assert passed == []


def test_the_claim_checker_keeps_the_true_reasons_of_the_corpus():
    from tests.reason_corpus import TRUE
    rejected = [(text, check(text, ev).problems) for ev, text in TRUE if not check(text, ev).ok]
    assert len(rejected) <= 0.05 * len(TRUE), rejected


def test_a_number_is_bound_to_the_claim_its_words_make():
    """3 is the days overdue, not the times bought: "3 times" is false although 3 is in the evidence."""
    ev = {**EV, "reorder": {"times_bought": 2, "typical_days_between": 30.0, "last_bought": "2024-05-28",
                            "days_since_last": 33, "due_in_days": -3.0}}
    assert check("You have bought Elixir Nanoweb Strings 10-46 twice, and it is 3 days overdue.", ev).ok
    c = check("You have bought Elixir Nanoweb Strings 10-46 3 times.", ev)
    assert not c.ok and c.template == "You have bought {product} 3 times." and c.false_claims == 1


def test_fill_puts_in_the_evidence_values_and_refuses_what_it_lacks():
    assert slots.fill("{share} of {partner} buyers also got {product}.", EV) == \
        "42% of Fender Stratocaster buyers also got Elixir Nanoweb Strings 10-46."
    assert slots.fill("{product} matches your {match}.", EV) is None        # no content match in EV
    assert slots.fill("{product} is {colour}.", EV) is None                 # no such slot
    assert slots.delexicalise("42% of Fender Stratocaster buyers also got Elixir Nanoweb Strings 10-46.", EV) == \
        "{share} of {partner} buyers also got {product}."


@pytest.mark.parametrize("name, shown", [
    ("Facial Hair Removal Kit - 1 Pcs", "Facial Hair Removal Kit"),
    ("Positioning Bed Pad - Buy 1", "Positioning Bed Pad"),
    ("Hair Dye / Dark Brown", "Hair Dye"),
    ("T-Shirt - Large", "T-Shirt"),
    ("Swim Shorts - Size 4 / Navy", "Swim Shorts"),
    ("Evelyn Pareo - Black / One Size", "Evelyn Pareo"),
    ("Sophie Top - Off-white", "Sophie Top"),
    ("JUMBO BAG RED RETROSPOT", "Jumbo Bag Red Retrospot"),
    ("DOLLY GIRL'S LUNCH BOX", "Dolly Girl's Lunch Box"),
    ("rolls/buns", "rolls/buns"),
    ("Elixir Nanoweb Strings 10-46", "Elixir Nanoweb Strings 10-46"),
    ("Tea - Earl Grey", "Tea - Earl Grey"),            # a name, not an offer: kept
])
def test_product_names_in_sentences_drop_offer_and_variant_suffixes(name, shown):
    assert slots.values({"product": {"name": name}})["product"] == shown   # evidence stored before titles


def test_a_sentence_says_the_recorded_title_and_reads_every_name_back():
    ev = {"kind": "discover",
          "product": {"name": "Bibs Danish Pacifier - Smoke / Size 2 (from 6mnths - 18mnths)",
                      "title": "Bibs Danish Pacifier"},
          "co_purchase": {"with_product_id": 2, "with_name": "LD Toy Wooden Tea Set - Pink",
                          "with_title": "LD Toy Wooden Tea Set", "customers_with": 12, "customers_both": 6,
                          "confidence": 0.5, "support": 0.1, "lift": 2.0},
          "popularity": {"customers": 40, "rank": 3}}
    vals = slots.values(ev)
    assert (vals["product"], vals["partner"]) == ("Bibs Danish Pacifier", "LD Toy Wooden Tea Set")
    assert check("50% of the 12 customers who bought LD Toy Wooden Tea Set also bought Bibs Danish Pacifier.",
                 ev).ok
    assert check("50% of the 12 customers who bought LD Toy Wooden Tea Set - Pink also bought "
                 "Bibs Danish Pacifier - Smoke / Size 2 (from 6mnths - 18mnths).", ev).ok


def test_a_reason_with_the_full_or_the_short_name_is_read_the_same():
    ev = {"kind": "discover", "product": {"name": "Positioning Bed Pad - Buy 1"},
          "popularity": {"customers": 40, "rank": 3}}
    assert check("Positioning Bed Pad is one of our most popular items.", ev).ok
    assert check("Positioning Bed Pad - Buy 1 is one of our most popular items.", ev).ok


def test_model_written_means_unlike_every_silver_phrasing():
    assert silver.is_template("You might enjoy Elixir Nanoweb Strings 10-46.", EV)
    assert silver.is_template("You bought Fender Stratocaster on 20 November 2023; 42% of its buyers also got "
                              "Elixir Nanoweb Strings 10-46.", EV)
    assert not silver.is_template("Fender Stratocaster players pick Elixir Nanoweb Strings 10-46 too.", EV)
    # Bought on one trip with the partner, the template's partner date reads as the product's own.
    one_trip = {**EV, "co_purchase": {**EV["co_purchase"], "with_last_bought": EV["reorder"]["last_bought"]}}
    assert silver.is_template(f"You bought Fender Stratocaster on {slots.human_date(EV['reorder']['last_bought'])}; "
                              "42% of its buyers also got Elixir Nanoweb Strings 10-46.", one_trip)


def test_a_thin_suggestion_quotes_its_catalogue_description_and_numbers_in_it_are_not_claims():
    ev = {"kind": "discover", "product": {"name": "Organic Romper - Size 2", "category": "Baby",
                                          "description": "Soft organic cotton romper, 100% GOTS certified. Washable."}}
    assert slots.values(ev)["phrase"] == "Soft organic cotton romper, 100% GOTS certified"
    text = slots.fill("{product} from our {category} range. From our catalogue: {phrase}.", ev)
    assert text == "Organic Romper from our Baby range. From our catalogue: Soft organic cotton romper, 100% GOTS certified."
    assert check(text, ev).ok and mentions_feature(text, ev, "product")


def test_a_kept_reason_states_the_fact_it_was_asked_about():
    from engine.reasons.generate import choose
    ev = {**EV, "co_purchase": None, "contributors": []}
    vague = "Your last one was right, Elixir Nanoweb Strings 10-46 is a fine pick."   # true, says nothing
    stated = "You buy Elixir Nanoweb Strings 10-46 about every 30 days."
    assert check(vague, ev).ok and not mentions_feature(vague, ev, "reorder")
    assert choose([vague], ev, "reorder", CATALOGUE, Counter()) is None
    assert choose([vague, stated], ev, "reorder", CATALOGUE, Counter()) == stated


def test_a_name_in_a_sentence_has_no_full_stop_of_its_own():
    """Online Retail sells "LUNCH BAG  BLACK SKULL.": in a sentence it read "...Black Skull., 12% also...\""""
    from engine.reasons.slots import display_name
    assert display_name("LUNCH BAG  BLACK SKULL.") == "Lunch Bag Black Skull"
    assert display_name("Tea - Earl Grey") == "Tea - Earl Grey"


def test_a_shouted_name_is_said_with_each_word_part_capitalised():
    """"NURSERY A,B,C PAINTED LETTERS" read "Nursery A,b,c Painted Letters" (Online Retail audit, session 19)."""
    from engine.reasons.slots import display_name
    assert display_name("NURSERY A,B,C PAINTED LETTERS") == "Nursery A,B,C Painted Letters"
    assert display_name("BLACK/BLUE POLKADOT UMBRELLA") == "Black/Blue Polkadot Umbrella"
    assert display_name("WHITE HANGING HEART T-LIGHT HOLDER") == "White Hanging Heart T-Light Holder"
    assert display_name("ASSTD FRUIT+FLOWERS FRIDGE MAGNETS") == "Asstd Fruit+Flowers Fridge Magnets"
    assert display_name("BAG 125g SWIRLY MARBLES") == "Bag 125g Swirly Marbles"
    assert display_name("JUMBO BAG 50'S CHRISTMAS") == "Jumbo Bag 50's Christmas"
    assert display_name("DON'T FORGET ME SIGN") == "Don't Forget Me Sign"
    assert display_name("SET/20 RED RETROSPOT PAPER NAPKINS") == "Set/20 Red Retrospot Paper Napkins"
    assert display_name("whole milk") == "whole milk"   # not shouted: as the shop wrote it


def test_one_day_is_said_in_the_singular():
    """An audit found "Your usual whole milk is due in 1 days." (Groceries, session 10)."""
    ev = evidence.decode(evidence.encode({
        "kind": "reorder", "product": {"name": "whole milk"},
        "reorder": {"times_bought": 5, "typical_days_between": 1.2, "last_bought": "2024-03-01",
                    "days_since_last": 0, "due_in_days": 1.0, "timing": "due"}}))
    vals = slots.values(ev)
    assert vals["due"] == "due in 1 day" and vals["every"] == "every day"
    for text in ("Your usual whole milk is due in 1 day.", "You buy whole milk every day, and it is due in 1 day."):
        assert check(text, ev, CATALOGUE).ok, check(text, ev, CATALOGUE)
    assert slots.fill("You buy {product} {every}; it is {due}.", ev) == "You buy whole milk every day; it is due in 1 day."
    late = dict(ev, reorder=dict(ev["reorder"], due_in_days=-1.0))
    assert slots.values(late)["due"] == "1 day overdue"


def test_a_product_they_stopped_buying_is_a_reason_about_when_not_a_habit():
    """Bought twice, 92 days apart, last 468 days ago: overdue by more than a whole expected gap, which the app
    calls "bought before". The reason is asked about that, and a habit, a reminder or "overdue" is rejected."""
    from tests.reason_corpus import MILK_LAPSED as lapsed
    assert prompt.features(lapsed) == ["bought_before", "product"]
    assert "bought {product} before, last on {last}, {ago}" in prompt.build(lapsed)
    rng = random.Random(0)
    texts = {slots.fill(silver.silver_template(lapsed, "bought_before", rng), lapsed) for _ in range(40)}
    assert len(texts) >= 5 and all(check(t, lapsed).ok for t in texts)
    for false in ("Your last whole milk was 468 days ago, and you tend to buy it every 92 days.",
                  "You reorder whole milk roughly every 92 days, so we saved you a reminder.",
                  "Your usual whole milk: 315 days overdue."):
        assert not check(false, lapsed).ok, false
    assert check("You have ordered whole milk twice so far, about every 92 days.", lapsed).ok


def test_the_prompt_format_is_raised_when_the_prompts_change():
    """An adapter learns the prompts it was trained on, and the app asks for training again when they differ
    (prompt.FORMAT, adapters.asks_as_now). This fingerprint of what writes a prompt changes with any edit there:
    if what a prompt says changed, raise prompt.FORMAT; then record the new fingerprint."""
    import hashlib
    import inspect
    import json
    parts = [prompt.SYSTEM, prompt.PREFIX, prompt.SUFFIX, json.dumps(prompt.FEATURE_LINES, sort_keys=True),
             repr(prompt.FACTS), repr(prompt.WEAK_PAIR_SHARE)] + [
        inspect.getsource(f) for f in (prompt.features, prompt.low_share_pair, prompt.cue, prompt.user_part)]
    fingerprint = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    assert (prompt.FORMAT, fingerprint) == (3, "383932e9ca89")
