"""The Shopwise window: first-start page, the open shop's screens, jobs in the status bar."""

from __future__ import annotations

import importlib.metadata
import logging
import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QDateTime, QEvent, QEventLoop, QSettings, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QFileDialog, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
    QMainWindow, QMessageBox, QProgressBar, QPushButton, QStackedWidget, QStyle,
    QVBoxLayout, QWidget,
)

from engine import clock
from engine.backup import backups_folder, copy_shop
from engine.db import open_shop, restore_shop
from engine.ingest import import_file
from engine.jobs import Progress
from engine.reasons.paths import data_dir as shopwise_data_dir
from engine.version import version

from gui import errors
from gui.jobs import Job, JobRunner, eta_text, running_jobs
from gui.shop import Changes, Shop
from gui.widgets import dragged_local_file, heading

log = logging.getLogger("shopwise.gui")

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = ROOT / "resources" / "demo" / "online_retail_sample.csv"
ICON_FILE = ROOT / "resources" / "icon.png"
LICENCES_FILE = ROOT / "resources" / "THIRD_PARTY_LICENSES.txt"
SHOP_FILTER = "Shopwise shop (*.shopwise *.db);;All files (*)"
IMPORT_SUFFIXES = (".csv", ".tsv", ".txt")   # what the import wizard reads; anything else is opened as a shop
MAX_RECENT = 8


