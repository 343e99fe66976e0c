"""Application entry point for the desktop app."""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def run_app() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Shopwise")
    window = QMainWindow()
    window.setWindowTitle("Shopwise")
    window.setCentralWidget(QLabel("Shopwise: import your orders with `python main.py import FILE`."))
    window.resize(900, 600)
    window.show()
    return app.exec()
