"""Recommendations: reorder and discover, with evidence, measured per shop.

The API the GUI and CLI call (all take an open shop database):

    evaluate_shop(db, progress=None, cancel=None) -> dict   compare all models, store, pick the default
    run_recommendations(db, limit=10, progress=None, cancel=None) -> run_id
    up_to_date_run(db, limit=10) -> run_id | None          the latest run, if the orders have not changed since
    bundles(db, min_support=None, limit=50) -> list[dict]

Long jobs report `engine.jobs.Progress` to `progress` and stop at
`cancel.check()`; a cancelled job leaves the database exactly as it was.
"""

from __future__ import annotations

import json

import numpy as np

from .. import evidence
from ..clock import now
from ..db import transaction
from ..exclusions import excluded_products
from ..interests import interest_tags
from ..jobs import Progress, Refused, no_progress
from ..products import load_products, load_titles
from ..reasons.store import carry_reviews
from . import data as D
from .bundles import find_bundles
from .evaluate import (KS, bootstrap_ci, completion_split, evaluate, evaluate_completion, list_diversity,
                       rank)
from .explain import EvidenceBuilder
from .select import SELECTION_RULE, make, select

SELECTION_KEY = "recommend.selection"
COMPLETION = "basket_completion"


class NotEnoughData(Refused):
    """The shop has no completed orders to learn from yet."""


def _fingerprint(db) -> str:
    """Changes when orders or lines are added, removed or edited (date, customer, status, product, quantity)."""
    r = db.execute("SELECT count(*), max(id), max(ordered_at), total(julianday(ordered_at)), total(customer_id), "
                   "total(status = 'completed') FROM orders").fetchone()
    n = db.execute("SELECT count(*), max(id), total(product_id), total(quantity), total(is_return) "
                   "FROM order_lines").fetchone()
    return json.dumps([*r, *n])


def _load(db) -> D.Interactions:
    data = D.load(db)
    if data.n_items == 0:
        raise NotEnoughData("No completed orders of known customers yet: import orders that name "
                            "their customers first (bundles work without customers).")
    return data


def selection(db, data=None, progress=None, cancel=None) -> dict:
    """The shop's chosen model (cached in settings until the orders or the selection rule change)."""
    fp = _fingerprint(db)
    row = db.execute("SELECT value FROM settings WHERE key = ?", [SELECTION_KEY]).fetchone()
    if row:
        saved = json.loads(row[0])
        if saved.get("fingerprint") == fp and saved.get("rule") == SELECTION_RULE:
            return saved
    choice = select(data if data is not None else _load(db), progress, cancel)
    choice["fingerprint"] = fp
    return choice


def _save_selection(db, choice: dict) -> None:
    db["settings"].upsert({"key": SELECTION_KEY, "value": json.dumps(choice)}, pk="key")


