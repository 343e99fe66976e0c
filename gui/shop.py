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
        db = open_shop(self.path, create=False, check=False)  # checked when the window opened it
        try:
            yield db
        finally:
            db.conn.close()

    def close(self) -> None:
        self.db.conn.close()


def loaded(module: str, needs: str | None = None):
    """The module if it is already imported (never imports on the caller's thread), else None."""
    import sys
    mod = sys.modules.get(module)
    if mod is None or (needs is not None and not hasattr(mod, needs)):
        return None
    return mod


def warm_up() -> None:
    """Load the recommender (numpy, scipy: about half a second) on a background thread after the
    window appears, so that the first customer's interest tags come from it. Not torch: initialising
    its C extension holds Python's lock for up to a second, which would pause the window in the middle
    of whatever the owner is doing; the first reasons job loads it instead."""
    import threading

    def run():
        import importlib
        import logging
        try:
            importlib.import_module("engine.recommend")
        except Exception:  # noqa: BLE001 - the job that needs it reports the error
            logging.getLogger("shopwise.gui").exception("Could not load the recommender")

    threading.Thread(target=run, name="shopwise-warm-up", daemon=True).start()
