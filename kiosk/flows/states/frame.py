"""The journeys the home screen offers, and the screens around every journey: home, waiting for the central,
Call staff, the idle warning, a print preview and the "please ask staff" fault screen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Feature(StrEnum):
    """The journeys the home screen offers."""

    BILLS = "bills"
    REQUESTS = "requests"
    OUTAGES = "outages"
    TRACK_REQUEST = "track_request"


@dataclass(frozen=True)
class Home:
    pass


@dataclass(frozen=True)
class StaffCalled:
    pass


@dataclass(frozen=True)
class IdleWarning:
    """Shown over the customer's place after the idle time; `seconds_left` counts down to the wipe."""

    seconds_left: int


@dataclass(frozen=True)
class PrintPreview:
    """What a kiosk without a printer (demo mode) "printed": the PNG the preview printer saved."""

    image: Path


class Waiting(StrEnum):
    """What the kiosk is waiting for the central (or the printer) to do."""

    ACCOUNT = "account"
    HISTORY = "history"
    CONSUMPTION = "consumption"
    BILL_NOTICE = "bill_notice"
    PAYMENT_METHODS = "payment_methods"
    PAYMENT_QR = "payment_qr"
    CANCELLING = "cancelling"
    SERVICES = "services"
    SENDING_OTP = "sending_otp"
    CHECKING_OTP = "checking_otp"
    SENDING_REQUEST = "sending_request"
    REQUEST_STATUS = "request_status"
    OUTAGES = "outages"
    SENDING_REPORT = "sending_report"


UNSTOPPABLE = frozenset({Waiting.SENDING_REQUEST, Waiting.SENDING_REPORT})
"""Waits the customer cannot go back from: the request or report is saved on the kiosk and on its way (Back
would only hide that it was sent)."""


@dataclass(frozen=True)
class Loading:
    """A request is on its way; the screen shows progress and offers Back. `code` is the customer's."""

    what: Waiting
    code: str


# ---------------------------------------------------------------------------------------------- faults
@dataclass(frozen=True)
class Fault:
    """Something the kiosk did not expect went wrong (a bug): the customer is asked to fetch staff. What was
    already journalled (payments, requests, receipts) is safe and followed up by itself."""
