"""Asking before the citizen ID card is read: what is read, what for, and that it is forgotten afterwards."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label


class IdConsentScreen(Screen):
    scan_requested = Signal()
    type_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._what = label()
        self._privacy = label()
        self._privacy.setObjectName("consent-privacy")
        self._scan = button("primary")
        self._scan.setObjectName("consent-scan")
        self._scan.clicked.connect(self.scan_requested)
        self._type = button()
        self._type.setObjectName("consent-type")
        self._type.clicked.connect(self.type_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(32)
        for widget in (self._heading, self._what, self._privacy):
            layout.addWidget(widget)
        layout.addStretch()
        self.pin(self._type, self._scan)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("consent.title")

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("consent.heading"))
        self._what.setText(tr._("consent.what"))
        self._privacy.setText(tr._("consent.privacy"))
        self._scan.setText(tr._("consent.scan"))
        self._type.setText(tr._("consent.type"))
