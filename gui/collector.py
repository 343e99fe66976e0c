"""Python's cycle collector runs on the GUI thread while a job's worker thread runs.

A collection frees all unreachable cycles, whichever thread runs it. A Qt object dropped on the
GUI thread (a closed dialog, a widget held in a cycle by a connected lambda) can sit in such a
cycle; if a worker thread's collection frees it, Qt destroys it off its own thread, and the app
can crash (a full test run died with "Bus error" in the training thread, inside the HF Trainer's
`gc.collect()` when training starts, session 12). A worker collects when it allocates (automatic
collection) or when a library calls `gc.collect()`. So while any job runs:
  - automatic collection is off, and a timer on the GUI thread collects instead, generation by
    generation as Python would (the pattern of pyqtgraph's GarbageCollector);
  - each job collects on the GUI thread just before its thread starts, so a library's explicit
    collection at the start of the job finds no garbage the GUI left behind.
When the last job ends, automatic collection is on again.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

TICK_MS = 200

_jobs = 0
_timer: QTimer | None = None


def _tick() -> None:
    limits, counts = gc.get_threshold(), gc.get_count()
    generation = None
    for g in range(3):
        if counts[g] > limits[g]:
            generation = g
        else:
            break
    if generation is not None:
        gc.collect(generation)


def job_starting() -> None:
    """On the GUI thread, before a job's thread starts."""
    global _jobs, _timer
    gc.collect()
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
