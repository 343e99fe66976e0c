"""Training data from the shop's own data, in three weighted, de-duplicated layers.

(a) the owner's approved or edited reasons (weight 3), (b) real review text
for reviewed items, kept only where the checker finds it faithful (weight 1),
(c) silver reasons from evidence in many phrasings (weight 1), and some of
them reworded by the base model itself, kept only when no fact was lost
(weight 1). Held-out recommendations never enter training.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from engine.jobs import CancelToken, no_progress
from engine.products import parse_tags

from . import paraphrase, prompt, silver, store
from .checker import check

WEIGHTS = {"owner": 3, "review": 1, "silver": 1, "reworded": 1}


@dataclass(frozen=True)
class Example:
    prompt: str
    target: str
    source: str   # "owner" | "review" | "silver" | "reworded"


def owner_examples(db) -> list[Example]:
    rows = db.execute(
        "SELECT r.text, rec.evidence, rec.kind FROM reasons r JOIN recommendations rec"
        " ON rec.id = r.recommendation_id WHERE r.status IN ('approved', 'edited')"
        " AND rec.id % 5 != 0").fetchall()
    out = []
    for text, ev, kind in rows:
        ev = store.load_evidence(ev)
        ev.setdefault("kind", kind)
        out.append(Example(prompt.build(ev), text.strip(), "owner"))
    return out


def _first_sentences(text: str, max_chars: int = 200) -> str:
    parts, out = re.split(r"(?<=[.!?])\s+", (text or "").strip()), ""
    for p in parts:
        if len(out) + len(p) > max_chars:
            break
        out = f"{out} {p}".strip()
    return out


def product_evidence(db, product_id: int) -> dict:
    row = db.execute("SELECT id, name, sku, category, vendor, tags, price FROM products WHERE id = ?",
                     [product_id]).fetchone()
    p = dict(zip(["id", "name", "sku", "category", "vendor", "tags", "price"], row))
    p["tags"] = parse_tags(p["tags"])
    return {"kind": "discover", "product": {k: v for k, v in p.items() if v not in (None, [])}}


def review_examples(db, catalogue) -> list[Example]:
    """Reviews as targets: the matching recommendation's evidence, else the product's facts."""
    recs = {(r[0], r[1]): (r[2], store.load_evidence(r[3]))
            for r in db.execute("SELECT customer_id, product_id, id, evidence FROM recommendations")}
    out = []
    for cust, prod, summary, text in db.execute(
            "SELECT customer_id, product_id, summary, text FROM reviews").fetchall():
        rec_id, ev = recs.get((cust, prod), (None, None))
        if rec_id is not None and store.is_held_out(rec_id):
            continue
        ev = ev or product_evidence(db, prod)
        for target in (_first_sentences(text), (summary or "").strip()):
            # A customer's review rarely names the item it is about; names and numbers still must hold.
            if target and check(target, ev, catalogue, require_name=False).ok:
                out.append(Example(prompt.build(ev, "product"), target, "review"))
                break
    return out


def silver_reasons(recs: list[dict], per_feature: int, seed: int) -> list[tuple[dict, str, str]]:
    """(evidence, feature, silver text) for the feature a reason of each recommendation is asked about.

    Only the main feature: taught the weaker ones of the same evidence too, the small model
    answered a co-purchase prompt with a bland product line ("Something new for you: X.")
    for half of the Online Retail reasons.
    """
    rng, out = random.Random(seed), []
    for rec in recs:
        ev = rec["evidence"]
        feature = prompt.main_feature(ev)
        out += [(ev, feature, silver.silver_reason(ev, feature, rng)) for _ in range(per_feature)]
    return out


def build(db, per_feature: int = 2, max_examples: int = 4000, seed: int = 0, generator=None,
          rewordings: int = 0, progress=no_progress, cancel: CancelToken | None = None
          ) -> tuple[list[Example], dict]:
    """Weighted, de-duplicated training examples and a summary of the data (sizes, variety).

    With a `generator` (the base model), `rewordings` silver reasons are reworded by it first.
    """
    catalogue = store.catalogue_names(db)
    recs = [r for r in store.recommendations(db) if not store.is_held_out(r["id"])]
    silver_rows = silver_reasons(recs, per_feature, seed)
    tried = random.Random(seed).sample(silver_rows, min(rewordings, len(silver_rows))) if generator else []
    reworded = paraphrase.reword(generator, tried, catalogue, progress, cancel) if tried else []
    as_examples = lambda rows, source: [Example(prompt.build(ev, f), text, source)  # noqa: E731
                                        for ev, f, text in rows]
    layers = {"owner": owner_examples(db), "review": review_examples(db, catalogue),
              "silver": as_examples(silver_rows, "silver"), "reworded": as_examples(reworded, "reworded")}
    seen, unique = set(), []
    for name, examples in layers.items():
        for ex in examples:
            key = (ex.prompt, ex.target.casefold())
            if key not in seen:
                seen.add(key)
                unique.append(ex)
    rng = random.Random(seed)
    rng.shuffle(unique)
    # The owner's words and the scarce rewordings always stay; the rest is capped so training stays affordable.
    unique.sort(key=lambda ex: ex.source not in ("owner", "reworded"))
    unique = unique[:max_examples]
    weighted = [ex for ex in unique for _ in range(WEIGHTS[ex.source])]
    rng.shuffle(weighted)
    targets = [ex.target for ex in unique]
    summary = {"layers": {k: len(v) for k, v in layers.items()}, "rewordings_tried": len(tried),
               "unique": len(unique), "weighted": len(weighted), "variety": silver.variety(targets)}
    return weighted, summary
