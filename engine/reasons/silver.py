"""Silver reasons: true sentences in slots, in many phrasings, and the template fallback.

They teach the model what a true reason looks like without teaching one
template: each reason is one of many phrasings of the feature, sometimes with
a product fact added. A phrasing is used only where the checker passes it for
that evidence ("Running low?" only when the product is due), so silver reasons
are true by construction, and `variety` measures how different they are.
"""

from __future__ import annotations

import random

from . import prompt, slots
from .checker import check

# The product is rarely the subject of a verb: many names are plural ("rolls/buns", "other vegetables"), and
# "Rolls/buns pairs nicely with..." was most of Groceries' awkward reasons (session 10 audit). Short forms that
# lead with the product ("{product}, to go with the {partner} you bought.") or end on a slot after a colon ("One
# of our most popular items: {product}.") were tried and dropped: a model trained on them wrote the first for
# weak pairs, where it is false without the share, and stopped after "A shop favourite: {buyers}": 16% of its
# first drafts failed the checker on Online Retail against 4% before (session 10).
FEATURE_PHRASES = {
    "reorder": [
        "You have bought {product} {times}, {every}, so a refill may be due.",
        "Running low? You usually pick up {product} {every}.",
        "Time to restock {product}: your last one was {ago}.",
        "Your last {product} was {ago}, and you tend to buy it {every}.",
        "Your usual {product}: {due}.",
        "From your past orders: {product}, {due}.",
        "You reorder {product} roughly {every}, so we saved you a reminder.",
        "You have ordered {product} {times} so far, about {every}.",
        "{product} again? You buy it about {every}, and it is {due}.",
    ],
    # Four say when they bought the partner: what differs between the many customers who get the same pair
    # (Groceries: 943 of 1,000 reasons on 385 pairs, and 845 of 943 bought the partner on one trip, session 12).
    # A reason's tokens are most of its cost, and a dated one is longer: with every pair dated, Online Retail's
    # Standard adapter wrote 17.8 tokens a reason (in slots) against 16.4, 0.92x the reasons a second (session 18),
    # for 0.71 -> 0.79 distinct sentences over the whole shop. A short "To go with the
    # {partner} you bought on {partner_last}: {product}." was tried (session 14): the Online Retail Standard adapter
    # wrote it for weak pairs (about 60 in 1,000 first drafts failed), as session 10's "{product}, to go with ...".
    # "Out of {partner_buyers}..." is the one phrasing that holds for a pair of few buyers, whose share needs its count.
    "co_purchase": [
        "{share} of customers who bought {partner} also picked up {product}.",
        "Out of {partner_buyers} who bought {partner}, {share} also bought {product}.",
        "You bought {partner} on {partner_last}; {share} of its buyers also got {product}.",
        "{share} of customers who bought {partner}, as you did on {partner_last}, also picked up {product}.",
        "{product}: a popular pairing with the {partner} you bought on {partner_last}.",
        "Many customers who buy {partner} also choose {product}.",
        "People who buy {partner}, as you did on {partner_last}, often add {product} too.",
        "Customers who buy {partner} often take {product} home too.",
        # A shop's sentence variety follows the number of phrasings: the model draws them about as a uniform
        # draw would (Groceries, 1,000 reasons: 0.703 distinct written, 0.708 drawn). Ten more were tried in
        # session 12: Groceries 0.79 after Standard, but the Quick adapter, 80 steps spread over more phrasings,
        # failed more first drafts on Online Retail (templates 3.8% -> 12.9%, 7.3 -> 6.0 reasons/s): not kept
        # (benchmarks/reason_results.md, session 12). Nine more for strong pairs only (Online Retail's data left as
        # it was) in session 13: Groceries 0.786 after Standard, 0.843 after Quick, but 11-18% and 26% fewer
        # reasons a second than the shipped adapters (longer sentences, more second rounds): not kept either.
    ],
    "contributor": [
        "Because you bought {contributor}, we think you will like {product}.",
        "You bought {contributor}; {product} is a natural next step.",
        "{product}: picked for you after your purchase of {contributor}.",
        "If {contributor} worked for you, try {product}.",
        "{product}, to go with {contributor} from your past orders.",
        "Customers with {contributor} in their basket often look at {product} next.",
    ],
    # The "range" phrasings hold for a shared category, vendor or tag; the checker keeps them from a shared word,
    # which the others leave unnamed: "another Hand item", "a Stand piece" (a word of two names) read as nonsense.
    "content": [
        "{product} and the {match} you bought are both in our {match_on} range.",
        "You bought {match}; here is {product}, from the same {match_on} range.",
        "Since you picked {match}, have a look at {product}, also in our {match_on} range.",
        "Since you bought {match}, you might like {product}.",
        "You bought {match}, so {product} may catch your eye.",
        "Picked for you after your {match}: {product}.",
        # Dated, as a pair's (DATED): Online Retail's 7,300 suggestions tied by a word of two names went out as the
        # same sentence to every customer with those two names (session 18: a twentieth of the shop lost to repeats).
        "You bought {match} on {match_last}, so {product} may catch your eye.",
        "Since you picked up {match} on {match_last}, you might like {product}.",
    ],
    "affinity": [
        "You often shop for {label}; here is one more: {product}.",
        "{label_share} of your items are {label}, so {product} should suit you.",
        "{product}, a pick from {label}, a favourite of yours.",
        "Since you love {label}, have a look at {product}.",
        "More {label} for you: {product}.",
    ],
    "bought_before": [
        "You bought {product} before, last on {last}.",
        "You picked up {product} on {last}, in case you would like one more.",
        "Another {product}? You last picked one up {ago}.",
        "You have ordered {product} before; the last time was {ago}.",
        "{product} again? Your last one was on {last}.",
        "Liked your {product}? You bought it {ago}.",
    ],
    "popularity": [
        "{buyers} have bought {product} so far.",
        "{buyers} have already picked up {product}.",
        "A shop favourite: {buyers} have bought {product}.",
        "Popular with our customers: {product}, bought by {buyers}.",
        # A best seller with no tie to the customer went to hundreds of them in one sentence each ("56 customers have
        # bought Jumbo Bag Red Retrospot so far.": Online Retail's 3,320 in 46 sentences, session 18); how many bought
        # it since their last order is theirs.
        "{buyers_since} have bought {product} since your last order on {last_order}.",
        "Since your last order on {last_order}, {buyers_since} have picked up {product}.",
    ],
    "product": [
        "{product} could be a good fit for you.",
        "We think {product} is worth a try.",
        "You might enjoy {product}.",
        "Something new for you: {product}.",
    ],
}

