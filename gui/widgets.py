"""Small pieces several views share."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QPlainTextEdit


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


def text_dialog(parent, title: str, label: str, text: str) -> QInputDialog:
    """A dialog asking for a few lines of text (a reason). Unlike QInputDialog.getMultiLineText's,
    long lines wrap, and it is wide enough to read a reason at a glance."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
    dialog.setTextValue(text)
    for edit in dialog.findChildren(QPlainTextEdit):
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    dialog.resize(max(dialog.width(), 560), max(dialog.height(), 240))
    return dialog


def edit_text(parent, title: str, label: str, text: str) -> tuple[str, bool]:
    """Ask for a few lines of text in a `text_dialog`: (text, True) on OK."""
    dialog = text_dialog(parent, title, label, text)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue(), ok


# The "Make suggestions" key. Not Ctrl+R: that is Refresh on macOS and GNOME, and a key bound twice fires
# neither action.
MAKE_SUGGESTIONS_KEY = "Ctrl+Shift+R"
