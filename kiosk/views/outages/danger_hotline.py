"""Danger at the grid (a fallen wire, sparks, fire): what to do to stay safe, and the numbers to call, in very
large digits, before anything else. Telling the power company through the kiosk comes after, if the customer
wants to."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.outages import DangerHotline
from kiosk.language.catalogs import Translator
from kiosk.requests.records import Delivery
from kiosk.views.outages.parts import phone_number, report_reference
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, column, label

FIRE_AND_RESCUE = "114"
"""Vietnam's fire and rescue number, for fire and for people hurt."""


class DangerHotlineScreen(Screen):
    report_requested = Signal()
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state = DangerHotline(None)
        self._heading = label("title")
        self._heading.setObjectName("danger-heading")
        self._steps = label("notice")
        self._steps.setObjectName("danger-steps")

        self._call = label("heading")
        self._hotline = label("big-number", wrap=False, data=True)
        self._hotline.setObjectName("danger-hotline")
        self._no_hotline = label("heading")
        self._no_hotline.setObjectName("danger-no-hotline")
        self._fire = label("heading")
        self._fire_number = label("big-number", wrap=False, data=True)
        self._fire_number.setObjectName("danger-fire-number")
        self._fire_number.setText(FIRE_AND_RESCUE)

        self._report_status = label("heading")
        self._report_status.setObjectName("danger-report-status")
        self._report = button()
        self._report.setObjectName("danger-report")
        self._report.clicked.connect(self.report_requested)
        self._done = button("primary")
        self._done.setObjectName("danger-done")
        self._done.clicked.connect(self.done_requested)

        safety = column(self._heading, self._steps, spacing=24)
        numbers = column(
            self._call, self._hotline, self._no_hotline, self._fire, self._fire_number, spacing=12
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(Columns(safety, numbers, stretch=(4, 5)))
        layout.addWidget(self._report_status)
        layout.addStretch()
        self.pin(self._report, self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("danger.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, DangerHotline):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = DangerHotline(None)
        self._report_status.clear()
        self.retranslate()

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._heading.setText(tr._("danger.heading"))
        self._steps.setText(tr._("danger.steps") if state.hotline else tr._("danger.steps_bill"))
        self._fire.setText(tr._("danger.fire"))
        self._report.setText(tr._("danger.report"))
        self._done.setText(tr._("danger.done"))
        self._call.setText(tr._("danger.call"))
        self._no_hotline.setText(tr._("danger.no_hotline"))
        self._hotline.setText(phone_number(state.hotline) if state.hotline else "")
        # Read out digit by digit, as a number to dial.
        self._hotline.setAccessibleName(
            tr._("danger.hotline_name", number=" ".join(state.hotline)) if state.hotline else ""
        )
        self._hotline.setVisible(bool(state.hotline))
        self._no_hotline.setVisible(not state.hotline)
        self._call.setVisible(bool(state.hotline))
        # Telling the power company needs the customer code; once it is given, the report is on its way.
        self._report.setVisible(state.code is None)
        self._report_status.setVisible(state.code is not None)
        self._report_status.setText(self._report_words())

    def _report_words(self) -> str:
        tr, state = self._tr, self._state
        if state.code is None:
            return ""
        item = state.reported
        if item is None:
            return tr._("danger.sending")
        match item.state:
            case Delivery.DELIVERED:
                return tr._("danger.delivered", reference=report_reference(item))
            case Delivery.QUEUED:
                return tr._("danger.queued", reference=report_reference(item))
            case Delivery.REFUSED:
                return tr._("danger.refused")
