"""The wire models of the central API, version 1.

These models *are* the contract: FastAPI turns them into ``/openapi.json``, and a test keeps
that identical to the committed ``contract/openapi.json``. Field names are fixed for integrators
(see the contract's description); JSON is snake_case and amounts are whole đồng.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CustomerCode = Annotated[
    str,
    Field(
        pattern=r"^P[A-Z][0-9]{11}$",
        examples=["PE01000123456"],
        description="13 characters: two letters (the corporation prefix) then 11 digits.",
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

PaymentMethod = Literal["vietqr", "momo", "zalopay", "vnpay"]
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


# ------------------------------------------------------------------ customers
class Corporation(Model):
    code: CorporationCode
    name: Label
    hotline: str


class DistrictUnit(Model):
    code: str = Field(description="The first six characters of the customer code, e.g. `PE0100`.")
    name: Label


class Meter(Model):
    serial: str
    multiplier: int = Field(ge=1)
    remote_read: bool = Field(description="True when the meter is read remotely and has daily readings.")


class Customer(Model):
    code: CustomerCode
    name: str = Field(description="Masked for display on a public kiosk, e.g. `Nguyễn V** H***`.")
    address: str = Field(description="Masked: the house number and street are hidden.")
    phone: str | None = Field(description="Masked, e.g. `091*****78`; null when none is registered.")
    corporation: Corporation
    district_unit: DistrictUnit
    tariff_type: Literal["residential"]
    households: int = Field(ge=1, description="Households sharing the meter (số hộ); multiplies tier limits.")
    meter: Meter


class TierLine(Model):
    tier: int = Field(ge=1, description="1-based tier number within its schedule.")
    kwh: int = Field(ge=0)
    unit_price: Money = Field(description="VND per kWh, excluding VAT.")
    amount: Money
    limit_kwh: int | None = Field(description="This tier's prorated size for the segment; null = unbounded.")
    segment_start: date
    segment_end: date


class BillSegment(Model):
    start: date
    end: date
    days: int
    kwh: int
    decision: str = Field(description="The tariff decision whose prices apply to this part.")
    vat_rate: float


class VatLine(Model):
    rate: float
    base: Money
    amount: Money


class Bill(Model):
    id: str
    customer_code: CustomerCode
    period_start: date
    period_end: date
    days: int
    meter_serial: str
    opening_index: int
    closing_index: int
    multiplier: int
    kwh: int
    households: int
    tiers: list[TierLine]
    segments: list[BillSegment] = Field(
        description="More than one when a price or VAT change falls inside the period (kWh split by days)."
    )
    subtotal: Money
    vat_rate: float = Field(description="VAT rate in force at the end of the period, e.g. 0.08.")
    vat_lines: list[VatLine] = Field(description="One line per VAT rate that applies within the period.")
    vat_amount: Money
    total: Money
    due_date: date
    invoice_serial: str
    invoice_number: str
    status: BillStatus
    paid_at: datetime | None
    pending_payment_id: str | None = Field(description="The live payment that covers this bill, if any.")


class BillList(Model):
    customer_code: CustomerCode
    bills: list[Bill] = Field(description="Oldest period first.")
    total_due: Money = Field(description="Sum of the totals of bills not paid.")


class ConsumptionPoint(Model):
    start: date
    end: date
    kwh: int
    label: str = Field(description="`YYYY-MM` for months, `YYYY-MM-DD` for days.")


class Consumption(Model):
    customer_code: CustomerCode
    granularity: Literal["month", "day"]
    points: list[ConsumptionPoint]


# ------------------------------------------------------------------ payments
class PaymentCreate(Model):
    customer_code: CustomerCode
    bill_ids: list[str] = Field(min_length=1, max_length=24)
    method: PaymentMethod


class Recipient(Model):
    bank_bin: str
    account_number: str
    account_name: str


class Payment(Model):
    id: str
    status: PaymentStatus
    amount: Money
    qr_payload: str = Field(
        description="NAPAS VietQR (EMVCo) payload, dynamic, with the amount and reference."
    )
    reference: str = Field(description="Unique; carried in tag 62/08 so the bank's notice can be matched.")
    expires_at: datetime
    customer_code: CustomerCode
    bill_ids: list[str]
    method: PaymentMethod
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
    method: PaymentMethod
    label: Label


class PaymentMethods(Model):
    methods: list[PaymentMethodInfo]


class BankTransfer(Model):
    reference: str = Field(min_length=1, max_length=25)
    amount: int = Field(gt=0)


class BankTransferResult(Model):
    id: int
    reference: str
    amount: int
    outcome: Literal["applied", "refund_due"]
    reason: Literal["duplicate", "bills_already_paid", "amount_mismatch", "unknown_reference"] | None
    payment_id: str | None
    received_at: datetime


# ------------------------------------------------------------------ services and requests
FieldType = Literal[
    "text", "number", "choice", "date", "phone", "id_number", "address", "household_count", "yes_no"
]


class FormOption(Model):
    value: str
    label: Label


class FormField(Model):
    name: str
    type: FieldType
    label: Label
    required: bool
    help: Label | None
    options: list[FormOption]
    min_value: int | None
    max_value: int | None
    max_length: int | None


class Service(Model):
    code: str
    number: int
    title: Label
    description: Label
    max_working_days: int
    documents: list[Label]
    fields: list[FormField]
    requires_customer_code: bool


class ServiceList(Model):
    services: list[Service]


class OtpCreate(Model):
    purpose: Literal["service_request", "outage_report"]
    phone: str | None = Field(default=None, description="Send to this phone, or…")
    customer_code: CustomerCode | None = Field(default=None, description="…to the phone on the account.")


class Otp(Model):
    id: str
    phone: str = Field(description="Masked.")
    expires_at: datetime
    resend_after: datetime
    max_attempts: int


class OtpVerify(Model):
    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6 digits the customer received.")


class OtpVerification(Model):
    otp_id: str
    verified_at: datetime = Field(description="When the code was first found right; the same on a repeat.")
    valid_until: datetime = Field(
        description=(
            "`verified_at` + 7 days: until then the code confirms one service request even after"
            " `expires_at`, so a request confirmed at a kiosk that is offline can be delivered later."
        )
    )


class RequestCreate(Model):
    service_code: str
    customer_code: CustomerCode | None = None
    fields: dict[str, str | int | bool]
    otp_id: str
    otp_code: str = Field(pattern=r"^[0-9]{6}$")
    client_reference: ClientReference | None = None


class RequestEvent(Model):
    at: datetime
    status: str
    note: Label


class ServiceRequest(Model):
    tracking_code: str
    client_reference: str | None = Field(description="The kiosk's own reference, if it gave one.")
    service_code: str
    customer_code: CustomerCode | None
    status: Literal["received", "in_progress", "completed", "rejected"]
    created_at: datetime
    due_by: date
    history: list[RequestEvent]


# ------------------------------------------------------------------ outages
class Outage(Model):
    id: str
    kind: Literal["planned", "emergency"]
    district_unit: str
    area: Label
    reason: Label
    start_at: datetime
    expected_end_at: datetime
    status: Literal["scheduled", "in_progress"]


class OutageList(Model):
    customer_code: CustomerCode
    outages: list[Outage]


class OutageReportCreate(Model):
    customer_code: CustomerCode
    kind: Literal["my_house", "street", "danger"]
    description: str = Field(default="", max_length=500)
    client_reference: ClientReference | None = None


class OutageReport(Model):
    id: str
    client_reference: str | None = Field(description="The kiosk's own reference, if it gave one.")
    customer_code: CustomerCode
    kind: Literal["my_house", "street", "danger"]
    created_at: datetime
    emergency_hotline: str = Field(
        description="The corporation's 24/7 hotline: call it at once for danger (fallen wire, sparks)."
    )
    fire_hotline: str = Field(description="Fire and rescue (114), for fire or injury.")
    emergency: bool = Field(
        description="True for `danger`: the kiosk shows the hotlines before anything else."
    )


# ------------------------------------------------------------------ tariffs
class TariffTier(Model):
    up_to_kwh: int | None = Field(description="Cumulative upper bound for a whole month and one household.")
    unit_price: Money


class TariffSchedule(Model):
    effective_from: date
    decision: str
    tiers: list[TariffTier]


class VatPeriod(Model):
    effective_from: date
    rate: float
    basis: str


class Tariffs(Model):
    residential: list[TariffSchedule]
    vat: list[VatPeriod]
    proration: str = Field(description="How tier limits are prorated; see the contract description.")


# ------------------------------------------------------------------ kiosks
class Heartbeat(Model):
    version: str
    printer_status: str
    pending_payments: int = Field(ge=0)
    outbox_depth: int = Field(ge=0)
    last_activity_at: datetime | None
    # Defaults, so that the beats of kiosks that predate staff calls and assisted mode still validate.
    staff_call_open: bool = Field(
        default=False, description='A customer pressed "Call staff" and staff have not arrived yet.'
    )
    assisted_mode: bool = Field(default=False, description="Staff are operating the kiosk for a customer.")


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
    called_at: AwareDatetime = Field(description="When the customer pressed the button (the kiosk's clock).")


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


# ------------------------------------------------------------------ simulation (demo only)
class SimOtp(Model):
    otp_id: str
    phone: str
    code: str


class SimClockAdvance(Model):
    seconds: int = Field(gt=0, le=400 * 24 * 3600)


class SimClock(Model):
    now: datetime


class SimCounterPayment(Model):
    bill_id: str
    channel: str = "counter"
