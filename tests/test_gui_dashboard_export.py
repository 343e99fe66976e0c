"""Overview (counts, status, charts, next step) and Export (engine CSV writer and its screen)."""

import csv
import threading

import pytest

from engine import queries
from engine.export import EXPORT_COLUMNS, export_recommendations, safe_cell
from gui_data import fill_shop, make_window, wait_job  # noqa: F401


def open_view(make_window, path, key):
    w = make_window()
    assert w.open_shop(path, create=True)
    w.show_view(key)
    return w, w.views[key]


def test_overview_counts_status_and_charts(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=40).conn.close()
    w, dash = open_view(make_window, tmp_path / "s.shopwise", "dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    assert dash.cards["customers"].value.text() == "40"
    assert dash.cards["orders"].value.text() == "120"
    assert dash.cards["recommendations"].value.text() == "120"
    assert "orders.csv" in dash.import_label.text()
    assert "120 suggestions" in dash.model_label.text()
    assert "built-in writer" in dash.reason_label.text()
    assert dash.review_label.text() == "40 of 120 suggestions reviewed (approved, edited or rejected)."
    assert dash.never_label.text() == "No product is left out of suggestions."
    assert len(dash.sales_chart.points) == 12 and dash.sales_chart.points[0][0] == "2023-01"
    assert len(dash.top_chart.items) == 10
    image = dash.grab()
    assert not image.isNull()


def test_overview_asks_to_train_again_when_the_prompts_changed_since(make_window, tmp_path, qtbot):
    import json
    from engine.reasons import prompt
    shop = fill_shop(tmp_path / "s.shopwise", customers=10)
    run = shop["training_runs"].insert({"started_at": "2026-01-01T00:00:00", "status": "done",
                                        "params": json.dumps({"preset": "quick"})}).last_pk
    shop["adapters"].insert({"path": "/tmp/a", "created_at": "2026-01-01T00:00:00", "training_run_id": run,
                             "is_active": 1})
    shop.conn.close()
    w, dash = open_view(make_window, tmp_path / "s.shopwise", "dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    assert "Uses the version trained on" in dash.reason_label.text()
    assert "train it again" in dash.reason_label.text()
    from engine.db import transaction
    with transaction(w.shop.db):
        w.shop.db.execute("UPDATE training_runs SET params = ?", [json.dumps({"prompt_format": prompt.FORMAT})])
    dash.data = None
    dash.reload()
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    assert "Uses the version trained on" in dash.reason_label.text()
    assert "train it again" not in dash.reason_label.text()


def test_overview_of_an_empty_shop_says_step_one(make_window, tmp_path, qtbot):
    w, dash = open_view(make_window, tmp_path / "new.shopwise", "dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    assert dash.cards["customers"].value.text() == "0"
    assert "Step 1" in dash.hint.text()
    assert not dash.recommend_button.isEnabled()
    assert dash.sales_chart.points == []


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def test_safe_cell_neutralises_formulas():
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(bad).startswith("'")
    assert safe_cell("Paper chain kit") == "Paper chain kit"
    assert safe_cell(3) == 3 and safe_cell(None) == ""


def test_export_per_recommendation_only_approved(tmp_path):
    db = fill_shop(tmp_path / "s.shopwise", customers=10)
    out = tmp_path / "out.csv"
    db.execute("UPDATE reasons SET status = 'edited' WHERE id = 2")   # the owner's own words count too
    n = export_recommendations(db, out, only_approved=True)
    rows = read_csv(out)
    approved = db.execute("SELECT count(*) FROM reasons WHERE status IN ('approved', 'edited')").fetchone()[0]
    assert n == approved == len(rows) - 1
    assert rows[0] == [key for key, _, on in EXPORT_COLUMNS if on]   # snake_case, for machines
    assert rows[0][:2] == ["customer", "email"]
    assert all(r[1].endswith("@example.com") for r in rows[1:])
    assert all(r[2] in ("reorder", "discover") for r in rows[1:])

    n_all = export_recommendations(db, out, columns=["customer", "product", "reason", "score"])
    rows = read_csv(out)
    assert n_all == 30 and rows[0] == ["customer", "product", "reason", "score"]
    cells = [c for r in rows for c in r]
    assert "'=HYPERLINK(\"http://x\")" in cells                  # product name neutralised
    assert "'=cmd|' /C calc'!A0 time to restock" in cells        # reason neutralised
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    db.conn.close()


def test_export_per_customer(tmp_path):
    db = fill_shop(tmp_path / "s.shopwise", customers=10)
    out = tmp_path / "out.csv"
    n = export_recommendations(db, out, columns=["email", "product", "reason"], per="customer")
    rows = read_csv(out)
    assert n == 10 and len(rows) == 11
    assert rows[0] == ["email", "product_1", "reason_1", "product_2", "reason_2", "product_3", "reason_3"]
    db.conn.close()


def test_export_says_which_currency_its_prices_are_in(tmp_path):
    db = fill_shop(tmp_path / "s.shopwise", customers=3)
    db.execute("UPDATE orders SET currency = 'EUR'")
    db.execute("UPDATE products SET price = NULL WHERE id = (SELECT min(id) FROM products)")
    export_recommendations(db, tmp_path / "out.csv", columns=["product", "price", "currency"])
    rows = read_csv(tmp_path / "out.csv")
    assert rows[0] == ["product", "price", "currency"]
    assert {r[2] for r in rows[1:] if r[1]} == {"EUR"}
    assert all(r[2] == "" for r in rows[1:] if not r[1])      # no price, no currency
    db.conn.close()


def test_export_rejects_unknown_columns(tmp_path):
    db = fill_shop(tmp_path / "s.shopwise", customers=2)
    with pytest.raises(ValueError, match="Unknown export column"):
        export_recommendations(db, tmp_path / "x.csv", columns=["password"])
    assert not (tmp_path / "x.csv").exists()
    db.conn.close()


def test_export_screen_writes_the_chosen_file(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=10).conn.close()
    w, view = open_view(make_window, tmp_path / "s.shopwise", "export")
    qtbot.waitUntil(lambda: view.counts is not None, timeout=10000)   # counted on a worker
    assert "30 suggestions for 10 customers" in view.summary.text()
    view.for_spreadsheet.setChecked(True)
    assert view.columns_box.isVisibleTo(view) and not view.mailing_box.isVisibleTo(view)
    view.all_recs.setChecked(True)
    view.per_customer.setChecked(True)
    view.column_boxes["score"].setChecked(True)
    job = view.export_to(tmp_path / "mailing")
    wait_job(qtbot, job)
    out = tmp_path / "mailing.csv"
    rows = read_csv(out)
    assert len(rows) == 11 and "score_1" in rows[0]
    assert str(out) in view.result.text()


def test_export_screen_explains_when_nothing_is_approved(make_window, tmp_path, qtbot):
    db = fill_shop(tmp_path / "s.shopwise", customers=3)
    db.execute("UPDATE reasons SET status = 'draft'")
    db.conn.close()
    w, view = open_view(make_window, tmp_path / "s.shopwise", "export")
    qtbot.waitUntil(lambda: view.counts is not None, timeout=10000)
    assert not view.export_button.isEnabled()
    assert "approve reasons under Customers" in view.hint.text()
    view.for_spreadsheet.setChecked(True)
    view.all_recs.setChecked(True)
    qtbot.waitUntil(lambda: not view._loader.running, timeout=10000)
    assert view.export_button.isEnabled()


def test_export_screen_counts_on_a_worker(make_window, tmp_path, qtbot, monkeypatch):
    """The count runs over every suggestion (a quarter second at a million order lines): never on
    the GUI thread, neither when the shop opens nor when an approval changes it."""
    fill_shop(tmp_path / "s.shopwise", customers=3).conn.close()
    threads = []
    count = queries.suggestion_counts

    def counting(db, *args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return count(db, *args, **kwargs)

    monkeypatch.setattr(queries, "suggestion_counts", counting)
    w, view = open_view(make_window, tmp_path / "s.shopwise", "export")
    qtbot.waitUntil(lambda: view.counts is not None, timeout=10000)
    w.views["customers"].detail.approve_button.click()
    qtbot.waitUntil(lambda: len(threads) >= 2, timeout=10000)
    assert threads and not any(threads)


def test_mailing_export_screen_respects_consent_and_leaves_out_what_was_sent(make_window, tmp_path, qtbot):
    db = fill_shop(tmp_path / "s.shopwise", customers=10)
    db.execute("UPDATE customers SET first_name = 'Ann',"
               " marketing_consent = CASE WHEN id <= 6 THEN 'yes' WHEN id <= 8 THEN 'no' ELSE 'unknown' END")
    db.execute("UPDATE reasons SET status = 'rejected' WHERE recommendation_id = 1")
    db.conn.close()
    w, view = open_view(make_window, tmp_path / "s.shopwise", "export")
    qtbot.waitUntil(lambda: view.plan is not None, timeout=10000)
    assert view.for_mailing.isChecked() and view.mailing_box.isVisibleTo(view)
    view.all_recs.setChecked(True)
    qtbot.waitUntil(lambda: not view._loader.running and view.plan.rows == 6, timeout=10000)
    text = view.plan_label.text()
    assert "6 customers with 17 suggestions" in text   # customer 1's rejected suggestion is not among them
    assert "2 said no to marketing" in text and "2 never said whether" in text
    view.include_unknown.setChecked(True)
    qtbot.waitUntil(lambda: not view._loader.running and view.plan.rows == 8, timeout=10000)
    view.preset.setCurrentIndex(view.preset.findData("klaviyo"))
    wait_job(qtbot, view.export_to(tmp_path / "klaviyo"))
    rows = read_csv(tmp_path / "klaviyo.csv")
    assert rows[0][:5] == ["Email", "First Name", "Last Name", "Phone Number", "Product 1"]
    assert len(rows) == 9 and {r[1] for r in rows[1:]} == {"Ann"}
    assert "The next export leaves these suggestions out" in view.result.text()
    qtbot.waitUntil(lambda: not view._loader.running and view.plan.rows == 0, timeout=10000)
    assert "sent in an earlier export are left out" in view.plan_label.text()
    assert not view.export_button.isEnabled()
    view.include_sent.setChecked(True)
    qtbot.waitUntil(lambda: not view._loader.running and view.plan.rows == 8, timeout=10000)
    assert view.export_button.isEnabled()


def test_overview_shows_what_is_never_suggested(make_window, tmp_path, qtbot):
    db = fill_shop(tmp_path / "s.shopwise", customers=5)
    db.execute("UPDATE products SET name = 'Gift card 20' WHERE id = 1")
    db.execute("UPDATE products SET status = 'archived' WHERE id IN (2, 3)")
    db.conn.close()
    w, dash = open_view(make_window, tmp_path / "s.shopwise", "dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    text = dash.never_label.text()
    assert text.startswith("3 products never suggested (2 archived; 1 name contains 'gift card')"), text


def test_overview_edits_the_never_suggest_rules(make_window, tmp_path, qtbot, monkeypatch):
    import gui.dashboard as dashboard
    from engine import exclusions
    db = fill_shop(tmp_path / "s.shopwise", customers=5)
    sku = db.execute("SELECT sku FROM products WHERE id = 4").fetchone()[0]
    db.conn.close()
    w, dash = open_view(make_window, tmp_path / "s.shopwise", "dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    shown = []
    monkeypatch.setattr(dashboard, "edit_text",
                        lambda parent, title, label, text: shown.append(text) or (f"name: gift card\nsku: {sku}\n", True))
    dash.never_button.click()
    assert shown[0].splitlines()[0] == "name: gift card"          # the defaults, one a line
    assert exclusions.rules(w.shop.db) == [("name", "gift card"), ("sku", sku)]
    qtbot.waitUntil(lambda: "1 product never suggested (1 SKU" in dash.never_label.text(), timeout=10000)


def test_never_suggest_lines_that_are_not_rules_are_named():
    from engine.exclusions import rules_from_words
    assert rules_from_words("name: gift card\n\n TAG : sample* ") == [("name", "gift card"), ("tag", "sample*")]
    with pytest.raises(ValueError, match='Line 2 \\("colour: red"\\) is not a rule'):
        rules_from_words("name: tip\ncolour: red")
