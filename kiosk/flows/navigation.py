"""Where the customer is: a stack of screen states, and the moves between them.

Each state is a small frozen value naming a screen and the data it shows; the view router
(`kiosk.views.router`) maps every state to exactly one screen module with an exhaustive `match`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from kiosk.central.models import (
    Bill,
    BillList,
    Consumption,
    Customer,
    Outage,
    OutageReportKind,
    PaymentMethodInfo,
    Service,
    ServiceRequest,
    Tariffs,
)
from kiosk.customer.citizen_id import IdCardProblem
from kiosk.payments.records import JournalPayment, Order
from kiosk.printing.printer_status import PrinterStatus
from kiosk.requests.form import FieldProblem, RequestForm
from kiosk.requests.records import OutboxItem
from kiosk.staff.day_report import DayReport
from kiosk.staff.pin_gate import PinCheck


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


# ---------------------------------------------------------------------------------------------- bill lookup
@dataclass(frozen=True)
class EnterCode:
    """The customer-code keypad. What has been typed lives here, not in the widget, so that Back, a language
    switch or an idle warning return to exactly what the customer typed, and a wipe forgets it. ``purpose`` is
    the journey the code is for (the bills, the outages in the area, a service request)."""

    prefix: str = ""
    digits: str = ""
    purpose: Feature = Feature.BILLS


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


@dataclass(frozen=True)
class Loading:
    """A request is on its way; the screen shows progress and offers Back. `code` is the customer's."""

    what: Waiting
    code: str


class LookupProblem(StrEnum):
    """Why the kiosk cannot show what was asked for; each has its own explanation and next step."""

    NOT_FOUND = "not_found"  # the central knows no such customer
    INVALID_CODE = "invalid_code"  # not shaped like a customer code (the central or the kiosk says so)
    NOT_A_BILL = "not_a_bill"  # a scan that holds no customer code
    ID_CARD = "id_card"  # a citizen ID card was scanned instead of a bill
    UNREACHABLE = "unreachable"  # network down, central not answering in time
    BAD_ANSWER = "bad_answer"  # the central answered something the kiosk cannot read
    BUSY = "busy"  # the central asks to wait
    KIOSK_REFUSED = "kiosk_refused"  # the central does not accept this kiosk: staff must fix it
    PRINT_FAILED = "print_failed"  # the bill notice could not be printed


@dataclass(frozen=True)
class LookupFailed:
    problem: LookupProblem
    code: str | None
    can_retry: bool


@dataclass(frozen=True)
class AccountOverview:
    """Who the account is and what it owes (the central's unpaid bills, oldest first)."""

    customer: Customer
    unpaid: BillList


@dataclass(frozen=True)
class BillDetail:
    customer: Customer
    bill: Bill
    tariffs: (
        Tariffs | None
    )  # for the standard tier sizes the explanation quotes; None if the central had none


@dataclass(frozen=True)
class PaidHistory:
    customer: Customer
    bills: tuple[Bill, ...]  # newest first, at most the last 12 months


@dataclass(frozen=True)
class ConsumptionHistory:
    customer: Customer
    monthly: Consumption
    daily: Consumption | None  # remote-read meters only


@dataclass(frozen=True)
class ChooseBills:
    """Which unpaid bills to pay; `selected` is always the oldest N (older debts are paid first)."""

    customer: Customer
    unpaid: BillList
    selected: int


@dataclass(frozen=True)
class BillNoticePrinted:
    """A real printer confirmed the bill notice (a preview printer shows the page instead)."""

    code: str


# ---------------------------------------------------------------------------------------------- payment
@dataclass(frozen=True)
class ChooseMethod:
    """How to pay the chosen bills: the central's methods (every one is a VietQR the apps scan)."""

    customer: Customer
    bills: tuple[Bill, ...]  # oldest first
    methods: tuple[PaymentMethodInfo, ...]


