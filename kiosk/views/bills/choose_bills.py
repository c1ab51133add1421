"""Which bills to pay now: all unpaid bills are chosen, oldest first; leaving one out leaves out every newer one,
because older debts are settled first."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.central.models import Bill
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import ChooseBills
from kiosk.language.catalogs import Translator
from kiosk.views.parts.bill_text import bill_name, period, show_status, status_tag
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import RowButton, button, label, show_all


class ChoiceRow(RowButton):
    def __init__(self, tr: Translator, bill: Bill, index: int) -> None:
        super().__init__(f"choice-row-{index}")
        self.setCheckable(True)
        self._tr = tr
        self._bill = bill
        self.choice = label("heading", wrap=False)  # the word says chosen or not: never the colour alone
        self.name = label("heading")
        self.amount = label("heading")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.period = label("muted")
        self.status = status_tag()
        self.put(self.choice, 0, 0)
        self.put(self.name, 0, 1)
        self.put(self.amount, 0, 2)
        self.put(self.period, 1, 1)
        self.put(self.status, 1, 2, Qt.AlignmentFlag.AlignRight)
        self.grid.setColumnStretch(1, 3)
        self.grid.setColumnStretch(2, 2)

    def present(self, chosen: bool) -> None:
        tr, bill = self._tr, self._bill
        self.setChecked(chosen)
        words = (tr._("choose.chosen"), tr._("choose.not_chosen"))
        self.choice.setText(words[0] if chosen else words[1])
        # As wide as the longer word in every row, so that the bills' names line up.
        self.choice.ensurePolished()
        metrics = self.choice.fontMetrics()
        self.choice.setMinimumWidth(max(metrics.horizontalAdvance(w) for w in words) + 8)
        self.name.setText(bill_name(tr, bill))
        self.amount.setText(tr.money(bill.total))
        self.period.setText(period(tr, bill))
        show_status(tr, self.status, bill)


class ChooseBillsScreen(Screen):
    bill_toggled = Signal(int)
    continue_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ChooseBills | None = None
        self._rows: list[ChoiceRow] = []
        self._intro = label()
        self._list = QVBoxLayout()
        self._list.setSpacing(16)
        self._total = label("title")
        self._total.setObjectName("choose-total")
        self._continue = button("primary")
        self._continue.setObjectName("choose-continue")
        self._continue.clicked.connect(self.continue_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._intro)
        layout.addLayout(self._list)
        layout.addStretch()
        layout.addWidget(self._total)
        layout.addWidget(self._continue)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("choose.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ChooseBills):
            if self._state is None or state.unpaid is not self._state.unpaid:
                self._set_rows(state.unpaid.bills)
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._set_rows([])
        self._total.clear()

    def _set_rows(self, bills: list[Bill]) -> None:
        for row in self._rows:
            self._list.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._rows = [ChoiceRow(self._tr, bill, i) for i, bill in enumerate(bills)]
        for i, row in enumerate(self._rows):
            row.clicked.connect(lambda _=False, index=i: self.bill_toggled.emit(index))
            self._list.addWidget(row)
        show_all(self._list)

    def retranslate(self) -> None:
        tr = self._tr
        self._intro.setText(tr._("choose.intro"))
        state = self._state
        if state is None:
            return
        bills = state.unpaid.bills
        for i, row in enumerate(self._rows):
            row.present(i < state.selected)
        chosen = bills[: state.selected]
        total = sum(b.total for b in chosen)
        self._total.setText(tr.ngettext("choose.total", len(chosen), n=len(chosen), amount=tr.money(total)))
        self._continue.setText(tr._("choose.continue"))
