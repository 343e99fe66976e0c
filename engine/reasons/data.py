"""Training data from the shop's own data, in weighted, de-duplicated layers, all in slots.

(a) the owner's approved or edited reasons (weight 3), read back into slots
where every claim checks out, and (b) silver reasons from evidence in many
phrasings (weight 1). The model learns to write `{product}` and `{share}`, never
a name or a number; the engine fills them. Held-out recommendations never enter
training. (The base model's own rewordings of silver reasons were a layer until
a hand audit found them teaching false and garbled sentences the checker passed:
benchmarks/reason_results.md, session 7.)

Customers' reviews are not a layer: they speak of one person's own use ("I
bought these for my son"), which is untrue of the customer a reason is for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from engine import evidence

from . import prompt, silver, store
from .checker import check

WEIGHTS = {"owner": 3, "silver": 1}
SILVER_RECS = 3000   # recommendations silver reasons are written for


@dataclass(frozen=True)
class Example:
    prompt: str
    target: str
    source: str   # "owner" | "silver"


def owner_examples(db, catalogue) -> list[Example]:
    """The owner's reasons in slots; one whose claims the checker cannot tie to the evidence teaches nothing."""
    # A reason carried to later runs (engine.reasons.store.carry_reviews) is one example: its newest copy.
    rows = db.execute(
        "SELECT r.text, rec.evidence, rec.kind, max(rec.id) FROM reasons r JOIN recommendations rec"
        " ON rec.id = r.recommendation_id WHERE r.status IN ('approved', 'edited')"
        " AND rec.id % 5 != 0 GROUP BY rec.customer_id, rec.product_id, r.text").fetchall()
    out = []
    for text, ev, kind, _ in rows:
        ev = evidence.decode(ev, kind)
        result = check(text.strip(), ev, catalogue)
        if result.ok:
            out.append(Example(prompt.build(ev), result.template, "owner"))
    return out


def silver_reasons(recs: list[dict], per_feature: int, seed: int) -> list[tuple[dict, str, str]]:
    """(evidence, feature, silver reason in slots) for the feature a reason of each recommendation is asked about.

    Only the main feature: taught the weaker ones of the same evidence too, the small model
    answered a co-purchase prompt with a bland product line ("Something new for you: X.")
    for half of the Online Retail reasons.
    """
    rng, out = random.Random(seed), []
    # In slots, prompts differ only in which facts a recommendation has: a sample covers them.
    for rec in (rng.sample(recs, SILVER_RECS) if len(recs) > SILVER_RECS else recs):
        ev = rec["evidence"]
        feature = prompt.main_feature(ev)
        out += [(ev, feature, t) for _ in range(per_feature)
                if (t := silver.silver_template(ev, feature, rng)) is not None]
    return out


def build(db, per_feature: int = 2, max_examples: int = 4000, seed: int = 0) -> tuple[list[Example], dict]:
    """Weighted, de-duplicated training examples and a summary of the data (sizes, variety)."""
    catalogue = store.catalogue_names(db)
    recs = [r for r in store.recommendations(db) if not store.is_held_out(r["id"])]
    silver_rows = silver_reasons(recs, per_feature, seed)
    as_examples = lambda rows, source: [Example(prompt.build(ev, f), text, source)  # noqa: E731
                                        for ev, f, text in rows]
    layers = {"owner": owner_examples(db, catalogue),
              "silver": as_examples(silver_rows, "silver")}
    seen, unique = set(), []
    for name, examples in layers.items():
        for ex in examples:
            key = (ex.prompt, ex.target.casefold())
            if key not in seen:
                seen.add(key)
                unique.append(ex)
    rng = random.Random(seed)
    rng.shuffle(unique)
    # The owner's words always stay; the rest is capped so training stays affordable.
    unique.sort(key=lambda ex: ex.source != "owner")
    unique = unique[:max_examples]
    weighted = [ex for ex in unique for _ in range(WEIGHTS[ex.source])]
    rng.shuffle(weighted)
    targets = [ex.target for ex in unique]
    summary = {"layers": {k: len(v) for k, v in layers.items()},
               "unique": len(unique), "weighted": len(weighted), "variety": silver.variety(targets)}
    return weighted, summary
