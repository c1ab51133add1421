"""Touch-first focus on the real kiosk: a touched button does not keep the focus (its ring made it look chosen),
a new screen starts with the focus on no button, and the keyboard's Tab still shows a ring where it went."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.flows.states.bills import EnterCode
from kiosk.shell.app import KioskApp
from kiosk.views.theme import DEFAULT_PALETTE
from tests.helpers.widgets import tap


def focused_button() -> QAbstractButton | None:
    widget = QApplication.focusWidget()
    return widget if isinstance(widget, QAbstractButton) else None


def shows_focus_colour(widget: QWidget) -> bool:
    """Whether the focus ring's colour is painted on ``widget`` (read from its pixels, not its state)."""
    image = widget.grab().toImage()
    ring = QColor(DEFAULT_PALETTE.focus)
    # Along the left edge's middle, where a border is drawn: a few pixels in from the edge.
    y = image.height() // 2
    return any(image.pixelColor(x, y) == ring for x in range(min(8, image.width())))


def test_a_touched_button_does_not_keep_the_focus(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    assert isinstance(kiosk.navigator.current, EnterCode)
    # The new screen starts with the focus on the window itself, where no ring is drawn.
    assert focused_button() is None
    assert QApplication.focusWidget() is kiosk.window
    units = [
        b for b in kiosk.window.current_screen.findChildren(QPushButton) if b.objectName().startswith("unit-")
    ]
    unit = next(b for b in units if b.isVisible() and b.objectName() not in {"unit-other", "unit-change"})
    qtbot.mouseClick(unit, Qt.MouseButton.LeftButton)
    key = kiosk.window.findChild(QPushButton, "key-7")
    assert key is not None
    assert key.isVisible()
    qtbot.mouseClick(key, Qt.MouseButton.LeftButton)
    assert kiosk.navigator.current.digits == "7"  # type: ignore[union-attr]
    assert not key.hasFocus()
    assert focused_button() is None
    assert not shows_focus_colour(key)


def test_tab_shows_a_ring_where_the_focus_went(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "nav-home")
    assert focused_button() is None
    qtbot.keyClick(kiosk.window, Qt.Key.Key_Tab)
    button = focused_button()
    assert button is not None
    assert button.isVisible()
    assert shows_focus_colour(button)
    # A touch elsewhere after that does not move the ring to what was touched.
    tap(qtbot, kiosk.window, "tile-bills")
    assert focused_button() is None
