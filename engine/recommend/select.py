"""Which model a shop gets: the best on its own validation split, never hard-coded.

Every candidate (model and a few hyper-parameters, with the one-off reorder
rule on or off) is fitted on all baskets before each customer's
second-to-last one and scored on that basket by NDCG@10 (of at most MAX_USERS
customers, a seeded sample in bigger shops); then again one basket earlier
(fitted on the baskets before each customer's third-to-last, scored on it), a
rolling origin of FOLDS validation baskets. A customer's figure is the mean over
the folds they take part in. One basket per customer is a noisy vote where few
customers come back: on the Online Retail sample the three single folds chose
three different models (session 12). The most accurate candidate sets
the bar; every candidate not more than NON_INFERIOR (1%) worse than it, by a
paired bootstrap over the customers at 95% (one-sided), counts as just as
accurate, and of those the most personal wins: the one with the largest share
of customers whose top 10 differs from the most common top 10. A shop where
best sellers are as good as anything gets a list that follows each customer's
own purchases; a shop where only best sellers are good keeps best sellers.
"""

from __future__ import annotations

import numpy as np

from ..jobs import Progress
from .blend import Blend
from .content import ItemContent
from .data import Interactions, holdout_last
from .ease import EASE
from .evaluate import evaluate, paired_diff_ci
from .itemknn import ItemKNN
from .popularity import Popularity
from .repeat import Repeat
from .tifu import GroupedTIFUKNN, TIFUKNN
from .topfreq import PersonalTopFreq
from .twostage import EXPLORERS, ExploreOnly, RepeatOnly, TwoStage, learn_lifts

MODELS = {m.name: m for m in (Popularity, PersonalTopFreq, ItemKNN, EASE, TIFUKNN, GroupedTIFUKNN,
                              ItemContent, Blend, TwoStage)}
REPEAT_GRID = [{"beta": b, "item_weight": w, "gamma": g} for b in (0.0, 1.0) for w in (0.0, 1.0)
               for g in (0.0, 1.0)]
REPEAT_RULES = (0.1, 0.0)   # min repeat share for an item to count as a consumable; 0 = rule off
METRIC = "ndcg@10"
PERSONAL = "personalisation@10"
NON_INFERIOR = 0.01         # at most this much worse than the most accurate (share of its NDCG@10)
CONFIDENCE = 0.95           # one-sided: the lower end of the two-sided 90% paired interval
MARGIN = 1.01               # tuning a two-ranker part: a later setting must be 1% better
MIN_USERS = 20              # fewer validation customers than this: FALLBACK (a later fold: not used)
FOLDS = 2                   # validation baskets per customer, newest first (module doc)
MAX_USERS = 5000            # more: a seeded sample of them (NDCG@10 on 5,000 customers is within
                            # about +-0.005; scoring them all grew with the shop, 16 models x 2 rules)
# Which rule made a saved selection: one saved by another rule (e.g. "popularity unless 1% better",
# whose two-ranker candidate could explore by popularity) or of other candidates (P-TopFreq filled
# with untied best sellers) is made again, not reused.
SELECTION_RULE = ("most personal of the non-inferior over 2 validation folds; tied best sellers fill; "
                  "a tied fill up to rank 500 among the candidates, with or without 3 untied best sellers first; "
                  "tied best sellers when too few to compare")
# Too few returning customers to compare models: best sellers, those tied to what the customer bought first
# (topfreq.py's fill), and what they bought not suggested again unless its buyers rebuy it (the one-off rule). It
# cannot be measured on such a shop; on the others, for the customers who had a single order before the one
# they were scored on, it beat plain best sellers or tied, both with the one-off rule on as here (NDCG@10: Amazon
# 0.0999 against 0.0932, Online Retail 0.0260 against 0.0253, Groceries 0.2325 against 0.2328;
# docs/recommendations.md, session 13).
FALLBACK = ("p-topfreq", {"half_life": None})


def candidates() -> list[tuple[str, dict]]:
    """The models compared on the validation split. EASE is dense up to EASE.MAX_ITEMS products
    and sparse beyond, with the same lambdas."""
    return [
        ("popularity", {}),
        ("p-topfreq", {"half_life": None}), ("p-topfreq", {"half_life": 60}),
        ("p-topfreq", {"half_life": None, "fill_rank": 500}),
        ("p-topfreq", {"half_life": None, "fill_rank": 500, "untied": 3}),
        ("item-knn", {"k": 50}), ("item-knn", {"k": 200}),
        ("ease", {"lam": 100.0}), ("ease", {"lam": 500.0}), ("ease", {"lam": 2000.0}),
        ("item-content", {"w": 0.3, "k": 200}), ("item-content", {"w": 0.7, "k": 200}),
        ("tifu-knn", {"decay": 0.9, "k": 300, "alpha": 0.3}),
        ("tifu-knn", {"decay": 0.7, "k": 100, "alpha": 0.7}),
        ("tifu-knn-grouped", {"group_size": 3, "within": 0.9, "across": 0.7, "k": 300, "alpha": 0.1}),
        ("tifu-knn-grouped", {"group_size": 7, "within": 1.0, "across": 0.6, "k": 100, "alpha": 0.3}),
        ("blend", {"base": "ease", "w": 0.1, "lam": 500.0}),
        ("blend", {"base": "ease", "w": 0.3, "lam": 500.0}),
    ]


