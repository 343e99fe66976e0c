"""Products that must never be suggested: the owner's list of rules, and what a catalogue says.

A rule names a product by SKU, by a word or phrase in its name, by a tag or by its vendor; `*`
stands for any text. Sensible rules come with every shop (gift cards, tips, shipping protection,
postage, samples); the owner can change them. Products a catalogue marks archived or draft, and
products with no stock left, are never suggested either. The next recommendation run applies them.
"""

from __future__ import annotations

import json
import re

from engine.products import parse_tags

RULES_SETTING = "never_suggest.rules"
RULE_KINDS = {"sku": "SKU", "name": "name contains", "tag": "tag", "vendor": "vendor"}
DEFAULT_RULES = [("name", "gift card"), ("name", "gift voucher"), ("name", "gift certificate"),
                 ("name", "tip"), ("name", "shipping protection"), ("name", "route protection"),
                 ("name", "postage"), ("name", "sample"), ("name", "samples")]


def rules(db) -> list[tuple[str, str]]:
    """The shop's never-suggest rules: (kind, pattern) pairs; the defaults until the owner changes them."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [RULES_SETTING]).fetchone()
    return [tuple(r) for r in json.loads(row[0])] if row else list(DEFAULT_RULES)


def set_rules(db, new_rules: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Replace the rules; raises ValueError naming a rule that is not one."""
    clean = []
    for kind, pattern in new_rules:
        pattern = (pattern or "").strip()
        if kind not in RULE_KINDS:
            raise ValueError(f"'{kind}' is not a kind of rule; use one of: {', '.join(RULE_KINDS)}.")
        if not pattern.strip("*"):
            raise ValueError(f"A {RULE_KINDS[kind]} rule needs some text, not '{pattern}'.")
        if (kind, pattern) not in clean:
            clean.append((kind, pattern))
    db["settings"].upsert({"key": RULES_SETTING, "value": json.dumps(clean)}, pk="key")
    return clean


def rules_in_words(current: list[tuple[str, str]]) -> str:
    """The rules as the owner edits them: one a line, "name: gift card", "sku: POST", "tag: sample"."""
    return "\n".join(f"{kind}: {pattern}" for kind, pattern in current)


def rules_from_words(text: str) -> list[tuple[str, str]]:
    """The owner's lines back as rules (blank lines skipped); ValueError naming a line that is not one."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        kind, sep, pattern = line.partition(":")
        kind = kind.strip().casefold()
        if not sep or kind not in RULE_KINDS or not pattern.strip():
            raise ValueError(f"Line {n} (\"{line.strip()}\") is not a rule: write it like \"name: gift card\", "
                             f"starting with one of {', '.join(RULE_KINDS)}.")
        out.append((kind, pattern.strip()))
    return out


def _matcher(kind: str, pattern: str):
    """A test of one text for the rule: names match whole words or phrases, the rest whole values."""
    body = ".*".join(re.escape(part) for part in pattern.casefold().split("*"))
    if kind == "name":
        regex = re.compile(rf"(?<!\w){body}(?!\w)")
        return lambda text: bool(regex.search(text))
    regex = re.compile(rf"{body}\Z")
    return lambda text: bool(regex.match(text))


def excluded_products(db) -> dict[int, str]:
    """Product id -> why it is never suggested, in words ("name contains 'gift card'", "archived")."""
    tests = [(kind, pattern, _matcher(kind, pattern)) for kind, pattern in rules(db)]
    out: dict[int, str] = {}
    for pid, sku, name, tags, vendor, status, stock in db.execute(
            "SELECT id, sku, name, tags, vendor, status, stock FROM products"):
        values = {"sku": [(sku or "").casefold()], "name": [(name or "").casefold()],
                  "tag": [t.casefold() for t in parse_tags(tags)], "vendor": [(vendor or "").casefold()]}
        why = next((f"{RULE_KINDS[kind]} '{pattern}'" for kind, pattern, test in tests
                    if any(v and test(v) for v in values[kind])), None)
        if why is None and status in ("archived", "draft"):
            why = status
        if why is None and stock is not None and stock <= 0:
            why = "out of stock"
        if why is not None:
            out[pid] = why
    return out
