"""Training presets and how long each takes: plain numbers, so that a screen can show them
without loading torch."""

from __future__ import annotations

# Quick was 40 steps: on Online Retail's 48 distinct examples that garbled ("...Babushka Design is Hand."),
# 80 steps wrote every audited reason itself (benchmarks/reason_results.md, session 9).
PRESETS = {
    "quick": {"steps": 80, "batch_size": 4, "lr": 2e-3, "rank": 8},
    "standard": {"steps": 300, "batch_size": 8, "lr": 1e-3, "rank": 16},
    "thorough": {"steps": 1000, "batch_size": 16, "lr": 5e-4, "rank": 16},
}
# Bundled model, whole job: a fixed part (data, loading, saving, converting for the fast engine) and a
# part per training example. cpu, measured on 2 cores beside other jobs: the quick preset's 160
# examples in 99 s (session 4), the standard preset's 2,400 in 880 s on Groceries and 751 s on Online
# Retail (session 7). cpu_bf16, under bf16 autocast on a quiet 2-core CPU with AVX-512 BF16 (session 9): the
# standard preset in 310 s on Online Retail and 349 s on Groceries, the quick preset's 160 examples in 37-41 s.
# The others are guesses.
SECONDS_FIXED = {"cpu": 45, "mps": 30, "cuda": 20}
SECONDS_PER_EXAMPLE = {"cpu": 0.33, "cpu_bf16": 0.13, "mps": 0.15, "cuda": 0.03}


def estimate_training_seconds(preset: str = "quick", steps: int | None = None, device=None) -> float:
    """`device` is a DeviceInfo (or anything with `.kind`); without one, the device is looked up."""
    if device is None:
        from .device import detect_device   # loads torch
        device = detect_device()
    p = PRESETS[preset]
    per_example = SECONDS_PER_EXAMPLE["cpu_bf16" if getattr(device, "cpu_bf16", False) else device.kind]
    return SECONDS_FIXED[device.kind] + (steps or p["steps"]) * p["batch_size"] * per_example
