"""What the outbox records about a service request or an outage report, as plain values (no database here:
screens and the staff list show them).

An item's life is short and one-way: ``queued`` (durably on the kiosk; maybe already on the central, the
kiosk does not know yet) until the central answers, then ``delivered`` (with the central's tracking code or
report id) or ``refused`` (with the central's reason: staff must look at it). Both are final.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "ASSISTED_BY_STAFF",
    "PAYLOAD_KEYS",
    "REFERENCE_ALPHABET",
    "REFERENCE_LENGTH",
    "Delivery",
    "OutboxItem",
    "OutboxKind",
    "is_reference",
    "lookup_key",
    "outage_report_payload",
    "service_request_payload",
]

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""The central's tracking alphabet: nothing that reads as something else on a slip or aloud (no I, L, O, 0,
1). The kiosk's own references use it too, so that staff type both the same way."""
REFERENCE_LENGTH = 10
_REFERENCE = re.compile(rf"K[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH - 1}}}")
# What people add when they copy a code from a slip: spaces, dashes, lower case.
_SEPARATORS = re.compile(r"[\s\-]+")


ASSISTED_BY_STAFF = "staff"
"""``summary["assisted"]`` of an item submitted while staff were helping the customer (end-of-day report)."""


class OutboxKind(StrEnum):
    SERVICE_REQUEST = "service_request"
    OUTAGE_REPORT = "outage_report"


class Delivery(StrEnum):
    QUEUED = "queued"  # stored on the kiosk, to be sent (it may already have reached the central)
    DELIVERED = "delivered"  # the central answered with its tracking code (or report id). Final.
    REFUSED = "refused"  # the central answered that it will not take it, and why. Final; for staff.


@dataclass(frozen=True)
class OutboxItem:
    """One submission in the outbox. ``summary`` holds only what the slip, a reprint and staff need
    (service code, customer code, language, outage kind...); the personal payload (name, ID number, phone,
    address, form fields, OTP) is never read back into an item: it stays in the file until delivered or
    refused, then is erased."""

    id: int
    kind: OutboxKind
    reference: str  # the kiosk's own: "K" + 9 characters of REFERENCE_ALPHABET; on the slip at once
    idempotency_key: str
    summary: Mapping[str, str]
    created_at: datetime  # aware, UTC
    state: Delivery
    attempts: int  # sends that got an answer or failed (a send cut short by a crash is not counted)
    next_attempt_at: datetime  # aware, UTC; meaningful while queued
    last_error: str | None  # an error code only (``unreachable``, ``timeout``...), never a body
    tracking_code: str | None  # the central's tracking code, or an outage report's id, once delivered
    delivered_at: datetime | None
    refusal: str | None  # the central's error code, once refused
    # Which answers the central refused and why (field name -> a FieldProblem code), when this kiosk's own send
    # was refused for its fields: in memory only, for the customer still at the screen to fix them. Not kept in
    # the file: what staff need later is the refusal's code.
    refused_fields: Mapping[str, str] = field(default_factory=dict, compare=False)


SEND_BY = "send_by"
"""The summary key of a service request's deadline: until when its verified code confirms it (the central's
``valid_until``, its own clock, ISO 8601). Not sent by then, the central refuses it: the customer is told so,
and staff see it."""


def send_by(item: OutboxItem) -> datetime | None:
    """When a queued request must reach the central by; None for what has no such deadline."""
    text = item.summary.get(SEND_BY)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


PAYLOAD_KEYS: Mapping[OutboxKind, frozenset[str]] = {
    OutboxKind.SERVICE_REQUEST: frozenset({"service_code", "customer_code", "fields", "otp_id", "otp_code"}),
    OutboxKind.OUTAGE_REPORT: frozenset({"customer_code", "kind", "description"}),
}
"""The payload of each kind: the arguments of its call to the central, but the key and the reference."""


def service_request_payload(
    service_code: str,
    customer_code: str | None,
    fields: Mapping[str, str | int | bool],
    otp_id: str,
    otp_code: str,
) -> dict[str, object]:
    """The payload of a service request confirmed by a verified one-time code."""
    return {
        "service_code": service_code,
        "customer_code": customer_code,
        "fields": dict(fields),
        "otp_id": otp_id,
        "otp_code": otp_code,
    }


def outage_report_payload(customer_code: str, kind: str, description: str) -> dict[str, object]:
    """The payload of an outage report (``kind``: ``my_house``, ``street`` or ``danger``)."""
    return {"customer_code": customer_code, "kind": kind, "description": description}


def is_reference(text: str) -> bool:
    """Whether ``text`` is a well-formed kiosk reference (exactly, as the kiosk writes it)."""
    return _REFERENCE.fullmatch(text) is not None


def lookup_key(text: str) -> str:
    """``text`` as typed by a person (spaces, dashes, any case) in the form codes are compared in."""
    return _SEPARATORS.sub("", text).upper()
