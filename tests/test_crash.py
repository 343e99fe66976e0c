"""Crashes and a full disk mid-job: an import, a recommendation run and a training run are killed
with SIGKILL at several moments (tests/crash_child.py runs them), or run out of space. Afterwards the
shop passes SQLite's integrity check, holds exactly what it held before or the whole finished job
(never part of it), the active adapter is still the one before and loads, and the job runs again to
the same result as an uninterrupted run."""

import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine.db import DiskFull, open_shop
from engine.ingest.orders import import_orders
from engine.queries import customer_recommendations, latest_run_id
from engine.recommend import run_recommendations
from tests.conftest import SHARED_DATA

CHILD = Path(__file__).with_name("crash_child.py")
REPORT = "@crash-child "
ORDERS = SHARED_DATA / "online-retail-uci-sample" / "online_retail_sample.csv"
EARLIER = SHARED_DATA / "shopify-orders-kidsliving" / "orders_export.redacted.csv"
GROCERIES = SHARED_DATA / "groceries-kaggle" / "Groceries_dataset.csv"
TABLES = ("imports", "customers", "products", "orders", "order_lines", "recommendation_runs",
          "recommendations", "settings", "training_runs", "adapters")
NO_CAP = 1073741823  # SQLite's largest max_page_count: no cap


def run_child(job: str, shop: Path, arg=None, kill_at=None, after: float | None = None, env=None) -> list[str]:
    """Run the job in a child process and SIGKILL it at the first report where `kill_at(reports)`
    is true, or `after` seconds. Returns the reports; the last is 'finished' if it was not killed."""
    free = after is not None
    proc = subprocess.Popen([sys.executable, str(CHILD), job, str(shop), *([str(arg)] if arg else [])],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {}), "CRASH_FREE": "1" if free else "0"})
    watchdog = threading.Timer(after if free else 300, proc.send_signal, [signal.SIGKILL])
    watchdog.start()
    reports = []
    try:
        for line in proc.stdout:
            if not line.startswith(REPORT):
                continue   # not a report (the Trainer prints its logs): no go-ahead for it
            reports.append(line[len(REPORT):].strip())
            if kill_at is not None and kill_at(reports):
                proc.send_signal(signal.SIGKILL)
                break
            if not free:
                proc.stdin.write("\n")
                proc.stdin.flush()
        proc.wait(timeout=60)
    finally:
        watchdog.cancel()
    if proc.returncode != -signal.SIGKILL:
        assert proc.returncode == 0 and reports[-1] == "finished", proc.stderr.read()[-3000:]
    elif not free:
        assert kill_at(reports), f"the child died before the moment to kill it: {reports[-3:]}"
    return reports


def reopen(path: Path):
    db = open_shop(path, create=False)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    return db


def counts(db) -> dict:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def order_lines(db) -> str:
    """Every imported line in words, as one digest: two shops hold the same orders or not."""
    rows = db.execute("""SELECT o.source, o.external_id, o.ordered_at, o.status, c.external_key, p.name,
                                l.quantity, l.unit_price, l.is_return
                         FROM order_lines l JOIN orders o ON o.id = l.order_id
                         JOIN products p ON p.id = l.product_id LEFT JOIN customers c ON c.id = o.customer_id
                         ORDER BY 1, 2, 6, 7""").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def recommendations(db, run_id: int) -> list:
    return db.execute("SELECT customer_id, product_id, kind, rank, round(score, 6) FROM recommendations"
                      " WHERE run_id = ? ORDER BY customer_id, rank", [run_id]).fetchall()


def copy_shop(source: Path, target: Path) -> Path:
    shutil.copy(source, target)  # the source is closed: no WAL beside it
    return target


# ---- import ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A shop with an earlier import (the state before), and the state after an uninterrupted import."""
    folder = tmp_path_factory.mktemp("import")
    db = open_shop(folder / "before.db")
    import_orders(db, EARLIER)
    before = counts(db)
    db.conn.close()
    db = open_shop(copy_shop(folder / "before.db", folder / "after.db"))
    import_orders(db, ORDERS)
    after = (counts(db), order_lines(db))
    db.conn.close()
    return folder / "before.db", before, after


IMPORT_KILLS = {  # reports: a cancel check before each chunk, a progress report after it
    "after the first chunk": ({}, lambda r: len(r) == 3),
    "halfway, indexes dropped": ({"CRASH_BULK": "1"}, lambda r: len(r) == 11),
    "the last moment before commit": ({"CRASH_BULK": "1"},
                                      lambda r: len(r) > 1 and "20,000 rows" in r[-2]),
}


