"""Shopwise's one data folder, for the app and the command line alike: the reasoner's models,
adapters and runs, the demo shop and the app's log. Local, never roaming (on Windows the base-model
cache is half a gigabyte)."""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from pathlib import Path

STALE_SECONDS = 3600   # a save takes seconds: an older temporary folder is left by a killed process


def data_dir(explicit: str | Path | None = None) -> Path:
    """The data folder: the argument, else $SHOPWISE_DATA_DIR, else the platform's local data folder."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get("SHOPWISE_DATA_DIR"):
        path = Path(os.environ["SHOPWISE_DATA_DIR"])
    else:
        path = user_data_dir()
        path.mkdir(parents=True, exist_ok=True)
        move_from_the_old_app_folder(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    """The platform's local (non-roaming) data folder for Shopwise."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "Shopwise"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Shopwise"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "Shopwise"


def old_app_dir() -> Path:
    """Where the app kept its files before it shared this folder: Qt's AppDataLocation with organisation
    and application both "Shopwise" (on Windows the roaming profile), the engine's files in engine/."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "Shopwise" / "Shopwise"


def move_from_the_old_app_folder(target: Path) -> list[str]:
    """Once: move the old app folder's converted base models (models/, half a gigabyte each) into
    `target`, so that nothing is converted twice. A model `target` already has is kept, as is any model
    whose move fails (another process moved it first, a locked file): it is converted again when needed.
    Adapters and training runs stay where they are: shops refer to them by their full path.
    Returns the names moved."""
    old_models = old_app_dir() / "engine" / "models"
    if not old_models.is_dir():
        return []
    moved = []
    (target / "models").mkdir(parents=True, exist_ok=True)
    for entry in sorted(old_models.iterdir()):
        destination = target / "models" / entry.name
        if entry.name.startswith(".tmp-") or destination.exists():
            continue
        try:
            shutil.move(str(entry), str(destination))
        except OSError:
            continue
        moved.append(entry.name)
    return moved


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
