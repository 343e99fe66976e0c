"""Silver reasons reworded by the base model itself, kept only when nothing true was lost.

Silver reasons come from a few dozen phrasings; a model trained on them alone
learns those sentence shapes and little else. The base model's own rewording
adds shapes no template has. It rewords the reason in slots (`{product}`...),
as the reason writer will write it. A rewrite is kept only when it keeps every
slot of the original, and filled from the evidence it passes the claim checker
and still talks about the feature.
"""

from __future__ import annotations

import re

from engine.jobs import CancelToken, Progress, no_progress

from . import slots
from .checker import check, mentions_feature
from .generate import Generator, sample

# Two worked examples teach the small model the task; they are read once per batch (shared prefix).
SHARED = ("<|im_start|>system\nYou reword short shop messages. Keep every {slot} as it is.<|im_end|>\n"
          "<|im_start|>user\nYou have bought {product} {times}, {every}, so a refill may be due."
          "<|im_end|>\n<|im_start|>assistant\nYour {product} tends to last you {every}, and you have "
          "ordered it {times}, so it may be time for a new one.<|im_end|>\n"
          "<|im_start|>user\n{share} of customers who bought {partner} also picked up {product}.<|im_end|>\n"
          "<|im_start|>assistant\n{product} goes well with {partner}: {share} of the customers who bought "
          "{partner} took some too.<|im_end|>\n<|im_start|>user\n")
ASK = "{text}<|im_end|>\n<|im_start|>assistant\n"
# Words of a model talking about the task instead of doing it.
META = re.compile(r"\b(reword|rewrite|slots?|product names?|numbers?|message|sentence|version|I|I'm|I'd|I'll)\b")


def survived(original: str, rewrite: str, ev: dict, feature: str, catalogue) -> bool:
    """Is the rewrite (in slots) new wording of the same true facts?"""
    if rewrite.casefold().strip(" .!") == original.casefold().strip(" .!") or META.search(rewrite):
        return False
    if not 0.6 <= len(rewrite.split()) / len(original.split()) <= 1.8:
        return False
    if not set(slots.SLOT.findall(original)) <= set(slots.SLOT.findall(rewrite)):
        return False
    text = slots.fill(rewrite, ev)
    return text is not None and check(text, ev, catalogue).ok and mentions_feature(text, ev, feature)


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
