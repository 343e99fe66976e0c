"""Customers: lazy list that stays fast at 100,000 customers, search, sort, detail, reason review."""

import time

import pytest
from PySide6.QtCore import QPoint, Qt

import gui.customers as customers
from engine import queries
from gui_data import TickRecorder, fill_shop, make_window  # noqa: F401


@pytest.fixture(scope="module")
def big_shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.shopwise"
    fill_shop(path, customers=100_000, orders_per=1, recommend=False).conn.close()
    return path


def open_customers(make_window, path):
    w = make_window()
    assert w.open_shop(path)
    w.show_view("customers")
    return w, w.views["customers"]


def test_hundred_thousand_customers_load_lazily_and_quickly(make_window, big_shop, qtbot):
    t = time.monotonic()
    w, view = open_customers(make_window, big_shop)
    assert time.monotonic() - t < 3.0
    model = view.model
    assert model.total == 100_000
    assert model.rowCount() == 200                      # only the first page is loaded
    assert view.count_label.text() == "100,000 customers"
    assert model.canFetchMore()
    t = time.monotonic()
    view.table.scrollToBottom()                         # the view asks for more as it scrolls
    qtbot.waitUntil(lambda: model.rowCount() > 200)
    assert time.monotonic() - t < 1.0

    ticks = TickRecorder()
    ticks.start()
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)   # "Spent": ranks every customer...
    assert model.sorting and view.count_label.text() == "Sorting…"
    qtbot.waitUntil(lambda: not model.sorting, timeout=30000)   # ...on a worker thread
    ticks.stop()
    assert ticks.max_gap < 1.0, ticks.report()
    spent = [r["spent"] for r in model.rows[:50]]
    assert spent == sorted(spent, reverse=True) and model.total == 100_000
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 200)
    spent = [r["spent"] for r in model.rows]
    assert spent == sorted(spent, reverse=True)

    t = time.monotonic()
    view.search.setText("customer099999")
    qtbot.waitUntil(lambda: model.search == "customer099999", timeout=3000)
    assert time.monotonic() - t < 2.0
    qtbot.waitUntil(lambda: not model.sorting, timeout=30000)
    assert model.total == 1 and model.rows[0]["key"] == "customer099999@example.com"
    assert view.count_label.text() == "1 found"


def test_search_is_literal(shop, tmp_path):
    db = fill_shop(tmp_path / "s.shopwise", customers=30)
    assert queries.count_customers(db, "%") == 0        # a wildcard is just a character here
    assert queries.count_customers(db, "customer00001") == 10
    db.conn.close()


def test_detail_shows_history_tags_and_grouped_suggestions(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=30).conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    detail = view.detail
    assert detail.customer_id == view.model.rows[0]["id"]
    assert detail.name.text() == view.model.rows[0]["name"]
    assert "Interested in" in detail.tags.text()
    assert detail.history.topLevelItemCount() == 6            # 3 orders of 2 lines
    groups = [detail.recs.topLevelItem(i).text(0) for i in range(detail.recs.topLevelItemCount())]
    assert groups == ["Time to reorder", "New for them"]
    first = detail.recs.topLevelItem(0).child(0)
    assert "Overdue by 10 days" in first.toolTip(0)            # evidence on hover
    assert any("Overdue" in first.child(i).text(0) for i in range(first.childCount()))   # and on expand
    assert detail.reason_box.isVisible() and "time for a new one" in detail.reason_text.text()


def test_approve_reject_and_edit_a_reason(make_window, tmp_path, qtbot, monkeypatch):
    fill_shop(tmp_path / "s.shopwise", customers=30).conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    detail = view.detail
    view.select_customer(1)
    new_for_them = detail.recs.topLevelItem(1)
    detail.recs.setCurrentItem(new_for_them.child(1))
    rec = detail.selected()
    status = lambda: w.shop.db.execute(  # noqa: E731
        "SELECT status, text, provenance FROM reasons WHERE id = ?", [rec["reason_id"]]).fetchone()
    assert status()[0] == "draft"
    detail.approve_button.click()
    assert status()[0] == "approved"
    assert detail.selected()["id"] == rec["id"]                  # the same suggestion stays selected
    assert detail.recs.currentItem().text(2) == "approved"
    detail.reject_button.click()
    assert status()[0] == "rejected"

    monkeypatch.setattr(customers, "edit_text",
                        lambda *a, **k: ("Your paper chains ran out in May: here is the new kit.", True))
    detail.edit_button.click()
    assert status()[1] == "Your paper chains ran out in May: here is the new kit."
    assert status()[0] == "edited"
    assert "paper chains" in detail.reason_text.text()


