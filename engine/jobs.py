"""What long-running engine functions share: progress reports and cancellation.

A job takes `progress` (a callable receiving a `Progress`) and `cancel`
(a `CancelToken`). The GUI runs the job on a worker thread, shows the
progress and sets the token; the CLI prints the progress. The job checks the
token between units of work and raises `Cancelled`, so that the transaction
around it rolls back and nothing half-done remains.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable


class Cancelled(Exception):
    """The user cancelled the job; everything it did was rolled back."""


class Refused(Exception):
    """The job cannot use its input as it is, and changed nothing; the message says why in the owner's words."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass(frozen=True)
class Progress:
    """How far a job is: numbers a screen or the terminal shows as they are, never text to read back."""

    done: float          # units finished so far
    total: float | None  # None while the total is unknown
    message: str = ""    # the step, in the owner's words
    loss: float | None = None   # training: the latest logged loss
    rate: float | None = None   # units finished per second, as the job measured it (its set-up excluded)
    saved: float | None = None  # units already stored, which views may show now

    @property
    def fraction(self) -> float | None:
        return None if not self.total else min(1.0, self.done / self.total)


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    pass
