"""Which device trains and generates: CUDA (bf16), Apple MPS, else every CPU core."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DeviceInfo:
    kind: str          # "cuda" | "mps" | "cpu"
    description: str   # for people: "CPU, 8 cores", "NVIDIA RTX 3060, CUDA"
    bf16: bool = False

    @property
    def torch_device(self) -> torch.device:
        return torch.device(self.kind)

    @property
    def dtype(self) -> torch.dtype:
        """The weights' type for training and generation: bf16 where the GPU has it, else fp32."""
        return torch.bfloat16 if self.bf16 else torch.float32


def detect_device() -> DeviceInfo:
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        return DeviceInfo("cuda", f"{name}, CUDA", bf16=torch.cuda.is_bf16_supported())
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return DeviceInfo("mps", "Apple GPU, MPS")
    cores = os.cpu_count() or 1
    torch.set_num_threads(cores)
    return DeviceInfo("cpu", f"CPU, {cores} cores")