def test_customers_without_suggestions_say_what_to_do(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5, recommend=False).conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    assert "press “Make suggestions”" in view.detail.recs_empty.text()
    assert not view.detail.recs.isVisible()


def test_empty_shop_says_import_first(make_window, tmp_path, qtbot):
    make_window().open_shop(tmp_path / "empty.shopwise", create=True)
    w, view = open_customers(make_window, tmp_path / "empty.shopwise")
    assert view.detail.name.text() == "No customers yet"
    assert "Import your orders" in view.detail.facts.text()


def test_names_and_tags_from_the_files_are_shown_as_text(make_window, tmp_path, qtbot):
    """An <img> in a customer name or a product category would make Qt read that file: never HTML."""
    db = fill_shop(tmp_path / "s.shopwise", customers=3)
    name = f'<img src="{tmp_path / "secret.png"}">Ann'
    db.execute("UPDATE customers SET name = ?", [name])
    db.execute("UPDATE products SET category = ?", ["<img src='x.png'>Home"])
    db.conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    detail = view.detail
    assert detail.name.text() == name and detail.name.textFormat() == Qt.TextFormat.PlainText
    assert "&lt;img src=&#x27;x.png&#x27;&gt;Home" in detail.tags.text() and "<img" not in detail.tags.text()


def test_opening_a_big_shop_keeps_the_window_painting(make_window, big_shop, qtbot):
    w = make_window()
    ticks = TickRecorder()
    ticks.start()
    assert w.open_shop(big_shop)
    ticks.stop()
    print(f"open: {ticks.max_gap:.2f} s")
    assert ticks.max_gap < 0.3, ticks.report()