@dataclass(frozen=True)
class PayByQr:
    """The payment's QR, checked, with a countdown. ``checking``: the time is up and the kiosk is asking the
    central how it ended (the QR is no longer shown)."""

    customer: Customer
    payment: JournalPayment
    seconds_left: int
    checking: bool = False


class ReceiptProgress(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FOR_STAFF = "for_staff"  # not printed (no printer, printer fault): the payment is safe, staff print it


@dataclass(frozen=True)
class PaymentReceived:
    payment: JournalPayment
    receipt: ReceiptProgress


class PaymentEnd(StrEnum):
    """Why a payment stopped short of "received"; each has its own words and next step."""

    EXPIRED = "expired"  # the QR's time ran out and no money came: a new QR may be made
    CANCELLED = "cancelled"  # the customer cancelled; no money came
    CANCEL_UNCONFIRMED = "cancel_unconfirmed"  # cancelled on the kiosk; the central could not be told yet
    PAID_ELSEWHERE = "paid_elsewhere"  # the bills were paid by another channel meanwhile
    IN_PROGRESS = "in_progress"  # another payment for these bills is still waiting
    UNKNOWN = "unknown"  # the central did not answer: try again (with the same request)
    QR_REFUSED = "qr_refused"  # the central's QR failed the kiosk's checks: staff must look
    REFUSED = "refused"  # the central refused for another reason


@dataclass(frozen=True)
class PaymentStopped:
    why: PaymentEnd
    customer: Customer
    row_id: int | None = None  # the journal row to ask again about (UNKNOWN)
    order: Order | None = None  # what was being paid, to make a new QR for it (EXPIRED)


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
class ReviewRequest:
    """Every answer, to check before the code is sent to the customer's phone."""

    form: RequestForm


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


# ---------------------------------------------------------------------------------------------- outages
@dataclass(frozen=True)
class OutageStart:
    """Danger first, then "no power" and "planned outages"."""


@dataclass(frozen=True)
class DangerHotline:
    """Danger at the grid: the hotlines, large, before anything else. ``code``: the customer whose danger
    report is on its way; ``reported`` once it is safe (on the central or in the outbox)."""

    hotline: str | None
    code: str | None = None
    reported: OutboxItem | None = None


@dataclass(frozen=True)
class OutageOverview:
    """Outages in the customer's area: those happening now, then those planned in the next 7 days.
    ``printed``: how printing the schedule went (None: not printed yet, or shown as a preview)."""

    customer: Customer
    outages: tuple[Outage, ...]
    reporting: bool  # the customer came to report a fault (no power), not to read the schedule
    printed: bool | None = None


@dataclass(frozen=True)
class ReportOutage:
    customer: Customer
    outages: tuple[Outage, ...]


@dataclass(frozen=True)
class OutageReported:
    customer: Customer
    kind: OutageReportKind
    item: OutboxItem
    known: Outage | None  # an outage already known in the area, with its expected end


# ---------------------------------------------------------------------------------------------- faults
@dataclass(frozen=True)
class Fault:
    """Something the kiosk did not expect went wrong (a bug): the customer is asked to fetch staff. What was
    already journalled (payments, requests, receipts) is safe and followed up by itself."""


# ---------------------------------------------------------------------------------------------- staff mode
@dataclass(frozen=True)
class StaffPin:
    """The staff PIN keypad. Only how many digits were typed is here (the screen shows dots); the digits stay
    in the flow and are dropped after each check. ``check`` is the last refusal (wrong, wait, locked, not set)."""

    entered: int = 0
    check: PinCheck | None = None


class CentralState(StrEnum):
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"  # network down or central not answering
    REFUSED = "refused"  # the central does not accept this kiosk's token


@dataclass(frozen=True)
class KioskHealth:
    """What staff see first: is the kiosk able to serve, and what is waiting for them."""

    kiosk_id: str
    version: str
    printer: PrinterStatus | None  # None: this kiosk has no printer configured
    central: CentralState
    heartbeat_at: datetime | None  # when the central last acknowledged a heartbeat
    outbox_depth: int  # requests and reports saved on the kiosk, not yet with the central
    pending_payments: int  # payments still followed to their outcome
    prints_for_staff: int  # receipts and slips that did not come out for the customer
    refused_requests: int  # requests the central refused: a staff call-back is needed
    default_language: str


class StaffNotice(StrEnum):
    """The outcome of the last staff action, shown on the staff screen it came from."""

    TEST_PRINTED = "test_printed"
    PRINT_FAILED = "print_failed"
    PAPER_READY = "paper_ready"  # paper replaced, the printer is ready, and what waited was printed
    PAPER_STILL_OUT = "paper_still_out"  # paper replaced, but the printer still is not ready
    REPRINTED = "reprinted"
    SENDING = "sending"  # "send now": the outbox courier was woken
    LANGUAGE_SET = "language_set"
    REPORT_PRINTED = "report_printed"


@dataclass(frozen=True)
class StaffHome:
    health: KioskHealth
    notice: StaffNotice | None = None
    printed: int = 0  # how many waiting printouts "paper replaced" printed


@dataclass(frozen=True)
class Printout:
    """A receipt or slip in the print journal, as the reprint list shows it (no personal data)."""

    job_id: int
    kind: str  # RECEIPT_KIND, SLIP_KIND, ...
    reference: str
    created_at: datetime
    printed: bool  # the printer confirmed it at least once


@dataclass(frozen=True)
class StaffPrintouts:
    items: tuple[Printout, ...]  # newest first
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class StaffPending:
    """Work not finished: payments still followed, requests still on the kiosk, requests refused."""

    payments: tuple[JournalPayment, ...]
    queued: tuple[OutboxItem, ...]
    refused: tuple[OutboxItem, ...]
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class StaffDayReport:
    report: DayReport
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class StaffLeave:
    """Asks staff to confirm closing the kiosk program (the only way out of the kiosk)."""


ScreenState = (
    Home
    | Fault
    | StaffPin
    | StaffHome
    | StaffPrintouts
    | StaffPending
    | StaffDayReport
    | StaffLeave
    | StaffCalled
    | IdleWarning
    | PrintPreview
    | EnterCode
    | Loading
    | LookupFailed
    | AccountOverview
    | BillDetail
    | PaidHistory
    | ConsumptionHistory
    | ChooseBills
    | BillNoticePrinted
    | ChooseMethod
    | PayByQr
    | PaymentReceived
    | PaymentStopped
    | ChooseService
    | ServiceIntro
    | IdConsent
    | ScanIdCard
    | FillField
    | ReviewRequest
    | ConfirmOtp
    | RequestSubmitted
    | RequestRefused
    | TrackRequest
    | RequestStatus
    | OutageStart
    | DangerHotline
    | OutageOverview
    | ReportOutage
    | OutageReported
)

Listener = Callable[[ScreenState], None]


class Navigator:
    """The screen stack. Back pops; Home clears; listeners hear every change of the top state."""

    def __init__(self) -> None:
        self._stack: list[ScreenState] = [Home()]
        self._listeners: list[Listener] = []

    @property
    def current(self) -> ScreenState:
        return self._stack[-1]

    @property
    def depth(self) -> int:
        return len(self._stack)

    @property
    def states(self) -> tuple[ScreenState, ...]:
        """The whole stack, Home first."""
        return tuple(self._stack)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def go(self, state: ScreenState) -> None:
        self._stack.append(state)
        self._notify()

    def replace(self, state: ScreenState) -> None:
        """Change the top state without making a Back step (a countdown tick, a screen's own progress)."""
        self._stack[-1] = state
        self._notify()

    def back_to(self, depth: int) -> None:
        """Back to the state that was on top when the stack was ``depth`` deep (leaving a whole mode)."""
        if 1 <= depth < len(self._stack):
            del self._stack[depth:]
            self._notify()

    def back(self) -> None:
        if len(self._stack) > 1:
            self._stack.pop()
            self._notify()

    def home(self) -> None:
        self._stack = [Home()]
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self.current)
