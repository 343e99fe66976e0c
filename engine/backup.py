"""Backups of a shop file: a consistent copy made through SQLite's online backup API.

A shop in WAL mode keeps recent work in its -wal file, so a copy of the .shopwise file alone can miss it;
the backup API copies the database as one moment saw it, while the app keeps working. A backup is one
self-contained .shopwise file, written under a temporary name and renamed into place, so a backup is
never half-written. Automatic backups (before a schema migration, before an import into a shop with more
than a day of work) go to the folder "<shop name> backups" beside the shop, the newest few kept.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from engine import clock
from engine.jobs import CancelToken, Progress, ProgressCallback, Refused, no_progress

PAGES_PER_STEP = 1024      # 4 MB at the default page size: progress and cancel a few times a second
AUTOMATIC_KEPT = 3         # automatic backups kept per shop and reason; the owner's own are never removed
A_DAY_OF_WORK = timedelta(days=1)


def shop_path(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None in memory)."""
    file = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(file) if file else None


def backups_folder(shop: Path) -> Path:
    return shop.parent / f"{shop.stem} backups"


def copy_shop(conn: sqlite3.Connection, target: str | Path, progress: ProgressCallback = no_progress,
              cancel: CancelToken | None = None) -> Path:
    """Write a consistent copy of the connection's database to `target` (replaced if it exists)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    dest = sqlite3.connect(str(partial))
    try:
        def step(_status, remaining, total):
            progress(Progress(total - remaining, total, "Backing up the shop"))
            if cancel is not None:
                cancel.check()

        conn.backup(dest, pages=PAGES_PER_STEP, progress=step)
        dest.execute("PRAGMA journal_mode = DELETE")   # one file: no -wal beside the backup
        dest.close()
        os.replace(partial, target)
    except BaseException as exc:
        dest.close()
        partial.unlink(missing_ok=True)
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise Refused(f"The disk holding {target.parent} is full, so no backup was made. "
                          "Free some space there or choose another place.") from exc
        raise
    return target


def has_a_day_of_work(conn: sqlite3.Connection) -> bool:
    """True when the shop's first import is more than a day old: losing it would lose real work."""
    first = clock.parse(conn.execute("SELECT min(started_at) FROM imports").fetchone()[0])
    return first is not None and datetime.now(timezone.utc) - first > A_DAY_OF_WORK


def automatic_backup(conn: sqlite3.Connection, before: str, progress: ProgressCallback = no_progress,
                     cancel: CancelToken | None = None) -> Path | None:
    """Back the shop up into its backups folder, named for what comes next ("before import"); keep the
    newest AUTOMATIC_KEPT of that kind. None for a database in memory."""
    shop = shop_path(conn)
    if shop is None:
        return None
    folder = backups_folder(shop)
    stamp = clock.parse(clock.now()).astimezone().strftime("%Y-%m-%d %H-%M-%S")
    target = copy_shop(conn, folder / f"{shop.stem} {stamp} before {before}.shopwise", progress, cancel)
    older = sorted(folder.glob(f"{shop.stem} * before {before}.shopwise"), key=lambda p: p.name, reverse=True)
    for old in older[AUTOMATIC_KEPT:]:
        old.unlink(missing_ok=True)
    return target
