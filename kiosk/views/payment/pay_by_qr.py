"""The payment QR: large and checked, which apps scan it (any bank or wallet app for a VietQR, with some named as
examples; only the provider's app for its own code), the amount in figures and in words, the bills it pays, who
receives the money, a countdown, and four numbered steps. Cancel is always there.

Back asks first (``asking_cancel``): the question takes the screen's place, with "Continue paying" the main, safe
answer on top and "Cancel payment" below it; the QR is still followed underneath."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.customer.banks import bank_name
from kiosk.customer.bill_name import bill_name
from kiosk.customer.vietqr import decode
from kiosk.flows.states import ScreenState
from kiosk.flows.states.payment import PayByQr
from kiosk.language.catalogs import N_, Translator
from kiosk.payments.methods import VIETQR, VIETQR_APP_EXAMPLES
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.qr_code import QrCodeView
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, LabelList, button, column, label, room_width
from kiosk.views.theme import Look

QR_SIDE_PX = 600
# The least the code shrinks to where the panel has no more height (1366 x 768 with large text): still about
# 4 px a module, which a phone camera reads at arm's length.
QR_MIN_SIDE_PX = 240
QR_BESIDE_DETAILS_PX = 1200
# Short and numbered: open the app, scan, confirm, wait here.
STEPS = (N_("pay_qr.step1"), N_("pay_qr.step2"), N_("pay_qr.step3"), N_("pay_qr.step4"))


class FittedQr(QrCodeView):
    """The payment code at the side given, redrawn when the room it has changes."""

    def __init__(self, side: int) -> None:
        super().__init__(side)
        mark_main_action(self)  # what the customer came to scan: always wholly in view

    @property
    def side(self) -> int:
        return self._side

    def set_side(self, side: int) -> None:
        if side != self._side:
            self._side = side
            self._image = self._draw()
            self.setFixedSize(QSize(side, side))
            self.update()


class QrBesideDetails(Columns):
    """The code beside the amount and the steps from a 1366 px wide panel on (the screen's other halves wait for
    1500 px): stacked, the amount would be a page below the code on a 1366 x 768 panel."""

    def stack_for_pages(self, stacked: bool) -> None:
        """Never stacked for pages: the code is sized to the page (see PayByQrScreen.fit_to_view) so that it and the
        amount share the first page side by side."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = room_width(self, event.size().width()) >= QR_BESIDE_DETAILS_PX
        if wide != self.side_by_side:
            self._arrange(side_by_side=wide)
        QWidget.resizeEvent(self, event)


