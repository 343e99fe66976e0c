"""Reason writer screen: with stand-ins for the model work, progress, loss, cancel, history,
activate and roll back, and the window keeps responding while it trains."""

import json
import time

import pytest

from engine.jobs import Progress
from gui_data import TickRecorder, fill_shop, make_window, wait_job  # noqa: F401


def open_training(make_window, path):
    w = make_window()
    assert w.open_shop(path, create=True)
    w.show_view("training")
    return w, w.views["training"]


@pytest.fixture
def fake_reasons(monkeypatch):
    """Stand-ins for engine.reasons' model work (train, detect_device, estimates); the adapter
    functions are the real ones (plain SQL). The screen's wiring is tested here; the real
    training has its own tests."""
    import engine.reasons as reasons

    class Device:
        kind, description = "cpu", "CPU, 2 cores"

    def train(db, preset="quick", steps=None, progress=None, cancel=None):
        started = "2024-02-01T10:00:00"
        losses = []
        for step in range(1, 41):
            time.sleep(0.03)
            if step % 5 == 0:
                losses.append(3.0 / step)
            cancel.check()
            loss = losses[-1] if losses else None
            progress(Progress(step, 40, f"Training step {step}", loss=loss))
        run = db["training_runs"].insert({"started_at": started, "finished_at": started, "status": "done",
                                          "device": "cpu", "params": json.dumps({"preset": preset}),
                                          "metrics": json.dumps({"faithful_share": 0.97})}).last_pk
        db.execute("UPDATE adapters SET is_active = 0")
        adapter = db["adapters"].insert({"path": "/tmp/a", "created_at": started, "training_run_id": run,
                                         "is_active": 1}).last_pk
        db.execute("UPDATE training_runs SET adapter_id = ? WHERE id = ?", [adapter, run])
        return run

    # Set in the module's own namespace: a lazy name is not loaded (no torch) to be replaced.
    monkeypatch.setitem(vars(reasons), "train", train)
    monkeypatch.setitem(vars(reasons), "detect_device", lambda: Device())
    monkeypatch.setitem(vars(reasons), "remembered_device", lambda: None)
    monkeypatch.setitem(vars(reasons), "engine_words", lambda device: "fast engine, int8, 2 cores")
    monkeypatch.setitem(vars(reasons), "estimate_training_seconds",
                        lambda preset, device=None: {"quick": 120, "standard": 600, "thorough": 2400}[preset])


def test_training_shows_progress_loss_and_history_without_freezing(make_window, tmp_path, qtbot, fake_reasons):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w, view = open_training(make_window, tmp_path / "s.shopwise")
    qtbot.waitUntil(lambda: "CPU, 2 cores" in view.device_label.text())   # found on a worker thread
    assert "Writes with:</b> fast engine, int8, 2 cores" in view.device_label.text()
    assert "about 2 minutes" in view.preset_buttons["quick"].text()
    assert "about 40 minutes" in view.preset_buttons["thorough"].text()
    assert view.preset_buttons["quick"].isChecked()          # on a processor, start small
    from gui.training import duration_words
    assert duration_words(100) == "about 1 hour 40 minutes" and duration_words(667) == "about 11 hours"
    view.preset_buttons["quick"].setChecked(True)
    ticks = TickRecorder()
    ticks.start()
    view.start_button.click()
    assert not view.start_button.isEnabled() and view.cancel_button.isEnabled()
    wait_job(qtbot, view.job)
    ticks.stop()
    assert ticks.max_gap < 1.0, ticks.report()
    assert len(view.loss_chart.values) >= 3
    assert view.loss_chart.values == sorted(view.loss_chart.values, reverse=True)
    assert "Training finished" in view.status.text() and "faithful share" in view.status.text()
    assert view.history.topLevelItemCount() == 1
    assert view.history.topLevelItem(0).text(4) == "yes"
    assert view.start_button.isEnabled()

    # A second training, then go back to the first one.
    view.start_button.click()
    wait_job(qtbot, view.job)
    assert view.history.topLevelItemCount() == 2
    view.history.setCurrentItem(view.history.topLevelItem(1))    # the older one
    assert view.activate_button.isEnabled()
    view.activate_button.click()
    active = lambda: w.shop.db.execute("SELECT id FROM adapters WHERE is_active = 1").fetchall()  # noqa: E731
    assert active() == [(1,)]
    view.history.setCurrentItem(view.history.topLevelItem(0))
    view.activate_button.click()
    assert active() == [(2,)]
    view.rollback_button.click()     # the version before the one in use
    assert active() == [(1,)]
    view.rollback_button.click()     # before the first: the untrained writer
    assert active() == []


def test_training_can_be_cancelled(make_window, tmp_path, qtbot, fake_reasons):
    w, view = open_training(make_window, tmp_path / "s.shopwise")
    view.start_button.click()
    qtbot.waitUntil(lambda: view.progress.value() > 0, timeout=5000)
    view.cancel_button.click()
    wait_job(qtbot, view.job)
    assert "cancelled" in view.status.text()
    assert w.shop.db.execute("SELECT count(*) FROM training_runs").fetchone()[0] == 0


def test_a_remembered_device_shows_at_once_without_loading_torch(make_window, tmp_path, qtbot, fake_reasons,
                                                                  monkeypatch):
    """A shop that opens on this view must not wait for torch (it pauses the window): the device
    this computer's last lookup found is shown as it is drawn, and nothing is looked up."""
    import engine.reasons as reasons
    from engine.reasons.device import DeviceInfo

    def no_lookup():
        raise AssertionError("looked the device up although one was remembered")

    monkeypatch.setitem(vars(reasons), "remembered_device", lambda: DeviceInfo("cpu", "CPU, 64 cores"))
    monkeypatch.setitem(vars(reasons), "detect_device", no_lookup)
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w, view = open_training(make_window, tmp_path / "s.shopwise")
    assert "CPU, 64 cores" in view.device_label.text()
    assert view._device_job is None
