"""Payments by QR, a bill's own payment QR, the payment methods, and bank transfers as the bank reports them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kiosk_central.schemas.common import CustomerCode, Label, Model, Money, PaymentMethod, PaymentStatus


class PaymentCreate(Model):
    customer_code: CustomerCode
    bill_ids: list[str] = Field(min_length=1, max_length=24)
    method: PaymentMethod


class Recipient(Model):
    bank_bin: str
    account_number: str
    account_name: str


class Payment(Model):
    id: str
    status: PaymentStatus
    amount: Money
    qr_payload: str = Field(
        description="NAPAS VietQR (EMVCo) payload, dynamic, with the amount and reference."
    )
    reference: str = Field(description="Unique; carried in tag 62/08 so the bank's notice can be matched.")
    expires_at: datetime
    customer_code: CustomerCode
    bill_ids: list[str]
    method: PaymentMethod
    recipient: Recipient
    created_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None


class BillPaymentQr(Model):
    bill_id: str
    customer_code: CustomerCode
    amount: Money = Field(description="The bill's total.")
    reference: str = Field(
        description=(
            "`HD` + the bill id without its dash (e.g. `HDPE01000123456202506`): the same for every"
            " print of the bill, never the reference of a payment (those start `TT`). Carried in tag 62/08."
        )
    )
    qr_payload: str = Field(
        description=(
            "NAPAS VietQR (EMVCo) payload, dynamic, with the amount and reference; valid until the bill"
            " is paid."
        )
    )
    recipient: Recipient


class PaymentMethodInfo(Model):
    method: PaymentMethod
    label: Label


class PaymentMethods(Model):
    methods: list[PaymentMethodInfo]


class BankTransfer(Model):
    reference: str = Field(min_length=1, max_length=25)
    amount: int = Field(gt=0)


class BankTransferResult(Model):
    id: int
    reference: str
    amount: int
    outcome: Literal["applied", "refund_due"]
    reason: Literal["duplicate", "bills_already_paid", "amount_mismatch", "unknown_reference"] | None
    payment_id: str | None
    received_at: datetime
