"""Run engine jobs on a worker thread so the window never freezes.

A job the owner starts and waits for (import, suggestions, reasons, training, export) starts in
one way: `JobRunner.run`. A view's own background reads (loading the Overview, ranking customers)
are not the owner's jobs and use `Job` directly.

`Job(fn)` runs `fn(progress, cancel)` on its own QThread. Progress reports are
throttled (at most ~20 a second reach the GUI thread) so that a fast engine loop
cannot flood the event queue. The result or the error comes back as a signal on
the GUI thread; errors arrive already turned into a plain sentence.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal

from engine.jobs import CancelToken, Cancelled, Progress

from gui import collector
from gui.errors import plain_message

log = logging.getLogger("shopwise.gui")


class _Worker(QThread):
    """The thread itself runs the job: no object is moved between threads, so no thread waits on
    another's Qt lock while it holds Python's (one full test run hung in `moveToThread`, session 10).
    Its signals are emitted on the worker thread and reach the GUI thread queued."""
    progressed = Signal(object)      # Progress
    succeeded = Signal(object)       # the job's return value
    failed = Signal(str)             # a plain sentence
    was_cancelled = Signal()

    def __init__(self, fn: Callable[..., Any], cancel: CancelToken, name: str) -> None:
        super().__init__()
        self.setObjectName(f"shopwise-{name}")
        self._fn = fn
        self._cancel = cancel
        self._name = name
        self._last_emit = 0.0

    def _progress(self, p: Progress) -> None:
        now = time.monotonic()
        finished = p.total is not None and p.done >= p.total
        if finished or now - self._last_emit >= 0.05:
            self._last_emit = now
            self.progressed.emit(p)

    def run(self) -> None:
        try:
            result = self._fn(self._progress, self._cancel)
        except Cancelled:
            self.was_cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every error must reach the owner in words
            log.error("Job %r failed:\n%s", self._name, traceback.format_exc())
            self.failed.emit(plain_message(exc))
        else:
            self.succeeded.emit(result)


class Job(QObject):
    """One background job. Connect to the signals, then call `start()`."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()              # after any of the three outcomes

    def __init__(self, fn: Callable[..., Any], name: str = "job", parent: QObject | None = None,
                 owners: bool = False):
        """`owners`: a job the owner started (JobRunner), not a view's read (gui/collector.py)."""
        super().__init__(parent)
        self.name = name
        self.owners = owners
        self.token = CancelToken()
        self.started_at = 0.0
        self._thread = _Worker(fn, self.token, name)
        self._thread.progressed.connect(self.progressed)
        self._thread.succeeded.connect(self._on_success)
        self._thread.failed.connect(self._on_failure)
        self._thread.was_cancelled.connect(self._on_cancel)
        self.running = False
        self.started = False
        _live_jobs.add(self)

    def start(self) -> None:
        self.running = self.started = True
        self.started_at = time.monotonic()
        log.info("Job %r started", self.name)
        collector.job_starting(collect_all=self.owners)
        self._thread.start()

    def cancel(self) -> None:
        """Stop the job; one still waiting for its turn never starts and ends as cancelled now."""
        self.token.cancel()
        if not self.started:
            self.started = True
            _live_jobs.discard(self)
            self.finished.emit()
            self.cancelled.emit()

    def wait(self, ms: int = 30000) -> bool:
        return self._thread.wait(ms)

    def _done(self) -> None:
        self.running = False
        self._thread.wait()   # the outcome is the run's last act: this returns at once
        collector.job_ended()
        _live_jobs.discard(self)
        self.finished.emit()

    def _on_success(self, result: object) -> None:
        log.info("Job %r finished in %.1f s", self.name, time.monotonic() - self.started_at)
        self._done()
        self.succeeded.emit(result)

    def _on_failure(self, message: str) -> None:
        self._done()
        self.failed.emit(message)

    def _on_cancel(self) -> None:
        log.info("Job %r cancelled", self.name)
        self._done()
        self.cancelled.emit()


class ViewLoader:
    """A view's background read: one at a time, and one more after it when asked again meanwhile.

    So a view that many changes ask to reload shows the latest state, without a pile of reads or a
    stale answer arriving last. `read` runs on a worker; `show` gets its result on the GUI thread.
    """

    def __init__(self, name: str, read: Callable[[], Any], show: Callable[[Any], None]) -> None:
        self.name, self.read, self.show = name, read, show
        self.job: Job | None = None
        self.again = False

    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def wait(self, ms: int = 30000) -> bool:
        return self.job.wait(ms) if self.job is not None else True

    def request(self) -> None:
        if self.running:
            self.again = True
            return
        self.job = Job(lambda progress, cancel: self.read(), self.name)  # no parent: it outlives a closed view
        self.job.succeeded.connect(self.show)
        self.job.finished.connect(self._maybe_again)
        self.job.start()

    def _maybe_again(self) -> None:
        if self.again:
            self.again = False
            self.request()


# Heavy jobs use every core (the recommender, the language model) and run one at a time, the next one
# waiting its turn; light jobs (import, export, backup) run beside them. A pair that must not run together
# is refused: a recommendation run reads the orders an import writes.
HEAVY = frozenset({"recommend", "train", "reasons"})
CONFLICTS = frozenset({frozenset({"import", "recommend"}), frozenset({"import"})})


@dataclass(eq=False)
class Entry:
    """A job the owner started: running, or waiting for the heavy job before it."""

    job: Job
    title: str
    kind: str

    @property
    def heavy(self) -> bool:
        return self.kind in HEAVY


