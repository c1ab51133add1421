"""What assisted mode says on the payment screens: the kinds of code (when there is a choice), the QR with who
can scan it, its amount and time left, the money received with its receipt, and why a payment stopped."""

from __future__ import annotations

from typing import assert_never

from kiosk.flows.states.payment import (
    ChooseMethod,
    PayByQr,
    PaymentEnd,
    PaymentReceived,
    PaymentStopped,
    ReceiptProgress,
)
from kiosk.guidance import spoken
from kiosk.guidance.phrases import sentences
from kiosk.language.catalogs import Translator
from kiosk.payments.methods import VIETQR, VIETQR_APP_EXAMPLES


# ---------------------------------------------------------------------------------------------- payment
def choose_method(state: ChooseMethod, tr: Translator) -> str:
    count = len(state.bills)
    paying = tr.ngettext(
        "say.pay_method",
        count,
        count=spoken.number(count, tr),
        amount=spoken.money(sum(b.total for b in state.bills), tr),
    )
    if not state.methods:
        return sentences(paying, tr._("say.pay_method.none", button=tr._("frame.call_staff")))
    return sentences(
        paying,
        tr._("say.pay_method.kinds"),
        tr._("say.pay_method.choose", button=tr.pick(state.methods[0].label)),
    )


def pay_by_qr(state: PayByQr, tr: Translator) -> str:
    payment = state.payment
    amount = spoken.money(payment.amount, tr)
    if state.asking_cancel:
        return tr._("say.pay_qr.ask_cancel", keep=tr._("pay_qr.keep_paying"), cancel=tr._("pay_qr.cancel"))
    if state.checking:
        return tr._("say.pay_qr.checking", amount=amount)
    order = payment.order
    recipient = order.corporation_vi if tr.language == "vi" else order.corporation_en
    if order.payload_kind == VIETQR:
        steps = sentences(
            tr._("say.pay_qr.any_app", apps=", ".join(VIETQR_APP_EXAMPLES)), tr._("say.pay_qr.steps")
        )
    else:
        method = order.method_vi if tr.language == "vi" else order.method_en
        steps = tr._("say.pay_qr.steps_only_app", method=method)
    return sentences(
        tr._("say.pay_qr", amount=amount, recipient=recipient),
        steps,
        tr._(
            "say.pay_qr.time",
            time=spoken.duration(state.seconds_left, tr),
            button=tr._("pay_qr.cancel"),
        ),
    )


def payment_received(state: PaymentReceived, tr: Translator) -> str:
    done = tr._("paid.done")
    match state.receipt:
        case ReceiptProgress.PRINTING:
            receipt = tr._("say.paid.printing")
        case ReceiptProgress.PRINTED:
            receipt = tr._("say.paid.printed", button=done)
        case ReceiptProgress.FOR_STAFF:
            receipt = tr._("say.paid.for_staff", button=done)
        case _:
            assert_never(state.receipt)
    return sentences(tr._("say.paid", amount=spoken.money(state.payment.amount, tr)), receipt)


def payment_stopped(state: PaymentStopped, tr: Translator) -> str:
    home, staff = tr._("stopped.home"), tr._("frame.call_staff")
    match state.why:
        case PaymentEnd.EXPIRED:
            return tr._("say.stopped.expired", button=tr._("stopped.new_qr"))
        case PaymentEnd.CANCELLED:
            return tr._("say.stopped.cancelled", button=home)
        case PaymentEnd.CANCEL_UNCONFIRMED:
            return tr._("say.stopped.cancel_unconfirmed", button=home)
        case PaymentEnd.PAID_ELSEWHERE:
            return tr._("say.stopped.paid_elsewhere", button=home)
        case PaymentEnd.IN_PROGRESS:
            return tr._("say.stopped.in_progress", button=home)
        case PaymentEnd.UNKNOWN:
            return tr._("say.stopped.unknown", button=tr._("stopped.try_again"))
        case PaymentEnd.QR_REFUSED:
            return tr._("say.stopped.qr_refused", button=staff)
        case PaymentEnd.REFUSED:
            return tr._("say.stopped.refused", button=staff)
        case _:
            assert_never(state.why)
