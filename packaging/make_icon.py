"""Draw the Shopwise icon with QPainter: resources/icon.png (256 px), icon.ico (Windows), icon.icns (macOS).

    QT_QPA_PLATFORM=offscreen python packaging/make_icon.py
"""

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ROOT = Path(__file__).resolve().parent.parent


def draw(size: int = 256) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    # rounded tile
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#2f6f5e")))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    # shopping bag
    p.setBrush(QBrush(QColor("#f4efe4")))
    bag = QPainterPath()
    bag.moveTo(60 * s, 96 * s)
    bag.lineTo(196 * s, 96 * s)
    bag.lineTo(208 * s, 212 * s)
    bag.lineTo(48 * s, 212 * s)
    bag.closeSubpath()
    p.drawPath(bag)
    # handle
    pen = QPen(QColor("#f4efe4"), 14 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(92 * s, 50 * s, 72 * s, 84 * s), 0, 180 * 16)
    # a spark: the recommendation
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#e8a33d")))
    star = QPainterPath()
    cx, cy, r1, r2 = 128 * s, 156 * s, 34 * s, 12 * s
    for i, (dx, dy) in enumerate([(0, -1), (1, 0), (0, 1), (-1, 0)]):
        point = QPointF(cx + dx * r1, cy + dy * r1)
        star.moveTo(point) if i == 0 else star.lineTo(point)
        nx, ny = [(1, -1), (1, 1), (-1, 1), (-1, -1)][i]
        star.lineTo(QPointF(cx + nx * r2 * 0.7, cy + ny * r2 * 0.7))
    star.closeSubpath()
    p.drawPath(star)
    p.end()
    return img


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841
    out = ROOT / "resources"
    img = draw(256)
    ok = img.save(str(out / "icon.png"))
    ok &= img.save(str(out / "icon.ico"), "ICO")
    ok &= draw(512).save(str(out / "icon.icns"), "ICNS")
    print("wrote resources/icon.png, icon.ico, icon.icns" if ok else "could not write every icon")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
