"""The import wizard with the real importer on real files: detect, preview, map, import, report, cancel."""

import csv

from PySide6.QtWidgets import QFileDialog

from gui_data import DEMO_CSV, TickRecorder, fill_shop, make_window, shared_file, wait_job  # noqa: F401


def open_wizard(make_window, tmp_path, kind="orders"):
    w = make_window()
    assert w.open_shop(tmp_path / "shop.shopwise", create=True)
    w.open_import(kind)
    return w, w.wizard


def inspect(qtbot, wizard, path):
    wizard.choose_file(str(path))
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() != wizard.CHOOSE or
                    "Reading" not in wizard.choose_error.text(), timeout=15000)


def run_import(qtbot, wizard):
    assert wizard.next_button.isEnabled()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == wizard.RUN
    wait_job(qtbot, wizard.job)
    assert wizard.pages.currentIndex() == wizard.DONE


def count(w, table):
    return w.shop.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_detected_layout_preview_import_and_report(make_window, tmp_path, qtbot, monkeypatch):
    w, wizard = open_wizard(make_window, tmp_path)
    inspect(qtbot, wizard, DEMO_CSV)
    assert wizard.pages.currentIndex() == wizard.CHECK
    assert "Online Retail" in wizard.recognised.text()
    assert wizard.preview_table.columnCount() == 8 and wizard.preview_table.rowCount() == 20
    assert wizard.preview_table.horizontalHeaderItem(0).text() == "InvoiceNo"
    assert wizard.mapping_box.isHidden() and wizard.change_mapping.isVisible()  # detected: no questions

    ticks = TickRecorder()
    ticks.start()
    run_import(qtbot, wizard)
    ticks.stop()
    assert ticks.max_gap < 1.0, ticks.report()
    assert wizard.result_title.text() == "Import finished"
    assert "3,040 new customers" in wizard.summary.text()
    problems = {wizard.problems.item(r, 0).text(): wizard.problems.item(r, 1).text()
                for r in range(wizard.problems.rowCount())}
    assert any(text.startswith("Not a product") for text in problems), problems
    non_product = next(r for r in range(wizard.problems.rowCount())
                       if wizard.problems.item(r, 0).text().startswith("Not a product"))
    assert wizard.problems.item(non_product, 2).text().startswith("row ")           # where it was first seen
    assert "First at row" in wizard.problems.item(non_product, 0).toolTip()
    assert count(w, "customers") == 3040

    out = tmp_path / "report.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    wizard.save_report_button.click()
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["file", "row", "column", "problem", "value"] and len(rows) > 10

    # The same file again: nothing is added, and the owner is told so.
    wizard.accept()
    w.open_import("orders")
    inspect(qtbot, w.wizard, DEMO_CSV)
    run_import(qtbot, w.wizard)
    assert "imported before" in w.wizard.result_title.text()
    assert count(w, "customers") == 3040


def test_own_layout_asks_which_column_holds_what(make_window, tmp_path, qtbot):
    path = tmp_path / "till.csv"
    path.write_text("Bon;Datum;Kunde;Artikel;Menge;Preis\n"
                    "1;03.02.2024;K1;Brot;1;2,50\n"
                    "1;03.02.2024;K1;Milch;2;1,10\n"
                    "2;05.02.2024;K2;Brot;1;2,50\n", encoding="utf-8")
    w, wizard = open_wizard(make_window, tmp_path)
    inspect(qtbot, wizard, path)
    assert wizard.pages.currentIndex() == wizard.CHECK
    assert wizard.mapping_box.isVisible()
    assert not wizard.next_button.isEnabled()
    assert "order date" in wizard.check_error.text()

    def pick(field, header):
        combo = wizard.combos[field]
        combo.setCurrentIndex(combo.findData(header))

    pick("order_id", "Bon")
    pick("ordered_at", "Datum")
    pick("customer_id", "Kunde")
    pick("product_name", "Artikel")
    pick("quantity", "Menge")
    pick("unit_price", "Preis")
    wizard.date_combo.setCurrentIndex(wizard.date_combo.findData("dmy"))
    assert wizard.check_error.text() == ""
    run_import(qtbot, wizard)
    assert wizard.result_title.text() == "Import finished", wizard.summary.text()
    assert count(w, "orders") == 2 and count(w, "customers") == 2
    assert w.shop.db.execute("SELECT min(ordered_at) FROM orders").fetchone()[0].startswith("2024-02-03")


def test_an_unknown_product_list_asks_which_column_holds_what(make_window, tmp_path, qtbot):
    w, wizard = open_wizard(make_window, tmp_path, kind="catalogue")
    inspect(qtbot, wizard, DEMO_CSV)
    wizard.kind_catalogue.setChecked(True)   # the owner insists it is a catalogue
    assert wizard.mapping_box.isVisible() and not wizard.next_button.isEnabled()
    assert "product name" in wizard.check_error.text()
    assert count(w, "products") == 0 and count(w, "imports") == 0


