"""Why the kiosk cannot show what was asked for, and what to do next: never a traceback, never a dead end."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.customer.code import group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import LookupFailed, LookupProblem
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label

# (heading, what happened and what to do) for each problem.
_TEXTS: dict[LookupProblem, tuple[str, str]] = {
    LookupProblem.NOT_FOUND: (N_("failed.not_found"), N_("failed.not_found.body")),
    LookupProblem.INVALID_CODE: (N_("failed.invalid_code"), N_("failed.invalid_code.body")),
    LookupProblem.NOT_A_BILL: (N_("failed.not_a_bill"), N_("failed.not_a_bill.body")),
    LookupProblem.ID_CARD: (N_("failed.id_card"), N_("failed.id_card.body")),
    LookupProblem.UNREACHABLE: (N_("failed.unreachable"), N_("failed.unreachable.body")),
    LookupProblem.BAD_ANSWER: (N_("failed.bad_answer"), N_("failed.bad_answer.body")),
    LookupProblem.BUSY: (N_("failed.busy"), N_("failed.busy.body")),
    LookupProblem.KIOSK_REFUSED: (N_("failed.kiosk_refused"), N_("failed.kiosk_refused.body")),
    LookupProblem.PRINT_FAILED: (N_("failed.print_failed"), N_("failed.print_failed.body")),
}

# Problems the customer can fix by typing the code again.
_RETYPE = frozenset(
    {LookupProblem.NOT_FOUND, LookupProblem.INVALID_CODE, LookupProblem.NOT_A_BILL, LookupProblem.ID_CARD}
)


class LookupFailedScreen(Screen):
    retry_requested = Signal()
    retype_requested = Signal()
    home_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state = LookupFailed(LookupProblem.UNREACHABLE, None, can_retry=False)
        self._heading = label("title")
        self._heading.setObjectName("failed-heading")
        self._code = label("heading")
        self._body = label()
        self._body.setObjectName("failed-body")
        self._retry = button("primary")
        self._retry.setObjectName("failed-retry")
        self._retry.clicked.connect(self.retry_requested)
        self._retype = button("primary")
        self._retype.setObjectName("failed-retype")
        self._retype.clicked.connect(self.retype_requested)
        self._home = button()
        self._home.setObjectName("failed-home")
        self._home.clicked.connect(self.home_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        for text in (self._heading, self._code, self._body):
            layout.addWidget(text)
        layout.addStretch()
        # Below the pages, always in view: home first, the way forward (try again, type again) last.
        self.pin(self._home, self._retry, self._retype)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("failed.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, LookupFailed):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = LookupFailed(LookupProblem.UNREACHABLE, None, can_retry=False)
        self._code.clear()

    def retranslate(self) -> None:
        tr = self._tr
        heading, body = _TEXTS[self._state.problem]
        self._heading.setText(tr._(heading))
        self._body.setText(tr._(body))
        code = self._state.code
        self._code.setVisible(bool(code))
        self._code.setText(tr._("account.code", code=group_code(code)) if code else "")
        self._retry.setVisible(self._state.can_retry)
        self._retry.setText(tr._("failed.retry"))
        self._retype.setVisible(self._state.problem in _RETYPE)
        self._retype.setText(tr._("failed.retype"))
        self._home.setText(tr._("failed.home"))
