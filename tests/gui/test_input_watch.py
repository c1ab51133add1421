"""One application-wide filter for the idle clocks and the lockdown (kiosk/shell/input_watch.py): input restarts
both clocks, the lockdown swallows its escapes inside the same filter (and a swallowed key is no activity), and
the filter skips other events by their Python class, so every event the watch must see has to arrive with one of
the classes it looks at. These tests build the clocks and the lockdown as `kiosk run` does (app.py, run.py);
tests/gui/test_lockdown.py and test_idle_and_wipe.py check each one's rules in full."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QInputDevice, QKeyEvent, QPaintEvent, QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.shell.input_watch import _INPUT_CLASSES, _INPUT_EVENTS, IdleClocks, InputWatch
from kiosk.shell.lockdown import (
    _EVENT_CLASSES,
    _GESTURE_EVENTS,
    _KEY_EVENTS,
    _WINDOW_EVENTS,
    install_lockdown,
)

K = Qt.Key
M = Qt.KeyboardModifier


class Spy(QObject):
    """Every event's type and the Python class it arrived with."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[QEvent.Type, set[type]] = {}
        self.keys: list[int] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.seen.setdefault(event.type(), set()).add(type(event))
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            self.keys.append(event.key())
        return False


class Kiosk:
    """A window with a field, its idle clocks and its lockdown, made as the kiosk makes them."""

    def __init__(self, qapp: QApplication) -> None:
        self.window = QWidget()
        self.field = QLineEdit()
        QVBoxLayout(self.window).addWidget(self.field)
        self.window.resize(400, 300)
        self.window.show()
        self.inputs = 0
        self.clocks = IdleClocks(
            qapp,
            customer_idle_ms=60_000,
            staff_idle_ms=30_000,
            on_customer_idle=lambda: None,
            on_staff_idle=lambda: None,
            on_tick=lambda: None,
            on_customer_input=self._input,
        )
        self.lockdown = install_lockdown(
            qapp, self.window, staff_active=lambda: False, watch=self.clocks.watch
        )

    def _input(self) -> None:
        self.inputs += 1

    @property
    def qwindow(self) -> QWindow:
        handle = self.window.windowHandle()
        assert handle is not None
        return handle

    def clocks_running(self) -> tuple[bool, bool]:
        return self.clocks.customer._timer.isActive(), self.clocks.staff._timer.isActive()


@pytest.fixture
def kiosk(qapp: QApplication, qtbot: QtBot) -> Iterator[Kiosk]:
    made = Kiosk(qapp)
    qtbot.addWidget(made.window)
    qtbot.waitExposed(made.window)
    yield made
    made.lockdown.uninstall()
    made.clocks.close()


def test_a_key_restarts_both_clocks_and_other_events_do_not(kiosk: Kiosk, qtbot: QtBot) -> None:
    assert kiosk.clocks_running() == (False, False)
    plain = QWidget()  # hidden: it paints nothing for the paint event
    for event in (QEvent(QEvent.Type.User), QPaintEvent(plain.rect()), QEvent(QEvent.Type.Polish)):
        QCoreApplication.sendEvent(plain, event)
    assert kiosk.inputs == 0
    assert kiosk.clocks_running() == (False, False)
    kiosk.field.setFocus()
    QTest.keyClick(kiosk.qwindow, K.Key_A)
    assert kiosk.field.text() == "a"
    assert kiosk.inputs >= 1
    assert kiosk.clocks_running() == (True, True)


def test_a_tap_is_activity(kiosk: Kiosk) -> None:
    QTest.mouseClick(kiosk.field, Qt.MouseButton.LeftButton)
    assert kiosk.inputs >= 1
    assert kiosk.clocks_running() == (True, True)


def test_an_escape_key_is_swallowed_inside_the_watch_and_is_no_activity(kiosk: Kiosk, qtbot: QtBot) -> None:
    spy = Spy()
    kiosk.field.installEventFilter(spy)
    kiosk.field.setFocus()
    QTest.keyClick(kiosk.qwindow, K.Key_Escape)
    kiosk.field.removeEventFilter(spy)
    assert K.Key_Escape.value not in spy.keys
    assert kiosk.lockdown.escapes_blocked == 1
    assert kiosk.inputs == 0
    assert kiosk.clocks_running() == (False, False)


def test_context_menus_are_swallowed_by_the_watch_itself(kiosk: Kiosk, qapp: QApplication) -> None:
    target = QWidget(
        kiosk.window
    )  # a widget that would just ignore a menu event (a field would open its menu)
    spy = Spy()
    target.installEventFilter(spy)

    def menu() -> QContextMenuEvent:
        return QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, QPoint(5, 5), target.mapToGlobal(QPoint(5, 5))
        )

    assert QCoreApplication.sendEvent(target, menu())
    assert QEvent.Type.ContextMenu not in spy.seen
    assert kiosk.lockdown.escapes_blocked == 1
    # The lockdown has no filter of its own: without the watch, nothing stops the menu.
    qapp.removeEventFilter(kiosk.clocks.watch)
    try:
        QCoreApplication.sendEvent(target, menu())
    finally:
        qapp.installEventFilter(kiosk.clocks.watch)
    assert QEvent.Type.ContextMenu in spy.seen
    assert kiosk.lockdown.escapes_blocked == 1


