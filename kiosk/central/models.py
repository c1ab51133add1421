"""The kiosk's own typed view of the central API's JSON (contract v1).

These are deliberately *not* imported from ``kiosk_central``: the kiosk knows the central only through
the HTTP contract (``contract/openapi.json``), so a kiosk keeps working against any server that honours
it. Field names are exactly the server's JSON names.

Two choices shape every model here:

* ``extra="ignore"``: the central may add fields in a compatible release without breaking kiosks in
  the field. A field the kiosk relies on going missing, or changing type, is a broken contract and
  surfaces as :class:`kiosk.central.errors.BadResponse`.
* ``strict=True``: ``"total": "120000"`` or ``"kwh": true`` is a broken contract too, not something to
  coerce silently into a number shown on a bill. (In strict mode pydantic still reads ISO 8601
  strings as dates and times, since JSON has no other way to carry them.)
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Money = Annotated[int, Field(ge=0, description="Whole đồng (VND has no minor unit).")]

# A central names its own methods; the kiosk knows kinds of payload (what the QR is), not methods.
PaymentMethod = str
PayloadKind = Literal["vietqr", "provider_qr"]
PaymentStatus = Literal["pending", "paid", "expired", "cancelled"]
BillStatus = Literal["unpaid", "pending_payment", "paid", "overdue"]
BillFilter = Literal["unpaid", "all"]
Granularity = Literal["month", "day"]
CorporationCode = Literal["EVNNPC", "EVNCPC", "EVNSPC", "EVNHANOI", "EVNHCMC"]
OtpPurpose = Literal["service_request", "outage_report"]
RequestStatus = Literal["received", "in_progress", "completed", "rejected"]
OutageReportKind = Literal["my_house", "street", "danger"]
StaffCallLanguage = Literal["vi", "en"]
FieldType = Literal[
    "text", "number", "choice", "date", "phone", "id_number", "address", "household_count", "yes_no"
]
FieldValue = str | int | bool


# defer_build: a model's validator is built when it first reads an answer, not at import; building all of
# them cost every start about 100 ms before the window could show.
class CentralModel(BaseModel):
    """A response of the central: immutable, tolerant of new fields, strict about types."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True, defer_build=True)


