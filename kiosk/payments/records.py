"""What the payment journal records about a payment, as plain values (no database here: screens show them)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["JournalPayment", "Order", "OrderBill", "PaymentState", "ReceiptState"]


class PaymentState(StrEnum):
    CREATING = "creating"
    REFUSED = "refused"
    PENDING = "pending"
    CLOSED = "closed"
    CONFIRMED = "confirmed"


class ReceiptState(StrEnum):
    DUE = "due"  # confirmed; the receipt is being printed (or the kiosk stopped before it was)
    PRINTED = "printed"  # the printer confirmed it
    FOR_STAFF = "for_staff"  # not printed for the customer: staff print it from the list


@dataclass(frozen=True)
class OrderBill:
    bill_id: str
    period_start: date
    period_end: date
    kwh: int
    amount: int
    # The e-invoice the receipt names beside each bill's month and period. Empty in journals written before
    # receipts carried it (such a receipt prints without it).
    invoice_serial: str = ""
    invoice_number: str = ""


@dataclass(frozen=True)
class Order:
    """What the customer chose to pay, with what the receipt must print (the name as the central masked it)."""

    customer_code: str
    customer_name: str
    corporation_vi: str
    corporation_en: str
    hotline: str
    bills: tuple[OrderBill, ...]  # oldest first
    method: str
    method_vi: str
    method_en: str
    language: str  # the customer's, for the receipt
    # Staff helped the customer through this payment (assisted mode started by staff): the end-of-day report
    # counts these. Last, with a default, so journals written before it still read.
    assisted: bool = False
    # What the method's QR is (the central's ``payload_kind``): ``vietqr``, checked and shown with example apps;
    # ``provider_qr``, one provider's own code, shown as given and named by the method. Journals written before
    # it hold VietQR payments only.
    payload_kind: str = "vietqr"

    @property
    def amount(self) -> int:
        return sum(b.amount for b in self.bills)

    @property
    def bill_ids(self) -> tuple[str, ...]:
        return tuple(b.bill_id for b in self.bills)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Order:
        raw: dict[str, Any] = json.loads(text)
        bills = tuple(
            OrderBill(
                bill_id=b["bill_id"],
                period_start=date.fromisoformat(b["period_start"]),
                period_end=date.fromisoformat(b["period_end"]),
                kwh=int(b["kwh"]),
                amount=int(b["amount"]),
                invoice_serial=str(b.get("invoice_serial", "")),
                invoice_number=str(b.get("invoice_number", "")),
            )
            for b in raw.pop("bills")
        )
        return cls(bills=bills, **raw)


@dataclass(frozen=True)
class JournalPayment:
    id: int
    idempotency_key: str
    order: Order
    amount: int
    state: PaymentState
    payment_id: str | None
    reference: str | None
    qr_payload: str | None
    central_status: str | None
    expires_at: datetime | None
    ttl_seconds: float | None
    problem: str | None
    abandoned: bool
    paid_at: datetime | None
    receipt_number: str | None
    receipt: ReceiptState | None
    receipt_job: int | None
    created_at: datetime
    updated_at: datetime
    watch_until: datetime

    @property
    def open(self) -> bool:
        """Its outcome may still change: the keeper keeps asking the central about it."""
        return self.state in (PaymentState.CREATING, PaymentState.PENDING) or (
            self.state is PaymentState.CONFIRMED and self.receipt is ReceiptState.DUE
        )

    @property
    def in_flight(self) -> bool:
        """Money may be on its way for its bills right now: they show "awaiting confirmation"."""
        return self.state in (PaymentState.CREATING, PaymentState.PENDING)
