"""Export suggestions with reasons as a CSV file: for a mailing tool or a spreadsheet (the writing is engine.export)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout, QWidget,
)

from engine import export, products, queries

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
        self.plan: export.MailingPlan | None = None   # whom a mailing export would hold
        self._options: dict = {}
        self._loader = ViewLoader("export counts", self._count, self._show_counts)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        lay.addWidget(heading("Export"))
        intro = QLabel("Save the suggestions and their reasons as a CSV file for your mailing tool or a "
                       "spreadsheet. The file opens safely in Excel and LibreOffice.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)

        target = QGroupBox("For")
        tl = QGridLayout(target)
        self.for_mailing = QRadioButton("A mailing tool: one line per customer")
        self.preset = QComboBox()
        for key, preset in export.PRESETS.items():
            self.preset.addItem(preset.label, key)
        self.for_spreadsheet = QRadioButton("A spreadsheet")
        g0 = QButtonGroup(self)
        g0.addButton(self.for_mailing)
        g0.addButton(self.for_spreadsheet)
        self.for_mailing.setChecked(True)
        tl.addWidget(self.for_mailing, 0, 0)
        tl.addWidget(self.preset, 0, 1)
        tl.addWidget(self.for_spreadsheet, 1, 0)
        lay.addWidget(target)

        which = QGroupBox("Which suggestions")
        wl = QVBoxLayout(which)
        self.only_approved = QRadioButton("Only those whose reason I approved or wrote myself")
        self.all_recs = QRadioButton("All suggestions (never those I rejected)")
        g1 = QButtonGroup(self)
        g1.addButton(self.only_approved)
        g1.addButton(self.all_recs)
        self.only_approved.setChecked(True)
        wl.addWidget(self.only_approved)
        wl.addWidget(self.all_recs)
        lay.addWidget(which)

        self.mailing_box = QGroupBox("Mailing")
        ml = QGridLayout(self.mailing_box)
        self.include_unknown = QCheckBox("Also customers who never said whether they accept marketing e-mails")
        self.include_sent = QCheckBox("Also suggestions already sent in an earlier export")
        self.products = QSpinBox()
        self.products.setRange(1, 10)
        self.products.setValue(export.DEFAULT_PRODUCTS)
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://myshop.com")
        self.base_url.setToolTip("Product links are this address + /products/ + the product's handle "
                                 "(from a Shopify products export).")
        self.save_url = QPushButton("Save")
        self.save_url.clicked.connect(self.save_base_url)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        ml.addWidget(self.include_unknown, 0, 0, 1, 3)
        ml.addWidget(self.include_sent, 1, 0, 1, 3)
        ml.addWidget(QLabel("Products per customer"), 2, 0)
        ml.addWidget(self.products, 2, 1)
        ml.addWidget(QLabel("Shop web address"), 3, 0)
        ml.addWidget(self.base_url, 3, 1)
        ml.addWidget(self.save_url, 3, 2)
        ml.addWidget(self.plan_label, 4, 0, 1, 3)
        lay.addWidget(self.mailing_box)

        self.shape_box = QGroupBox("One line per")
        pl = QVBoxLayout(self.shape_box)
        self.per_rec = QRadioButton("Suggestion (a customer with 5 suggestions gets 5 lines)")
        self.per_customer = QRadioButton("Customer (their suggestions side by side)")
        g2 = QButtonGroup(self)
        g2.addButton(self.per_rec)
        g2.addButton(self.per_customer)
        self.per_rec.setChecked(True)
        pl.addWidget(self.per_rec)
        pl.addWidget(self.per_customer)
        lay.addWidget(self.shape_box)

        self.columns_box = QGroupBox("Columns")
        grid = QGridLayout(self.columns_box)
        self.column_boxes: dict[str, QCheckBox] = {}
        for i, (key, label, on) in enumerate(export.EXPORT_COLUMNS):
            box = QCheckBox(label)
            box.setChecked(on)
            box.toggled.connect(self._update)
            self.column_boxes[key] = box
            grid.addWidget(box, i // 3, i % 3)
        lay.addWidget(self.columns_box)

        row = QHBoxLayout()
        self.export_button = QPushButton("Export…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_and_export)
        row.addWidget(self.export_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        row.addWidget(self.result, 1)
        lay.addLayout(row)
        self.hint = QLabel()   # what stops an export now; `result` keeps what the last export did
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        lay.addStretch(1)
        for b in (self.for_mailing, self.only_approved, self.include_unknown, self.include_sent):
            b.toggled.connect(self.reload)
        self.products.valueChanged.connect(self.reload)
        shop.changed.connect(self._shop_changed)
        self.base_url.setText(products.base_url(shop.db))
        self.reload()

    def _shop_changed(self, changes: Changes) -> None:
        if changes.recommendations or changes.reasons or changes.orders:
            self.reload()

    def columns(self) -> list[str]:
        return [k for k, box in self.column_boxes.items() if box.isChecked()]

    def mailing(self) -> bool:
        return self.for_mailing.isChecked()

    def save_base_url(self) -> None:
        try:
            self.base_url.setText(products.set_base_url(self.shop.db, self.base_url.text()))   # one setting: plain SQL
        except ValueError as exc:
            self.result.setText(str(exc))
            return
        self.result.setText("Saved: product links use this address.")

    # Counting runs on a worker thread: on a shop of a million order lines it takes a quarter second.
    def reload(self) -> None:
        mailing = self.mailing()
        for box in (self.shape_box, self.columns_box):
            box.setVisible(not mailing)
        self.mailing_box.setVisible(mailing)
        self._options = {"mailing": mailing, "only_approved": self.only_approved.isChecked(),
                         "include_unknown_consent": self.include_unknown.isChecked(),
                         "include_sent": self.include_sent.isChecked(), "products": self.products.value()}
        if self.counts is None:
            self.summary.setText("Counting the suggestions…")
        self._update()
        self._loader.request()

    def _count(self) -> tuple[dict, export.MailingPlan | None]:
        options = dict(self._options)
        with self.shop.worker_db() as db:
            plan = None
            if options.pop("mailing"):
                plan = export.plan_mailing(db, **options)
            return queries.suggestion_counts(db), plan

    def _show_counts(self, result) -> None:
        self.counts, self.plan = c, plan = result
        if c["recommendations"] == 0:
            self.summary.setText("There are no suggestions to export yet. Make suggestions on the Overview first.")
        else:
            self.summary.setText(f"{c['recommendations']:,} suggestions for {c['customers']:,} customers; "
                                 f"{c['approved']:,} with an approved reason.")
        self.plan_label.setText(f"The file will hold {plan.in_words()}" if plan is not None else "")
        self._update()

    def _update(self) -> None:
        c = self.counts
        if c is None or (self.mailing() and self.plan is None):   # still counting
            self.export_button.setEnabled(False)
            return
        n = c["approved"] if self.only_approved.isChecked() else c["recommendations"]
        if self.mailing():
            self.export_button.setEnabled(n > 0 and self.plan.rows > 0)
        else:
            self.export_button.setEnabled(n > 0 and bool(self.columns()))
        if c["recommendations"] and not n:
            self.hint.setText("No reason is approved yet: approve reasons under Customers, "
                              "or choose “All suggestions”.")
        elif not self.mailing() and not self.columns():
            self.hint.setText("Choose at least one column.")
        else:
            self.hint.setText("")

    def choose_and_export(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        what = self.preset.currentData() if self.mailing() else "suggestions"
        suggested = str(Path(folder) / f"{self.shop.name} {what}.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Save the export as", suggested, "CSV file (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path):
        path = Path(path)
        if path.suffix.lower() != ".csv":
            path = path.with_suffix(path.suffix + ".csv") if path.suffix else path.with_suffix(".csv")
        shop = self.shop
        only = self.only_approved.isChecked()
        if self.mailing():
            preset = self.preset.currentData()
            options = {k: v for k, v in self._options.items() if k not in ("mailing", "only_approved")}

            def work(progress, cancel):
                with shop.worker_db() as db:
                    return export.export_mailing(db, path, preset, only_approved=only, progress=progress,
                                                 cancel=cancel, **options)

            def done(plan: export.MailingPlan) -> None:
                self.last_path = path
                self.result.setText(f"Saved {plan.rows:,} customers with {plan.suggestions:,} suggestions "
                                    f"to {path}. The next export leaves these suggestions out.")
                self.reload()   # what was sent is now left out

            return self.runner.run(work, "Exporting", kind="export", on_success=done)
        columns = self.columns()
        per = "customer" if self.per_customer.isChecked() else "recommendation"

        def write(progress, cancel):
            with shop.worker_db() as db:
                return export.export_recommendations(db, path, columns=columns, only_approved=only, per=per,
                                                     progress=progress, cancel=cancel)

        def written(rows: int) -> None:
            self.last_path = path
            self.result.setText(f"Saved {rows:,} lines to {path}.")

        return self.runner.run(write, "Exporting", kind="export", on_success=written)   # writes a file, changes nothing in the shop