class RequestBody(BaseModel):
    """Something the kiosk sends: unknown fields are a bug in the kiosk, so they are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)


class Label(CentralModel):
    """Text the central provides in both kiosk languages."""

    vi: str
    en: str


class Health(CentralModel):
    """``GET /v1/health``; the contract gives this answer no schema, so ``status`` is left open."""

    status: str
    version: str
    demo: bool


# ------------------------------------------------------------------ customers
class Corporation(CentralModel):
    code: CorporationCode
    name: Label
    hotline: str


class DistrictUnit(CentralModel):
    code: str
    name: Label


class Meter(CentralModel):
    serial: str
    multiplier: int = Field(ge=1)
    remote_read: bool


class Customer(CentralModel):
    """An account; the central masks name, address and phone for a public screen."""

    code: str
    name: str
    address: str
    phone: str | None
    corporation: Corporation
    district_unit: DistrictUnit
    tariff_type: Literal["residential"]
    households: int = Field(ge=1)
    meter: Meter


class TierLine(CentralModel):
    tier: int = Field(ge=1)
    kwh: int = Field(ge=0)
    unit_price: Money
    amount: Money
    limit_kwh: int | None  # the tier's size in its part: monthly size × part days ÷ month_days × households
    segment_start: date  # the boundaries of the part (segment) the line belongs to
    segment_end: date


class BillSegment(CentralModel):
    """A part of a bill at one price list. Consecutive parts share a boundary date (the day the new price
    starts, which counts to it), and `days` = end − start, so the parts' days add up to the bill's."""

    start: date
    end: date
    days: int
    kwh: int
    decision: str
    vat_rate: float


class VatLine(CentralModel):
    rate: float
    base: Money
    amount: Money


class Bill(CentralModel):
    """A monthly bill as EVN prints it: from the previous reading date (`period_start`) to the reading date
    (`period_end`, whose month names the bill), `days` = period_end − period_start."""

    id: str
    customer_code: str
    period_start: date
    period_end: date
    days: int
    # EVN's T: days of the month before the billing month, which tier limits are divided by. None from a
    # central that does not send it; the bill screen then explains the limits without the division.
    month_days: int | None = None
    meter_serial: str
    opening_index: int
    closing_index: int
    multiplier: int
    kwh: int
    households: int
    tiers: list[TierLine]
    segments: list[BillSegment]
    subtotal: Money
    vat_rate: float
    vat_lines: list[VatLine]
    vat_amount: Money
    total: Money
    due_date: date
    invoice_serial: str
    invoice_number: str
    status: BillStatus
    paid_at: AwareDatetime | None
    pending_payment_id: str | None


class BillList(CentralModel):
    customer_code: str
    bills: list[Bill]
    total_due: Money


class ConsumptionPoint(CentralModel):
    start: date
    end: date
    kwh: int
    label: str


class Consumption(CentralModel):
    customer_code: str
    granularity: Granularity
    points: list[ConsumptionPoint]


# ------------------------------------------------------------------ payments
class Recipient(CentralModel):
    bank_bin: str
    account_number: str
    account_name: str


class Payment(CentralModel):
    id: str
    status: PaymentStatus
    amount: Money
    qr_payload: str
    reference: str
    expires_at: AwareDatetime
    customer_code: str
    bill_ids: list[str]
    method: PaymentMethod
    recipient: Recipient
    created_at: AwareDatetime
    paid_at: AwareDatetime | None
    cancelled_at: AwareDatetime | None


class BillPaymentQr(CentralModel):
    """A bill's own VietQR, for its printed notice: paid later from home, the same on every reprint.

    Unlike a :class:`Payment` it has no status and no expiry, and getting it does not put the bill in
    ``pending_payment``. Money for it after the bill was paid elsewhere is refunded by the central.
    """

    bill_id: str
    customer_code: str
    amount: Money
    reference: str
    qr_payload: str
    recipient: Recipient


class PaymentMethodInfo(CentralModel):
    """One way to pay. ``payload_kind``: ``vietqr``, a NAPAS VietQR any banking or wallet app scans;
    ``provider_qr``, one provider's own format, scanned only by its app; any other value (a newer central's) is
    a code this kiosk does not know how to offer, and is left out (:func:`kiosk.payments.methods.offered`)."""

    method: PaymentMethod
    label: Label
    payload_kind: str


class PaymentMethods(CentralModel):
    methods: list[PaymentMethodInfo]


class BankTransferResult(CentralModel):
    id: int
    transaction_id: str
    reference: str
    amount: int
    outcome: Literal["applied", "refund_due"]
    reason: Literal["duplicate", "bills_already_paid", "amount_mismatch", "unknown_reference"] | None
    payment_id: str | None
    received_at: AwareDatetime


# ------------------------------------------------------------------ services and requests
class FormOption(CentralModel):
    value: str
    label: Label


class FormField(CentralModel):
    name: str
    type: FieldType
    label: Label
    required: bool
    help: Label | None
    options: list[FormOption]
    min_value: int | None
    max_value: int | None
    max_length: int | None


class Service(CentralModel):
    code: str
    number: int
    title: Label
    description: Label
    max_working_days: int
    documents: list[Label]
    fields: list[FormField]
    requires_customer_code: bool


class ServiceList(CentralModel):
    services: list[Service]


class Otp(CentralModel):
    """A one-time code that was sent; the code itself never reaches the kiosk."""

    id: str
    phone: str
    expires_at: AwareDatetime
    resend_after: AwareDatetime
    max_attempts: int


class OtpVerification(CentralModel):
    """A code the customer typed right, recorded by the central without being used up: it confirms one
    service request until ``valid_until`` (7 days), so the request may wait in the kiosk's outbox."""

    otp_id: str
    verified_at: AwareDatetime
    valid_until: AwareDatetime


class RequestEvent(CentralModel):
    at: AwareDatetime
    status: RequestStatus
    note: Label


class ServiceRequest(CentralModel):
    tracking_code: str
    # Defaults to None so that the kiosk also reads a central that predates client references.
    client_reference: str | None = None
    service_code: str
    customer_code: str | None
    status: RequestStatus
    created_at: AwareDatetime
    due_by: date
    history: list[RequestEvent]