def make(name: str, params: dict):
    return MODELS[name](**params)


def scored(model, train: Interactions, targets: dict, name: str, params: dict, rule: float
           ) -> tuple[dict, np.ndarray]:
    """(the validation entry, each target customer's NDCG@10 in sorted customer order)."""
    r = evaluate(model, train, targets, ks=(10,), min_repeat_share=rule, keep_per_user=True, fitted=True)
    entry = {"model": name, "params": params, "min_repeat_share": rule,
             METRIC: r[METRIC], "recall@10": r["recall@10"], PERSONAL: r[PERSONAL]}
    return entry, r["per_user"][METRIC]


def most_personal_of_the_best(entries: list[dict], per_user: list[np.ndarray]) -> int:
    """Index of the chosen entry (module doc); marks each entry `non_inferior`. Ties in
    personalisation go to the more accurate, then to the earlier (simpler) candidate."""
    best = max(range(len(entries)), key=lambda n: (entries[n][METRIC], -n))
    bar = entries[best][METRIC]
    for e, values in zip(entries, per_user):
        lo = paired_diff_ci(values, per_user[best], level=1 - 2 * (1 - CONFIDENCE))[1]
        e["non_inferior"] = bool(e is entries[best] or lo >= -NON_INFERIOR * bar)
    return max((n for n, e in enumerate(entries) if e["non_inferior"]),
               key=lambda n: (entries[n][PERSONAL], entries[n][METRIC], -n))


def _sampled(targets: dict) -> dict:
    if len(targets) <= MAX_USERS:
        return targets
    sample = np.random.default_rng(0).choice(sorted(targets), MAX_USERS, replace=False)
    return {u: targets[u] for u in sorted(sample.tolist())}


def folds(data: Interactions) -> list[tuple[Interactions, dict]]:
    """(training baskets, {customer: validation basket}) per fold, newest first; a later fold only
    when at least MIN_USERS customers have a basket for it."""
    out, rest = [], holdout_last(data)[0]
    for _ in range(FOLDS):
        train, targets = holdout_last(rest)
        if out and len(targets) < MIN_USERS:
            break
        out.append((train, _sampled(targets)))
        rest = train
    return out


def _fold_entries(train: Interactions, targets: dict, report, cancel) -> list[tuple[dict, np.ndarray]]:
    """Every candidate's validation entry and per-customer NDCG@10 on one fold. The explore candidates
    are tuned for the two-ranker model as they come, so that only the best one stays in memory (all of
    them were kept until the end: three dense EASE weight matrices at once)."""
    out, explorer = [], None
    repeat_targets, new_targets = split_targets(train, targets)
    blends = [make(n, p) for n, p in candidates() if n == Blend.name]
    fitted = []   # the blends' base models, fitted once and kept for them
    for name, params in candidates():
        if cancel is not None:
            cancel.check()
        report()
        model = make(name, params)
        if name == Blend.name:
            model.reusing(next((m for m in fitted if model.builds_on(m)), None))
        model.fit(train)
        if any(blend.builds_on(model) for blend in blends):
            fitted.append(model)
        if name in EXPLORERS and new_targets:
            explorer = better(explorer, [name, params], ExploreOnly(model).fit(train), train, new_targets)
        out += [scored(model, train, targets, name, params, rule) for rule in REPEAT_RULES]
    report("Trying repeat and explore rankers together on your past orders")
    return out + two_stage_candidates(train, targets, repeat_targets, explorer, cancel)


def _key(entry: dict) -> tuple:
    """A candidate, the same in every fold. The two rankers are tuned within each fold (their parts
    and lifts may differ between folds), so they are one candidate per one-off rule."""
    params = {} if entry["model"] == TwoStage.name else entry["params"]
    return entry["model"], repr(sorted(params.items())), entry["min_repeat_share"]


