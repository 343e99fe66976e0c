"""Shopwise's version, as pyproject.toml gives it: from the installed package's metadata, else (a checkout
run without installing) from pyproject.toml itself."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def version() -> str:
    try:
        return importlib.metadata.version("shopwise")
    except importlib.metadata.PackageNotFoundError:
        if PYPROJECT.exists():
            return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
        return "unknown"
