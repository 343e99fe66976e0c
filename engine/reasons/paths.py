"""Where the reasoner keeps its files: the app's data folder (models, adapters, runs)."""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from pathlib import Path

STALE_SECONDS = 3600   # a save takes seconds: an older temporary folder is left by a killed process


def data_dir(explicit: str | Path | None = None) -> Path:
    """The data folder: the argument, else $SHOPWISE_DATA_DIR, else the platform's user data dir."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get("SHOPWISE_DATA_DIR"):
        path = Path(os.environ["SHOPWISE_DATA_DIR"])
    elif sys.platform == "win32":
        path = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "Shopwise"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / "Shopwise"
    else:
        path = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "Shopwise"
    path.mkdir(parents=True, exist_ok=True)
    return path


def offline() -> None:
    """Nothing in the reasoner may reach a model hub."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def save_atomically(objs, target: Path) -> Path:
    """Save the objects (`save_pretrained`) into a temporary sibling folder, then rename it into
    place, so a folder at `target` is never half-written. If `target` appeared meanwhile, another
    process finished first and its folder is kept. Temporary folders left by a killed save are
    removed first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob(".tmp-*"):
        if time.time() - old.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    tmp = target.parent / f".tmp-{target.name}-{uuid.uuid4().hex[:8]}"
    try:
        for obj in objs:
            obj.save_pretrained(tmp)
        if not target.exists():
            tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
