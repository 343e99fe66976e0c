"""Which model a shop gets: the best on its own validation split, never hard-coded.

Every candidate (model and a few hyper-parameters, with the one-off reorder
rule on or off) is fitted on all baskets before each customer's
second-to-last one and scored on that basket by NDCG@10 (of at most MAX_USERS
customers, a seeded sample in bigger shops). Popularity comes
first and a later candidate must beat the best so far by a margin, so the
simplest model wins ties.
"""

from __future__ import annotations

import numpy as np

from ..jobs import Progress
from .blend import Blend
from .data import Interactions, holdout_last
from .ease import EASE
from .evaluate import evaluate
from .itemknn import ItemKNN
from .popularity import Popularity
from .tifu import TIFUKNN
from .topfreq import PersonalTopFreq

MODELS = {m.name: m for m in (Popularity, PersonalTopFreq, ItemKNN, EASE, TIFUKNN, Blend)}
REPEAT_RULES = (0.1, 0.0)   # min repeat share for an item to count as a consumable; 0 = rule off
METRIC = "ndcg@10"
MARGIN = 1.01               # a more complex candidate must be 1% better
MIN_USERS = 20              # fewer validation customers than this: popularity
MAX_USERS = 5000            # more: a seeded sample of them (NDCG@10 on 5,000 customers is within
                            # about +-0.005; scoring them all grew with the shop, 12 models x 2 rules)


def candidates() -> list[tuple[str, dict]]:
    return [
        ("popularity", {}),
        ("p-topfreq", {"half_life": None}), ("p-topfreq", {"half_life": 60}),
        ("item-knn", {"k": 50}), ("item-knn", {"k": 200}),
        ("ease", {"lam": 100.0}), ("ease", {"lam": 500.0}), ("ease", {"lam": 2000.0}),
        ("tifu-knn", {"decay": 0.9, "k": 300, "alpha": 0.3}),
        ("tifu-knn", {"decay": 0.7, "k": 100, "alpha": 0.7}),
        ("blend", {"base": "ease", "w": 0.1, "lam": 500.0}),
        ("blend", {"base": "ease", "w": 0.3, "lam": 500.0}),
    ]


def make(name: str, params: dict):
    return MODELS[name](**params)


def select(data: Interactions, progress=None, cancel=None) -> dict:
    """{"model", "params", "min_repeat_share", "validation": [...], "note"} for this shop."""
    train, targets = holdout_last(holdout_last(data)[0])
    if len(targets) > MAX_USERS:
        sample = np.random.default_rng(0).choice(sorted(targets), MAX_USERS, replace=False)
        targets = {u: targets[u] for u in sorted(sample.tolist())}
    choice = {"model": "popularity", "params": {}, "min_repeat_share": REPEAT_RULES[0],
              "validation_users": len(targets), "validation": []}
    if len(targets) < MIN_USERS:
        choice["note"] = (f"only {len(targets)} customers have 3 or more orders; too few to compare "
                          "models, so best sellers are used")
        return choice
    best = -1.0
    cands = candidates()
    for n, (name, params) in enumerate(cands):
        if cancel is not None:
            cancel.check()
        if progress is not None:
            # The owner reads this in the status bar: which method, in words, and how far along.
            progress(Progress(n, len(cands), f"Trying suggestion method {n + 1} of {len(cands)} on your past orders"))
        model = make(name, params).fit(train)
        for rule in REPEAT_RULES:
            r = evaluate(model, train, targets, ks=(10,), min_repeat_share=rule, fitted=True)
            choice["validation"].append({"model": name, "params": params, "min_repeat_share": rule,
                                         METRIC: r[METRIC], "recall@10": r["recall@10"]})
            if r[METRIC] > best * MARGIN:
                best = r[METRIC]
                choice.update(model=name, params=params, min_repeat_share=rule)
    choice[METRIC] = best
    return choice
