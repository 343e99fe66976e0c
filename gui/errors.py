"""Errors in words for the owner; details (tracebacks) go to a log file in the app data folder."""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

log = logging.getLogger("shopwise.gui")
LOG_FILE: Path | None = None


def setup_logging(folder: Path) -> Path:
    """Send the app's log to `folder/shopwise.log` (rotated, kept small)."""
    global LOG_FILE
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "shopwise.log"
    root = logging.getLogger("shopwise")
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path
               for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=2, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    LOG_FILE = path
    return path


def plain_message(exc: BaseException) -> str:
    """One or two sentences an owner understands; never a traceback."""
    from engine.db import DiskFull
    from engine.jobs import Refused   # a refused file, a file that is not a shop, too few orders, no model
    if isinstance(exc, (Refused, DiskFull)):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return ("The disk is full, so this could not be saved. Free some space on the disk "
                "and try again; what was saved before is unchanged.")
    if isinstance(exc, FileNotFoundError):
        return f"The file {exc.filename or ''} could not be found. It may have been moved or deleted.".replace("  ", " ")
    if isinstance(exc, PermissionError):
        return (f"Shopwise is not allowed to use {exc.filename or 'that file'}. "
                "Check that it is not open in another program, or choose another place.")
    if isinstance(exc, UnicodeDecodeError):
        return "The file's text could not be read. Save it as CSV (UTF-8) and try again."
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in str(exc) or "not a database" in str(exc)):
        # Damage that came after the check when the shop was opened.
        return "The shop file is damaged. If you have a backup copy of it, open that instead."
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return "The shop file is busy with another task. Wait for it to finish and try again."
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory for this task. Close other programs and try again."
    if isinstance(exc, OSError):
        return f"The computer refused a file operation: {exc.strerror or exc}."
    if isinstance(exc, ValueError) and str(exc) and len(str(exc)) < 200:
        return str(exc)
    where = f" Details are in the log file ({LOG_FILE})." if LOG_FILE else ""
    return f"Something went wrong that Shopwise did not expect.{where}"


def install_excepthook(show) -> None:
    """Log unexpected errors and show them with `show(message)` instead of crashing."""
    def hook(kind, value, tb):
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        try:
            show(plain_message(value))
        except Exception:  # noqa: BLE001
            pass
    sys.excepthook = hook
