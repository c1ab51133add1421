"""A payment that stopped short of "received": what happened to the customer's money, and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.payment import PaymentEnd, PaymentStopped
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label

# (heading, body): the body always says whether money was taken, because that is what the customer worries about.
_WORDS = {
    PaymentEnd.EXPIRED: (N_("stopped.expired"), N_("stopped.expired.body")),
    PaymentEnd.CANCELLED: (N_("stopped.cancelled"), N_("stopped.cancelled.body")),
    PaymentEnd.CANCEL_UNCONFIRMED: (N_("stopped.cancel_unconfirmed"), N_("stopped.cancel_unconfirmed.body")),
    PaymentEnd.PAID_ELSEWHERE: (N_("stopped.paid_elsewhere"), N_("stopped.paid_elsewhere.body")),
    PaymentEnd.IN_PROGRESS: (N_("stopped.in_progress"), N_("stopped.in_progress.body")),
    PaymentEnd.UNKNOWN: (N_("stopped.unknown"), N_("stopped.unknown.body")),
    PaymentEnd.QR_REFUSED: (N_("stopped.qr_refused"), N_("stopped.qr_refused.body")),
    PaymentEnd.REFUSED: (N_("stopped.refused"), N_("stopped.refused.body")),
}


class PaymentStoppedScreen(Screen):
    new_qr_requested = Signal()
    try_again_requested = Signal()
    home_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: PaymentStopped | None = None
        self._heading = label("title")
        self._heading.setObjectName("stopped-heading")
        self._body = label()
        self._body.setObjectName("stopped-body")
        self._new_qr = button("primary")
        self._new_qr.setObjectName("stopped-new-qr")
        self._new_qr.clicked.connect(self.new_qr_requested)
        self._try_again = button("primary")
        self._try_again.setObjectName("stopped-try-again")
        self._try_again.clicked.connect(self.try_again_requested)
        self._home = button()
        self._home.setObjectName("stopped-home")
        self._home.clicked.connect(self.home_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addStretch()
        # Below the pages, always in view: home first, the way forward (a new code, try again) last.
        self.pin(self._home, self._new_qr, self._try_again)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("stopped.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, PaymentStopped):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None

    def retranslate(self) -> None:
        tr = self._tr
        why = self._state.why if self._state is not None else PaymentEnd.UNKNOWN
        heading, body = _WORDS[why]
        self._heading.setText(tr._(heading))
        self._body.setText(tr._(body))
        self._new_qr.setText(tr._("stopped.new_qr"))
        self._try_again.setText(tr._("stopped.try_again"))
        self._home.setText(tr._("stopped.home"))
        self._new_qr.setVisible(why is PaymentEnd.EXPIRED)
        self._try_again.setVisible(why is PaymentEnd.UNKNOWN)