# A pair whose share argues against the pick (prompt.WEAK_PAIR_SHARE: "4% of the 71 customers who bought Party
# Bunting also got ...") is said without it: some of the partner's buyers took the pick too, which is true of every
# pair (at least two customers bought both, engine/recommend/ties.py). These replace the co-purchase phrasings
# for such a pair, so that the model learns them from the prompt's "some of" line.
LOW_SHARE_PHRASES = [
    "Some customers who bought {partner} also picked up {product}.",
    "Some of the {partner_buyers} who bought {partner} also bought {product}.",
    "You bought {partner} on {partner_last}; some of its other buyers also got {product}.",
    "Some shoppers who bought {partner}, as you did on {partner_last}, also chose {product}.",
]

# A pair's reason says when this customer bought the partner wherever a dated phrasing holds (those come first): the
# pair and its share are the same for every customer it goes to, the date is theirs (as for a shared word: the day they
# bought the product that shares it; and a best seller: how many bought it since their last order; session 19).
# Groceries' 1,353 pairs carry 37,400 of its 38,980 suggestions, Online Retail's weak pairs 14,000 of its 30,400, so
# their pair sentences were mostly the same few (distinct-sentence ratio over the shop about 0.4 on Groceries, session
# 16). Strong pairs first (session 17); then weaker pairs too (session 18), once they had two dated phrasings that
# hold without "often" or "popular": taught only one ("You bought {partner} on {partner_last}; {share} of its buyers
# also got {product}."), the Quick adapter wrote "a popular pairing" and "often" of weak pairs (23% second rounds on
# Groceries, 6.1 reasons a second against 8.9-9.9). A pair of few buyers, whose share needs its count, keeps "Out of
# {partner_buyers}...": its long dated twin ("..., as you did on {partner_last}, {share} also bought ..."), taught for
# every pair, cost 0.79x (session 17) and, taught besides the others, 0.78x the reasons a second on Online Retail
# (session 18, benchmarks/reason_results.md).
DATED = {"co_purchase": "{partner_last}", "content": "{match_last}", "popularity": "{last_order}"}


