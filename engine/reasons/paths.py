"""Where the reasoner keeps its files: the app's data folder (models, adapters, runs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


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
