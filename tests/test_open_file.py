"""A file handed to Shopwise (`shopwise FILE`, `python main.py FILE`, a double-click, a drop): a shop opens,
a spreadsheet goes to the import wizard, anything else gets the plain sentence for foreign files."""

import os
import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QMessageBox

from gui_data import DEMO_CSV, fill_shop, make_window  # noqa: F401
from tests.conftest import ROOT


def error_text(w) -> str:
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    return boxes[-1].text() if boxes else ""


def test_a_shop_file_opens_as_the_shop(make_window, tmp_path):
    fill_shop(tmp_path / "Corner shop.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_file(str(tmp_path / "Corner shop.shopwise"))
    assert w.shop is not None and w.shop.path == tmp_path / "Corner shop.shopwise"
    assert w.windowTitle() == "Corner shop — Shopwise"


def test_a_csv_opens_the_import_wizard_on_it_in_the_open_shop(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "s.shopwise")
    w.open_file(str(DEMO_CSV))
    wizard = w.wizard
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.CHECK, timeout=10000)
    assert wizard.path == DEMO_CSV and wizard.isVisible()
    wizard.reject()


def test_a_csv_with_no_shop_open_goes_into_the_last_shop(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "last.shopwise", customers=5).conn.close()
    w = make_window()
    w.settings.setValue("last_shop", str(tmp_path / "last.shopwise"))
    w.open_file(str(DEMO_CSV))
    assert w.shop is not None and w.shop.path == tmp_path / "last.shopwise"
    wizard = w.wizard
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.CHECK, timeout=10000)
    assert wizard.path == DEMO_CSV
    wizard.reject()


def test_a_csv_with_no_shop_at_all_waits_for_the_shop_the_owner_opens(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_file(str(DEMO_CSV))
    assert w.shop is None and w.stack.currentWidget() is w.start_page
    assert w.statusBar().currentMessage() == \
        "To import online_retail_sample.csv, open or create the shop it belongs to."
    w.open_shop(tmp_path / "s.shopwise")
    wizard = w.wizard
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.CHECK, timeout=10000)
    assert wizard.path == DEMO_CSV
    wizard.reject()


@pytest.mark.parametrize("name, content", [("invoice.pdf", b"%PDF-1.4 not a shop"),
                                           ("photos.shopwise", b"\x89PNG\r\n\x1a\n...")])
def test_any_other_file_gets_the_plain_sentence_and_stays_as_it_was(make_window, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    w = make_window()
    w.open_file(str(path))
    assert w.shop is None
    assert "not a Shopwise shop file" in error_text(w) and "Traceback" not in error_text(w)
    assert path.read_bytes() == content


def test_main_py_with_a_shop_file_opens_the_app_on_it(tmp_path):
    """The real start, as a file manager runs it: `python main.py PATH.shopwise` (offscreen)."""
    shop = tmp_path / "Double-clicked shop.shopwise"
    fill_shop(shop, customers=5).conn.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "SHOPWISE_DATA_DIR": str(tmp_path / "data")}
    app = subprocess.Popen([sys.executable, str(ROOT / "main.py"), str(shop)], cwd=tmp_path, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = tmp_path / "data" / "shopwise.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.poll() is None:
            if log.exists() and f"Opened shop {shop}" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.2)
        assert app.poll() is None, app.communicate()[0]
        assert f"Opened shop {shop}" in log.read_text(encoding="utf-8")
    finally:
        app.terminate()
        app.wait(10)


def test_a_command_still_runs_headless(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "stats", "--db", str(tmp_path / "none.shopwise")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "none-such"})  # no display is needed
    assert "no shop file here" in result.stderr and "Traceback" not in result.stderr
