"""LoRA fine-tuning of the base model on the shop's own data, with the HF `Trainer`.

Loss is computed on reason tokens only (prompt and padding are -100); batches
are grouped by length and padded only to their longest example, so the CPU
does not spend its time on padding. A `TrainerCallback` reports progress and
stops on cancel (saving a checkpoint, so the run can be resumed). The adapter
is saved atomically and only then registered and activated: a cancelled or
failed run leaves the previous adapter active and the database as it was.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
import uuid
from pathlib import Path

import torch
from transformers import Trainer, TrainerCallback, TrainingArguments

from engine.clock import now
from engine.db import transaction
from engine.jobs import CancelToken, Cancelled, Progress, no_progress

from . import data as training_data
from . import fast, prompt
from .adapters import register_adapter
from .device import detect_device
from .presets import PRESETS
from .model import base_model_dir, load_base, load_tokenizer
from .paths import data_dir, offline, save_atomically

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
LORA_TOP_LAYERS = 1 / 3   # adapt only the top third of the layers: backward stops there (~2x less compute)
MAX_LEN = 384
log = logging.getLogger("shopwise.reasons")


def tokenize(examples, tok, max_len: int = MAX_LEN) -> list[dict]:
    """Prompt + reason + end token; labels only on the reason and the end token."""
    out = []
    for ex in examples:
        p = tok(ex.prompt, add_special_tokens=False)["input_ids"]
        r = tok(ex.target, add_special_tokens=False)["input_ids"] + [tok.convert_tokens_to_ids("<|im_end|>")]
        ids = (p + r)[-max_len:]
        labels = ([-100] * len(p) + r)[-max_len:]
        out.append({"input_ids": ids, "labels": labels})
    return out


class Collator:
    """Pads a batch to its own longest example, on the left, so that every reason ends at the
    right edge: logits (49k wide) are then computed only over the last K positions, the
    reasons, instead of over the whole prompt. Counts the real tokens seen."""

    def __init__(self, pad_id: int, multiple_of: int = 8):
        self.pad_id, self.multiple_of, self.real_tokens = pad_id, multiple_of, 0

    def __call__(self, batch: list[dict]) -> dict:
        n = math.ceil(max(len(b["input_ids"]) for b in batch) / self.multiple_of) * self.multiple_of
        ids = torch.full((len(batch), n), self.pad_id)
        labels = torch.full((len(batch), n), -100)
        mask = torch.zeros((len(batch), n), dtype=torch.long)
        for i, b in enumerate(batch):
            k = len(b["input_ids"])
            ids[i, n - k:], labels[i, n - k:], mask[i, n - k:] = torch.tensor(b["input_ids"]), torch.tensor(b["labels"]), 1
        self.real_tokens += int(mask.sum())
        window = min(n, max(sum(x != -100 for x in b["labels"]) for b in batch) + 1)
        return {"input_ids": ids, "attention_mask": mask, "position_ids": (mask.cumsum(-1) - 1).clamp(min=0),
                "labels": labels[:, -window:], "logits_to_keep": window}


class JobCallback(TrainerCallback):
    """Engine progress and cancel inside the Trainer's loop."""

    def __init__(self, progress, cancel: CancelToken | None):
        self.progress, self.cancel = progress, cancel
        self.cancelled, self.losses = False, []

    def on_log(self, args, state, control, logs=None, **kw):
        if logs and "loss" in logs:
            self.losses.append([state.global_step, round(float(logs["loss"]), 4)])

    def on_step_end(self, args, state, control, **kw):
        loss = self.losses[-1][1] if self.losses else None
        words = f", loss {loss:.3f}" if loss is not None else ""
        self.progress(Progress(state.global_step, state.max_steps, f"Training step {state.global_step}{words}",
                               loss=loss))
        if self.cancel is not None and self.cancel.cancelled:
            self.cancelled = True
            control.should_save = True          # a checkpoint to resume from
            control.should_training_stop = True
        return control


