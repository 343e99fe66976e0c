"""The `evaluate` and `recommend` subcommands.

engine/cli/__init__.py registers them: `add_commands(commands)` on its subparsers; each
subcommand sets `handler`, a function of the parsed args returning the exit code.
"""

from __future__ import annotations

from engine.cli.common import OK, add_db_argument, print_progress
from engine.db import open_shop
from engine.jobs import Refused


def add_commands(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="compare all recommendation models on this shop")
    add_db_argument(p)
    p.add_argument("--days", type=int, default=30, help="length of the 'last N days' test split")
    p.set_defaults(handler=cmd_evaluate)
    p = subparsers.add_parser("recommend", help="recommend products with the shop's best model")
    add_db_argument(p)
    p.add_argument("--customer", type=int, help="show only this customer id")
    p.add_argument("--limit", type=int, default=10, help="products per customer (default 10)")
    p.set_defaults(handler=cmd_recommend)


LABELS = {"due": "reorder now", "coming_up": "coming up", "bought_before": "bought before", "discover": "discover"}


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def _head(column: str) -> str:
    return {"recall_repeat@10": "r_rep@10", "recall_new@10": "r_new@10", "coverage@10": "cov@10",
            "personalisation": "personal"}.get(column, column)


def _param(value) -> str:
    return "learned" if isinstance(value, dict) and "share_edges" in value else str(value)


def _with_ci(row: dict, metric: str) -> str:
    lo, hi = row.get("ci", {}).get(metric, (None, None))
    if row.get(metric) is None:
        return "-"
    return f"{row[metric]:.3f}" + ("" if lo is None else f" [{lo:.3f}, {hi:.3f}]")


def cmd_evaluate(args) -> int:
    from engine.recommend import evaluate_shop
    res = evaluate_shop(open_shop(args.db, create=False), progress=print_progress, days=args.days)
    sel = res["selection"]
    baskets = "second- and third-to-last baskets" if sel.get("validation_folds", 1) > 1 else "second-to-last basket"
    print(f"Shop as of {res['as_of']}. Selected on the validation split ({baskets}, "
          f"{sel['validation_users']} customers): {sel['model']} {sel['params']} "
          f"(one-off rule {'on' if sel['min_repeat_share'] > 0 else 'off'})")
    if sel.get("note"):
        print(f"Note: {sel['note']}")
    cols = ["hit@10", "recall_repeat@10", "recall_new@10", "ndcg@5", "recall@5", "coverage@10",
            "personalisation"]
    print(f"{'':2}{'model':<34}{'one-off':<8}{'split':<18}{'users':>6} {'ndcg@10 [95% CI]':>22} "
          f"{'recall@10 [95% CI]':>22} " + " ".join(f"{_head(c):>9}" for c in cols))
    for r in res["results"]:
        name = " ".join([r["model"]] + [f"{k}={_param(v)}" for k, v in r["params"].items()])
        print(f"{'*' if r['selected'] else ' ':2}{name[:33]:<34}{'on' if r['min_repeat_share'] > 0 else 'off':<8}"
              f"{r['split']:<18}{r['users']:>6} {_with_ci(r, 'ndcg@10'):>22} {_with_ci(r, 'recall@10'):>22} "
              + " ".join(f"{_fmt(r.get(c)):>9}" for c in cols))
    print("* = the model this shop uses. one-off on: items a customer bought once that few buyers\n"
          "ever rebuy are not recommended again. [95% CI]: bootstrap over the test customers.\n"
          "basket_completion: each customer's last basket of 2+ items loses one item; the model must find it.\n"
          "personalisation: share of customers whose top 10 differs from the most common one.\n"
          "Results stored in the evaluations table.")
    return OK


def cmd_recommend(args) -> int:
    from engine.evidence import reorder_timing
    from engine.queries import customer_recommendations, evidence_in_words
    from engine.recommend import run_recommendations, up_to_date_run
    db = open_shop(args.db, create=False)
    if args.customer is not None and not db.execute(
            "SELECT 1 FROM customers WHERE id = ?", [args.customer]).fetchone():
        raise Refused(f"No customer with id {args.customer} in this shop.")
    # One customer: the stored run serves when the orders have not changed since it was made.
    run_id = up_to_date_run(db, args.limit) if args.customer is not None else None
    reused = run_id is not None
    if not reused:
        run_id = run_recommendations(db, limit=args.limit, progress=print_progress)
    model = db.execute("SELECT model FROM recommendation_runs WHERE id = ?", [run_id]).fetchone()[0]
    print(f"Run {run_id}: model {model}" + (" (stored; the orders have not changed since)" if reused else ""))
    ids = ([args.customer] if args.customer is not None else
           [r[0] for r in db.execute("SELECT DISTINCT customer_id FROM recommendations WHERE run_id = ? "
                                     "ORDER BY customer_id LIMIT 5", [run_id])])
    for cid in ids:
        name = db.execute("SELECT coalesce(name, external_key) FROM customers WHERE id = ?", [cid]).fetchone()[0]
        recs = customer_recommendations(db, cid, run_id)
        print(f"\nCustomer {cid} ({name}):")
        if not recs:
            print("  nothing to recommend")
        for r in recs:
            label = LABELS[reorder_timing(r["evidence"]) if r["kind"] == "reorder" else "discover"]
            print(f"  {r['rank']:>2}. [{label:<13}] {r['product'][:40]:<40} {r['score']:>9.3f}  "
                  f"{' '.join(evidence_in_words(r['evidence']))}")
    if args.customer is None:
        print("\n(first 5 customers shown; use --customer ID for one customer)")
    return OK
