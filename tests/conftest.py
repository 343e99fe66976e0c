import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing may reach a model hub, in tests as in the app.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
# CI clones the project with shared/ beside it; a git worktree sits one folder deeper.
SHARED_DATA = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
                   ROOT.parent / "shared" / "data")


@pytest.fixture
def shop(tmp_path):
    from engine.db import open_shop
    db = open_shop(tmp_path / "shop.db")
    yield db
    db.conn.close()


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A 2-layer LlamaForCausalLM of the real architecture with the real SmolLM2 tokenizer.

    The tokenizer is read from the bundled GGUF once per session; training and
    generation on this model take seconds, so end-to-end tests stay fast.
    """
    import shutil

    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from engine.reasons import model
    cache = Path(os.environ.get("SHOPWISE_TEST_CACHE", tmp_path_factory.mktemp("cache")))
    folder = tmp_path_factory.mktemp("tiny") / "model"
    shutil.copytree(model.cached_tokenizer_dir(cache), folder)
    tok = model.load_tokenizer(folder)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                      tie_word_embeddings=True, bos_token_id=1, eos_token_id=2, pad_token_id=2)
    torch.manual_seed(0)
    LlamaForCausalLM(cfg).save_pretrained(folder)
    return folder
