"""An honest answer for a journey this kiosk cannot do yet: where else the customer can get it done."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.flows.navigation import ComingSoon, Feature, ScreenState
from kiosk.i18n import N_, Translator
from kiosk.views.home import TILES
from kiosk.views.screen import Screen
from kiosk.views.widgets import button, label

_FEATURE_TITLE = {feature: title_key for feature, title_key, _ in TILES} | {
    Feature.PAYMENT: N_("feature.payment")
}


class ComingSoonScreen(Screen):
    home_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._feature = Feature.BILLS
        self._heading = label("title")
        self._feature_name = label("heading")
        self._body = label()
        self._home = button("primary")
        self._home.setObjectName("coming-soon-home")
        self._home.clicked.connect(self.home_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self._heading)
        layout.addWidget(self._feature_name)
        layout.addWidget(self._body)
        layout.addStretch()
        layout.addWidget(self._home)
        self.retranslate()

    def title(self) -> str:
        return self._tr._(_FEATURE_TITLE[self._feature])

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ComingSoon):
            self._feature = state.feature
            self.retranslate()

    def retranslate(self) -> None:
        self._heading.setText(self._tr._("coming_soon.heading"))
        self._feature_name.setText(self._tr._(_FEATURE_TITLE[self._feature]))
        self._body.setText(self._tr._("coming_soon.body"))
        self._home.setText(self._tr._("coming_soon.home"))
