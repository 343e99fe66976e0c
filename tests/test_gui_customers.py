"""Customers: lazy list that stays fast at 100,000 customers, search, sort, detail, reason review."""

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

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

    monkeypatch.setattr(QInputDialog, "getMultiLineText",
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
