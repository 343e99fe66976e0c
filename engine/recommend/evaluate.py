"""Offline evaluation: temporal hold-out, Recall/NDCG/hit rate at K, repeat vs new.

Follows Li et al., "A Next Basket Recommendation Reality Check" (TOIS 2023):
target items the customer bought before are "repeat", the others "new", and
the metrics are also reported on each part.
"""

from __future__ import annotations

import numpy as np

from .data import Interactions
from .reorder import blocked_repeats, consumables, trips

KS = (5, 10)
# Scores are dense (customers x items) blocks: sized by cells, not customers, so that a big
# catalogue does not make each block (and the model's temporaries) hundreds of MB.
BLOCK_CELLS = 4_000_000


def rank(model, data: Interactions, users: np.ndarray, k: int, min_repeat_share: float = 0.1,
         block_cells: int = BLOCK_CELLS) -> tuple[np.ndarray, np.ndarray]:
    """The k best items per user and their scores, after the reorder rule removed
    one-off non-consumables (their score is -inf when too few items are left)."""
    t = trips(data)
    cons = consumables(data, min_repeat_share, t)
    k = min(k, data.n_items)
    chunk = max(1, block_cells // data.n_items)
    items = np.zeros((len(users), k), dtype=np.int64)
    scores = np.zeros((len(users), k), dtype=np.float32)
    for a in range(0, len(users), chunk):
        us = users[a:a + chunk]
        s = model.score(us)
        for r, blocked in enumerate(blocked_repeats(data, us, cons, t)):
            s[r, blocked] = -np.inf
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(s, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        items[a:a + chunk] = np.take_along_axis(part, order, axis=1)
        scores[a:a + chunk] = np.take_along_axis(vals, order, axis=1)
    return items, scores


def top_k(model, data, users, k, min_repeat_share=0.1):
    return rank(model, data, users, k, min_repeat_share)[0]


def per_user_metrics(recs: np.ndarray, targets: list[np.ndarray], histories: list[set], k: int) -> dict:
    """Arrays of per-user metrics (NaN where a part does not apply)."""
    n = len(targets)
    m = {name: np.full(n, np.nan) for name in
         ("recall", "ndcg", "hit", "recall_repeat", "recall_new")}
    disc = 1 / np.log2(np.arange(2, k + 2))
    for r, (rec, t, h) in enumerate(zip(recs[:, :k], targets, histories)):
        t = set(t.tolist())
        hits = np.array([i in t for i in rec])
        m["recall"][r] = hits.sum() / len(t)
        m["hit"][r] = float(hits.any())
        m["ndcg"][r] = (hits * disc[:len(rec)]).sum() / disc[:min(len(t), k)].sum()
        rep, new = t & h, t - h
        got = set(rec.tolist())
        if rep:
            m["recall_repeat"][r] = len(got & rep) / len(rep)
        if new:
            m["recall_new"][r] = len(got & new) / len(new)
    return m


def bootstrap_ci(values: np.ndarray, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(n, len(v)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def evaluate(model, train: Interactions, targets: dict[int, np.ndarray], ks=KS,
             min_repeat_share: float = 0.1, keep_per_user: bool = False, fitted: bool = False) -> dict:
    """Fit on train, recommend for the target users, score against their targets."""
    if not fitted:
        model.fit(train)
    users = np.array(sorted(targets), dtype=np.int64)
    if len(users) == 0:
        return {"users": 0}
    recs = top_k(model, train, users, max(ks), min_repeat_share)
    counts = train.counts()
    histories = [set(counts.indices[counts.indptr[u]:counts.indptr[u + 1]].tolist()) for u in users]
    tgt = [targets[u] for u in users]
    out: dict = {"users": int(len(users))}
    for k in ks:
        m = per_user_metrics(recs, tgt, histories, k)
        for name, v in m.items():
            out[f"{name}@{k}"] = float(np.nanmean(v)) if (~np.isnan(v)).any() else None
            if keep_per_user:
                out.setdefault("per_user", {})[f"{name}@{k}"] = v
        out[f"coverage@{k}"] = float(len(np.unique(recs[:, :k])) / max(train.n_items, 1))
    return out
