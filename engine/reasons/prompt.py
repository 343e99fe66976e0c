"""The prompt: which facts the reason may use, as slots, and the one feature to talk about.

As in PETER, the model is told which feature to talk about ("reorder",
"co_purchase", ...): by the feature's facts, written as one line in slots, so
that the model sees how they relate ("{share} of {partner_buyers} who bought
{partner}"); no line is the product itself. It is shown the slots the evidence
can fill, never the values: it writes `{product}` and `{share}`, and the engine
fills them in (`slots.fill`), so a name or a number in a reason always comes
from the evidence. Short prompts are also cheap ones: every token of a prompt
is read for each reason (a line naming the feature as well cost 4-7 tokens a
prompt and said nothing the facts line does not).

Every prompt starts with the same PREFIX, so generation reads it once and
shares its key/value cache across a batch.
"""

from __future__ import annotations

import re

from engine.evidence import BEST_SELLER_RANK, reorder_timing

from . import checker, slots

SYSTEM = "Write one short, true reason for this shop recommendation, with the {slots} given."
# Which prompts an adapter learnt: recorded with each training run, and raised whenever the system line, a facts
# line or a cue changes. An adapter trained on other prompts still writes true reasons (the checker sees to it) but
# falls back to templates more often: session 14's Online Retail Standard adapter, asked with format 2's weak-pair
# line, 158 templates in 1,000 against 48 after training again (benchmarks/reason_results.md, session 16).
# 1: everything before session 16 (runs that recorded no format); 2: weak pairs asked as "some of" their buyers;
# 3: the day they bought the product that shares a word, and how many bought a best seller since their last order.
FORMAT = 3
PREFIX = f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n"
SUFFIX = "<|im_end|>\n<|im_start|>assistant\n"
FEATURES = ("reorder", "co_purchase", "contributor", "content", "affinity", "bought_before", "popularity",
            "product")
# What each feature's facts say, in slots; a feature is offered only when its evidence fills them.
FEATURE_LINES = {
    "reorder": "bought {product} {times}, {every}, last {ago}, {due}",
    "co_purchase": "{share} of {partner_buyers} who bought {partner} ({partner_last}) also bought {product}",
    # a co-purchase pair under WEAK_PAIR_SHARE: its share argues against the pick (below)
    "low_share_pair": "some of {partner_buyers} who bought {partner} ({partner_last}) also bought {product}",
    "contributor": "picked because they bought {contributor}",
    "content": "they bought {match} (on {match_last}); it shares {match_on} with {product}",
    "affinity": "{label_share} of their items are {label}",
    "bought_before": "bought {product} before, last on {last}, {ago}",
    "popularity": "bought by {buyers} ({buyers_since} since their last order on {last_order})",
    "product": "",
}
OPTIONAL = re.compile(r" \([^()]*\)")
FACTS = ("category", "vendor", "tag", "price", "phrase")
REQUIRED = {"reorder": "every", "co_purchase": "partner", "contributor": "contributor", "content": "match",
            "affinity": "label", "bought_before": "last", "popularity": "buyers"}


# A pair this weak ("4% of the 71 customers who bought X also bought it") argues against the pick more than
# for it: any other personal feature is said first (measured in the Online Retail Standard audit, session 7),
# and when the pair is said, its share is not: the prompt asks for "some of" its buyers
# (FEATURE_LINES["low_share_pair"]) and the silver reasons say "some" (silver.LOW_SHARE_PHRASES). Every
# reason of such a pair that stated its share was read as awkward in the hand audits of sessions 13-14
# (16 of 16, Online Retail), where such pairs are a tenth of the suggestions.
WEAK_PAIR_SHARE = 0.10
PERSONAL = ("contributor", "content", "affinity", "bought_before")


def features(ev: dict, vals: dict | None = None) -> list[str]:
    """The features this evidence can support, strongest first. A product with a reorder cycle is a "reorder",
    unless they stopped buying it (overdue by more than a whole gap): then, as for a product bought once, it is
    "bought before", as the Customers screen calls it; what is true of it is when they last bought it, not a habit
    (the shipped adapters wrote "you tend to buy it every 28 days" of one last bought 546 days ago: session 13)."""
    vals = slots.values(ev) if vals is None else vals
    cycle = slots.has_cycle(ev)
    lapsed = cycle and reorder_timing(ev) == "bought_before"
    found = [f for f in FEATURES[:-1] if REQUIRED[f] in vals
             and not (f == "bought_before" and cycle and not lapsed) and not (f == "reorder" and lapsed)]
    pair, match = ev.get("co_purchase"), ev.get("content_match")
    if "content" in found and pair and match and match.get("product_id") == pair.get("with_product_id"):
        # The product that shares a word is the pair's partner: its name reads back as the partner's
        # (slots.surfaces), and the pair says more of the same purchase (1% of Online Retail's suggestions had no
        # true shared-word sentence, session 19).
        found.remove("content")
    if "co_purchase" in found and low_share_pair(ev) and any(f in found for f in PERSONAL):
        found.remove("co_purchase")
        found.append("co_purchase")
    return found + ["product"]


def low_share_pair(ev: dict) -> bool:
    """Is the customer's co-purchase pair too weak for its share to be an argument (WEAK_PAIR_SHARE)?"""
    return bool(ev.get("co_purchase")) and ev["co_purchase"]["confidence"] < WEAK_PAIR_SHARE


def main_feature(ev: dict) -> str:
    return features(ev)[0]


def cue(ev: dict, feature: str) -> str:
    """What the wording may say beyond the slots: whether it is due, whether the pair is strong, whether it is popular.

    The checker holds reasons to these (no "running low" when not due, no "often" for a weak pair)."""
    if feature == "reorder":
        return {"due": "due now", "coming_up": "not due yet", "bought_before": "lapsed"}[reorder_timing(ev)]
    if feature == "co_purchase":
        pair = ev["co_purchase"]
        strong = pair["confidence"] >= checker.STRONG_SHARE and pair["customers_both"] >= checker.STRONG_PAIR_BUYERS
        return "strong pair" if strong else "weak pair"
    if feature == "content":
        return "shared word" if ev["content_match"]["attribute"] == "word" else f"same {ev['content_match']['attribute']}"
    if feature == "popularity":
        rank = ev["popularity"]["rank"]
        return "best seller" if rank <= BEST_SELLER_RANK else "not a best seller"
    return ""


def user_part(ev: dict, feature: str | None = None) -> str:
    """What differs between prompts: the text between PREFIX and SUFFIX."""
    feature = feature or main_feature(ev)
    vals = slots.values(ev)
    facts = [f"{{{f}}}" for f in FACTS if f in vals]
    # A part in brackets whose slots this evidence cannot fill is left out (stored before the fact existed).
    facts_line = FEATURE_LINES["low_share_pair" if feature == "co_purchase" and low_share_pair(ev) else feature]
    line = OPTIONAL.sub(lambda m: m.group(0) if all(s in vals for s in slots.SLOT.findall(m.group(0))) else "",
                        facts_line) + (f" ({c})" if (c := cue(ev, feature)) else "")
    lines = [f"{'reorder' if slots.owned(ev) else 'new'}: {{product}}" + (f" ({', '.join(facts)})" if facts else ""),
             line]
    return "\n".join(x for x in lines if x)


def build(ev: dict, feature: str | None = None) -> str:
    """The full prompt text in the model's chat format, ending where the reason begins."""
    return PREFIX + user_part(ev, feature) + SUFFIX
