"""What changed for one kiosk since a time (``GET /v1/kiosks/{kiosk_id}/changes``): the payments it created,
the service requests and outage reports it submitted, each as the central holds it now.

A kiosk asks at start and every so often, with the central's ``now`` of its last complete answer as ``since``:
money that came after it stopped watching a payment, a payment its journal lost, a request it sent from its
outbox whose answer never came back. Its own clock plays no part."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kiosk_central.schemas.common import CustomerCode, Model, Money, PaymentStatus

CHANGES_LIMIT = 500
"""The most changes one answer holds (``limit``); the rest come with ``next_cursor``."""
CHANGES_CURSOR_PATTERN = r"^[0-9]{8}T[0-9]{12}\.[pro]\.[A-Za-z0-9_]{1,64}$"
"""Where a page ended: the last change's time (UTC, digits only), its kind and its id. Opaque to kiosks."""

RequestStatus = Literal["received", "in_progress", "completed", "rejected"]


class PaymentChange(Model):
    """A payment this kiosk created, as it stands now."""

    id: str
    reference: str = Field(description="The payment's reference (tag 62/08 of its QR).")
    customer_code: CustomerCode
    bill_ids: list[str]
    amount: Money
    status: PaymentStatus
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    amount_applied: Money = Field(
        description="Money the central applied to the payment's bills: its `amount` once it is `paid`, else 0."
    )
    refund_due: Money = Field(
        description=(
            "Money that came with the payment's reference and is kept for refund, not applied: a second"
            " transfer, a wrong amount, money for bills paid meanwhile by another channel. It may come after"
            " the payment was cancelled or expired, and is a change of the payment."
        )
    )
    changed_at: datetime = Field(
        description=(
            "The central's time of the latest change: made, paid, cancelled, expired (its `expires_at`), or"
            " money received with its reference."
        )
    )


class RequestChange(Model):
    """A service request this kiosk submitted, as it stands now (its history: `GET /v1/requests/{code}`)."""

    tracking_code: str
    client_reference: str | None = Field(description="The kiosk's own reference, if it gave one.")
    service_code: str
    customer_code: CustomerCode | None
    status: RequestStatus
    created_at: datetime
    changed_at: datetime = Field(description="The central's time of the request's latest event.")


class OutageReportChange(Model):
    """An outage report this kiosk sent. A report has no later status on this central: it changes once, made."""

    id: str
    client_reference: str | None = Field(description="The kiosk's own reference, if it gave one.")
    customer_code: CustomerCode
    kind: Literal["my_house", "street", "danger"]
    created_at: datetime
    changed_at: datetime = Field(description="When the central received it (`created_at`).")


class KioskChanges(Model):
    """One page of what changed for a kiosk at or after ``since``, oldest change first.

    Each list is in the order of ``changed_at``; a page holds at most ``limit`` changes of the three kinds
    together. A change may be listed again in a later answer (one at the very moment of ``now``), never
    missed: a kiosk applies them by id, so a repeat changes nothing."""

    kiosk_id: str
    since: datetime = Field(description="The `since` asked for.")
    now: datetime = Field(
        description=(
            "The central's clock when this page was read. Once `next_cursor` is null, the `now` of that last"
            " page is the `since` of the next question; never the kiosk's own clock."
        )
    )
    payments: list[PaymentChange]
    requests: list[RequestChange]
    outage_reports: list[OutageReportChange]
    next_cursor: str | None = Field(
        description=(
            "Null when this page ends the changes. Otherwise more changes follow: ask again with the same"
            " `since` and this `cursor`."
        )
    )
