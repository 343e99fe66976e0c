"""Reasons: a small language model, fine-tuned on the owner's machine, explains each recommendation.

The engine API the GUI calls on a worker thread (no Qt here):

    detect_device() -> DeviceInfo
    estimate_training_seconds(preset) -> float
    train(db, preset="quick", progress=..., cancel=...) -> training run id
    generate_reasons(db, run_id=None, progress=..., cancel=...) -> summary dict
    evaluate(db) -> metrics table rows
    list_adapters(db), activate_adapter(db, id), rollback_adapter(db)
    set_reason(db, reason_id, text=None, status=...)
"""

from .adapters import activate_adapter, active_adapter, list_adapters, rollback_adapter
from .checker import check
from .device import DeviceInfo, detect_device
from .evaluate import evaluate
from .generate import generate_reasons
from .model import ModelMissing
from .store import set_reason
from .train import PRESETS, estimate_training_seconds, train

__all__ = ["DeviceInfo", "ModelMissing", "PRESETS", "activate_adapter", "active_adapter", "check",
           "detect_device", "estimate_training_seconds", "evaluate", "generate_reasons", "list_adapters",
           "rollback_adapter", "set_reason", "train"]
