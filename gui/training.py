"""Reason writer training: device in words, presets with a time estimate, progress, loss, history."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QRadioButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

import engine.reasons as reasons
from engine import queries
from engine.jobs import Progress

from gui.charts import LineChart
from gui.errors import plain_message
from gui.jobs import Job, JobRunner, eta_text
from gui.shop import Changes, Shop
from gui.times import local_time
from gui.widgets import heading

log = logging.getLogger("shopwise.gui")

# (key, title, what it means); how long each takes is the engine's estimate for the device
PRESETS = [
    ("quick", "Quick", "A short lesson on your shop's words. Good for a first try."),
    ("standard", "Standard", "A balanced lesson. Recommended."),
    ("thorough", "Thorough", "The longest lesson, for the most natural reasons."),
]


def duration_words(minutes: float) -> str:
    """'about 7 minutes', 'about 1 hour 40 minutes', 'about 11 hours'."""
    minutes = max(1, round(minutes))
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    if hours >= 5 or rest < 5:
        hours = round(minutes / 60)
        return f"about {hours} hour{'s' if hours != 1 else ''}"
    rest = int(round(rest / 10.0) * 10) or 10
    return f"about {hours} hour{'s' if hours != 1 else ''} {rest} minutes"


def device_words(device) -> str:
    if device is None:
        return "Unknown"
    for attr in ("label", "description", "words"):
        if hasattr(device, attr):
            return str(getattr(device, attr))
    if isinstance(device, dict):
        return str(device.get("label") or device.get("name") or device)
    text = str(device)
    return {"cpu": "This computer's processor (no graphics card used)",
            "cuda": "The graphics card (NVIDIA)", "mps": "The Apple graphics chip"}.get(text, text)


class TrainingView(QWidget):
    def __init__(self, shop: Shop, runner: JobRunner) -> None:
        super().__init__()
        self.shop = shop
        self.runner = runner
        self.job = None
        self.steps: int | None = None   # None: the preset decides (tests set a tiny number)
        self._device = None
        self._estimates: dict[str, float] = {}
        self._writes_with = ""   # which engine writes reasons, in words
        self._device_job: Job | None = None
        self._preset_chosen = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        title = heading("Reason writer")
        lay.addWidget(title)
        intro = QLabel("Shopwise writes a short reason for each suggestion. Training teaches the writer "
                       "the way your shop talks, using your products and your approved reasons. "
                       "Training happens on this computer; you can keep working meanwhile.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        setup = QGroupBox("Train")
        sl = QVBoxLayout(setup)
        self.device_label = QLabel()
        sl.addWidget(self.device_label)
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: dict[str, QRadioButton] = {}
        for key, *_ in PRESETS:
            b = QRadioButton()
            b.setProperty("preset", key)
            self.preset_group.addButton(b)
            self.preset_buttons[key] = b
            sl.addWidget(b)
        self.preset_buttons["standard"].setChecked(True)
        self.preset_group.buttonClicked.connect(lambda _: setattr(self, "_preset_chosen", True))
        row = QHBoxLayout()
        self.start_button = QPushButton("Start training")
        self.cancel_button = QPushButton("Cancel")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        sl.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        sl.addWidget(self.progress)
        sl.addWidget(self.status)
        self.loss_chart = LineChart()
        self.loss_chart.setToolTip("How far the writer's words are from your shop's: lower is better.")
        sl.addWidget(self.loss_chart, 1)
        lay.addWidget(setup, 2)

        hist = QGroupBox("Earlier trainings")
        hl = QVBoxLayout(hist)
        self.history = QTreeWidget()
        self.history.setHeaderLabels(["Started", "Result", "Computer part", "Quality", "In use"])
        self.history.setRootIsDecorated(False)
        self.history.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.itemSelectionChanged.connect(self._update_history_buttons)
        hl.addWidget(self.history)
        hrow = QHBoxLayout()
        self.activate_button = QPushButton("Use this version")
        self.rollback_button = QPushButton("Go back to the previous version")
        self.activate_button.clicked.connect(self.activate)
        self.rollback_button.clicked.connect(self.rollback)
        hrow.addWidget(self.activate_button)
        hrow.addWidget(self.rollback_button)
        hrow.addStretch(1)
        hl.addLayout(hrow)
        lay.addWidget(hist, 1)
        lay.addStretch(0)
        shop.changed.connect(self._shop_changed)
        self.reload()

    def _shop_changed(self, changes: Changes) -> None:
        if changes.reason_writer:
            self.reload()

    def reload(self) -> None:
        self._show_device()
        self.history.clear()
        for run in queries.training_history(self.shop.db):
            metrics = run["metrics"] or {}
            quality = ", ".join(f"{k.replace('_', ' ')} {v:.3g}" for k, v in metrics.items()
                                if isinstance(v, (int, float)))
            item = QTreeWidgetItem([local_time(run["started_at"]),
                                    {"done": "finished", "finished": "finished", "completed": "finished"}
                                    .get(run["status"], run["status"]),
                                    device_words(run["device"]) if run["device"] else "", quality,
                                    "yes" if run["is_active"] else ""])
            item.setData(0, Qt.ItemDataRole.UserRole, run)
            self.history.addTopLevelItem(item)
        self._update_history_buttons()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._find_device()

    def _find_device(self) -> None:
        """The device and the time estimates, once, when the owner first opens this view: the
        device this computer's last lookup found, else a lookup on a worker thread. Looking up
        loads torch, which holds Python's lock for up to half a second at a time: the window
        would pause if it waited for that, even on a worker, whenever a shop opens on this view."""
        if self._device is not None or self._device_job is not None:
            return

        def estimates(device) -> dict:
            return {key: reasons.estimate_training_seconds(key, device=device) for key, *_ in PRESETS}

        def work(progress, cancel):
            device = reasons.detect_device()   # loads torch: on the worker thread
            return device, estimates(device), reasons.engine_words(device)

        def found(result) -> None:
            if not shiboken6.isValid(self.device_label):
                return  # the window closed while the device was being looked up
            self._device, self._estimates, self._writes_with = result
            self._show_device()

        remembered = reasons.remembered_device()
        if remembered is not None:   # naming the engine loads CTranslate2 (~50 ms), not torch
            found((remembered, estimates(remembered), reasons.engine_words(remembered)))
            return

        self._device_job = Job(work, "finding the device")
        self._device_job.succeeded.connect(found)
        self._device_job.start()

    def _show_device(self) -> None:
        device = self._device
        if device is None:
            self.device_label.setText("<b>Trains on:</b> checking this computer…")
        else:
            self.device_label.setText(f"<b>Trains on:</b> {device_words(device)}<br>"
                                      f"<b>Writes with:</b> {self._writes_with}")
        kind = str(getattr(device, "kind", device or "cpu")).lower()
        gpu = any(k in kind for k in ("cuda", "gpu", "mps"))
        for key, name, text in PRESETS:
            took = f" — {duration_words(self._estimates[key] / 60)}" if key in self._estimates else ""
            self.preset_buttons[key].setText(f"{name}{took}. {text}")
        if device is not None and not gpu and not self._preset_chosen:
            self.preset_buttons["quick"].setChecked(True)   # on a processor, start small

    def _update_history_buttons(self) -> None:
        items = self.history.selectedItems()
        run = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        self.activate_button.setEnabled(bool(run and run["adapter_id"] and not run["is_active"]))
        active = self.shop.db.execute("SELECT count(*) FROM adapters WHERE is_active = 1").fetchone()[0]
        self.rollback_button.setEnabled(active > 0)

    def start(self) -> None:
        preset = self.preset_group.checkedButton().property("preset")
        shop, steps = self.shop, self.steps

        def work(progress, cancel):
            with shop.worker_db() as db:   # reasons.train loads torch: on the worker thread
                return reasons.train(db, preset, steps=steps, progress=progress, cancel=cancel)

        self.loss_chart.set_data([])
        self.status.setText("Getting ready…")
        self.progress.setValue(0)
        job = self.runner.run(work, "Training the reason writer", kind="train", shop=shop, changes=Changes(reason_writer=True),
                              on_success=self._trained)
        if job is None:
            return
        self.job = job
        job.progressed.connect(self._progress)
        job.finished.connect(self._finished)
        job.failed.connect(lambda msg: self.status.setText(msg))
        job.cancelled.connect(lambda: self.status.setText("Training cancelled. The writer in use is unchanged."))
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        if not job.started:
            self.status.setText(f"Waits for {self.runner.title.lower()} to finish, then starts by itself.")

    def _progress(self, p: Progress) -> None:
        if p.fraction is not None:
            self.progress.setValue(int(p.fraction * 1000))
        if p.loss is not None and (not self.loss_chart.values or self.loss_chart.values[-1] != p.loss):
            self.loss_chart.add(p.loss)   # the engine repeats the last logged loss each step
        eta = eta_text(self.job.started_at, p) if self.job else ""
        self.status.setText(" — ".join(x for x in (p.message, eta) if x))

    def _trained(self, run_id: int) -> None:
        row = [r for r in queries.training_history(self.shop.db) if r["id"] == run_id]
        metrics = row[0]["metrics"] if row else None
        text = "Training finished. The new version is in use."
        numbers = [(k, v) for k, v in (metrics or {}).items() if isinstance(v, (int, float))][:4]
        if numbers:
            text += " " + ", ".join(f"{k.replace('_', ' ')}: {v:.3g}" for k, v in numbers)
        self.status.setText(text)
        self.progress.setValue(1000)

    def _finished(self) -> None:
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping…")

    def _change_adapter(self, change) -> None:
        """Switch the adapter in use (plain SQL, so here on the GUI thread)."""
        try:
            change(self.shop.db)
        except Exception as exc:  # noqa: BLE001
            log.exception("changing the adapter failed")
            self.runner.show_error(plain_message(exc))
        self.shop.changed.emit(Changes(reason_writer=True))

    def activate(self) -> None:
        items = self.history.selectedItems()
        if items:
            adapter_id = items[0].data(0, Qt.ItemDataRole.UserRole)["adapter_id"]
            self._change_adapter(lambda db: reasons.activate_adapter(db, adapter_id))

    def rollback(self) -> None:
        self._change_adapter(reasons.rollback_adapter)
