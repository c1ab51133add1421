"""Where the customer is: a stack of screen states (:mod:`kiosk.flows.states`), and the moves between them."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Home

Listener = Callable[[ScreenState], None]


class Navigator:
    """The screen stack. Back pops; Home clears; listeners hear every change of the top state."""

    def __init__(self) -> None:
        self._stack: list[ScreenState] = [Home()]
        self._listeners: list[Listener] = []

    @property
    def current(self) -> ScreenState:
        return self._stack[-1]

    @property
    def depth(self) -> int:
        return len(self._stack)

    @property
    def states(self) -> tuple[ScreenState, ...]:
        """The whole stack, Home first."""
        return tuple(self._stack)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def go(self, state: ScreenState) -> None:
        self._stack.append(state)
        self._notify()

    def replace(self, state: ScreenState) -> None:
        """Change the top state without making a Back step (a countdown tick, a screen's own progress)."""
        self._stack[-1] = state
        self._notify()

    def swap(self, old: ScreenState, new: ScreenState) -> None:
        """Put ``new`` where ``old`` (this very state) is in the stack, under other screens too: an outcome that
        came while a screen was shown over it. Nothing when ``old`` has left the stack."""
        for i, state in enumerate(self._stack):
            if state is old:
                self._stack[i] = new
                if i == len(self._stack) - 1:
                    self._notify()
                return

    def back_to(self, depth: int) -> None:
        """Back to the state that was on top when the stack was ``depth`` deep (leaving a whole mode)."""
        if 1 <= depth < len(self._stack):
            del self._stack[depth:]
            self._notify()

    def back(self) -> None:
        if len(self._stack) > 1:
            self._stack.pop()
            self._notify()

    def home(self) -> None:
        self._stack = [Home()]
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self.current)
