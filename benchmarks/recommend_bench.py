"""Recommendation benchmark: the per-shop selected model against strong baselines.

For each real file (imported with engine.ingest.orders into a fresh shop): test =
each customer's last basket (customers with >= 2 baskets). The shop's own selection
(engine/recommend/select.py) is given every basket, as in the app, and holds out that same
last basket itself before validating on the second- and third-to-last (until session 12 it
was given the baskets without the test basket, so it validated one basket earlier than the
app does). Baselines are tuned on the second-to-last basket:
popularity, P-TopFreq, item-kNN (k), EASE (lambda) and implicit's ALS
(factors, regularization, alpha). 95% intervals: bootstrap over customers;
the difference to the best baseline is a paired bootstrap.
Every model is also scored by basket completion (each customer's last multi-item basket
loses one item; find it), on personalisation (share of customers whose top 10 differs from
the most common one) and catalogue coverage (engine/recommend/evaluate.py).
Then the speed and memory of a full run on an Online-Retail-sized shop.

    python benchmarks/recommend_bench.py [--quick] [--no-doc]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.db import open_shop, transaction  # noqa: E402
from engine.ingest.orders import import_orders  # noqa: E402
from engine.recommend import data as D  # noqa: E402
from engine.recommend.base import Model  # noqa: E402
from engine.recommend.evaluate import (  # noqa: E402
    bootstrap_ci, completion_split, evaluate, evaluate_completion, list_diversity, paired_diff_ci)
from engine.recommend.select import make, select  # noqa: E402

DATA = ROOT.parent.parent / "shared" / "data"
if not DATA.exists():
    DATA = Path("/work/shared/data")
FILES = {
    "Groceries": "groceries-kaggle/Groceries_dataset.csv",
    "Online Retail sample": "online-retail-uci-sample/online_retail_sample.csv",
    "Amazon Musical Instruments": "amazon-reviews-musical-instruments/"
                                  "Musical_instruments_reviews.partial_noheader.csv",
    "Shopify kids shop": "shopify-orders-kidsliving/orders_export.redacted.csv",
}
COMPLETION_BASELINES = ("popularity", "item-knn", "ease")
DOC = ROOT / "docs" / "recommendations.md"


class ALS(Model):
    """implicit's ALS (benchmark only): confidence = 1 + alpha * baskets with the item."""
    name = "als"

    def __init__(self, factors=64, regularization=0.01, alpha=10.0):
        super().__init__(factors=factors, regularization=regularization, alpha=alpha)

    def _fit(self, data):
        from implicit.cpu.als import AlternatingLeastSquares
        m = AlternatingLeastSquares(factors=self.params["factors"], alpha=self.params["alpha"],
                                    regularization=self.params["regularization"], iterations=15,
                                    random_state=0, num_threads=2)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(1, "blas"):      # what implicit asks for; its own threads do the work
            m.fit(self.history.astype(np.float32), show_progress=False)
        self.u, self.v = np.asarray(m.user_factors), np.asarray(m.item_factors)

    def score(self, users):
        return self.u[users] @ self.v.T + self.pop_tiebreak()


BASELINE_GRIDS = {
    "popularity": [{}],
    "p-topfreq": [{"half_life": None, "fill": "popularity"}],   # the paper's: best sellers fill up
    "item-knn": [{"k": k} for k in (20, 50, 100, 200, 400)],
    "ease": [{"lam": lam} for lam in (10.0, 100.0, 500.0, 2000.0, 5000.0)],
    "als": [{"factors": f, "regularization": r, "alpha": a}
            for f in (32, 64, 128) for r in (0.01, 0.1) for a in (1.0, 10.0, 40.0)],
}


def build(name, params):
    return ALS(**params) if name == "als" else make(name, params)


def tune(name, vtrain, val):
    """The baseline's best parameters on the validation split (raw: no one-off rule)."""
    best = None
    for params in BASELINE_GRIDS[name]:
        r = evaluate(build(name, params), vtrain, val, ks=(10,), min_repeat_share=0.0)
        if best is None or r["ndcg@10"] > best[1]:
            best = (params, r["ndcg@10"])
    return best[0]


