"""The request is safe: received by the power company (its tracking code), or saved on this kiosk to be sent (the
kiosk's own reference). The customer is told which, in words, and where the slip is."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import RequestSubmitted, SlipProgress
from kiosk.language.catalogs import N_, Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.requests.records import Delivery, send_by
from kiosk.views.parts.pictograms import CHECK_PX, Pictogram, Sign, with_sign
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label

_SLIP = {
    SlipProgress.PRINTING: N_("submitted.slip.printing"),
    SlipProgress.PRINTED: N_("submitted.slip.printed"),
    SlipProgress.NOT_PRINTED: N_("submitted.slip.not_printed"),
    SlipProgress.PREVIEW: N_("submitted.slip.preview"),
}


class RequestSubmittedScreen(Screen):
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: RequestSubmitted | None = None
        self._heading = label("title")
        self._heading.setObjectName("submitted-heading")
        self._body = label()
        self._body.setObjectName("submitted-body")
        self._code_label = label("heading")
        self._code = label("code", data=True)
        self._code.setObjectName("submitted-code")
        self._code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._days = label()
        self._slip = label("heading")
        self._slip.setObjectName("submitted-slip")
        self._done = button("primary")
        self._done.setObjectName("submitted-done")
        self._done.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(28)
        # The check only when the office has the request: one saved on the kiosk is not yet received.
        self._check = Pictogram(Sign.CHECK, CHECK_PX)
        heading = with_sign(self._check, self._heading)
        for widget in (heading, self._body, self._code_label, self._code, self._days, self._slip):
            layout.addWidget(widget)
        layout.addStretch()
        self.pin(self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("submitted.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, RequestSubmitted):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._code.clear()

    def retranslate(self) -> None:
        tr = self._tr
        self._done.setText(tr._("submitted.done"))
        state = self._state
        if state is None:
            return
        received = state.item.state is Delivery.DELIVERED and state.item.tracking_code is not None
        self._check.setVisible(received)
        if received:
            self._heading.setText(tr._("submitted.received"))
            self._body.setText(tr._("submitted.received.body", service=tr.pick(state.service.title)))
            self._code_label.setText(tr._("submitted.tracking_code"))
            self._code.setText(state.item.tracking_code or "")
        else:
            self._heading.setText(tr._("submitted.saved"))
            body = tr._("submitted.saved.body", service=tr.pick(state.service.title))
            deadline = send_by(state.item)
            if deadline is not None:
                body += " " + tr._("submitted.send_by", time=tr.datetime(deadline.astimezone(VIETNAM)))
            self._body.setText(body)
            self._code_label.setText(tr._("submitted.reference"))
            self._code.setText(state.item.reference)
        days = state.service.max_working_days
        self._days.setText(tr.ngettext("submitted.days", days, n=days))
        self._slip.setText(tr._(_SLIP[state.slip]))