# ------------------------------------------------------------------ outages
class Outage(CentralModel):
    id: str
    kind: Literal["planned", "emergency"]
    district_unit: str
    area: Label
    reason: Label
    start_at: AwareDatetime
    expected_end_at: AwareDatetime
    status: Literal["scheduled", "in_progress"]


class OutageList(CentralModel):
    customer_code: str
    outages: list[Outage]


class OutageReport(CentralModel):
    id: str
    client_reference: str | None = None  # see ServiceRequest
    customer_code: str
    kind: OutageReportKind
    created_at: AwareDatetime
    emergency_hotline: str
    fire_hotline: str
    emergency: bool


# ------------------------------------------------------------------ tariffs
class TariffTier(CentralModel):
    up_to_kwh: int | None
    unit_price: Money


class TariffSchedule(CentralModel):
    effective_from: date
    decision: str
    tiers: list[TariffTier]


class VatPeriod(CentralModel):
    effective_from: date
    rate: float
    basis: str


class Tariffs(CentralModel):
    residential: list[TariffSchedule]
    vat: list[VatPeriod]
    proration: str


# ------------------------------------------------------------------ kiosks
class Heartbeat(RequestBody):
    """What a kiosk reports about itself every minute or so."""

    version: str
    printer_status: str
    pending_payments: int = Field(ge=0)
    outbox_depth: int = Field(ge=0)
    last_activity_at: AwareDatetime | None
    staff_call_open: bool = False
    """A customer called staff and no one has come yet (also while the call itself cannot get through)."""
    assisted_mode: bool = False
    """Staff are operating the kiosk for a customer."""


class HeartbeatAck(CentralModel):
    kiosk_id: str
    received_at: AwareDatetime


class StaffCall(RequestBody):
    """A customer pressed "Call staff". Made once, stored by the caller and sent as is on every retry: the
    central keeps one call per ``call_id``, and the same id with another body is a ``call_id_reused``
    conflict."""

    call_id: str = Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")
    # A name from the kiosk's code (``pay_by_qr``), never text about the customer: the pattern keeps it so.
    screen: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    language: StaffCallLanguage
    called_at: AwareDatetime


class StaffCallAck(CentralModel):
    """The central has the call; ``received_at`` is when it first did (the same for a retry)."""

    call_id: str
    kiosk_id: str
    received_at: AwareDatetime


# ------------------------------------------------------------------ what changed for a kiosk
class PaymentChange(CentralModel):
    """A payment this kiosk created, as the central holds it now. ``refund_due`` is money that came with its
    reference and is kept for refund (a second transfer, a wrong amount, bills paid meanwhile elsewhere)."""

    id: str
    reference: str
    customer_code: str
    bill_ids: list[str]
    amount: Money
    status: PaymentStatus
    created_at: AwareDatetime
    expires_at: AwareDatetime
    paid_at: AwareDatetime | None
    cancelled_at: AwareDatetime | None
    amount_applied: Money
    refund_due: Money
    changed_at: AwareDatetime


class RequestChange(CentralModel):
    """A service request this kiosk submitted, as it stands now (its history: :meth:`request_status`)."""

    tracking_code: str
    client_reference: str | None
    service_code: str
    customer_code: str | None
    status: RequestStatus
    created_at: AwareDatetime
    changed_at: AwareDatetime


class OutageReportChange(CentralModel):
    """An outage report this kiosk sent (a report has no later status)."""

    id: str
    client_reference: str | None
    customer_code: str
    kind: OutageReportKind
    created_at: AwareDatetime
    changed_at: AwareDatetime


class KioskChanges(CentralModel):
    """What changed for this kiosk at or after ``since`` (one page, or all pages together), oldest first.

    ``now`` is the central's clock when it was read: once ``next_cursor`` is None it is the ``since`` to ask
    from next time, never the kiosk's own clock. A change may come again in the next answer; apply by id."""

    kiosk_id: str
    since: AwareDatetime
    now: AwareDatetime
    payments: list[PaymentChange]
    requests: list[RequestChange]
    outage_reports: list[OutageReportChange]
    next_cursor: str | None


# ------------------------------------------------------------------ simulation (demo servers only)
class SimOtp(CentralModel):
    otp_id: str
    phone: str
    code: str


class SimClock(CentralModel):
    now: AwareDatetime
