"""Reading and tapping the widget tree the way a customer sees it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from typing import TYPE_CHECKING

from pydantic import BaseModel
from PySide6.QtCore import QObject, QPoint, Qt
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


def held_anywhere(root: QWidget, needles: Iterable[str]) -> list[str]:
    """Where any of ``needles`` is still held under ``root``: in a widget's texts (shown or not) or in the Python
    attributes of any of its widgets, followed into dataclasses, containers and the kiosk's own objects (a
    screen's last state, a form's answers). What a wipe must leave empty."""
    wanted = [needle for needle in needles if needle]
    found: list[str] = [f"text {text!r}" for text in all_texts(root) if any(n in text for n in wanted)]
    seen: set[int] = set()

    def walk(value: object, where: str, depth: int) -> None:
        if depth > 8 or id(value) in seen or isinstance(value, QObject | Enum | bytes | int | float | type):
            return
        seen.add(id(value))
        if isinstance(value, str):
            if any(needle in value for needle in wanted):
                found.append(f"{where} = {value!r}")
            return
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(key, f"{where}[key]", depth + 1)
                walk(item, f"{where}[{key!r}]", depth + 1)
        elif isinstance(value, list | tuple | set | frozenset):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]", depth + 1)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), f"{where}.{f.name}", depth + 1)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), f"{where}.{name}", depth + 1)
        elif type(value).__module__.startswith("kiosk.") and hasattr(value, "__dict__"):
            for name, item in vars(value).items():
                walk(item, f"{where}.{name}", depth + 1)

    for widget in [root, *root.findChildren(QWidget)]:
        for name, item in vars(widget).items():
            walk(item, f"{type(widget).__name__}.{name}", 0)
    return found


def tap(qtbot: QtBot, root: QWidget, object_name: str) -> None:
    """Press and release at the centre of a visible button, like a finger."""
    widget = root.findChild(QAbstractButton, object_name)
    assert widget is not None, f"no button {object_name!r}"
    assert widget.isVisibleTo(root), f"button {object_name!r} is hidden"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(widget.width() // 2, widget.height() // 2))


def settle(kiosk: KioskApp) -> None:
    """Lets every request a tap started finish (the kiosk's own event loop runs them)."""
    asyncio.get_event_loop().run_until_complete(kiosk.settle())
