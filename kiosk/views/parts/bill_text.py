"""How a bill is named and tagged wherever it appears (account, detail, choosing bills, history)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from kiosk.central.models import Bill, BillStatus
from kiosk.customer import bill_name as names
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.widgets import RowButton, label

# Status words, and the tag style that repeats them in colour (the word is always there: never colour alone).
# A bill with a payment in flight says so and never "overdue": that could lead to a wrong disconnection.
_STATUS: dict[BillStatus, tuple[str, str]] = {
    "unpaid": (N_("bill.status.unpaid"), "tag"),
    "overdue": (N_("bill.status.overdue"), "tag-danger"),
    "pending_payment": (N_("bill.status.pending_payment"), "tag-warning"),
    "paid": (N_("bill.status.paid"), "tag"),
}


def bill_name(tr: Translator, bill: Bill) -> str:
    """The bill's one name (`kiosk.customer.bill_name`): the month its reading was taken in."""
    return names.bill_name(tr, bill.period_end)


def period(tr: Translator, bill: Bill) -> str:
    return names.bill_period(tr, bill.period_start, bill.period_end)


def status_tag() -> QLabel:
    """A label for a bill's status, as wide as its word."""
    tag = label(wrap=False)
    tag.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return tag


def show_status(tr: Translator, tag: QLabel, bill: Bill) -> None:
    text, role = _STATUS[bill.status]
    tag.setText(tr._(text))
    if tag.property("role") != role:
        tag.setProperty("role", role)
        tag.style().unpolish(tag)
        tag.style().polish(tag)


class BillButton(RowButton):
    """A bill in a list: its name on the left and its amount on the right of the first line; subclasses add
    the lines below. A tap opens how the bill was worked out."""

    def __init__(self, tr: Translator, bill: Bill, name: str) -> None:
        super().__init__(name)
        self.bill_id = bill.id
        self._tr = tr
        self._bill = bill
        self.name = label("heading")
        self.amount = label("heading")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.put(self.name, 0, 0)
        self.put(self.amount, 0, 1)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(1, 2)

    def set_bill(self, bill: Bill) -> None:
        """Shows another bill in this row (a list of as many bills as before keeps its rows); the caller
        retranslates it."""
        self.bill_id = bill.id
        self._bill = bill

    def retranslate(self) -> None:
        self.name.setText(bill_name(self._tr, self._bill))
        self.amount.setText(self._tr.money(self._bill.total))
