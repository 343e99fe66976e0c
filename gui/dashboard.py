"""Overview: counts, last import, model status, sales per month, best sellers, next steps."""

from __future__ import annotations

import json
from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

import engine.reasons as reasons
from engine import exclusions, queries

from gui.charts import MonthChart, TopChart
from gui.jobs import JobRunner, ViewLoader, eta_text
from gui.shop import Changes, Shop
from gui.times import local_time
from gui.widgets import MAKE_SUGGESTIONS_KEY, edit_text, heading


def count_words(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


class Card(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("card")
        lay = QVBoxLayout(self)
        self.value = QLabel("–")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: palette(placeholder-text);")
        lay.addWidget(self.value)
        lay.addWidget(self.title)


class DashboardView(QWidget):
    loaded = Signal()
    import_requested = Signal()

    def __init__(self, shop: Shop, runner: JobRunner) -> None:
        super().__init__()
        self.shop = shop
        self.runner = runner
        self.data: dict | None = None
        self._loader = ViewLoader("overview", self._read, self._show)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(18, 14, 18, 14)

        title = heading(shop.name)
        lay.addWidget(title)
        self.period = QLabel()
        self.period.setStyleSheet("color: palette(placeholder-text);")
        lay.addWidget(self.period)

        cards = QHBoxLayout()
        self.cards = {}
        for key, label in [("customers", "Customers"), ("products", "Products"), ("orders", "Orders"),
                           ("recommendations", "Suggestions"), ("reasons_approved", "Reasons approved")]:
            self.cards[key] = Card(label)
            cards.addWidget(self.cards[key])
        lay.addLayout(cards)

        status = QGroupBox("Status")
        grid = QGridLayout(status)
        self.import_label = QLabel()
        self.model_label = QLabel()
        self.reason_label = QLabel()
        for lbl in (self.import_label, self.model_label, self.reason_label):
            lbl.setWordWrap(True)
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(QLabel("<b>Last import</b>"), 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.import_label, 0, 1)
        grid.addWidget(QLabel("<b>Suggestions</b>"), 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.model_label, 1, 1)
        grid.addWidget(QLabel("<b>Reason writer</b>"), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.reason_label, 2, 1)
        self.review_label = QLabel()
        self.never_label = QLabel()
        for lbl in (self.review_label, self.never_label):
            lbl.setWordWrap(True)
        grid.addWidget(QLabel("<b>Your review</b>"), 3, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.review_label, 3, 1)
        grid.addWidget(QLabel("<b>Never suggested</b>"), 4, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.never_label, 4, 1)
        self.never_button = QPushButton("Change…")
        self.never_button.setToolTip("Which products are never suggested (by SKU, name, tag or vendor)")
        self.never_button.clicked.connect(self.edit_never_suggest)
        grid.addWidget(self.never_button, 4, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        lay.addWidget(status)

        steps = QHBoxLayout()
        self.import_button = QPushButton("Import orders…")
        self.recommend_button = QPushButton("Make suggestions")
        self.recommend_button.setToolTip(
            f"Work out, for every customer, what to offer next ({MAKE_SUGGESTIONS_KEY})")
        self.recommend_button.setShortcut(MAKE_SUGGESTIONS_KEY)
        self.reasons_button = QPushButton("Write reasons")
        self.reasons_button.setToolTip("Write a short personal reason for each suggestion")
        self.import_button.clicked.connect(self.import_requested)
        self.recommend_button.clicked.connect(self.recommend)
        self.reasons_button.clicked.connect(self.write_reasons)
        for b in (self.recommend_button, self.reasons_button):
            b.setEnabled(False)   # until the shop's counts (read in the background) say there is work for them
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        for b in (self.import_button, self.recommend_button, self.reasons_button):
            steps.addWidget(b)
        steps.addWidget(self.hint, 1)
        lay.addLayout(steps)
        self.reasons_progress = QLabel()   # while "Write reasons" runs: how many, how fast, how long
        self.reasons_progress.hide()
        lay.addWidget(self.reasons_progress)
        self._reasons_saved = 0

        charts = QHBoxLayout()
        sales_box = QGroupBox("Sales per month")
        QVBoxLayout(sales_box).addWidget(sales_chart := MonthChart())
        top_box = QGroupBox("Best sellers (items sold)")
        QVBoxLayout(top_box).addWidget(top_chart := TopChart())
        self.sales_chart, self.top_chart = sales_chart, top_chart
        charts.addWidget(sales_box, 3)
        charts.addWidget(top_box, 2)
        lay.addLayout(charts, 1)
        shop.changed.connect(self._shop_changed)
        runner.busy_changed.connect(lambda _busy: self.data and self._update_steps(self.data))
        self.reload()

    def _shop_changed(self, changes: Changes) -> None:
        if changes:   # every count, status and chart here follows from some part of the shop
            self.reload()

    # Loading runs on a worker thread: on a large shop the sums take a moment.
    def reload(self) -> None:
        self._loader.request()

    def _read(self) -> dict:
        with self.shop.worker_db() as db:
            return {"dash": queries.dashboard(db), "months": queries.sales_per_month(db),
                    "top": queries.top_products(db, 10), "currency": queries.shop_currency(db),
                    "never": exclusions.excluded_products(db)}

    def _show(self, result: dict) -> None:
        d = result["dash"]
        self.data = d
        for key, card in self.cards.items():
            card.value.setText(f"{d[key]:,}")
        if d["first_order"]:
            self.period.setText(f"Orders from {d['first_order'][:10]} to {d['last_order'][:10]}")
        else:
            self.period.setText("No orders yet. Import your shop's order export to begin.")
        imp = d["last_import"]
        if imp:
            status = {"done": "", "completed": "", "finished": ""}.get(imp["status"], f" ({imp['status']})")
            text = f"{imp['file_name']} — {local_time(imp['finished_at'] or imp['started_at'])}{status}"
            try:
                counts = json.loads(imp["counts"] or "{}")
            except ValueError:
                counts = {}
            shown = [(counts.get(k), words) for k, words in
                     (("orders", "orders"), ("lines", "order lines"), ("customers_new", "new customers"),
                      ("products_new", "new products"), ("products_updated", "products updated"))]
            shown = [f"{n:,} {words}" for n, words in shown if n]
            if shown:
                text += "<br>" + ", ".join(shown)
            self.import_label.setText(text)
        else:
            self.import_label.setText("Nothing imported yet.")
        run = d["last_run"]
        if run:
            self.model_label.setText(f"{count_words(d['recommendations'], 'suggestion')} made on "
                                     f"{local_time(run['created_at'])}.")
            self.model_label.setToolTip(f"Method: {run['model']}")
        else:
            self.model_label.setText("No suggestions yet — press “Make suggestions”.")
        adapter = d["active_adapter"]
        words = (f"{d['with_reason']:,} of {count_words(d['recommendations'], 'suggestion')} have a reason, "
                 f"{d['reasons_approved']:,} approved. ")
        if adapter:
            words += f"Uses the version trained on {local_time(adapter['created_at'])}."
            if not adapter["asks_as_now"]:
                words += (" This version of Shopwise asks for some reasons differently: train it again"
                          " (Reason writer) for fewer stock sentences.")
        else:
            words += "Uses the built-in writer (not trained on your shop yet)."
        self.reason_label.setText(words)
        self.review_label.setText(
            f"{d['reviewed']:,} of {count_words(d['recommendations'], 'suggestion')} reviewed "
            f"(approved, edited or rejected)." if d["recommendations"] else "Nothing to review yet.")
        self._show_never(result["never"])
        self._update_steps(d)
        self.sales_chart.set_data([(m["month"], m["revenue"]) for m in result["months"]], result["currency"])
        self.top_chart.set_data([(t["name"], t["quantity"]) for t in result["top"]])
        self.loaded.emit()

    def _show_never(self, never: dict[int, str]) -> None:
        """How many products are never suggested and why, most common reason first."""
        if not never:
            self.never_label.setText("No product is left out of suggestions.")
            return
        reasons = Counter(never.values()).most_common()
        words = "; ".join(f"{n:,} {why}" for why, n in reasons[:4]) + ("; …" if len(reasons) > 4 else "")
        self.never_label.setText(f"{count_words(len(never), 'product')} never suggested ({words}), "
                                 "from the next “Make suggestions” on.")

    def edit_never_suggest(self) -> None:
        """The owner edits the rules, one a line; a line that is not a rule is said and nothing changes."""
        db = self.shop.db
        text = exclusions.rules_in_words(exclusions.rules(db))
        while True:
            text, ok = edit_text(self, "Never suggest",
                                 "Products never suggested, one rule a line: “name: gift card” (words in the name), "
                                 "“sku: POST”, “tag: sample”, “vendor: Acme”; * stands for any text. Archived, "
                                 "draft and sold-out products are never suggested either.", text)
            if not ok:
                return
            try:
                exclusions.set_rules(db, exclusions.rules_from_words(text))   # one setting: plain SQL
            except ValueError as exc:
                self.runner.show_error(str(exc), title="Never suggest")
                continue
            self.reload()
            return

    def _update_steps(self, d: dict) -> None:
        busy = self.runner.busy
        self.recommend_button.setEnabled(d["orders"] > 0
                                         and not self.runner.refusal("recommend", "Making suggestions"))
        self.reasons_button.setEnabled(d["recommendations"] > 0
                                       and not self.runner.refusal("reasons", "Writing reasons"))
        if busy and d["orders"] == 0:
            self.period.setText(f"{self.runner.title}… The numbers appear here when it is done.")
        elif d["orders"] == 0:
            self.period.setText("No orders yet. Import your shop's order export to begin.")
        if busy:
            hint = f"{self.runner.title}… (see the bar at the bottom)"
        elif d["orders"] == 0:
            hint = "Step 1: import your orders (or drop the file onto this window)."
        elif d["recommendations"] == 0:
            hint = "Step 2: press “Make suggestions”."
        elif d["with_reason"] < d["recommendations"]:
            hint = ("Step 3: open a customer and press “Write reasons for this customer” (seconds), or press "
                    "“Write reasons” for everyone (long on a computer without a graphics card: stop it any "
                    "time, it goes on later from there).")
        else:
            hint = "Review reasons under Customers, then export them."
        self.hint.setText(hint)
        self.hint.setStyleSheet("color: palette(placeholder-text);")

    def recommend(self) -> None:
        shop = self.shop

        def work(progress, cancel):
            from engine.recommend import run_recommendations   # numpy and scipy: on the worker thread
            with shop.worker_db() as db:
                return run_recommendations(db, progress=progress, cancel=cancel)

        self.runner.run(work, "Making suggestions", kind="recommend", shop=shop,
                        changes=Changes(recommendations=True))

    def write_reasons(self) -> None:
        shop = self.shop

        def work(progress, cancel):
            with shop.worker_db() as db:   # generate_reasons loads torch: on the worker thread
                return reasons.generate_reasons(db, missing_only=True, progress=progress, cancel=cancel)

        # Stopping keeps every reason written so far; pressing again goes on from there.
        job = self.runner.run(work, "Writing reasons", kind="reasons", shop=shop, changes=Changes(reasons=True),
                              cancel_message="The reasons written so far are kept.")
        if job is not None:
            self._reasons_saved = 0
            self.reasons_progress.setText("Loading the reason writer…")
            self.reasons_progress.show()
            job.progressed.connect(lambda p, job=job: self._reasons_progressed(job, p))
            job.finished.connect(self.reasons_progress.hide)

    def _reasons_progressed(self, job, p) -> None:
        """Reasons per second and the time left, from the job's own measure; each saved group
        is announced, so the Customers view shows its reasons while the rest are written."""
        if p.total:
            words = [f"{int(p.done):,} of {int(p.total):,} reasons written"]
            if p.rate:
                words.append(f"{p.rate:.1f} a second")
            if eta := eta_text(job.started_at, p):
                words.append(eta.lower() if len(words) > 1 else eta)
            self.reasons_progress.setText(", ".join(words) + ".")
        if p.saved and p.saved > self._reasons_saved and self.shop.is_open:
            self._reasons_saved = p.saved
            self.shop.changed.emit(Changes(reasons=True))
