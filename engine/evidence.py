"""The evidence behind one recommendation: the contract between recommender and reasoner.

The recommender stores it as JSON in `recommendations.evidence`; the reasoner
renders it into a prompt and checks generated text against it. Every number
here must be recomputable from the shop database, so that a reason built only
from evidence can only say true things. Dates are ISO `YYYY-MM-DD`; shares are
fractions in [0, 1]; optional parts are omitted or null when they do not apply.

A product is cited by its `name` (the full name, as the export and the screens show it) and its
`title` (the product without its variant or offer, as a sentence says it; engine/products.py).
Evidence stored before titles existed lacks them: `title_of` reads it as the reasoner always has.
"""

from __future__ import annotations

import json
from typing import Literal, NotRequired, TypedDict

from engine.products import base_name

DUE_SOON_DAYS = 14   # due in at most this many days (or overdue): "time to reorder"; later: "coming up"
# A best seller: popularity rank at most this. A reason may call only these "popular", and a customer's list
# is filled with these, those tied to what the customer bought first (engine/recommend/topfreq.py).
BEST_SELLER_RANK = 50


class ProductFacts(TypedDict, total=False):
    id: int
    name: str
    title: str
    sku: str | None
    category: str | None
    vendor: str | None
    tags: list[str]
    price: float | None
    description: str | None   # plain text, shortened


class Contributor(TypedDict):
    """One of the customer's past items that pushed this recommendation up."""
    product_id: int
    name: str
    title: str
    weight: float             # share of the score this item explains, 0..1


class CoPurchase(TypedDict):
    """'N% of customers who bought A also bought B' for the strongest A of this customer."""
    with_product_id: int
    with_name: str
    with_title: str
    customers_with: int       # customers who bought A
    customers_both: int       # customers who bought A and B
    confidence: float         # customers_both / customers_with
    support: float            # customers_both / all customers
    lift: float               # confidence / (customers who bought B / all customers)
    # ISO date of this customer's last trip with A: what differs between the many customers who get the same
    # pair ("the rolls/buns you bought on 3 May 2015"). Evidence stored before it existed lacks it.
    with_last_bought: NotRequired[str]


class ReorderCycle(TypedDict, total=False):
    """The customer's shopping trips with the product (orders on one day are one trip).

    Bought on one trip, a product has a last purchase but no cycle of its own:
    `typical_days_between` is null. The expected gap shrinks the customer's own median gap
    toward the product's (engine/recommend/reorder.py gives the formula); it is null when
    no cycle can be expected (bought once and not a consumable). The reasoner states a cycle
    only when it spans at least a day (`reasons/slots.has_cycle`); otherwise it speaks of the
    last purchase ("bought before")."""
    times_bought: int         # distinct days (trips) on which this customer bought the product
    typical_days_between: float | None  # median gap between those trips, in days
    last_bought: str          # ISO date of the last trip with it
    days_since_last: int      # from last_bought to the shop's reference date
    item_typical_days_between: float | None  # median gap of all customers' trips with the product
    expected_days_between: float | None      # own gaps shrunk toward the product's
    due_in_days: float | None  # expected_days_between - days_since_last (negative: overdue)
    due_date: str | None      # last_bought + expected_days_between, ISO
    timing: Literal["due", "coming_up", "bought_before"]   # due_timing() of the two figures above


class Affinity(TypedDict):
    label: str                # a category or tag of the product the customer buys often
    share: float              # share of the customer's purchased items with that label


class ContentMatch(TypedDict):
    """One of the customer's own products that shares an attribute with the recommended one."""
    product_id: int
    name: str
    title: str
    attribute: Literal["category", "vendor", "tag", "word"]   # word: a rare word of both names
    value: str                # the shared category, vendor, tag or word (title-cased)
    # ISO date of this customer's last trip with it: what differs between the many customers whose purchase shares
    # a word with the product ("the Sweetheart Cakestand you bought on 3 May 2011"). Stored before it existed: absent.
    last_bought: NotRequired[str]


class Popularity(TypedDict):
    customers: int            # customers who bought the product
    rank: int                 # 1 = bought by most customers
    # For a product this customer never bought: the day of their last order (ISO) and how many customers bought the
    # product on a later day ("48 customers have bought it since your last order on 3 May 2011"), what differs between
    # the customers a best seller goes to. Absent for a customer with no orders, and in evidence stored before.
    last_order: NotRequired[str]
    customers_since: NotRequired[int]


class Evidence(TypedDict, total=False):
    kind: Literal["reorder", "discover"]
    model: str
    score: float
    as_of: str                # the reference date the numbers are computed at
    product: ProductFacts
    contributors: list[Contributor]
    co_purchase: CoPurchase | None
    reorder: ReorderCycle | None
    affinity: Affinity | None
    content_match: ContentMatch | None
    customer_tags: list[str]  # the customer's interest tags
    popularity: Popularity
    # Added by the recommender (engine/recommend/explain.py documents how each number is counted):
    kind_reason: str          # "bought before" / "never bought by this customer"
    note: str                 # only when it applies, e.g. "no purchases by this customer yet: best sellers"


def sql_value(column: str, path: str) -> str:
    """SQL reading one field of stored evidence (`path` like 'reorder.due_in_days'), for the filters
    that must run inside the database (a customer list of 100,000); everything else uses `decode`."""
    return f"json_extract({column}, '$.{path}')"


def sql_items(column: str, path: str) -> str:
    """SQL table of the items of a list in stored evidence (`path` like 'customer_tags'), as `value`."""
    return f"json_each({column}, '$.{path}')"


def due_timing(due_in_days: float | None, expected_days_between: float | None = None) -> str:
    """'due' (due within DUE_SOON_DAYS, or overdue by at most one expected gap), 'coming_up', or
    'bought_before' (no cycle expected, or overdue by more than a whole gap: they stopped buying it)."""
    if due_in_days is None:
        return "bought_before"
    if expected_days_between is not None and -due_in_days > max(expected_days_between, DUE_SOON_DAYS):
        return "bought_before"
    return "due" if due_in_days <= DUE_SOON_DAYS else "coming_up"


def reorder_timing(evidence: Evidence) -> str | None:
    """'due', 'coming_up' or 'bought_before' for a product the customer bought; None for a discovery.

    Evidence stored before the timing field existed reads from its due date the same way."""
    cycle = evidence.get("reorder") if isinstance(evidence, dict) else None
    if not isinstance(cycle, dict):
        return None
    if cycle.get("timing") in ("due", "coming_up", "bought_before"):
        return cycle["timing"]
    due, gap = cycle.get("due_in_days"), cycle.get("expected_days_between")
    return due_timing(due if isinstance(due, (int, float)) else None, gap if isinstance(gap, (int, float)) else None)


def title_of(cited: dict, prefix: str = "") -> str:
    """The title of a product the evidence cites (`prefix` "with_" for the co-purchase partner); for
    evidence stored before titles existed, its name without a variant or offer suffix."""
    return cited.get(f"{prefix}title") or base_name(cited.get(f"{prefix}name"))


def encode(evidence: Evidence) -> str:
    """The evidence as stored in `recommendations.evidence`."""
    return json.dumps(evidence)


def decode(text: str | None, kind: str | None = None) -> Evidence:
    """The stored evidence, as every reader (screens, reasoner, export, tests) gets it; {} when
    unreadable. `kind` is the recommendation row's own: evidence stored by early versions lacks it."""
    try:
        evidence = json.loads(text) if text else {}
    except ValueError:
        evidence = {}
    if not isinstance(evidence, dict):
        evidence = {}
    if kind is not None:
        evidence.setdefault("kind", kind)
    return evidence
