"""Power cuts: three large choices, danger first and impossible to miss, then "no power at my home" and "planned
outages in my area"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.outages.parts import ChoiceTile, TileRow, TileScreen
from kiosk.views.parts.widgets import label


class OutageStartScreen(TileScreen):
    danger_requested = Signal()
    no_power_requested = Signal()
    schedule_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._prompt = label("heading")
        self._danger = ChoiceTile("outage-danger", danger=True, sign=True, min_height=240)
        self._danger.clicked.connect(self.danger_requested)
        self._no_power = ChoiceTile("outage-no-power")
        self._no_power.clicked.connect(self.no_power_requested)
        self._schedule = ChoiceTile("outage-schedule")
        self._schedule.clicked.connect(self.schedule_requested)
        # The customer came to choose one of them: all three in view.
        mark_main_action(self._danger, self._no_power, self._schedule)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._prompt)
        # In a row on any landscape panel (stacked, three tiles would not fit a 1366 x 768 one), stacked on a
        # portrait one, danger first.
        tiles = TileRow(self._danger, self._no_power, self._schedule)
        layout.addWidget(tiles, stretch=1)
        self.fit_tiles(self._prompt, tiles)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("outage_start.title")

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("outage_start.prompt"))
        self._danger.set_texts(tr._("outage_start.danger"), tr._("outage_start.danger.hint"))
        self._no_power.set_texts(tr._("outage_start.no_power"), tr._("outage_start.no_power.hint"))
        self._schedule.set_texts(tr._("outage_start.schedule"), tr._("outage_start.schedule.hint"))
