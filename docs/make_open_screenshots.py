"""Screenshots of the app opened on a shop file as a file manager opens it (`python main.py SHOP.shopwise`
in its own process), and of the About box (run under a real or virtual display):

    xvfb-run -s "-screen 0 1280x800x24" python docs/make_open_screenshots.py [OUT_FOLDER]
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

sys.path.insert(0, str(ROOT / "docs"))
from make_screenshots import spin  # noqa: E402


def demo_shop(folder: Path) -> Path:
    from engine.db import open_shop
    from engine.ingest import import_file
    from engine.recommend import run_recommendations
    from gui.app import DEMO_FILE
    shop = folder / "Gift shop.shopwise"
    db = open_shop(shop)
    import_file(db, DEMO_FILE)
    run_recommendations(db)
    db.conn.close()
    return shop


def main(out: Path) -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    shop = demo_shop(work)

    env = {**os.environ, "HOME": str(work), "XDG_CONFIG_HOME": str(work / "config"),
           "SHOPWISE_DATA_DIR": str(work / "data")}
    opened = subprocess.Popen([sys.executable, str(ROOT / "main.py"), str(shop)], env=env, cwd=work)
    log = work / "data" / "shopwise.log"
    try:
        end = time.time() + 60
        while time.time() < end and not (log.exists() and "Opened shop" in log.read_text(encoding="utf-8")):
            time.sleep(0.2)
        time.sleep(3)   # the overview's charts load on a worker after the window shows
        # The window, at the top left of a screen without a window manager (so without a title bar).
        app.primaryScreen().grabWindow(0, 0, 0, 1100, 720).save(str(out / "9-opened-from-file.png"))
        print("saved", out / "9-opened-from-file.png")
    finally:
        opened.terminate()
        opened.wait(10)

    from gui.app import MainWindow
    w = MainWindow(settings=QSettings(str(work / "s.ini"), QSettings.Format.IniFormat), data_dir=work / "data")
    w.resize(1100, 700)
    w.show()
    w.open_shop(shop)
    w.about()
    spin(1.0)
    box = w.findChild(QMessageBox, "about_box")
    box.grab().save(str(out / "10-about.png"))
    print("saved", out / "10-about.png")
    box.close()
    w.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
