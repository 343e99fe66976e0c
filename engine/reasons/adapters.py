"""LoRA adapters: versioned in the `adapters` table, activated and rolled back (saved by `paths.save_atomically`)."""

from __future__ import annotations

from pathlib import Path

from engine.clock import now
from engine.db import transaction

from . import prompt

COLUMNS = ["id", "path", "base_model", "created_at", "training_run_id", "is_active"]


def list_adapters(db) -> list[dict]:
    rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM adapters ORDER BY id").fetchall()
    return [dict(zip(COLUMNS, r)) for r in rows]


def active_adapter(db) -> dict | None:
    return next((a for a in list_adapters(db) if a["is_active"]), None)


def asks_as_now(db, adapter_id: int) -> bool:
    """Was the adapter trained on the prompts this version asks with (prompt.FORMAT)? A run that recorded no
    format trained on format 1."""
    row = db.execute("SELECT coalesce(json_extract(t.params, '$.prompt_format'), 1) FROM adapters a"
                     " LEFT JOIN training_runs t ON t.id = a.training_run_id WHERE a.id = ?", [adapter_id]).fetchone()
    return row is not None and row[0] == prompt.FORMAT


def activate_adapter(db, adapter_id: int | None) -> None:
    """Make this adapter the one used for generation (None: the untuned base model)."""
    if adapter_id is not None and not db.execute("SELECT 1 FROM adapters WHERE id = ?", [adapter_id]).fetchone():
        raise KeyError(f"no adapter {adapter_id}")
    with transaction(db):
        db.execute("UPDATE adapters SET is_active = (id IS ?)", [adapter_id])


def rollback_adapter(db) -> int | None:
    """Activate the adapter made before the active one (or the base model); returns the new active id."""
    current = active_adapter(db)
    older = [a["id"] for a in list_adapters(db) if current is None or a["id"] < current["id"]]
    target = older[-1] if current is not None and older else None
    activate_adapter(db, target)
    return target


def register_adapter(db, path: Path, base_model: str, run_id: int, activate: bool = True) -> int:
    """Record a saved adapter (inside the caller's transaction) and make it active."""
    adapter_id = db["adapters"].insert({"path": str(path), "base_model": base_model, "created_at": now(),
                                        "training_run_id": run_id, "is_active": 0}).last_pk
    if activate:
        db.execute("UPDATE adapters SET is_active = (id = ?)", [adapter_id])
    return adapter_id