VEND = ("id,handle,name,sku,supplier_name,tags,price\n"
        "0a1b,sophie-top,Sophie top,SOP-1,Bilali,\"swimwear, top\",49.00\n"
        "0a1c,gia-bottom,Gia bottom,,Bilali,swimwear,39.50\n")


def test_vend_catalogue_mapped_once_then_remembered(make_window, tmp_path, qtbot):
    path = tmp_path / "vend.csv"
    path.write_text(VEND, encoding="utf-8")
    w, wizard = open_wizard(make_window, tmp_path, kind="catalogue")
    inspect(qtbot, wizard, path)
    wizard.kind_catalogue.setChecked(True)
    assert wizard.mapping_box.isVisible() and not wizard.next_button.isEnabled()
    for field, header in (("name", "name"), ("sku", "sku"), ("vendor", "supplier_name"), ("tags", "tags"),
                          ("price", "price"), ("handle", "handle")):
        wizard.combos[field].setCurrentIndex(wizard.combos[field].findData(header))
    assert wizard.check_error.text() == ""
    run_import(qtbot, wizard)
    assert wizard.result_title.text() == "Import finished", wizard.summary.text()
    assert w.shop.db.execute("SELECT name, sku, vendor, price, handle FROM products ORDER BY id").fetchall() == [
        ("Sophie top", "SOP-1", "Bilali", 49.0, "sophie-top"), ("Gia bottom", None, "Bilali", 39.5, "gia-bottom")]

    again = tmp_path / "vend-next-week.csv"
    again.write_text(VEND + "0a1d,towel,Beach towel,TWL,Towel Co,beach,12\n", encoding="utf-8")
    w.open_import("orders")
    wizard = w.wizard
    inspect(qtbot, wizard, again)
    assert wizard.kind_catalogue.isChecked() and "last time" in wizard.recognised.text()
    assert wizard.combos["vendor"].currentData() == "supplier_name"
    run_import(qtbot, wizard)   # no column chosen this time
    assert count(w, "products") == 3


def test_cancel_keeps_nothing(make_window, tmp_path, qtbot):
    w, wizard = open_wizard(make_window, tmp_path)
    inspect(qtbot, wizard, DEMO_CSV)
    wizard.next_button.click()
    wizard.close_button.click()       # "Cancel import"
    wait_job(qtbot, wizard.job)
    assert wizard.result_title.text() in ("Import cancelled", "Import finished")
    if wizard.result_title.text() == "Import cancelled":
        assert count(w, "orders") == 0 and count(w, "imports") == 0


def test_catalogue_import(make_window, tmp_path, qtbot):
    path = shared_file("shopify-products-bilali/products_export.csv")
    w, wizard = open_wizard(make_window, tmp_path, kind="catalogue")
    inspect(qtbot, wizard, path)
    assert wizard.kind_catalogue.isChecked()
    assert "catalogue" in wizard.recognised.text()
    run_import(qtbot, wizard)
    assert wizard.result_title.text() == "Import finished", wizard.summary.text()
    assert count(w, "products") > 0


def test_unreadable_file_says_so(make_window, tmp_path, qtbot):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    w, wizard = open_wizard(make_window, tmp_path)
    inspect(qtbot, wizard, path)
    qtbot.waitUntil(lambda: wizard.job is not None and not wizard.job.running)
    if wizard.pages.currentIndex() == wizard.CHOOSE:
        assert wizard.choose_error.text() and "Traceback" not in wizard.choose_error.text()
        assert wizard.drop.isEnabled()


def test_excel_workbook_sheet_chosen_in_the_wizard(make_window, tmp_path, qtbot):
    from test_mailing import uci_workbook
    xlsx, _ = uci_workbook(tmp_path, rows=60)
    w, wizard = open_wizard(make_window, tmp_path)
    inspect(qtbot, wizard, xlsx)
    assert wizard.pages.currentIndex() == wizard.CHECK
    assert wizard.sheet_combo.isVisibleTo(wizard) and wizard.sheet_combo.currentText() == "Notes"
    assert wizard.mapping_box.isVisible()          # the notes sheet is no layout Shopwise knows
    wizard.sheet_combo.setCurrentText("Invoices")
    wizard.sheet_combo.activated.emit(1)
    qtbot.waitUntil(lambda: "sheet Invoices" in wizard.recognised.text(), timeout=15000)
    assert "Online Retail invoices" in wizard.recognised.text() and wizard.mapping_box.isHidden()
    run_import(qtbot, wizard)
    assert wizard.result_title.text() == "Import finished", wizard.summary.text()
    assert w.shop.db.execute("SELECT file_name FROM imports").fetchone()[0] == "Online Retail.xlsx"
    assert count(w, "order_lines") > 0
