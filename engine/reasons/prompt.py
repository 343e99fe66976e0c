"""The prompt: the product's facts, the one feature the reason should be about, and its evidence.

As in PETER, the model is told which feature to talk about ("reorder",
"co_purchase", ...) and is given that feature's concrete facts. Only that
feature's evidence is rendered: prompt tokens are most of the cost of writing
a reason on a CPU, and a reason states one feature anyway.

Every prompt starts with the same PREFIX, so generation reads it once and
shares its key/value cache across a batch.
"""

from __future__ import annotations

from .numbers import days, pct, price

SYSTEM = "Write one short, true reason for this shop recommendation."
PREFIX = f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n"
SUFFIX = "<|im_end|>\n<|im_start|>assistant\n"
FEATURES = ("reorder", "co_purchase", "contributor", "affinity", "bought_before", "product")


def contributors(ev: dict) -> list[str]:
    """Names of the customer's purchases behind the pick, other than the product itself."""
    own = ev.get("product", {}).get("name")
    return [c["name"] for c in ev.get("contributors") or [] if c.get("name") and c["name"] != own]


def features(ev: dict) -> list[str]:
    """The features this evidence can support, strongest first."""
    out = []
    if ev.get("reorder"):
        out.append("reorder")
    if ev.get("co_purchase"):
        out.append("co_purchase")
    if contributors(ev):
        out.append("contributor")
    if ev.get("affinity"):
        out.append("affinity")
    if ev.get("bought_before"):
        out.append("bought_before")
    return out + ["product"]


def main_feature(ev: dict) -> str:
    return features(ev)[0]


def _feature_line(ev: dict, feature: str) -> str | None:
    if feature == "contributor" and contributors(ev):
        return "bought: " + ", ".join(contributors(ev)[:2])
    if feature == "co_purchase" and (cp := ev.get("co_purchase")):
        return f"also bought by {pct(cp['confidence'])} of {cp['customers_with']} {cp['with_name']} buyers"
    if feature == "reorder" and (r := ev.get("reorder")):
        due = r["due_in_days"]
        when = f"due in {days(due)} days" if due > 0 else (
            f"{days(due)} days overdue" if due < 0 else "due now")
        return (f"reorder: {r['times_bought']} times, every {days(r['typical_days_between'])} days, "
                f"last {r['last_bought']}, {when}")
    if feature == "affinity" and (a := ev.get("affinity")):
        return f"likes {a['label']} ({pct(a['share'])})"
    if feature == "bought_before" and (b := ev.get("bought_before")):
        return f"bought before: last {b['last_bought']}" + (
            f", {days(b['days_since_last'])} days ago" if b.get("days_since_last") is not None else "")
    return None


def render(ev: dict, feature: str) -> str:
    """The evidence for one feature as a few short lines; numbers written exactly as reasons may repeat them."""
    p = ev.get("product", {})
    facts = [x for x in (p.get("category"), p.get("vendor")) if x]
    if p.get("price") is not None:
        facts.append(price(p["price"]))
    facts += (p.get("tags") or [])[:2]
    lines = [f"{ev.get('kind', 'discover')}: {p.get('name', '?')}" + (f" ({', '.join(facts)})" if facts else ""),
             _feature_line(ev, feature)]
    if ev.get("customer_tags"):
        lines.append("interests: " + ", ".join(ev["customer_tags"][:2]))
    return "\n".join(x for x in lines if x)


def user_part(ev: dict, feature: str | None = None) -> str:
    """What differs between prompts: the text between PREFIX and SUFFIX."""
    feature = feature or main_feature(ev)
    return f"{render(ev, feature)}\nfeature: {feature}"


def build(ev: dict, feature: str | None = None) -> str:
    """The full prompt text in the model's chat format, ending where the reason begins."""
    return PREFIX + user_part(ev, feature) + SUFFIX
