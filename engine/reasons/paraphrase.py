"""Silver reasons reworded by the base model itself, kept only when nothing true was lost.

Silver reasons come from a few dozen phrasings; a model trained on them alone
learns those sentence shapes and little else. The base model's own rewording
adds shapes no template has. A rewrite is kept only when the checker passes it
against the evidence, it still talks about the feature, and it still names
every product and states every number of the original.
"""

from __future__ import annotations

import re

from engine.jobs import CancelToken, Progress, no_progress

from . import numbers
from .checker import check, mentions_feature
from .generate import Generator, sample

# Two worked examples teach the small model the task; they are read once per batch (shared prefix).
SHARED = ("<|im_start|>system\nYou reword short shop messages. Keep every product name and number.<|im_end|>\n"
          "<|im_start|>user\nYou have bought Lavazza Espresso 4 times, about every 21 days, so a refill may be due."
          "<|im_end|>\n<|im_start|>assistant\nYour Lavazza Espresso tends to last about 21 days and you have "
          "ordered it 4 times, so it may be time for a new bag.<|im_end|>\n"
          "<|im_start|>user\n35% of customers who bought Pasta Sauce also picked up Penne.<|im_end|>\n"
          "<|im_start|>assistant\nPenne goes well with Pasta Sauce: 35% of the customers who bought the sauce "
          "took some too.<|im_end|>\n<|im_start|>user\n")
ASK = "{text}<|im_end|>\n<|im_start|>assistant\n"
# Words of a model talking about the task instead of doing it.
META = re.compile(r"\b(reword|rewrite|product names?|numbers?|message|sentence|version|I|I'm|I'd|I'll)\b")


def survived(original: str, rewrite: str, ev: dict, feature: str, catalogue) -> bool:
    """Is the rewrite new wording of the same true facts?"""
    if rewrite.casefold().strip(" .!") == original.casefold().strip(" .!") or META.search(rewrite):
        return False
    if not 0.6 <= len(rewrite.split()) / len(original.split()) <= 1.8:
        return False
    result = check(rewrite, ev, catalogue)
    if not result.ok or not mentions_feature(rewrite, ev, feature):
        return False
    if not set(numbers.in_text(original)) <= set(numbers.in_text(rewrite)):
        return False
    return set(check(original, ev, catalogue).products) <= set(result.products)


def reword(gen: Generator, silver: list[tuple[dict, str, str]], catalogue, progress=no_progress,
           cancel: CancelToken | None = None) -> list[tuple[dict, str, str]]:
    """(evidence, feature, rewrite) for each (evidence, feature, silver text) whose rewrite survived."""
    got = sample(gen, [ASK.format(text=text) for _, _, text in silver], candidates=2, cancel=cancel,
                 shared=SHARED, progress=lambda p: progress(Progress(p.done, p.total, "Rewording examples")))
    out = []
    for (ev, feature, text), cands in zip(silver, got):
        keep = next((c for c in cands if survived(text, c, ev, feature, catalogue)), None)
        if keep:
            out.append((ev, feature, keep))
    return out
