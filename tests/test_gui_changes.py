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


def test_writing_everyones_reasons_shows_the_rate_and_time_left_and_each_saved_group(
        make_window, tmp_path, qtbot, monkeypatch):
    """The Overview says how fast and how long from the job's own measure; the reasons of a saved
    group appear under Customers while the next group is still being written."""
    import threading

    from engine.jobs import Progress
    from gui.jobs import eta_text
    db = fill_shop(tmp_path / "s.shopwise", customers=8)
    db.execute("DELETE FROM reasons")
    ids = [r[0] for r in db.execute("SELECT id FROM recommendations ORDER BY id")]
    first_customer = db.execute("SELECT customer_id FROM recommendations WHERE id = ?", [ids[0]]).fetchone()[0]
    first_group = [r[0] for r in db.execute("SELECT id FROM recommendations WHERE customer_id = ?",
                                            [first_customer])]
    db.conn.close()
    go_on = threading.Event()

    def generate_reasons(db, missing_only=False, progress=None, cancel=None, **_):
        store.save_reasons(db, [{"recommendation_id": i, "text": f"Written for suggestion {i}.",
                                 "provenance": "template"} for i in first_group])
        progress(Progress(len(first_group), len(ids), "Writing reasons", rate=0.5, saved=len(first_group)))
        assert go_on.wait(20)
        rest = [i for i in ids if i not in first_group]
        store.save_reasons(db, [{"recommendation_id": i, "text": f"Written for suggestion {i}.",
                                 "provenance": "template"} for i in rest])
        return {"reasons": len(ids)}

    monkeypatch.setitem(vars(reasons), "generate_reasons", generate_reasons)
    w, dash = open_shop(make_window, tmp_path / "s.shopwise")
    qtbot.waitUntil(lambda: dash.reasons_button.isEnabled(), timeout=10000)
    w.show_view("customers")
    view = w.views["customers"]
    assert view.select_customer(first_customer)
    assert view.detail.missing_ids
    dash.reasons_button.click()
    qtbot.waitUntil(lambda: "a second" in dash.reasons_progress.text(), timeout=10000)
    # the time left is the reasons left at the measured rate, whenever the job started
    left = eta_text(-1e6, Progress(len(first_group), len(ids), rate=0.5)).lower()
    assert left and eta_text(0.0, Progress(10, 70, rate=0.5)) == "About 2 minutes left"
    assert dash.reasons_progress.text() == \
        f"{len(first_group)} of {len(ids)} reasons written, 0.5 a second, {left}."
    # the first group is shown before the job ends
    qtbot.waitUntil(lambda: not view.detail.missing_ids, timeout=10000)
    assert view.detail.reason_text.text().startswith("Written for suggestion")
    assert w.runner.busy
    go_on.set()
    wait_job(qtbot, w.runner.job)
    assert dash.reasons_progress.isHidden()
