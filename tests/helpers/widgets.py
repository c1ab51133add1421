"""Reading and tapping the widget tree the way a customer sees it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

if TYPE_CHECKING:
    from kiosk.shell.app import KioskApp


def visible_widgets(root: QWidget) -> Iterator[QWidget]:
    for widget in root.findChildren(QWidget):
        if widget.isVisibleTo(root) and widget.window() is root.window():
            yield widget


def visible_texts(root: QWidget) -> list[str]:
    texts = []
    for widget in visible_widgets(root):
        if isinstance(widget, QLabel | QAbstractButton) and widget.text():
            texts.append(widget.text())
    return texts


def all_texts(root: QWidget) -> list[str]:
    """Every text held by any widget, shown or not: what a wipe must clear."""
    texts = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        texts.extend((widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()))
    return [t for t in texts if t]


def tap(qtbot: QtBot, root: QWidget, object_name: str) -> None:
    """Press and release at the centre of a visible button, like a finger."""
    widget = root.findChild(QAbstractButton, object_name)
    assert widget is not None, f"no button {object_name!r}"
    assert widget.isVisibleTo(root), f"button {object_name!r} is hidden"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(widget.width() // 2, widget.height() // 2))


def settle(kiosk: KioskApp) -> None:
    """Lets every request a tap started finish (the kiosk's own event loop runs them)."""
    asyncio.get_event_loop().run_until_complete(kiosk.settle())
