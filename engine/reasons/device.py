"""Which device trains and generates: CUDA (bf16), Apple MPS, else every CPU core (training under bf16
autocast where the processor has bf16 units).

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
    bf16: bool = False      # the GPU computes in bf16: weights and training in bf16
    cpu_bf16: bool = False  # the processor has bf16 units: training runs under bf16 autocast, weights stay fp32

    @property
    def trains_in_bf16(self) -> bool:
        return self.bf16 or self.cpu_bf16

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
        bf16 = cpu_has_bf16()
        device = DeviceInfo("cpu", f"CPU, {cores} cores" + (", bf16 training" if bf16 else ""), cpu_bf16=bf16)
    _remember(device)
    return device


def cpu_has_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Does the processor multiply bf16 matrices in hardware (AVX-512 BF16 or AMX)? Then autocast to
    bf16 makes a LoRA step 1.35x faster on 2 cores (benchmarks/reason_results.md, session 9); without those
    units bf16 would be emulated (not measured), so training stays fp32. Linux names them in /proc/cpuinfo;
    elsewhere we do not guess."""
    try:
        with open(cpuinfo) as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


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