@pytest.mark.parametrize("moment", [*IMPORT_KILLS, "a random moment"])
def test_import_killed_leaves_nothing_partial_and_runs_again(imported, tmp_path, moment):
    base, before, (after, after_lines) = imported
    shop = copy_shop(base, tmp_path / "shop.db")
    if moment in IMPORT_KILLS:
        env, kill_at = IMPORT_KILLS[moment]
        reports = run_child("import", shop, ORDERS, kill_at, env=env)
        assert reports[-1].endswith("in-transaction")  # really mid-job
    else:
        run_child("import", shop, ORDERS, after=random.Random(moment).uniform(1.0, 3.5))
    db = reopen(shop)
    assert counts(db) in (before, after)
    assert db.execute("SELECT count(*) FROM imports WHERE status != 'done'").fetchone()[0] == 0
    import_orders(db, ORDERS)
    assert counts(db) == after and order_lines(db) == after_lines


def test_import_on_a_full_disk_says_so_and_changes_nothing(imported, tmp_path):
    from gui.errors import plain_message
    base, before, (after, after_lines) = imported
    db = open_shop(copy_shop(base, tmp_path / "shop.db"))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 20}")   # 80 kB of room left
    with pytest.raises(DiskFull, match="disk is full") as caught:
        import_orders(db, ORDERS)
    assert plain_message(caught.value) == str(caught.value) and "Free some space" in str(caught.value)
    db.conn.close()
    db = reopen(tmp_path / "shop.db")
    assert counts(db) == before
    db.execute(f"PRAGMA max_page_count = {NO_CAP}")
    import_orders(db, ORDERS)
    assert counts(db) == after and order_lines(db) == after_lines


# ---- recommendations -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def recommended(tmp_path_factory):
    """A shop with a recommendation run, then new orders (so the model is chosen again); and the run
    an uninterrupted job makes on it."""
    folder = tmp_path_factory.mktemp("recommend")
    rows = GROCERIES.read_text().splitlines()
    members = [r for r in rows[1:] if int(r.split(",")[0]) % 10 == 0]   # a tenth of the members
    (folder / "2014.csv").write_text("\n".join([rows[0], *[r for r in members if "-2014" in r]]))
    (folder / "2015.csv").write_text("\n".join([rows[0], *[r for r in members if "-2015" in r]]))
    db = open_shop(folder / "before.db")
    import_orders(db, folder / "2014.csv")
    first = run_recommendations(db)
    first_recs = recommendations(db, first)
    import_orders(db, folder / "2015.csv")
    before = counts(db)
    db.conn.close()
    db = open_shop(copy_shop(folder / "before.db", folder / "after.db"))
    reference = recommendations(db, run_recommendations(db))
    db.conn.close()
    return folder / "before.db", before, first, first_recs, reference


RECOMMEND_KILLS = {  # reports: comparing models, fitting, writing evidence, then writing the run
    "while comparing models": lambda r: len(r) == 5,
    "while writing evidence": lambda r: sum("Writing evidence" in x for x in r) == 2,
    "while storing the run": lambda r: sum(x.endswith("in-transaction") for x in r) == 2,
}


def assert_previous_run_current(db, before, first, first_recs):
    assert counts(db) == before
    assert latest_run_id(db) == first and recommendations(db, first) == first_recs
    customer = first_recs[0][0]
    assert [r["product_id"] for r in customer_recommendations(db, customer)] == \
        [r[1] for r in first_recs if r[0] == customer]


@pytest.mark.parametrize("moment", [*RECOMMEND_KILLS, "a random moment"])
def test_recommendation_run_killed_keeps_the_previous_run(recommended, tmp_path, moment):
    base, before, first, first_recs, reference = recommended
    shop = copy_shop(base, tmp_path / "shop.db")
    if moment in RECOMMEND_KILLS:
        run_child("recommend", shop, kill_at=RECOMMEND_KILLS[moment])
    else:
        run_child("recommend", shop, after=random.Random(moment).uniform(2.0, 6.0))
    db = reopen(shop)
    if latest_run_id(db) == first:
        assert_previous_run_current(db, before, first, first_recs)
        run_recommendations(db)
    assert recommendations(db, latest_run_id(db)) == reference


