"""Bills paid in the last 12 months, newest first; a tap shows how one was worked out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout

from kiosk.central.models import Bill
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import PaidHistory
from kiosk.language.catalogs import Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.bill_text import BillButton, period
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import SIDE_BY_SIDE_PX, label, room_width, show_all


class PaidRow(BillButton):
    def __init__(self, tr: Translator, bill: Bill, index: int) -> None:
        super().__init__(tr, bill, f"paid-row-{index}")
        self.detail = label("muted")
        self.paid = label("muted")
        self.paid.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.put(self.detail, 1, 0)
        self.put(self.paid, 1, 1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        tr, bill = self._tr, self._bill
        self.detail.setText(tr._("history.detail", period=period(tr, bill), kwh=tr.kwh(bill.kwh)))
        paid_on = tr.date(bill.paid_at.date()) if bill.paid_at else ""
        self.paid.setText(tr._("history.paid_on", date=paid_on) if paid_on else tr._("bill.status.paid"))


class PaidHistoryScreen(Screen):
    bill_chosen = Signal(str)

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._bills: tuple[Bill, ...] = ()
        self._rows: list[PaidRow] = []
        self._heading = label("heading")
        self._none = label("notice")
        self._none.setObjectName("history-none")
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._heading)
        layout.addWidget(self._none)
        layout.addLayout(self._grid)
        layout.addStretch()
        self._columns = 1
        self.retranslate()

    def title(self) -> str:
        return self._tr._("history.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, PaidHistory):
            if state.bills is not self._bills:
                self._set_rows(state.bills)
            self.retranslate()

    def clear(self) -> None:
        self._set_rows(())

    def _set_rows(self, bills: tuple[Bill, ...]) -> None:
        for row in self._rows:
            self._grid.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._bills = bills
        self._rows = [PaidRow(self._tr, bill, i) for i, bill in enumerate(bills)]
        for row in self._rows:
            row.clicked.connect(lambda _=False, bill_id=row.bill_id: self.bill_chosen.emit(bill_id))
        self._place_rows()

    def _place_rows(self) -> None:
        # Newest first, reading down the first column and then the second, like a printed list.
        per_column = -(-len(self._rows) // self._columns) if self._rows else 0
        for i, row in enumerate(self._rows):
            self._grid.addWidget(row, i % per_column, i // per_column)
        if self._rows:
            # The newest paid bill, the one a customer most often comes to check.
            mark_main_action(self._rows[0])
        show_all(self._grid)

    def resizeEvent(self, event: QResizeEvent) -> None:
        columns = 2 if room_width(self, event.size().width()) >= SIDE_BY_SIDE_PX else 1
        if columns != self._columns:
            self._columns = columns
            for row in self._rows:
                self._grid.removeWidget(row)
            self._place_rows()
        super().resizeEvent(event)

    def retranslate(self) -> None:
        tr = self._tr
        n = len(self._bills)
        self._heading.setText(tr.ngettext("history.heading", n, n=n))
        self._none.setText(tr._("history.none"))
        self._none.setVisible(n == 0)
        for row in self._rows:
            row.retranslate()
