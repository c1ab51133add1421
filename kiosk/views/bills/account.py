"""The account: whose it is (masked as the central gives it), what is owed, and the unpaid bills oldest first."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.central.models import Bill, BillList, Customer
from kiosk.customer.code import group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import AccountOverview
from kiosk.language.catalogs import Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.bill_text import BillButton, period, show_status, status_tag
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, column, label, show_all


class BillRow(BillButton):
    """One unpaid bill: its month and period, kWh, amount and status."""

    def __init__(self, tr: Translator, bill: Bill, index: int) -> None:
        super().__init__(tr, bill, f"bill-row-{index}")
        self.period = label("muted")
        self.kwh = label()
        self.status = status_tag()
        self.hint = label("muted")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.put(self.period, 1, 0)
        self.put(self.status, 1, 1, Qt.AlignmentFlag.AlignRight)
        self.put(self.kwh, 2, 0)
        self.put(self.hint, 2, 1)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        tr, bill = self._tr, self._bill
        self.period.setText(period(tr, bill))
        self.kwh.setText(tr.kwh(bill.kwh))
        self.hint.setText(tr._("account.bill_hint"))
        show_status(tr, self.status, bill)


class AccountScreen(Screen):
    bill_chosen = Signal(str)
    pay_requested = Signal()
    history_requested = Signal()
    consumption_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._customer: Customer | None = None
        self._unpaid: BillList | None = None
        self._rows: list[BillRow] = []

        self._code = label("heading")
        self._code.setObjectName("account-code")
        self._name = label("heading")
        self._name.setObjectName("account-name")
        self._address = label()
        self._address.setObjectName("account-address")
        self._corporation = label("muted")
        self._district = label("muted")
        card = column(self._code, self._name, self._address, self._corporation, self._district, spacing=8)
        card.setProperty("role", "card")
        card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        card_layout = card.layout()
        assert card_layout is not None
        card_layout.setContentsMargins(24, 20, 24, 20)

        self._due_label = label()
        self._due = label("big-number", wrap=False)
        self._due.setObjectName("account-total-due")
        self._pay = button("primary")
        self._pay.setObjectName("account-pay")
        self._pay.clicked.connect(self.pay_requested)
        self._history = button()
        self._history.setObjectName("account-history")
        self._history.clicked.connect(self.history_requested)
        self._consumption = button()
        self._consumption.setObjectName("account-consumption")
        self._consumption.clicked.connect(self.consumption_requested)
        # With nothing to pay, the paid bills are what the customer came for.
        mark_main_action(self._history)
        summary = column(card, self._due_label, self._due, spacing=16)

        self._list_heading = label("heading")
        self._list = QVBoxLayout()
        self._list.setSpacing(16)
        self._nothing_due = label("notice")
        self._nothing_due.setObjectName("account-nothing-due")
        bills = QWidget()
        bills_layout = QVBoxLayout(bills)
        bills_layout.setContentsMargins(0, 0, 0, 0)
        bills_layout.setSpacing(16)
        bills_layout.addWidget(self._list_heading)
        bills_layout.addWidget(self._nothing_due)
        bills_layout.addLayout(self._list)
        bills_layout.addStretch()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(Columns(summary, bills, stretch=(4, 5)))
        # Below the pages, always in view however many bills there are: paying last, the way forward.
        self.pin(self._history, self._consumption, self._pay)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("account.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, AccountOverview):
            if state.customer is not self._customer or state.unpaid is not self._unpaid:
                self._fill(state.customer, state.unpaid)
            self.retranslate()

    def clear(self) -> None:
        self._customer = None
        self._unpaid = None
        self._set_rows([])
        for widget in (self._code, self._name, self._address, self._corporation, self._district, self._due):
            widget.clear()

    def _fill(self, customer: Customer, unpaid: BillList) -> None:
        self._customer = customer
        self._unpaid = unpaid
        if len(unpaid.bills) == len(self._rows):
            # As many bills as the rows shown: the rows take the new bills (retranslate fills them in).
            for row, bill in zip(self._rows, unpaid.bills, strict=True):
                row.set_bill(bill)
        else:
            self._set_rows([BillRow(self._tr, bill, i) for i, bill in enumerate(unpaid.bills)])

    def _set_rows(self, rows: list[BillRow]) -> None:
        for row in self._rows:
            self._list.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._rows = rows
        for row in rows:
            # The row's bill when tapped: a row is given another bill when the next account has as many.
            row.clicked.connect(lambda _=False, row=row: self.bill_chosen.emit(row.bill_id))
            self._list.addWidget(row)
        show_all(self._list)

    def retranslate(self) -> None:
        tr = self._tr
        self._due_label.setText(tr._("account.total_due"))
        self._list_heading.setText(tr._("account.unpaid_heading"))
        self._history.setText(tr._("account.history"))
        self._consumption.setText(tr._("account.consumption"))
        self._nothing_due.setText(tr._("account.nothing_due"))
        customer, unpaid = self._customer, self._unpaid
        if customer is None or unpaid is None:
            return
        language = tr.language
        self._code.setText(tr._("account.code", code=group_code(customer.code)))
        self._name.setText(customer.name)
        self._address.setText(customer.address)
        self._corporation.setText(getattr(customer.corporation.name, language))
        self._district.setText(
            tr._("account.district_unit", unit=getattr(customer.district_unit.name, language))
        )
        self._due.setText(tr.money(unpaid.total_due))
        count = len(unpaid.bills)
        self._pay.setVisible(count > 0)
        self._pay.setText(tr.ngettext("account.pay", count, n=count))
        self._nothing_due.setVisible(count == 0)
        self._list_heading.setVisible(count > 0)
        for row in self._rows:
            row.retranslate()
