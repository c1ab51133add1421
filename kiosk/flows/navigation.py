"""Where the customer is: a stack of screen states, and the moves between them.

Each state is a small frozen value naming a screen and the data it shows; the view router
(`kiosk.views.router`) maps every state to exactly one screen module with an exhaustive `match`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Feature(StrEnum):
    """The journeys the home screen offers."""

    BILLS = "bills"
    REQUESTS = "requests"
    OUTAGES = "outages"
    TRACK_REQUEST = "track_request"


@dataclass(frozen=True)
class Home:
    pass


@dataclass(frozen=True)
class ComingSoon:
    feature: Feature


@dataclass(frozen=True)
class StaffCalled:
    pass


@dataclass(frozen=True)
class IdleWarning:
    """Shown over the customer's place after the idle time; `seconds_left` counts down to the wipe."""

    seconds_left: int


@dataclass(frozen=True)
class PrintPreview:
    """What a kiosk without a printer (demo mode) "printed": the PNG the preview printer saved."""

    image: Path


ScreenState = Home | ComingSoon | StaffCalled | IdleWarning | PrintPreview

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
