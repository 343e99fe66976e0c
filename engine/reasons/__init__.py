"""Reasons: a small language model, fine-tuned on the owner's machine, explains each recommendation.

The engine API (no Qt here):

    detect_device() -> DeviceInfo
    engine_words(device=None) -> "fast engine, int8, 2 cores" (which engine writes reasons here)
    estimate_training_seconds(preset) -> float
    train(db, preset="quick", progress=..., cancel=...) -> training run id
    generate_reasons(db, run_id=None, progress=..., cancel=...) -> summary dict
    evaluate(db) -> metrics table rows
    list_adapters(db), active_adapter(db), activate_adapter(db, id), rollback_adapter(db)
    set_reason(db, reason_id, text=None, status=...)
    approve_reasons(db, ids) -> states before; reason_states(db, ids); restore_reasons(db, states)  (undo)

Importing this package is cheap: each name loads its module when first used, so torch and
transformers (seconds, and they hold Python's lock while they load) come with the first name that
needs them. The window calls set_reason and the adapter functions on its own thread; those are
plain SQL. Model work runs on worker threads.
"""

import importlib

_MODULE_OF = {
    "activate_adapter": "adapters", "active_adapter": "adapters", "list_adapters": "adapters",
    "rollback_adapter": "adapters", "check": "checker", "DeviceInfo": "device", "detect_device": "device",
    "evaluate": "compare", "generate_reasons": "generate", "ModelMissing": "model", "set_reason": "store",
    "reason_states": "store", "restore_reasons": "store", "approve_reasons": "store",
    "PRESETS": "presets", "estimate_training_seconds": "presets", "remembered_device": "device",
    "engine_words": "fast", "train": "lora",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value
