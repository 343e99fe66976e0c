"""Stored times as the owner reads them: local time, one format on every screen."""

from __future__ import annotations

from engine import clock

FORMAT = "%Y-%m-%d %H:%M"


def local_time(stored: str | None) -> str:
    """'2025-03-01 10:30' in this computer's time zone; '' for none."""
    when = clock.parse(stored)
    if when is None:
        return stored or ""
    return when.astimezone().strftime(FORMAT)