def repeat_signal(train, test, n: int = 1000, seed: int = 0) -> dict:
    """Does what a customer bought before make it likelier in their next basket? Over the test customers'
    (customer, product) pairs where they had bought the product (on 1+ / 2+ earlier baskets): the test-basket
    hits, against the hits expected if owning did not matter (each product's hit rate among the test customers
    who never bought it). ratio = hits / expected with a 95% bootstrap interval over customers. About 1: no
    model can be personal and more accurate than best sellers."""
    users = np.array(sorted(test), dtype=np.int64)
    counts = train.counts()[users].toarray()
    hit = np.zeros(counts.shape, dtype=bool)
    for r, u in enumerate(users):
        hit[r, test[int(u)]] = True
    never = counts == 0
    rate = (hit & never).sum(axis=0) / np.maximum(never.sum(axis=0), 1)
    out, pick = {}, np.random.default_rng(seed).integers(0, len(users), size=(n, len(users)))
    for label, owned in (("bought before", counts >= 1), ("bought on 2+ baskets", counts >= 2)):
        hits, expected = (hit & owned).sum(axis=1), (owned * rate[None, :]).sum(axis=1)
        ratios = hits[pick].sum(axis=1) / np.maximum(expected[pick].sum(axis=1), 1e-12)
        out[label] = {"pairs": int(owned.sum()), "hits": int(hits.sum()), "expected": float(expected.sum()),
                      "ratio": float(hits.sum() / max(expected.sum(), 1e-12)),
                      "ci": [float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))]}
    return out


def shop_for(path: Path, tmp: Path):
    db = open_shop(tmp / (path.stem + ".db"))
    t = time.time()
    import_orders(db, path)
    return db, time.time() - t


def bench_dataset(label, path, tmp, quick=False):
    db, import_s = shop_for(path, tmp)
    data = D.load(db)
    train, test = D.holdout_last(data)
    vtrain, val = D.holdout_last(train)
    csplit = completion_split(data)
    t = time.time()
    choice = select(data)   # the shop's own selection: it holds out each last basket itself (= the test basket)
    select_s = time.time() - t
    runs = [(f"auto: {choice['model']}", choice["model"], choice["params"], choice["min_repeat_share"],
             {**choice["params"], "one_off_rule": choice["min_repeat_share"] > 0})]
    for name in BASELINE_GRIDS:
        if quick and name == "als":
            continue
        params = tune(name, vtrain, val) if val else BASELINE_GRIDS[name][0]
        runs.append((name, name, params, 0.0, params))
    rows = []
    for label_, name, params, rule, shown in runs:
        row = {"model": label_, "params": shown}
        if test:
            model = build(name, params)
            row.update(evaluate(model, train, test, min_repeat_share=rule, keep_per_user=True))
            row.update(list_diversity(model, train, rule))
        c = evaluate_completion(build(name, params), data, min_repeat_share=rule, keep_per_user=True, split=csplit)
        row["completion"] = {k: v for k, v in c.items() if k != "per_user"}
        row["_cpu"] = c.get("per_user", {})
        rows.append(row)
    for r in rows:
        pu = r.pop("per_user", None)
        r["ci"] = {m: bootstrap_ci(pu[m]) for m in ("ndcg@10", "recall@10")} if pu else {}
        r["completion"]["ci"] = {m: bootstrap_ci(r["_cpu"][m]) for m in ("ndcg@10", "recall@10")} \
            if r["_cpu"] else {}
        r["_pu"] = pu
    out = {"dataset": label, "customers": int(data.n_users), "items": int(data.n_items),
           "baskets": int(len(data.b_user)), "test_users": len(test), "completion_users": len(csplit[1]),
           "import_s": import_s, "select_s": select_s,
           "selection": {k: v for k, v in choice.items() if k != "validation"}, "rows": rows,
           "repeat_signal": repeat_signal(train, test) if test else {}}
    if test:
        best = max(rows[1:], key=lambda r: r["ndcg@10"])
        out["best_baseline"] = best["model"]
        out["diff_vs_best"] = {m: paired_diff_ci(rows[0]["_pu"][m], best["_pu"][m]) for m in ("ndcg@10", "recall@10")}
        pop = next(r for r in rows if r["model"] == "popularity")
        out["diff_vs_popularity"] = {m: paired_diff_ci(rows[0]["_pu"][m], pop["_pu"][m])
                                     for m in ("ndcg@10", "recall@10")}
    if csplit[1]:
        cbest = max((r for r in rows if r["model"] in COMPLETION_BASELINES), key=lambda r: r["completion"]["ndcg@10"])
        out["completion_best_baseline"] = cbest["model"]
        out["completion_diff_vs_best"] = {m: paired_diff_ci(rows[0]["_cpu"][m], cbest["_cpu"][m])
                                          for m in ("ndcg@10", "recall@10")}
    for r in rows:
        r.pop("_pu")
        r.pop("_cpu")
    db.conn.close()
    return out


