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
    """Calls `on_idle` once after `idle_ms` without input; any input restarts the wait."""

    def __init__(self, target: QObject, idle_ms: int, on_idle: Callable[[], None]) -> None:
        super().__init__(target)
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False
