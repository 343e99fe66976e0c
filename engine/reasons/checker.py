"""The faithfulness checker: a reason may only say what the evidence supports.

Rules: every number in the text matches a number in the evidence (as written
or rounded, shares also as percentages); every product named is one of the
evidence's (the recommended product, the customer's contributing purchases, the
co-purchase partner): a run of capitalised words that is no known name counts
as an invented product, and another product of the catalogue as an unrelated
one, since any link the text makes to it is not in the evidence; the reason
names the product it recommends, once; the length stays within limits. It checks
names and numbers, not meaning.
"""

from __future__ import annotations

import collections
import functools
import re
from dataclasses import dataclass, field

from . import numbers, prompt

MIN_WORDS, MAX_WORDS, MAX_CHARS = 4, 50, 300
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'&-]*(?:\s+(?:of|and|for|with|&|[A-Z][\w'&-]*))*\s+[A-Z][\w'&-]*")
FEATURE_WORDS = {
    "reorder": ("again", "reorder", "restock", "top up", "running low", "run low", "refill",
                "last bought", "every", "due", "time for", "usual"),
    "co_purchase": ("also bought", "also buy", "together", "pair", "go with", "goes with", "customers who"),
    "bought_before": ("before", "again", "another", "your last", "last time", "last on", "bought it"),
}


@dataclass
class Check:
    ok: bool
    problems: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)   # known products the text names
    invented: list[str] = field(default_factory=list)   # capitalised names nobody knows
    unrelated: list[str] = field(default_factory=list)  # catalogue products the evidence does not hold


NOT_CLAIMS = ("id", "product_id", "with_product_id", "score", "model", "rank", "weight", "support")
PROMPT_ECHO = re.compile(r"\b(discover|reorder|feature|interests|bought|before|likes):|AI assistant|<\|", re.IGNORECASE)


