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
        self._rows: list[ServiceRow] = []
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
        # The rows stay: they show the public list of services, nothing of the customer, and the next customer
        # most likely sees the same list (rows anew would cost the GUI thread a frame or two).
        self._state = None

    def retranslate(self) -> None:
        self._hint.setText(self._tr._("services.hint"))
        self._fill()

    def _fill(self) -> None:
        state = self._state
        if state is None:
            return
        if [row.code for row in self._rows] != [service.code for service in state.services]:
            # Another list of services: rows anew. The same list (Back, a language switch) keeps its rows.
            clear_layout(self._grid)
            self._rows = [ServiceRow(service.code) for service in state.services]
            for row in self._rows:
                row.clicked.connect(lambda _=False, code=row.code: self.service_chosen.emit(code))
            if self._rows:
                # What the customer came for is a service: the first of the list, at least, in view.
                mark_main_action(self._rows[0])
            self._place()
        for row, service in zip(self._rows, state.services, strict=True):
            row.present(self._tr, service)

    def _place(self) -> None:
        """The rows in as many columns as the width allows."""
        for row in self._rows:
            self._grid.removeWidget(row)
        for i, row in enumerate(self._rows):
            self._grid.addWidget(row, i // self._columns, i % self._columns)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)
        show_all(self._grid)

    def resizeEvent(self, event: QResizeEvent) -> None:
        columns = 2 if room_width(self, event.size().width()) >= SIDE_BY_SIDE_PX else 1
        if columns != self._columns:
            self._columns = columns
            self._place()
        super().resizeEvent(event)


class ServiceRow(RowButton):
    """One service: its number in the public list, its name and how many working days it takes."""

    def __init__(self, code: str) -> None:
        super().__init__(f"service-{code}")
        self.code = code
        self.number = label("heading", data=True)
        self.name = label("heading")
        self.days = label("muted")
        self.put(self.number, 0, 0)
        self.put(self.name, 0, 1)
        self.put(self.days, 1, 1)
        self.grid.setColumnStretch(1, 1)

    def present(self, tr: Translator, service: Service) -> None:
        self.number.setText(f"{service.number}.")
        self.name.setText(tr.pick(service.title))
        self.days.setText(tr.ngettext("services.days", service.max_working_days, n=service.max_working_days))
        self.setAccessibleName(tr.pick(service.title))