def test_the_clocks_keep_counting_after_the_lockdown_is_uninstalled(kiosk: Kiosk) -> None:
    kiosk.lockdown.uninstall()
    kiosk.field.setFocus()
    QTest.keyClick(kiosk.qwindow, K.Key_Escape)
    assert kiosk.lockdown.escapes_blocked == 0
    assert kiosk.inputs >= 1


def test_the_lockdown_keeps_guarding_after_the_clocks_stop(kiosk: Kiosk) -> None:
    """At shutdown the clocks may stop first; the window must stay locked until the lockdown is uninstalled."""
    kiosk.clocks.close()
    QTest.keyClick(kiosk.qwindow, K.Key_Escape)
    assert kiosk.lockdown.escapes_blocked == 1
    QTest.keyClick(kiosk.qwindow, K.Key_A)
    assert kiosk.inputs == 0


def test_a_lockdown_destroyed_with_its_window_leaves_the_watch(qapp: QApplication, qtbot: QtBot) -> None:
    made = Kiosk(qapp)
    watch = made.clocks.watch
    made.window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert watch._guard is None
    field = QLineEdit()
    qtbot.addWidget(field)
    QTest.keyClick(field, K.Key_Escape)  # the watch no longer asks the deleted lockdown
    assert made.inputs >= 1
    made.clocks.close()


def test_every_event_the_watch_must_see_arrives_with_a_class_it_looks_at(
    kiosk: Kiosk, qapp: QApplication, qtbot: QtBot
) -> None:
    """The events are made by Qt (C++), as a platform's are: the binding picks their Python class."""
    spy = Spy()
    qapp.installEventFilter(spy)
    kiosk.lockdown.uninstall()  # let everything through, closes and all
    try:
        kiosk.field.setFocus()
        QTest.keyClick(kiosk.qwindow, K.Key_A)  # key press, release, shortcut override
        QTest.mouseClick(kiosk.qwindow, Qt.MouseButton.LeftButton, M.NoModifier, QPoint(10, 10))
        QTest.mouseClick(
            kiosk.qwindow, Qt.MouseButton.RightButton, M.NoModifier, QPoint(10, 10)
        )  # context menu
        QTest.wheelEvent(kiosk.qwindow, QPointF(10, 10), QPoint(0, 120))
        device = QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)
        kiosk.window.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        QTest.touchEvent(kiosk.qwindow, device).press(0, QPoint(20, 20)).commit()
        QTest.touchEvent(kiosk.qwindow, device).move(0, QPoint(22, 22)).commit()
        QTest.touchEvent(kiosk.qwindow, device).release(0, QPoint(22, 22)).commit()
        kiosk.window.showMinimized()  # window state change
        kiosk.window.showNormal()
        kiosk.window.close()  # close and hide
    finally:
        qapp.removeEventFilter(spy)
    watched = _INPUT_CLASSES + _EVENT_CLASSES
    # Gestures and input-method events need a touch screen's gesture recognizer and an input method (the
    # virtual keyboard): the binding resolves them by type as it does the rest (QGestureEvent, QInputMethodEvent).
    expected = (_INPUT_EVENTS | _KEY_EVENTS | _WINDOW_EVENTS | {QEvent.Type.ContextMenu}) - _GESTURE_EVENTS
    expected -= {QEvent.Type.InputMethod}
    missing = {kind.name for kind in expected if kind not in spy.seen}
    assert not missing, f"not produced by this test: {missing}"
    for kind in expected:
        for cls in spy.seen[kind]:
            assert issubclass(cls, watched), (kind.name, cls.__name__)
    # And the classes of the events nobody watches are not among them: the fast path does skip them.
    for kind in (QEvent.Type.Paint, QEvent.Type.Polish, QEvent.Type.LayoutRequest, QEvent.Type.ChildAdded):
        for cls in spy.seen.get(kind, ()):
            assert not issubclass(cls, watched), (kind.name, cls.__name__)


def test_a_watch_with_nothing_left_is_deleted(qapp: QApplication) -> None:
    clocks = IdleClocks(
        qapp,
        customer_idle_ms=1000,
        staff_idle_ms=1000,
        on_customer_idle=lambda: None,
        on_staff_idle=lambda: None,
        on_tick=lambda: None,
    )
    watch = clocks.watch
    assert isinstance(watch, InputWatch)
    deleted: list[bool] = []
    watch.destroyed.connect(lambda: deleted.append(True))
    clocks.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert deleted == [True]
