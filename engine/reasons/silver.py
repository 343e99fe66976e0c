"""Silver reasons: true sentences built from evidence, in many phrasings.

They teach the model what a faithful reason looks like without teaching one
template: each reason combines one of many phrasings of the feature with an
optional product fact, and `variety` measures how different they are.
"""

from __future__ import annotations

import random

from . import prompt
from .numbers import days, pct, price

FEATURE_PHRASES = {
    "reorder": [
        "You have bought {name} {times} times, about every {every} days, so a refill may be due.",
        "Running low? You usually pick up {name} every {every} days.",
        "Time to restock {name}: your last one was on {last}.",
        "It's been {since} days since your last {name}, and you tend to buy it every {every} days.",
        "Your usual {name} is {due_text}.",
        "Top up your {name}; you have ordered it {times} times so far.",
        "Based on your {times} past orders, {name} is {due_text}.",
        "You reorder {name} roughly every {every} days, so we saved you a reminder.",
    ],
    "co_purchase": [
        "{conf} of customers who bought {with_name} also picked up {name}.",
        "Goes well with your {with_name}: {conf} of {with_n} buyers of it also got {name}.",
        "People who buy {with_name} often add {name} too ({conf} of them).",
        "Since you have {with_name}, {name} is a popular pairing.",
        "Many {with_name} owners also choose {name}.",
        "{name} pairs nicely with the {with_name} you bought.",
        "Out of {with_n} customers with {with_name}, {both} also bought {name}.",
    ],
    "contributor": [
        "Because you bought {contrib}, we think you will like {name}.",
        "You enjoyed {contrib}; {name} is a natural next step.",
        "{name}: picked for you after your purchase of {contrib}.",
        "If {contrib} worked for you, try {name}.",
        "{name} fits well with {contrib} from your past orders.",
        "Customers with {contrib} in their basket often look at {name} next.",
    ],
    "affinity": [
        "You often shop for {label}, and {name} is one of them.",
        "{label_pct} of your items are {label}, so {name} should suit you.",
        "{name}, a pick from {label}, a favourite of yours.",
        "Since you love {label}, have a look at {name}.",
        "More {label} for you: {name}.",
    ],
    "bought_before": [
        "You bought {name} before, last on {last}.",
        "Your last {name} was on {last}; time for another?",
        "Another {name}? You last picked one up {ago}.",
        "You have ordered {name} before; the last time was {ago}.",
        "{name} again? Your last one was on {last}.",
        "Liked your {name}? You bought it {ago}.",
    ],
    "product": [
        "{name} could be a good fit for you.",
        "Have a look at {name}, a popular choice in our shop.",
        "We think {name} is worth a try.",
        "You might enjoy {name}.",
        "Something new for you: {name}.",
    ],
}

FACT_PHRASES = {
    "category": ["It's part of our {category} range.", "Find it with our {category}.",
                 "One of our favourite {category}."],
    "vendor": ["Made by {vendor}.", "A {vendor} product.", "From {vendor}, a brand you can trust."],
    "price": ["Only {price}.", "It costs {price}.", "Yours for {price}."],
    "tag": ["Great if you like {tag} items.", "A nice {tag} option.", "Tagged {tag} in our catalogue."],
}


def _slots(ev: dict, rng: random.Random) -> dict:
    p = ev.get("product", {})
    s = {"name": p.get("name", "this product"), "category": p.get("category"),
         "vendor": p.get("vendor"), "price": price(p["price"]) if p.get("price") else None,
         "tag": rng.choice(p["tags"]) if p.get("tags") else None}
    if r := ev.get("reorder"):
        due = r["due_in_days"]
        s.update(times=r["times_bought"], every=days(r["typical_days_between"]), last=r["last_bought"],
                 since=r["days_since_last"],
                 due_text=(f"due in {days(due)} days" if due > 0 else
                           f"{days(due)} days overdue" if due < 0 else "due about now"))
    if c := ev.get("co_purchase"):
        s.update(with_name=c["with_name"], conf=pct(c["confidence"]), with_n=c["customers_with"],
                 both=c["customers_both"])
    if prompt.contributors(ev):
        s["contrib"] = rng.choice(prompt.contributors(ev)[:2])
    if a := ev.get("affinity"):
        s.update(label=a["label"], label_pct=pct(a["share"]))
    if b := ev.get("bought_before"):
        d = b.get("days_since_last")
        s.update(last=b["last_bought"], ago=f"on {b['last_bought']}" if d is None else
                 "today" if d == 0 else "yesterday" if d == 1 else f"{days(d)} days ago")
    return s


def silver_reason(ev: dict, feature: str, rng: random.Random) -> str:
    s = _slots(ev, rng)
    text = rng.choice(FEATURE_PHRASES[feature]).format(**s)
    if rng.random() < 0.5:
        facts = [k for k in FACT_PHRASES if s.get(k)]
        if facts:
            k = rng.choice(facts)
            text += " " + rng.choice(FACT_PHRASES[k]).format(**s)
    return text[0].upper() + text[1:]


def template_reason(ev: dict, feature: str) -> str:
    """The fixed fallback reason when no generated candidate passes the checker."""
    return FEATURE_PHRASES[feature][0].format(**_slots(ev, random.Random(0)))


def variety(texts: list[str]) -> dict:
    """Unique-sentence ratio and distinct-1/2 of a list of texts."""
    from .metrics import distinct, unique_sentence_ratio
    return {"usr": unique_sentence_ratio(texts), "distinct1": distinct(texts, 1),
            "distinct2": distinct(texts, 2)}
