"""The open shop as the views see it: its file, a read connection, and what each change touched."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from engine.db import open_shop

WORKER_BUSY_TIMEOUT_MS = 120_000


@dataclass(frozen=True)
class Changes:
    """What a change touched (as Anki's OpChanges): each view reloads only for what it shows."""

    orders: bool = False            # customers, products and orders: an import
    recommendations: bool = False   # a new recommendation run
    reasons: bool = False           # reasons written, approved, edited or rejected
    reason_writer: bool = False     # training runs and the adapter in use

    @classmethod
    def everything(cls) -> "Changes":
        return cls(**{f.name: True for f in fields(cls)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


class Shop(QObject):
    """One open shop file (opened by `engine.db.open_shop`). Views read through `db` on the GUI thread;
    jobs open their own."""

    changed = Signal(object)   # Changes: what an import, run, job or edit touched

    def __init__(self, path: str | Path, db, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.db = db
        self.is_open = True

    @property
    def name(self) -> str:
        return self.path.stem

    @contextlib.contextmanager
    def worker_db(self):
        """A separate connection for a worker thread (SQLite WAL lets the views keep reading)."""
        db = open_shop(self.path, create=False, check=False)  # checked when the window opened it
        # Jobs write side by side (an import beside reason writing) and SQLite lets one write at a time:
        # a worker waits for the other's transaction (an import's takes seconds) rather than fail.
        db.execute(f"PRAGMA busy_timeout = {WORKER_BUSY_TIMEOUT_MS}")
        try:
            yield db
        finally:
            db.conn.close()

    def close(self) -> None:
        self.is_open = False
        self.db.conn.close()
