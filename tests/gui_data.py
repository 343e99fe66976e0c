"""Shop files filled directly through SQL for the GUI tests (the importer has its own tests)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from engine.db import open_shop, transaction
from engine.products import name_key
from tests.conftest import SHARED_DATA

PRODUCTS = ["Red heart T-light holder", "Jumbo bag doiley patterns", "Blue spot drawer knob",
            "=HYPERLINK(\"http://x\")", "Paper chain kit", "Lunch bag red retrospot", "Regency cakestand",
            "Party bunting", "Wooden star", "Hand warmer owl"]


def fill_shop(path, customers: int = 50, orders_per: int = 3, seed: int = 1, recommend: bool = True):
    """A shop with customers, products, orders and (optionally) a recommendation run with reasons."""
    rnd = random.Random(seed)
    db = open_shop(path)
    with transaction(db):
        db.execute("INSERT INTO imports (id, kind, file_name, sha256, profile, started_at, finished_at,"
                   " status, counts) VALUES (1, 'orders', 'orders.csv', 'x', 'generic', '2024-01-01T10:00:00',"
                   " '2024-01-01T10:00:05', 'done', ?)", [json.dumps({"orders": customers * orders_per})])
        db["products"].insert_all(
            [{"id": i + 1, "sku": f"SKU{i + 1}", "name": n, "name_key": name_key(n),
              "category": ["Home", "Bags", "Party"][i % 3], "price": 2.5 + i} for i, n in enumerate(PRODUCTS)])
        db["customers"].insert_all(
            [{"id": c, "key_kind": "email", "external_key": f"customer{c:06d}@example.com",
              "email": f"customer{c:06d}@example.com",
              "name": f"Customer {c:06d}" if c % 7 else None, "import_id": 1}
             for c in range(1, customers + 1)], batch_size=5000)
        orders, lines = [], []
        oid = 0
        for c in range(1, customers + 1):
            for _ in range(orders_per):
                oid += 1
                day = date(2023, 1, 1) + timedelta(days=rnd.randrange(365))
                orders.append({"id": oid, "import_id": 1, "source": "test", "external_id": f"O{oid}",
                               "customer_id": c, "ordered_at": day.isoformat() + "T12:00:00",
                               "status": "completed"})
                for p in rnd.sample(range(1, len(PRODUCTS) + 1), 2):
                    lines.append({"order_id": oid, "product_id": p, "quantity": rnd.randint(1, 5),
                                  "unit_price": 2.5 + p, "is_return": 0})
        db["orders"].insert_all(orders, batch_size=5000)
        db["order_lines"].insert_all(lines, batch_size=5000)
        if recommend:
            db.execute("INSERT INTO recommendation_runs (id, model, created_at) VALUES (1, 'test model', "
                       "'2024-01-02T09:00:00')")
            rid = 0
            for c in range(1, min(customers, 200) + 1):
                for rank, (kind, p) in enumerate([("reorder", 1), ("discover", 4), ("discover", 5)]):
                    rid += 1
                    ev = {"kind": kind, "score": 0.9 - rank * 0.1,
                          "reorder": {"times_bought": 3, "typical_days_between": 30.0,
                                      "last_bought": "2023-11-01", "days_since_last": 40,
                                      "due_in_days": -10.0} if kind == "reorder" else None,
                          "co_purchase": None if kind == "reorder" else
                          {"with_product_id": 2, "with_name": PRODUCTS[1], "customers_with": 40,
                           "customers_both": 12, "confidence": 0.3, "support": 0.1, "lift": 1.5}}
                    db.execute("INSERT INTO recommendations (id, run_id, customer_id, product_id, kind, rank,"
                               " score, evidence) VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
                               [rid, c, p, kind, rank + 1, 0.9 - rank * 0.1, json.dumps(ev)])
                    text = ("=cmd|' /C calc'!A0 time to restock" if rid == 2 else
                            f"You bought this {3 + rank} times; time for a new one.")
                    db.execute("INSERT INTO reasons (recommendation_id, text, provenance, status, created_at)"
                               " VALUES (?, ?, 'template', ?, '2024-01-02T09:00:00')",
                               [rid, text, "approved" if rid % 3 == 1 else "draft"])
    return db


# ---- fixtures shared by the GUI tests (imported into each test_gui*.py) ----------------------
import time as _time
from pathlib import Path as _Path

import pytest


@pytest.fixture
def make_window(qtbot, tmp_path):
    """A MainWindow with its own settings file and app data folder (nothing touches the real ones)."""
    from PySide6.QtCore import QSettings, QStandardPaths
    QStandardPaths.setTestModeEnabled(True)
    from gui.app import MainWindow
    made = []

    def make(resize=True):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        w = MainWindow(settings=settings, data_dir=tmp_path / "appdata")
        qtbot.addWidget(w)
        if resize:
            w.resize(1100, 720)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.runner.cancel_all()
        for view in w.views.values():
            loader = getattr(view, "_loader", None)
            if loader is not None and loader.running:
                loader.wait()


def wait_job(qtbot, job, timeout=60000):
    """Wait until a gui.jobs.Job has finished (success, failure or cancel)."""
    qtbot.waitUntil(lambda: not job.running, timeout=timeout)


class TickRecorder:
    """A QTimer on the GUI thread; records the largest gap between its ticks.

    A watchdog thread notes what the GUI thread was doing whenever it has not
    ticked for half a second, so that a freeze names its culprit (`stalls`).
    """

    def __init__(self, interval_ms=50):
        import threading
        from PySide6.QtCore import QTimer
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.last = None
        self.max_gap = 0.0
        self.ticks = 0
        self.stalls: list[str] = []
        self._gui_thread = threading.get_ident()
        self._stop = threading.Event()
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now = _time.monotonic()
        if self.last is not None:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last = now
        self.ticks += 1

    def _watch(self):
        import sys
        import traceback
        noted_for = None
        while not self._stop.wait(0.1):
            last = self.last
            if last is not None and _time.monotonic() - last > 0.5 and noted_for != last:
                noted_for = last
                frame = sys._current_frames().get(self._gui_thread)
                if frame is not None:
                    self.stalls.append("".join(traceback.format_stack(frame)[-12:]))

    def start(self):
        import threading
        self.last = _time.monotonic()
        self.timer.start()
        threading.Thread(target=self._watch, daemon=True).start()

    def stop(self):
        self._tick()   # the time since the last tick counts too: a window frozen to the end is caught
        self.timer.stop()
        self._stop.set()

    def report(self) -> str:
        return f"the window paused for {self.max_gap:.2f} s; the GUI thread was in:\n" + \
            "\n---\n".join(self.stalls[:3])


_ROOT = _Path(__file__).resolve().parent.parent
SHARED = SHARED_DATA
DEMO_CSV = _ROOT / "resources" / "demo" / "online_retail_sample.csv"


def shared_file(relative: str) -> _Path:
    return SHARED / relative