def countdown_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class PayByQrScreen(Screen):
    cancel_requested = Signal()
    keep_paying_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: PayByQr | None = None
        self._shown_payload: str | None = None
        self._qr = FittedQr(QR_SIDE_PX)
        self._sides_tried: set[int] = set()  # see fit_to_view
        self._checking = label("heading")
        self._checking.setObjectName("pay-checking")
        # As wide as the code it stands for, and as tall as its words (not centred by the layout, which would
        # give it one line's height whatever it wraps to).
        self._checking.setMinimumWidth(QR_SIDE_PX)
        self._checking.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._countdown = label("heading")
        self._countdown.setObjectName("pay-countdown")
        self._countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        qr_side = QWidget()
        qr_box = QVBoxLayout(qr_side)
        qr_box.setContentsMargins(0, 0, 0, 0)
        qr_box.setSpacing(8)
        qr_box.addWidget(self._qr, 0, Qt.AlignmentFlag.AlignHCenter)
        # The scheme's name in words beside its code (not its logo, which the kiosk has no licence for), so that a
        # customer knows their banking app reads it. A name, the same in every language: nothing to translate.
        self._mark = label("tag", wrap=False, data=True)
        self._mark.setObjectName("pay-qr-mark")
        self._mark.setText(self._tr._("pay_qr.scheme_mark"))
        qr_box.addWidget(self._mark, 0, Qt.AlignmentFlag.AlignHCenter)
        qr_box.addWidget(self._checking)
        qr_box.addWidget(self._countdown)
        qr_box.addStretch()  # beside a taller column of details, the spare height goes below the countdown
        self._scan_with = label("heading")
        self._scan_with.setObjectName("pay-scan-with")
        self._apps = label("muted")
        self._apps.setObjectName("pay-app-examples")
        self._amount = label("title", data=True)
        self._amount.setObjectName("pay-amount")
        self._words = label()
        self._words.setObjectName("pay-amount-words")
        self._bills = QVBoxLayout()
        self._bills.setSpacing(4)
        self._bills.setContentsMargins(0, 0, 0, 0)
        self._bill_lines = LabelList(self._bills)
        bills_holder = QWidget()
        bills_holder.setLayout(self._bills)
        self._recipient = label("muted")
        self._recipient.setObjectName("pay-recipient")
        self._reference = label("muted")
        self._steps = [label() for _ in STEPS]
        # The amount first, beside the code: on a 1366 x 768 panel with large text, both on the first page.
        details = column(
            self._amount,
            self._words,
            self._scan_with,
            self._apps,
            bills_holder,
            self._recipient,
            self._reference,
            spacing=12,
        )
        steps = column(*self._steps, spacing=8)
        self._cancel = button()
        self._cancel.setObjectName("pay-cancel")
        self._cancel.clicked.connect(self.cancel_requested)
        self._details = column(details, steps, spacing=24)
        self._paying = QrBesideDetails(qr_side, self._details, spacing=48, stretch=(0, 1))
        self._question = self._cancel_question()
        layout = QVBoxLayout(self)
        # Little above and below: on a 1366 x 768 panel with large text, the code, its scheme's name and the
        # countdown take all the height there is.
        layout.setContentsMargins(48, 12, 48, 12)
        layout.setSpacing(24)
        layout.addWidget(self._paying)
        layout.addWidget(self._question)
        layout.addStretch()
        self._layout = layout
        self._qr_box = qr_box
        # Below the pages, always in view (the cancel question has its own answers, in its place).
        self.pin(self._cancel)
        self._question.hide()
        self.retranslate()

    # ------------------------------------------------------------------ the code's size for the room in view
    def fit_to_view(self) -> None:
        """The code as large as it is meant to be where the room in view allows, smaller (never below
        QR_MIN_SIDE_PX) where it does not: the code, its scheme's name and the countdown on the first page
        together, on a 1366 x 768 panel too."""
        view = self.view_height()
        if view is None:
            return
        margins = self._layout.contentsMargins()
        room = view - margins.top() - margins.bottom()
        for below in (self._mark, self._countdown):
            if below.isVisibleTo(self):
                room -= below.sizeHint().height() + self._qr_box.spacing()
        if self._paying.side_by_side:
            # A page ends at the top of a line of the details beside the code, never across the code: room for
            # the tallest of them below the countdown, so that such a place is on the first page.
            room -= self._tallest_detail() + self._qr_box.spacing()
        side = max(QR_MIN_SIDE_PX, min(QR_SIDE_PX, room))
        if side != self._qr.side:
            # The code's size and the details beside it feed back into each other: a larger code leaves the
            # details less width, so more lines, so less room for the code. Left alone, the code went round three
            # sizes, redrawn at each relayout (every tick of the countdown). Once a size comes round again, the
            # smallest of those tried holds until the room in view, the look or the payment changes.
            self._sides_tried.add(self._qr.side)
            if side in self._sides_tried:
                side = min(self._sides_tried)
            self._sides_tried.add(side)
            self._qr.set_side(side)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Another panel (or window) width starts afresh; the height alone changes with the pager, which comes and
        # goes with the code's size: part of the round the sizes went.
        if (
            watched is self.parentWidget()
            and isinstance(event, QResizeEvent)
            and event.size().width() != event.oldSize().width()
        ):
            self._sides_tried.clear()
        return super().eventFilter(watched, event)

    def set_look(self, look: Look) -> None:
        self._sides_tried.clear()
        super().set_look(look)

    def _cancel_question(self) -> QWidget:
        self._ask = label("title")
        self._ask.setObjectName("pay-cancel-question")
        self._ask_why = label()
        self._ask_why.setObjectName("pay-cancel-why")
        self._keep_paying = button("primary")
        self._keep_paying.setObjectName("pay-keep-paying")
        self._keep_paying.clicked.connect(self.keep_paying_requested)
        self._confirm_cancel = button()
        self._confirm_cancel.setObjectName("pay-confirm-cancel")
        self._confirm_cancel.clicked.connect(self.cancel_requested)
        # The safe answer first and largest; cancelling is a second, deliberate touch.
        return column(self._ask, self._ask_why, self._keep_paying, self._confirm_cancel, spacing=24)

    def _tallest_detail(self) -> int:
        shown = [w for w in self._details.findChildren(QLabel) if w.isVisibleTo(self) and w.width() > 0]
        return max((w.heightForWidth(w.width()) for w in shown), default=0)

    def title(self) -> str:
        return self._tr._("pay_qr.title")

    def show_state(self, state: ScreenState) -> None:
        if not isinstance(state, PayByQr):
            return
        first = self._state is None or self._state.payment.id != state.payment.id
        if first:
            self._sides_tried.clear()
        self._state = state
        payload = None if state.checking else state.payment.qr_payload
        if payload != self._shown_payload:
            # Drawn only from the journal's checked payload; never once its time is up.
            self._shown_payload = payload
            self._qr.set_payload(
                payload, self._tr._("pay_qr.qr_name", amount=self._tr.money(state.payment.amount))
            )
        self._qr.setVisible(not state.checking)
        self._mark.setVisible(not state.checking and state.payment.order.payload_kind == VIETQR)
        self._checking.setVisible(state.checking)
        self._paying.setVisible(not state.asking_cancel)
        self._cancel.setVisible(not state.asking_cancel)
        bar = self.pinned_actions()
        # No empty bar under the question, which has its own answers (and never a window of its own before the
        # frame has taken the bar).
        if bar is not None and (bar.parentWidget() is not None or state.asking_cancel):
            bar.setVisible(not state.asking_cancel)
        self._question.setVisible(state.asking_cancel)
        if first:
            self.retranslate()
        else:
            self._show_countdown()

    def clear(self) -> None:
        self._state = None
        self._question.hide()
        self._paying.show()
        self._cancel.show()
        bar = self.pinned_actions()
        if bar is not None and bar.parentWidget() is not None:
            bar.show()
        self._shown_payload = None
        self._qr.set_payload(None)
        self._bill_lines.blank()
        for widget in (
            self._scan_with,
            self._apps,
            self._amount,
            self._words,
            self._recipient,
            self._reference,
            self._countdown,
        ):
            widget.clear()

    def _show_countdown(self) -> None:
        state = self._state
        if state is not None and not state.checking:
            self._countdown.setText(self._tr._("pay_qr.countdown", time=countdown_text(state.seconds_left)))
        else:
            self._countdown.clear()

    def retranslate(self) -> None:
        tr = self._tr
        for step, text in zip(self._steps, STEPS, strict=True):
            step.setText(tr._(text))
        self._cancel.setText(tr._("pay_qr.cancel"))
        self._checking.setText(tr._("pay_qr.checking"))
        self._ask.setText(tr._("pay_qr.ask_cancel"))
        self._ask_why.setText(tr._("pay_qr.ask_cancel_why"))
        self._keep_paying.setText(tr._("pay_qr.keep_paying"))
        self._confirm_cancel.setText(tr._("pay_qr.cancel"))
        state = self._state
        if state is None:
            return
        payment = state.payment
        order = payment.order
        vietqr = order.payload_kind == VIETQR
        if vietqr:
            # One code every app reads: apps are named only as examples, never as a choice.
            self._scan_with.setText(tr._("pay_qr.any_app"))
            self._apps.setText(tr._("pay_qr.app_examples", apps=", ".join(VIETQR_APP_EXAMPLES)))
        else:
            method = order.method_vi if tr.language == "vi" else order.method_en
            self._scan_with.setText(tr._("pay_qr.only_app", method=method))
            self._steps[0].setText(tr._("pay_qr.step1_only_app", method=method))
        self._apps.setVisible(vietqr)
        self._amount.setText(tr.money(payment.amount))
        self._words.setText(tr.money_words(payment.amount))
        self._bill_lines.show_texts(
            [
                tr._("pay_qr.bill_line", name=bill_name(tr, bill.period_end), amount=tr.money(bill.amount))
                for bill in payment.order.bills
            ]
        )
        self._recipient.setText(self._recipient_of(state))
        self._reference.setText(tr._("pay_qr.reference", reference=payment.reference or ""))
        self._show_countdown()

    def _recipient_of(self, state: PayByQr) -> str:
        order = state.payment.order
        name = order.corporation_vi if self._tr.language == "vi" else order.corporation_en
        if order.payload_kind != VIETQR:
            # A provider's own code cannot be read here: the power company is the recipient the app will show.
            return self._tr._("pay_qr.recipient_name", name=name)
        # From the payload itself (already checked against the payment): what the customer's app will show.
        decoded = decode(state.payment.qr_payload or "")
        return self._tr._(
            "pay_qr.recipient", name=name, bank=bank_name(decoded.bank_bin), account=decoded.account_number
        )
