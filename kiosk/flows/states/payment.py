"""The payment screens: the kind of code (only when there is a choice), the QR with its countdown, "received"
with its receipt, and why a payment stopped short."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.payments.records import JournalPayment, Order

if TYPE_CHECKING:
    from kiosk.central.models import (
        Bill,
        Customer,
        PaymentMethodInfo,
    )


# ---------------------------------------------------------------------------------------------- payment
@dataclass(frozen=True)
class ChooseMethod:
    """Which code to pay the chosen bills with, shown only when the central offers codes of different kinds (a
    VietQR any app scans, and a provider's own QR only its app scans) or none at all (``methods`` empty: the
    customer is told to ask staff). With one VietQR the kiosk shows the QR at once, without this step."""

    customer: Customer
    bills: tuple[Bill, ...]  # oldest first
    methods: tuple[PaymentMethodInfo, ...]


@dataclass(frozen=True)
class PayByQr:
    """The payment's QR, checked, with a countdown. ``checking``: the time is up and the kiosk is asking the
    central how it ended (the QR is no longer shown). ``asking_cancel``: the customer touched Back, and is asked
    whether to cancel this payment, with "continue paying" the main, safe answer; the QR is still followed
    meanwhile, so money that comes is received as always."""

    customer: Customer
    payment: JournalPayment
    seconds_left: int
    checking: bool = False
    asking_cancel: bool = False


class ReceiptProgress(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FOR_STAFF = "for_staff"  # not printed (no printer, printer fault): the payment is safe, staff print it


@dataclass(frozen=True)
class PaymentReceived:
    payment: JournalPayment
    receipt: ReceiptProgress


class PaymentEnd(StrEnum):
    """Why a payment stopped short of "received"; each has its own words and next step."""

    EXPIRED = "expired"  # the QR's time ran out and no money came: a new QR may be made
    CANCELLED = "cancelled"  # the customer cancelled; no money came
    CANCEL_UNCONFIRMED = "cancel_unconfirmed"  # cancelled on the kiosk; the central could not be told yet
    PAID_ELSEWHERE = "paid_elsewhere"  # the bills were paid by another channel meanwhile
    IN_PROGRESS = "in_progress"  # another payment for these bills is still waiting
    UNKNOWN = "unknown"  # the central did not answer: try again (with the same request)
    QR_REFUSED = "qr_refused"  # the central's QR failed the kiosk's checks: staff must look
    REFUSED = "refused"  # the central refused for another reason


@dataclass(frozen=True)
class PaymentStopped:
    why: PaymentEnd
    customer: Customer
    row_id: int | None = None  # the journal row to ask again about (UNKNOWN)
    order: Order | None = None  # what was being paid, to make a new QR for it (EXPIRED)