def documents_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(label.foregroundRole())
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class StartPage(QWidget):
    """What the owner sees with no shop open: new, open, demo, recent shops."""

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        col = QVBoxLayout()
        col.addStretch(1)
        col.addWidget(heading("Welcome to Shopwise", 2.0))
        col.addWidget(muted("Shopwise reads your shop's order exports and suggests, for each customer, "
                            "what to offer next and why. Everything stays on this computer."))
        col.addSpacing(16)
        style = self.style()
        self.new_button = self._big_button("New shop…", "Start an empty shop file and import your orders",
                                           style.standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.open_button = self._big_button("Open shop…", "Open a shop file you made before",
                                            style.standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.demo_button = self._big_button("Try the demo shop",
                                            "A real UK gift shop's orders (2010–2011), ready to explore",
                                            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        for b in (self.new_button, self.open_button, self.demo_button):
            col.addWidget(b)
        col.addSpacing(16)
        self.recent_title = QLabel("<b>Recent shops</b>")
        col.addWidget(self.recent_title)
        self.recent = QListWidget()
        self.recent.setMaximumHeight(170)
        self.recent.itemActivated.connect(lambda it: self.recent_requested.emit(it.data(Qt.ItemDataRole.UserRole)))
        col.addWidget(self.recent)
        col.addStretch(2)
        box = QWidget()
        box.setLayout(col)
        box.setMaximumWidth(560)
        box.setMinimumWidth(420)
        outer.addWidget(box, 3)
        outer.addStretch(1)

    def _big_button(self, title: str, subtitle: str, icon) -> QPushButton:
        """A large button with a bold title and a quieter line saying what it does."""
        b = QPushButton()
        b.setAccessibleName(title)
        b.setAccessibleDescription(subtitle)
        b.setToolTip(subtitle)
        b.setMinimumHeight(64)
        row = QHBoxLayout(b)
        row.setContentsMargins(14, 8, 14, 8)
        picture = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_LargeIconSize)
        picture.setPixmap(icon.pixmap(size, size))
        text = QVBoxLayout()
        text.setSpacing(2)
        name = QLabel(title)
        font = name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        name.setFont(font)
        what = QLabel(subtitle)
        what.setStyleSheet("color: palette(placeholder-text);")
        text.addWidget(name)
        text.addWidget(what)
        row.addWidget(picture)
        row.addSpacing(8)
        row.addLayout(text, 1)
        for label in (picture, name, what):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return b

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for p in paths:
            path = Path(p)
            item = QListWidgetItem(f"{path.stem}    —    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, p)
            item.setToolTip(p)
            if not path.exists():
                item.setText(f"{path.stem}    —    not found (moved or deleted?)")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_title.setVisible(bool(paths))


class JobRow(QWidget):
    """One job in the status bar: what it is, how far, and Cancel."""

    def __init__(self, job: Job, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.job, self.title = job, title
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName(f"Cancel {title.lower()}")
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self._cancel)
        job.progressed.connect(self._progress)

    def waiting(self) -> None:
        self.label.setText(f"{self.title}: waits for the task before it")
        self.bar.hide()

    def running(self) -> None:
        self.label.setText(f"{self.title}…")
        self.bar.setRange(0, 0)
        self.bar.show()

    def _progress(self, p: Progress) -> None:
        if p.fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        eta = eta_text(self.job.started_at, p)
        self.label.setText(" — ".join(x for x in (self.title, p.message, eta) if x))

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.title}: stopping…")
        self.job.cancel()


class JobBar(QWidget):
    """Status bar part that lists what runs and what waits, each with its progress and Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row_layout = QHBoxLayout(self)
        self.row_layout.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[Job, JobRow] = {}
        self.hide()

    def queue(self, job: Job, title: str) -> None:
        self._row(job, title).waiting()

    def follow(self, job: Job, title: str) -> None:
        self._row(job, title).running()

    def _row(self, job: Job, title: str) -> JobRow:
        if job not in self.rows:
            row = self.rows[job] = JobRow(job, title)
            self.row_layout.addWidget(row)
            row.show()
            job.finished.connect(lambda: self._drop(job))
        self.show()
        return self.rows[job]

    def _drop(self, job: Job) -> None:
        row = self.rows.pop(job, None)
        if row is not None:
            row.hide()
            row.deleteLater()
        self.setVisible(bool(self.rows))


class MainWindow(QMainWindow):
    shop_opened = Signal()

    def __init__(self, settings: QSettings | None = None, data_dir: Path | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.data_dir = Path(data_dir) if data_dir else shopwise_data_dir()
        self.shop: Shop | None = None
        self.pending_import: str | None = None   # a file to import once a shop is open
        self.runner = JobRunner(self)
        self.views: dict[str, QWidget] = {}
        self.setWindowTitle("Shopwise")
        self.setWindowIcon(QIcon(str(ICON_FILE)))
        self.setAcceptDrops(True)
        self.resize(1100, 720)
        self.setMinimumSize(760, 520)

        self.stack = QStackedWidget()
        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.new_shop)
        self.start_page.open_requested.connect(self.open_shop_dialog)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_requested.connect(self.open_shop)
        self.stack.addWidget(self.start_page)
        self.shop_page: QWidget | None = None   # the open shop's screens
        self.setCentralWidget(self.stack)

        self.job_bar = JobBar()
        self.statusBar().addPermanentWidget(self.job_bar)
        self.runner.started.connect(self.job_bar.follow)
        self.runner.queued.connect(self.job_bar.queue)
        self.runner.error.connect(lambda message, title: self.show_error(message, title=title))
        self.runner.message.connect(self.statusBar().showMessage)
        self._build_menus()
        self._refresh_recent()
        self._update_actions()
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    # ---- menus and shortcuts -------------------------------------------------------------
    def _build_menus(self) -> None:
        m = self.menuBar().addMenu("&Shop")
        self.act_new = self._action(m, "&New shop…", QKeySequence.StandardKey.New, self.new_shop)
        self.act_open = self._action(m, "&Open shop…", QKeySequence.StandardKey.Open, self.open_shop_dialog)
        self.recent_menu = m.addMenu("Open &Recent")
        self.act_demo = self._action(m, "Try the &demo shop", None, self.open_demo)
        m.addSeparator()
        self.act_import = self._action(m, "&Import orders…", "Ctrl+I", lambda: self.open_import("orders"))
        self.act_import_cat = self._action(m, "Import product &catalogue…", "Ctrl+Shift+I",
                                           lambda: self.open_import("catalogue"))
        self.act_export = self._action(m, "&Export recommendations…", "Ctrl+E", lambda: self.show_view("export"))
        m.addSeparator()
        self.act_backup = self._action(m, "&Back up this shop…", None, self.back_up)
        self.act_restore = self._action(m, "Re&store from a backup…", None, self.restore_backup)
        m.addSeparator()
        self.act_close = self._action(m, "&Close shop", QKeySequence.StandardKey.Close, self.close_shop)
        self._action(m, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        v = self.menuBar().addMenu("&View")
        self.view_actions = []
        for i, (key, title) in enumerate(self.VIEW_TITLES):
            act = self._action(v, title, f"Ctrl+{i + 1}", lambda _=False, k=key: self.show_view(k))
            self.view_actions.append(act)
        v.addSeparator()
        self._action(v, "&Refresh", QKeySequence.StandardKey.Refresh, self.refresh)
        h = self.menuBar().addMenu("&Help")
        self._action(h, "Open the &log folder", None, self.open_log_folder)
        self._action(h, "Third-party &licences", None, self.open_licences)
        self._action(h, "&About Shopwise", None, self.about)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut) if isinstance(shortcut, str) else shortcut)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _update_actions(self) -> None:
        has_shop = self.shop is not None
        for act in (self.act_import, self.act_import_cat, self.act_export, self.act_close, self.act_backup,
                    self.act_restore, *self.view_actions):
            act.setEnabled(has_shop)

    # ---- shops ----------------------------------------------------------------------------
    def recent_shops(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: Path) -> None:
        paths = [str(path)] + [p for p in self.recent_shops() if Path(p) != path]
        self.settings.setValue("recent", paths[:MAX_RECENT])
        self.settings.setValue("last_folder", str(path.parent))
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        paths = self.recent_shops()
        self.start_page.set_recent(paths)
        self.recent_menu.clear()
        for p in paths:
            path = Path(p)
            act = self.recent_menu.addAction(f"{path.stem}  —  {path.parent}",
                                             lambda _=False, p=p: self.open_shop(p))
            act.setEnabled(path.exists())
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Clear the list", self._forget_recent)
        clear.setEnabled(bool(paths))

    def _forget_recent(self) -> None:
        self.settings.setValue("recent", [])
        self._refresh_recent()

    def _folder(self) -> str:
        return str(self.settings.value("last_folder", "") or documents_dir())

    def new_shop(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Where should the new shop file be saved?",
                                              str(Path(self._folder()) / "My shop.shopwise"), SHOP_FILTER,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if not path:
            return
        path = Path(path)
        if path.suffix == "":
            path = path.with_suffix(".shopwise")
        if path.exists() and path.stat().st_size > 0:
            # Never overwrite: it may be a shop full of work, or another program's file.
            self.show_error(f"There is already a file called {path.name} in {path.parent}. "
                            "Choose another name, or use “Open shop…” to open it.")
            return
        waiting = self.pending_import
        if self.open_shop(path, create=True) and not waiting:
            self.open_import("orders")

    def open_shop_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a shop file", self._folder(), SHOP_FILTER)
        if path:
            self.open_shop(path, create=False)

    def open_shop(self, path: str | Path, create: bool = False) -> bool:
        if not self._may_leave_shop():
            return False
        path = Path(path)
        if not create and not path.exists():
            self.show_error(f"The shop file {path} could not be found. It may have been moved or deleted.")
            return False
        opened = self._wait_for(lambda progress, cancel: open_shop(path, create=create), "opening a shop")
        if isinstance(opened, str):
            self.show_error(opened)
            return False
        self._set_shop(Shop(path, opened))
        self._remember(path)
        log.info("Opened shop %s", path)
        if self.pending_import:
            waiting, self.pending_import = self.pending_import, None
            self.open_import("orders", waiting)
        return True

    def open_file(self, path: str | Path) -> None:
        """A file handed to the app (`shopwise FILE`, a double-click in the file manager, a file dropped
        on the window): a spreadsheet file goes to the import wizard, into the open shop, else the last
        shop, else the shop the owner opens or creates next; any other file is opened as a shop, so a
        foreign file gets the same plain sentence as from Shop > Open."""
        path = Path(path)
        if path.suffix.lower() not in IMPORT_SUFFIXES:
            self.open_shop(path)
            return
        if self.shop is None:
            last = str(self.settings.value("last_shop", "") or "")
            self.pending_import = str(path)
            if not (last and Path(last).exists() and self.open_shop(last)):
                self.statusBar().showMessage(f"To import {path.name}, open or create the shop it belongs to.")
            return
        self.open_import("orders", str(path))

    def _wait_for(self, fn, title: str):
        """What `fn(progress, cancel)` returned, or why it failed in words.

        For what the window cannot do without: opening a shop reads every page of the file (a second on
        a shop of a million order lines), so it runs on a worker thread while this one keeps painting;
        input waits meanwhile, so that nothing else starts before it is done.
        """
        job = Job(fn, title, self)
        outcome = []
        job.succeeded.connect(outcome.append)
        job.failed.connect(outcome.append)
        loop = QEventLoop()
        job.finished.connect(loop.quit)   # Job emits finished before the outcome: both arrive before exec returns
        job.start()
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        return outcome[0]

    def _set_shop(self, shop: Shop | None) -> None:
        if self.shop is not None:
            self.shop.close()
        self.shop = shop
        old, self.shop_page = self.shop_page, None
        if shop is None:
            self.stack.setCurrentWidget(self.start_page)
            self.setWindowTitle("Shopwise")
        else:
            self.shop_page = self._build_shop_page(shop)
            self.stack.addWidget(self.shop_page)
            self.stack.setCurrentWidget(self.shop_page)
            self.setWindowTitle(f"{shop.name} — Shopwise")
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self._update_actions()
        if shop is not None:
            self.shop_opened.emit()

    def close_shop(self) -> None:
        if self._may_leave_shop():
            self._set_shop(None)

    def _may_leave_shop(self) -> bool:
        if not self.runner.entries:
            return True
        titles = [e.title for e in self.runner.entries]
        answer = QMessageBox.question(
            self, "Tasks are still running" if len(titles) > 1 else "A task is still running",
            f"{' and '.join(titles)} {'are' if len(titles) > 1 else 'is'} still running. Stop "
            f"{'them' if len(titles) > 1 else 'it'}? Nothing half-done will be kept.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.runner.cancel_all()
        QApplication.processEvents()
        return True

    def back_up(self) -> None:
        """Shop > Back up…: a consistent copy, made while the owner keeps working."""
        shop = self.shop
        if shop is None:
            return
        folder = backups_folder(shop.path)
        stamp = clock.parse(clock.now()).astimezone().strftime("%Y-%m-%d")
        suggested = (folder if folder.is_dir() else Path(self._folder())) / f"{shop.name} {stamp}.shopwise"
        path, _ = QFileDialog.getSaveFileName(self, "Where should the backup be saved?", str(suggested),
                                              SHOP_FILTER)
        if not path:
            return
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(".shopwise")
        if target.resolve() == shop.path.resolve():
            self.show_error("That is the shop file itself. Choose another name or folder for the backup.")
            return

        def work(progress, cancel):
            with shop.worker_db() as db:
                return copy_shop(db.conn, target, progress, cancel)

        self.runner.run(work, "Backing up the shop", kind="backup", shop=shop,
                        on_success=lambda made: self.runner.show_message(f"Backed up to {made}.", 15000))

    def restore_backup(self) -> None:
        """Shop > Restore…: a backup becomes the shop, after the owner confirms; the shop as it was is kept."""
        shop = self.shop
        if shop is None:
            return
        folder = backups_folder(shop.path)
        path, _ = QFileDialog.getOpenFileName(self, "Choose the backup to restore",
                                              str(folder if folder.is_dir() else shop.path.parent), SHOP_FILTER)
        if not path:
            return
        backup = Path(path)
        if backup.resolve() == shop.path.resolve():
            self.show_error("That is the shop file itself. Choose one of its backups.")
            return
        saved = QDateTime.fromSecsSinceEpoch(int(backup.stat().st_mtime)).toString("d MMMM yyyy, HH:mm")
        answer = QMessageBox.question(
            self, "Restore this backup?",
            f"“{shop.name}” will be replaced by the backup {backup.name} (saved {saved}).\n\n"
            f"The shop as it is now is kept first, in the folder “{folder.name}” beside it, "
            "so you can go back to it.")
        if answer != QMessageBox.StandardButton.Yes or not self._may_leave_shop():
            return
        shop_path = shop.path
        self._set_shop(None)
        outcome = self._wait_for(lambda progress, cancel: restore_shop(backup, shop_path), "restoring a backup")
        self.open_shop(shop_path)
        if isinstance(outcome, str):
            self.show_error(outcome)
        else:
            self.runner.show_message(f"Restored {backup.name}. The shop as it was is in “{folder.name}”.", 15000)

    def demo_path(self) -> Path:
        return self.data_dir / "demo" / "Demo shop.shopwise"

    def open_demo(self) -> None:
        """Open the demo shop; the first time, create it and import the bundled sample."""
        path = self.demo_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        if not self.open_shop(path, create=True):
            return
        if fresh or not self.shop.db.execute("SELECT EXISTS (SELECT 1 FROM orders)").fetchone()[0]:
            sample = path.parent / DEMO_FILE.name
            if not sample.exists():
                shutil.copyfile(DEMO_FILE, sample)
            shop = self.shop

            def work(progress, cancel):
                with shop.worker_db() as db:
                    return import_file(db, sample, progress=progress, cancel=cancel)

            self.runner.run(work, "Importing the demo shop's orders", kind="import", shop=shop,
                            changes=Changes(orders=True))

    # ---- the open shop's screens -----------------------------------------------------------
    VIEW_TITLES = [
        ("dashboard", "Overview"),
        ("customers", "Customers"),
        ("training", "Reason writer"),
        ("export", "Export"),
    ]

    def _build_shop_page(self, shop: Shop) -> QWidget:
        from gui.customers import CustomersView
        from gui.dashboard import DashboardView
        from gui.export_view import ExportView
        from gui.training import TrainingView

        page = QWidget()
        lay = QHBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget { background: palette(window); padding-top: 8px; }"
                               "QListWidget::item { padding: 9px 12px; }")
        icons = {
            "dashboard": QStyle.StandardPixmap.SP_ComputerIcon,
            "customers": QStyle.StandardPixmap.SP_FileDialogDetailedView,
            "training": QStyle.StandardPixmap.SP_BrowserReload,
            "export": QStyle.StandardPixmap.SP_DialogSaveButton,
        }
        self.view_stack = QStackedWidget()
        self.views = {
            "dashboard": DashboardView(shop, self.runner),
            "customers": CustomersView(shop, self.runner),
            "training": TrainingView(shop, self.runner),
            "export": ExportView(shop, self.runner),
        }
        self.views["dashboard"].import_requested.connect(lambda: self.open_import("orders"))
        for key, title in self.VIEW_TITLES:
            item = QListWidgetItem(self.style().standardIcon(icons[key]), title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self.view_stack.addWidget(self.views[key])
        import_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
                                    "Import a file…")
        import_button.setToolTip("Import orders or a product catalogue (Ctrl+I). "
                                 "You can also drop a file onto this window.")
        import_button.clicked.connect(lambda: self.open_import("orders"))
        side = QVBoxLayout()
        side.setContentsMargins(8, 8, 8, 8)
        side.addWidget(self.nav, 1)
        side.addWidget(import_button)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setFixedWidth(190)
        self.nav.currentRowChanged.connect(self.view_stack.setCurrentIndex)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        lay.addWidget(side_box)
        lay.addWidget(line)
        lay.addWidget(self.view_stack, 1)
        start = str(self.settings.value("window/view", "dashboard"))
        self.nav.setCurrentRow(max(0, [k for k, _ in self.VIEW_TITLES].index(start)
                                   if start in self.views else 0))
        return page

    def show_view(self, key: str) -> None:
        if self.shop is None or key not in self.views:
            return
        self.nav.setCurrentRow([k for k, _ in self.VIEW_TITLES].index(key))

    def current_view(self) -> str | None:
        if self.shop is None:
            return None
        return self.VIEW_TITLES[self.nav.currentRow()][0]

    def refresh(self) -> None:
        """View > Refresh: every view reads the shop again (another program may have changed it)."""
        if self.shop is not None:
            self.shop.changed.emit(Changes.everything())

    def open_import(self, kind: str = "orders", path: str | None = None) -> None:
        if self.shop is None:
            self.show_error("Open or create a shop first, then import files into it.")
            return
        from gui.import_wizard import ImportWizard
        refused = self.runner.refusal("import")
        if refused:
            self.show_error(refused)
            return
        wizard = ImportWizard(self.shop, self.runner, kind=kind, parent=self)
        if path:
            wizard.choose_file(path)
        self.wizard = wizard
        wizard.open()

    # ---- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if dragged_local_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = dragged_local_file(event)
        if not path:
            return
        self.open_file(path)
        event.acceptProposedAction()

    # ---- messages and the rest ---------------------------------------------------------------
    def show_error(self, message: str, title: str = "Shopwise") -> None:
        log.warning("Shown to owner: %s", message)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("error_box")
        box.open()
        self.last_error = message

    def open_log_folder(self) -> None:
        folder = errors.LOG_FILE.parent if errors.LOG_FILE else self.data_dir
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def open_licences(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(LICENCES_FILE)))

    def about(self) -> None:
        def of(dist: str) -> str:
            try:
                return importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                return ""

        box = QMessageBox(QMessageBox.Icon.NoIcon, "About Shopwise", "", QMessageBox.StandardButton.Close, self)
        box.setObjectName("about_box")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        parts = [
            (f"Qt 6 and PySide6 {of('PySide6-Essentials')}", "LGPL-3.0"),
            (f"PyTorch {of('torch').split('+')[0]}", "BSD-3-Clause"),
            (f"Transformers {of('transformers')}, PEFT {of('peft')}", "Apache-2.0"),
            ("SmolLM2-135M-Instruct language model", "Apache-2.0"),
            ("Demo shop: UCI Online Retail (Chen, Sain, Guo 2012)", "CC BY 4.0"),
        ]
        rows = "".join(f"<tr><td style='white-space:nowrap'>{name}</td><td>&nbsp;&nbsp;</td>"
                       f"<td style='white-space:nowrap'>{licence}</td></tr>" for name, licence in parts)
        box.setText(
            f"<h3>Shopwise {version()}</h3>"
            "<p>Suggestions and reasons for your shop's customers, made on this computer.<br>"
            "Licence: MIT.</p>"
            f"<p><b>Made with</b></p><table>{rows}</table>"
            "<p>The licences of every part are in THIRD_PARTY_LICENSES.txt.</p>")
        licences = box.addButton("Third-party licences…", QMessageBox.ButtonRole.ActionRole)
        licences.clicked.disconnect()   # the box would close; the owner may want to read on
        licences.clicked.connect(self.open_licences)
        box.open()

    def closeEvent(self, event) -> None:
        if not self._may_leave_shop():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.shop is not None:
            self.settings.setValue("window/view", self.current_view())
            self.settings.setValue("last_shop", str(self.shop.path))
        self.settings.sync()
        # A thread still running when Python tears its QThread down aborts the app: stop and wait.
        for job in running_jobs():
            job.cancel()
        for job in running_jobs():
            job.wait(30000)
        if self.shop is not None:
            self.shop.close()
            self.shop = None
        super().closeEvent(event)


class ShopwiseApplication(QApplication):
    """The application; on macOS a double-clicked shop file arrives as a FileOpen event, not in argv."""

    file_opened = Signal(str)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            self.file_opened.emit(event.file())
            return True
        return super().event(event)


def run_app(argv: list[str] | None = None, open_path: str | None = None) -> int:
    QApplication.setApplicationName("Shopwise")
    QApplication.setOrganizationName("Shopwise")
    QApplication.setOrganizationDomain("shopwise.local")
    QApplication.setApplicationVersion(version())
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or ShopwiseApplication(argv if argv is not None else sys.argv[:1])
    app.setWindowIcon(QIcon(str(ICON_FILE)))
    app.setDesktopFileName("shopwise")   # Wayland and the task bar find the icon through the .desktop entry
    # One data folder for the window's log and demo shop and the engine's models, as for the CLI.
    errors.setup_logging(shopwise_data_dir())
    window = MainWindow()
    errors.install_excepthook(lambda msg: window.show_error(msg))
    window.show()
    if isinstance(app, ShopwiseApplication):
        app.file_opened.connect(window.open_file)
    if open_path:
        QTimer.singleShot(0, lambda: window.open_file(open_path))
    return app.exec()
