"""Shared pieces of the wire models: the base model, labels in both languages, errors, and the field types
several resources use (customer code, money, the kiosk's client reference)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool
from pydantic_core import PydanticCustomError

CORPORATION_PREFIXES = ("PA", "PB", "PC", "PD", "PE", "PH", "PK", "PM", "PN", "PP", "PQ")
"""The first two letters of every unit code; which corporation each names is ``accounts.CORPORATION_BY_PREFIX``."""
CUSTOMER_CODE_PATTERN = rf"^P[{''.join(p[1] for p in CORPORATION_PREFIXES)}][0-9A-Z]{{4}}[0-9]{{7}}$"
"""13 characters: the managing unit's code (6, letters and digits: PC05CC is Điện lực Hội An, PE0100 Điện lực
Sài Gòn), then the customer's 7-digit number; the unit code's first two letters name the corporation. The
prefix is in the pattern, so that a code the contract allows is one the server can look up."""

MOBILE_PHONE_PATTERN = r"^0[35789][0-9]{8}$"
"""A Vietnamese mobile number: 10 digits, 03, 05, 07, 08 or 09 first (02x is a landline, which gets no SMS)."""

CustomerCode = Annotated[
    str,
    Field(
        pattern=CUSTOMER_CODE_PATTERN,
        examples=["PE01000123456", "PC05CC0789012"],
        description=(
            "13 characters: the managing unit's code (6 characters, capital letters and digits, e.g. `PC05CC`"
            " Điện lực Hội An, `PE0100` Điện lực Sài Gòn; its first two letters name the power corporation)"
            " then the customer's 7-digit number. The prefixes: " + ", ".join(CORPORATION_PREFIXES) + "."
        ),
    ),
]
Money = Annotated[int, Field(ge=0, description="Whole đồng (VND has no minor unit).")]


# What a kiosk sends is held to the JSON types the contract names, not to what pydantic can make of a value:
# `0` is not `false`, `"5"` is not 5 (though 5.0 is, as in JSON Schema), a number is not a time.
def _number_not_text(value: object) -> object:
    if isinstance(value, str | bool):
        raise PydanticCustomError("json_type", "a JSON number is expected")
    return value


def _text_not_number(value: object) -> object:
    if isinstance(value, int | float):
        raise PydanticCustomError("json_type", "an ISO 8601 time is expected, as text")
    return value


_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _rfc3339_text(value: object) -> object:
    # In a query everything is text, and pydantic reads "0.5" as seconds since 1970: a time is the contract's
    # date-time (RFC 3339, with its offset) or nothing.
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise PydanticCustomError("date_time", "an RFC 3339 date-time with an offset is expected")
    return value


Count = Annotated[int, BeforeValidator(_number_not_text)]
QueryTime = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]
"""A time given in a query string: RFC 3339 text with an offset, as the contract's `date-time` says."""
Flag = StrictBool
Time = Annotated[datetime, BeforeValidator(_text_not_number)]
AwareTime = Annotated[AwareDatetime, BeforeValidator(_text_not_number)]

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
