"""The money arrived: say so in words, what it paid, and where the receipt is."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.customer.bill_name import bill_name
from kiosk.flows.states import ScreenState
from kiosk.flows.states.payment import PaymentReceived, ReceiptProgress
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.pictograms import CHECK_PX, Sign, with_sign
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import LabelList, button, label

_RECEIPT = {
    ReceiptProgress.PRINTING: N_("paid.printing"),
    ReceiptProgress.PRINTED: N_("paid.printed"),
    ReceiptProgress.FOR_STAFF: N_("paid.for_staff"),
}


class PaymentReceivedScreen(Screen):
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: PaymentReceived | None = None
        self._heading = label("title")
        self._heading.setObjectName("paid-heading")
        self._bills = QVBoxLayout()
        self._bills.setSpacing(4)
        self._bills.setContentsMargins(0, 0, 0, 0)
        self._bill_lines = LabelList(self._bills)
        holder = QWidget()
        holder.setLayout(self._bills)
        self._reference = label()
        self._number = label()
        self._receipt = label("heading")
        self._receipt.setObjectName("paid-receipt")
        self._done = button("primary")
        self._done.setObjectName("paid-done")
        self._done.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 64, 48, 48)
        layout.setSpacing(24)
        heading = with_sign(Sign.CHECK, self._heading, CHECK_PX)
        for widget in (heading, holder, self._reference, self._number, self._receipt):
            layout.addWidget(widget)
        layout.addStretch()
        self.pin(self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("paid.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, PaymentReceived):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._bill_lines.blank()
        for widget in (self._heading, self._reference, self._number, self._receipt):
            widget.clear()

    def retranslate(self) -> None:
        tr = self._tr
        self._done.setText(tr._("paid.done"))
        state = self._state
        if state is None:
            return
        payment = state.payment
        self._heading.setText(tr._("paid.heading", amount=tr.money(payment.amount)))
        self._bill_lines.show_texts(
            [
                tr._("pay_qr.bill_line", name=bill_name(tr, bill.period_end), amount=tr.money(bill.amount))
                for bill in payment.order.bills
            ]
        )
        self._reference.setText(tr._("paid.reference", reference=payment.reference or ""))
        self._number.setText(tr._("paid.receipt_number", number=payment.receipt_number or ""))
        self._receipt.setText(tr._(_RECEIPT[state.receipt]))
        self._done.setEnabled(state.receipt is not ReceiptProgress.PRINTING)