def _latest_checkpoint(folder: Path) -> str | None:
    cps = sorted(folder.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    return str(cps[-1]) if cps else None


def _start_run(db, params: dict, sizes: dict, device) -> int:
    with transaction(db):
        # A run still 'running' now was killed with its process (one training at a time per shop).
        db.execute("UPDATE training_runs SET status = 'interrupted' WHERE status = 'running'")
        return db["training_runs"].insert({
            "started_at": now(), "status": "running", "device": device.description,
            "params": json.dumps(params), "data_sizes": json.dumps(sizes)}).last_pk


def _update_run(db, run_id: int, **fields) -> None:
    fields = {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in fields.items()}
    with transaction(db):
        db["training_runs"].update(run_id, fields)


def _prepare_fast_copy(base: Path, adapter: Path, device, progress, steps: int) -> None:
    """Merge the new adapter into the base and convert it for the fast engine now (~20 s for the
    bundled model), so writing reasons starts at once. A failure here costs only speed: the first
    generation converts again, or the torch loop writes."""
    choice = fast.choose(device)
    if not choice.fast:
        return
    progress(Progress(steps, steps, "Preparing the fast engine"))
    try:
        fast.convert(base, adapter, choice.compute_type, fast.adapter_copy(adapter, choice.compute_type))
    except Exception:  # noqa: BLE001 - the adapter is saved and active; conversion is retried when used
        log.warning("Converting adapter %s for the fast engine failed", adapter, exc_info=True)


def train(db, preset: str = "quick", steps: int | None = None, progress=no_progress,
          cancel: CancelToken | None = None, data: str | Path | None = None, resume: int | None = None,
          seed: int = 0, max_examples: int = 4000) -> int:
    """Fine-tune a LoRA adapter; returns the training run id. Raises `Cancelled` on cancel."""
    from peft import LoraConfig, get_peft_model

    offline()
    device = detect_device()
    root = data_dir(data)
    if resume is not None:  # the same data and settings as the interrupted run
        row = db.execute("SELECT params FROM training_runs WHERE id = ?", [resume]).fetchone()
        if row is None:
            raise KeyError(f"no training run {resume}")
        params = json.loads(row[0])
        run_dir = Path(params["run_dir"])
        examples = [training_data.Example(**e) for e in json.loads((run_dir / "data.json").read_text())]
        run_id = resume
        _update_run(db, run_id, status="running", device=device.description)
    else:
        progress(Progress(0, None, "Building training data"))
        base = base_model_dir(db, root)
        p = PRESETS[preset]
        examples, sizes = training_data.build(db, max_examples=max_examples, seed=seed)
        if not examples:
            raise ValueError("No training data: create recommendations first.")
        if cancel is not None:
            cancel.check()
        params = {"preset": preset, **p, "steps": steps or p["steps"], "base_model": str(base),
                  "seed": seed, "run_dir": str(root / "runs" / uuid.uuid4().hex[:12]), "max_len": MAX_LEN,
                  "prompt_format": prompt.FORMAT}
        run_dir = Path(params["run_dir"])
        run_dir.mkdir(parents=True)
        (run_dir / "data.json").write_text(json.dumps([e.__dict__ for e in examples]))
        run_id = _start_run(db, params, sizes, device)
    base = Path(params["base_model"])
    tok = load_tokenizer(base)
    dataset = tokenize(examples, tok, params["max_len"])
    collator = Collator(tok.pad_token_id)
    model = load_base(base, device.dtype)
    n_layers = model.config.num_hidden_layers
    top = list(range(n_layers - max(1, round(n_layers * LORA_TOP_LAYERS)), n_layers))
    model = get_peft_model(model, LoraConfig(r=params["rank"], lora_alpha=2 * params["rank"],
                                             lora_dropout=0.05, target_modules=LORA_TARGETS,
                                             layers_to_transform=top, task_type="CAUSAL_LM"))
    args = TrainingArguments(
        output_dir=str(run_dir / "checkpoints"), max_steps=params["steps"],
        per_device_train_batch_size=params["batch_size"], learning_rate=params["lr"],
        lr_scheduler_type="cosine", warmup_steps=max(1, params["steps"] // 20), weight_decay=0.0,
        logging_steps=max(1, params["steps"] // 30), save_strategy="steps",
        save_steps=max(10, params["steps"] // 4), save_total_limit=2, report_to="none",
        train_sampling_strategy="group_by_length", remove_unused_columns=False,
        use_cpu=device.kind == "cpu", bf16=device.trains_in_bf16, dataloader_num_workers=0,
        disable_tqdm=True, seed=params["seed"])
    callback = JobCallback(progress, cancel)
    trainer = Trainer(model=model, args=args, train_dataset=dataset, data_collator=collator,
                      callbacks=[callback])
    t0 = time.perf_counter()
    try:
        result = trainer.train(resume_from_checkpoint=_latest_checkpoint(run_dir / "checkpoints")
                               if resume is not None else None)
    except BaseException:
        _update_run(db, run_id, status="failed", finished_at=now(), losses=callback.losses)
        raise
    seconds = time.perf_counter() - t0
    metrics = {"train_loss": round(result.training_loss, 4), "seconds": round(seconds, 1),
               "real_tokens": collator.real_tokens,
               "tokens_per_second": round(collator.real_tokens / max(seconds, 1e-9), 1),
               "steps_done": trainer.state.global_step}
    if callback.cancelled:
        _update_run(db, run_id, status="cancelled", finished_at=now(), losses=callback.losses, metrics=metrics)
        raise Cancelled()
    try:  # a full disk while saving: the run says failed, the previous adapter stays active
        folder = save_atomically([model], root / "adapters" / f"adapter-{run_dir.name}")
        with transaction(db):
            adapter_id = register_adapter(db, folder, params["base_model"], run_id)
            db["training_runs"].update(run_id, {
                "status": "done", "finished_at": now(), "adapter_id": adapter_id,
                "losses": json.dumps(callback.losses), "metrics": json.dumps(metrics)})
    except BaseException:
        _update_run(db, run_id, status="failed", finished_at=now(), losses=callback.losses, metrics=metrics)
        raise
    shutil.rmtree(run_dir / "checkpoints", ignore_errors=True)
    _prepare_fast_copy(Path(params["base_model"]), folder, device, progress, params["steps"])
    progress(Progress(params["steps"], params["steps"], "Training finished"))
    return run_id
