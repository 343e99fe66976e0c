"""The one clock: every time the engine stores is UTC, ISO-8601, to the second ("2025-03-01T09:30:00+00:00").

Screens turn stored times into the owner's local time (gui/times.py); nothing else formats them.
"""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    """This moment, as the engine stores it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse(stored: str | None) -> datetime | None:
    """A stored time as an aware datetime; None for none or for text that is not a time.

    Shops saved before there was one clock hold times without an offset: import times
    were local time written with a 'T' ("2024-01-01T10:00:05"), recommendation runs UTC
    written with a space ("2024-01-02 09:00:00"). They are read as what they were.
    """
    if not stored:
        return None
    try:
        value = datetime.fromisoformat(stored)
    except ValueError:
        return None
    if value.tzinfo is not None:
        return value
    if "T" in stored:
        return value.astimezone()  # a naive datetime's astimezone() takes it as local time
    return value.replace(tzinfo=timezone.utc)
