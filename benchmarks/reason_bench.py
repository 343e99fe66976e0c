"""Reasoner speed on this machine: training throughput (real, non-padding tokens/s), generation
(reasons/s) and peak memory, against a plain newcomer setup on the same data.

Baseline: `Trainer` on examples padded to max_length (right padding, loss on every token, LoRA on all
layers, logits over every position); `generate` one recommendation at a time.
Ours: the engine's `train()` (left padding per batch grouped by length, logits only over the reason
window, LoRA on the top layers) and `generate_reasons()` (batched, KV cache, top-k sampling).
Each phase runs in its own process, so peak memory (max RSS) is per phase.

    python benchmarks/reason_bench.py [--steps 6] [--batch 4] [--recs 32]

Engines (issue #17): the whole `generate_reasons` path (model load excluded) on real shops with their
active adapter, the same recommendations and seeds for each engine: the torch loop (2 candidates
then 2, as before #17), the fast engine in int8 with 1 candidate first (then 3 for the failures:
the default) and with 2 first, and the fast engine in fp32. The engines take turns on slices of the
recommendations (interleaved, as the CPU is shared), each slice in its own process (peak memory per
engine); the slow references may write only the first part of each slice (--reference-share).
Checker pass rate before fallback (the share of recommendations whose reason the model
wrote) with a 95% Wilson interval.

    python benchmarks/reason_bench.py --engines SHOP.db [SHOP.db ...] --recs 320 --slices 4

Training precision (issue #17): the engine's `train()` with the Standard preset's batch, rank and
learning rate on a real shop, in fp32 and under bf16 autocast (where the processor has bf16 units),
taking turns for --rounds rounds of --steps steps, each in its own process: real tokens/s (median),
the ratio in each round, and the last logged losses.

    python benchmarks/reason_bench.py --training SHOP.db --steps 20 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = os.environ["TRANSFORMERS_OFFLINE"] = "1"
REVIEWS = ROOT.parent.parent / "shared" / "data" / "amazon-reviews-musical-instruments" / \
    "Musical_instruments_reviews.partial_noheader.csv"


def shop(folder: Path):
    from engine.db import open_shop
    from tests.reasons_demo import build_demo_shop
    path = folder / "bench.db"
    new = not path.exists()
    db = open_shop(path)
    if new:
        build_demo_shop(db, customers=40, reviews_file=REVIEWS if REVIEWS.exists() else None)
    return db


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def train_baseline(db, steps: int, batch: int) -> dict:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, Trainer, TrainingArguments
    from engine.reasons import data, model as M
    from engine.reasons.lora import LORA_TARGETS
    examples, _ = data.build(db)
    base = M.base_model_dir(db)
    tok = M.load_tokenizer(base)
    rows = []
    for ex in examples[:steps * batch]:
        enc = tok(ex.prompt + ex.target + "<|im_end|>", padding="max_length", max_length=256, truncation=True)
        rows.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                     "labels": [t if m else -100 for t, m in zip(enc["input_ids"], enc["attention_mask"])]})
    real = sum(sum(r["attention_mask"]) for r in rows)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(str(base)),
                           LoraConfig(r=8, lora_alpha=16, target_modules=LORA_TARGETS, task_type="CAUSAL_LM"))
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), max_steps=steps, per_device_train_batch_size=batch,
                             report_to="none", use_cpu=True, save_strategy="no", disable_tqdm=True,
                             logging_steps=steps)
    trainer = Trainer(model=model, args=args, train_dataset=[{k: torch.tensor(v) for k, v in r.items()} for r in rows])
    t = time.perf_counter()
    trainer.train()
    s = time.perf_counter() - t
    return {"seconds": round(s, 1), "real_tokens": real, "tokens_per_second": round(real / s, 1)}


def train_ours(db, steps: int, batch: int) -> dict:
    from engine.reasons import train
    from engine.reasons.presets import PRESETS
    PRESETS["bench"] = {"steps": steps, "batch_size": batch, "lr": 1e-3, "rank": 8}
    run = train(db, preset="bench")
    return json.loads(db.execute("SELECT metrics FROM training_runs WHERE id = ?", [run]).fetchone()[0])


def train_precision(shop_path: str, precision: str, steps: int) -> dict:
    """One Standard-preset training of `steps` steps on a copy of the shop, in fp32 or bf16 autocast."""
    import dataclasses
    import shutil
    from engine.db import open_shop
    from engine.reasons import lora
    from engine.reasons.device import detect_device
    copy = Path(tempfile.mkdtemp(prefix="train-precision-")) / "shop.db"
    shutil.copy(shop_path, copy)
    device = detect_device()
    if precision == "bf16" and not device.cpu_bf16:
        raise SystemExit("this processor has no bf16 units")
    device = dataclasses.replace(device, cpu_bf16=precision == "bf16")
    lora.detect_device = lambda: device
    lora._prepare_fast_copy = lambda *a, **k: None   # conversion is not training
    db = open_shop(copy)
    run = lora.train(db, preset="standard", steps=steps)
    row = db.execute("SELECT metrics, losses FROM training_runs WHERE id = ?", [run]).fetchone()
    return {**json.loads(row[0]), "losses": json.loads(row[1])[-3:]}


def training_main(shop_path: str, steps: int, rounds: int) -> None:
    import statistics
    rates: dict[str, list[float]] = {"fp32": [], "bf16": []}
    for r in range(rounds):
        for precision in ("fp32", "bf16") if r % 2 == 0 else ("bf16", "fp32"):
            out = subprocess.run([sys.executable, __file__, "--train-precision", precision, "--training", shop_path,
                                  "--steps", str(steps)], capture_output=True, text=True)
            line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
            if not line:
                raise SystemExit(out.stderr[-2000:])
            result = json.loads(line[-1][7:])
            rates[precision].append(result["tokens_per_second"])
            print(f"round {r + 1} {precision}: {result['tokens_per_second']} real tokens/s, "
                  f"{result['seconds']} s, last losses {result['losses']}", flush=True)
    ratios = [b / f for b, f in zip(rates["bf16"], rates["fp32"])]
    print(f"median real tokens/s: fp32 {statistics.median(rates['fp32']):.0f}, bf16 {statistics.median(rates['bf16']):.0f}; "
          f"bf16/fp32 per round {', '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f}x)")


def generate_baseline(db, recs: int) -> dict:
    import torch
    from engine.reasons import model as M, prompt, store
    base = M.base_model_dir(db)
    tok, model = M.load_tokenizer(base), M.load_model(base)
    rs = store.recommendations(db)[:recs]
    t = time.perf_counter()
    for r in rs:
        enc = tok(prompt.build(r["evidence"]), return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            model.generate(**enc, do_sample=True, temperature=0.8, top_p=0.95, max_new_tokens=48,
                           pad_token_id=tok.pad_token_id, eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"))
    s = time.perf_counter() - t
    return {"reasons": len(rs), "seconds": round(s, 1), "reasons_per_second": round(len(rs) / s, 2)}


def generate_ours(db, recs: int, candidates: int) -> dict:
    from engine.reasons import generate_reasons, store
    from engine.reasons.generate import load_generator
    gen = load_generator(db, adapter=None)
    ids = [r["id"] for r in store.recommendations(db)[:recs]]
    out = generate_reasons(db, ids=ids, candidates=candidates, generator=gen)
    out["candidates_per_second"] = round(out["reasons_per_second"] * candidates, 2)
    return out


def phase(name: str, folder: Path, a) -> dict:
    db = shop(folder)
    if name == "train_baseline":
        out = train_baseline(db, a.steps, a.batch)
    elif name == "train_ours":
        out = train_ours(db, a.steps, a.batch)
    elif name == "generate_baseline":
        out = generate_baseline(db, max(4, a.recs // 4))
    elif name.startswith("generate_ours"):
        out = generate_ours(db, a.recs, int(name.rsplit("_", 1)[1]))
    out["peak_mb"] = round(peak_mb())
    return out


ENGINES = {  # name: (load_generator engine, first-round candidates, second-round candidates)
    "torch": ("torch", 2, 2),
    "fast_int8_1": ("int8", 1, 3),
    "fast_int8_2": ("int8", 2, 2),
    "fast_fp32_1": ("float32", 1, 3),
}


def engine_phase(shop_path: str, name: str, ids: list[int]) -> dict:
    """One engine writes reasons for `ids` through `generate_reasons`; new tokens are counted by
    tokenizing what `sample` returned (the stop token excluded)."""
    from engine.db import open_shop
    from engine.reasons import generate
    db = open_shop(shop_path, create=False, check=False)
    engine, first, retry = ENGINES[name]
    gen = generate.load_generator(db, engine=engine)
    tokens = [0]
    plain_sample = generate.sample

    def counting_sample(g, prompts, *args, **kw):
        out = plain_sample(g, prompts, *args, **kw)
        tokens[0] += sum(len(x) for cs in out for x in g.tok(cs, add_special_tokens=False)["input_ids"])
        return out
    generate.sample = counting_sample
    out = generate.generate_reasons(db, ids=ids, generator=gen, candidates=first, retry_candidates=retry)
    out["new_tokens"] = tokens[0]
    out["peak_mb"] = round(peak_mb())
    # per recommendation, so that engines can be compared on the very same ones
    out["template_ids"] = [r[0] for r in db.execute(
        f"SELECT recommendation_id FROM reasons WHERE provenance = 'template' AND recommendation_id IN "
        f"({','.join(map(str, ids))})")]
    return out


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    centre, half = p + z * z / (2 * n), z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5
    return ((centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n))


REFERENCES = ("torch", "fast_fp32_1")   # the slow references may write only part of each slice


def engines_main(shops: list[str], recs: int, slices: int, seed: int, reference_share: float = 1.0) -> None:
    import random
    import shutil
    import statistics
    for shop_path in shops:
        work = Path(tempfile.mkdtemp(prefix="reason-bench-engines-")) / Path(shop_path).name
        shutil.copy(shop_path, work)   # the benchmark writes reasons: never into the shop given
        from engine.db import open_shop
        from engine.queries import latest_run_id
        db = open_shop(work, create=False, check=False)
        run = latest_run_id(db)
        every = [r[0] for r in db.execute("SELECT id FROM recommendations WHERE run_id = ? ORDER BY id", [run])]
        ids = random.Random(seed).sample(every, min(recs, len(every)))
        db.conn.close()
        per = -(-len(ids) // slices)
        results: dict[str, list[dict]] = {name: [] for name in ENGINES}
        for name in ENGINES:   # converts each fast copy once, outside the measured slices
            subprocess.run([sys.executable, __file__, "--engine-phase", name, "--folder", str(work),
                            "--ids", ",".join(map(str, ids[:2]))], capture_output=True, text=True)
        for k in range(slices):
            for name in ENGINES:
                part = ids[k * per:(k + 1) * per]
                if name in REFERENCES:   # slow: the first part of the same slice
                    part = part[:max(1, round(len(part) * reference_share))]
                out = subprocess.run([sys.executable, __file__, "--engine-phase", name, "--folder", str(work),
                                      "--ids", ",".join(map(str, part))],
                                     capture_output=True, text=True)
                line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
                if not line:
                    print(name, "failed:", out.stderr[-3000:], flush=True)
                    continue
                results[name].append(json.loads(line[-1][7:]))
                print(Path(shop_path).stem, k, name, results[name][-1], flush=True)
        print(f"\n{Path(shop_path).stem}: {len(ids)} recommendations, {slices} interleaved slices")
        print("| engine | reasons | reasons/s (median of slices) | new tokens/s | pass before fallback (95% CI) "
              "| template share | second round | peak MB |")
        print("|---|---:|---:|---:|---|---:|---:|---:|")
        base_rate = None
        for name, rows in results.items():
            if not rows:
                continue
            n = sum(r["reasons"] for r in rows)
            tpl = sum(r["templates"] for r in rows)
            rate = statistics.median(r["reasons_per_second"] for r in rows)
            tok_rate = statistics.median(r["new_tokens"] / r["seconds"] for r in rows)
            base_rate = base_rate or rate
            lo, hi = wilson(n - tpl, n)
            print(f"| {name} ({rows[0].get('engine', '')}) | {n} | {rate:.2f} ({rate / base_rate:.1f}x) | "
                  f"{tok_rate:.0f} | {(n - tpl) / n:.3f} ({lo:.3f}-{hi:.3f}) | {tpl / n:.3f} | "
                  f"{sum(r['second_round'] for r in rows) / n:.3f} | {max(r['peak_mb'] for r in rows)} |")
        print(json.dumps(results), flush=True)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--engines", nargs="+", metavar="SHOP.db", help="compare the engines on these shops")
    p.add_argument("--engine-phase")
    p.add_argument("--ids")
    p.add_argument("--slices", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--reference-share", type=float, default=1.0,
                   help="the share of each slice the slow references (torch, fp32) write")
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--recs", type=int, default=64)
    p.add_argument("--phase")
    p.add_argument("--folder")
    p.add_argument("--training", metavar="SHOP.db", help="compare fp32 and bf16 training on this shop")
    p.add_argument("--train-precision", choices=["fp32", "bf16"])
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    if a.train_precision:
        print("RESULT " + json.dumps(train_precision(a.training, a.train_precision, a.steps)), flush=True)
        return
    if a.training:
        training_main(a.training, a.steps, a.rounds)
        return
    if a.engine_phase:
        print("RESULT " + json.dumps(engine_phase(a.folder, a.engine_phase, [int(x) for x in a.ids.split(",")])),
              flush=True)
        return
    if a.engines:
        engines_main(a.engines, a.recs, a.slices, a.seed, a.reference_share)
        return
    if a.phase:
        print("RESULT " + json.dumps(phase(a.phase, Path(a.folder), a)), flush=True)
        return
    folder = Path(tempfile.mkdtemp(prefix="reason-bench-"))
    os.environ.setdefault("SHOPWISE_DATA_DIR", str(Path.home() / ".local" / "share" / "Shopwise"))
    results = {}
    for name in ["train_baseline", "train_ours", "generate_baseline", "generate_ours_1", "generate_ours_2"]:
        out = subprocess.run([sys.executable, __file__, "--phase", name, "--folder", str(folder),
                              "--steps", str(a.steps), "--batch", str(a.batch), "--recs", str(a.recs)],
                             capture_output=True, text=True)
        line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
        results[name] = json.loads(line[-1][7:]) if line else {"error": out.stderr[-2000:]}
        print(name, results[name], flush=True)
    tb, to = results["train_baseline"], results["train_ours"]
    if "tokens_per_second" in tb and "tokens_per_second" in to:
        print(f"training speed-up (real tokens/s): {to['tokens_per_second'] / tb['tokens_per_second']:.2f}x")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