# ---------- speed on an Online-Retail-sized shop ----------

def synthetic_shop(path: Path, n_customers=4400, n_items=4000, n_orders=18_500, lines=21, seed=0):
    """Test data shaped like the full Online Retail file (written directly, not imported)."""
    rng = np.random.default_rng(seed)
    db = open_shop(path)
    pop = 1 / np.arange(1, n_items + 1) ** 0.8
    pop /= pop.sum()
    favourites = rng.choice(n_items, size=(n_customers, 30), p=pop)
    with transaction(db):
        db["imports"].insert({"id": 1, "kind": "orders", "file_name": "synthetic", "sha256": "s",
                              "started_at": "2024-01-01", "status": "done"})
        db.conn.executemany("INSERT INTO products (id, name, name_key, category) VALUES (?, ?, ?, ?)",
                            [(i + 1, f"product {i}", f"product {i}", f"cat{i % 40}") for i in range(n_items)])
        db.conn.executemany("INSERT INTO customers (id, key_kind, external_key) VALUES (?, 'id', ?)",
                            [(c + 1, str(c)) for c in range(n_customers)])
        activity = rng.lognormal(0.0, 1.0, size=n_customers)   # a few customers order a lot
        cust = np.concatenate([np.arange(n_customers),          # everyone orders at least once
                               rng.choice(n_customers, size=n_orders - n_customers,
                                          p=activity / activity.sum())])
        days = rng.integers(0, 365, size=n_orders)
        db.conn.executemany(
            "INSERT INTO orders (id, import_id, source, external_id, customer_id, ordered_at, status) "
            "VALUES (?, 1, 's', ?, ?, ?, 'completed')",
            [(o + 1, str(o), int(cust[o]) + 1, D.day_iso(15000 + int(days[o])) + " 12:00:00")
             for o in range(n_orders)])
        out = []
        sizes = np.maximum(1, rng.poisson(lines, size=n_orders))
        others = iter(rng.choice(n_items, size=int(sizes.sum()), p=pop))
        for o in range(n_orders):
            k = int(sizes[o])
            own = favourites[cust[o], rng.integers(0, 30, size=k // 2)]
            other = [next(others) for _ in range(k - k // 2)]
            for i in np.unique(np.concatenate([own, other])):
                out.append((o + 1, int(i) + 1, 1.0, 2.0, 0))
        db.conn.executemany("INSERT INTO order_lines (order_id, product_id, quantity, unit_price, "
                            "is_return) VALUES (?, ?, ?, ?, ?)", out)
    db.conn.close()
    return len(out)


# A full run in a fresh process, by the code at argv[1] (this checkout's or another's: its own engine/).
# Peak memory is Linux's VmHWM, the program's own since its exec. ru_maxrss is not: a child forked from this
# benchmark starts with the benchmark's peak (about 410 MB after the four shops), so until session 15 every
# run below that read 411 MB.
TIMED_RUN = """
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
import engine.recommend as R
from engine.db import open_shop, transaction
db = open_shop(sys.argv[2])
choice = {"model": sys.argv[3], "params": json.loads(sys.argv[4]), "min_repeat_share": 0.1,
          "validation": [], "validation_users": 0, "fingerprint": R._fingerprint(db)}
try:
    from engine.recommend.select import SELECTION_RULE
    choice["rule"] = SELECTION_RULE
except ImportError:
    pass
with transaction(db):
    R._save_selection(db, choice)
t = time.time()
R.run_recommendations(db, limit=10)
seconds = time.time() - t
use = resource.getrusage(resource.RUSAGE_SELF)
try:
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
except (OSError, StopIteration):
    peak = use.ru_maxrss / 1024
print(json.dumps({"load_avg": os.getloadavg()[0], "seconds": seconds, "cpu_s": use.ru_utime + use.ru_stime,
                  "peak_rss_mb": peak}))
"""


# "before": another checkout's code on the same shop (--before), e.g. the commit a change started from
BEFORE = Path("/work/main")


SELECT_TIMED = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from engine.db import open_shop
from engine.recommend import data as D
from engine.recommend.select import select
db = open_shop(sys.argv[2])
t = time.time()
choice = select(D.load(db))
print(json.dumps({"model": choice["model"], "params": choice["params"], "seconds": time.time() - t}))
"""


def selected_in_process(script: Path, path: Path) -> dict:
    """The selection made by the code next to `script` (its own engine/), in a fresh process."""
    res = subprocess.run([sys.executable, "-c", SELECT_TIMED, str(script.parent.parent), str(path)],
                         capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError(f"the selection by {script} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench_speed(tmp: Path, before: Path = BEFORE) -> dict:
    path = tmp / "retail_sized.db"
    t = time.time()
    n_lines = synthetic_shop(path)
    out = {"lines": n_lines, "build_s": time.time() - t, "runs": [],
           "before": subprocess.run(["git", "-C", str(before), "rev-parse", "--short", "HEAD"],
                                    capture_output=True, text=True).stdout.strip() or str(before)}
    picks = []
    for who, script in (("before", before / "benchmarks" / "recommend_bench.py"), ("now", Path(__file__))):
        if not script.exists():
            continue
        # each code on its own copy: one may have moved on to a newer shop schema,
        # which it writes into the file and the other's code then refuses to open
        own = tmp / f"retail_sized_{who}.db"
        shutil.copyfile(path, own)
        choice = selected_in_process(script, own)
        out[f"select_s_{who}"], out[f"selected_{who}"] = choice.pop("seconds"), choice["model"]
        picks.append((f"{who}: auto ({choice['model']})", script.parent.parent, own, choice["model"],
                      choice["params"]))
    for label, model, params in [
            ("popularity", "popularity", {}), ("p-topfreq", "p-topfreq", {"half_life": None}),
            ("item-knn", "item-knn", {"k": 200}), ("ease", "ease", {"lam": 500.0}),
            # the sparse EASE a catalogue beyond EASE.MAX_ITEMS gets, forced on this one
            ("ease, sparse", "ease", {"lam": 500.0, "max_items": 0}),
            ("item-content", "item-content", {"w": 0.7, "k": 200}),
            ("tifu-knn", "tifu-knn", {"decay": 0.9, "k": 300, "alpha": 0.3}),
            ("tifu-knn-grouped", "tifu-knn-grouped",
             {"group_size": 3, "within": 0.9, "across": 0.7, "k": 300, "alpha": 0.1}),
            ("blend", "blend", {"base": "ease", "w": 0.3, "lam": 500.0}),
            ("repeat-explore", "repeat-explore", {"explore": ["item-knn", {"k": 200}]})]:
        picks.append((label, ROOT, path, model, params))
    for label, code, shop, model, params in picks:
        res = subprocess.run([sys.executable, "-c", TIMED_RUN, str(code), str(shop), model, json.dumps(params)],
                             capture_output=True, text=True)
        if res.returncode:
            raise RuntimeError(f"the timed run of {label} failed:\n{res.stderr}")
        out["runs"].append({**json.loads(res.stdout.strip().splitlines()[-1]), "model": label})
    return out


# ---------- report ----------

def fmt_ci(r, m):
    if r.get(m) is None or m not in r.get("ci", {}):
        return "-"
    lo, hi = r["ci"][m]
    return f"{r[m]:.3f} [{lo:.3f}, {hi:.3f}]"


def short(params: dict) -> str:
    """Parameters for the table: the learned lift tables are in recommend_results.json."""
    return json.dumps({k: ("learned" if k == "lifts" and v else v) for k, v in params.items()})


def f3(v):
    return "-" if v is None else f"{v:.3f}"


def markdown(results, speed) -> str:
    out = []
    for d in results:
        s = d["selection"]
        out.append(f"### {d['dataset']}\n\n{d['customers']} customers, {d['items']} items, {d['baskets']} "
                   f"baskets; {d['test_users']} last-basket test customers, {d['completion_users']} completed "
                   f"baskets. Selected on validation: **{s['model']}** "
                   f"{short(s['params'])} (one-off rule {'on' if s['min_repeat_share'] > 0 else 'off'}); "
                   f"selection took {d['select_s']:.1f} s.\n")
        out.append("| model | params | NDCG@10 [95% CI] | Recall@10 [95% CI] | Hit@10 | Recall@10 repeat | "
                   "Recall@10 new | coverage@10 | personalisation | catalogue coverage | "
                   "completion NDCG@10 [95% CI] | completion Recall@10 [95% CI] |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in d["rows"]:
            c = r["completion"]
            out.append(f"| {r['model']} | `{short(r['params'])}` | {fmt_ci(r, 'ndcg@10')} | "
                       f"{fmt_ci(r, 'recall@10')} | {f3(r.get('hit@10'))} | {f3(r.get('recall_repeat@10'))} | "
                       f"{f3(r.get('recall_new@10'))} | {f3(r.get('coverage@10'))} | "
                       f"{f3(r.get('personalisation'))} | {f3(r.get('catalogue_coverage'))} | "
                       f"{fmt_ci(c, 'ndcg@10')} | {fmt_ci(c, 'recall@10')} |")
        if "diff_vs_best" in d:
            dn, dr = d["diff_vs_best"]["ndcg@10"], d["diff_vs_best"]["recall@10"]
            pn = d["diff_vs_popularity"]["ndcg@10"]
            out.append(f"\nLast basket, auto minus the best baseline ({d['best_baseline']}), paired bootstrap: "
                       f"NDCG@10 {dn[0]:+.4f} [{dn[1]:+.4f}, {dn[2]:+.4f}], "
                       f"Recall@10 {dr[0]:+.4f} [{dr[1]:+.4f}, {dr[2]:+.4f}]; auto minus popularity: "
                       f"NDCG@10 {pn[0]:+.4f} [{pn[1]:+.4f}, {pn[2]:+.4f}].")
        if d.get("repeat_signal"):
            parts = [f"{label}: {v['hits']} hits where {v['expected']:.0f} were expected, ratio {v['ratio']:.2f} "
                     f"[{v['ci'][0]:.2f}, {v['ci'][1]:.2f}]" if v["expected"] > 0 else f"{label}: no such pairs"
                     for label, v in d["repeat_signal"].items()]
            out.append("\nPersonal signal (`repeat_signal`: a test customer's products bought before, against the "
                       "hit rate of each product among the test customers who never bought it): " + "; ".join(parts)
                       + ".")
        if "completion_diff_vs_best" in d:
            cn = d["completion_diff_vs_best"]["ndcg@10"]
            out.append(f"\nBasket completion, auto minus the best of popularity, item-kNN, EASE "
                       f"({d['completion_best_baseline']}): NDCG@10 {cn[0]:+.4f} [{cn[1]:+.4f}, {cn[2]:+.4f}].\n")
    if speed:
        out.append(f"### Speed: Online-Retail-sized shop\n\nSynthetic shop written straight into SQLite: "
                   f"4,400 customers, 4,000 products, 18,500 orders, {speed['lines']:,} lines. "
                   f"Full `run_recommendations` (fit, recommend 10 for every customer, evidence, store), "
                   f"each in a fresh process on this machine ({os.cpu_count()} cores):\n")
        out.append("| model | wall seconds | CPU seconds (whole process) | peak memory (MB, whole process) | "
                   "machine load average |\n|---|---|---|---|---|")
        for r in speed["runs"]:
            out.append(f"| {r['model']} | {r['seconds']:.1f} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:.0f} | "
                       f"{r['load_avg']:.1f} |")
        out.append(f"\nModel selection on that shop (all candidates on the validation split, done once and "
                   f"cached until the orders change): the code before ({speed.get('before', '')}) "
                   f"{speed.get('select_s_before', float('nan')):.1f} s "
                   f"(picked {speed.get('selected_before')}), this code {speed['select_s_now']:.1f} s "
                   f"(picked {speed['selected_now']}).\n")
    return "\n".join(out)


def write_doc(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else "<!-- bench:start -->\n<!-- bench:end -->\n"
    a, b = doc.index("<!-- bench:start -->"), doc.index("<!-- bench:end -->")
    DOC.write_text(doc[:a] + "<!-- bench:start -->\n" + text + "\n" + doc[b:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="no ALS, no speed run")
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--datasets", nargs="*", default=list(FILES), help="which of the files (default: all)")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--before", type=Path, default=BEFORE,
                    help="a checkout whose code the speed part also times (default /work/main)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = []
        for label, rel in FILES.items():
            if label not in args.datasets:
                continue
            t = time.time()
            results.append(bench_dataset(label, DATA / rel, tmp, args.quick))
            print(f"{label}: {time.time() - t:.0f} s", file=sys.stderr)
        speed = None if args.quick or args.no_speed else bench_speed(tmp, args.before)
    text = markdown(results, speed)
    print(text)
    (ROOT / "benchmarks" / "recommend_results.json").write_text(json.dumps(
        {"datasets": results, "speed": speed}, indent=1, default=float))
    if not args.no_doc:
        write_doc(text)


if __name__ == "__main__":
    main()
