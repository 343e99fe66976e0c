"""Offline evaluation: temporal hold-out, Recall/NDCG/hit rate at K, repeat vs new;
basket completion; personalisation and coverage.

Follows Li et al., "A Next Basket Recommendation Reality Check" (TOIS 2023):
target items the customer bought before are "repeat", the others "new", and
the metrics are also reported on each part.

Basket completion (`completion_split`, `evaluate_completion`): every customer's last
basket with two or more items (one-order customers included) loses one item, chosen at
random with a fixed seed; the model, fitted on everything else (the rest of that basket
included), ranks the catalogue without the items already in the basket, and is scored on
finding the hidden item. It measures discovery where the last-basket split cannot see:
shops where most customers order once.

Personalisation: the share of customers whose top 10 (as a set) differs from the most
common top 10; coverage: the share of the catalogue in anyone's top 10.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import scipy.sparse as sp

from .data import Interactions
from .reorder import blocked_repeats, consumables, trips

KS = (5, 10)
# Scores are dense (customers x items) blocks: sized by cells, not customers, so that a big
# catalogue does not make each block (and the model's temporaries) hundreds of MB.
BLOCK_CELLS = 1_000_000


def rank(model, data: Interactions, users: np.ndarray, k: int, min_repeat_share: float = 0.1,
         block_cells: int = BLOCK_CELLS, never: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The k best items per user and their scores, after the reorder rule removed
    one-off non-consumables and `never` (item indices the shop never suggests) was left out
    (their score is -inf when too few items are left)."""
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
        if never is not None and len(never):
            s[:, never] = -np.inf
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


def bootstrap_ci(values: np.ndarray, n: int = 1000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """The `level` bootstrap interval of the mean, resampling the customers that have a value."""
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(n, len(v)))].mean(axis=1)
    tail = 100 * (1 - level) / 2
    return float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail))


def paired_diff_ci(a: np.ndarray, b: np.ndarray, n: int = 1000, seed: int = 0, level: float = 0.95
                   ) -> tuple[float, float, float]:
    """(mean of a - b, and its `level` bootstrap interval), resampling customers with both values."""
    d = a - b
    lo, hi = bootstrap_ci(d, n, seed, level)
    d = d[~np.isnan(d)]
    return (float(d.mean()) if len(d) else float("nan"), lo, hi)


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
        out[f"personalisation@{k}"] = personalisation(recs[:, :k])   # of these customers' lists
    return out


def personalisation(recs: np.ndarray) -> float:
    """Share of customers whose list (as a set) differs from the most common list."""
    if len(recs) == 0:
        return 0.0
    lists = Counter(tuple(sorted(r)) for r in recs.tolist())
    return 1.0 - lists.most_common(1)[0][1] / len(recs)


def list_diversity(model, data: Interactions, min_repeat_share: float = 0.1, k: int = 10,
                   fitted: bool = True) -> dict:
    """Personalisation and catalogue coverage of every customer's top k."""
    if not fitted:
        model.fit(data)
    recs = top_k(model, data, np.arange(data.n_users), k, min_repeat_share)
    return {"personalisation": personalisation(recs),
            "catalogue_coverage": float(len(np.unique(recs)) / max(data.n_items, 1))}


def completion_split(data: Interactions, seed: int = 0) -> tuple[Interactions, dict, dict]:
    """(data without one item of each customer's last multi-item basket, {user: [hidden item]},
    {user: the basket's remaining items})."""
    is_last = np.ones(len(data.b_user), dtype=bool)
    is_last[:-1] = data.b_user[:-1] != data.b_user[1:]
    sizes = np.diff(data.baskets.indptr)
    chosen = np.flatnonzero(is_last & (sizes >= 2))
    rng = np.random.default_rng(seed)
    b = data.baskets.tolil(copy=True)
    hidden, rest = {}, {}
    ptr, idx = data.baskets.indptr, data.baskets.indices
    for row in chosen:
        items = idx[ptr[row]:ptr[row + 1]]
        h = int(items[rng.integers(len(items))])
        u = int(data.b_user[row])
        hidden[u], rest[u] = np.array([h]), items[items != h]
        b[row, h] = 0
    baskets = sp.csr_matrix(b)
    baskets.eliminate_zeros()
    return (dataclasses.replace(data, baskets=baskets),
            hidden, rest)


class _InTheBasket:
    """A fitted model whose ranking leaves out the items already in the basket being completed."""

    def __init__(self, model, rest: dict):
        self.model, self.rest = model, rest

    def score(self, users):
        s = self.model.score(users)
        for r, u in enumerate(users):
            s[r, self.rest.get(int(u), [])] = -np.inf
        return s


def evaluate_completion(model, data: Interactions, ks=KS, min_repeat_share: float = 0.0,
                        keep_per_user: bool = False, split=None) -> dict:
    """Basket completion (see the module doc): Recall (= hit rate) and NDCG at k of the hidden item."""
    train, hidden, rest = split or completion_split(data)
    model.fit(train)
    return evaluate(_InTheBasket(model, rest), train, hidden, ks, min_repeat_share,
                    keep_per_user=keep_per_user, fitted=True)