def test_money_is_shown_with_the_shops_currency(make_window, tmp_path, qtbot):
    db = fill_shop(tmp_path / "s.shopwise", customers=5)
    db.execute("UPDATE orders SET currency = 'EUR'")
    db.conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    spent = view.model.index(0, [k for k, _ in queries.CUSTOMER_COLUMNS].index("spent")).data()
    assert spent.startswith("€") and spent[1].isdigit()
    prices = [view.detail.history.topLevelItem(i).text(4) for i in range(view.detail.history.topLevelItemCount())]
    assert prices and all(p.startswith("€") for p in prices)
    dash = w.views["dashboard"]
    w.show_view("dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    assert dash.sales_chart.currency == "EUR" and "€" in dash.sales_chart.toolTip()


def test_search_finds_the_name_the_list_shows(shop, tmp_path):
    db = fill_shop(tmp_path / "s.shopwise", customers=30)
    db.execute("UPDATE customers SET key_kind = 'customer_id', external_key = '123' || id, name = NULL WHERE id = 5")
    assert queries.count_customers(db, "Customer 1235") == 1
    assert queries.customers_page(db, "customer 1235")[0]["name"] == "Customer 1235"
    db.conn.close()


def test_filter_bar_approve_all_shown_and_undo(make_window, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    db = fill_shop(tmp_path / "s.shopwise", customers=12)
    db.execute("UPDATE customers SET marketing_consent = CASE WHEN id <= 4 THEN 'yes' ELSE 'unknown' END")
    db.execute("UPDATE customers SET email = NULL WHERE id = 1")
    db.conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    view.consent.setCurrentIndex(view.consent.findData("yes"))
    assert view.model.total == 4 and view.count_label.text() == "4 found"
    view.has_email.setChecked(True)
    assert view.model.total == 3
    view.due.setChecked(True)                 # fill_shop's reorders are 10 days overdue
    assert view.model.total == 3
    view.due_days.setValue(0)
    assert view.model.total == 3
    view.not_reviewed.setChecked(True)
    shown = {r["id"] for r in view.model.rows}
    drafts = lambda: w.shop.db.execute(  # noqa: E731
        "SELECT count(*) FROM reasons s JOIN recommendations r ON r.id = s.recommendation_id"
        " WHERE s.status = 'draft' AND r.customer_id IN (2, 3, 4)").fetchone()[0]
    before, all_drafts = drafts(), w.shop.db.execute("SELECT count(*) FROM reasons WHERE status = 'draft'").fetchone()[0]
    assert before == 6 and shown == {2, 3, 4}
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    view.approve_shown.click()
    assert "Approve 6 reasons still to review, for the 3 customers shown" in asked[0]
    assert drafts() == 0
    assert w.shop.db.execute("SELECT count(*) FROM reasons WHERE status = 'draft'").fetchone()[0] == all_drafts - 6
    assert view.model.total == 0               # nothing left to review among them
    view.undo()
    assert drafts() == 6

    for box in (view.has_email, view.due, view.not_reviewed):
        box.setChecked(False)
    view.consent.setCurrentIndex(0)
    assert view.model.total == 12 and view.count_label.text() == "12 customers"


def test_a_and_r_move_to_the_next_suggestion_and_ctrl_z_undoes(make_window, tmp_path, qtbot):
    from PySide6.QtTest import QTest
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    detail = view.detail
    first = detail.selected()
    detail.recs.setFocus()
    QTest.keyClick(detail.recs, Qt.Key.Key_R)
    second = detail.selected()
    assert second["id"] != first["id"]
    QTest.keyClick(detail.recs, Qt.Key.Key_A)
    third = detail.selected()
    assert third["id"] not in (first["id"], second["id"])
    status = lambda rec: w.shop.db.execute(  # noqa: E731
        "SELECT status FROM reasons WHERE recommendation_id = ? ORDER BY id DESC", [rec["id"]]).fetchone()[0]
    assert (status(first), status(second)) == ("rejected", "approved")
    QTest.keyClick(detail.recs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(detail.recs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (status(first), status(second)) == (first["reason_status"], second["reason_status"])


def test_most_first_on_the_first_click_of_spent(make_window, tmp_path, qtbot):
    from PySide6.QtTest import QTest
    fill_shop(tmp_path / "s.shopwise", customers=30).conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    hh = view.table.horizontalHeader()
    spent = [k for k, _ in queries.CUSTOMER_COLUMNS].index("spent")
    x = hh.sectionViewportPosition(spent) + hh.sectionSize(spent) // 2
    QTest.mouseClick(hh.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, hh.height() // 2))
    view.model.wait()
    qtbot.waitUntil(lambda: not view.model.sorting, timeout=10000)
    values = [r["spent"] for r in view.model.rows]
    assert view.model.descending and values == sorted(values, reverse=True)


def test_purchase_history_says_when_it_shows_only_the_newest_lines(make_window, tmp_path, qtbot, monkeypatch):
    import gui.customers as customers
    monkeypatch.setattr(customers, "HISTORY_PAGE", 4)
    fill_shop(tmp_path / "s.shopwise", customers=3).conn.close()
    w, view = open_customers(make_window, tmp_path / "s.shopwise")
    detail = view.detail
    detail.show_customer(2)
    assert detail.history.topLevelItemCount() == 4
    assert detail.history_note.text() == "The newest 4 of 6 order lines." and not detail.more_history.isHidden()
    detail.more_history.click()
    assert detail.history.topLevelItemCount() == 6 and detail.more_history.isHidden()



def test_the_edit_dialog_wraps_a_long_reason(make_window, tmp_path, qtbot):
    from PySide6.QtWidgets import QPlainTextEdit

    from gui.widgets import text_dialog
    w = make_window()
    dialog = text_dialog(w, "Edit reason", "Reason:", "A long reason about paper chains. " * 12)
    box = dialog.findChild(QPlainTextEdit)
    assert box.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth and dialog.width() >= 560
    assert dialog.textValue().startswith("A long reason")


def test_only_due_items_are_time_to_reorder(make_window, tmp_path, qtbot):
    from test_recommend import timing_shop
    import engine.recommend as R
    db = timing_shop(tmp_path / "t.shopwise")
    R.run_recommendations(db)
    ids = dict(db.execute("SELECT external_key, id FROM customers").fetchall())
    db.conn.close()
    w, view = open_customers(make_window, tmp_path / "t.shopwise")
    detail = view.detail

    def groups(key):
        view.select_customer(ids[key])
        out = {}
        for g in range(detail.recs.topLevelItemCount()):
            top = detail.recs.topLevelItem(g)
            out[top.text(0)] = [top.child(i).text(0) for i in range(top.childCount())]
        return out

    monthly = groups("monthly")   # beans every 30 days, last 10 days ago
    assert monthly["Coming up"] == ["beans"] and "Time to reorder" not in monthly
    beans = detail.recs.topLevelItem(list(monthly).index("Coming up")).child(0)
    assert "Due again in 20 days" in beans.toolTip(0)
    weekly = groups("weekly")     # milk weekly, last 19 days ago
    assert weekly["Time to reorder"] == ["milk"] and "Coming up" not in weekly
    assert list(weekly)[-1] == "New for them"
