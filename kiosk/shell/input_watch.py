"""Notices when nobody has touched the kiosk for a while.

An application-wide event filter sees every press, key, touch, wheel and input-method event before any widget
does, so no screen can forget to report activity.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.KeyPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
    }
)


class InputWatcher(QObject):
    """Calls `on_idle` once after `idle_ms` without input; any input restarts the wait (and calls `on_input`)."""

    def __init__(
        self,
        target: QObject,
        idle_ms: int,
        on_idle: Callable[[], None],
        on_input: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(target)
        self._target = target
        self._on_input = on_input
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(on_idle)
        target.installEventFilter(self)

    def restart(self) -> None:
        self._timer.start()

    def set_interval(self, idle_ms: int) -> None:
        """A new idle time (assisted mode waits longer), counted from now."""
        self._timer.setInterval(idle_ms)
        self._timer.start()

    def close(self) -> None:
        """Stops watching (the kiosk is stopping)."""
        self._timer.stop()
        self._target.removeEventFilter(self)
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._timer.start()
            self._on_input()
        return False


class IdleClocks:
    """The kiosk's clocks for people who walked away: the customer's (the idle question after the idle time,
    then a countdown a second at a time to the wipe) and staff's (staff mode closes by itself, sooner: a staff
    member called away must not leave it open)."""

    def __init__(
        self,
        target: QObject,
        *,
        customer_idle_ms: int,
        staff_idle_ms: int,
        on_customer_idle: Callable[[], None],
        on_staff_idle: Callable[[], None],
        on_tick: Callable[[], None],
        on_customer_input: Callable[[], None] = lambda: None,
    ) -> None:
        self.customer = InputWatcher(target, customer_idle_ms, on_customer_idle, on_customer_input)
        self.staff = InputWatcher(target, staff_idle_ms, on_staff_idle)
        self.countdown = QTimer(target)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(on_tick)

    def close(self) -> None:
        """Stops every clock (the kiosk is stopping)."""
        self.customer.close()
        self.staff.close()
        self.countdown.stop()
        self.countdown.deleteLater()

    def count_down(self, on: bool) -> None:
        """Ticks once a second while the idle question is on screen, or while a longer wait (a screen where the
        customer is busy off screen) is running out."""
        if on:
            self.countdown.start()
        else:
            self.countdown.stop()
