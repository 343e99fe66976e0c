"""Python's cycle collector runs on the GUI thread while a job's worker thread runs.

A collection frees all unreachable cycles, whichever thread runs it. A Qt object dropped on the
GUI thread (a closed dialog, a widget held in a cycle by a connected lambda) can sit in such a
cycle; if a worker thread's collection frees it, Qt destroys it off its own thread, and the app
can crash (a full test run died with "Bus error" in the training thread, inside the HF Trainer's
`gc.collect()` when training starts, session 12). A worker collects when it allocates (automatic
collection) or when a library calls `gc.collect()`. So while any job runs:
  - automatic collection is off, and a timer on the GUI thread collects instead (the pattern of
    pyqtgraph's GarbageCollector): the young generations when Python would, the whole heap at most
    every FULL_EVERY_S seconds (with torch loaded a whole pass takes about 0.16 s: session 13);
  - an owner's job (JobRunner: training, reasons, import...) collects the whole heap on the GUI thread
    just before its thread starts, so a library's explicit collection in it (the Trainer's) finds no
    garbage the GUI left behind. A view's quick read does not: it would cost a 0.16 s pause per read.
When the last job ends, automatic collection is on again.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QTimer

TICK_MS = 200
FULL_EVERY_S = 30.0

_jobs = 0
_timer: QTimer | None = None
_last_full = 0.0


def _collect_all() -> None:
    global _last_full
    gc.collect()
    _last_full = time.monotonic()


def _tick() -> None:
    if gc.get_count()[0] <= gc.get_threshold()[0]:
        return
    if time.monotonic() - _last_full >= FULL_EVERY_S:
        _collect_all()
    else:
        gc.collect(1)


def job_starting(collect_all: bool) -> None:
    """On the GUI thread, before a job's thread starts; `collect_all`: an owner's job (module doc)."""
    global _jobs, _timer
    if collect_all:
        _collect_all()
    _jobs += 1
    if _jobs == 1:
        gc.disable()
        if _timer is None:
            _timer = QTimer()
            _timer.setInterval(TICK_MS)
            _timer.timeout.connect(_tick)
        _timer.start()


def job_ended() -> None:
    """On the GUI thread, after a job's thread has finished."""
    global _jobs
    _jobs = max(0, _jobs - 1)
    if _jobs == 0:
        if _timer is not None:
            _timer.stop()
        gc.enable()
