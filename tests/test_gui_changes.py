"""A change says what it touched: the screens showing it follow at once, without View > Refresh,
and the owner's selection stays where it was."""

import engine.reasons as reasons
from engine import queries
from engine.reasons import store
from gui_data import fill_shop, make_window, wait_job  # noqa: F401


def open_shop(make_window, path):
    w = make_window()
    assert w.open_shop(path)
    dash = w.views["dashboard"]
    return w, dash


def test_approving_a_reason_updates_the_overview_count_and_the_export_button(make_window, tmp_path, qtbot):
    db = fill_shop(tmp_path / "s.shopwise", customers=4)
    db.execute("UPDATE reasons SET status = 'draft'")
    db.conn.close()
    w, dash = open_shop(make_window, tmp_path / "s.shopwise")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    exporter = w.views["export"]
    qtbot.waitUntil(lambda: exporter.counts is not None, timeout=10000)   # counted on a worker
    assert dash.cards["reasons_approved"].value.text() == "0"
    exporter.for_spreadsheet.setChecked(True)   # a mailing also needs consent: see test_gui_dashboard_export
    assert not exporter.export_button.isEnabled() and "No reason is approved yet" in exporter.hint.text()

    w.show_view("customers")
    detail = w.views["customers"].detail
    detail.approve_button.click()

    qtbot.waitUntil(lambda: dash.cards["reasons_approved"].value.text() == "1", timeout=10000)
    qtbot.waitUntil(lambda: exporter.counts["approved"] == 1, timeout=10000)
    qtbot.waitUntil(lambda: not exporter._loader.running, timeout=10000)
    assert exporter.export_button.isEnabled() and exporter.hint.text() == ""
    assert "1 with an approved reason" in exporter.summary.text()


def test_overview_and_export_count_approvals_the_same_way(make_window, tmp_path, qtbot):
    # An owner's own words count as approved; an approved reason of an older run does not.
    db = fill_shop(tmp_path / "s.shopwise", customers=6)
    db.execute("UPDATE reasons SET status = 'edited' WHERE recommendation_id = 2")
    db.execute("INSERT INTO recommendation_runs (id, model, created_at) VALUES (2, 'test model', "
               "'2024-01-03T09:00:00+00:00')")
    db.execute("UPDATE recommendations SET run_id = 2 WHERE id > 3")
    db.conn.close()
    w, dash = open_shop(make_window, tmp_path / "s.shopwise")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10000)
    qtbot.waitUntil(lambda: w.views["export"].counts is not None, timeout=10000)
    approved = queries.suggestion_counts(w.shop.db)["approved"]
    assert approved == 5
    assert dash.cards["reasons_approved"].value.text() == f"{approved:,}"
    assert f"{approved:,} with an approved reason" in w.views["export"].summary.text()


def test_writing_a_customers_reasons_keeps_that_customer_shown_with_its_reasons(
        make_window, tmp_path, qtbot, monkeypatch):
    db = fill_shop(tmp_path / "s.shopwise", customers=8)
    db.execute("DELETE FROM reasons WHERE recommendation_id IN "
               "(SELECT id FROM recommendations WHERE customer_id = 5)")
    db.conn.close()

    def generate_reasons(db, ids=None, missing_only=False, progress=None, cancel=None, **_):
        store.save_reasons(db, [{"recommendation_id": i, "text": f"Written for suggestion {i}.",
                                 "provenance": "template"} for i in ids])
        return {"reasons": len(ids)}

    # Set in the module's own namespace: a lazy name is not loaded (no torch) to be replaced.
    monkeypatch.setitem(vars(reasons), "generate_reasons", generate_reasons)
    w, _dash = open_shop(make_window, tmp_path / "s.shopwise")
    w.show_view("customers")
    view = w.views["customers"]
    assert view.select_customer(5)
    detail = view.detail
    assert detail.write_customer_button.isVisibleTo(detail) and len(detail.missing_ids) == 3

    detail.write_customer_button.click()
    wait_job(qtbot, w.runner.job)

    assert detail.customer_id == 5
    assert view.model.rows[view.table.currentIndex().row()]["id"] == 5
    assert not detail.missing_ids and not detail.write_customer_button.isVisibleTo(detail)
    assert detail.selected() is not None and detail.reason_text.text().startswith("Written for suggestion")
