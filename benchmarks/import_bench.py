"""Import speed: the full import next to a bare pandas.read_csv + to_sql of the same file.

Builds an Online-Retail-sized file (~540,000 lines) by repeating the shared
20,000-line sample with fresh invoice numbers, then times, in the same run,
each in a fresh subprocess (so peak memory is its own):
  bare  - pandas.read_csv(...) + DataFrame.to_sql(...) into an empty SQLite file
  full  - engine.ingest.orders.import_orders (detection, validation, report included)
Target: full <= 3x bare, and under 60 s; memory stays flat (chunked).
Wall-clock and CPU time are both reported: on a shared, noisy machine the
CPU-time ratio is the steadier of the two.

    python benchmarks/import_bench.py [--copies 27] [--repeats 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "data" / "online-retail-uci-sample" / "online_retail_sample.csv"

BARE = """
import resource, sqlite3, sys, time
import pandas as pd
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t, c = time.perf_counter(), cpu()
df = pd.read_csv(sys.argv[1])
conn = sqlite3.connect(sys.argv[2])
df.to_sql("lines", conn, index=False)
conn.commit()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, cpu() - c)
"""

FULL = """
import resource, sys, time
sys.path.insert(0, sys.argv[3])
from engine.db import open_shop
from engine.ingest.orders import import_orders
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t, c = time.perf_counter(), cpu()
report = import_orders(open_shop(sys.argv[2]), sys.argv[1])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, cpu() - c,
      report.counts["lines"])
"""


def build_file(path: Path, copies: int) -> int:
    """The sample repeated; copy k gets invoice numbers shifted by k * 1,000,000."""
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        for k in range(copies):
            for row in body:
                invoice = row[0]
                prefix = "C" if invoice.startswith("C") else ""
                number = int(invoice.lstrip("C")) + k * 1_000_000
                writer.writerow([f"{prefix}{number}"] + row[1:])
    return copies * len(body)


def run(script: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=27)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "retail.csv"
        lines = build_file(data, args.copies)
        print(f"file: {lines:,} lines, {data.stat().st_size / 1e6:.0f} MB")
        bare, full = [], []
        for i in range(args.repeats):
            bare.append(run(BARE, str(data), str(tmp / f"bare{i}.db")))
            full.append(run(FULL, str(data), str(tmp / f"full{i}.db"), str(ROOT)))
        b = statistics.median(r[0] for r in bare)
        f = statistics.median(r[0] for r in full)
        result = {
            "lines": lines,
            "bare_s": [round(r[0], 2) for r in bare],
            "full_s": [round(r[0], 2) for r in full],
            "bare_median_s": round(b, 2),
            "full_median_s": round(f, 2),
            "ratio_median": round(f / b, 2),
            "bare_cpu_median_s": round(statistics.median(r[2] for r in bare), 2),
            "full_cpu_median_s": round(statistics.median(r[2] for r in full), 2),
            "cpu_ratio_median": round(statistics.median(r[2] for r in full)
                                      / statistics.median(r[2] for r in bare), 2),
            "bare_peak_mb": round(max(r[1] for r in bare)),
            "full_peak_mb": round(max(r[1] for r in full)),
            "imported_lines": int(full[0][3]),
        }
        print(json.dumps(result, indent=2))
        ok = result["ratio_median"] <= 3 and f < 60
        print(f"target (<= 3x bare and < 60 s): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
