"""How cost grows with the shop: import, database size, recommendations, peak memory, reasons.

Generates seeded, realistic shops of 10^4 .. 3x10^6 order lines as Online-Retail (UCI layout)
CSV files: customers with power-law order counts, each reordering a few staples on their own
cycle, Zipf long-tail items (the catalogue grows like sqrt(lines)), seasonality over two years
(summer dip, Christmas peak). For each size, each phase runs in a fresh subprocess (peak memory
is its own):
  import     - engine.ingest.orders.import_orders into a new shop; then the shop file's size
  recommend  - engine.recommend.run_recommendations: model selection, fit, top 10 for every
               customer with evidence, stored (what the app's "Recommend" button does)
  train      - (--train PRESET) engine.reasons.train: a LoRA adapter for the reasons shop, as an
               owner gets by pressing Train; without it the reasons come from the untrained model
  reasons    - (--reasons N ...) engine.reasons.generate_reasons with the real model on the first N
               recommendations of one shop, the smallest that has max(N): reasons per second
Results are merged into benchmarks/scale_results.json (one entry per size, so big sizes can be
run separately); --doc writes docs/scale.md's table and fitted slopes and docs/scale.png.

    python benchmarks/scale_bench.py [--sizes 1e4 1e5] [--reasons 1000 10000] [--train quick]
                                     [--doc] [--results FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("scale_results.json")
DOC, PLOT = ROOT / "docs" / "scale.md", ROOT / "docs" / "scale.png"
DAYS = 730
LINES_PER_CUSTOMER = 40
STAPLES = 3          # items each customer reorders on their cycle
STAPLE_SHARE = 0.4   # share of lines that are staples

PHASE = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from engine.db import open_shop
db = open_shop(sys.argv[3])
t = time.perf_counter()
if sys.argv[2] == "import":
    from engine.ingest.orders import import_orders
    out = {"lines": import_orders(db, sys.argv[4]).counts["lines"]}
elif sys.argv[2] == "recommend":
    from engine.recommend import run_recommendations
    run = run_recommendations(db)
    out = {"recommendations": db.execute("SELECT count(*) FROM recommendations WHERE run_id = ?",
                                         [run]).fetchone()[0],
           "model": db.execute("SELECT model FROM recommendation_runs WHERE id = ?", [run]).fetchone()[0]}
elif sys.argv[2] == "train":
    from engine.reasons import train
    out = {"run": train(db, sys.argv[4])}
else:
    from engine.reasons import generate_reasons
    ids = [r[0] for r in db.execute("SELECT id FROM recommendations WHERE run_id = (SELECT max(id)"
                                    " FROM recommendation_runs) ORDER BY id LIMIT ?", [int(sys.argv[4])])]
    out = generate_reasons(db, ids=ids)
    out["generation_s"] = out.pop("seconds")   # without loading the model
db.conn.close()
# VmHWM: the peak of this program since its exec; ru_maxrss of a forked child starts at its parent's
# (this generator's) peak (recommend_bench.py, session 15).
try:
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out.update(seconds=time.perf_counter() - t, peak_mb=peak)
print(json.dumps(out))
"""


def seasonal_days(u: np.ndarray) -> np.ndarray:
    """Map uniform times in [0, 1) to days of two years with a summer dip and a Christmas peak."""
    day = np.arange(DAYS)
    density = 1 + 0.25 * np.cos(2 * np.pi * day / 365) + 1.5 * np.exp(-(((day % 365) - 345) / 12.0) ** 2)
    cdf = np.cumsum(density) / density.sum()
    return np.searchsorted(cdf, u)


