"""Reorder timing: how often a customer rebuys an item and whether it is due.

An item is a consumable when at least `min_repeat_share` of its buyers bought
it in two or more orders; an item a customer bought once that is not a
consumable is not pushed again (nobody needs a second guitar stand).
"""

from __future__ import annotations

import numpy as np

from .data import Interactions, day_iso

MIN_REPEAT_SHARE = 0.1


def consumables(data: Interactions, min_repeat_share: float = MIN_REPEAT_SHARE) -> np.ndarray:
    """Boolean per item: is it bought again by enough of its buyers?"""
    if min_repeat_share <= 0:
        return np.ones(data.n_items, dtype=bool)
    counts = data.counts()
    buyers = np.bincount(counts.indices, minlength=data.n_items)
    repeaters = np.bincount(counts.indices[counts.data >= 2], minlength=data.n_items)
    return repeaters >= min_repeat_share * np.maximum(buyers, 1) if len(counts.data) else np.zeros(data.n_items, bool)


def blocked_repeats(data: Interactions, users: np.ndarray, consumable: np.ndarray) -> list[np.ndarray]:
    """Per user: the items bought exactly once that are not consumables (not to be recommended)."""
    c = data.counts()
    out = []
    for u in users:
        idx, cnt = c.indices[c.indptr[u]:c.indptr[u + 1]], c.data[c.indptr[u]:c.indptr[u + 1]]
        out.append(idx[(cnt == 1) & ~consumable[idx]])
    return out


def cycle(days: list[int], as_of: int) -> dict | None:
    """The reorder cycle from the days of the distinct orders holding the item."""
    if not days:
        return None
    days = sorted(days)
    gaps = np.diff(days)
    typical = float(np.median(gaps)) if len(gaps) else None
    since = int(as_of - days[-1])
    return {
        "times_bought": len(days),
        "typical_days_between": typical,
        "last_bought": day_iso(days[-1]),
        "days_since_last": since,
        "due_in_days": None if typical is None else typical - since,
    }
