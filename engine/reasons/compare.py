"""Compare the template baseline, the untuned base model and the LoRA model on held-out recommendations."""

from __future__ import annotations

import json

from engine.db import transaction
from engine.jobs import CancelToken, no_progress

from . import metrics, prompt, store
from .adapters import active_adapter
from .checker import check, mentions_feature
from .generate import load_generator, write
from .silver import template_reason

COLUMNS = ["system", "n", "raw_faithful", "faithful", "fallback", "raw_fmr", "fmr", "hallucinated",
           "usr", "distinct1", "distinct2", "avg_words", "bleu1", "bleu4", "rouge1", "rouge2", "rougeL"]


def _references(db, recs) -> dict[int, str]:
    refs = {}
    for rec in recs:
        row = db.execute("SELECT text FROM reviews WHERE customer_id = ? AND product_id = ?",
                         [rec["customer_id"], rec["product_id"]]).fetchone()
        if row and row[0]:
            refs[rec["id"]] = row[0]
    return refs


def score(name: str, recs, raw: list[list[str]], final: list[str], fallback: list[bool], catalogue,
          refs: dict[int, str]) -> dict:
    """One table row: raw rates over all candidates, the rest over the kept reasons."""
    feats = [prompt.main_feature(r["evidence"]) for r in recs]
    flat = [(c, r, f) for cs, r, f in zip(raw, recs, feats) for c in cs]
    checks = [check(c, r["evidence"], catalogue) for c, r, _ in flat]
    n = max(len(recs), 1)
    row = {"system": name, "n": len(recs),
           "raw_faithful": sum(c.ok for c in checks) / max(len(flat), 1),
           "faithful": sum(check(t, r["evidence"], catalogue).ok for t, r in zip(final, recs)) / n,
           "fallback": sum(fallback) / n,
           "raw_fmr": sum(mentions_feature(c, r["evidence"], f) for c, r, f in flat) / max(len(flat), 1),
           "fmr": sum(mentions_feature(t, r["evidence"], f) for t, r, f in zip(final, recs, feats)) / n,
           "hallucinated": sum(bool(c.invented or c.unrelated) for c in checks) / max(len(flat), 1),
           "usr": metrics.unique_sentence_ratio(final), "distinct1": metrics.distinct(final, 1),
           "distinct2": metrics.distinct(final, 2),
           "avg_words": sum(len(t.split()) for t in final) / n}
    pairs = [(refs[r["id"]], t) for r, t in zip(recs, final) if r["id"] in refs]
    if pairs:
        ref, gen = zip(*pairs)
        row.update(bleu1=metrics.bleu(list(ref), list(gen), 1), bleu4=metrics.bleu(list(ref), list(gen), 4),
                   **metrics.rouge(list(ref), list(gen)))
    return row


def evaluate(db, data=None, candidates: int = 2, limit: int | None = None, progress=no_progress,
             cancel: CancelToken | None = None, save: bool = True) -> list[dict]:
    """The metrics table (one row per system) on held-out recommendations; saved in `evaluations`."""
    recs = [r for r in store.recommendations(db) if store.is_held_out(r["id"])][:limit]
    catalogue, refs = store.catalogue_names(db), _references(db, recs)
    templates = [template_reason(r["evidence"], prompt.main_feature(r["evidence"])) for r in recs]
    rows = [score("template", recs, [[t] for t in templates], templates, [False] * len(recs), catalogue, refs)]
    systems = [("base", None)] + ([("lora", active_adapter(db)["id"])] if active_adapter(db) else [])
    for name, adapter in systems:
        gen = load_generator(db, data, adapter=adapter)
        written = write(gen, recs, catalogue, candidates, progress=progress, cancel=cancel)
        rows.append(score(name, recs, written.candidates, written.texts,
                          [not ok for ok in written.from_model], catalogue, refs))
    if save:
        with transaction(db):
            db["evaluations"].insert({"kind": "reasons", "created_at": store.now(), "results": json.dumps(rows)})
    return rows


def format_table(rows: list[dict]) -> str:
    cols = [c for c in COLUMNS if any(c in r for r in rows)]
    fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    cells = [cols] + [[fmt(r.get(c, "-")) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells)
