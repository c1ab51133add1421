"""Work the kiosk has not finished: payments it still follows to their outcome, requests and outage reports saved
on the kiosk and not yet with the central, and requests the central refused (staff call the customer back).
"Send now" wakes the courier instead of waiting for its next try.

These lists are short (the keeper and the courier empty them within minutes when the network is up), so all
of an item's facts are shown and a rare long list scrolls by finger; three sections stand side by side on a
landscape panel and one above the other on a portrait one.
"""

from __future__ import annotations

from typing import assert_never

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.customer.code import group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.staff import StaffPending
from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.payments.records import JournalPayment, PaymentState, ReceiptState
from kiosk.requests.records import OutboxItem, OutboxKind, send_by
from kiosk.staff.problems import refusal, send_problem
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import SIDE_BY_SIDE_PX, button, drop_all, label, room_width, show_all
from kiosk.views.staff.parts import NoticeLine, PairRow
from kiosk.views.theme import Look

_MARGIN_PX = 48  # the screen's margin each side


def payment_state(tr: Translator, payment: JournalPayment) -> str:
    match payment.state:
        case PaymentState.CREATING:
            return tr._("staff.pending.payment.creating")
        case PaymentState.PENDING:
            return tr._("staff.pending.payment.pending")
        case PaymentState.CONFIRMED if payment.receipt is ReceiptState.FOR_STAFF:
            return tr._("staff.pending.payment.receipt_for_staff")
        case PaymentState.CONFIRMED if payment.receipt is ReceiptState.PRINTED:
            return tr._("staff.pending.payment.paid")
        case PaymentState.CONFIRMED:
            return tr._("staff.pending.payment.receipt_due")
        case PaymentState.CLOSED:
            return tr._("staff.pending.payment.closed")
        case PaymentState.REFUSED:
            return tr._("staff.pending.payment.refused")
        case _:
            assert_never(payment.state)


def item_kind(tr: Translator, kind: OutboxKind) -> str:
    match kind:
        case OutboxKind.SERVICE_REQUEST:
            return tr._("staff.pending.kind.service_request")
        case OutboxKind.OUTAGE_REPORT:
            return tr._("staff.pending.kind.outage_report")
        case _:
            assert_never(kind)


class PendingCard(QWidget):
    """One item: its reference (as staff search for it) with a word or amount beside it, then its facts."""

    def __init__(self, name: str, lines: int) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.reference = label("cell-strong", data=True)
        self.side = label("cell-strong")
        for head in (self.reference, self.side):
            head.setIndent(0)  # a padded label also indents its text; the lines under it do not
        self.lines = [label() for _ in range(lines)]
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 12, 20, 12)
        box.setSpacing(2)
        box.addWidget(PairRow(self.reference, self.side))
        self._box = box
        for line in self.lines:
            self._place(line)

    def _place(self, line: QLabel) -> None:
        line.setContentsMargins(8, 0, 8, 0)  # in line with the cell padding of the reference above
        self._box.addWidget(line)

    def add_line(self, text: str) -> None:
        line = label()
        line.setText(text)
        self.lines.append(line)
        self._place(line)


