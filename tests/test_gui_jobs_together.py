"""Working while a long job runs: heavy jobs (training, reasons, suggestions) take turns, light ones
(import, export, backup) run beside them, the status bar lists each, and only true conflicts are refused."""

import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from gui.app import JobRow
from gui.shop import Changes
from gui_data import DEMO_CSV, fill_shop, make_window, wait_job  # noqa: F401
from tests.test_gui_import import inspect, run_import


@pytest.fixture(autouse=True)
def stop_jobs_when_a_test_ends_early(monkeypatch):
    """A failed test leaves its long job running: closing the window then must not wait for an answer."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)


def error_text(w) -> str:
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.objectName() == "error_box"]
    return boxes[-1].text() if boxes else ""


def long_job(release: threading.Event, ran: list):
    """Stands in for a 24-minute training: holds until released or cancelled, writing to the shop at the end
    as training does."""
    def work(progress, cancel):
        ran.append("started")
        while not release.wait(0.02):
            cancel.check()
        ran.append("done")
    return work


def rows(w) -> list[str]:
    return [r.label.text() for r in w.job_bar.findChildren(JobRow) if r.isVisible()]


def test_an_import_runs_while_training_and_the_status_bar_lists_both(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "shop.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "shop.shopwise")
    release, ran = threading.Event(), []
    training = w.runner.run(long_job(release, ran), "Training the reason writer", kind="train", shop=w.shop,
                            changes=Changes(reason_writer=True))
    qtbot.waitUntil(lambda: ran == ["started"])
    orders = w.shop.db.execute("SELECT count(*) FROM orders").fetchone()[0]
    w.open_import("orders")
    wizard = w.wizard
    inspect(qtbot, wizard, DEMO_CSV)
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == wizard.RUN
    assert sorted(r.split("…")[0].split(" — ")[0] for r in rows(w)) == \
        ["Importing online_retail_sample.csv", "Training the reason writer"]
    wait_job(qtbot, wizard.job)
    assert wizard.pages.currentIndex() == wizard.DONE and training.running
    assert w.shop.db.execute("SELECT count(*) FROM orders").fetchone()[0] > orders
    release.set()
    wait_job(qtbot, training)
    assert ran == ["started", "done"] and not w.job_bar.isVisible()


def test_heavy_jobs_take_turns(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "shop.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "shop.shopwise")
    first_go, second_go, first, second = threading.Event(), threading.Event(), [], []
    training = w.runner.run(long_job(first_go, first), "Training the reason writer", kind="train")
    reasons = w.runner.run(long_job(second_go, second), "Writing reasons", kind="reasons")
    qtbot.waitUntil(lambda: first == ["started"])
    assert not reasons.started and second == []
    assert "Writing reasons: waits for the task before it" in rows(w)
    assert not w.views["dashboard"].reasons_button.isEnabled()   # pressing it again would not help
    first_go.set()
    wait_job(qtbot, training)
    qtbot.waitUntil(lambda: second == ["started"])
    second_go.set()
    wait_job(qtbot, reasons)
    assert second == ["started", "done"]


def test_a_waiting_job_cancelled_never_starts(make_window, tmp_path, qtbot):
    w = make_window()
    go, first, second = threading.Event(), [], []
    training = w.runner.run(long_job(go, first), "Training the reason writer", kind="train")
    waiting = w.runner.run(long_job(threading.Event(), second), "Making suggestions", kind="recommend")
    cancelled = []
    waiting.cancelled.connect(lambda: cancelled.append(True))
    [row] = [r for r in w.job_bar.findChildren(JobRow) if r.job is waiting]
    row.cancel_button.click()
    assert cancelled == [True] and [e.title for e in w.runner.entries] == ["Training the reason writer"]
    go.set()
    wait_job(qtbot, training)
    qtbot.wait(200)
    assert second == [] and not w.runner.entries


def test_true_conflicts_are_refused_in_a_sentence(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "shop.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "shop.shopwise")
    go, ran = threading.Event(), []
    suggestions = w.runner.run(long_job(go, ran), "Making suggestions", kind="recommend")
    w.open_import("orders")            # a recommendation run reads the orders an import would write
    assert error_text(w) == "Please wait: making suggestions is still running. Try again when it is done."
    assert w.runner.run(long_job(go, []), "Making suggestions", kind="recommend") is None
    assert error_text(w) == "Making suggestions is already running."
    exported = w.runner.run(lambda progress, cancel: "exported", "Exporting", kind="export")
    assert exported is not None          # reading beside it is fine
    wait_job(qtbot, exported)
    go.set()
    wait_job(qtbot, suggestions)


def test_closing_the_shop_stops_every_job_after_asking(make_window, tmp_path, qtbot, monkeypatch):
    fill_shop(tmp_path / "shop.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "shop.shopwise")
    first, second = [], []
    w.runner.run(long_job(threading.Event(), first), "Training the reason writer", kind="train")
    w.runner.run(long_job(threading.Event(), second), "Writing reasons", kind="reasons")
    qtbot.waitUntil(lambda: first == ["started"])
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    w.close_shop()
    assert asked == ["Training the reason writer and Writing reasons are still running. Stop them? "
                     "Nothing half-done will be kept."]
    assert w.shop is None and not w.runner.entries and second == []


def test_gui_garbage_is_collected_on_the_gui_thread_not_by_a_job(qtbot):
    """A Qt object dropped in a cycle on the GUI thread, then a job whose library collects at once (as the
    HF Trainer does when training starts) and allocates a lot (automatic collection): the object is freed on
    the GUI thread (freed on the worker, Qt can destroy it off its thread and crash: gui/collector.py)."""
    import gc
    import weakref

    from PySide6.QtCore import QObject

    from gui.jobs import Job

    freed_on, automatic = [], []
    widget_ish = QObject()
    widget_ish.cycle = widget_ish
    weakref.finalize(widget_ish, lambda: freed_on.append(threading.current_thread().name))
    del widget_ish

    def work(progress, cancel):
        automatic.append(gc.isenabled())
        gc.collect()
        for _ in range(200):
            [[] for _ in range(1000)]

    job = Job(work, "collects", owners=True)   # as JobRunner starts an owner's job
    with qtbot.waitSignal(job.finished, timeout=30000):
        job.start()
    assert freed_on == [threading.main_thread().name]
    assert automatic == [False]
    assert gc.isenabled()    # on again once no job runs


def test_the_gui_thread_collects_while_a_job_runs(qtbot):
    """Automatic collection is off while a job runs; the GUI thread's timer frees cycles meanwhile."""
    import gc
    import weakref

    from gui.jobs import Job

    class Node:
        pass

    release, freed = threading.Event(), []
    job = Job(lambda progress, cancel: release.wait(30), "holds")
    with qtbot.waitSignal(job.finished, timeout=30000):
        job.start()
        node = Node()
        node.cycle = node
        weakref.finalize(node, lambda: freed.append(threading.current_thread().name))
        del node
        kept = [[] for _ in range(2 * gc.get_threshold()[0])]   # past the youngest generation's threshold
        try:
            qtbot.waitUntil(lambda: bool(freed), timeout=10000)
        finally:
            release.set()
    del kept
    assert freed == [threading.main_thread().name]