def evaluate_shop(db, progress=None, cancel=None, days: int = 30, store: bool = True) -> dict:
    """Every candidate model on the last-basket test split, a last-`days` split and basket
    completion, next to the one the validation split selects. Each result carries 95% bootstrap
    intervals of NDCG@10 and Recall@10 ("ci"); the last-basket results also the personalisation
    and catalogue coverage of every customer's top 10. Stored in `evaluations`."""
    progress = progress or no_progress
    data = _load(db)
    choice = selection(db, data, progress, cancel)
    rows = []
    splits = {"last_basket": D.holdout_last(data), f"last_{days}_days": D.holdout_days(data, days)}
    completion = completion_split(data)
    seen = set()
    tried = [(c["model"], c["params"]) for c in choice["validation"]] or [("popularity", {}),
                                                                           (choice["model"], choice["params"])]
    for name, params in tried:
        key = (name, json.dumps(params, sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        for rule in ({0.1, 0.0} if name != "popularity" else {choice["min_repeat_share"]}):
            for split in [*splits, COMPLETION]:
                if cancel is not None:
                    cancel.check()
                progress(Progress(len(rows), None, f"Testing {name} on {split}"))
                model = make(name, params)
                if split == COMPLETION:
                    r = evaluate_completion(model, data, KS, rule, keep_per_user=True, split=completion)
                else:
                    train, targets = splits[split]
                    r = evaluate(model, train, targets, KS, min_repeat_share=rule, keep_per_user=True)
                    if split == "last_basket" and r["users"]:
                        r.update(list_diversity(model, train, rule))
                per_user = r.pop("per_user", {})
                r["ci"] = {m: bootstrap_ci(per_user[m]) for m in ("ndcg@10", "recall@10") if m in per_user}
                rows.append({"model": name, "params": params, "min_repeat_share": rule, "split": split,
                             "selected": (name == choice["model"] and params == choice["params"]
                                          and rule == choice["min_repeat_share"]), **r})
    results = {"as_of": D.day_iso(data.last_day()), "selection": choice, "results": rows}
    if store:
        with transaction(db):
            db["evaluations"].insert({"kind": "recommend", "created_at": now(),
                                      "results": json.dumps(results)})
            _save_selection(db, choice)
    return results


def run_recommendations(db, limit: int = 10, progress=None, cancel=None) -> int:
    """Fit the shop's selected model, recommend for every customer, store with evidence."""
    progress = progress or no_progress
    data = _load(db)
    choice = selection(db, data, progress, cancel)
    progress(Progress(0, None, f"Fitting {choice['model']}"))
    model = make(choice["model"], choice["params"]).fit(data)
    products = load_products(db)
    as_of = D.day_number(db.execute("SELECT max(ordered_at) FROM orders").fetchone()[0])
    user_of = {int(c): u for u, c in enumerate(data.user_ids)}
    customers = [r[0] for r in db.execute("SELECT id FROM customers ORDER BY id")]
    users = np.arange(data.n_users)
    excluded = excluded_products(db)
    never = np.flatnonzero(np.isin(data.item_ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded))))
    items, scores = rank(model, data, users, limit, choice["min_repeat_share"], never=never)
    by_popularity = np.argsort(-model.popularity, kind="stable")
    pop_items = by_popularity[~np.isin(by_popularity, never)][:limit]
    ev = EvidenceBuilder(data, products, as_of, choice["model"], np.concatenate([items.ravel(), pop_items]))
    counts = data.counts()
    rows = []
    for n, cid in enumerate(customers):
        if n % 200 == 0:
            if cancel is not None:
                cancel.check()
            progress(Progress(n, len(customers), "Writing evidence"))
        u = user_of.get(cid)
        if u is None:
            recs = [(int(i), float(model.popularity[i])) for i in pop_items]
            tags = []
        else:
            recs = [(int(i), float(s)) for i, s in zip(items[u], scores[u]) if np.isfinite(s)]
            tags = interest_tags(data.item_ids[counts.indices[counts.indptr[u]:counts.indptr[u + 1]]].tolist(),
                                 products, labels_of=ev.labels, words_of=ev.words)
        # tuples, not dicts: tens of thousands of rows wait here for the one transaction below
        rows += [(cid, e["product"]["id"], e["kind"], r + 1, e["score"], evidence.encode(e))
                 for r, e in enumerate(ev.for_user(u, recs, model, tags))]
    with transaction(db):
        run_id = db["recommendation_runs"].insert({
            "model": choice["model"], "created_at": now(),
            "params": json.dumps({"params": choice["params"], "limit": limit,
                                  "min_repeat_share": choice["min_repeat_share"],
                                  "as_of": D.day_iso(as_of), "never_suggested": len(excluded),
                                  "orders": _fingerprint(db)}),
            "scores": json.dumps({k: v for k, v in choice.items() if k != "fingerprint"}),
        }).last_pk
        for a in range(0, len(rows), 5000):
            if cancel is not None:
                cancel.check()
            db.conn.executemany("INSERT INTO recommendations (run_id, customer_id, product_id, kind, rank, score, "
                                "evidence) VALUES (?, ?, ?, ?, ?, ?, ?)", [(run_id, *r) for r in rows[a:a + 5000]])
        carry_reviews(db, run_id)
        _save_selection(db, choice)
    progress(Progress(len(customers), len(customers), "Done"))
    return run_id


def up_to_date_run(db, limit: int = 10) -> int | None:
    """The latest run if it was made from the orders the shop holds now with the same list length."""
    row = db.execute("SELECT id, params FROM recommendation_runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    try:
        params = json.loads(row[1] or "{}")
    except ValueError:
        return None
    ok = params.get("orders") == _fingerprint(db) and params.get("limit") == limit
    return row[0] if ok else None


def bundles(db, min_support: int | None = None, limit: int = 50) -> list[dict]:
    """Frequently bought together sets, with their products' titles (a set counts each product with all
    its variants)."""
    titles = load_titles(db)
    out = find_bundles(db, min_support, limit)
    for b in out:
        b["names"] = [titles.get(p) for p in b["products"]]
    return out
