"""The scale benchmark's generated shops look like a real shop and import cleanly (fast smoke test;
the benchmark itself runs by hand: benchmarks/scale_bench.py)."""

import numpy as np

from benchmarks.scale_bench import make_shop
from engine.importer import import_orders


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
