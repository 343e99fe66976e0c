"""The prompt: one recommendation's evidence rendered compactly, plus the feature to talk about.

As in PETER, the model is told which feature the reason should be about; here
the feature is a part of the evidence ("reorder", "co_purchase", ...).
"""

from __future__ import annotations

from .numbers import days, pct, price

SYSTEM = "You write one short, friendly, true reason why a shop recommends a product to a customer."
FEATURES = ("reorder", "co_purchase", "contributor", "affinity", "product")


def features(ev: dict) -> list[str]:
    """The features this evidence can support, strongest first."""
    out = []
    if ev.get("reorder"):
        out.append("reorder")
    if ev.get("co_purchase"):
        out.append("co_purchase")
    if ev.get("contributors"):
        out.append("contributor")
    if ev.get("affinity"):
        out.append("affinity")
    return out + ["product"]


def main_feature(ev: dict) -> str:
    return features(ev)[0]


def render(ev: dict) -> str:
    """Evidence as a few short lines; numbers written exactly as reasons may repeat them."""
    p = ev.get("product", {})
    facts = [x for x in (p.get("category"), p.get("vendor") and f"by {p['vendor']}") if x]
    if p.get("price") is not None:
        facts.append(f"price {price(p['price'])}")
    lines = [f"kind: {ev.get('kind', 'discover')}",
             f"product: {p.get('name', '?')}" + (f" ({', '.join(facts)})" if facts else "")]
    if p.get("tags"):
        lines.append("product tags: " + ", ".join(p["tags"][:4]))
    if p.get("description"):
        lines.append("about: " + p["description"][:120])
    if ev.get("contributors"):
        lines.append("bought before: " + ", ".join(c["name"] for c in ev["contributors"][:3]))
    if cp := ev.get("co_purchase"):
        lines.append(f"co-purchase: {pct(cp['confidence'])} of {cp['customers_with']} customers "
                     f"who bought {cp['with_name']} also bought it")
    if r := ev.get("reorder"):
        due = r["due_in_days"]
        when = f"due in {days(due)} days" if due > 0 else (
            f"overdue by {days(due)} days" if due < 0 else "due now")
        lines.append(f"reorder: bought {r['times_bought']} times, about every "
                     f"{days(r['typical_days_between'])} days, last {r['last_bought']}, {when}")
    if a := ev.get("affinity"):
        lines.append(f"customer likes: {a['label']} ({pct(a['share'])} of their items)")
    if ev.get("customer_tags"):
        lines.append("customer interests: " + ", ".join(ev["customer_tags"][:4]))
    return "\n".join(lines)


def build(ev: dict, feature: str | None = None) -> str:
    """The full prompt text in the model's chat format, ending where the reason begins."""
    feature = feature or main_feature(ev)
    user = f"{render(ev)}\nfeature: {feature}\nWrite the reason in one or two sentences."
    return (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            f"<|im_start|>assistant\n")
