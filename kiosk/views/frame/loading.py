"""Waiting for the central (or the printer): a moving progress bar, what is being fetched, and a way out."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QProgressBar, QVBoxLayout

from kiosk.customer.code import group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import UNSTOPPABLE, Loading, Waiting
from kiosk.language.catalogs import N_, Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label

_HEADINGS = {
    Waiting.ACCOUNT: N_("loading.account"),
    Waiting.HISTORY: N_("loading.history"),
    Waiting.CONSUMPTION: N_("loading.consumption"),
    Waiting.BILL_NOTICE: N_("loading.bill_notice"),
    Waiting.PAYMENT_METHODS: N_("loading.payment_methods"),
    Waiting.PAYMENT_QR: N_("loading.payment_qr"),
    Waiting.CANCELLING: N_("loading.cancelling"),
    Waiting.SERVICES: N_("loading.services"),
    Waiting.SENDING_OTP: N_("loading.sending_otp"),
    Waiting.CHECKING_OTP: N_("loading.checking_otp"),
    Waiting.SENDING_REQUEST: N_("loading.sending_request"),
    Waiting.REQUEST_STATUS: N_("loading.request_status"),
    Waiting.OUTAGES: N_("loading.outages"),
    Waiting.SENDING_REPORT: N_("loading.sending_report"),
}


class LoadingScreen(Screen):
    cancel_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: Loading | None = None
        self._heading = label("title")
        self._code = label("heading")
        self._progress = QProgressBar()
        self._progress.setObjectName("loading-progress")
        self._progress.setRange(
            0, 0
        )  # busy: it moves while the kiosk waits, so the screen never looks frozen
        self._progress.setTextVisible(False)
        self._body = label()
        self._cancel = button()
        self._cancel.setObjectName("loading-cancel")
        self._cancel.clicked.connect(self.cancel_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 96, 48, 48)
        layout.setSpacing(40)
        for widget in (self._heading, self._code, self._progress, self._body):
            layout.addWidget(widget)
        layout.addStretch()
        # The way out stays in view below the page, however large the text.
        mark_main_action(self._cancel)
        self.pin(self._cancel)
        self.retranslate()

    def title(self) -> str:
        if self._state is not None and self._state.what in UNSTOPPABLE:
            return self._tr._("loading.title.sending")
        return self._tr._("loading.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, Loading):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._code.clear()

    def retranslate(self) -> None:
        tr = self._tr
        what = self._state.what if self._state else Waiting.ACCOUNT
        self._heading.setText(tr._(_HEADINGS[what]))
        code = self._state.code if self._state else ""
        self._code.setText(tr._("account.code", code=group_code(code)) if code else "")
        self._code.setVisible(bool(code))
        self._progress.setAccessibleName(tr._(_HEADINGS[what]))
        self._body.setText(tr._("loading.body.saved") if what in UNSTOPPABLE else tr._("loading.body"))
        self._cancel.setText(tr._("loading.cancel"))
        self._cancel.setVisible(what not in UNSTOPPABLE)
        # No empty bar where there is no way out. Shown only once the frame holds it: a widget without a parent
        # would show as a window of its own, and take the keyboard from the kiosk's window.
        bar = self.pinned_actions()
        stoppable = what not in UNSTOPPABLE
        if bar is not None and (bar.parentWidget() is not None or not stoppable):
            bar.setVisible(stoppable)
