"""The whole workflow through the window: new shop -> import -> suggestions -> train (tiny) -> reasons
-> edit and approve -> export, checking the exported file."""

import csv

from PySide6.QtWidgets import QFileDialog

import gui.customers as customers

from gui_data import DEMO_CSV, TickRecorder, make_window, wait_job  # noqa: F401



def test_whole_workflow(make_window, tmp_path, qtbot, monkeypatch, tiny_model):
    from engine.reasons import model
    monkeypatch.setenv("SHOPWISE_DATA_DIR", str(tmp_path / "engine-data"))
    # The demo data's rows of a few customers keep generation short on a CPU.
    sample = tmp_path / "orders.csv"
    with open(DEMO_CSV, encoding="utf-8") as f:
        header, *lines = f.readlines()
    by_customer = {}
    for line in lines:
        by_customer.setdefault(line.rsplit(",", 2)[1], []).append(line)
    chosen = [c for c, rows in by_customer.items() if c != "NA" and len(rows) >= 8][:12]
    sample.write_text(header + "".join(line for c in chosen for line in by_customer[c]), encoding="utf-8")

    # New shop where the owner chose; the import wizard opens by itself.
    shop_file = tmp_path / "My shop.shopwise"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(shop_file), ""))
    w = make_window()
    w.start_page.new_button.click()
    wizard = w.wizard
    wizard.choose_file(str(sample))
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.CHECK, timeout=15000)
    wizard.next_button.click()
    wait_job(qtbot, wizard.job)
    assert wizard.result_title.text() == "Import finished"
    wizard.accept()
    db = w.shop.db
    db["settings"].insert({"key": model.SETTING, "value": str(tiny_model)}, replace=True)

    dash = w.views["dashboard"]
    qtbot.waitUntil(lambda: dash.recommend_button.isEnabled(), timeout=10000)
    froze = {}

    def watch(phase, start, job_of):
        ticks = TickRecorder()
        ticks.start()
        start()
        wait_job(qtbot, job_of(), timeout=600000)
        ticks.stop()
        froze[phase] = round(ticks.max_gap, 2)
        if ticks.max_gap >= 1.0:
            print(f"{phase}: {ticks.report()}")

    watch("suggestions", dash.recommend_button.click, lambda: w.runner.job)
    assert db.execute("SELECT count(*) FROM recommendations").fetchone()[0] > 0

    training = w.views["training"]
    w.show_view("training")          # the device is looked up when the owner opens this view
    qtbot.waitUntil(lambda: "checking" not in training.device_label.text(), timeout=120000)
    training.steps = 2
    training.preset_buttons["quick"].setChecked(True)
    watch("training", training.start_button.click, lambda: training.job)
    assert "Training finished" in training.status.text(), training.status.text()
    assert training.history.topLevelItemCount() == 1

    # One customer's reasons from the Customers view (seconds), then everyone else's from the Overview.
    w.show_view("customers")
    first = w.views["customers"].detail
    cid = db.execute("SELECT customer_id FROM recommendations GROUP BY customer_id LIMIT 1").fetchone()[0]
    first.show_customer(cid)
    assert first.write_customer_button.isVisibleTo(first) and len(first.missing_ids) > 0
    own = len(first.missing_ids)
    watch("one customer's reasons", first.write_customer_button.click, lambda: w.runner.job)
    assert not first.missing_ids and not first.write_customer_button.isVisibleTo(first)
    assert db.execute("SELECT count(*) FROM reasons").fetchone()[0] == own
    w.show_view("dashboard")
    dash.reload()
    qtbot.waitUntil(lambda: dash.reasons_button.isEnabled(), timeout=10000)
    assert "Write reasons for this customer" in dash.hint.text()
    watch("reasons", dash.reasons_button.click, lambda: w.runner.job)
    assert max(froze.values()) < 1.0, f"longest pause of the window per job, in seconds: {froze} (stacks above)"
    total = db.execute("SELECT count(*) FROM recommendations").fetchone()[0]
    assert db.execute("SELECT count(*), count(DISTINCT recommendation_id) FROM reasons").fetchone() == (total, total)

    # Review: edit one reason in the owner's words and approve another.
    w.show_view("customers")
    view = w.views["customers"]
    cid = db.execute("""SELECT r.customer_id FROM recommendations r JOIN reasons s ON s.recommendation_id = r.id
                        GROUP BY r.customer_id HAVING count(*) >= 2 LIMIT 1""").fetchone()[0]
    view.search.setText("")
    assert view.select_customer(cid) or view.model.rowCount() > 0
    view.detail.show_customer(cid)

    def suggestion_items():
        recs = view.detail.recs
        return [recs.topLevelItem(g).child(i) for g in range(recs.topLevelItemCount())
                for i in range(recs.topLevelItem(g).childCount())]

    def select(rec_id):
        view.detail.recs.setCurrentItem(next(it for it in suggestion_items() if it.data(0, 256)["id"] == rec_id))

    ids = [it.data(0, 256)["id"] for it in suggestion_items() if it.data(0, 256).get("reason_id")]
    assert len(ids) >= 2
    monkeypatch.setattr(customers, "edit_text",
                        lambda *a, **k: ("=Owner's own words: you will love this one.", True))
    select(ids[0])
    view.detail.edit_button.click()
    select(ids[1])
    view.detail.approve_button.click()
    statuses = dict(db.execute("""SELECT r.id, s.status FROM recommendations r JOIN reasons s
                                  ON s.recommendation_id = r.id WHERE r.id IN (?, ?)""", ids[:2]).fetchall())
    assert statuses == {ids[0]: "edited", ids[1]: "approved"}

    # Export only the reviewed reasons, one line per suggestion.
    w.show_view("export")
    export = w.views["export"]
    export.reload()
    export.for_spreadsheet.setChecked(True)
    export.only_approved.setChecked(True)
    job = export.export_to(tmp_path / "mailing.csv")
    wait_job(qtbot, job)
    with open(tmp_path / "mailing.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["customer", "email", "kind", "product", "reason"]
    assert len(rows) == 3
    reasons_out = [r[4] for r in rows[1:]]
    assert "'=Owner's own words: you will love this one." in reasons_out    # neutralised, never a formula
