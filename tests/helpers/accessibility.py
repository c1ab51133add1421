"""What a screen must not do to a customer with weak eyes or big fingers, checked widget by widget."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.views.theme import MIN_TOUCH_PX

MIN_TEXT_PX = 24


def text_px(widget: QWidget) -> int:
    font = widget.font()
    return font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * widget.logicalDpiY() / 72)


def widget_problems(widget: QWidget) -> list[str]:
    """A button smaller than a finger, text too small to read, or text cut off (by width or by height)."""
    found = []
    name = widget.objectName() or type(widget).__name__
    if isinstance(widget, QAbstractButton):
        if min(widget.width(), widget.height()) < MIN_TOUCH_PX:
            found.append(f"button {name} is {widget.width()}x{widget.height()} px")
        if widget.text() and widget.fontMetrics().horizontalAdvance(widget.text()) > widget.width():
            found.append(f"button {name} cuts off {widget.text()!r}")
    if isinstance(widget, QLabel | QAbstractButton) and widget.text() and text_px(widget) < MIN_TEXT_PX:
        found.append(f"{name} text {widget.text()!r} is {text_px(widget)} px")
    if isinstance(widget, QLabel) and widget.text():
        needed = (
            widget.heightForWidth(widget.width())
            if widget.wordWrap()
            else widget.fontMetrics().boundingRect(widget.text()).height()
        )
        if needed > widget.height() + 1:
            found.append(f"label {widget.text()[:30]!r} needs {needed} px of height, has {widget.height()}")
        if not widget.wordWrap() and widget.fontMetrics().horizontalAdvance(widget.text()) > widget.width():
            found.append(f"label {widget.text()[:30]!r} is cut off at {widget.width()} px")
    return found