def make_shop(lines: int, seed: int = 0) -> pd.DataFrame:
    """About `lines` order lines of a seeded synthetic shop, in the UCI Online Retail columns."""
    rng = np.random.default_rng(seed)
    n_customers = max(20, lines // LINES_PER_CUSTOMER)
    n_items = int(25 * lines ** 0.5)
    basket = 4.0
    # Orders per customer: power law (most buy once or twice, a few hundreds of times).
    weight = rng.pareto(1.6, n_customers) + 0.2
    n_orders = int(lines / (0.8 * basket))   # about a fifth of the drawn lines repeat one in the order
    orders_of = 1 + rng.multinomial(max(0, n_orders - n_customers), weight / weight.sum())
    cust = np.repeat(np.arange(n_customers), orders_of)
    # Each customer's orders follow their own cycle: evenly spread, jittered, then seasonally warped.
    start = np.concatenate([[0], np.cumsum(orders_of)[:-1]])
    pos = np.arange(len(cust)) - start[cust]
    phase = rng.random(n_customers)
    u = (phase[cust] + pos + rng.normal(0, 0.2, len(cust))) / orders_of[cust]
    span = rng.uniform(0.3, 1.0, n_customers)     # some customers come for a season, some for years
    offset = rng.random(n_customers)
    day = seasonal_days((offset[cust] + span[cust] * (u % 1.0)) % 1.0)
    # Lines per order; items from a Zipf long tail, or one of the customer's staples.
    size = 1 + rng.geometric(1 / basket, len(cust)) - 1
    order = np.repeat(np.arange(len(cust)), size)
    popularity = rng.permutation(n_items)              # rank -> item
    tail = popularity[np.minimum(rng.zipf(1.15, len(order)) - 1, n_items - 1)]
    staples = popularity[np.minimum(rng.zipf(1.3, (n_customers, STAPLES)) - 1, n_items - 1)]
    staple = staples[cust[order], rng.integers(0, STAPLES, len(order))]
    item = np.where(rng.random(len(order)) < STAPLE_SHARE, staple, tail)
    frame = pd.DataFrame({"order": order, "item": item}).drop_duplicates()
    order, item = frame["order"].to_numpy(), frame["item"].to_numpy()
    price = np.round(np.exp(rng.normal(1.2, 0.8, n_items)), 2) + 0.29
    seconds = rng.integers(8 * 3600, 20 * 3600, len(cust))
    when = (pd.Timestamp("2023-01-01") + pd.to_timedelta(day, "D") + pd.to_timedelta(seconds, "s"))
    return pd.DataFrame({
        "InvoiceNo": 500000 + order, "StockCode": [f"P{i:06d}" for i in item],
        "Description": [f"Product {i}" for i in item], "Quantity": rng.integers(1, 13, len(order)),
        "InvoiceDate": when.strftime("%Y-%m-%d %H:%M:%S")[order], "UnitPrice": price[item],
        "CustomerID": 10000 + cust[order], "Country": "United Kingdom"})


def phase(name: str, shop: Path, arg: str = "") -> dict:
    out = subprocess.run([sys.executable, "-c", PHASE, str(ROOT), name, str(shop), arg],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def measure(lines: int, folder: Path, keep: bool = False) -> dict:
    csv, shop = folder / f"shop{lines}.csv", folder / f"shop{lines}.db"
    t = time.perf_counter()
    frame = make_shop(lines)
    frame.to_csv(csv, index=False)
    row = {"target_lines": lines, "generate_s": round(time.perf_counter() - t, 1),
           "csv_mb": round(csv.stat().st_size / 1e6, 1), "customers": frame["CustomerID"].nunique(),
           "items": frame["StockCode"].nunique()}
    del frame
    imp = phase("import", shop, str(csv))
    row.update(lines=imp["lines"], import_s=round(imp["seconds"], 2), import_peak_mb=round(imp["peak_mb"]),
               db_mb=round(shop.stat().st_size / 1e6, 1))
    rec = phase("recommend", shop)
    row.update(recommend_s=round(rec["seconds"], 2), recommend_peak_mb=round(rec["peak_mb"]),
               recommendations=rec["recommendations"], model=rec["model"])
    print(json.dumps(row), flush=True)
    if not keep:
        csv.unlink()
    return row


def slopes(rows: list[dict]) -> dict:
    """The growth order of each figure: the slope of log(figure) against log(lines)."""
    x = np.log([r["lines"] for r in rows])
    return {k: round(float(np.polyfit(x, np.log([max(r[k], 1e-3) for r in rows]), 1)[0]), 2)
            for k in ("import_s", "db_mb", "recommend_s", "import_peak_mb", "recommend_peak_mb")}


def reason_model(results: dict) -> str:
    """Which model wrote the reasons, in words."""
    trained = results.get("reasons_training")
    if trained is None:
        return "Reason generation (the bundled model, untrained): "
    return (f"Reason generation on the shop of about {trained['lines']:,} lines (the bundled model with a "
            f"LoRA adapter trained on it, {trained['preset']} preset: {trained['seconds'] / 60:.0f} min, "
            f"peak {trained['peak_mb']:,} MB): ")


def write_doc(results: dict) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = sorted(results["sizes"].values(), key=lambda r: r["lines"])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = [r["lines"] for r in rows]
    for key, label in (("import_s", "import (s)"), ("recommend_s", "recommend: fit + serve (s)"),
                       ("db_mb", "shop file (MB)"), ("recommend_peak_mb", "peak memory, recommend (MB)"),
                       ("import_peak_mb", "peak memory, import (MB)")):
        ax.loglog(x, [r[key] for r in rows], "o-", label=label)
    ax.loglog(x, [x_ / x[0] * rows[0]["import_s"] for x_ in x], ":", color="grey", label="linear")
    ax.set_xlabel("order lines")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)
    table = ["| order lines | customers x items | import | shop file | recommend (fit + serve) | model "
             "| peak memory import / recommend |", "|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        table.append(f"| {r['lines']:,} | {r.get('customers', 0):,} x {r.get('items', 0):,} | {r['import_s']:.1f} s "
                     f"| {r['db_mb']:.0f} MB | {r['recommend_s']:.1f} s | {r['model']} "
                     f"| {r['import_peak_mb']:,} / {r['recommend_peak_mb']:,} MB |")
    s = slopes(rows) if len(rows) > 1 else {}
    reasons = results.get("reasons", {})
    text = DOC.read_text() if DOC.exists() else ""
    generated = "\n".join([
        "<!-- generated by benchmarks/scale_bench.py --doc: from here to the end marker -->",
        *table, "",
        "Growth order (slope of log figure against log order lines; 1 = linear): "
        + ", ".join(f"{k} {v}" for k, v in s.items()) + ".", "",
        *([reason_model(results) + "; ".join(
            f"{n} recommendations: {v['reasons_per_second']} reasons/s ({v['generation_s']:.0f} s, "
            f"{v['templates'] / v['reasons']:.0%} template fallbacks, peak {v['peak_mb']:,.0f} MB)"
            for n, v in sorted(reasons.items(), key=lambda kv: int(kv[0]))) + "."]
          if reasons else ["Reason generation: not measured yet (`--reasons 1000 10000`)."]),
        "", "![cost against shop size](scale.png)",
        "<!-- end of generated part -->"])
    if "<!-- generated" in text:
        head, rest = text.split("<!-- generated", 1)
        text = head + generated + rest.split("<!-- end of generated part -->", 1)[1]
    else:
        text = "# How cost grows with the shop\n\n" + generated + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=float, nargs="*", default=[1e4, 1e5])
    parser.add_argument("--reasons", type=int, nargs="*", default=[])
    parser.add_argument("--train", choices=("quick", "standard", "thorough"),
                        help="train an adapter on the reasons shop first (as the owner would)")
    parser.add_argument("--doc", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the figures are merged")
    args = parser.parse_args()
    results = json.loads(args.results.read_text()) if args.results.exists() else {"sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for lines in map(int, args.sizes):
            results["sizes"][str(lines)] = measure(lines, Path(tmp))
            args.results.write_text(json.dumps(results, indent=1))
        if args.reasons:
            # One shop for every N, so that only the number of recommendations changes.
            lines = min((int(k) for k, r in results["sizes"].items() if r["recommendations"] >= max(args.reasons)),
                        default=None)
            if lines is None:
                raise SystemExit(f"no measured shop has {max(args.reasons)} recommendations: add a bigger --sizes")
            shop = Path(tmp) / f"shop{lines}.db"
            if not shop.exists():
                measure(lines, Path(tmp))
            results["reasons"] = {}
            results.pop("reasons_training", None)
            if args.train:
                trained = phase("train", shop, args.train)
                results["reasons_training"] = {"preset": args.train, "lines": lines,
                                               "seconds": round(trained["seconds"], 1),
                                               "peak_mb": round(trained["peak_mb"])}
                print(json.dumps(results["reasons_training"]), flush=True)
            for n in args.reasons:
                results["reasons"][str(n)] = phase("reasons", shop, str(n))
                print(json.dumps(results["reasons"][str(n)]), flush=True)
                args.results.write_text(json.dumps(results, indent=1))
    if args.doc:
        write_doc(results)


if __name__ == "__main__":
    main()