def test_recommendation_run_on_a_full_disk_keeps_the_previous_run(recommended, tmp_path):
    base, before, first, first_recs, reference = recommended
    db = open_shop(copy_shop(base, tmp_path / "shop.db"))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 20}")
    with pytest.raises(DiskFull):
        run_recommendations(db)
    assert_previous_run_current(reopen(tmp_path / "shop.db"), before, first, first_recs)
    db.execute(f"PRAGMA max_page_count = {NO_CAP}")
    assert recommendations(db, run_recommendations(db)) == reference


# ---- training --------------------------------------------------------------------------------------

REVIEWS = SHARED_DATA / "amazon-reviews-musical-instruments" / "Musical_instruments_reviews.partial_noheader.csv"


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_model):
    """A demo shop whose reason writer was trained once: the adapter that must stay active."""
    from engine.reasons import active_adapter, train
    from tests.reasons_demo import build_demo_shop
    from engine.reasons.model import SETTING
    folder = tmp_path_factory.mktemp("train")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPWISE_DATA_DIR", str(folder / "data"))
        db = open_shop(folder / "before.db")
        build_demo_shop(db, customers=10, per_customer=4, reviews_file=REVIEWS)
        db["settings"].insert({"key": SETTING, "value": str(tiny_model)})
        train(db, steps=2)
        first = active_adapter(db)
        db.conn.close()
    return folder / "before.db", first, tiny_model


def assert_first_adapter_active(db, first, tiny_model):
    from engine.reasons import active_adapter, list_adapters
    from engine.reasons.model import load_model
    assert active_adapter(db) == first and list_adapters(db) == [first], list_adapters(db)
    assert load_model(tiny_model, first["path"]) is not None
    # whatever a killed save left behind is never registered as an adapter
    assert all(not Path(a["path"]).name.startswith(".") for a in list_adapters(db))


def assert_trains_again(db, first, tiny_model):
    from engine.reasons import active_adapter, train
    from engine.reasons.model import load_model
    killed = [r[0] for r in db.execute("SELECT id FROM training_runs WHERE status = 'running'")]
    run = train(db, steps=1)
    new = active_adapter(db)
    assert new["id"] != first["id"] and new["training_run_id"] == run
    assert db.execute("SELECT status FROM training_runs WHERE id = ?", [run]).fetchone()[0] == "done"
    # the killed run no longer claims to be running
    assert all(db.execute("SELECT status FROM training_runs WHERE id = ?", [k]).fetchone()[0] == "interrupted"
               for k in killed)
    assert load_model(tiny_model, new["path"]) is not None


TRAIN_KILLS = {  # of 4 steps
    "mid-training": lambda r: r[-1].startswith("progress Training step 2"),
    "while saving the adapter": lambda r: r[-1] == "adapter weights written",
    "while registering the adapter": lambda r: r[-1].startswith("registering adapter"),
}


@pytest.mark.parametrize("moment", TRAIN_KILLS)
def test_training_killed_keeps_the_previous_adapter(trained, tmp_path, monkeypatch, moment):
    base, first, tiny_model = trained
    data = tmp_path / "data"
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(data))
    shop = copy_shop(base, tmp_path / "shop.db")
    run_child("train", shop, 4, kill_at=TRAIN_KILLS[moment])
    db = reopen(shop)
    assert_first_adapter_active(db, first, tiny_model)
    assert_trains_again(db, first, tiny_model)


def test_adapter_save_on_a_full_disk_keeps_the_previous_adapter(trained, tmp_path, monkeypatch):
    import peft.peft_model
    from engine.reasons import train
    from gui.errors import plain_message
    base, first, tiny_model = trained
    data = tmp_path / "data"
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(data))
    db = open_shop(copy_shop(base, tmp_path / "shop.db"))

    save_file = peft.peft_model.safe_save_file

    def half_written(tensors, filename, **kwargs):  # the disk fills up while the adapter is written
        if ".tmp-adapter" not in filename:
            return save_file(tensors, filename, **kwargs)   # a training checkpoint
        Path(filename).write_bytes(b"\0" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device", filename)
    monkeypatch.setattr(peft.peft_model, "safe_save_file", half_written)
    with pytest.raises(OSError) as caught:
        train(db, steps=2)
    assert caught.value.errno == errno.ENOSPC and "disk is full" in plain_message(caught.value)
    assert_first_adapter_active(db, first, tiny_model)
    assert not list((data / "adapters").iterdir()), "a half-written adapter folder was left"
    monkeypatch.undo()
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(data))
    assert_trains_again(db, first, tiny_model)
