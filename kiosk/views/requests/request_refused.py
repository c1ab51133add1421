"""The central would not take a request: say so plainly, with the reason's code for staff, and a way home."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import RequestRefused
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class RequestRefusedScreen(Screen):
    home_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: RequestRefused | None = None
        self._heading = label("title")
        self._heading.setObjectName("refused-heading")
        self._body = label()
        self._code = label("muted")
        self._code.setObjectName("refused-code")
        self._home = button("primary")
        self._home.setObjectName("refused-home")
        self._home.clicked.connect(self.home_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        for widget in (self._heading, self._body, self._code):
            layout.addWidget(widget)
        layout.addStretch()
        self.pin(self._home)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("refused.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, RequestRefused):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._code.clear()

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("refused.heading"))
        self._body.setText(tr._("refused.body"))
        self._home.setText(tr._("refused.home"))
        # The central's reason, for staff to look up; customers are told what to do in the body.
        self._code.setText(tr._("refused.code", code=self._state.code) if self._state is not None else "")
