"""Customers: a searchable, sortable list (lazy model/view) and a detail pane per customer.

The detail pane shows the purchase history, interest tags and the suggestions
grouped "Time to reorder" (due now or overdue) / "Coming up" (bought before, due later) /
"Bought before" (no cycle to expect) / "New for them", each with its reason, score and the
evidence in words (hover or expand). Reasons can be edited, approved, rejected
or written again.
"""

from __future__ import annotations

import dataclasses
import html
import logging

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPushButton, QSpinBox, QSplitter, QTableView, QTabWidget, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

import engine.reasons as reasons
from engine import evidence, queries
from engine.interests import customer_tags

from gui.errors import plain_message
from gui.jobs import Job, JobRunner, ViewLoader
from gui.shop import Changes, Shop
from gui.widgets import MAKE_SUGGESTIONS_KEY, edit_text

log = logging.getLogger("shopwise.gui")

PAGE = 200
HISTORY_PAGE = 1000   # order lines of one customer shown at a time
GROUP_TITLES = {"due": "Time to reorder", "coming_up": "Coming up", "bought_before": "Bought before",
                "discover": "New for them"}
CONSENT_WORDS = {"yes": "accepts marketing e-mails", "no": "said no to marketing e-mails",
                 "unknown": "consent to marketing unknown"}
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
        self.filter = queries.CustomerFilter()   # the search and the filter bar's choices
        self.sort_key = "name"
        self.descending = False
        self.rows: list[dict] = []
        self.total = 0
        self.ranked: list[int] | None = None   # ids in order, for the aggregate sorts
        self.sorting = False
        self._rank_job: Job | None = None
        self._generation = 0
        self.currency = queries.shop_currency(shop.db)
        self.reload()

    def reload(self) -> None:
        if self.sort_key in queries.AGGREGATE_SORTS:
            self._rank()
            return
        self.beginResetModel()
        self.ranked = None
        self.total = queries.count_customers(self.shop.db, self.filter)
        self.rows = queries.customers_page(self.shop.db, self.filter, self.sort_key, self.descending, 0, PAGE)
        self.endResetModel()

    def _rank(self) -> None:
        self._generation += 1
        generation = self._generation
        shop, search, sort, desc = self.shop, self.filter, self.sort_key, self.descending

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

    @property
    def search(self) -> str:
        return self.filter.search

    @property
    def filtered(self) -> bool:
        """Whether the list shows only some customers (a search or a filter is on)."""
        return self.filter != queries.CustomerFilter()

    def set_search(self, text: str) -> None:
        self.set_filter(dataclasses.replace(self.filter, search=text))

    def set_filter(self, new: queries.CustomerFilter) -> None:
        if new != self.filter:
            self.filter = new
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
            more = queries.customers_page(self.shop.db, self.filter, self.sort_key, self.descending,
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
                return queries.money_text(value, self.currency)
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

    reviewed = Signal(object)   # the reasons' states before an edit, approve or reject: for Ctrl+Z

    def __init__(self, shop: Shop, runner: JobRunner) -> None:
        super().__init__()
        self.shop = shop
        self.currency = queries.shop_currency(shop.db)
        self.runner = runner
        self.customer_id: int | None = None
        self._select_next: int | None = None   # where an approve or reject moves the selection
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

        history_page = QWidget()
        hl = QVBoxLayout(history_page)
        hl.setContentsMargins(0, 0, 0, 0)
        self.history = QTreeWidget()
        self.history.setHeaderLabels(["Date", "Order", "Product", "Quantity", "Price"])
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        self.history.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.header().setStretchLastSection(False)
        more = QHBoxLayout()
        self.history_note = QLabel()
        self.history_note.setStyleSheet("color: palette(placeholder-text);")
        self.more_history = QPushButton(f"Show {HISTORY_PAGE:,} more")
        self.more_history.clicked.connect(self._show_more_history)
        more.addWidget(self.history_note, 1)
        more.addWidget(self.more_history)
        hl.addWidget(self.history, 1)
        hl.addLayout(more)
        self.history_limit = HISTORY_PAGE
        self.tabs.addTab(history_page, "Purchase history")
        self.show_customer(None)

    def show_customer(self, customer_id: int | None) -> None:
        if customer_id != self.customer_id:
            self.history_limit = HISTORY_PAGE
        self.customer_id = customer_id
        self.recs.clear()
        self.history.clear()
        if customer_id is None:
            self.name.setText("Choose a customer on the left")
            self.facts.setText("")
            self.tags.setText("")
            self.tabs.setEnabled(False)
            self.recs_empty.hide()
            self.history_note.hide()
            self.more_history.hide()
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
        facts += "".join(f"  ·  {v}" for v in (c["email"] if c["email"] != c["key"] else None,
                                                 c["phone"] if c["phone"] != c["key"] else None) if v)
        facts += f"  ·  {CONSENT_WORDS[c['marketing_consent']]}"
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
                f"No suggestions yet — press “Make suggestions” on the Overview ({MAKE_SUGGESTIONS_KEY}).")
            self.recs_empty.show()
            self.recs.hide()

        self._fill_history()
        self._update_buttons()

    def _show_more_history(self) -> None:
        self.history_limit += HISTORY_PAGE
        self._fill_history()

    def _fill_history(self) -> None:
        """The newest order lines up to `history_limit`, and a note saying how many there are in all."""
        db, customer_id = self.shop.db, self.customer_id
        self.history.clear()
        lines = queries.purchase_history(db, customer_id, limit=self.history_limit)
        total = len(lines) if len(lines) < self.history_limit else queries.purchase_line_count(db, customer_id)
        self.history_note.setText(f"The newest {len(lines):,} of {total:,} order lines." if total > len(lines)
                                  else "")
        self.history_note.setVisible(total > len(lines))
        self.more_history.setVisible(total > len(lines))
        for h in lines:
            qty = h["quantity"]
            item = QTreeWidgetItem([h["date"], h["order_id"], h["product"],
                                    f"{qty:g}" + (" (returned)" if h["is_return"] else ""),
                                    queries.money_text(h["unit_price"], self.currency)])
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight)
            self.history.addTopLevelItem(item)
        for col in (0, 1, 3, 4):
            self.history.resizeColumnToContents(col)

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
            before = reasons.reason_states(self.shop.db, [reason_id])
            reasons.set_reason(self.shop.db, reason_id, **kw)   # plain SQL
            self.reviewed.emit(before)
        except Exception as exc:  # noqa: BLE001
            log.exception("set_reason failed")
            self.runner.show_error(plain_message(exc))
            return
        self.shop.changed.emit(Changes(reasons=True))

    def refresh(self) -> None:
        """Read the shown customer again; the suggestion the owner had selected stays selected (or the
        one an approve or reject moved on to)."""
        r = self.selected()
        rec_id = self._select_next if self._select_next is not None else r["id"] if r else None
        self._select_next = None
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
        """Approve or reject the selected reason, then move on to the next suggestion (A / R in a row)."""
        r = self.selected()
        if r and r.get("reason_id"):
            self._select_next = self._next_suggestion_id()
            self._set_reason(r["reason_id"], status=status)

    def _next_suggestion_id(self) -> int | None:
        """The suggestion after the selected one, across the reorder and discover groups; None at the end."""
        ids = [self.recs.topLevelItem(i).child(j).data(0, Qt.ItemDataRole.UserRole)["id"]
               for i in range(self.recs.topLevelItemCount())
               for j in range(self.recs.topLevelItem(i).childCount())]
        current = self.selected()
        at = ids.index(current["id"]) if current and current["id"] in ids else -1
        return ids[at + 1] if 0 <= at < len(ids) - 1 else None

    def edit_reason(self) -> None:
        r = self.selected()
        if not r or not r.get("reason_id"):
            return
        text, ok = edit_text(self, "Edit reason", f"Reason for suggesting {r['product']}:", r["reason"] or "")
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

        self.runner.run(work, "Writing a new reason", kind="reasons", shop=shop, changes=Changes(reasons=True), on_success=done)

    def write_for_customer(self) -> None:
        if not self.missing_ids:
            return
        shop, ids = self.shop, list(self.missing_ids)

        def work(progress, cancel):
            with shop.worker_db() as db:   # generate_reasons loads torch: on the worker thread
                return reasons.generate_reasons(db, ids=ids, missing_only=True, progress=progress, cancel=cancel)

        self.runner.run(work, "Writing this customer's reasons", kind="reasons", shop=shop, changes=Changes(reasons=True),
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
        lay.addLayout(self._filter_bar())
        self.runner = runner
        self.undo_stack: list[list[tuple[int, str, str]]] = []   # reasons' states before each review action
        undo = QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

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
        # Orders, last order and spent: the first click shows the most first (the owner's question).
        hh.sectionPressed.connect(self._most_first)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.sorting_changed.connect(self._sorting)

        self.detail = CustomerDetail(shop, runner)
        self.detail.reviewed.connect(self.undo_stack.append)
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

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.has_email = QCheckBox("Has e-mail")
        self.consent = QComboBox()
        for words, value in (("Any consent", None), ("Accepts marketing", "yes"), ("Said no", "no"),
                             ("Consent unknown", "unknown")):
            self.consent.addItem(words, value)
        self.due = QCheckBox("Reorder due within")
        self.due_days = QSpinBox()
        self.due_days.setRange(0, 365)
        self.due_days.setValue(14)
        self.due_days.setSuffix(" days")
        self.lapsed = QCheckBox("Lapsed")
        self.lapsed.setToolTip("No order in the 6 months before the shop's last order")
        self.not_reviewed = QCheckBox("Not yet reviewed")
        self.interest = QComboBox()
        self.interest.addItem("Any interest", None)
        for combo in (self.consent, self.interest):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.interest.setToolTip("Customers whose purchases show this interest (from the latest suggestions)")
        self.approve_shown = QPushButton("Approve all shown…")
        self.approve_shown.setToolTip("Approve every reason still to review of the customers the list shows")
        self.approve_shown.clicked.connect(self.approve_all_shown)
        for w in (self.has_email, self.consent, self.due, self.due_days, self.lapsed, self.not_reviewed,
                  self.interest):
            bar.addWidget(w)
            signal = w.toggled if isinstance(w, QCheckBox) else (
                w.valueChanged if isinstance(w, QSpinBox) else w.currentIndexChanged)
            signal.connect(self._apply_filters)
        bar.addStretch(1)
        bar.addWidget(self.approve_shown)
        self._tags_loader = ViewLoader("interest tags", self._read_tags, self._show_tags)
        self._tags_loader.request()
        return bar

    def _read_tags(self) -> list[tuple[str, int]]:
        with self.shop.worker_db() as db:   # reads every customer's evidence: not on the window's thread
            return queries.interest_tags(db)

    def _show_tags(self, tags: list[tuple[str, int]]) -> None:
        current = self.interest.currentData()
        self.interest.blockSignals(True)
        self.interest.clear()
        self.interest.addItem("Any interest", None)
        for tag, n in tags:
            self.interest.addItem(f"{tag} ({n:,})", tag)
        self.interest.setCurrentIndex(max(0, self.interest.findData(current)))
        self.interest.blockSignals(False)

    def current_filter(self) -> queries.CustomerFilter:
        return queries.CustomerFilter(
            search=self.search.text(), has_email=self.has_email.isChecked(), consent=self.consent.currentData(),
            due_within_days=self.due_days.value() if self.due.isChecked() else None,
            lapsed_days=182 if self.lapsed.isChecked() else None, not_reviewed=self.not_reviewed.isChecked(),
            interest=self.interest.currentData())

    def _apply_filters(self) -> None:
        self.model.set_filter(self.current_filter())

    def _most_first(self, section: int) -> None:
        hh = self.table.horizontalHeader()
        key = queries.CUSTOMER_COLUMNS[section][0]
        if section != hh.sortIndicatorSection() and key in queries.AGGREGATE_SORTS:
            hh.blockSignals(True)   # the click then flips this to "most first"
            hh.setSortIndicator(section, Qt.SortOrder.AscendingOrder)
            hh.blockSignals(False)

    def approve_all_shown(self) -> None:
        db = self.shop.db
        ids = queries.draft_reason_ids(db, self.model.filter)
        if not ids:
            self.runner.show_message("Every reason of the customers shown is already reviewed.", 8000)
            return
        customers = self.model.total
        answer = QMessageBox.question(
            self, "Approve all shown",
            f"Approve {len(ids):,} reasons still to review, for the {customers:,} customers shown?\n\n"
            "Ctrl+Z undoes it.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.undo_stack.append(reasons.approve_reasons(db, ids))   # plain SQL, one transaction
        self.runner.show_message(f"Approved {len(ids):,} reasons. Ctrl+Z undoes it.", 8000)
        self.shop.changed.emit(Changes(reasons=True))
        self.model.reload()

    def undo(self) -> None:
        """Put back the reasons of the last review action (edit, approve, reject, approve all shown)."""
        if not self.undo_stack:
            self.runner.show_message("Nothing to undo.", 4000)
            return
        states = self.undo_stack.pop()
        reasons.restore_reasons(self.shop.db, states)
        self.runner.show_message(f"Undone: {len(states):,} reason{'s' if len(states) != 1 else ''} as before.", 6000)
        self.shop.changed.emit(Changes(reasons=True))

    def _after_reset(self) -> None:
        total = self.model.total
        if self.model.filtered:
            self.count_label.setText(f"{total:,} found")
        else:
            self.count_label.setText(f"{total:,} customers")
        keep, self._keep_customer = self._keep_customer, None
        if self.model.rows:
            if keep is None or not self.select_customer(keep):
                self.table.selectRow(0)
        else:
            self.detail.show_customer(None)
            if not self.model.filtered:
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
            self.model.currency = self.detail.currency = queries.shop_currency(self.shop.db)
            self.model.reload()
        elif changes.recommendations or changes.reasons:
            self.detail.refresh()
        if changes.recommendations:
            self.undo_stack.clear()   # the reasons undone would belong to the old suggestions
            self._tags_loader.request()
