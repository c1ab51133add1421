"""The screens of a service request (the catalogue, the papers, consent to read the ID card, one question per
screen, the review, the code sent by SMS, the request received or kept) and of tracking one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.customer.citizen_id import IdCardProblem
from kiosk.requests.form import FieldProblem, RequestForm
from kiosk.requests.records import OutboxItem

if TYPE_CHECKING:
    from kiosk.central.models import (
        Service,
        ServiceRequest,
    )


# ---------------------------------------------------------------------------------------------- service requests
@dataclass(frozen=True)
class ChooseService:
    """The central's catalogue of online services."""

    services: tuple[Service, ...]


@dataclass(frozen=True)
class ServiceIntro:
    """What a service is for, how long it takes and the papers to bring, before the customer starts."""

    service: Service


@dataclass(frozen=True)
class IdConsent:
    """May the kiosk read the citizen ID card to fill in name, ID number and address?"""

    form: RequestForm


@dataclass(frozen=True)
class ScanIdCard:
    """Waiting for the card's QR under the scanner; ``problem`` when the last scan was not a readable card."""

    form: RequestForm
    problem: IdCardProblem | None = None


@dataclass(frozen=True)
class FillField:
    """One question of the form per screen. ``typed`` is the answer being typed (kept here so a language switch
    or an idle warning loses nothing); ``reviewing``: the customer came from the review and goes back to it."""

    form: RequestForm
    index: int
    typed: str
    problem: FieldProblem | None = None
    reviewing: bool = False


@dataclass(frozen=True)
class CodeWait:
    """The central would not send a code yet: too many went to this phone (or, from this kiosk) lately."""

    minutes: int  # until it will, by the central's clock, rounded up
    this_phone: bool  # the phone's limit (else the kiosk's): changing the number may help


@dataclass(frozen=True)
class ReviewRequest:
    """Every answer, to check before the code is sent to the customer's phone."""

    form: RequestForm
    code_wait: CodeWait | None = None


class OtpProblem(StrEnum):
    WRONG = "wrong"  # not the code sent; ``attempts_left`` more tries
    EXPIRED = "expired"  # too late: ask for a new code
    LOCKED = "locked"  # too many wrong codes: ask for a new one
    TOO_SOON = "too_soon"  # a new code can be asked for only after a wait
    UNREACHABLE = "unreachable"  # the code could not be checked or sent now: try again
    REFUSED = "refused"  # the central would not send a code to this number


OTP_LENGTH = 6  # digits in the one-time code the central sends


@dataclass(frozen=True)
class ConfirmOtp:
    """The code sent by SMS to the phone in the form. Times are the kiosk's monotonic clock, in seconds."""

    form: RequestForm
    otp_id: str
    masked_phone: str
    typed: str
    resend_at: float
    expires_at: float
    attempts_left: int
    problem: OtpProblem | None = None


class SlipProgress(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    NOT_PRINTED = "not_printed"  # no printer or a printer fault: the request is safe either way
    PREVIEW = "preview"  # a preview printer (demo): the slip is shown on screen


@dataclass(frozen=True)
class RequestSubmitted:
    """The request is safe: received by the power company (``item.tracking_code``), or kept on this kiosk to
    be sent (``item.reference``). The customer is told which, honestly."""

    service: Service
    item: OutboxItem
    slip: SlipProgress


@dataclass(frozen=True)
class RequestRefused:
    """The central refused the request for a reason the customer cannot fix here (``code``)."""

    service: Service
    code: str


class TrackProblem(StrEnum):
    """Why the code typed or scanned on the tracking screen found nothing; said on that screen."""

    NOT_FOUND = "not_found"  # neither this kiosk nor the central knows the code: a typo, most likely
    NOT_A_SLIP = "not_a_slip"  # the scan holds no tracking code (a bill, an ID card, another QR)


@dataclass(frozen=True)
class TrackRequest:
    """Typing (or scanning) a tracking code from a slip."""

    typed: str = ""
    problem: TrackProblem | None = None


@dataclass(frozen=True)
class RequestStatus:
    """Where a request is: the central's history, or (``request`` None) still on this kiosk waiting to be sent
    (``refused``: the central would not take it; staff call the customer). ``service`` when the catalogue was
    at hand, for the service's name."""

    reference: str
    request: ServiceRequest | None
    service: Service | None
    refused: bool = False
