"""The online services the central offers, one tappable row each, in the order of the public list."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout

from kiosk.central.models import Service
from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import ChooseService
from kiosk.language.catalogs import Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import SIDE_BY_SIDE_PX, RowButton, clear_layout, label, room_width, show_all


class ChooseServiceScreen(Screen):
    service_chosen = Signal(str)

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ChooseService | None = None
        self._hint = label("heading")
        self._grid = QGridLayout()
        self._grid.setSpacing(12)
        self._columns = 1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(20)
        layout.addWidget(self._hint)
        layout.addLayout(self._grid)
        layout.addStretch()
        self.retranslate()

    def title(self) -> str:
        return self._tr._("services.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ChooseService):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        clear_layout(self._grid)

    def _row(self, service: Service) -> RowButton:
        row = RowButton(f"service-{service.code}")
        number = label("heading", data=True)
        number.setText(f"{service.number}.")
        name = label("heading")
        name.setText(self._tr.pick(service.title))
        days = label("muted")
        days.setText(self._tr.ngettext("services.days", service.max_working_days, n=service.max_working_days))
        row.put(number, 0, 0)
        row.put(name, 0, 1)
        row.put(days, 1, 1)
        row.grid.setColumnStretch(1, 1)
        row.setAccessibleName(self._tr.pick(service.title))
        row.clicked.connect(lambda _=False, code=service.code: self.service_chosen.emit(code))
        return row

    def retranslate(self) -> None:
        self._hint.setText(self._tr._("services.hint"))
        self._fill()

    def _fill(self) -> None:
        clear_layout(self._grid)
        if self._state is None:
            return
        for i, service in enumerate(self._state.services):
            row = self._row(service)
            if i == 0:
                # What the customer came for is a service: the first of the list, at least, in view.
                mark_main_action(row)
            self._grid.addWidget(row, i // self._columns, i % self._columns)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)
        show_all(self._grid)

    def resizeEvent(self, event: QResizeEvent) -> None:
        columns = 2 if room_width(self, event.size().width()) >= SIDE_BY_SIDE_PX else 1
        if columns != self._columns:
            self._columns = columns
            self._fill()
        super().resizeEvent(event)
