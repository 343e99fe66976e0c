"""The fast engine: the model converted to CTranslate2 (int8 on a CPU, bf16/fp16 on CUDA).

CTranslate2 runs the same sampling as the torch loop in `generate.decode` (top-k, then nucleus,
temperature, a KV cache, finished rows leave the batch), with int8 matrix products on a CPU: about
3x the torch loop's tokens/s on the same cores. A trained adapter is merged into the base weights
and converted into `ct2-<type>` inside its own folder, so the adapter and its fast copy are one
version (activating or rolling back an adapter switches both); the untrained base is converted
once into the data folder. Where CTranslate2 is not installed or cannot use the device (Apple MPS,
a CUDA card its build does not see), generation falls back to the torch loop, and the owner is
told which engine writes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .paths import data_dir, offline, save_atomically

PACKAGE = "ctranslate2"
# What each device runs, best first; CTranslate2 says which of these this machine supports.
PREFERRED = {"cpu": ["int8", "float32"], "cuda": ["bfloat16", "float16", "int8_float16", "float32"]}
WORDS = {"int8": "int8", "float32": "fp32", "bfloat16": "bf16", "float16": "fp16", "int8_float16": "int8/fp16"}


@dataclass(frozen=True)
class EngineChoice:
    fast: bool                 # CTranslate2 (True) or the torch loop
    compute_type: str | None   # CTranslate2's type, None for torch
    why_not: str = ""          # why the fast engine is not used, in words

    def words(self, device) -> str:
        """'fast engine, int8, 2 cores' / 'standard engine, fp32, 2 cores (fast engine not installed)'."""
        where = (f"{os.cpu_count() or 1} cores" if device.kind == "cpu" else device.description)
        if self.fast:
            return f"fast engine, {WORDS.get(self.compute_type, self.compute_type)}, {where}"
        dtype = "bf16" if device.bf16 else "fp32"
        return f"standard engine, {dtype}, {where}" + (f" ({self.why_not})" if self.why_not else "")


def installed() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None


def supported_types(kind: str) -> set[str]:
    """The compute types CTranslate2 offers on this device kind here (empty: it cannot run there)."""
    import ctranslate2
    if kind == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        return set()
    try:
        return set(ctranslate2.get_supported_compute_types(kind))
    except (ValueError, RuntimeError):
        return set()


def decide(kind: str, is_installed: bool, supported: set[str]) -> EngineChoice:
    """Which engine writes on this device: the choice logic alone, so tests can cover every case."""
    if not is_installed:
        return EngineChoice(False, None, "fast engine not installed")
    if kind not in PREFERRED:
        return EngineChoice(False, None, f"the fast engine does not run on {kind.upper()}")
    for ctype in PREFERRED[kind]:
        if ctype in supported:
            return EngineChoice(True, ctype)
    return EngineChoice(False, None, f"the fast engine cannot use this {kind.upper()}")


def choose(device) -> EngineChoice:
    is_installed = installed()
    return decide(device.kind, is_installed,
                  supported_types(device.kind) if is_installed and device.kind in PREFERRED else set())


def engine_words(device=None) -> str:
    """Which engine would write reasons here, in words, without loading a model or torch (given a
    device): "fast engine, int8, 2 cores"."""
    if device is None:
        from .device import detect_device   # loads torch
        device = detect_device()
    return choose(device).words(device)


def adapter_copy(adapter: Path, compute_type: str) -> Path:
    """Where an adapter's fast copy lives: inside the adapter's folder (one version, one folder)."""
    return Path(adapter) / f"ct2-{compute_type}"


def base_copy(base: Path, compute_type: str, data: str | Path | None = None) -> Path:
    """Where the untrained base's fast copy lives: the data folder, one per base model folder."""
    key = hashlib.sha1(str(Path(base).resolve()).encode()).hexdigest()[:10]
    return data_dir(data) / "models" / "fast" / f"{Path(base).name}-{key}-ct2-{compute_type}"


class _Converted:
    """`save_pretrained` for `paths.save_atomically`: converts a HF model folder into the given folder."""

    def __init__(self, hf_folder: Path, quantization: str):
        self.hf_folder, self.quantization = hf_folder, quantization

    def save_pretrained(self, folder) -> None:
        from ctranslate2.converters import TransformersConverter
        TransformersConverter(str(self.hf_folder), low_cpu_mem_usage=True).convert(
            str(folder), quantization=self.quantization, force=True)


def convert(base: Path, adapter: Path | None, compute_type: str, target: Path) -> Path:
    """The base (with the adapter merged in, when given) converted to CTranslate2 at `target`,
    atomically: a killed conversion leaves no folder there, and the next use converts again."""
    if (target / "model.bin").exists():
        return target
    offline()
    if adapter is None:
        return save_atomically([_Converted(Path(base), compute_type)], target)
    from .model import load_model, load_tokenizer
    merged = load_model(Path(base), adapter)
    target.parent.mkdir(parents=True, exist_ok=True)
    # named like save_atomically's temporary folders, so a killed merge's leftovers are removed the same way
    with tempfile.TemporaryDirectory(prefix=".tmp-merge-", dir=target.parent) as tmp:
        merged.save_pretrained(tmp)
        load_tokenizer(Path(base)).save_pretrained(tmp)
        del merged
        return save_atomically([_Converted(Path(tmp), compute_type)], target)


def load(folder: Path, device, compute_type: str):
    import ctranslate2
    threads = (os.cpu_count() or 1) if device.kind == "cpu" else 1
    return ctranslate2.Generator(str(folder), device=device.kind, compute_type=compute_type,
                                 inter_threads=1, intra_threads=threads)


def sample_batch(model, tok, prefix: list[int], batch: list[list[int]], candidates: int, max_new_tokens: int,
                 temperature: float, top_k: int, top_p: float, stop: list[int]) -> list[list[list[int]]]:
    """`candidates` sampled continuations (token ids, without the stop token) per prompt; the shared
    prefix is passed once as CTranslate2's static prompt, whose cache it keeps between batches."""
    to_tokens = tok.convert_ids_to_tokens
    results = model.generate_batch(
        [to_tokens(ids) for ids in batch], static_prompt=to_tokens(prefix) if prefix else None,
        include_prompt_in_result=False, num_hypotheses=candidates, max_length=max_new_tokens,
        sampling_topk=top_k, sampling_topp=top_p, sampling_temperature=temperature,
        end_token=to_tokens(stop), return_end_token=False, max_batch_size=len(batch))
    return [r.sequences_ids for r in results]


def set_seed(seed: int) -> None:
    import ctranslate2
    ctranslate2.set_random_seed(seed)
