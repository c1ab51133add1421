"""Payments by QR, a bill's own payment QR, the payment methods, and bank transfers as the bank reports them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from kiosk_central.schemas.common import Count, CustomerCode, Label, Model, Money, PaymentStatus

PaymentMethod = Literal["vietqr"]
"""The methods this central offers (``GET /v1/payment-methods``): NAPAS VietQR only. A central that issues a
wallet's own QR adds that wallet's method here, with ``payload_kind`` ``provider_qr``."""
PayloadKind = Literal["vietqr", "provider_qr"]


class PaymentCreate(Model):
    customer_code: CustomerCode
    # Each bill once (422 `duplicate_bill` otherwise): said in the contract too.
    bill_ids: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=24, json_schema_extra={"uniqueItems": True}
    )
    method: PaymentMethod = Field(description="One of the methods `GET /v1/payment-methods` lists.")


class Recipient(Model):
    bank_bin: str
    account_number: str
    account_name: str


class Payment(Model):
    id: str
    status: PaymentStatus
    amount: Money
    qr_payload: str = Field(
        description=(
            "What the QR encodes, in the payload kind of the payment's method: for `vietqr`, a NAPAS VietQR"
            " (EMVCo) payload, dynamic, with the amount and reference."
        )
    )
    reference: str = Field(description="Unique; carried in tag 62/08 so the bank's notice can be matched.")
    expires_at: datetime
    customer_code: CustomerCode
    bill_ids: list[str]
    method: str = Field(
        description=(
            "The method it was asked for. A string, not the list of today's methods: a payment made with a"
            " method since withdrawn still reads."
        )
    )
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
    """One way to pay, and what its QR is, so that a kiosk never names an app over a code that app cannot read.

    ``payload_kind`` is ``vietqr`` for a NAPAS VietQR transfer, which every Vietnamese banking app and the big
    e-wallets scan: a kiosk shows one QR for it and names apps only as examples, without asking which app.
    ``provider_qr`` is a provider's own format (a wallet's), scanned only by that provider's app: a kiosk
    offers it as a choice named by ``label`` and shows the payment's ``qr_payload`` as given. Several
    ``vietqr`` methods would give the same code, so a kiosk shows one of them.
    """

    method: PaymentMethod
    label: Label = Field(description="The method's name, as printed on receipts and in reports.")
    payload_kind: PayloadKind


class PaymentMethods(Model):
    methods: list[PaymentMethodInfo]


TRANSACTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
"""A bank's id for one transfer (its trace or FT number, e.g. ``FT26341123456789``): up to 64 letters, digits,
``.``, ``_``, ``/`` or ``-``, a letter or digit first."""


class BankTransfer(Model):
    """The bank's notice that money arrived. The bank sends it again when it did not hear the central's
    acknowledgement, with the same ``transaction_id``: the central records each transaction once."""

    transaction_id: str = Field(
        pattern=TRANSACTION_ID_PATTERN,
        examples=["FT26341123456789"],
        description=(
            "The bank's own id of this transfer, the same on every notice of it. A notice again with the same"
            " id, reference and amount is a replay: answered as the first, nothing recorded twice. The same id"
            " with another reference or amount is 409 `transaction_id_reused`."
        ),
    )
    reference: str = Field(min_length=1, max_length=25)
    # A bank's transfer limit is far below this; SQLite's integers stop at 2^63.
    amount: Count = Field(gt=0, le=1_000_000_000_000)


class BankTransferResult(Model):
    id: int
    transaction_id: str
    reference: str
    amount: int
    outcome: Literal["applied", "refund_due"]
    reason: Literal["duplicate", "bills_already_paid", "amount_mismatch", "unknown_reference"] | None
    payment_id: str | None
    received_at: datetime
