"""Small charts drawn with QPainter in the system palette (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.queries import money_text, with_currency


def money(value: float, currency: str = "") -> str:
    """A chart's short amount with its currency: £1.2k, €35k, 120 CHF."""
    if abs(value) >= 1_000_000:
        short = f"{value / 1_000_000:.1f}M"
    elif abs(value) >= 10_000:
        short = f"{value / 1000:.0f}k"
    elif abs(value) >= 1000:
        short = f"{value / 1000:.1f}k"
    else:
        short = f"{value:.0f}"
    return with_currency(short, currency)


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def month_words(month: str) -> str:
    """'2011-03' -> 'Mar 2011'."""
    try:
        year, m = month.split("-")[:2]
        return f"{_MONTHS[int(m) - 1]} {year}"
    except (ValueError, IndexError):
        return month


class _Chart(QWidget):
    empty_text = "Nothing to show yet"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def _empty(self, p: QPainter, text: str | None = None) -> None:
        p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text or self.empty_text)

    def _bar_color(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Highlight)


class MonthChart(_Chart):
    """Sales per month as columns, with the month under every few columns."""

    empty_text = "Sales per month appear here after an import"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, float]] = []
        self.currency = ""

    def set_data(self, points: list[tuple[str, float]], currency: str = "") -> None:
        self.points, self.currency = points, currency
        self.setToolTip("\n".join(f"{month_words(m)}: {money_text(v, currency, 0)}" for m, v in points[-24:]))
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.points:
            self._empty(p)
            return
        fm = QFontMetrics(self.font())
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        grid = self.palette().color(QPalette.ColorRole.Mid)
        left = fm.horizontalAdvance(money(-999_000, self.currency)) + 10
        bottom = fm.height() + 8
        area = QRectF(left, 8, self.width() - left - 8, self.height() - bottom - 12)
        top = max(max(v for _, v in self.points), 1.0)
        if max(v for _, v in self.points) <= 0:   # orders without prices: no amounts to draw
            self._empty(p, "The orders have no prices, so there are no sales amounts to show")
            return
        # Three grid lines with their values.
        for i in range(4):
            y = area.bottom() - area.height() * i / 3
            p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            p.setPen(text_color)
            p.drawText(QRectF(0, y - fm.height() / 2, left - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, money(top * i / 3, self.currency))
        n = len(self.points)
        slot = area.width() / n
        bar_w = max(2.0, slot * 0.7)
        label_every = max(1, int((fm.horizontalAdvance("Dec 2011") + 10) / slot) + 1)
        for i, (month, value) in enumerate(self.points):
            h = area.height() * max(value, 0) / top
            x = area.left() + i * slot + (slot - bar_w) / 2
            p.fillRect(QRectF(x, area.bottom() - h, bar_w, h), self._bar_color())
            if i % label_every == 0:
                p.setPen(text_color)
                p.drawText(QRectF(area.left() + i * slot - 40 + slot / 2, area.bottom() + 4, 80, fm.height()),
                           Qt.AlignmentFlag.AlignHCenter, month_words(month))


class TopChart(_Chart):
    """Best sellers as horizontal bars with their names and quantities."""

    empty_text = "Best sellers appear here after an import"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[tuple[str, float]] = []

    def set_data(self, items: list[tuple[str, float]]) -> None:
        self.items = items
        self.setToolTip("\n".join(f"{name}: {value:,.0f}" for name, value in items))
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.items:
            self._empty(p)
            return
        fm = QFontMetrics(self.font())
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        row_h = min(28.0, (self.height() - 8) / len(self.items))
        name_w = min(self.width() * 0.45, max(fm.horizontalAdvance(n) for n, _ in self.items) + 12)
        value_w = max(fm.horizontalAdvance(f"{v:,.0f}") for _, v in self.items) + 8   # 12,345 fits whole
        bar_area = self.width() - name_w - value_w - 12
        top = max(max(v for _, v in self.items), 1.0)
        for i, (name, value) in enumerate(self.items):
            y = 4 + i * row_h
            p.setPen(text_color)
            shown = fm.elidedText(name, Qt.TextElideMode.ElideRight, int(name_w - 12))
            p.drawText(QRectF(0, y, name_w - 8, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            w = bar_area * max(value, 0) / top
            p.fillRect(QRectF(name_w, y + row_h * 0.2, w, row_h * 0.6), self._bar_color())
            p.drawText(QRectF(name_w + w + 6, y, value_w, row_h), Qt.AlignmentFlag.AlignVCenter,
                       f"{value:,.0f}")


class LineChart(_Chart):
    """A single series over steps (the training loss), newest point marked."""

    empty_text = "The learning curve appears here while training runs"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.setMinimumHeight(140)

    def set_data(self, values: list[float]) -> None:
        self.values = list(values)
        self.update()

    def add(self, value: float) -> None:
        self.values.append(value)
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if len(self.values) < 2:
            self._empty(p)
            return
        fm = QFontMetrics(self.font())
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        left = fm.horizontalAdvance("0.000") + 10
        area = QRectF(left, 8, self.width() - left - 8, self.height() - 16)
        lo, hi = min(self.values), max(self.values)
        if hi - lo < 1e-9:
            hi = lo + 1
        path = QPainterPath()
        for i, v in enumerate(self.values):
            pt = QPointF(area.left() + area.width() * i / (len(self.values) - 1),
                         area.bottom() - area.height() * (v - lo) / (hi - lo))
            path.moveTo(pt) if i == 0 else path.lineTo(pt)
        p.setPen(QPen(self._bar_color(), 2))
        p.drawPath(path)
        p.setPen(text_color)
        p.drawText(QRectF(0, area.top() - 4, left - 6, fm.height()), Qt.AlignmentFlag.AlignRight, f"{hi:.3f}")
        p.drawText(QRectF(0, area.bottom() - fm.height() + 4, left - 6, fm.height()),
                   Qt.AlignmentFlag.AlignRight, f"{lo:.3f}")
