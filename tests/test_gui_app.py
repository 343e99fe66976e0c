"""The window: first start, new/open/demo/recent shops, errors in words, remembered state, no freezing."""

import shutil
import sqlite3

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui import errors
from gui_data import DEMO_CSV, TickRecorder, fill_shop, make_window, wait_job  # noqa: F401
from tests.test_shop_files import FOREIGN_FILES, V1_SHOP


def error_text(w) -> str:
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    return boxes[-1].text() if boxes else ""


def test_first_start_offers_new_open_demo(make_window):
    w = make_window()
    assert w.stack.currentWidget() is w.start_page
    for b in (w.start_page.new_button, w.start_page.open_button, w.start_page.demo_button):
        assert b.isVisible() and b.isEnabled()
    assert not w.start_page.recent.isVisible()   # nothing recent on a first start
    assert not w.act_import.isEnabled()           # nothing to import into yet


def test_new_shop_goes_where_the_owner_chose_and_opens_the_import(make_window, tmp_path, monkeypatch, qtbot):
    target = tmp_path / "chosen" / "Corner shop"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w = make_window()
    w.start_page.new_button.click()
    assert (target.with_suffix(".shopwise")).exists()
    assert w.shop is not None and w.windowTitle().startswith("Corner shop")
    assert w.wizard.isVisible()
    w.wizard.reject()


def test_new_shop_never_overwrites_an_existing_file(make_window, tmp_path, monkeypatch, qtbot):
    existing = tmp_path / "Old shop.shopwise"
    fill_shop(existing, customers=3).conn.close()
    size = existing.stat().st_size
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(existing), ""))
    w = make_window()
    w.new_shop()
    assert w.shop is None and "already a file called Old shop.shopwise" in error_text(w)
    assert existing.stat().st_size == size


def test_open_refuses_a_foreign_file_in_plain_words(make_window, tmp_path, qtbot):
    notes = tmp_path / "notes.shopwise"
    notes.write_text("my shopping list")
    w = make_window()
    assert not w.open_shop(notes)
    assert w.stack.currentWidget() is w.start_page
    text = error_text(w)
    assert "not a Shopwise shop file" in text and "Traceback" not in text
    assert notes.read_text() == "my shopping list"


def test_recent_shops_are_remembered_and_reopen(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "a.shopwise", customers=5).conn.close()
    fill_shop(tmp_path / "b.shopwise", customers=5).conn.close()
    w = make_window()
    assert w.open_shop(tmp_path / "a.shopwise")
    assert w.open_shop(tmp_path / "b.shopwise")
    w.close_shop()
    assert w.recent_shops()[:2] == [str(tmp_path / "b.shopwise"), str(tmp_path / "a.shopwise")]
    (tmp_path / "a.shopwise").unlink()
    w.start_page.set_recent(w.recent_shops())
    items = [w.start_page.recent.item(i) for i in range(w.start_page.recent.count())]
    assert "not found" in items[1].text() and not (items[1].flags() & Qt.ItemFlag.ItemIsEnabled)
    w.start_page.recent.itemActivated.emit(items[0])
    assert w.shop is not None and w.shop.path == tmp_path / "b.shopwise"


def test_window_state_and_view_are_remembered(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "s.shopwise")
    w.resize(780, 600)  # the offscreen screen is 800 wide
    w.show_view("export")
    w.close()
    w2 = make_window(resize=False)
    assert (w2.size().width(), w2.size().height()) == (780, 600)
    w2.open_shop(tmp_path / "s.shopwise")
    assert w2.current_view() == "export"


def test_shortcuts_switch_views(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "s.shopwise")
    w.view_actions[1].trigger()
    assert w.current_view() == "customers"
    assert w.view_actions[1].shortcut().toString() == "Ctrl+2"
    assert w.act_import.shortcut().toString() == "Ctrl+I"


def test_demo_shop_imports_the_bundled_sample_without_freezing(make_window, qtbot):
    assert DEMO_CSV.exists() and (DEMO_CSV.parent / "LICENSE.txt").read_text().count("CC BY 4.0")
    w = make_window()
    ticks = TickRecorder()
    ticks.start()
    w.start_page.demo_button.click()
    assert w.runner.busy
    assert w.job_bar.isVisible()
    wait_job(qtbot, w.runner.job)
    ticks.stop()
    assert ticks.max_gap < 1.0, ticks.report()
    # torch is loaded when the owner opens the Reason writer, not at shop open: loading it
    # pauses the window for up to half a second at a time, mid-import.
    assert w.views["training"]._device_job is None
    assert w.shop.db.execute("SELECT count(*) FROM customers").fetchone()[0] == 3040
    dash = w.views["dashboard"]
    qtbot.waitUntil(lambda: dash.cards["customers"].value.text() == "3,040", timeout=10000)
    # A second start opens the same demo shop without importing again.
    w.close_shop()
    w.open_demo()
    assert not w.runner.busy
    assert w.shop.db.execute("SELECT count(*) FROM imports").fetchone()[0] == 1


def test_dropping_a_file_on_the_window_opens_the_import(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "s.shopwise")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DEMO_CSV))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    w.dropEvent(event)
    wizard = w.wizard
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == wizard.CHECK, timeout=10000)
    assert "Online Retail" in wizard.recognised.text() or "UCI" in wizard.recognised.text()
    wizard.reject()


def test_errors_from_jobs_reach_the_owner_as_sentences(make_window, tmp_path, qtbot):
    fill_shop(tmp_path / "s.shopwise", customers=5).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "s.shopwise")

    def broken(progress, cancel):
        return {}["no such key"]

    job = w.runner.run(broken, "Checking", kind="export")
    wait_job(qtbot, job)
    qtbot.waitUntil(lambda: bool(error_text(w)))
    text = error_text(w)
    assert "did not expect" in text and "KeyError" not in text and "Traceback" not in text


@pytest.mark.parametrize("make, message", FOREIGN_FILES, ids=[f.__name__ for f, _ in FOREIGN_FILES])
def test_open_refuses_newer_damaged_and_foreign_shops_in_plain_words(make_window, tmp_path, qtbot, make,
                                                                     message):
    path = tmp_path / "shop.shopwise"
    make(path)
    before = path.read_bytes()
    w = make_window()
    assert not w.open_shop(path)
    assert w.stack.currentWidget() is w.start_page and w.shop is None
    text = error_text(w)
    assert message in text and "Traceback" not in text and "Error" not in text
    assert path.read_bytes() == before


def test_shop_from_the_first_schema_opens_in_the_window(make_window, tmp_path, qtbot):
    path = tmp_path / "old.shopwise"
    shutil.copyfile(V1_SHOP, path)
    w = make_window()
    assert w.open_shop(path)
    assert w.windowTitle().startswith("old") and w.current_view() == "dashboard"


def test_damage_found_later_is_told_in_plain_words():
    text = errors.plain_message(sqlite3.DatabaseError("database disk image is malformed"))
    assert text.startswith("The shop file is damaged")


def test_refused_input_is_told_in_its_own_words():
    from engine.recommend import NotEnoughData
    message = "No completed orders of known customers yet: import orders that name their customers first."
    assert errors.plain_message(NotEnoughData(message)) == message
