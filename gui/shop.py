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


# Loaded in the background after the window appears. Not torch (engine.reasons' model work):
# initialising its C extension holds Python's lock for up to a second, which would pause the
# window in the middle of whatever the owner is doing; the first reasons job loads it instead.
_HEAVY = ("engine.importer", "engine.recommend")


def has_feature(module: str) -> bool:
    """Whether an engine module ships with this build, without importing it (the importer
    pulls in pandas: jobs import it on their worker thread)."""
    import importlib.util
    import sys
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return False
    # A folder without __init__.py (a half-shipped feature) is no feature.
    return spec is not None and spec.origin not in (None, "namespace")


def loaded(module: str, needs: str | None = None):
    """The module if it is already imported (never imports on the caller's thread), else None."""
    import sys
    mod = sys.modules.get(module)
    if mod is None or (needs is not None and not hasattr(mod, needs)):
        return None
    return mod


def warm_up(modules=_HEAVY) -> None:
    """Import the heavy engine modules on a background thread so later clicks are instant."""
    import threading

    def run():
        import importlib
        import logging
        for name in modules:
            if has_feature(name):
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001 - the job that needs it reports the error
                    logging.getLogger("shopwise.gui").exception("Could not load %s", name)

    threading.Thread(target=run, name="shopwise-warm-up", daemon=True).start()


def optional(module: str, needs: str | None = None):
    """Import an engine module that may not be part of this build yet; None if missing
    (or, with `needs`, if it lacks that function). Imports: call it on worker threads only
    for the heavy modules (see `has_feature`)."""
    import importlib
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    if needs is not None and not hasattr(mod, needs):
        return None
    return mod
