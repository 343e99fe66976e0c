"""Small pieces several views share."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def heading(text: str, scale: float = 1.6) -> QLabel:
    """A bold title in the system font, `scale` times its size (follows the theme and DPI)."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def dragged_local_file(event) -> str | None:
    """The first local file of a drag-and-drop event, else None."""
    urls = event.mimeData().urls()
    return urls[0].toLocalFile() if urls and urls[0].isLocalFile() else None


# The "Make suggestions" key. Not Ctrl+R: that is Refresh on macOS and GNOME, and a key bound twice fires
# neither action.
MAKE_SUGGESTIONS_KEY = "Ctrl+Shift+R"
