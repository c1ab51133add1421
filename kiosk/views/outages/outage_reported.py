"""After a report: received by the power company, or saved on this kiosk to be sent (said honestly, whichever it
is), the reference to quote, and, when a power cut in the area is already known, when power is expected back."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.outages import OutageReported
from kiosk.language.catalogs import N_, Translator
from kiosk.requests.records import Delivery
from kiosk.views.outages.parts import phone_number, report_reference
from kiosk.views.parts.pictograms import CHECK_PX, Pictogram, Sign, with_sign
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.text import in_language, when
from kiosk.views.parts.widgets import button, label

# (heading, what happens next) for each way the report stands.
_WORDS = {
    Delivery.DELIVERED: (N_("outage_reported.delivered"), N_("outage_reported.delivered.body")),
    Delivery.QUEUED: (N_("outage_reported.queued"), N_("outage_reported.queued.body")),
    Delivery.REFUSED: (N_("outage_reported.refused"), N_("outage_reported.refused.body")),
}
_KIND = {
    "my_house": N_("outage_reported.kind.my_house"),
    "street": N_("outage_reported.kind.street"),
    "danger": N_("outage_reported.kind.danger"),
}


class OutageReportedScreen(Screen):
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: OutageReported | None = None
        self._heading = label("title")
        self._heading.setObjectName("reported-heading")
        self._body = label()
        self._body.setObjectName("reported-body")
        self._kind = label()
        self._reference = label("heading")
        self._reference.setObjectName("reported-reference")
        self._known = label("notice")
        self._known.setObjectName("reported-known")
        self._done = button("primary")
        self._done.setObjectName("reported-done")
        self._done.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        # The check only when the office has the report: one waiting on the kiosk or refused is not received.
        self._check = Pictogram(Sign.CHECK, CHECK_PX)
        heading = with_sign(self._check, self._heading)
        for widget in (heading, self._body, self._kind, self._reference, self._known):
            layout.addWidget(widget)
        layout.addStretch()
        self.pin(self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("outage_reported.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, OutageReported):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        for text in (self._heading, self._body, self._kind, self._reference, self._known):
            text.clear()
        self._known.hide()

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._done.setText(tr._("outage_reported.done"))
        if state is None:
            return
        heading, body = _WORDS[state.item.state]
        self._heading.setText(tr._(heading))
        self._check.setVisible(state.item.state is Delivery.DELIVERED)
        self._body.setText(tr._(body, hotline=phone_number(state.customer.corporation.hotline)))
        self._kind.setText(tr._(_KIND[state.kind]))
        self._reference.setText(tr._("outage_reported.reference", reference=report_reference(state.item)))
        self._reference.setVisible(state.item.state is not Delivery.REFUSED)
        known = state.known
        self._known.setVisible(known is not None)
        self._known.setText(
            tr._(
                "outage_reported.known",
                reason=in_language(tr, known.reason),
                when=when(tr, known.expected_end_at),
            )
            if known is not None
            else ""
        )
