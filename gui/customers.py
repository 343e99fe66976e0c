"""Customers: a searchable, sortable list (lazy model/view) and a detail pane per customer.

The detail pane shows the purchase history, interest tags and the suggestions
grouped "Time to reorder" (due now or overdue) / "Coming up" (bought before, due later) /
"Bought before" (no cycle to expect) / "New for them", each with its reason, score and the
evidence in words (hover or expand). Reasons can be edited, approved, rejected
or written again.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QPushButton,
    QSplitter, QTableView, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

import engine.reasons as reasons
from engine import evidence, queries
from engine.interests import customer_tags

from gui.errors import plain_message
from gui.jobs import Job, JobRunner
from gui.shop import Changes, Shop

log = logging.getLogger("shopwise.gui")

PAGE = 200
GROUP_TITLES = {"due": "Time to reorder", "coming_up": "Coming up", "bought_before": "Bought before",
                "discover": "New for them"}
STATUS_WORDS = {"draft": "to review", "approved": "approved", "rejected": "rejected",
                "edited": "written by you",
                None: "no reason yet", "": "no reason yet"}


def match_stars(score: float | None, best: float) -> str:
    """●●●○○: how strong a suggestion is next to the customer's strongest of the same kind."""
    if score is None:
        return ""
    filled = 5 if best <= 0 else max(1, min(5, round(5 * score / best)))
    return "●" * filled + "○" * (5 - filled)