def pool(per_fold: list[list[tuple[dict, np.ndarray]]], users: list[list[int]]
         ) -> tuple[list[dict], list[np.ndarray], int]:
    """(entries, per-customer NDCG@10 over all folds' customers, customers) for the candidates scored
    in every fold: a customer's value is the mean over the folds they are in; the entry is the newest
    fold's (its params: the two rankers as that fold tuned them) with the pooled NDCG@10, and
    recall and personalisation averaged over the folds by customers."""
    everyone = sorted(set().union(*map(set, users)))
    at = {u: n for n, u in enumerate(everyone)}
    rows = [[at[u] for u in us] for us in users]          # each fold's customers among everyone
    weights = np.array([len(us) for us in users], dtype=np.float64)
    by_key = [{_key(e): (e, v) for e, v in fold} for fold in per_fold]
    entries, values = [], []
    for key, (entry, _) in by_key[0].items():
        if not all(key in fold for fold in by_key):
            continue
        total, seen = np.zeros(len(everyone)), np.zeros(len(everyone))
        for fold, fold_rows in zip(by_key, rows):
            v = fold[key][1]
            np.add.at(total, fold_rows, np.nan_to_num(v))
            np.add.at(seen, fold_rows, ~np.isnan(v))
        pooled = dict(entry)
        for m in ("recall@10", PERSONAL):
            pooled[m] = float(np.average([fold[key][0][m] for fold in by_key], weights=weights))
        v = np.where(seen > 0, total / np.maximum(seen, 1), np.nan)
        pooled[METRIC], pooled["folds"] = float(np.nanmean(v)), len(per_fold)
        entries.append(pooled)
        values.append(v)
    return entries, values, len(everyone)


def select(data: Interactions, progress=None, cancel=None) -> dict:
    """{"model", "params", "min_repeat_share", "validation": [...], "note"} for this shop."""
    splits = folds(data)
    n_first = len(splits[0][1])
    choice = {"model": FALLBACK[0], "params": FALLBACK[1], "min_repeat_share": REPEAT_RULES[0],
              "validation_users": n_first, "validation_folds": 0, "validation": [], "rule": SELECTION_RULE}
    if n_first < MIN_USERS:
        choice["note"] = (f"only {n_first} customers have 3 or more orders; too few to compare models, so best "
                          "sellers are used, those tied to what each customer bought first")
        return choice
    steps, done = len(splits) * (len(candidates()) + 1), 0

    def report(message: str = "") -> None:
        # The owner reads this in the status bar: which method, in words, and how far along.
        nonlocal done
        if progress is not None:
            progress(Progress(done, steps, message or f"Trying suggestion method {done + 1} of {steps} on your past orders"))
        done += 1

    per_fold = [_fold_entries(train, targets, report, cancel) for train, targets in splits]
    entries, per_user, users = pool(per_fold, [sorted(t) for _, t in splits])
    chosen = entries[most_personal_of_the_best(entries, per_user)]
    choice.update(model=chosen["model"], params=chosen["params"], min_repeat_share=chosen["min_repeat_share"],
                  validation=entries, validation_users=users, validation_folds=len(splits))
    choice[METRIC] = chosen[METRIC]
    return choice


def split_targets(train: Interactions, targets: dict) -> tuple[dict, dict]:
    """({customer: validation items they bought before}, {customer: those they never bought}), each
    without customers who have none."""
    history, repeat, new = train.counts(), {}, {}
    for u, t in targets.items():
        owned = np.isin(t, history.indices[history.indptr[u]:history.indptr[u + 1]])
        for part, items in ((repeat, t[owned]), (new, t[~owned])):
            if len(items):
                part[u] = items
    return repeat, new


def better(best: tuple | None, params, model, train: Interactions, part: dict) -> tuple:
    """(NDCG@10, params, model) of the better of `best` and `model` on one part's targets; a later
    setting must be MARGIN better (NDCG@10 of each part: recall@10 of repeat items saturates when
    customers own fewer than 10 products)."""
    r = evaluate(model, train, part, ks=(10,), min_repeat_share=0.0, fitted=True).get(METRIC) or 0.0
    return (r, params, model) if best is None or r > best[0] * MARGIN else best


def two_stage_candidates(train: Interactions, targets: dict, repeat_targets: dict, explorer: tuple | None,
                         cancel=None) -> list[tuple[dict, np.ndarray]]:
    """The repeat ranker tuned on the customers' repeat items (`repeat_targets`), `explorer` (the explore
    ranker tuned on their never-bought items: `better`), then the merged list with its lifts learned
    (twostage.py)."""
    if not repeat_targets or explorer is None:
        return []
    best = None
    for p in REPEAT_GRID:
        if cancel is not None:
            cancel.check()
        best = better(best, p, RepeatOnly(Repeat(**p)).fit(train), train, repeat_targets)
    _, rep_params, repeat = best
    _, exp_params, explore = explorer
    lifts = learn_lifts(train, targets, repeat.base, explore.base)
    params = {"repeat": rep_params, "explore": exp_params, "lifts": lifts}
    model = TwoStage(**params).assemble(train, repeat.base, explore.base)
    out = []
    for rule in REPEAT_RULES:
        if cancel is not None:
            cancel.check()
        out.append(scored(model, train, targets, TwoStage.name, params, rule))
    return out
