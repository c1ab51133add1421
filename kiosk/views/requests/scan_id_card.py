"""Waiting for the QR on the back of the citizen ID card, and what to do when a scan was not one or the card's
QR cannot be used (said in words: no ID number, a date that cannot be read...)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.customer.citizen_id import IdCardProblem
from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import ScanIdCard
from kiosk.language.catalogs import N_, Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label, set_role

_PROBLEMS = {
    IdCardProblem.NOT_AN_ID_CARD: N_("scan_id.not_an_id_card"),
    IdCardProblem.NO_ID_NUMBER: N_("scan_id.no_id_number"),
    IdCardProblem.ID_NUMBER_LENGTH: N_("scan_id.id_number_length"),
    IdCardProblem.BIRTH_DATE: N_("scan_id.birth_date"),
    IdCardProblem.ISSUE_DATE: N_("scan_id.issue_date"),
    IdCardProblem.UNREADABLE: N_("scan_id.unreadable"),
}
# The card was read, and what it carries cannot be used: scanning it again gives the same answer, so the screen
# stops asking for a scan and says what to do instead (type the details, or ask staff).
CARD_REFUSED = frozenset(
    {
        IdCardProblem.NO_ID_NUMBER,
        IdCardProblem.ID_NUMBER_LENGTH,
        IdCardProblem.BIRTH_DATE,
        IdCardProblem.ISSUE_DATE,
    }
)


class ScanIdCardScreen(Screen):
    type_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ScanIdCard | None = None
        self._heading = label("title")
        self._how = label()
        self._problem = label("notice")
        self._problem.setObjectName("scan-id-problem")
        self._privacy = label("muted")
        self._next_step = label()
        self._next_step.setObjectName("scan-id-next-step")
        self._type = button()
        self._type.setObjectName("scan-id-type")
        self._type.clicked.connect(self.type_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        for widget in (self._heading, self._problem, self._next_step, self._how, self._privacy):
            layout.addWidget(widget)
        layout.addStretch()
        # The card reader is the way on; typing the answers instead is the one thing to touch here.
        mark_main_action(self._type)
        self.pin(self._type)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("scan_id.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ScanIdCard):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self.retranslate()

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("scan_id.heading"))
        self._how.setText(tr._("scan_id.how"))
        self._privacy.setText(tr._("scan_id.privacy"))
        self._type.setText(tr._("scan_id.type"))
        problem = self._state.problem if self._state is not None else None
        self._problem.setText(tr._(_PROBLEMS[problem]) if problem is not None else "")
        self._problem.setVisible(problem is not None)
        refused = problem in CARD_REFUSED
        self._next_step.setText(
            tr._("scan_id.next_step", button=tr._("scan_id.type"), staff=tr._("frame.call_staff"))
        )
        self._next_step.setVisible(refused)
        self._how.setVisible(not refused)
        # The way on is typing: the button says so by its weight too.
        set_role(self._type, "primary" if refused else "")