class Section(QWidget):
    """A heading that counts the items, and the items' cards."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.heading = label("heading")
        self.cards = QVBoxLayout()
        self.cards.setContentsMargins(0, 0, 0, 0)
        self.cards.setSpacing(12)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        box.addWidget(self.heading)
        box.addLayout(self.cards)
        box.addStretch()

    def put(self, cards: list[PendingCard]) -> None:
        drop_all(self.cards)
        for card in cards:
            self.cards.addWidget(card)
        show_all(self.cards)


class StaffPendingScreen(Screen):
    send_now_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: StaffPending | None = None
        self._notice = NoticeLine("staff-pending-notice")
        self._nothing = label("notice")
        self._nothing.setObjectName("staff-pending-nothing")
        self._send = button("primary")
        self._send.setObjectName("staff-send-now")
        self._send.clicked.connect(self.send_now_requested)
        self._payments = Section("staff-pending-payments")
        self._queued = Section("staff-pending-queued")
        self._refused = Section("staff-pending-refused")
        self._sections = QWidget()
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self._sections)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(32)
        # Payments get the wider third: a bank reference and an amount on one line.
        for part, share in ((self._payments, 4), (self._queued, 3), (self._refused, 3)):
            self._box.addWidget(part, share)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_MARGIN_PX, 32, _MARGIN_PX, 32)
        layout.setSpacing(24)
        layout.addWidget(self._notice)
        layout.addWidget(self._nothing)
        layout.addWidget(self._sections)
        layout.addStretch()
        # Pinned below the page: in reach however long the lists are.
        self.pin(self._send)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("staff.pending.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, StaffPending):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        for part in (self._payments, self._queued, self._refused):
            part.put([])
            part.heading.clear()
        self._notice.show_notice(self._tr, None)

    def set_look(self, look: Look) -> None:
        self._arrange(room_width(self, self.width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(room_width(self, event.size().width()))
        super().resizeEvent(event)

    def _arrange(self, width: int) -> None:
        parts = (self._payments, self._queued, self._refused)
        widest = max(part.minimumSizeHint().width() for part in parts)
        room = width - 2 * _MARGIN_PX - 2 * self._box.spacing()
        # Side by side on a landscape panel, unless a large text size makes a section too wide for its share.
        wide = width >= SIDE_BY_SIDE_PX and widest <= room * 3 // 10
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._send.setText(tr._("staff.pending.send_now"))
        self._nothing.setText(tr._("staff.pending.nothing"))
        if state is None:
            self._show_send(False)
            self._nothing.hide()
            return
        self._show_send(bool(state.queued))
        self._nothing.setVisible(not (state.payments or state.queued or state.refused))
        self._notice.show_notice(tr, state.notice)
        n = len(state.payments)
        self._payments.heading.setText(tr.ngettext("staff.pending.payments", n, n=n))
        self._payments.put([self._payment_card(p) for p in state.payments])
        n = len(state.queued)
        self._queued.heading.setText(tr.ngettext("staff.pending.queued", n, n=n))
        self._queued.put([self._queued_card(item) for item in state.queued])
        n = len(state.refused)
        self._refused.heading.setText(tr.ngettext("staff.pending.refused", n, n=n))
        self._refused.put([self._refused_card(item) for item in state.refused])

    def _show_send(self, shown: bool) -> None:
        self._send.setVisible(shown)
        # No empty bar when nothing waits to be sent. Shown only once the frame holds it: a widget without a
        # parent would show as a window of its own, and take the keyboard from the kiosk's window.
        bar = self.pinned_actions()
        if bar is not None and (bar.parentWidget() is not None or not shown):
            bar.setVisible(shown)

    def _payment_card(self, payment: JournalPayment) -> PendingCard:
        tr = self._tr
        card = PendingCard(f"staff-payment-{payment.id}", 2)
        card.reference.setText(payment.reference or payment.receipt_number or f"#{payment.id}")
        card.side.setText(tr.money(payment.amount))
        state, since = card.lines
        state.setText(payment_state(tr, payment))
        since.setProperty("role", "muted")
        since.setText(tr._("staff.pending.since", time=tr.datetime(payment.created_at.astimezone(VIETNAM))))
        return card

    def _queued_card(self, item: OutboxItem) -> PendingCard:
        tr = self._tr
        card = PendingCard(f"staff-queued-{item.id}", 2)
        card.reference.setText(item.reference)
        card.side.setText(item_kind(tr, item.kind))
        attempts, next_try = card.lines
        n = item.attempts
        if n == 0:
            attempts.setText(tr._("staff.pending.not_sent_yet"))
        elif item.last_error:
            error = tr._(send_problem(item.last_error), code=item.last_error)
            attempts.setText(tr.ngettext("staff.pending.attempts_error", n, n=n, error=error))
        else:
            attempts.setText(tr.ngettext("staff.pending.attempts", n, n=n))
        next_try.setProperty("role", "muted")
        next_try.setText(
            tr._("staff.pending.next_try", time=tr.datetime(item.next_attempt_at.astimezone(VIETNAM)))
        )
        deadline = send_by(item)
        if deadline is not None:
            # The request's confirmation ends then: sent by then, or the customer is called back.
            card.add_line(tr._("staff.pending.send_by", time=tr.datetime(deadline.astimezone(VIETNAM))))
        return card

    def _refused_card(self, item: OutboxItem) -> PendingCard:
        tr = self._tr
        card = PendingCard(f"staff-refused-{item.id}", 2)
        card.reference.setText(item.reference)
        card.side.setText(item_kind(tr, item.kind))
        reason, customer = card.lines
        if item.refusal:
            words = tr._(refusal(item.refusal), code=item.refusal)
            reason.setText(tr._("staff.pending.refusal", reason=words))
        else:
            reason.setText(tr._("staff.pending.refusal_unknown"))
        code = item.summary.get("customer_code", "")
        if code:
            customer.setText(tr._("staff.pending.customer", code=group_code(code)))
        else:
            customer.setText(tr._("staff.pending.no_customer"))
        return card
