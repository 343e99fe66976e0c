"""Compare the template baseline, the untuned base model and the LoRA model on held-out recommendations,
and the hand audit: random reasons with their evidence in words for a person to label.

Honest counts: a reason is model-written only when it differs from every silver phrasing
(`silver.is_template`); truth is counted per claim over every sampled candidate; the
distinct-sentence ratio and the largest share of one sentence say whether reasons repeat.
"""

from __future__ import annotations

import collections
import csv
import json
import random

from engine import evidence
from engine.clock import now
from engine.db import transaction
from engine.queries import evidence_in_words, latest_run_id
from engine.jobs import CancelToken, no_progress

from . import metrics, prompt, silver, store
from .adapters import active_adapter
from .checker import check, mentions_feature
from .generate import load_generator, write
from .silver import template_reason

COLUMNS = ["system", "n", "raw_truth", "raw_faithful", "faithful", "fallback", "model_written", "raw_fmr", "fmr",
           "hallucinated", "distinct_sentences", "top_sentence", "distinct1", "distinct2", "avg_words",
           "bleu1", "bleu4", "rouge1", "rouge2", "rougeL"]
LABELS = {"A": "true and natural", "B": "true but awkward", "C": "wrong", "D": "says nothing personal"}


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
    counts = collections.Counter(t.strip().casefold() for t in final)
    row = {"system": name, "n": len(recs),
           "raw_truth": 1 - sum(c.false_claims for c in checks) / max(sum(c.claims for c in checks), 1),
           "raw_faithful": sum(c.ok for c in checks) / max(len(flat), 1),
           "faithful": sum(check(t, r["evidence"], catalogue).ok for t, r in zip(final, recs)) / n,
           "fallback": sum(fallback) / n,
           "model_written": sum(not fb and not silver.is_template(t, r["evidence"])
                                for t, r, fb in zip(final, recs, fallback)) / n,
           "raw_fmr": sum(mentions_feature(c, r["evidence"], f) for c, r, f in flat) / max(len(flat), 1),
           "fmr": sum(mentions_feature(t, r["evidence"], f) for t, r, f in zip(final, recs, feats)) / n,
           "hallucinated": sum(bool(c.invented or c.unrelated) for c in checks) / max(len(flat), 1),
           "distinct_sentences": metrics.unique_sentence_ratio(final),
           "top_sentence": max(counts.values(), default=0) / n, "distinct1": metrics.distinct(final, 1),
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
    templates = [template_reason(r["evidence"], prompt.main_feature(r["evidence"]), r["id"]) for r in recs]
    rows = [score("template", recs, [[t] for t in templates], templates, [False] * len(recs), catalogue, refs)]
    systems = [("base", None)] + ([("lora", active_adapter(db)["id"])] if active_adapter(db) else [])
    for name, adapter in systems:
        gen = load_generator(db, data, adapter=adapter)
        written = write(gen, recs, catalogue, candidates, progress=progress, cancel=cancel)
        rows.append(score(name, recs, written.candidates, written.texts,
                          [not ok for ok in written.from_model], catalogue, refs))
    if save:
        with transaction(db):
            db["evaluations"].insert({"kind": "reasons", "created_at": now(), "results": json.dumps(rows)})
    return rows


def format_table(rows: list[dict]) -> str:
    cols = [c for c in COLUMNS if any(c in r for r in rows)]
    fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    cells = [cols] + [[fmt(r.get(c, "-")) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells)


AUDIT_COLUMNS = ["recommendation_id", "customer", "product", "kind", "feature", "provenance", "reason", "evidence",
                 "label", "note"]


def write_audit(db, n: int, path, seed: int = 0) -> int:
    """N random reasons of the latest run with their evidence in words, in a CSV with an empty label column."""
    run = latest_run_id(db)
    rows = db.execute(
        "SELECT rec.id, coalesce(c.name, c.external_key), p.name, rec.kind, rec.evidence, r.provenance, r.text"
        " FROM reasons r JOIN recommendations rec ON rec.id = r.recommendation_id"
        " JOIN customers c ON c.id = rec.customer_id JOIN products p ON p.id = rec.product_id"
        " WHERE rec.run_id = ? ORDER BY rec.id", [run]).fetchall()
    picked = random.Random(seed).sample(rows, min(n, len(rows)))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(AUDIT_COLUMNS)
        for rec_id, customer, product, kind, ev_json, provenance, text in picked:
            ev = evidence.decode(ev_json, kind)
            w.writerow([rec_id, customer, product, kind, prompt.main_feature(ev), provenance, text,
                        " ".join(evidence_in_words(ev)), "", ""])
    return len(picked)


def label_table(path) -> str:
    """The labels of an audit CSV as a table: count and share of A-D, for all reasons and by who wrote them."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f)]
    unknown = sorted({r["label"] for r in rows} - set(LABELS))
    if unknown:
        raise ValueError(f"{path}: labels must be one of {', '.join(LABELS)}; found {', '.join(unknown)}")
    groups = {"all": rows, "model": [r for r in rows if r["provenance"] != "template"],
              "template": [r for r in rows if r["provenance"] == "template"]}
    lines = ["| reasons | n | " + " | ".join(f"{k} ({v})" for k, v in LABELS.items()) + " |",
             "|---|---:|" + "---:|" * len(LABELS)]
    for name, group in groups.items():
        c = collections.Counter(r["label"] for r in group)
        cells = [f"{c[k]} ({c[k] / len(group):.0%})" if group else "-" for k in LABELS]
        lines.append(f"| {name} | {len(group)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