class CustomersModel(QAbstractTableModel):
    """Customers page by page: rows arrive as the view scrolls (canFetchMore/fetchMore).

    Sorting by name is a plain indexed query per page. Sorting by orders, last
    order or spent must rank every customer first: that runs on a worker thread
    (`sorting` is True meanwhile, the old rows stay), then pages come from the
    ranked ids.
    """

    sorting_changed = Signal(bool)

    def __init__(self, shop: Shop, parent=None) -> None:
        super().__init__(parent)
        self.shop = shop
        self.search = ""
        self.sort_key = "name"
        self.descending = False
        self.rows: list[dict] = []
        self.total = 0
        self.ranked: list[int] | None = None   # ids in order, for the aggregate sorts
        self.sorting = False
        self._rank_job: Job | None = None
        self._generation = 0
        self.reload()

    def reload(self) -> None:
        if self.sort_key in queries.AGGREGATE_SORTS:
            self._rank()
            return
        self.beginResetModel()
        self.ranked = None
        self.total = queries.count_customers(self.shop.db, self.search)
        self.rows = queries.customers_page(self.shop.db, self.search, self.sort_key, self.descending, 0, PAGE)
        self.endResetModel()

    def _rank(self) -> None:
        self._generation += 1
        generation = self._generation
        shop, search, sort, desc = self.shop, self.search, self.sort_key, self.descending

        def work(progress, cancel):
            with shop.worker_db() as db:
                return queries.customer_ids_ranked(db, search, sort, desc)

        self._set_sorting(True)
        job = Job(work, "sorting customers")
        job.succeeded.connect(lambda ids: self._ranked(generation, ids))
        job.failed.connect(lambda msg: self._set_sorting(False))
        self._rank_job = job
        job.start()

    def _ranked(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:      # a newer search or sort is on its way
            return
        try:
            self.shop.db.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - the shop was closed while sorting: nothing to show
            return
        self.beginResetModel()
        self.ranked = ids
        self.total = len(ids)
        self.rows = queries.customers_by_ids(self.shop.db, ids[:PAGE])
        self.endResetModel()
        self._set_sorting(False)

    def _set_sorting(self, value: bool) -> None:
        self.sorting = value
        self.sorting_changed.emit(value)

    def wait(self) -> None:
        """Block until a running sort has finished (tests)."""
        if self._rank_job is not None:
            self._rank_job.wait()

    def set_search(self, text: str) -> None:
        if text != self.search:
            self.search = text
            self.reload()

    # Qt model interface -------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(queries.CUSTOMER_COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        start = len(self.rows)
        if self.ranked is not None:
            more = queries.customers_by_ids(self.shop.db, self.ranked[start:start + PAGE])
        else:
            more = queries.customers_page(self.shop.db, self.search, self.sort_key, self.descending,
                                          start, PAGE)
        if not more:
            self.total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return queries.CUSTOMER_COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = queries.CUSTOMER_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[key]
            if key == "last_order":
                return (value or "")[:10]
            if key == "spent":
                return f"{value:,.2f}"
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("orders", "spent"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key, descending = queries.CUSTOMER_COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return   # the view asks again when sorting is switched on: the rows are already in this order
        self.sort_key, self.descending = key, descending
        self.reload()


class CustomerDetail(QWidget):
    """One customer: summary, tags, suggestions with reasons, purchase history."""

    def __init__(self, shop: Shop, runner: JobRunner) -> None:
        super().__init__()
        self.shop = shop
        self.runner = runner
        self.customer_id: int | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 0, 0, 0)
        self.name = QLabel("Choose a customer on the left")
        f = self.name.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        self.name.setFont(f)
        self.name.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet("color: palette(placeholder-text);")
        self.tags = QLabel()
        self.tags.setWordWrap(True)
        self.tags.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.name)
        lay.addWidget(self.facts)
        lay.addWidget(self.tags)

        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)

        rec_page = QWidget()
        rl = QVBoxLayout(rec_page)
        self.recs = QTreeWidget()
        self.recs.setHeaderLabels(["Suggestion", "Match", "Reason"])
        self.recs.setRootIsDecorated(True)
        self.recs.setAlternatingRowColors(True)
        header = self.recs.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.recs.itemSelectionChanged.connect(self._update_buttons)
        self.recs.itemDoubleClicked.connect(lambda *_: self.edit_reason())
        self.recs_empty = QLabel()
        self.recs_empty.setWordWrap(True)
        self.recs_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recs_empty.setStyleSheet("color: palette(placeholder-text); padding: 24px;")
        rl.addWidget(self.recs_empty)
        rl.addWidget(self.recs, 1)
        self.reason_box = QGroupBox("Reason")
        bl = QVBoxLayout(self.reason_box)
        self.reason_text = QLabel()
        self.reason_text.setWordWrap(True)
        self.reason_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.reason_text.font()
        f.setPointSizeF(f.pointSizeF() * 1.1)
        self.reason_text.setFont(f)
        self.reason_why = QLabel()
        self.reason_why.setWordWrap(True)
        self.reason_why.setStyleSheet("color: palette(placeholder-text);")
        bl.addWidget(self.reason_text)
        bl.addWidget(self.reason_why)
        # Names, keys and reasons come from the owner's files: text, never HTML (an <img> reads a file).
        for label in (self.name, self.facts, self.reason_text, self.reason_why):
            label.setTextFormat(Qt.TextFormat.PlainText)
        rl.addWidget(self.reason_box)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit reason…")
        self.approve_button = QPushButton("Approve")
        self.reject_button = QPushButton("Reject")
        self.regen_button = QPushButton("Write again")
        self.approve_button.setToolTip("Approve this reason for export (A)")
        self.reject_button.setToolTip("Reject this reason (R)")
        self.edit_button.setToolTip("Change the wording yourself (F2 or double-click)")
        self.regen_button.setToolTip("Let Shopwise write a new reason for this suggestion")
        self.edit_button.clicked.connect(self.edit_reason)
        self.approve_button.clicked.connect(lambda: self.set_status("approved"))
        self.reject_button.clicked.connect(lambda: self.set_status("rejected"))
        self.regen_button.clicked.connect(self.regenerate)
        # Writing every reason of a big shop takes hours on a CPU; one customer's take seconds.
        self.write_customer_button = QPushButton("Write reasons for this customer")
        self.write_customer_button.setToolTip("Write a reason for each of this customer's suggestions "
                                              "that has none yet (W)")
        self.write_customer_button.clicked.connect(self.write_for_customer)
        self.missing_ids: list[int] = []
        for b in (self.edit_button, self.approve_button, self.reject_button, self.regen_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.write_customer_button)
        rl.addLayout(buttons)
        for key, slot in (("F2", self.edit_reason), ("A", lambda: self.set_status("approved")),
                          ("R", lambda: self.set_status("rejected")), ("W", self.write_for_customer)):
            sc = QShortcut(QKeySequence(key), self.recs)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(slot)
        self.tabs.addTab(rec_page, "Suggestions")

        self.history = QTreeWidget()
        self.history.setHeaderLabels(["Date", "Order", "Product", "Quantity", "Price"])
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        self.history.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.header().setStretchLastSection(False)
        self.tabs.addTab(self.history, "Purchase history")
        self.show_customer(None)

    def show_customer(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self.recs.clear()
        self.history.clear()
        if customer_id is None:
            self.name.setText("Choose a customer on the left")
            self.facts.setText("")
            self.tags.setText("")
            self.tabs.setEnabled(False)
            self.recs_empty.hide()
            self._update_buttons()
            return
        self.tabs.setEnabled(True)
        db = self.shop.db
        c = queries.customer(db, customer_id)
        if c is None:
            self.show_customer(None)
            return
        self.name.setText(c["name"])
        facts = f"{c['key_kind_words']}: {c['key']}"
        if c["orders"]:
            facts += (f"  ·  {c['orders']} order{'s' if c['orders'] != 1 else ''} "
                      f"from {c['first_order'][:10]} to {c['last_order'][:10]}")
        self.facts.setText(facts)
        self.tags.setText(self._tags_html(self._tags(customer_id)))

        recs = queries.customer_recommendations(db, customer_id)
        self.missing_ids = [r["id"] for r in recs if not r["reason_id"]]
        for r in recs:
            r["group"] = evidence.reorder_timing(r["evidence"]) if r["kind"] == "reorder" else "discover"
        groups: dict[str, QTreeWidgetItem] = {}
        for group in GROUP_TITLES:
            if any(r["group"] == group for r in recs):
                item = QTreeWidgetItem([GROUP_TITLES[group]])
                f = item.font(0)
                f.setBold(True)
                item.setFont(0, f)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.recs.addTopLevelItem(item)
                item.setFirstColumnSpanned(True)
                groups[group] = item
        top = {kind: max([r["score"] or 0 for r in recs if r["kind"] == kind] or [0])
               for kind in ("reorder", "discover")}
        for r in recs:
            parent = groups.get(r["group"])
            if parent is None:
                continue
            status = STATUS_WORDS.get(r["reason_status"], r["reason_status"])
            item = QTreeWidgetItem([r["product"], match_stars(r["score"], top.get(r["kind"], 0)), status])
            item.setData(0, Qt.ItemDataRole.UserRole, r)
            words = queries.evidence_in_words(r["evidence"])
            tip = "\n".join(words) or "No details recorded for this suggestion."
            for col in range(3):
                item.setToolTip(col, (r["reason"] + "\n\n" if r["reason"] else "") + tip)
            if r["score"] is not None:
                item.setToolTip(1, f"Score {r['score']:.4g} (the stars compare it with this customer's best "
                                   f"suggestion of the same kind)")
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
            if r["reason_status"] == "rejected":
                for col in range(3):
                    item.setForeground(col, self.palette().placeholderText())
            for line in words:
                child = QTreeWidgetItem([line])
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                child.setForeground(0, self.palette().placeholderText())
                child.setToolTip(0, line)
                item.addChild(child)
                child.setFirstColumnSpanned(True)
            parent.addChild(item)
        self.recs.expandToDepth(0)
        if recs and self.recs.topLevelItemCount():
            self.recs.setCurrentItem(self.recs.topLevelItem(0).child(0))
        if recs:
            self.recs_empty.hide()
            self.recs.show()
        else:
            has_run = queries.latest_run_id(db) is not None
            self.recs_empty.setText(
                "No suggestions for this customer in the latest run." if has_run else
                "No suggestions yet — press “Make suggestions” on the Overview (Ctrl+R).")
            self.recs_empty.show()
            self.recs.hide()

        for h in queries.purchase_history(db, customer_id, limit=1000):
            qty = h["quantity"]
            item = QTreeWidgetItem([h["date"], h["order_id"], h["product"],
                                    f"{qty:g}" + (" (returned)" if h["is_return"] else ""),
                                    "" if h["unit_price"] is None else f"{h['unit_price']:,.2f}"])
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight)
            self.history.addTopLevelItem(item)
        for col in (0, 1, 3, 4):
            self.history.resizeColumnToContents(col)
        self._update_buttons()

    def _tags(self, customer_id: int) -> list[str]:
        return [t["label"] for t in customer_tags(self.shop.db, customer_id)]

    @staticmethod
    def _tags_html(tags: list[str]) -> str:
        if not tags:
            return ""
        chips = " ".join(
            f"<span style='background-color: palette(midlight); border-radius: 6px;'>&nbsp;{html.escape(t)}&nbsp;</span>"
            for t in tags)
        return f"Interested in: {chips}"

    # ---- reasons ------------------------------------------------------------------------
    def selected(self) -> dict | None:
        items = self.recs.selectedItems()
        if not items:
            return None
        item = items[0]
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data is None and item.parent() is not None:
            data = item.parent().data(0, Qt.ItemDataRole.UserRole)
        return data

    def _update_buttons(self) -> None:
        r = self.selected()
        self.reason_box.setVisible(r is not None)
        if r is not None:
            self.reason_box.setTitle(f"Why suggest {r['product']}?")
            self.reason_text.setText(r["reason"] or "No reason written yet — press “Write reasons for this "
                                                    "customer” below.")
            lines = queries.evidence_in_words(r["evidence"])
            self.reason_why.setText(" ".join(lines))
        has_reason = bool(r and r.get("reason_id"))
        self.edit_button.setEnabled(has_reason)
        self.approve_button.setEnabled(has_reason and r.get("reason_status") != "approved")
        self.reject_button.setEnabled(has_reason and r.get("reason_status") != "rejected")
        self.regen_button.setEnabled(bool(r))
        self.regen_button.setText("Write again" if has_reason else "Write a reason")
        self.write_customer_button.setVisible(bool(self.missing_ids))

    def _set_reason(self, reason_id: int, **kw) -> None:
        try:
            reasons.set_reason(self.shop.db, reason_id, **kw)   # plain SQL
        except Exception as exc:  # noqa: BLE001
            log.exception("set_reason failed")
            self.runner.show_error(plain_message(exc))
            return
        self.shop.changed.emit(Changes(reasons=True))

    def refresh(self) -> None:
        """Read the shown customer again; the suggestion the owner had selected stays selected."""
        r = self.selected()
        rec_id = r["id"] if r else None
        self.show_customer(self.customer_id)
        if rec_id is None:
            return
        for i in range(self.recs.topLevelItemCount()):
            group = self.recs.topLevelItem(i)
            for j in range(group.childCount()):
                child = group.child(j)
                data = child.data(0, Qt.ItemDataRole.UserRole)
                if data and data["id"] == rec_id:
                    self.recs.setCurrentItem(child)
                    return

    def set_status(self, status: str) -> None:
        r = self.selected()
        if r and r.get("reason_id"):
            self._set_reason(r["reason_id"], status=status)

    def edit_reason(self) -> None:
        r = self.selected()
        if not r or not r.get("reason_id"):
            return
        text, ok = QInputDialog.getMultiLineText(
            self, "Edit reason", f"Reason for suggesting {r['product']}:", r["reason"] or "")
        if ok and text.strip() and text.strip() != (r["reason"] or ""):
            self._set_reason(r["reason_id"], text=text.strip())

    def regenerate(self) -> None:
        r = self.selected()
        if not r:
            return
        shop, rec_id = self.shop, r["id"]

        def work(progress, cancel):
            with shop.worker_db() as db:   # generate_reasons loads torch: on the worker thread
                return reasons.generate_reasons(db, ids=[rec_id], progress=progress, cancel=cancel)

        def done(result) -> None:
            if isinstance(result, dict) and result.get("reasons") == 0:
                self.runner.show_message("Reasons you have reviewed are kept as they are; nothing was rewritten.",
                                         10000)

        self.runner.run(work, "Writing a new reason", shop=shop, changes=Changes(reasons=True), on_success=done)

    def write_for_customer(self) -> None:
        if not self.missing_ids:
            return
        shop, ids = self.shop, list(self.missing_ids)

        def work(progress, cancel):
            with shop.worker_db() as db:   # generate_reasons loads torch: on the worker thread
                return reasons.generate_reasons(db, ids=ids, missing_only=True, progress=progress, cancel=cancel)

        self.runner.run(work, "Writing this customer's reasons", shop=shop, changes=Changes(reasons=True),
                        cancel_message="The reasons written so far are kept.")


