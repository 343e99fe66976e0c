"""The REAL bundled SmolLM2 model: GGUF -> cached safetensors, a 2-step LoRA run, generation.
Runs in CI too (under 3 minutes on 2 cores)."""

import os
import time
from pathlib import Path

import pytest

from engine import evidence
from engine.reasons import active_adapter, check, generate_reasons, model, store, train
from tests.reasons_demo import build_demo_shop
from engine.reasons.presets import PRESETS


@pytest.mark.real_model
def test_real_model_trains_and_writes_faithful_reasons(shop, tmp_path, monkeypatch):
    data = Path(os.environ.get("SHOPWISE_DATA_DIR") or tmp_path / "data")
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(data))
    folder = model.cached_model_dir(data)              # dequantized once, then cached
    assert (folder / "model.safetensors").exists() and (folder / "tokenizer_config.json").exists()
    t = time.perf_counter()
    model.load_model(folder)
    assert time.perf_counter() - t < 15                 # the cached load is quick (~1 s unloaded)

    build_demo_shop(shop, customers=2, per_customer=4)
    monkeypatch.setitem(PRESETS, "test", {"steps": 2, "batch_size": 2, "lr": 1e-3, "rank": 4})
    train(shop, preset="test")
    adapter = active_adapter(shop)
    assert adapter is not None

    out = generate_reasons(shop, candidates=2)
    assert out["reasons"] == 8
    rows = shop.execute("SELECT r.text, r.provenance, rec.evidence FROM reasons r"
                        " JOIN recommendations rec ON rec.id = r.recommendation_id").fetchall()
    catalogue = store.catalogue_names(shop)
    assert all(check(text, evidence.decode(ev), catalogue).ok for text, _, ev in rows)
    assert {p for _, p, _ in rows} <= {f"adapter:{adapter['id']}", "template"}
    for text, prov, _ in rows:
        print(f"[{prov}] {text}")
