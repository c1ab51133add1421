"""The customer seems to have left: count down to the wipe, with a big way to stay."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import IdleWarning
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class IdleWarningScreen(Screen):
    more_time_requested = Signal()
    end_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._seconds = 0
        self._heading = label("title")
        self._body = label()
        self._number = label("big-number")
        self._number.setObjectName("idle-seconds")
        self._number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._unit = label("heading")
        self._unit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._more_time = button("primary")
        self._more_time.setObjectName("idle-more-time")
        self._more_time.setMinimumHeight(140)
        self._more_time.clicked.connect(self.more_time_requested)
        self._end = button()
        self._end.setObjectName("idle-end")
        self._end.clicked.connect(self.end_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(24)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addStretch()
        layout.addWidget(self._number)
        layout.addWidget(self._unit)
        layout.addStretch()
        # Always in view below the countdown, however large the text: the customer has seconds to find them.
        self.pin(self._end, self._more_time)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("idle.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, IdleWarning):
            self._seconds = state.seconds_left
            self._show_seconds()

    def _show_seconds(self) -> None:
        self._number.setText(self._tr.number(self._seconds))
        self._unit.setText(self._tr.ngettext("idle.seconds", self._seconds))

    def retranslate(self) -> None:
        self._heading.setText(self._tr._("idle.heading"))
        self._body.setText(self._tr._("idle.body"))
        self._more_time.setText(self._tr._("idle.more_time"))
        self._end.setText(self._tr._("idle.end"))
        self._show_seconds()
