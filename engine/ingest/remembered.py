"""Column mappings the owner chose, remembered per header layout: the same export again needs none.

Kept in the shop's settings under the file kind and the exact header (names and order), so an
export whose columns changed asks again rather than guessing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

_PREFIX = "import.mapping"


def _key(kind: str, header: list[str]) -> str:
    digest = hashlib.sha256("\x1f".join(h.strip() for h in header).encode("utf-8")).hexdigest()[:16]
    return f"{_PREFIX}.{kind}.{digest}"


def remember_mapping(db, kind: str, header: list[str], mapping) -> None:
    """Keep `mapping` (a mapping dataclass) for files of this kind with exactly this header."""
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
               [_key(kind, header), json.dumps(dataclasses.asdict(mapping))])


def recall_mapping(db, kind: str, header: list[str], mapping_class):
    """The mapping remembered for this header, as `mapping_class`; None when there is none (or it no
    longer fits the class, after an upgrade renamed a field)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [_key(kind, header)]).fetchone()
    if row is None:
        return None
    try:
        return mapping_class(**json.loads(row[0]))
    except (TypeError, ValueError):
        return None
