"""Text metrics for reasons, as in the PEPLER code: BLEU-1/4, ROUGE-1/2/L, USR, distinct-n."""

from __future__ import annotations

import collections
import math
import re

_WORD = re.compile(r"\w+|[^\w\s]")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(toks: list[str], n: int) -> collections.Counter:
    return collections.Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def bleu(references: list[str], generated: list[str], max_n: int = 4) -> float:
    """Corpus BLEU (uniform weights up to max_n, brevity penalty, no smoothing) x 100."""
    matches, possible = [0] * max_n, [0] * max_n
    ref_len = gen_len = 0
    for ref, gen in zip(references, generated):
        r, g = tokens(ref), tokens(gen)
        ref_len, gen_len = ref_len + len(r), gen_len + len(g)
        for n in range(1, max_n + 1):
            rg, gg = ngrams(r, n), ngrams(g, n)
            matches[n - 1] += sum((rg & gg).values())
            possible[n - 1] += max(0, len(g) - n + 1)
    if min(possible) == 0 or min(matches) == 0:
        return 0.0
    log_p = sum(math.log(m / p) for m, p in zip(matches, possible)) / max_n
    bp = 1.0 if gen_len > ref_len else math.exp(1 - ref_len / max(gen_len, 1))
    return 100 * bp * math.exp(log_p)


def _f1(overlap: int, n_gen: int, n_ref: int) -> float:
    if not overlap:
        return 0.0
    p, r = overlap / n_gen, overlap / n_ref
    return 2 * p * r / (p + r)


def _lcs(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge(references: list[str], generated: list[str]) -> dict:
    """Average ROUGE-1/2/L F-scores x 100."""
    sums = collections.Counter()
    for ref, gen in zip(references, generated):
        r, g = tokens(ref), tokens(gen)
        for n in (1, 2):
            rg, gg = ngrams(r, n), ngrams(g, n)
            sums[f"rouge{n}"] += _f1(sum((rg & gg).values()), sum(gg.values()), sum(rg.values()))
        sums["rougeL"] += _f1(_lcs(r, g), len(g), len(r))
    k = max(len(generated), 1)
    return {key: 100 * v / k for key, v in sums.items()}


def unique_sentence_ratio(texts: list[str]) -> float:
    return len(set(t.strip().lower() for t in texts)) / max(len(texts), 1)


def distinct(texts: list[str], n: int) -> float:
    grams = collections.Counter()
    for t in texts:
        grams.update(ngrams(tokens(t), n))
    return len(grams) / max(sum(grams.values()), 1)
