"""After "Call staff": tell the customer that someone is coming and that they can keep their place."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class StaffCalledScreen(Screen):
    continue_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._body = label()
        self._continue = button("primary")
        self._continue.setObjectName("staff-called-continue")
        self._continue.clicked.connect(self.continue_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addStretch()
        self.pin(self._continue)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("staff_called.title")

    def retranslate(self) -> None:
        self._heading.setText(self._tr._("staff_called.heading"))
        self._body.setText(self._tr._("staff_called.body"))
        self._continue.setText(self._tr._("staff_called.continue"))
