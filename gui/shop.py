"""The open shop as the views see it: its file, a read connection, and a 'changed' signal."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from engine.db import open_shop


class Shop(QObject):
    """One open shop file. Views read through `db` on the GUI thread; jobs open their own."""

    changed = Signal()   # data changed (import, recommendations, reasons...): views reload

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.db = open_shop(self.path)

    @property
    def name(self) -> str:
        return self.path.stem

    @contextlib.contextmanager
    def worker_db(self):
        """A separate connection for a worker thread (SQLite WAL lets the views keep reading)."""
        db = open_shop(self.path, create=False)
        try:
            yield db
        finally:
            db.conn.close()

    def close(self) -> None:
        self.db.conn.close()


def optional(module: str, needs: str | None = None):
    """Import an engine module that may not be part of this build yet; None if missing
    (or, with `needs`, if it lacks that function)."""
    import importlib
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    if needs is not None and not hasattr(mod, needs):
        return None
    return mod