def _walk(obj):
    """Every value of the evidence a reason may repeat (ids, scores and ranks are not for customers)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in NOT_CLAIMS:
                yield from _walk(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _walk(v)
    else:
        yield obj


def allowed_numbers(ev: dict) -> set[str]:
    out: set[str] = set()
    for v in _walk(ev):
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)):
            out |= numbers.variants(v)
        elif isinstance(v, str):
            out |= set(numbers.in_text(v))
    return out


def evidence_names(ev: dict) -> set[str]:
    names = {ev.get("product", {}).get("name")}
    names |= {c.get("name") for c in ev.get("contributors") or []}
    if ev.get("co_purchase"):
        names.add(ev["co_purchase"].get("with_name"))
    return {n for n in names if n}


def labels(ev: dict) -> set[str]:
    p = ev.get("product", {})
    out = {p.get("category"), p.get("vendor"), *(p.get("tags") or []), *(ev.get("customer_tags") or [])}
    if ev.get("affinity"):
        out.add(ev["affinity"].get("label"))
    return {x for x in out if x}


def _as_word(name: str) -> str:
    """A pattern for the name as whole words, ignoring case (match it against casefolded text)."""
    return r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)"


def _contains(text_cf: str, name: str) -> bool:
    return re.search(_as_word(name), text_cf) is not None


def _by_casefold(names) -> dict[str, list[str]]:
    index = collections.defaultdict(list)
    for n in names:
        index[n.casefold()].append(n)
    return dict(index)


_catalogue_index = functools.lru_cache(maxsize=4)(_by_casefold)   # a shop's catalogue is one frozenset


NON_WORD = re.compile(r"\W")


def names_in(text: str, names: frozenset | set) -> list[str]:
    """The names that occur in the text as whole words, ignoring case (what `_contains` says of each).

    Looks up every stretch of the text that starts and ends at a word boundary, instead of
    searching the text once per name: a catalogue has thousands of names, a reason a few words.
    """
    index = _catalogue_index(names) if isinstance(names, frozenset) else _by_casefold(names)
    cf = text.casefold()
    cuts = [m.start() for m in NON_WORD.finditer(cf)]
    starts, ends = [0, *(c + 1 for c in cuts)], [*cuts, len(cf)]
    return list(dict.fromkeys(n for i in starts for j in ends if j > i for n in index.get(cf[i:j], ())))


def check(text: str, ev: dict, catalogue: set[str] | frozenset = frozenset(),
          require_name: bool = True) -> Check:
    problems = []
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or len(text) > MAX_CHARS:
        problems.append(f"length {len(words)} words")
    counts = collections.Counter(w.strip(".,!?;:").casefold() for w in words)
    if words and counts.most_common(1)[0][1] > max(3, len(words) // 4):
        problems.append("repetitive")
    if PROMPT_ECHO.search(text) or "|>" in text:
        problems.append("echoes the prompt")
    if not text.rstrip().endswith((".", "!", "?")):
        problems.append("unfinished sentence")
    cp = ev.get("co_purchase")
    others = allowed_numbers({k: v for k, v in ev.items() if k != "co_purchase"})
    allowed = others | allowed_numbers(cp or {})
    own = evidence_names(ev)
    named = sorted(set(names_in(text, own)) | set(names_in(text, catalogue)), key=len, reverse=True)
    # A shorter catalogue name inside an evidence product's name ("chocolate" in "specialty
    # chocolate") is that product, not another one.
    unrelated = [n for n in named if n not in own and not any(_contains(o.casefold(), n) for o in own)]
    if unrelated:
        problems.append("names products outside the evidence: " + ", ".join(unrelated))
    # Numbers inside a named product ("Strings 10-46") are part of the name, not claims.
    rest = text
    for n in named + sorted(labels(ev), key=len, reverse=True):
        rest = re.sub(re.escape(n), " ", rest, flags=re.IGNORECASE)
    bad = [x for x in numbers.in_text(rest) if x not in allowed]
    if bad:
        problems.append("numbers not in evidence: " + ", ".join(bad))
    if cp and cp.get("with_name") and cp["with_name"] not in named:
        # Co-purchase figures are about buyers of the partner: without its name they are pinned
        # on another product ("Out of 35 customers with <the product itself>, 2 also bought it").
        figures = (numbers.variants(cp.get("customers_with") or 0) | numbers.variants(cp.get("customers_both") or 0)
                   | {numbers.pct(cp.get("confidence") or 0).rstrip("%")}) - others
        if set(numbers.in_text(rest)) & figures:
            problems.append("co-purchase figures without the product they are about")
    invented = [m for m in CAPITALISED_RUN.findall(rest) if len(m.split()) >= 2]
    if invented:
        problems.append("unknown products: " + ", ".join(invented))
    p = ev.get("product", {})
    # A reason that never names what it recommends is off topic, or about the wrong product of a pair.
    if require_name and p.get("name") and p["name"] not in named:
        problems.append("does not name the product it recommends")
    # Named twice, it is nearly always paired with itself: "People who buy X often add X too."
    # Inside a longer evidence name ("chocolate" in "specialty chocolate") it is not named.
    if p.get("name"):
        rest_cf = text.casefold()
        for n in sorted(own - {p["name"]}, key=len, reverse=True):
            rest_cf = re.sub(_as_word(n), " ", rest_cf)
        if len(re.findall(_as_word(p["name"]), rest_cf)) > 1:
            problems.append("names the product it recommends twice")
    return Check(not problems, problems, named, invented, unrelated)


def mentions_feature(text: str, ev: dict, feature: str) -> bool:
    """Does the text talk about the given feature of the evidence (PETER's feature matching)?"""
    cf = text.casefold()
    said = lambda *xs: any(x and _contains(cf, str(x)) for x in xs)  # noqa: E731
    nums = set(numbers.in_text(text))
    if feature == "reorder" and (r := ev.get("reorder")):
        return bool(nums & (numbers.variants(r["times_bought"]) | numbers.variants(r["typical_days_between"])
                            | numbers.variants(r["due_in_days"]))) or any(w in cf for w in FEATURE_WORDS["reorder"])
    if feature == "co_purchase" and (c := ev.get("co_purchase")):
        return said(c["with_name"]) or numbers.pct(c["confidence"]).rstrip("%") in nums \
            or any(w in cf for w in FEATURE_WORDS["co_purchase"])
    if feature == "contributor":
        return said(*prompt.contributors(ev))
    if feature == "affinity" and (a := ev.get("affinity")):
        return said(a["label"])
    if feature == "bought_before" and (b := ev.get("bought_before")):
        return said(b["last_bought"]) or any(w in cf for w in FEATURE_WORDS["bought_before"])
    p = ev.get("product", {})
    return said(p.get("name"), p.get("category"), *(p.get("tags") or []))
