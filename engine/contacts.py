"""How a customer's contact details are read from order exports: names, e-mail, phone, consent.

One place for the rules, used by the importer (engine/ingest/orders.py) and by the schema
migration that gave old shops their contact columns (engine/db.py).
"""

from __future__ import annotations

import re

CONSENT_VALUES = ("yes", "no", "unknown")

# What shop systems write in an "accepts marketing" column.
_YES = {"yes", "y", "true", "1", "subscribed", "opted_in", "opt-in", "opted in", "ja", "oui", "si", "sí"}
_NO = {"no", "n", "false", "0", "unsubscribed", "not_subscribed", "opted_out", "opt-out",
       "opted out", "nein", "non", "never_subscribed", "invalid", "redacted"}
_SPACES = re.compile(r"\s+")


def consent(value: str | None) -> str:
    """'yes', 'no' or 'unknown' for one cell of a marketing-consent column."""
    text = _SPACES.sub(" ", (value or "")).strip().casefold()
    if text in _YES:
        return "yes"
    if text in _NO:
        return "no"
    return "unknown"


def split_name(full: str | None) -> tuple[str, str]:
    """(first name, last name) of a full name as exports write it: the first word, then the rest.

    Mailing tools want the two apart ("Hi Anna"); a one-word name is a first name.
    """
    words = _SPACES.sub(" ", full or "").strip().split(" ")
    if not words or not words[0]:
        return "", ""
    return words[0], " ".join(words[1:])


def normal_email(value: str | None) -> str:
    """An e-mail as a key: trimmed and lower case; '' when it is not an address at all."""
    text = (value or "").strip().lower()
    return text if "@" in text else ""


def normal_phone(value: str | None) -> str:
    """A phone number as a key: digits and a leading +; '' when there are fewer than 5 digits.

    Shopify writes a leading apostrophe ('+44...) so that spreadsheets keep the number as text.
    """
    digits = re.sub(r"[^\d+]", "", (value or "").strip().lstrip("'"))
    return digits if sum(ch.isdigit() for ch in digits) >= 5 else ""
