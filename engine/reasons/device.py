"""Which device trains and generates: CUDA (bf16), Apple MPS, else every CPU core.

Looking the device up loads torch, which holds Python's lock for up to half a second at a time:
the window would pause if it did that to show a label. So each lookup is remembered in the data
folder, and a screen shows the remembered device (`remembered_device`, no torch) until a job
looks again. Training and generation always look afresh."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from importlib import metadata

from .paths import data_dir

REMEMBERED = "device.json"


@dataclass(frozen=True)
class DeviceInfo:
    kind: str          # "cuda" | "mps" | "cpu"
    description: str   # for people: "CPU, 8 cores", "NVIDIA RTX 3060, CUDA"
    bf16: bool = False

    @property
    def torch_device(self):
        import torch
        return torch.device(self.kind)

    @property
    def dtype(self):
        """The weights' type for training and generation: bf16 where the GPU has it, else fp32."""
        import torch
        return torch.bfloat16 if self.bf16 else torch.float32


def detect_device() -> DeviceInfo:
    import torch
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        device = DeviceInfo("cuda", f"{name}, CUDA", bf16=torch.cuda.is_bf16_supported())
    elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        device = DeviceInfo("mps", "Apple GPU, MPS")
    else:
        cores = os.cpu_count() or 1
        torch.set_num_threads(cores)
        device = DeviceInfo("cpu", f"CPU, {cores} cores")
    _remember(device)
    return device


def remembered_device() -> DeviceInfo | None:
    """The device the last lookup on this computer found, if torch and the core count are still
    what they were then; else None (look it up on a worker thread)."""
    try:
        saved = json.loads((data_dir() / REMEMBERED).read_text())
        if saved.pop("machine") != _machine():
            return None
        return DeviceInfo(**saved)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _machine() -> dict:
    """What a remembered lookup depends on, read without loading torch."""
    try:
        torch_version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch_version = None
    return {"torch": torch_version, "cores": os.cpu_count()}


def _remember(device: DeviceInfo) -> None:
    try:
        path = data_dir() / REMEMBERED
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({**asdict(device), "machine": _machine()}))
        os.replace(tmp, path)
    except OSError:
        pass   # only a screen's label depends on it: the next lookup tries again
