"""The prompt: one recommendation's evidence rendered compactly, plus the feature to talk about.

As in PETER, the model is told which feature the reason should be about; here
the feature is a part of the evidence ("reorder", "co_purchase", ...).
"""

from __future__ import annotations

from .numbers import days, pct, price

SYSTEM = "Write one short, true reason for this shop recommendation."
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
    facts = [x for x in (p.get("category"), p.get("vendor")) if x]
    if p.get("price") is not None:
        facts.append(price(p["price"]))
    facts += (p.get("tags") or [])[:2]
    lines = [f"{ev.get('kind', 'discover')}: {p.get('name', '?')}" + (f" ({', '.join(facts)})" if facts else "")]
    if ev.get("contributors"):
        lines.append("bought: " + ", ".join(c["name"] for c in ev["contributors"][:2]))
    if cp := ev.get("co_purchase"):
        lines.append(f"also bought by {pct(cp['confidence'])} of {cp['customers_with']} {cp['with_name']} buyers")
    if r := ev.get("reorder"):
        due = r["due_in_days"]
        when = f"due in {days(due)} days" if due > 0 else (
            f"{days(due)} days overdue" if due < 0 else "due now")
        lines.append(f"reorder: {r['times_bought']} times, every {days(r['typical_days_between'])} days, "
                     f"last {r['last_bought']}, {when}")
    if a := ev.get("affinity"):
        lines.append(f"likes {a['label']} ({pct(a['share'])})")
    if ev.get("customer_tags"):
        lines.append("interests: " + ", ".join(ev["customer_tags"][:2]))
    return "\n".join(lines)


def build(ev: dict, feature: str | None = None) -> str:
    """The full prompt text in the model's chat format, ending where the reason begins."""
    feature = feature or main_feature(ev)
    user = f"{render(ev)}\nfeature: {feature}"
    return (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            f"<|im_start|>assistant\n")
