"""The central would not take a request (for a reason the customer cannot fix here): say so plainly, with the reason
in words, and a way home."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import RequestRefused
from kiosk.language.catalogs import Translator
from kiosk.staff.problems import REFUSALS
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
        self._reason = label()
        self._reason.setObjectName("refused-reason")
        self._home = button("primary")
        self._home.setObjectName("refused-home")
        self._home.clicked.connect(self.home_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        for widget in (self._heading, self._reason, self._body):
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
        self._reason.clear()

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("refused.heading"))
        self._body.setText(tr._("refused.body"))
        self._home.setText(tr._("refused.home"))
        # The central's reason in the words staff read too, never its code; a reason this kiosk does not know is
        # said to be unknown.
        if self._state is None:
            self._reason.setText("")
        else:
            known = REFUSALS.get(self._state.code)
            reason = tr._(known) if known is not None else tr._("refused.reason_unknown")
            self._reason.setText(tr._("refused.reason", reason=reason))
