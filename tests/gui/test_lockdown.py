"""A customer in a public hall cannot leave the kiosk for the operating system: escape keys, context menus,
long presses, closing and minimizing the window are swallowed or undone; typing still works; staff mode and the
demo's quit key are let through.

Keys are sent to the window's QWindow, the way a keyboard's keys arrive from the platform (shortcut override,
then the key press to the focus widget). A probe filter on the window sees what got past the lockdown: object
filters run after application filters.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QKeySequence, QShortcut, QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QGestureEvent, QTapAndHoldGesture, QWidget
from pytestqt.qtbot import QtBot

from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Home
from kiosk.shell.app import KioskApp
from kiosk.shell.lockdown import Lockdown, install_lockdown, is_escape_key
from tests.helpers.screens import type_code
from tests.helpers.widgets import tap

K = Qt.Key
M = Qt.KeyboardModifier
NO = M.NoModifier


class StaffMode:
    """What the app's staff flow will answer: is a member of staff signed in on the kiosk?"""

    def __init__(self) -> None:
        self.active = False

    def __call__(self) -> bool:
        return self.active


class Probe(QObject):
    """Records the key presses, context menus and gestures that reach the objects it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[tuple[int, M]] = []
        self.context_menus = 0
        self.gestures = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            self.keys.append((event.key(), event.modifiers()))
        elif event.type() == QEvent.Type.ContextMenu:
            self.context_menus += 1
        elif event.type() == QEvent.Type.Gesture:
            self.gestures += 1
        return False

    def saw_key(self, key: K) -> bool:
        return any(seen == key.value for seen, _ in self.keys)


@pytest.fixture
def staff() -> StaffMode:
    return StaffMode()


@pytest.fixture
def lockdown(kiosk: KioskApp, qapp: QApplication, staff: StaffMode) -> Iterator[Lockdown]:
    guard = install_lockdown(qapp, kiosk.window, staff_active=staff)
    yield guard
    # Other tests (and this kiosk's own teardown, which closes the window) must not meet the filter.
    qapp.removeEventFilter(guard)
    guard.uninstall()


@pytest.fixture
def probe(kiosk: KioskApp) -> Iterator[Probe]:
    spy = Probe()
    watched: list[QObject] = [kiosk.window, _qwindow(kiosk)]
    watched += kiosk.window.findChildren(QWidget)
    for target in watched:
        target.installEventFilter(spy)
    yield spy
    for target in watched:
        target.removeEventFilter(spy)


def _qwindow(kiosk: KioskApp) -> QWindow:
    handle = kiosk.window.windowHandle()
    assert handle is not None
    return handle


def press(qtbot: QtBot, kiosk: KioskApp, key: K, modifiers: M = NO) -> None:
    QTest.keyClick(_qwindow(kiosk), key, modifiers)


def _button(kiosk: KioskApp, name: str) -> QAbstractButton:
    widget = kiosk.window.findChild(QAbstractButton, name)
    assert widget is not None, name
    return widget


def _still_there(kiosk: KioskApp, state: object) -> None:
    assert kiosk.window.isVisible()
    assert not kiosk.window.isMinimized()
    assert kiosk.navigator.current == state


ESCAPES = {
    "Alt+F4": (K.Key_F4, M.AltModifier),
    "Escape": (K.Key_Escape, NO),
    "Alt+Tab": (K.Key_Tab, M.AltModifier),
    "Alt+Shift+Tab": (K.Key_Backtab, M.AltModifier | M.ShiftModifier),
    "Ctrl+Tab": (K.Key_Tab, M.ControlModifier),
    "Ctrl+Shift+Tab": (K.Key_Backtab, M.ControlModifier | M.ShiftModifier),
    "Ctrl+W": (K.Key_W, M.ControlModifier),
    "Ctrl+Q": (K.Key_Q, M.ControlModifier),
    "Ctrl+F4": (K.Key_F4, M.ControlModifier),
    "Alt+Space": (K.Key_Space, M.AltModifier),
    "Alt+F2": (K.Key_F2, M.AltModifier),
    "F11": (K.Key_F11, NO),
    "Meta": (K.Key_Meta, NO),
    "Super": (K.Key_Super_L, NO),
    "Meta+D": (K.Key_D, M.MetaModifier),
    "Menu key": (K.Key_Menu, NO),
    "Ctrl+Alt+Delete": (K.Key_Delete, M.ControlModifier | M.AltModifier),
    "Ctrl+Alt+Backspace": (K.Key_Backspace, M.ControlModifier | M.AltModifier),
    "Ctrl+Alt+F1": (K.Key_F1, M.ControlModifier | M.AltModifier),
}


@pytest.mark.parametrize(("key", "modifiers"), list(ESCAPES.values()), ids=list(ESCAPES))
def test_escape_keys_are_swallowed_and_the_kiosk_stays_on_its_screen(
    kiosk: KioskApp, lockdown: Lockdown, probe: Probe, qtbot: QtBot, key: K, modifiers: M
) -> None:
    type_code(kiosk, qtbot, "PE0100")
    state = kiosk.navigator.current
    press(qtbot, kiosk, key, modifiers)
    assert not probe.saw_key(key)
    # QTest presses the modifiers first, as a hand does: the Meta key alone is a way out already.
    assert lockdown.escapes_blocked == 1 + bool(modifiers & M.MetaModifier)
    _still_there(kiosk, state)


def test_a_shortcut_on_an_escape_key_does_not_fire(kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot) -> None:
    # The key press and the shortcut override are both swallowed: the shortcut map never matches.
    shortcut = QShortcut(QKeySequence("Ctrl+W"), kiosk.window)
    with qtbot.assertNotEmitted(shortcut.activated):
        press(qtbot, kiosk, K.Key_W, M.ControlModifier)
    shortcut.setParent(None)


TYPING = [
    *((K(K.Key_0.value + digit), NO) for digit in range(10)),
    (K.Key_P, NO),
    (K.Key_E, M.ShiftModifier),
    (K.Key_Backspace, NO),
    (K.Key_Return, NO),
    (K.Key_Enter, M.KeypadModifier),
    (K.Key_7, M.KeypadModifier),
    (K.Key_Tab, NO),
    (K.Key_Space, NO),
    (K.Key_Minus, NO),
    (K.Key_Bar, M.ShiftModifier),  # ID card QR fields are separated by "|"
    (K.Key_F2, NO),
    (K.Key_F3, NO),
    (K.Key_F4, NO),
]


def test_typing_on_a_keyboard_or_a_keyboard_wedge_scanner_gets_through(
    kiosk: KioskApp, lockdown: Lockdown, probe: Probe, qtbot: QtBot
) -> None:
    type_code(kiosk, qtbot, "PE01")
    for key, modifiers in TYPING:
        press(qtbot, kiosk, key, modifiers)
        assert probe.saw_key(key), QKeySequence(key.value | modifiers.value).toString()
    assert lockdown.escapes_blocked == 0


def test_the_keypad_still_types_the_customer_code(kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PE0100012")
    for digit in "3456":
        tap(qtbot, kiosk.window, f"key-{digit}")
    tap(qtbot, kiosk.window, "key-delete")
    assert kiosk.navigator.current == EnterCode("PE0100", "012345", units=kiosk.bills.units)
    assert lockdown.escapes_blocked == 0


def test_space_still_presses_the_focused_button(kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PE01")
    back = _button(kiosk, "nav-back")
    back.setFocus()
    qtbot.waitUntil(back.hasFocus)
    press(qtbot, kiosk, K.Key_Space)
    assert kiosk.navigator.current == Home()


def test_the_demo_function_keys_still_work(kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot) -> None:
    for key in (K.Key_F2, K.Key_F3, K.Key_F4):
        shortcut = QShortcut(QKeySequence(key), kiosk.window)
        with qtbot.waitSignal(shortcut.activated, timeout=1000):
            press(qtbot, kiosk, key)
        shortcut.setParent(None)


@pytest.mark.parametrize("staff_signed_in", [False, True], ids=["customer", "staff"])
def test_right_click_opens_no_context_menu(
    kiosk: KioskApp, lockdown: Lockdown, probe: Probe, staff: StaffMode, qtbot: QtBot, staff_signed_in: bool
) -> None:
    staff.active = staff_signed_in
    tile = _button(kiosk, "tile-bills")
    # Through the QWindow, as a real mouse: that is where Qt turns an unaccepted right press into a menu event.
    QTest.mouseClick(
        _qwindow(kiosk), Qt.MouseButton.RightButton, NO, tile.mapTo(kiosk.window, tile.rect().center())
    )
    assert probe.context_menus == 0
    assert lockdown.escapes_blocked == 1
    _still_there(kiosk, Home())


@pytest.mark.parametrize(
    "reason",
    [QContextMenuEvent.Reason.Mouse, QContextMenuEvent.Reason.Keyboard, QContextMenuEvent.Reason.Other],
    ids=lambda reason: reason.name,
)
def test_a_synthesized_context_menu_or_long_press_menu_reaches_no_widget(
    kiosk: KioskApp, lockdown: Lockdown, probe: Probe, reason: QContextMenuEvent.Reason
) -> None:
    tile = _button(kiosk, "tile-bills")
    event = QContextMenuEvent(reason, QPoint(10, 10), tile.mapToGlobal(QPoint(10, 10)))
    assert QCoreApplication.sendEvent(tile, event)  # "handled": by the lockdown
    assert probe.context_menus == 0
    assert lockdown.escapes_blocked == 1
    _still_there(kiosk, Home())


@pytest.mark.parametrize("staff_signed_in", [False, True], ids=["customer", "staff"])
def test_a_tap_and_hold_gesture_reaches_no_widget_outside_staff_mode(
    kiosk: KioskApp,
    lockdown: Lockdown,
    staff: StaffMode,
    qtbot: QtBot,
    staff_signed_in: bool,
) -> None:
    staff.active = staff_signed_in
    # No kiosk widget takes long presses today; one that someone adds must not open anything either.
    holder = QWidget(kiosk.window)
    holder.grabGesture(Qt.GestureType.TapAndHoldGesture)
    spy = Probe()
    holder.installEventFilter(spy)
    gesture = QTapAndHoldGesture()
    QCoreApplication.sendEvent(holder, QGestureEvent([gesture]))
    assert spy.gestures == (1 if staff_signed_in else 0)
    holder.removeEventFilter(spy)
    holder.setParent(None)
    holder.deleteLater()


def test_closing_the_window_is_refused(kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot) -> None:
    window = kiosk.window
    type_code(kiosk, qtbot, "PE01")
    state = kiosk.navigator.current
    window.allow_close = True  # the window's own refusal off: only the lockdown stands in the way
    try:
        assert not window.close()
        _still_there(kiosk, state)
        assert not _qwindow(kiosk).close()  # what a platform close request goes through
        _still_there(kiosk, state)
    finally:
        window.allow_close = False
    assert lockdown.escapes_blocked == 2


def _minimize(window: QWidget) -> None:
    window.showMinimized()


def _show_normal(window: QWidget) -> None:
    window.showNormal()


def _hide(window: QWidget) -> None:
    window.hide()


def _minimized_state(window: QWidget) -> None:
    window.setWindowState(Qt.WindowState.WindowMinimized)


@pytest.mark.parametrize(
    "leave", [_minimize, _show_normal, _hide, _minimized_state], ids=lambda f: f.__name__[1:]
)
def test_a_full_screen_kiosk_is_put_back_full_screen(
    kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot, leave: object
) -> None:
    assert callable(leave)
    window = kiosk.window
    type_code(kiosk, qtbot, "PE01")
    state = kiosk.navigator.current
    window.showFullScreen()
    qtbot.waitUntil(lambda: lockdown.keeps_full_screen)
    leave(window)
    qtbot.waitUntil(lambda: window.isVisible() and window.isFullScreen() and not window.isMinimized())
    _still_there(kiosk, state)
    assert lockdown.escapes_blocked == 1


def test_a_windowed_kiosk_may_be_minimized(kiosk: KioskApp, lockdown: Lockdown, qtbot: QtBot) -> None:
    """Tests and `kiosk --windowed` use a normal window: only one shown full screen is kept full screen."""
    window = kiosk.window
    window.showMinimized()
    QCoreApplication.processEvents()  # what the lockdown would have queued runs here
    assert window.isMinimized()
    assert not lockdown.keeps_full_screen
    assert lockdown.escapes_blocked == 0
    window.showNormal()


def test_staff_mode_lets_keys_and_window_changes_through(
    kiosk: KioskApp, lockdown: Lockdown, probe: Probe, staff: StaffMode, qtbot: QtBot
) -> None:
    window = kiosk.window
    window.showFullScreen()
    qtbot.waitUntil(lambda: lockdown.keeps_full_screen)
    staff.active = True
    press(qtbot, kiosk, K.Key_Escape)
    press(qtbot, kiosk, K.Key_F4, M.AltModifier)
    assert probe.saw_key(K.Key_Escape)
    assert probe.saw_key(K.Key_F4)
    window.showNormal()
    QCoreApplication.processEvents()
    lockdown.restore()  # the watchdog's check, while staff are still there
    assert not window.isFullScreen()
    assert lockdown.escapes_blocked == 0
    # Staff leave: the kiosk goes back to full screen (the app calls restore(); the watchdog would too).
    staff.active = False
    lockdown.restore()
    qtbot.waitUntil(window.isFullScreen)
    assert lockdown.escapes_blocked == 1


def test_the_demo_may_quit_with_ctrl_q(
    kiosk: KioskApp, qapp: QApplication, lockdown: Lockdown, qtbot: QtBot
) -> None:
    window = kiosk.window
    quit_key = QShortcut(QKeySequence("Ctrl+Q"), window)
    with qtbot.assertNotEmitted(quit_key.activated):
        press(qtbot, kiosk, K.Key_Q, M.ControlModifier)
    lockdown.uninstall()
    demo = install_lockdown(qapp, window, staff_active=lambda: False, allow_quit=True)
    try:
        with qtbot.waitSignal(quit_key.activated, timeout=1000):
            press(qtbot, kiosk, K.Key_Q, M.ControlModifier)
        window.allow_close = True  # as show_kiosk_window sets it in the demo
        assert window.close()
        assert not window.isVisible()
        assert demo.escapes_blocked == 0
    finally:
        demo.uninstall()
        quit_key.setParent(None)


@pytest.mark.parametrize(
    ("key", "modifiers", "allow_quit", "escape"),
    [
        (K.Key_A, NO, False, False),
        (K.Key_A, M.ShiftModifier, False, False),
        (K.Key_Alt, M.AltModifier, False, False),  # Alt alone: nothing yet
        (K.Key_Shift, M.ShiftModifier | M.AltModifier, False, False),
        (K.Key_V, M.ControlModifier, False, False),
        (K.Key_BracketRight, M.ControlModifier, False, False),  # GS from a scanner sending GS1 codes
        (K.Key_Q, M.ControlModifier, True, False),
        (K.Key_Q, M.ControlModifier, False, True),
        (K.Key_Escape, M.ShiftModifier, True, True),
        (K.Key_PageDown, M.ControlModifier, False, True),
        (K.Key_A, M.AltModifier, False, True),
        (K.Key_Meta, M.MetaModifier, False, True),
    ],
)
def test_which_keys_are_ways_out(key: K, modifiers: M, allow_quit: bool, escape: bool) -> None:
    assert is_escape_key(key.value, modifiers, allow_quit=allow_quit) is escape
