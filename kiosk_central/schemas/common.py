"""Shared pieces of the wire models: the base model, labels in both languages, errors, and the field types
several resources use (customer code, money, the kiosk's client reference)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CUSTOMER_CODE_PATTERN = r"^P[A-Z][0-9A-Z]{4}[0-9]{7}$"
"""13 characters: the managing unit's code (6, letters and digits: PC05CC is Điện lực Hội An, PE0100 Điện lực
Sài Gòn), then the customer's 7-digit number; the unit code's first two letters name the corporation."""

CustomerCode = Annotated[
    str,
    Field(
        pattern=CUSTOMER_CODE_PATTERN,
        examples=["PE01000123456", "PC05CC0789012"],
        description=(
            "13 characters: the managing unit's code (6 characters, capital letters and digits, e.g. `PC05CC`"
            " Điện lực Hội An, `PE0100` Điện lực Sài Gòn; its first two letters name the power corporation)"
            " then the customer's 7-digit number."
        ),
    ),
]
Money = Annotated[int, Field(ge=0, description="Whole đồng (VND has no minor unit).")]

TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be confused when typed from a slip or read aloud (no I, L, O, 0, 1)."""
ClientReference = Annotated[
    str,
    Field(
        # Spelled out from the alphabet rather than as ranges, so that the contract cannot drift from it.
        pattern=rf"^K[{TRACKING_ALPHABET}]{{9}}$",
        examples=["KH7M2Q9XRA"],
        description=(
            "The kiosk's own reference, printed on the slip while the submission may still wait in the"
            " kiosk's offline outbox: `K` then 9 characters of the tracking alphabet. Unique: another"
            " Idempotency-Key with the same reference is 409 `client_reference_reused`."
        ),
    ),
]

PaymentStatus = Literal["pending", "paid", "expired", "cancelled"]
BillStatus = Literal["unpaid", "pending_payment", "paid", "overdue"]
CorporationCode = Literal["EVNNPC", "EVNCPC", "EVNSPC", "EVNHANOI", "EVNHCMC"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Model):
    vi: str
    en: str


class ErrorBody(Model):
    code: str = Field(description="Machine-readable error code, e.g. `invalid_customer_code`.")
    message: str = Field(
        description="English text for logs and operators; kiosks show their own translations."
    )
    details: dict[str, object] = Field(default_factory=dict)


class ErrorResponse(Model):
    error: ErrorBody
