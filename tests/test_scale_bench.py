"""The scale benchmark: its generated shops look like a real shop and import cleanly, and the
benchmark itself runs at 10^4 and 10^5 lines with reasons from the real model (the 10^6+ points and
the 10^3 and 10^4 reason counts run by hand: hours on 2 cores; docs/scale.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.scale_bench import make_shop
from engine.ingest.orders import import_orders


def test_generated_shop_is_seeded_realistic_and_imports_whole(shop, tmp_path):
    frame = make_shop(5000)
    assert frame.equals(make_shop(5000)) and 4000 < len(frame) < 6000
    orders = frame.groupby("CustomerID")["InvoiceNo"].nunique()
    assert (orders >= 2).mean() > 0.5 and orders.max() > 5 * orders.median()   # repeat buyers, power law
    lines_per_item = frame["StockCode"].value_counts().to_numpy()
    assert lines_per_item[:len(lines_per_item) // 10].sum() > 0.4 * len(frame)  # a long tail
    month = frame["InvoiceDate"].str[5:7]
    assert (month == "12").sum() > 1.5 * (month == "06").sum()                  # Christmas
    frame.to_csv(tmp_path / "shop.csv", index=False)
    report = import_orders(shop, tmp_path / "shop.csv")
    assert report.layout == "uci_retail" and report.counts["lines"] == len(frame)
    assert np.isclose(shop.execute("SELECT sum(quantity) FROM order_lines").fetchone()[0],
                      frame["Quantity"].sum())


@pytest.mark.real_model
def test_the_benchmark_runs_at_ten_thousand_and_a_hundred_thousand_lines(tmp_path):
    results = tmp_path / "scale.json"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "SHOPWISE_DATA_DIR": os.environ.get("SHOPWISE_DATA_DIR") or str(tmp_path / "data")}
    subprocess.run([sys.executable, "benchmarks/scale_bench.py", "--sizes", "1e4", "1e5", "--reasons", "20",
                    "--results", str(results)], cwd=root, env=env, check=True, timeout=1200)
    out = json.loads(results.read_text())
    for target in (10_000, 100_000):
        row = out["sizes"][str(target)]
        assert 0.85 * target < row["lines"] <= target
        assert row["recommendations"] == 10 * row["customers"]      # ten for every customer
        assert row["db_mb"] > 0 and row["import_s"] > 0 and row["recommend_peak_mb"] > 0
    reasons = out["reasons"]["20"]
    assert reasons["reasons"] == 20 and reasons["provenance"] == "base" and reasons["reasons_per_second"] > 0
