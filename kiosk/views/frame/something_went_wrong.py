"""The customer's screen for a fault the kiosk did not expect: say sorry, send them to staff, and reassure them
that what they already paid or asked for is kept. No technical detail: that is in the log, for staff."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class SomethingWentWrongScreen(Screen):
    start_over_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._heading.setObjectName("fault-heading")
        self._ask_staff = label("heading")
        self._ask_staff.setObjectName("fault-ask-staff")
        self._safe = label()
        self._safe.setObjectName("fault-safe")
        self._start_again = button("primary")
        self._start_again.setObjectName("fault-start-again")
        self._start_again.clicked.connect(self.start_over_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self._heading)
        layout.addWidget(self._ask_staff)
        layout.addWidget(self._safe)
        layout.addStretch()
        self.pin(self._start_again)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("fault.title")

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("fault.heading"))
        self._ask_staff.setText(tr._("fault.ask_staff"))
        self._safe.setText(tr._("fault.safe"))
        self._start_again.setText(tr._("fault.start_again"))
