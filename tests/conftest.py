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
    from engine.reasons import model
    cache = Path(os.environ.get("SHOPWISE_TEST_CACHE", tmp_path_factory.mktemp("cache")))
    return model.tiny_model(tmp_path_factory.mktemp("tiny") / "model", cache)
