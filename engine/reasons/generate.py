"""Reason generation: batched sampling of a few candidates, the checker picks.

Prompts are sorted by length and left-padded in batches; generation uses the
KV cache, reads the prompts' shared prefix once per batch, and drops finished
sequences from the batch. Each recommendation gets `candidates` samples; the
model writes
slots (`{product}`, `{share}`...) that the evidence fills; the best filled
candidate that passes the claim checker is kept; those with none get a
second round; if that fails too, a template reason is stored with provenance
'template'.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.jobs import CancelToken, Progress, no_progress
from engine.queries import latest_run_id

from . import prompt, slots, store
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
    model = load_model(base, row["path"] if row else None, device.kind, device.dtype)
    tok = load_tokenizer(base)
    tok.padding_side = "left"
    return Generator(model, tok, f"adapter:{row['id']}" if row else "base", row["id"] if row else None,
                     device.kind)


@torch.inference_mode()
def decode(model, prefix: torch.Tensor | None, ids, mask, candidates: int, max_new_tokens: int,
           temperature: float, top_k: int, top_p: float, stop: list[int], pad_id: int) -> torch.Tensor:
    """Sample `candidates` continuations per left-padded prompt, with a KV cache.

    The shared `prefix` is read once for the whole batch and each prompt once for
    all its candidates: their caches are repeated, not recomputed. A sequence
    leaves the batch when it ends, so short reasons do not pay for long ones.
    Sampling draws from the top-k tokens only (sorting 49k logits per step is slow on a CPU).
    Returns (prompts x candidates, max_new_tokens) token ids, padded with `pad_id`.
    """
    n, past, start = ids.shape[0], None, 0
    if prefix is not None and prefix.numel():
        past = model(input_ids=prefix[None], use_cache=True).cache
        past.batch_repeat_interleave(n)
        start = prefix.numel()
        mask = torch.cat([mask.new_ones(n, start), mask], dim=-1)
    pos = start + (mask[:, start:].cumsum(-1) - 1).clamp(min=0)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, cache=past,
                use_cache=True, logits_to_keep=1)
    past = out.cache
    past.batch_repeat_interleave(candidates)
    logits = out.logits[:, -1].repeat_interleave(candidates, 0)
    mask = mask.repeat_interleave(candidates, 0)
    pos = pos[:, -1:].repeat_interleave(candidates, 0)
    stop_t = torch.tensor(stop, device=ids.device)
    rows = torch.arange(n * candidates, device=ids.device)   # the output row of each live sequence
    result = torch.full((n * candidates, max_new_tokens), pad_id, device=ids.device)
    for step in range(max_new_tokens):
        top, idx = (logits.float() / temperature).topk(top_k, dim=-1)
        probs = top.softmax(-1)
        probs[(probs.cumsum(-1) - probs) > top_p] = 0  # nucleus inside the top-k
        tok = idx.gather(-1, torch.multinomial(probs, 1))
        result[rows, step] = tok[:, 0]
        live = ~torch.isin(tok[:, 0], stop_t)
        if not bool(live.any()):
            break
        if not bool(live.all()):
            keep = live.nonzero()[:, 0]
            past.batch_select_indices(keep)
            tok, mask, pos, rows = tok[keep], mask[keep], pos[keep], rows[keep]
        mask = torch.cat([mask, mask.new_ones(len(rows), 1)], dim=-1)
        pos = pos + 1
        out = model(input_ids=tok, attention_mask=mask, position_ids=pos, cache=past, use_cache=True)
        past, logits = out.cache, out.logits[:, -1]
    return result


def sample(gen: Generator, prompts: list[str], candidates: int = 2, batch_size: int = 48,
           max_new_tokens: int = 48, temperature: float = 0.8, top_k: int = 40, top_p: float = 0.95,
           progress=no_progress, cancel: CancelToken | None = None, seed: int = 0,
           shared: str = "") -> list[list[str]]:
    """`candidates` sampled reasons per prompt, in the prompts' order; batches of similar length.

    `shared` is the text every prompt starts with (read once per batch); prompts are given without it.
    """
    torch.manual_seed(seed)
    tok = gen.tok
    stop = [tok.convert_tokens_to_ids("<|im_end|>"), tok.eos_token_id]
    prefix = tok(shared, add_special_tokens=False, return_tensors="pt")["input_ids"][0].to(gen.device)
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    out: list[list[str]] = [[] for _ in prompts]
    for start in range(0, len(order), batch_size):
        if cancel is not None:
            cancel.check()
        idx = order[start:start + batch_size]
        enc = tok([prompts[i] for i in idx], return_tensors="pt", padding=True,
                  add_special_tokens=False).to(gen.device)
        ids = decode(gen.model, prefix, enc["input_ids"], enc["attention_mask"], candidates, max_new_tokens,
                     temperature, top_k, top_p, stop, tok.pad_token_id)
        texts = tok.batch_decode(ids, skip_special_tokens=True)
        for j, i in enumerate(idx):
            out[i] = [t.strip().split("\n")[0].strip() for t in texts[j * candidates:(j + 1) * candidates]]
        progress(Progress(min(start + batch_size, len(order)), len(order), "Writing reasons"))
    return out


def choose(cands: list[str], ev: dict, feature: str, catalogue, used: set[str]) -> str | None:
    """The best filled candidate that passes the checker and states the fact it was asked about
    (a reason that says nothing of its evidence is no reason: the template says it), new in this run, ~20 words."""
    ok = [c for c in cands if check(c, ev, catalogue).ok and mentions_feature(c, ev, feature)]
    if not ok:
        return None
    return max(ok, key=lambda c: (c.casefold() not in used, -abs(len(c.split()) - 20)))


@dataclass
class Written:
    texts: list[str]              # the kept reason per recommendation (template when none passed)
    from_model: list[bool]        # False where the template was used
    candidates: list[list[str]]   # every sampled candidate, for the raw metrics


def write(gen: Generator, recs: list[dict], catalogue, candidates: int = 2, rounds: int = 2,
          progress=no_progress, cancel: CancelToken | None = None) -> Written:
    """A checked reason per recommendation: `candidates` samples each, and for those where none
    passed the checker, another round of samples (up to `rounds`); then the template.
    Progress counts recommendations of the first round; later rounds say how many they retry."""
    feats = [prompt.main_feature(r["evidence"]) for r in recs]
    prompts = [prompt.user_part(r["evidence"], f) + prompt.SUFFIX for r, f in zip(recs, feats)]
    cands: list[list[str]] = [[] for _ in recs]
    texts: list[str | None] = [None] * len(recs)
    used: set[str] = set()
    todo = list(range(len(recs)))
    for round_no in range(rounds):
        if not todo:
            break
        report = progress if round_no == 0 else (
            lambda p, n=len(todo): progress(Progress(len(recs), len(recs), f"Second try for {n} reasons")))
        got = sample(gen, [prompts[i] for i in todo], candidates, cancel=cancel, seed=round_no,
                     shared=prompt.PREFIX, progress=report)
        for i, cs in zip(todo, got):
            # The model writes slots; a candidate with a slot its evidence cannot fill stays as written
            # and fails the checker.
            cs = [slots.fill(c, recs[i]["evidence"]) or c for c in cs]
            cands[i] += cs
            texts[i] = choose(cs, recs[i]["evidence"], feats[i], catalogue, used)
            if texts[i] is not None:
                used.add(texts[i].casefold())
        todo = [i for i in todo if texts[i] is None]
    from_model = [t is not None for t in texts]
    final = [t if t is not None else template_reason(r["evidence"], f, r["id"]) for t, r, f in zip(texts, recs, feats)]
    return Written(final, from_model, cands)


CHUNK = 480   # reasons saved together: a cancel or a crash keeps every finished chunk


def generate_reasons(db, run_id: int | None = None, progress=no_progress, cancel: CancelToken | None = None,
                     data: str | Path | None = None, candidates: int = 2, rounds: int = 2,
                     ids: list[int] | None = None, generator: Generator | None = None,
                     missing_only: bool = False) -> dict:
    """Write a draft reason for every recommendation of the run (owner-reviewed ones are kept).

    Reasons are saved chunk by chunk, so a cancelled run keeps what it finished; with
    `missing_only` only recommendations without any reason are written, so the next run
    goes on where a cancelled one stopped.
    """
    run_id = run_id if run_id is not None or ids is not None else latest_run_id(db)
    skip = store.reviewed_ids(db) | (store.ids_with_reason(db) if missing_only else set())
    recs = [r for r in store.recommendations(db, run_id, ids) if r["id"] not in skip]
    if not recs:
        return {"reasons": 0, "templates": 0}
    progress(Progress(0, None, "Loading the model (about half a minute)"))   # no fraction: a busy bar, not an empty one
    gen = generator or load_generator(db, data)
    catalogue = store.catalogue_names(db)
    t0, saved, templates = time.perf_counter(), 0, 0
    for start in range(0, len(recs), CHUNK):
        chunk = recs[start:start + CHUNK]
        written = write(gen, chunk, catalogue, candidates, rounds, cancel=cancel, progress=lambda p: progress(
            Progress(start + (p.done or 0), len(recs), p.message)))
        if cancel is not None:
            cancel.check()
        store.save_reasons(db, [{"recommendation_id": rec["id"], "text": text,
                                 "provenance": gen.provenance if ok else "template",
                                 "adapter_id": gen.adapter_id if ok else None}
                                for rec, text, ok in zip(chunk, written.texts, written.from_model)])
        saved, templates = saved + len(chunk), templates + written.from_model.count(False)
    seconds = time.perf_counter() - t0
    return {"reasons": saved, "templates": templates, "seconds": round(seconds, 2),
            "reasons_per_second": round(saved / seconds, 2), "provenance": gen.provenance}
