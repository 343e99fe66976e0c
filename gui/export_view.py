"""Export suggestions with reasons as a CSV file (the writing itself is engine.export)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
    QRadioButton, QVBoxLayout, QWidget,
)

from engine import export, queries

from gui.jobs import JobRunner, ViewLoader
from gui.shop import Changes, Shop
from gui.widgets import heading


class ExportView(QWidget):
    def __init__(self, shop: Shop, runner: JobRunner) -> None:
        super().__init__()
        self.shop = shop
        self.runner = runner
        self.last_path: Path | None = None
        self.counts: dict | None = None   # what an export would hold; None until first counted
        self._loader = ViewLoader("export counts", self._count, self._show_counts)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        title = heading("Export")
        lay.addWidget(title)
        intro = QLabel("Save the suggestions and their reasons as a CSV file for your newsletter tool, "
                       "a spreadsheet or your till. The file opens safely in Excel and LibreOffice.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)

        which = QGroupBox("Which suggestions")
        wl = QVBoxLayout(which)
        self.only_approved = QRadioButton("Only those whose reason I approved or wrote myself")
        self.all_recs = QRadioButton("All suggestions")
        g1 = QButtonGroup(self)
        g1.addButton(self.only_approved)
        g1.addButton(self.all_recs)
        self.only_approved.setChecked(True)
        wl.addWidget(self.only_approved)
        wl.addWidget(self.all_recs)
        lay.addWidget(which)

        shape = QGroupBox("One line per")
        pl = QVBoxLayout(shape)
        self.per_rec = QRadioButton("Suggestion (a customer with 5 suggestions gets 5 lines)")
        self.per_customer = QRadioButton("Customer (their suggestions side by side)")
        g2 = QButtonGroup(self)
        g2.addButton(self.per_rec)
        g2.addButton(self.per_customer)
        self.per_rec.setChecked(True)
        pl.addWidget(self.per_rec)
        pl.addWidget(self.per_customer)
        lay.addWidget(shape)

        cols = QGroupBox("Columns")
        grid = QGridLayout(cols)
        self.column_boxes: dict[str, QCheckBox] = {}
        for i, (key, label, on) in enumerate(export.EXPORT_COLUMNS):
            box = QCheckBox(label)
            box.setChecked(on)
            box.toggled.connect(self._update)
            self.column_boxes[key] = box
            grid.addWidget(box, i // 2, i % 2)
        lay.addWidget(cols)

        row = QHBoxLayout()
        self.export_button = QPushButton("Export…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_and_export)
        row.addWidget(self.export_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        row.addWidget(self.result, 1)
        lay.addLayout(row)
        lay.addStretch(1)
        for b in (self.only_approved, self.all_recs):
            b.toggled.connect(self._update)
        shop.changed.connect(self._shop_changed)
        self.reload()

    def _shop_changed(self, changes: Changes) -> None:
        if changes.recommendations or changes.reasons:
            self.reload()

    def columns(self) -> list[str]:
        return [k for k, box in self.column_boxes.items() if box.isChecked()]

    # Counting runs on a worker thread: on a shop of a million order lines it takes a quarter second.
    def reload(self) -> None:
        if self.counts is None:
            self.summary.setText("Counting the suggestions…")
        self._loader.request()

    def _count(self) -> dict:
        with self.shop.worker_db() as db:
            return queries.suggestion_counts(db)

    def _show_counts(self, counts: dict) -> None:
        self.counts = c = counts
        if c["recommendations"] == 0:
            self.summary.setText("There are no suggestions to export yet. Make suggestions on the Overview first.")
        else:
            self.summary.setText(f"{c['recommendations']:,} suggestions for {c['customers']:,} customers; "
                                 f"{c['approved']:,} with an approved reason.")
        self._update()

    def _update(self) -> None:
        c = self.counts
        if c is None:   # still counting
            self.export_button.setEnabled(False)
            return
        n = c["approved"] if self.only_approved.isChecked() else c["recommendations"]
        self.export_button.setEnabled(n > 0 and bool(self.columns()))
        if c["recommendations"] and not n:
            self.result.setText("No reason is approved yet: approve reasons under Customers, "
                                "or choose “All suggestions”.")
        elif not self.columns():
            self.result.setText("Choose at least one column.")
        else:
            self.result.setText("")

    def choose_and_export(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / f"{self.shop.name} suggestions.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Save the export as", suggested, "CSV file (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path):
        path = Path(path)
        if path.suffix.lower() != ".csv":
            path = path.with_suffix(path.suffix + ".csv") if path.suffix else path.with_suffix(".csv")
        shop = self.shop
        columns = self.columns()
        only = self.only_approved.isChecked()
        per = "customer" if self.per_customer.isChecked() else "recommendation"

        def work(progress, cancel):
            with shop.worker_db() as db:
                return export.export_recommendations(db, path, columns=columns, only_approved=only, per=per,
                                                     progress=progress, cancel=cancel)

        def done(rows: int) -> None:
            self.last_path = path
            self.result.setText(f"Saved {rows:,} lines to {path}.")

        return self.runner.run(work, "Exporting", kind="export", on_success=done)   # writes a file, changes nothing in the shop
