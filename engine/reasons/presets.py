"""Training presets and how long each takes: plain numbers, so that a screen can show them
without loading torch."""

from __future__ import annotations

PRESETS = {
    "quick": {"steps": 40, "batch_size": 4, "lr": 2e-3, "rank": 8},
    "standard": {"steps": 300, "batch_size": 8, "lr": 1e-3, "rank": 16},
    "thorough": {"steps": 1000, "batch_size": 16, "lr": 5e-4, "rank": 16},
}
# Bundled model, whole job (data, loading, training, saving) per training example. cpu: the quick
# preset on the 10^5-line scale shop, 160 examples in 99 s on 2 cores (session 4; 2.5 s in session
# 1 was under heavy load and before LoRA was limited to the top layers). The others are guesses.
SECONDS_PER_EXAMPLE = {"cpu": 0.6, "mps": 0.3, "cuda": 0.03}


def estimate_training_seconds(preset: str = "quick", steps: int | None = None, device=None) -> float:
    """`device` is a DeviceInfo (or anything with `.kind`); without one, the device is looked up."""
    if device is None:
        from .device import detect_device   # loads torch
        device = detect_device()
    p = PRESETS[preset]
    return (steps or p["steps"]) * p["batch_size"] * SECONDS_PER_EXAMPLE[device.kind]