FACT_PHRASES = {
    "category": ["It's part of our {category} range.", "Find it with our {category}."],
    "vendor": ["Made by {vendor}.", "A {vendor} product."],
    "price": ["Only {price}.", "It costs {price}."],
    "tag": ["A nice {tag} option.", "Tagged {tag} in our catalogue."],
    "phrase": ["In a few words: {phrase}.", "From our catalogue: {phrase}."],
}


def _phrasings(ev: dict, vals: dict, feature: str, rng: random.Random) -> list[str]:
    """The feature's phrasings in random order, half of them with a product fact added."""
    out = []
    low_share = feature == "co_purchase" and prompt.low_share_pair(ev)
    phrases = LOW_SHARE_PHRASES if low_share else FEATURE_PHRASES[feature]
    for phrase in rng.sample(phrases, len(phrases)):
        facts = [k for k in FACT_PHRASES if k in vals]
        out.append(phrase + " " + rng.choice(FACT_PHRASES[rng.choice(facts)]) if facts and rng.random() < 0.5
                   else phrase)
    return out


def _true_phrasings(ev: dict, feature: str, rng: random.Random):
    """(phrasing in slots, filled text) of the feature's phrasings that the checker passes for this evidence, in
    random order; those with the customer's own date first (DATED)."""
    vals = slots.values(ev)
    phrasings = _phrasings(ev, vals, feature, rng)
    for t in sorted(phrasings, key=lambda t: DATED[feature] not in t) if feature in DATED else phrasings:
        text = slots.fill(t, ev, vals)
        if text is not None and check(text, ev).ok:
            yield t, text


def silver_template(ev: dict, feature: str, rng: random.Random) -> str | None:
    """A true reason in slots for the feature, in a random phrasing (None: no phrasing holds here)."""
    return next((t for t, _ in _true_phrasings(ev, feature, rng)), None)


def template_reason(ev: dict, feature: str, seed: int = 0, taken=lambda text: False) -> str:
    """The fallback reason when no generated candidate passes the checker.

    The phrasing follows `seed` (the recommendation id), so one shop's fallbacks are not one sentence;
    a sentence `taken` refuses (one at the run's sentence cap) is passed over while another phrasing of the
    feature holds (else the first is kept: a product line says nothing personal); the product's plainest
    line when no phrasing of the feature holds.
    """
    first = None
    for _, text in _true_phrasings(ev, feature, random.Random(seed)):
        if not taken(text):
            return text
        first = first or text
    return first or slots.fill(silver_template(ev, "product", random.Random(seed)), ev)


_TEMPLATE_FORMS = frozenset(
    form.casefold() for b in [p for ps in FEATURE_PHRASES.values() for p in ps] + LOW_SHARE_PHRASES
    for form in [b] + [f"{b} {f}" for fs in FACT_PHRASES.values() for f in fs])


def is_template(text: str, ev: dict) -> bool:
    """Is the text a silver phrasing (of any feature, with or without a fact) word for word? Bought on one trip
    with its partner, the product's date is the partner's too: read either way."""
    t = slots.delexicalise(text, ev).casefold().strip()
    return t in _TEMPLATE_FORMS or slots.same_trip(ev) and t.replace("{last}", "{partner_last}") in _TEMPLATE_FORMS


def variety(texts: list[str]) -> dict:
    """Unique-sentence ratio and distinct-1/2 of a list of texts."""
    from .metrics import distinct, unique_sentence_ratio
    return {"usr": unique_sentence_ratio(texts), "distinct1": distinct(texts, 1),
            "distinct2": distinct(texts, 2)}
