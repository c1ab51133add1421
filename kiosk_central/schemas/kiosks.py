"""Kiosks' heartbeats and calls for staff, and the fleet view of both."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from kiosk_central.schemas.common import AwareTime, Count, Flag, Model, Time


class Heartbeat(Model):
    # Bounded: the fleet page shows every kiosk's latest beat, and SQLite stores integers in 64 bits.
    version: str = Field(max_length=64)
    printer_status: str = Field(max_length=200)
    pending_payments: Count = Field(ge=0, le=1_000_000)
    outbox_depth: Count = Field(ge=0, le=1_000_000)
    last_activity_at: Time | None
    # Defaults, so that the beats of kiosks that predate staff calls and assisted mode still validate.
    staff_call_open: Flag = Field(
        default=False, description='A customer pressed "Call staff" and staff have not arrived yet.'
    )
    assisted_mode: Flag = Field(default=False, description="Staff are operating the kiosk for a customer.")


class HeartbeatAck(Model):
    kiosk_id: str
    received_at: datetime


CALL_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
CallId = Annotated[
    str,
    Field(
        pattern=CALL_ID_PATTERN,
        examples=["5f0c2d9e4b7a4e1f9c3d2b1a0e9f8d7c"],
        description="Chosen by the kiosk (8–64 letters, digits, `_`, `-`) and reused on every retry.",
    ),
]
ScreenName = Annotated[
    str,
    Field(
        # A name from the kiosk's code, not text a customer typed: a pattern keeps personal data out.
        pattern=r"^[a-z][a-z0-9_]{0,39}$",
        examples=["pay_by_qr"],
        description="The screen the customer was on, as the kiosk's code names it. Never personal data.",
    ),
]


class StaffCallCreate(Model):
    call_id: CallId
    screen: ScreenName
    language: Literal["vi", "en"] = Field(description="The language the customer is using.")
    called_at: AwareTime = Field(description="When the customer pressed the button (the kiosk's clock).")


class StaffCallAck(Model):
    call_id: str
    kiosk_id: str
    received_at: datetime = Field(
        description="When the central first received the call; the same on a retry."
    )


class FleetStaffCall(Model):
    """A call for staff that no one has answered yet."""

    kiosk_id: str
    call_id: str | None = Field(
        description=(
            "Null when the kiosk's heartbeat says a call is open but the call itself has not reached the"
            " central yet (its network dropped it; the kiosk keeps sending it)."
        )
    )
    screen: str | None
    language: Literal["vi", "en"] | None
    called_at: datetime | None = Field(description="The kiosk's clock; null as for `call_id`.")
    received_at: datetime | None


class FleetKiosk(Model):
    """A kiosk's latest heartbeat, as the central received it."""

    kiosk_id: str
    last_heartbeat_at: datetime
    silent_seconds: int = Field(ge=0, description="Seconds since the last heartbeat, by the central's clock.")
    stale: bool = Field(description="No heartbeat for more than `stale_after_seconds`.")
    version: str
    printer_status: str
    pending_payments: int
    outbox_depth: int
    last_activity_at: datetime | None
    staff_call_open: bool
    assisted_mode: bool


class Fleet(Model):
    """The kiosks as the office sees them (`GET /v1/fleet`; the `/fleet` page shows the same)."""

    generated_at: datetime = Field(description="The central's clock, from which `silent_seconds` count.")
    stale_after_seconds: int = Field(description="After this long without a heartbeat a kiosk is `stale`.")
    open_staff_calls: list[FleetStaffCall] = Field(
        description="Oldest call first; then kiosks whose heartbeat reports a call not received yet."
    )
    kiosks: list[FleetKiosk] = Field(
        description=(
            "Every kiosk that ever sent a heartbeat: the stale ones first, longest silent first; then the"
            " others by id."
        )
    )
