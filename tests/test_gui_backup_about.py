"""Shop > Back up… and Restore…, Open Recent, the About box, the window icon and the shortcuts."""

import shutil

from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox

from engine.db import open_shop
from engine.version import version
from gui_data import fill_shop, make_window, wait_job  # noqa: F401
from tests.test_shop_files import counts, trigger_on_insert


def error_text(w) -> str:
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.objectName() == "error_box"]
    return boxes[-1].text() if boxes else ""


def opened_with_shop(make_window, tmp_path, customers=5):
    fill_shop(tmp_path / "Corner shop.shopwise", customers=customers).conn.close()
    w = make_window()
    assert w.open_shop(tmp_path / "Corner shop.shopwise")
    return w


def test_back_up_writes_a_shop_that_opens_with_the_same_data(make_window, tmp_path, qtbot, monkeypatch):
    w = opened_with_shop(make_window, tmp_path)
    target = tmp_path / "elsewhere" / "Corner shop copy"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w.act_backup.trigger()
    wait_job(qtbot, w.runner.job)
    copy = open_shop(target.with_suffix(".shopwise"), create=False)
    assert counts(copy) == counts(w.shop.db)
    copy.conn.close()
    assert w.statusBar().currentMessage() == f"Backed up to {target.with_suffix('.shopwise')}."


def test_back_up_onto_the_shop_itself_is_refused(make_window, tmp_path, monkeypatch):
    w = opened_with_shop(make_window, tmp_path)
    before = w.shop.path.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(w.shop.path), ""))
    w.act_backup.trigger()
    assert "That is the shop file itself" in error_text(w) and not w.runner.busy
    assert w.shop.path.read_bytes() == before


def restore(w, monkeypatch, backup, answer):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or answer)
    w.act_restore.trigger()
    return asked


def test_restore_asks_then_opens_the_backup_as_the_shop(make_window, tmp_path, qtbot, monkeypatch):
    w = opened_with_shop(make_window, tmp_path)
    backup = tmp_path / "Friday.shopwise"
    shutil.copyfile(w.shop.path, backup)    # the shop has no -wal work yet: a plain copy is a backup
    w.shop.db.execute("DELETE FROM reasons")
    asked = restore(w, monkeypatch, backup, QMessageBox.StandardButton.No)
    assert "“Corner shop” will be replaced by the backup Friday.shopwise" in asked[0]
    assert w.shop.db.execute("SELECT count(*) FROM reasons").fetchone()[0] == 0    # No: nothing changed
    restore(w, monkeypatch, backup, QMessageBox.StandardButton.Yes)
    assert w.shop is not None and w.shop.path == tmp_path / "Corner shop.shopwise"
    assert w.shop.db.execute("SELECT count(*) FROM reasons").fetchone()[0] > 0
    [kept] = (tmp_path / "Corner shop backups").glob("* before restore.shopwise")
    kept_db = open_shop(kept, create=False)
    assert kept_db.execute("SELECT count(*) FROM reasons").fetchone()[0] == 0
    kept_db.conn.close()


def test_restoring_a_foreign_file_is_refused_and_the_shop_stays_open(make_window, tmp_path, monkeypatch):
    w = opened_with_shop(make_window, tmp_path)
    hostile = tmp_path / "sent by e-mail.shopwise"
    trigger_on_insert(hostile)
    orders = counts(w.shop.db)["orders"]
    restore(w, monkeypatch, hostile, QMessageBox.StandardButton.Yes)
    assert "sent by e-mail.shopwise: this shop file has a trigger" in error_text(w)
    assert w.shop is not None and counts(w.shop.db)["orders"] == orders


def test_open_recent_lists_the_shops_and_opens_one(make_window, tmp_path):
    fill_shop(tmp_path / "a.shopwise", customers=3).conn.close()
    fill_shop(tmp_path / "b.shopwise", customers=3).conn.close()
    w = make_window()
    w.open_shop(tmp_path / "a.shopwise")
    w.open_shop(tmp_path / "b.shopwise")
    (tmp_path / "gone.shopwise").touch()
    w._remember(tmp_path / "gone.shopwise")
    (tmp_path / "gone.shopwise").unlink()
    w._refresh_recent()
    actions = [a for a in w.recent_menu.actions() if not a.isSeparator()]
    assert [a.text().split("  —  ")[0] for a in actions] == ["gone", "b", "a", "Clear the list"]
    assert [a.isEnabled() for a in actions] == [False, True, True, True]
    actions[2].trigger()
    assert w.shop.path == tmp_path / "a.shopwise"
    actions = [a for a in w.recent_menu.actions() if not a.isSeparator()]
    actions[-1].trigger()
    assert w.recent_shops() == [] and not w.start_page.recent.isVisible()


def test_about_names_the_version_and_the_licences(make_window, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    w = make_window()
    w.about()
    box = w.findChild(QMessageBox, "about_box")
    text = box.text()
    assert f"Shopwise {version()}" in text and version() == "0.1.0"
    for part in ("LGPL-3.0", "PyTorch", "SmolLM2-135M-Instruct", "Apache-2.0", "CC BY 4.0"):
        assert part in text
    [button] = [b for b in box.findChildren(QAbstractButton) if b.text() == "Third-party licences…"]
    button.click()
    assert opened == [str(w.open_licences.__globals__["LICENCES_FILE"])] and box.isVisible()
    assert "PySide6" in open(opened[0], encoding="utf-8").read()


def test_the_window_has_the_shopwise_icon(make_window):
    assert not make_window().windowIcon().isNull()


def test_no_shortcut_is_bound_twice_and_make_suggestions_is_no_standard_key(make_window, tmp_path):
    w = opened_with_shop(make_window, tmp_path)
    keys = [a.shortcut().toString() for a in w.findChildren(type(w.act_open)) if not a.shortcut().isEmpty()]
    keys += [s.key().toString() for s in w.findChildren(QShortcut)]
    keys += [b.shortcut().toString() for b in w.findChildren(QAbstractButton) if not b.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    make = w.views["dashboard"].recommend_button.shortcut()
    assert make.toString() == "Ctrl+Shift+R"
    standard = {k.toString() for key in QKeySequence.StandardKey for k in QKeySequence.keyBindings(key)}
    assert make.toString() not in standard | {"Ctrl+R"}   # Ctrl+R: Refresh on macOS and GNOME
