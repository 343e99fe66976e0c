"""Reason generation: batched sampling of candidates, the checker picks.

Two engines sample: the fast engine (CTranslate2, `fast.py`) where it runs, else the torch loop
below (`decode`), with the same prompts, sampling settings and stop tokens. Prompts are sorted by
length and batched; the prompts' shared prefix is read once. The model writes slots (`{product}`,
`{share}`...) that the evidence fills. Each recommendation first gets one candidate; those whose
candidate the claim checker rejects (or that does not state the asked fact) get a second round with
more candidates; if that fails too, a template reason is stored with provenance 'template'.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.jobs import CancelToken, Progress, no_progress
from engine.queries import latest_run_id

from . import fast, prompt, slots, store
from .adapters import active_adapter
from .checker import check, mentions_feature
from .device import detect_device
from .model import base_model_dir, load_model, load_tokenizer
from .silver import template_reason


@dataclass
class Generator:
    model: object             # the torch model, or the CTranslate2 generator when `fast`
    tok: object
    provenance: str           # "adapter:<id>" | "base"
    adapter_id: int | None
    device: str
    fast: bool = False
    engine: str = ""          # for people: "fast engine, int8, 2 cores"


def _adapter_row(db, adapter) -> dict | None:
    if adapter == "active":
        return active_adapter(db)
    if adapter is None:
        return None
    row = db.execute("SELECT id, path FROM adapters WHERE id = ?", [adapter]).fetchone()
    return {"id": row[0], "path": row[1]} if row else None


def load_generator(db, data: str | Path | None = None, adapter: str | int | None = "active",
                   engine: str = "auto") -> Generator:
    """The base model with the active adapter merged in ('active'), a given adapter id, or none.

    engine 'auto': the fast engine where it runs (converting the model on first use), else torch;
    'torch': the torch model (training reuses it); a CTranslate2 type ('float32'): the fast engine
    in that type (the benchmark compares them)."""
    device = detect_device()
    base = base_model_dir(db, data)
    row = _adapter_row(db, adapter)
    tok = load_tokenizer(base)
    tok.padding_side = "left"
    provenance, adapter_id = (f"adapter:{row['id']}", row["id"]) if row else ("base", None)
    choice = (fast.choose(device) if engine == "auto" else fast.EngineChoice(False, None) if engine == "torch"
              else fast.EngineChoice(True, engine))
    if choice.fast:
        target = (fast.adapter_copy(Path(row["path"]), choice.compute_type) if row
                  else fast.base_copy(base, choice.compute_type, data))
        try:
            folder = fast.convert(base, Path(row["path"]) if row else None, choice.compute_type, target)
            model = fast.load(folder, device, choice.compute_type)
        except (RuntimeError, ValueError, NotImplementedError, OSError) as exc:
            # a model it cannot convert, a device that refuses it, a full disk: the torch loop writes instead
            choice = fast.EngineChoice(False, None, f"the fast engine could not start: {exc}")
        else:
            return Generator(model, tok, provenance, adapter_id, device.kind, True, choice.words(device))
    model = load_model(base, row["path"] if row else None, device.kind, device.dtype)
    return Generator(model, tok, provenance, adapter_id, device.kind, False, choice.words(device))


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


# Prompts per batch. The fast engine writes 8% more reasons a second in batches of 96 than of 48 on 2 cores
# (Online Retail, Standard adapter, session 9); the torch loop keeps 48, where its cache was measured.
BATCH = {True: 96, False: 48}
# Sampled sequences (prompts x candidates) per batch, at most. Memory follows the sequences, not the prompts:
# each keeps its own KV cache, ~14 MB at these lengths in the fast engine. 96 prompts x 3 candidates of a
# second round (the retry pool overshoots RETRY_POOL by up to a saved group) peaked at 4.9 GB against 2.2 GB
# for 96 x 1; a whole-shop run peaked at 5.0 GB (issue #17). Batches of 96 rows are what the sizes above
# were measured with (96 x 1 fast; 48 x 2 torch), so only bigger ones are split.
MAX_ROWS = 96


def sample(gen: Generator, prompts: list[str], candidates: int = 2, batch_size: int | None = None,
           max_new_tokens: int = 48, temperature: float = 0.8, top_k: int = 40, top_p: float = 0.95,
           progress=no_progress, cancel: CancelToken | None = None, seed: int = 0,
           shared: str = "") -> list[list[str]]:
    """`candidates` sampled reasons per prompt, in the prompts' order; batches of similar length.

    `shared` is the text every prompt starts with (read once); prompts are given without it.
    A batch holds at most MAX_ROWS sequences (prompts x candidates) unless `batch_size` says otherwise.
    """
    tok = gen.tok
    batch_size = batch_size or max(1, min(BATCH[gen.fast], MAX_ROWS // candidates))
    stop = list(dict.fromkeys([tok.convert_tokens_to_ids("<|im_end|>"), tok.eos_token_id]))
    prefix = tok(shared, add_special_tokens=False)["input_ids"]
    if gen.fast:
        fast.set_seed(seed)
    else:
        torch.manual_seed(seed)
    encoded = tok(prompts, add_special_tokens=False)["input_ids"]
    order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))
    out: list[list[str]] = [[] for _ in prompts]
    for start in range(0, len(order), batch_size):
        if cancel is not None:
            cancel.check()
        idx = order[start:start + batch_size]
        if gen.fast:
            got = fast.sample_batch(gen.model, tok, prefix, [encoded[i] for i in idx], candidates,
                                    max_new_tokens, temperature, top_k, top_p, stop)
            texts = tok.batch_decode([seq for per_prompt in got for seq in per_prompt], skip_special_tokens=True)
        else:
            enc = tok([prompts[i] for i in idx], return_tensors="pt", padding=True,
                      add_special_tokens=False).to(gen.device)
            ids = decode(gen.model, torch.tensor(prefix, dtype=torch.long, device=gen.device),
                         enc["input_ids"], enc["attention_mask"], candidates, max_new_tokens,
                         temperature, top_k, top_p, stop, tok.pad_token_id)
            texts = tok.batch_decode(ids, skip_special_tokens=True)
        for j, i in enumerate(idx):
            out[i] = [t.strip().split("\n")[0].strip() for t in texts[j * candidates:(j + 1) * candidates]]
        progress(Progress(min(start + batch_size, len(order)), len(order), "Writing reasons"))
    return out


def choose(cands: list[str], ev: dict, feature: str, catalogue, used: Counter, cap: int | None = None) -> str | None:
    """The best filled candidate that passes the checker and states the fact it was asked about
    (a reason that says nothing of its evidence is no reason: the template says it), least used in
    this run, ~20 words. With `cap`, a sentence already used `cap` times is no candidate: the
    recommendation goes to the second round, then to a template phrasing under the cap (`write`)."""
    ok = [c for c in cands if check(c, ev, catalogue).ok and mentions_feature(c, ev, feature)
          and (cap is None or used[c.casefold()] < cap)]
    if not ok:
        return None
    return max(ok, key=lambda c: (-used[c.casefold()], -abs(len(c.split()) - 20)))


@dataclass
class Written:
    texts: list[str | None]       # the kept reason per recommendation (the template when none passed;
                                  # None when none passed and `template` was off)
    from_model: list[bool]        # False where no candidate passed
    candidates: list[list[str]]   # every sampled candidate, for the raw metrics
    second_round: int = 0         # recommendations whose first candidates all failed


def write(gen: Generator, recs: list[dict], catalogue, candidates: int = 1, retry_candidates: int = 3,
          progress=no_progress, cancel: CancelToken | None = None, template: bool = True,
          seed: int = 0, used: Counter | None = None, cap: int | None = None) -> Written:
    """A checked reason per recommendation: `candidates` samples each; for those where none passed
    the checker, a second round of `retry_candidates` samples (0: none); then the template (unless
    `template` is off: the caller retries them itself). Most pass at the first try, so the extra
    samples are spent only where they are needed. `used` counts the sentences kept so far in the run
    (templates too); `cap` applies to both rounds (`choose`) and to the template's phrasing.
    Progress counts recommendations of the first round; the second says how many it retries."""
    feats = [prompt.main_feature(r["evidence"]) for r in recs]
    prompts = [prompt.user_part(r["evidence"], f) + prompt.SUFFIX for r, f in zip(recs, feats)]
    cands: list[list[str]] = [[] for _ in recs]
    texts: list[str | None] = [None] * len(recs)
    used = Counter() if used is None else used
    todo = list(range(len(recs)))
    second_round = 0
    for round_no, n in enumerate((candidates, retry_candidates)):
        if not todo or n < 1:
            break
        if round_no:
            second_round = len(todo)
        report = progress if round_no == 0 else (
            lambda p, n=len(todo): progress(Progress(len(recs), len(recs), f"Second try for {n} reasons")))
        got = sample(gen, [prompts[i] for i in todo], n, cancel=cancel, seed=seed + round_no,
                     shared=prompt.PREFIX, progress=report)
        for i, cs in zip(todo, got):
            # The model writes slots; a candidate with a slot its evidence cannot fill stays as written
            # and fails the checker.
            cs = [slots.fill(c, recs[i]["evidence"]) or c for c in cs]
            cands[i] += cs
            texts[i] = choose(cs, recs[i]["evidence"], feats[i], catalogue, used, cap)
            if texts[i] is not None:
                used[texts[i].casefold()] += 1
        todo = [i for i in todo if texts[i] is None]
    from_model = [t is not None for t in texts]
    if template:
        def at_cap(text: str) -> bool:
            return cap is not None and used[text.casefold()] >= cap
        for i in todo:
            texts[i] = template_reason(recs[i]["evidence"], feats[i], recs[i]["id"], taken=at_cap)
            used[texts[i].casefold()] += 1
    return Written(texts, from_model, cands, second_round)


SAVE_EVERY = 96      # reasons saved together: a cancel or a crash keeps every saved group, and
                     # the Customers view shows them as they come
SORT_WINDOW = 1536   # recommendations reordered by prompt length together (module doc of `by_prompt_length`)
SENTENCE_CAP = 0.02  # no sentence for more than this share of the run's suggestions (issue #14): a recommendation
                     # whose sentence would be goes to the second round, then to a template phrasing under the cap;
                     # only when every phrasing of its feature is at the cap is one used again. (A second round kept
                     # the least used of its drafts, at the cap or not: session 16's Online Retail Quick adapter
                     # wrote "56 customers have bought Jumbo Bag Red Retrospot so far." for 2.3% of 1,000
                     # suggestions, and its second rounds would mostly write it again.)
RETRY_POOL = 32      # recommendations whose first candidate failed wait until this many share one
                     # second round (x3 candidates: one full batch). Sampling a handful of prompts costs
                     # nearly what a full batch does: retried group by group, 42 of 960 reasons took a
                     # quarter of the run (25 s of 108, Online Retail, session 10).


def by_prompt_length(tok, recs: list[dict], window: int = SORT_WINDOW) -> list[dict]:
    """The recommendations reordered so that each batch holds prompts of about one length.

    A batch is padded to its longest prompt: batches of prompts as they come wrote 576 Online Retail
    reasons in 50 s, sorted by length in 39 s (session 10). Sorting happens within windows, not over
    the whole run: sorted throughout, the short prompts would all come first and the rate (and the
    ETA the owner reads) would fall as the run goes on."""
    lengths = [len(ids) for ids in tok([prompt.user_part(r["evidence"]) for r in recs],
                                       add_special_tokens=False)["input_ids"]]
    order = [i for start in range(0, len(recs), window)
             for i in sorted(range(start, min(start + window, len(recs))), key=lengths.__getitem__)]
    return [recs[i] for i in order]


def generate_reasons(db, run_id: int | None = None, progress=no_progress, cancel: CancelToken | None = None,
                     data: str | Path | None = None, candidates: int = 1, retry_candidates: int = 3,
                     ids: list[int] | None = None, generator: Generator | None = None,
                     missing_only: bool = False) -> dict:
    """Write a draft reason for every recommendation of the run (owner-reviewed ones are kept).

    Reasons are saved group by group (those whose first candidate failed once RETRY_POOL of them
    have had their second round together), so a cancelled run keeps what it finished; with
    `missing_only` only recommendations without any reason are written, so the next run
    goes on where a cancelled one stopped. Progress carries the reasons saved so far and the
    measured rate (reasons/s, model load excluded).
    """
    run_id = run_id if run_id is not None or ids is not None else latest_run_id(db)
    skip = store.reviewed_ids(db) | (store.ids_with_reason(db) if missing_only else set())
    recs = [r for r in store.recommendations(db, run_id, ids) if r["id"] not in skip]
    if not recs:
        return {"reasons": 0, "templates": 0}
    progress(Progress(0, None, "Loading the model (about half a minute)"))   # no fraction: a busy bar, not an empty one
    gen = generator or load_generator(db, data)
    t0, saved, templates, second_round = time.perf_counter(), 0, 0, 0
    recs = by_prompt_length(gen.tok, recs)
    catalogue = store.catalogue_names(db)

    def rate() -> float | None:
        seconds = time.perf_counter() - t0
        return saved / seconds if saved and seconds > 0 else None

    pending: list[dict] = []   # first candidate failed: waiting for the shared second round
    # each sentence of the run, casefolded, and how often it is used: those kept before, then this run's own
    used, shop_reasons = store.sentences_in_runs(db, {r["run_id"] for r in recs}, {r["id"] for r in recs})
    cap = max(1, int(SENTENCE_CAP * shop_reasons))

    def save(group: list[dict], written: Written) -> None:
        nonlocal saved, templates
        rows = [{"recommendation_id": rec["id"], "text": text, "provenance": gen.provenance if ok else "template",
                 "adapter_id": gen.adapter_id if ok else None}
                for rec, text, ok in zip(group, written.texts, written.from_model) if text is not None]
        store.save_reasons(db, rows)
        saved += len(rows)
        templates += sum(r["provenance"] == "template" for r in rows)

    for start in range(0, len(recs), SAVE_EVERY):
        group = recs[start:start + SAVE_EVERY]
        written = write(gen, group, catalogue, candidates, 0, cancel=cancel, template=False, used=used, cap=cap,
                        progress=lambda p: progress(Progress(start + (p.done or 0), len(recs), p.message,
                                                             rate=rate(), saved=saved)))
        if cancel is not None:
            cancel.check()
        save(group, written)
        pending += [rec for rec, ok in zip(group, written.from_model) if not ok]
        if pending and (len(pending) >= RETRY_POOL or start + SAVE_EVERY >= len(recs)):
            second_round += len(pending) if retry_candidates > 0 else 0
            done, n = start + len(group), len(pending)
            retried = write(gen, pending, catalogue, retry_candidates, 0, cancel=cancel, seed=1, used=used, cap=cap,
                            progress=lambda p: progress(Progress(done, len(recs), f"Second try for {n} reasons",
                                                                 rate=rate(), saved=saved)))
            if cancel is not None:
                cancel.check()
            save(pending, retried)
            pending = []
        progress(Progress(saved, len(recs), f"{saved:,} reasons saved", rate=rate(), saved=saved))
    seconds = time.perf_counter() - t0
    return {"reasons": saved, "templates": templates, "second_round": second_round,
            "second_round_share": round(second_round / saved, 3), "seconds": round(seconds, 2),
            "reasons_per_second": round(saved / seconds, 2), "provenance": gen.provenance, "engine": gen.engine}