class JobRunner(QObject):
    """Runs the owner's jobs; views get this object, not the window.

    The status bar follows each job (`queued`, `started`), a failure reaches the owner in words
    (`error`), and when a job ends its shop announces what the job changed, so that exactly the views
    showing that reload.
    """

    queued = Signal(object, str)     # a Job waiting for its turn and its title, for the status bar
    started = Signal(object, str)    # the Job and its title, for the status bar
    busy_changed = Signal(bool)
    error = Signal(str, str)         # a plain sentence, the message box's title
    message = Signal(str, int)       # a status bar message and for how many ms

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []   # running and waiting, in the order the owner started them

    @property
    def running(self) -> list[Entry]:
        return [e for e in self.entries if e.job.running]

    @property
    def busy(self) -> bool:
        return bool(self.running)

    @property
    def job(self) -> Job | None:
        """The job started last (running or waiting)."""
        return self.entries[-1].job if self.entries else None

    @property
    def title(self) -> str:
        """What runs, in words: every running job's title."""
        return " and ".join(e.title for e in self.running)

    def refusal(self, kind: str, title: str = "") -> str | None:
        """Why a job of `kind` cannot start now, in a sentence; None when it can (perhaps after waiting)."""
        for e in self.entries:
            if e.title == title:
                return f"{title} is already running."
            if frozenset({kind, e.kind}) in CONFLICTS:
                what = "running" if e.job.running else "waiting to run"
                return f"Please wait: {e.title.lower()} is still {what}. Try again when it is done."
        return None

    def run(self, fn: Callable[[Any, Any], Any], title: str, *, kind: str, shop=None, changes=None,
            on_success: Callable[[Any], None] | None = None, cancel_message: str = "Nothing was changed.",
            caller_tells_outcome: bool = False) -> Job | None:
        """Run `fn(progress, cancel)` in the background; None (and the owner told why) when it conflicts
        with a job that runs. A heavy `kind` (HEAVY) waits while another heavy job runs; the returned
        job starts when its turn comes.

        When it ends `shop` announces `changes` (a `gui.shop.Changes`), whatever the outcome: a stopped
        reason job keeps what it wrote, and reading a rolled-back change again costs little. Then, on
        success, `on_success(result)` runs.
        `caller_tells_outcome`: the caller says how it ended itself (the import wizard's last page).
        """
        refused = self.refusal(kind, title)
        if refused:
            self.show_error(refused)
            return None
        job = Job(fn, title, self, owners=True)
        entry = Entry(job, title, kind)

        def announce() -> None:
            if shop is not None and shop.is_open and changes:
                shop.changed.emit(changes)

        def success(result) -> None:
            if not caller_tells_outcome:
                self.message.emit(f"{title}: done.", 8000)
            if on_success:
                on_success(result)

        def ended() -> None:
            if entry in self.entries:   # cancel_all takes them out itself
                self.entries.remove(entry)
                self._start_waiting()
            self.busy_changed.emit(self.busy)

        job.finished.connect(announce)   # Job emits finished before the outcome
        job.finished.connect(ended)
        job.succeeded.connect(success)
        if not caller_tells_outcome:
            job.failed.connect(lambda msg: self.show_error(msg, title=f"{title}: it did not work"))
            job.cancelled.connect(lambda: self.message.emit(f"{title}: cancelled. {cancel_message}", 8000))
        self.entries.append(entry)
        if not self._start_if_free(entry):
            self.queued.emit(job, title)
            self.busy_changed.emit(self.busy)
        return job

    def cancel_all(self, wait_ms: int = 60000) -> None:
        """Stop every job: the waiting ones never start, the running ones stop and are waited for."""
        waiting = [e for e in self.entries if not e.job.running]
        self.entries = self.running
        for e in waiting:
            e.job.cancel()
        for e in self.entries:
            e.job.cancel()
        for e in self.entries:
            e.job.wait(wait_ms)
        self.entries = []   # stopped; their finished signals arrive later and find nothing to do

    def _start_if_free(self, entry: Entry) -> bool:
        if entry.heavy and any(e.heavy and e.job.running for e in self.entries):
            return False
        self.started.emit(entry.job, entry.title)
        entry.job.start()
        self.busy_changed.emit(True)
        return True

    def _start_waiting(self) -> None:
        waiting = next((e for e in self.entries if not e.job.running), None)
        if waiting is not None:
            self._start_if_free(waiting)

    def show_error(self, message: str, title: str = "Shopwise") -> None:
        self.error.emit(message, title)

    def show_message(self, text: str, ms: int = 8000) -> None:
        self.message.emit(text, ms)


# Jobs keep themselves alive while they run, even if the caller drops its reference.
_live_jobs: set[Job] = set()


def running_jobs() -> list[Job]:
    return [j for j in _live_jobs if j.running]


def eta_text(started_at: float, p: Progress) -> str:
    """'About 2 minutes left' style text, or '' while it cannot be told.

    From the rate the job measured where it reports one (its set-up, e.g. loading a model, is not
    work that repeats), else from the time since the job started."""
    if p.rate and p.total is not None:
        left = max(0.0, p.total - p.done) / p.rate
    else:
        frac = p.fraction
        elapsed = time.monotonic() - started_at
        if not frac or frac <= 0.02 or elapsed < 2:
            return ""
        left = elapsed * (1 - frac) / frac
    if left < 10:
        return "A few seconds left"
    if left < 90:
        return f"About {int(round(left / 10.0) * 10)} seconds left"
    if left < 5400:
        return f"About {int(round(left / 60))} minutes left"
    return f"About {left / 3600:.1f} hours left"