class CustomersView(QWidget):
    def __init__(self, shop: Shop, runner: JobRunner) -> None:
        super().__init__()
        self.shop = shop
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, e-mail, phone or customer number   (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: palette(placeholder-text);")
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        lay.addLayout(top)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)

        self.model = CustomersModel(shop, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # The indicator first: switching sorting on then asks for the order the rows already have.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        fm = self.fontMetrics()
        hh.setStretchLastSection(False)
        hh.setMinimumSectionSize(fm.horizontalAdvance("Orders") + 16)
        for col, sample in ((1, "Orders"), (2, "2024-12-31"), (3, "12,345.00")):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, fm.horizontalAdvance(sample) + 20)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.sorting_changed.connect(self._sorting)

        self.detail = CustomerDetail(shop, runner)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        split.setSizes([500, 700])
        self.splitter = split
        lay.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.model.set_search(self.search.text()))
        self.search.textChanged.connect(self._debounce.start)
        self._keep_customer: int | None = None
        shop.changed.connect(self._shop_changed)
        self._after_reset()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _sorting(self, busy: bool) -> None:
        if busy:
            self.count_label.setText("Sorting…")
            self.table.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.table.unsetCursor()

    def _after_reset(self) -> None:
        total = self.model.total
        if self.model.search:
            self.count_label.setText(f"{total:,} found")
        else:
            self.count_label.setText(f"{total:,} customers")
        keep, self._keep_customer = self._keep_customer, None
        if self.model.rows:
            if keep is None or not self.select_customer(keep):
                self.table.selectRow(0)
        else:
            self.detail.show_customer(None)
            if not self.model.search:
                self.detail.name.setText("No customers yet")
                self.detail.facts.setText("Import your orders to see your customers here.")

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.detail.show_customer(self.model.rows[current.row()]["id"])

    def select_customer(self, customer_id: int) -> bool:
        for i, row in enumerate(self.model.rows):
            if row["id"] == customer_id:
                self.table.selectRow(i)
                return True
        return False

    def _shop_changed(self, changes: Changes) -> None:
        if changes.orders:   # the list itself: new customers, orders, totals
            self._keep_customer = self.detail.customer_id
            self.model.reload()
        elif changes.recommendations or changes.reasons:
            self.detail.refresh()
