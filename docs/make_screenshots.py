"""Take the screenshots in docs/screenshots from a fresh demo shop (run under a real or virtual display).

    xvfb-run -s "-screen 0 1280x800x24" python docs/make_screenshots.py [OUT_FOLDER]
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(seconds: float) -> None:
    """Let the window work and paint for a while."""
    app = QApplication.instance()
    end = time.time() + seconds
    while time.time() < end:
        app.processEvents()
        time.sleep(0.02)


def main(out: Path) -> None:
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv)
    from gui.app import DEMO_FILE, MainWindow
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp())
    w = MainWindow(settings=QSettings(str(data / "s.ini"), QSettings.Format.IniFormat), data_dir=data)
    w.resize(1200, 760)
    w.show()

    def wait():
        while w.runner.busy:
            spin(0.1)
        spin(0.6)

    def shot(widget, name, settle=0.3):
        spin(settle)
        widget.grab().save(str(out / f"{name}.png"))
        print("saved", out / f"{name}.png")

    shot(w, "1-start")
    w.open_demo()
    shot(w, "2-importing", settle=0.1)   # while it runs: the demo's import takes about a second
    wait()
    dash = w.views["dashboard"]
    if dash.recommend_button.isEnabled():
        dash.recommend_button.click()
        wait()
    shot(w, "3-overview")
    w.show_view("customers")
    shot(w, "4-customers")
    detail = w.views["customers"].detail
    if detail.write_customer_button.isVisible():   # what a new owner does next: one customer's reasons
        detail.write_customer_button.click()
        wait()
        shot(w, "4b-customer-reasons")
    w.show_view("training")
    found = time.time() + 60
    while w.views["training"]._device is None and time.time() < found:   # device and estimates
        spin(0.1)
    shot(w, "6-reason-writer")
    w.open_import("orders")
    wizard = w.wizard
    shot(wizard, "5a-import-choose")
    # A later export of the same shop: some orders are new, some already in the shop.
    later = data / "orders-2011.csv"
    with open(DEMO_FILE, encoding="utf-8") as f:
        lines = f.readlines()
    later.write_text(lines[0] + "".join(lines[1:6000]) + '"999999","X1","Gift card",1,"2011-12-10 10:00:00",'
                     '"ten",17850,"United Kingdom"\n', encoding="utf-8")
    wizard.choose_file(str(later))
    spin(2)
    shot(wizard, "5b-import-check")
    wizard.start_import()
    while wizard.job.running:
        spin(0.1)
    shot(wizard, "5c-import-result")
    wizard.accept()
    w.close()
    mailing(app, out)


def mailing(app, out: Path) -> None:
    """The filter bar and the export for a mailing tool, on a Shopify shop with e-mails and consent
    (the kidsliving orders and a Shopify catalogue from ../shared/data): suggestions, the built-in
    writer's reasons, a few approved."""
    from engine.db import open_shop
    from engine.ingest import import_file
    from engine.reasons import prompt, silver, store
    from engine.recommend import run_recommendations
    from gui.app import MainWindow
    from tests.conftest import SHARED_DATA
    data = Path(tempfile.mkdtemp())
    db = open_shop(data / "Kids living.shopwise")
    import_file(db, SHARED_DATA / "shopify-orders-kidsliving" / "orders_export.redacted.csv")
    import_file(db, SHARED_DATA / "shopify-products-bilali" / "products_export.csv")
    run = run_recommendations(db, limit=3)
    recs = store.recommendations(db, run)
    store.save_reasons(db, [{"recommendation_id": r["id"], "provenance": "template",
                             "text": silver.template_reason(r["evidence"], prompt.main_feature(r["evidence"]))}
                            for r in recs])
    for (reason_id,) in db.execute("SELECT id FROM reasons ORDER BY id LIMIT 40").fetchall():
        store.set_reason(db, reason_id, status="approved")
    db.conn.close()
    w = MainWindow(settings=QSettings(str(data / "s.ini"), QSettings.Format.IniFormat), data_dir=data)
    w.resize(1200, 760)
    w.show()

    w.open_shop(data / "Kids living.shopwise")
    spin(1.5)
    w.show_view("customers")
    view = w.views["customers"]
    view.consent.setCurrentIndex(view.consent.findData("yes"))
    view.not_reviewed.setChecked(True)
    spin(1.0)
    w.grab().save(str(out / "4c-customers-filter.png"))
    print("saved", out / "4c-customers-filter.png")
    w.show_view("export")
    export = w.views["export"]
    export.base_url.setText("https://kidsliving.example")
    export.save_base_url()
    export.reload()
    spin(1.5)
    w.grab().save(str(out / "7-export.png"))
    print("saved", out / "7-export.png")
    w.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
