"""`shopwise --self-test`: the whole pipeline, headless, on the bundled demo shop, in a temporary folder.

Import the demo CSV (a dozen customers of it), recommend, train a TINY model of the real architecture
with the real tokenizer (read from the bundled GGUF) for a few steps, convert it for the fast engine
(CTranslate2) and sample from it, write reasons with the engine this machine uses and with the torch
loop (the fallback), export a CSV.
Every network connection is made to fail while it runs (engine.offline), so a pass also shows that
the whole pipeline works on a machine without network. Exit status 0 when every step worked;
otherwise the failing step is named in plain words and the exit status is 1. Nothing outside the
temporary folder is touched. No Qt here.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from engine.offline import no_network

ROOT = Path(__file__).resolve().parent.parent
DEMO_CSV = ROOT / "resources" / "demo" / "online_retail_sample.csv"
CUSTOMERS = 12
TRAIN_STEPS = 2
REASONS = 8          # a random tiny model writes until its token limit: a few reasons are enough


class StepFailed(Exception):
    pass


def _demo_sample(target: Path) -> int:
    """The demo orders of the first CUSTOMERS customers with at least 8 lines (keeps the test short)."""
    with open(DEMO_CSV, encoding="utf-8") as f:
        header, *lines = f.readlines()
    by_customer: dict[str, list[str]] = {}
    for line in lines:
        by_customer.setdefault(line.rsplit(",", 2)[1], []).append(line)
    chosen = [c for c, rows in by_customer.items() if c != "NA" and len(rows) >= 8][:CUSTOMERS]
    target.write_text(header + "".join(line for c in chosen for line in by_customer[c]), encoding="utf-8")
    return len(chosen)


def run(workdir: Path, say=print) -> None:
    """Every step in `workdir`; raises StepFailed naming the step that failed."""
    state: dict = {}

    def step(name: str, fn) -> None:
        t0 = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:  # noqa: BLE001 - the point is to report any failure plainly
            raise StepFailed(f"{name}: {type(exc).__name__}: {exc}") from exc
        say(f"  ok  {name} ({time.perf_counter() - t0:.1f} s){': ' + detail if detail else ''}")

    def demo_file():
        if not DEMO_CSV.exists():
            raise FileNotFoundError(f"the demo shop is missing ({DEMO_CSV})")
        n = _demo_sample(workdir / "orders.csv")
        return f"{n} customers"

    def libraries():
        import ctranslate2
        import peft
        import torch
        import transformers
        return (f"torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}, "
                f"ctranslate2 {ctranslate2.__version__}")

    def base_model():
        from engine.reasons.model import gguf_path
        path = gguf_path()
        with open(path, "rb") as f:
            if f.read(4) != b"GGUF":
                raise ValueError(f"{path} is not a GGUF file")
        return f"{path.name}, {path.stat().st_size / 1e6:.0f} MB"

    def open_and_import():
        from engine.db import open_shop
        from engine.ingest import import_file
        db = state["db"] = open_shop(workdir / "selftest.shopwise")
        report = import_file(db, workdir / "orders.csv")
        n = db.execute("SELECT count(*) FROM orders").fetchone()[0]
        if n == 0:
            raise ValueError("no orders were imported: " + " ".join(report.summary_lines()))
        return f"{n} orders"

    def recommend():
        from engine.recommend import run_recommendations
        db = state["db"]
        run_recommendations(db, limit=3)
        n = db.execute("SELECT count(*) FROM recommendations").fetchone()[0]
        if n == 0:
            raise ValueError("no recommendations were made")
        return f"{n} recommendations"

    def tiny_model():
        from engine.reasons import model
        folder = model.tiny_model(workdir / "tiny-model", workdir / "data")
        state["db"]["settings"].insert({"key": model.SETTING, "value": str(folder)}, replace=True)
        return "2 layers, real tokenizer"

    def train():
        from engine.reasons import train as train_lora
        run_id = train_lora(state["db"], preset="quick", steps=TRAIN_STEPS, data=workdir / "data")
        status = state["db"].execute("SELECT status FROM training_runs WHERE id = ?", [run_id]).fetchone()[0]
        if status != "done":
            raise ValueError(f"training run ended as {status!r}")
        return f"{TRAIN_STEPS} steps, adapter saved"

    def fast_engine():
        """The trained tiny model merged and converted for the fast engine (int8, on the CPU, which
        every machine has), then sampled, with the prompts' shared prefix as its static prompt."""
        from engine.reasons import fast, prompt, store
        from engine.reasons.adapters import active_adapter
        from engine.reasons.device import DeviceInfo
        from engine.reasons.model import load_tokenizer
        if not fast.installed():
            raise ModuleNotFoundError("the fast engine (ctranslate2) is not in this installation")
        base = Path(state["db"].execute("SELECT value FROM settings WHERE key = 'reasons.base_model'").fetchone()[0])
        adapter = Path(active_adapter(state["db"])["path"])
        t0 = time.perf_counter()
        folder = fast.convert(base, adapter, "int8", workdir / "fast-check" / "ct2-int8")
        converted = time.perf_counter() - t0
        model = fast.load(folder, DeviceInfo("cpu", "CPU"), "int8")
        tok = load_tokenizer(base)
        recs = store.recommendations(state["db"])[:4]
        got = fast.sample_batch(model, tok, tok(prompt.PREFIX, add_special_tokens=False)["input_ids"],
                                [tok(prompt.user_part(r["evidence"]) + prompt.SUFFIX,
                                     add_special_tokens=False)["input_ids"] for r in recs],
                                2, 8, 0.8, 40, 0.95, [tok.convert_tokens_to_ids("<|im_end|>")])
        if [len(per_prompt) for per_prompt in got] != [2] * len(recs) or not any(s for p in got for s in p):
            raise ValueError(f"the fast engine wrote nothing: {got}")
        return f"converted in {converted:.1f} s, {len(recs)} prompts x 2 candidates"

    def reasons():
        from engine.reasons import generate_reasons
        ids = [r[0] for r in state["db"].execute("SELECT id FROM recommendations ORDER BY id LIMIT ?", [REASONS])]
        summary = generate_reasons(state["db"], data=workdir / "data", ids=ids)
        if not summary.get("reasons"):
            raise ValueError(f"no reasons were written: {summary}")
        return f"{summary['reasons']} reasons, {summary['engine']}"

    def torch_fallback():
        from engine.reasons import generate_reasons
        from engine.reasons.generate import load_generator
        ids = [r[0] for r in state["db"].execute("SELECT id FROM recommendations ORDER BY id LIMIT 2")]
        gen = load_generator(state["db"], workdir / "data", engine="torch")
        summary = generate_reasons(state["db"], data=workdir / "data", ids=ids, generator=gen)
        if not summary.get("reasons"):
            raise ValueError(f"no reasons were written: {summary}")
        return f"{summary['reasons']} reasons, {summary['engine']}"

    def export():
        from engine.export import export_recommendations
        out = workdir / "export.csv"
        rows = export_recommendations(state["db"], out)
        with open(out, encoding="utf-8-sig", newline="") as f:
            written = list(csv.reader(f))
        if rows == 0 or len(written) < 2:
            raise ValueError("the exported CSV has no rows")
        return f"{rows} rows"

    def offline():
        if attempts:
            raise ConnectionError(f"{len(attempts)} network connections were tried: {'; '.join(attempts[:3])}")
        return "no connection was tried"

    with no_network() as attempts:
        step("demo shop", demo_file)
        step("libraries", libraries)
        step("bundled base model", base_model)
        step("import", open_and_import)
        step("recommend", recommend)
        step("tiny model", tiny_model)
        step("train (LoRA)", train)
        step("fast engine (convert, write)", fast_engine)
        step("reasons", reasons)
        step("reasons (torch fallback)", torch_fallback)
        step("export CSV", export)
        state["db"].close()
    step("without network", offline)


def main(keep: bool = False) -> int:
    t0 = time.perf_counter()
    print("Shopwise self-test: import, recommend, train, reasons, export on the demo shop.")
    workdir = Path(tempfile.mkdtemp(prefix="shopwise-selftest-"))
    old_data = os.environ.get("SHOPWISE_DATA_DIR")
    os.environ["SHOPWISE_DATA_DIR"] = str(workdir / "data")
    try:
        run(workdir)
    except StepFailed as exc:
        print(f"FAILED  {exc}", file=sys.stderr)
        if os.environ.get("SHOPWISE_SELFTEST_TRACEBACK"):
            traceback.print_exception(exc.__cause__, file=sys.stderr)
        print(f"Self-test failed after {time.perf_counter() - t0:.0f} s; files kept in {workdir}",
              file=sys.stderr)
        return 1
    finally:
        if old_data is None:
            os.environ.pop("SHOPWISE_DATA_DIR", None)
        else:
            os.environ["SHOPWISE_DATA_DIR"] = old_data
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Self-test passed in {time.perf_counter() - t0:.0f} s.")
    return 0
