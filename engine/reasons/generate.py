"""Reason generation: batched sampling of several candidates, the checker picks.

Prompts are sorted by length and left-padded in batches; generation uses the
KV cache. Each recommendation gets `candidates` samples; the best one that
passes the faithfulness checker is kept, else a template reason is stored
with provenance 'template'.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.jobs import CancelToken, Progress, no_progress

from . import prompt, store
from .adapters import active_adapter
from .checker import check, mentions_feature
from .device import detect_device
from .model import base_model_dir, load_model, load_tokenizer
from .silver import template_reason


@dataclass
class Generator:
    model: object
    tok: object
    provenance: str           # "adapter:<id>" | "base"
    adapter_id: int | None
    device: str


def load_generator(db, data: str | Path | None = None, adapter: str | int | None = "active") -> Generator:
    """The base model with the active adapter merged in ('active'), a given adapter id, or none."""
    device = detect_device()
    base = base_model_dir(db, data)
    row = active_adapter(db) if adapter == "active" else (
        next((a for a in db.execute("SELECT id, path FROM adapters WHERE id = ?", [adapter]).fetchall()), None)
        if adapter is not None else None)
    if isinstance(row, tuple):
        row = {"id": row[0], "path": row[1]}
    dtype = torch.bfloat16 if device.bf16 else torch.float32
    model = load_model(base, row["path"] if row else None, device.kind, dtype)
    tok = load_tokenizer(base)
    tok.padding_side = "left"
    return Generator(model, tok, f"adapter:{row['id']}" if row else "base", row["id"] if row else None,
                     device.kind)


@torch.inference_mode()
def decode(model, ids, mask, candidates: int, max_new_tokens: int, temperature: float, top_k: int,
           top_p: float, stop: list[int], pad_id: int) -> torch.Tensor:
    """Sample `candidates` continuations per left-padded prompt, with a KV cache.

    The prompt is read once; its cache is then repeated for the candidates.
    Sampling draws from the top-k tokens only (sorting 49k logits per step is slow on a CPU).
    """
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True, logits_to_keep=1)
    past = out.past_key_values
    past.batch_repeat_interleave(candidates)
    logits = out.logits[:, -1].repeat_interleave(candidates, 0)
    mask = mask.repeat_interleave(candidates, 0)
    pos = pos[:, -1:].repeat_interleave(candidates, 0)
    stop_t = torch.tensor(stop, device=ids.device)
    done = torch.zeros(mask.shape[0], dtype=torch.bool, device=ids.device)
    new = []
    for _ in range(max_new_tokens):
        top, idx = (logits.float() / temperature).topk(top_k, dim=-1)
        probs = top.softmax(-1)
        probs[(probs.cumsum(-1) - probs) > top_p] = 0  # nucleus inside the top-k
        tok = idx.gather(-1, torch.multinomial(probs, 1))
        tok[done] = pad_id
        new.append(tok)
        done |= torch.isin(tok[:, 0], stop_t)
        if bool(done.all()):
            break
        mask = torch.cat([mask, (~done).long()[:, None]], dim=-1)
        pos = pos + 1
        out = model(input_ids=tok, attention_mask=mask, position_ids=pos, past_key_values=past, use_cache=True)
        past, logits = out.past_key_values, out.logits[:, -1]
    return torch.cat(new, dim=-1)


def sample(gen: Generator, prompts: list[str], candidates: int = 4, batch_size: int = 16,
           max_new_tokens: int = 48, temperature: float = 0.8, top_k: int = 40, top_p: float = 0.95,
           progress=no_progress, cancel: CancelToken | None = None, seed: int = 0) -> list[list[str]]:
    """`candidates` sampled reasons per prompt, in the prompts' order; batches of similar length."""
    torch.manual_seed(seed)
    tok = gen.tok
    stop = [tok.convert_tokens_to_ids("<|im_end|>"), tok.eos_token_id]
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    out: list[list[str]] = [[] for _ in prompts]
    for start in range(0, len(order), batch_size):
        if cancel is not None:
            cancel.check()
        idx = order[start:start + batch_size]
        enc = tok([prompts[i] for i in idx], return_tensors="pt", padding=True,
                  add_special_tokens=False).to(gen.device)
        ids = decode(gen.model, enc["input_ids"], enc["attention_mask"], candidates, max_new_tokens,
                     temperature, top_k, top_p, stop, tok.pad_token_id)
        texts = tok.batch_decode(ids, skip_special_tokens=True)
        for j, i in enumerate(idx):
            out[i] = [t.strip().split("\n")[0].strip() for t in texts[j * candidates:(j + 1) * candidates]]
        progress(Progress(min(start + batch_size, len(order)), len(order), "Writing reasons"))
    return out


def choose(cands: list[str], ev: dict, feature: str, catalogue, used: set[str]) -> str | None:
    """The best candidate that passes the checker: talks about the feature, new in this run, ~20 words."""
    ok = [c for c in cands if check(c, ev, catalogue).ok]
    if not ok:
        return None
    return max(ok, key=lambda c: (mentions_feature(c, ev, feature), c.casefold() not in used,
                                  -abs(len(c.split()) - 20)))


def generate_reasons(db, run_id: int | None = None, progress=no_progress, cancel: CancelToken | None = None,
                     data: str | Path | None = None, candidates: int = 4, batch_size: int = 16,
                     ids: list[int] | None = None, generator: Generator | None = None) -> dict:
    """Write a draft reason for every recommendation of the run (owner-reviewed ones are kept)."""
    run_id = run_id if run_id is not None or ids is not None else store.latest_run_id(db)
    reviewed = store.reviewed_ids(db)
    recs = [r for r in store.recommendations(db, run_id, ids) if r["id"] not in reviewed]
    if not recs:
        return {"reasons": 0}
    progress(Progress(0, len(recs), "Loading the model"))
    gen = generator or load_generator(db, data)
    catalogue = store.catalogue_names(db)
    t0 = time.perf_counter()
    feats = [prompt.main_feature(r["evidence"]) for r in recs]
    cands = sample(gen, [prompt.build(r["evidence"], f) for r, f in zip(recs, feats)], candidates,
                   batch_size, progress=lambda p: progress(Progress(p.done, p.total, p.message)), cancel=cancel)
    rows, used, templates = [], set(), 0
    for rec, f, cs in zip(recs, feats, cands):
        text = choose(cs, rec["evidence"], f, catalogue, used)
        provenance = gen.provenance
        if text is None:
            text, provenance, templates = template_reason(rec["evidence"], f), "template", templates + 1
        used.add(text.casefold())
        rows.append({"recommendation_id": rec["id"], "text": text, "provenance": provenance,
                     "adapter_id": gen.adapter_id if provenance.startswith("adapter") else None})
    if cancel is not None:
        cancel.check()
    store.save_reasons(db, rows)
    seconds = time.perf_counter() - t0
    return {"reasons": len(rows), "templates": templates, "seconds": round(seconds, 2),
            "reasons_per_second": round(len(rows) / seconds, 2), "provenance": gen.provenance}
