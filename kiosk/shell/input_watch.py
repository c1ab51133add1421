"""Notices when nobody has touched the kiosk for a while.

One application-wide event filter, :class:`InputWatch`, serves both idle clocks (the customer's and staff's) and
the lockdown (:mod:`kiosk.shell.lockdown`): three filters cost every Qt event three calls into Python, and a
screen change sends a thousand events (paint, layout, polish, child, show, timer...), of which none is input.

Why on the application and not on the kiosk window (or its QWindow, where the platform delivers input first):

- popups, dialogs and the virtual keyboard are top-level windows of their own, with their own QWindow: a touch
  there is activity too, and the virtual keyboard's letters arrive as input-method events sent straight to the
  focus widget, never through a window;
- the lockdown's context menus, long presses and closes are sent to widgets, not windows: Qt makes the context
  menu event inside the window's own handling of the right press and sends it to the widget under it, and the
  gesture manager sends gesture events to the widget that grabbed them;
- events simulated by tests (and by accessibility tools) are sent straight to widgets.

So the filter sees every event, and its first line must be as cheap as Python allows: it looks at the event's
Python class (already resolved by the binding before the call, a dictionary look-up) rather than at
``event.type()``, whose conversion to an enum costs more than the rest of the call. Paint, layout, polish,
timer and child events are plain ``QEvent``, ``QPaintEvent``, ``QTimerEvent``, ``QChildEvent``...: they leave
at once. Only the few classes input and the lockdown's events come in (key, mouse, touch, wheel, input method,
context menu, gesture, close, hide, window state) go on to the exact check of the event's type.

:class:`InputWatcher` on any other object installs a filter of its own (one-off uses and tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QMouseEvent, QTouchEvent, QWheelEvent

__all__ = ["Guard", "IdleClocks", "InputWatch", "InputWatcher", "RelevantClasses"]

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
# The classes the binding gives the events above (it resolves an event's class from its type, so a key press
# always arrives as a QKeyEvent): tests/gui/test_input_watch.py checks each against Qt's own events.
_INPUT_CLASSES: tuple[type[QEvent], ...] = (
    QMouseEvent,
    QKeyEvent,
    QTouchEvent,
    QWheelEvent,
    QInputMethodEvent,
)


class RelevantClasses(dict[type, bool]):
    """Whether an event of a given Python class may be one a filter looks at: ``relevant[type(event)]``.

    Answered once per class (a subclass of a relevant class is relevant) and then from the dictionary, which is
    the cheapest test Python has for the thousands of events a filter has no business with."""

    def __init__(self, classes: tuple[type[QEvent], ...]) -> None:
        super().__init__()
        self._classes = classes

    def __missing__(self, cls: type) -> bool:
        relevant = self[cls] = issubclass(cls, self._classes)
        return relevant


class Guard(Protocol):
    """What the input watch asks before it counts an event as input (the lockdown)."""

    event_classes: tuple[type[QEvent], ...]

    def filter_event(self, watched: QObject, event: QEvent, kind: QEvent.Type) -> bool:
        """Whether the event is swallowed (it then reaches no widget, and is no activity either)."""
        ...


class InputWatch(QObject):
    """The kiosk's one application-wide event filter (see the module's docstring): restarts its clocks on input,
    after asking its guard whether to swallow the event. Installed while it has a clock or a guard."""

    def __init__(self, target: QObject) -> None:
        super().__init__(target)
        self._target = target
        self._clocks: list[InputWatcher] = []
        self._guard: Guard | None = None
        self._relevant = RelevantClasses(_INPUT_CLASSES)
        self._installed = False
        self._retired = False

    def add(self, clock: InputWatcher) -> None:
        self._clocks.append(clock)
        self._install()

    def remove(self, clock: InputWatcher) -> None:
        if clock in self._clocks:
            self._clocks.remove(clock)
        self._uninstall_if_unused()

    def guard_with(self, guard: Guard) -> None:
        """``guard`` sees the events of its ``event_classes`` first, and may swallow them."""
        self._guard = guard
        self._relevant = RelevantClasses(_INPUT_CLASSES + guard.event_classes)
        self._install()

    def unguard(self, guard: Guard) -> None:
        if self._guard is guard:
            self.drop_guard()

    def drop_guard(self, *_: object) -> None:
        """Forgets the guard (also when Qt destroys it with its window: a destroyed guard filters nothing)."""
        self._guard = None
        self._relevant = RelevantClasses(_INPUT_CLASSES)
        self._uninstall_if_unused()

    def retire(self) -> None:
        """Nothing more joins this watch (the kiosk is stopping): it is deleted once nothing uses it."""
        self._retired = True
        self._uninstall_if_unused()

    def _install(self) -> None:
        if not self._installed:
            self._installed = True
            self._target.installEventFilter(self)

    def _uninstall_if_unused(self) -> None:
        if self._clocks or self._guard is not None:
            return
        if self._installed:
            self._installed = False
            self._target.removeEventFilter(self)
        if self._retired:
            self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._relevant[type(event)]:
            return False  # nearly every event: paint, layout, polish, timer, child, show, move, resize...
        kind = event.type()
        guard = self._guard
        if guard is not None and guard.filter_event(watched, event, kind):
            return True
        if kind in _INPUT_EVENTS:
            for clock in self._clocks:
                clock.input()
        return False


class InputWatcher(QObject):
    """Calls `on_idle` once after `idle_ms` without input; any input restarts the wait (and calls `on_input`).

    On an :class:`InputWatch` it is one of that filter's clocks; on any other object, it installs a filter of
    its own there."""

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
        self._relevant = RelevantClasses(_INPUT_CLASSES)
        if isinstance(target, InputWatch):
            target.add(self)
        else:
            target.installEventFilter(self)

    def restart(self) -> None:
        self._timer.start()

    def set_interval(self, idle_ms: int) -> None:
        """A new idle time (assisted mode waits longer), counted from now."""
        self._timer.setInterval(idle_ms)
        self._timer.start()

    def input(self) -> None:
        """Someone touched the kiosk: the wait starts again."""
        self._timer.start()
        self._on_input()

    def close(self) -> None:
        """Stops watching (the kiosk is stopping)."""
        self._timer.stop()
        if isinstance(self._target, InputWatch):
            self._target.remove(self)
        else:
            self._target.removeEventFilter(self)
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._relevant[type(event)] and event.type() in _INPUT_EVENTS:
            self.input()
        return False


class IdleClocks:
    """The kiosk's clocks for people who walked away: the customer's (the idle question after the idle time,
    then a countdown a second at a time to the wipe) and staff's (staff mode closes by itself, sooner: a staff
    member called away must not leave it open). Both run on one :class:`InputWatch`, which the lockdown shares
    (``install_lockdown(..., watch=clocks.watch)``)."""

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
        self.watch = InputWatch(target)
        self.customer = InputWatcher(self.watch, customer_idle_ms, on_customer_idle, on_customer_input)
        self.staff = InputWatcher(self.watch, staff_idle_ms, on_staff_idle)
        self.countdown = QTimer(target)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(on_tick)

    def close(self) -> None:
        """Stops every clock (the kiosk is stopping). The watch stays installed while the lockdown still uses it."""
        self.customer.close()
        self.staff.close()
        self.watch.retire()
        self.countdown.stop()
        self.countdown.deleteLater()

    def count_down(self, on: bool) -> None:
        """Ticks once a second while the idle question is on screen, or while a longer wait (a screen where the
        customer is busy off screen) is running out."""
        if on:
            self.countdown.start()
        else:
            self.countdown.stop()
