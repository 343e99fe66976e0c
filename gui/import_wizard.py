"""Import wizard: choose or drop a file, check what was recognised, map columns, import, read the result.

Reading the file's first rows and the import itself run on worker threads.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QProgressBar, QPushButton, QRadioButton, QScrollArea, QStackedWidget,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from engine import ingest
from engine.jobs import Progress
from engine.ingest.catalogue import CATALOGUE_FIELDS, CatalogueMapping
from engine.ingest.layouts import MAPPING_FIELDS, ColumnMapping

from gui.jobs import Job, JobRunner, eta_text
from gui.shop import Changes, Shop
from gui.widgets import dragged_local_file

log = logging.getLogger("shopwise.gui")

NOT_IN_FILE = "— not in this file —"
DATE_ORDERS = [("auto", "Work it out from the dates"), ("dmy", "Day / month / year (31/12/2024)"),
               ("mdy", "Month / day / year (12/31/2024)"), ("ymd", "Year-month-day (2024-12-31)")]
DELIMITER_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
FILE_FILTER = "Spreadsheet files (*.csv *.tsv *.txt *.xlsx);;All files (*)"


def cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


class DropZone(QFrame):
    """A large, obvious place to drop a file, with a button for those who prefer clicking."""

    file_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setMinimumHeight(180)
        self.setObjectName("dropzone")
        self.setStyleSheet("#dropzone { border: 2px dashed palette(mid); border-radius: 10px; }")
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        text = QLabel("Drop your export file here")
        f = text.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        text.setFont(f)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(text)
        self.button = QPushButton("Choose a file…")
        self.button.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        lay.addLayout(row)
        hint = QLabel("CSV files from Shopify, WooCommerce, your till or a spreadsheet all work.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(placeholder-text);")
        lay.addWidget(hint)
        lay.addStretch(1)

    def dragEnterEvent(self, event) -> None:
        if dragged_local_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = dragged_local_file(event)
        if path:
            self.file_dropped.emit(path)
            event.acceptProposedAction()


class ImportWizard(QDialog):
    CHOOSE, CHECK, RUN, DONE = range(4)

    def __init__(self, shop: Shop, runner: JobRunner, kind: str = "orders", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self.runner = runner
        self.path: Path | None = None
        self.sheet: str | None = None   # an Excel workbook's sheet the owner chose; None: the first
        self.preview = None
        self.report = None
        self.job: Job | None = None
        self.combos: dict[str, QComboBox] = {}
        self.setWindowTitle("Import a file")
        self.setAcceptDrops(True)
        self.resize(820, 600)

        lay = QVBoxLayout(self)
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.steps)
        self.pages = QStackedWidget()
        lay.addWidget(self.pages, 1)
        self.pages.addWidget(self._choose_page(kind))
        self.pages.addWidget(self._check_page())
        self.pages.addWidget(self._run_page())
        self.pages.addWidget(self._done_page())

        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.next_button = QPushButton("Import")
        self.close_button = QPushButton("Cancel")
        self.back_button.clicked.connect(lambda: self.go(self.CHOOSE))
        self.next_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.close_or_cancel)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.next_button)
        lay.addLayout(buttons)
        self.go(self.CHOOSE)

    # ---- pages ---------------------------------------------------------------------------
    def _choose_page(self, kind: str) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        kinds = QHBoxLayout()
        kinds.addWidget(QLabel("What is in the file?"))
        self.kind_orders = QRadioButton("Orders (what customers bought)")
        self.kind_catalogue = QRadioButton("Product catalogue (names, prices, categories)")
        group = QButtonGroup(page)
        group.addButton(self.kind_orders)
        group.addButton(self.kind_catalogue)
        (self.kind_catalogue if kind == "catalogue" else self.kind_orders).setChecked(True)
        kinds.addWidget(self.kind_orders)
        kinds.addWidget(self.kind_catalogue)
        self.kind_orders.toggled.connect(lambda _: self.preview is not None and self._fill_mapping(self.preview))
        kinds.addStretch(1)
        lay.addLayout(kinds)
        self.drop = DropZone()
        self.drop.button.clicked.connect(self.browse)
        self.drop.file_dropped.connect(self.choose_file)
        lay.addWidget(self.drop, 1)
        self.choose_error = QLabel()
        self.choose_error.setWordWrap(True)
        self.choose_error.setStyleSheet("color: #b3261e;")
        lay.addWidget(self.choose_error)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.recognised = QLabel()
        self.recognised.setWordWrap(True)
        self.recognised.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.recognised)
        sheet_row = QHBoxLayout()
        self.sheet_label = QLabel("Sheet of the workbook:")
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(lambda _: self.choose_file(str(self.path), self.sheet_combo.currentText()))
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        lay.addLayout(sheet_row)
        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.preview_table.verticalHeader().hide()
        self.preview_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.preview_table.setMinimumHeight(150)
        lay.addWidget(QLabel("<b>The first rows of the file</b>"))
        lay.addWidget(self.preview_table, 2)
        self.mapping_box = QGroupBox("Which column holds what?")
        box_lay = QVBoxLayout(self.mapping_box)
        self.mapping_hint = QLabel()
        self.mapping_hint.setWordWrap(True)
        box_lay.addWidget(self.mapping_hint)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.mapping_form = QFormLayout(inner)
        scroll.setWidget(inner)
        box_lay.addWidget(scroll)
        lay.addWidget(self.mapping_box, 3)
        self.change_mapping = QPushButton("Change which column holds what…")
        self.change_mapping.clicked.connect(lambda: (self.mapping_box.show(), self.change_mapping.hide()))
        lay.addWidget(self.change_mapping, 0, Qt.AlignmentFlag.AlignLeft)
        self.check_error = QLabel()
        self.check_error.setWordWrap(True)
        self.check_error.setStyleSheet("color: #b3261e;")
        lay.addWidget(self.check_error)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        self.run_title = QLabel()
        f = self.run_title.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.run_title.setFont(f)
        lay.addWidget(self.run_title)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        lay.addWidget(self.progress)
        self.run_message = QLabel()
        self.run_message.setStyleSheet("color: palette(placeholder-text);")
        lay.addWidget(self.run_message)
        lay.addStretch(2)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.result_title = QLabel()
        f = self.result_title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.result_title.setFont(f)
        self.result_title.setWordWrap(True)
        lay.addWidget(self.result_title)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary)
        self.problems_label = QLabel("<b>Rows that were skipped or changed, by reason</b>")
        lay.addWidget(self.problems_label)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels(["What", "Rows", "First seen"])
        self.problems.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.problems.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.verticalHeader().hide()
        self.problems.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay.addWidget(self.problems, 1)
        self.save_report_button = QPushButton("Save report as CSV…")
        self.save_report_button.clicked.connect(self.save_report)
        lay.addWidget(self.save_report_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addStretch(0)
        return page

    def go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        names = ["Choose the file", "Check", "Import", "Result"]
        self.steps.setText("  ›  ".join(f"<b>{n}</b>" if i == page else
                                        f"<span style='color: palette(placeholder-text)'>{n}</span>"
                                        for i, n in enumerate(names)))
        self.back_button.setVisible(page == self.CHECK)
        self.next_button.setVisible(page == self.CHECK)
        self.close_button.setText({self.RUN: "Cancel import", self.DONE: "Close"}.get(page, "Cancel"))
        self.close_button.setEnabled(True)
        if page == self.CHECK:
            self.next_button.setDefault(True)
        elif page == self.DONE:
            self.close_button.setDefault(True)

    # ---- choose and inspect ----------------------------------------------------------------
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the file to import", "", FILE_FILTER)
        if path:
            self.choose_file(path)

    def dragEnterEvent(self, event) -> None:
        if self.pages.currentIndex() in (self.CHOOSE, self.CHECK) and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.choose_file(urls[0].toLocalFile())

    def choose_file(self, path: str, sheet: str | None = None) -> None:
        """Read the file (an Excel workbook's `sheet`, the first by default) to show what it is."""
        self.path, self.sheet = Path(path), sheet
        self.choose_error.setText("")
        self.drop.setEnabled(False)
        self.choose_error.setStyleSheet("color: palette(placeholder-text);")
        self.choose_error.setText(f"Reading {self.path.name}…")
        path, shop = self.path, self.shop

        def work(progress, cancel):
            with shop.worker_db() as db:   # a layout the owner mapped before comes with its mapping
                return ingest.inspect_file(path, db, sheet=sheet)

        self.job = Job(work, "reading a file", self)
        self.job.succeeded.connect(self._inspected)
        self.job.failed.connect(self._inspect_failed)
        self.job.start()

    def _inspect_failed(self, message: str) -> None:
        self.drop.setEnabled(True)
        self.choose_error.setStyleSheet("color: #b3261e;")
        self.choose_error.setText(message)
        self.go(self.CHOOSE)

    def _inspected(self, preview) -> None:
        self.drop.setEnabled(True)
        self.choose_error.setText("")
        self.preview = preview
        self.sheet_combo.clear()
        self.sheet_combo.addItems(preview.sheets)
        if preview.sheets:
            self.sheet_combo.setCurrentText(self.sheet or preview.sheets[0])
        for widget in (self.sheet_label, self.sheet_combo):
            widget.setVisible(bool(preview.sheets))
        kind = preview.kind
        if kind == "catalogue":
            self.kind_catalogue.setChecked(True)
        else:
            self.kind_orders.setChecked(True)
        label = preview.profile_label or "a spreadsheet file with its own layout"
        what = {"catalogue": "product catalogue", "reviews": "customer reviews"}.get(kind, "orders")
        details = (f"Excel workbook, sheet {self.sheet_combo.currentText()}" if preview.sheets else
                   f"{preview.encoding} text, columns separated by "
                   f"{DELIMITER_WORDS.get(preview.delimiter, repr(preview.delimiter))}, "
                   f"decimal {'comma' if preview.decimal == ',' else 'point'}")
        self.recognised.setText(
            f"<b>{html.escape(self.path.name)}</b><br>Shopwise recognised this as: <b>{label}</b> ({what}).<br>"
            f"<span style='color: palette(placeholder-text)'>{details}</span>")
        self._fill_preview(preview.header, preview.rows)
        self._fill_mapping(preview)
        self.go(self.CHECK)

    def _fill_preview(self, header: list[str], rows: list[list[str]]) -> None:
        t = self.preview_table
        t.clear()
        t.setColumnCount(len(header))
        t.setHorizontalHeaderLabels(header)
        rows = rows[:20]
        t.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row[:len(header)]):
                item = QTableWidgetItem(cell_text(value)[:200])
                item.setToolTip(cell_text(value)[:1000])
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        for c in range(t.columnCount()):
            t.setColumnWidth(c, min(t.columnWidth(c), 220))

    def _fill_mapping(self, preview) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.combos = {}
        orders = self.kind_orders.isChecked()
        if not orders and preview.kind == "catalogue" and preview.profile is not None:   # a known product export
            self.mapping_box.hide()
            self.change_mapping.hide()
            self.check_error.setText("")
            self.next_button.setEnabled(True)
            return
        mapping = preview.mapping if isinstance(preview.mapping, ColumnMapping if orders else CatalogueMapping) \
            else None
        for field, label, required in (MAPPING_FIELDS if orders else CATALOGUE_FIELDS):
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for h in preview.header:
                combo.addItem(h, h)
            current = getattr(mapping, field, None) if mapping is not None else None
            if current is not None and current in preview.header:
                combo.setCurrentIndex(preview.header.index(current) + 1)
            combo.currentIndexChanged.connect(self._check_mapping)
            self.combos[field] = combo
            self.mapping_form.addRow(f"{label}{' *' if required else ''}", combo)
        self.date_combo = QComboBox()
        for key, words in DATE_ORDERS:
            self.date_combo.addItem(words, key)
        current = getattr(mapping, "date_order", "auto") if mapping is not None else "auto"
        self.date_combo.setCurrentIndex(max(0, [k for k, _ in DATE_ORDERS].index(current)
                                            if current in dict(DATE_ORDERS) else 0))
        if orders:
            self.mapping_form.addRow("How dates are written", self.date_combo)
        detected = preview.profile is not None and mapping is not None
        if detected:
            self.mapping_hint.setText("Filled in from the recognised layout. Change a column only if it is wrong: "
                                      "Shopwise then reads the file as your own layout.")
            self.mapping_box.hide()
            self.change_mapping.show()
        else:
            self.mapping_hint.setText("Shopwise does not know this layout. Choose, for each item, the column "
                                      "that holds it. Items marked * are needed.")
            self.mapping_box.show()
            self.change_mapping.hide()
        self._check_mapping()

    def _check_mapping(self) -> None:
        mapping = self.mapping() if self.combos else None
        problems = mapping.problems(self.preview.header) if mapping is not None else []
        self.check_error.setText(" ".join(problems))
        self.next_button.setEnabled(not problems)

    def mapping(self):
        """The mapping to pass to the importer, or None to use the detected layout as it is."""
        if not self.combos:
            return None
        values = {f: c.currentData() for f, c in self.combos.items()}
        if self.kind_catalogue.isChecked():
            return CatalogueMapping(**values)
        date_order = self.date_combo.currentData()
        detected = self.preview.mapping
        if detected is not None:
            same = all(getattr(detected, f, None) == v for f, v in values.items()) and \
                getattr(detected, "date_order", "auto") == date_order
            if same and self.preview.profile is not None:
                return None
        values["date_order"] = date_order
        if detected is not None:
            return dataclasses.replace(detected, **values)
        return ColumnMapping(**values)

    # ---- import --------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.path is None:
            return
        path, shop, sheet = self.path, self.shop, self.sheet
        catalogue = self.kind_catalogue.isChecked()
        mapping = self.mapping()
        profile = None if catalogue or mapping is not None else self.preview.profile

        def work(progress, cancel):
            with shop.worker_db() as db:
                return ingest.import_file(db, path, kind="catalogue" if catalogue else "orders", profile=profile,
                                          mapping=mapping, sheet=sheet, progress=progress, cancel=cancel)

        job = self.runner.run(work, f"Importing {path.name}", kind="import", shop=shop, changes=Changes(orders=True),
                              caller_tells_outcome=True)
        if job is None:   # another job is running; the runner told the owner
            return
        self.run_title.setText(f"Importing {path.name}…")
        self.run_message.setText("Starting")
        self.progress.setRange(0, 0)
        self.go(self.RUN)
        self.job = job
        job.progressed.connect(self._progress)
        job.succeeded.connect(self._imported)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)

    def _progress(self, p: Progress) -> None:
        if p.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(p.fraction * 1000))
        eta = eta_text(self.job.started_at, p) if self.job else ""
        self.run_message.setText(" — ".join(x for x in (p.message, eta) if x))

    def _imported(self, report) -> None:
        self.report = report
        if report.already_imported:
            self.result_title.setText("This file was imported before — nothing new was added.")
        else:
            self.result_title.setText("Import finished")
        # The totals above; each kind of problem is a row of the table below, its sentence the tooltip.
        self.summary.setText("\n".join(report.totals_lines()))
        problems = sorted(report.problems(), key=lambda p: -p.rows)
        self.problems.setRowCount(len(problems))
        for r, problem in enumerate(problems):
            what = QTableWidgetItem(problem.words[0].upper() + problem.words[1:])
            what.setToolTip(problem.sentence())
            self.problems.setItem(r, 0, what)
            self.problems.setItem(r, 2, QTableWidgetItem(problem.where()))
            item = QTableWidgetItem(f"{problem.rows:,}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.problems.setItem(r, 1, item)
        has_issues = bool(problems)
        self.problems.setVisible(has_issues)
        self.problems_label.setVisible(has_issues)
        self.save_report_button.setVisible(has_issues)
        self.go(self.DONE)

    def _failed(self, message: str) -> None:
        self.report = None
        self.result_title.setText("The file was not imported")
        self.summary.setText(message + "\n\nYour shop is unchanged. Fix the file (or choose the columns "
                             "again) and import it once more.")
        for w in (self.problems, self.problems_label, self.save_report_button):
            w.hide()
        self.go(self.DONE)
        self.back_button.setVisible(True)
        self.back_button.clicked.disconnect()
        self.back_button.clicked.connect(lambda: self.go(self.CHECK) if self.preview else self.go(self.CHOOSE))

    def _cancelled(self) -> None:
        self.report = None
        self.result_title.setText("Import cancelled")
        self.summary.setText("Nothing from this file was added to your shop.")
        for w in (self.problems, self.problems_label, self.save_report_button):
            w.hide()
        self.go(self.DONE)

    def save_report(self) -> None:
        if self.report is None:
            return
        suggested = str(self.path.with_name(self.path.stem + " - import report.csv")) if self.path else ""
        path, _ = QFileDialog.getSaveFileName(self, "Save the import report", suggested, "CSV file (*.csv)")
        if path:
            try:
                self.report.to_csv(path)
            except OSError as exc:
                from gui.errors import plain_message
                self.summary.setText(self.summary.text() + "\n\n" + plain_message(exc))

    def close_or_cancel(self) -> None:
        if self.pages.currentIndex() == self.RUN and self.job is not None and self.job.running:
            self.job.cancel()
            self.close_button.setEnabled(False)
            self.run_message.setText("Stopping… nothing will be kept.")
            return
        self.accept()

    def reject(self) -> None:  # Esc / window close
        if self.job is not None and self.job.running:
            self.close_or_cancel()
            return
        super().reject()
