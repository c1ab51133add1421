"""The bill notice came out of the printer: where to take it, and what its QR code is for."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class BillNoticePrintedScreen(Screen):
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._body = label()
        self._done = button("primary")
        self._done.setObjectName("notice-done")
        self._done.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addStretch()
        self.pin(self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("notice_printed.title")

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("notice_printed.heading"))
        self._body.setText(tr._("notice_printed.body"))
        self._done.setText(tr._("notice_printed.done"))
