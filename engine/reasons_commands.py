"""Command-line commands of the reason writer; the main CLI calls `add_commands(subparsers)`.

It lives beside the `engine.reasons` package, not in it: importing anything inside
that package loads torch and transformers (seconds), which `python main.py import`
or `--help` must not pay. The commands import the package when they run.
"""

from __future__ import annotations

import random
import sys

from engine.cli.common import add_db_argument, print_progress
from engine.jobs import CancelToken, Cancelled


def _db(args):
    from engine.db import open_shop
    return open_shop(args.db, create=False)


def _run(fn):
    """Ctrl-C cancels the job cleanly (a missing model is refused input: engine.cli tells its fix)."""
    def handler(args) -> int:
        token = CancelToken()
        try:
            return fn(args, token)
        except KeyboardInterrupt:
            token.cancel()
            print("\nCancelled.", file=sys.stderr)
            return 130
        except Cancelled:
            print("\nCancelled; nothing changed.", file=sys.stderr)
            return 130
    return handler


def cmd_train(args, token) -> int:
    from engine.reasons.device import detect_device
    from engine.reasons.lora import train
    from engine.reasons.presets import estimate_training_seconds
    dev = detect_device()
    print(f"Training on {dev.description}, about {estimate_training_seconds(args.preset, args.steps, dev) / 60:.0f} min.",
          file=sys.stderr)
    run_id = train(_db(args), preset=args.preset, steps=args.steps, progress=print_progress, cancel=token,
                   resume=args.resume)
    print(f"\nTraining run {run_id} finished; its adapter is now active.")
    return 0


def cmd_generate(args, token) -> int:
    from engine.queries import latest_run_id
    from engine.reasons.generate import generate_reasons
    db = _db(args)
    ids = None
    run = args.run or latest_run_id(db)
    if args.customers:  # every suggestion of the first N customers of the run
        ids = [r[0] for r in db.execute(
            "SELECT id FROM recommendations WHERE run_id = ? AND customer_id IN (SELECT DISTINCT customer_id"
            " FROM recommendations WHERE run_id = ? ORDER BY customer_id LIMIT ?)", [run, run, args.customers])]
    elif args.sample:  # N random suggestions of the run, e.g. for a hand audit
        every = [r[0] for r in db.execute("SELECT id FROM recommendations WHERE run_id = ? ORDER BY id", [run])]
        ids = random.Random(args.seed).sample(every, min(args.sample, len(every)))
    out = generate_reasons(db, run_id=args.run, ids=ids, progress=print_progress, cancel=token,
                           candidates=args.candidates, retry_candidates=args.retry_candidates,
                           missing_only=args.missing_only)
    print(f"\n{out}")
    return 0


def cmd_evaluate(args, token) -> int:
    from engine.reasons.compare import evaluate, format_table, label_table, write_audit
    if args.labels:
        try:
            print(label_table(args.labels))
        except (OSError, ValueError, KeyError) as exc:
            print(f"Cannot read the labels: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.audit:
        if not args.out:
            print("--audit needs --out FILE.csv", file=sys.stderr)
            return 2
        n = write_audit(_db(args), args.audit, args.out, seed=args.seed)
        print(f"Wrote {n} reasons to {args.out}: label each A (true and natural), B (true but awkward),"
              f" C (wrong) or D (says nothing personal), then run --labels {args.out}.")
        return 0
    rows = evaluate(_db(args), candidates=args.candidates, limit=args.limit, progress=print_progress, cancel=token)
    print("\n" + format_table(rows))
    return 0


def cmd_adapters(args, token) -> int:
    from engine.reasons.adapters import activate_adapter, list_adapters, rollback_adapter
    db = _db(args)
    if args.action == "activate":
        activate_adapter(db, args.id)
    elif args.action == "rollback":
        now = rollback_adapter(db)
        print(f"Active: {'adapter ' + str(now) if now else 'base model (no adapter)'}")
    adapters = list_adapters(db)
    if not adapters:
        print("No trained versions yet: run `python main.py train` first.")
    for a in adapters:
        print(f"{'*' if a['is_active'] else ' '} {a['id']:>3}  {a['created_at']}  run {a['training_run_id']}  {a['path']}")
    return 0


def add_commands(subparsers) -> None:
    """Register train, generate-reasons, evaluate-reasons and adapters on an argparse subparsers object."""
    def sub(name, fn, help):
        p = subparsers.add_parser(name, help=help)
        add_db_argument(p)
        p.set_defaults(handler=_run(fn))
        return p

    p = sub("train", cmd_train, "fine-tune the reason writer on this shop's data")
    p.add_argument("--preset", choices=["quick", "standard", "thorough"], default="quick")
    p.add_argument("--steps", type=int, default=None, help="training steps (overrides the preset)")
    p.add_argument("--resume", type=int, default=None, metavar="RUN", help="resume a cancelled run")
    p = sub("generate-reasons", cmd_generate, "write a reason for every recommendation")
    p.add_argument("--run", type=int, default=None, help="recommendation run (default: latest)")
    p.add_argument("--candidates", type=int, default=1, help="samples per reason at first (default 1)")
    p.add_argument("--retry-candidates", type=int, default=3,
                   help="samples per reason in the second round, for those whose first ones failed (default 3)")
    p.add_argument("--customers", type=int, default=None, metavar="N", help="only the first N customers")
    p.add_argument("--sample", type=int, default=None, metavar="N", help="only N random suggestions")
    p.add_argument("--seed", type=int, default=0, help="which random suggestions --sample picks")
    p.add_argument("--missing-only", action="store_true",
                   help="only suggestions without a reason (goes on where a stopped run ended)")
    p = sub("evaluate-reasons", cmd_evaluate, "compare template, base model and LoRA on held-out data")
    p.add_argument("--candidates", type=int, default=2, help="samples per reason in the first round (default 2)")
    p.add_argument("--limit", type=int, default=None, help="at most this many held-out recommendations")
    p.add_argument("--audit", type=int, default=None, metavar="N",
                   help="write N random reasons of the latest run with their evidence for a person to label")
    p.add_argument("--out", default=None, metavar="FILE.csv", help="where --audit writes")
    p.add_argument("--seed", type=int, default=0, help="which random reasons --audit picks")
    p.add_argument("--labels", default=None, metavar="FILE.csv", help="a labelled audit file: print its table")
    p = sub("adapters", cmd_adapters, "list, activate or roll back trained adapters")
    p.add_argument("action", nargs="?", choices=["list", "activate", "rollback"], default="list")
    p.add_argument("id", nargs="?", type=int, help="adapter id for activate")

