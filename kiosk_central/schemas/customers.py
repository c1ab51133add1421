"""Customers, their bills (tiers, segments, VAT) and their consumption."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from kiosk_central.schemas.common import BillStatus, CorporationCode, CustomerCode, Label, Model, Money


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
    limit_kwh: int | None = Field(
        description="This tier's size in its part: monthly size × the part's `days` ÷ the bill's `month_days` × "
        "households, rounded half up; null = unbounded."
    )
    segment_start: date = Field(description="The `start` of the part (segment) this line belongs to.")
    segment_end: date = Field(description="The `end` of the part (segment) this line belongs to.")


class BillSegment(Model):
    start: date = Field(description="The previous reading date, or the day a new price starts.")
    end: date = Field(
        description="The day the next price starts, or the reading date: consecutive parts share this date."
    )
    days: int = Field(
        ge=1, description="`end` − `start` (EVN's Nc or Nm); the parts' days add up to the bill's."
    )
    kwh: int = Field(
        ge=0,
        description="The bill's kWh × `days` ÷ the bill's `days`, rounded half up; the last "
        "part takes the remainder.",
    )
    decision: str = Field(description="The tariff decision whose prices apply to this part.")
    vat_rate: float = Field(
        description="The bill's VAT rate, the same in every part: VAT never splits a bill."
    )


class VatLine(Model):
    rate: float
    base: Money = Field(description="The bill's subtotal.")
    amount: Money = Field(description="`base` × `rate`, rounded half up.")


class Bill(Model):
    id: str
    customer_code: CustomerCode
    period_start: date = Field(
        description='The previous meter-reading date, as EVN prints it: "từ ngày 20/04/2025 đến ngày 20/05/2025".'
    )
    period_end: date = Field(
        description="The meter-reading date. The bill is named after its month (the billing month)."
    )
    days: int = Field(ge=1, description="`period_end` − `period_start` (20/04 → 20/05 is 30 days).")
    month_days: int = Field(
        ge=28,
        le=31,
        description="Calendar days of the month before the billing month (EVN's T): tier limits are the monthly "
        "sizes × days ÷ month_days × households, so a reading on the same day each month gets the full sizes.",
    )
    meter_serial: str
    opening_index: int
    closing_index: int
    multiplier: int
    kwh: int
    households: int
    tiers: list[TierLine]
    segments: list[BillSegment] = Field(
        description="More than one when a tariff price change falls strictly inside the period: the kWh are "
        "split by days (EVN's S ÷ T' × Nc), each part priced by its own schedule. Oldest part first."
    )
    subtotal: Money
    vat_rate: float = Field(description="VAT rate in force on the reading date (`period_end`), e.g. 0.08.")
    vat_lines: list[VatLine] = Field(
        description="One line: the whole subtotal at `vat_rate`. A VAT change never splits a bill."
    )
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
    start: date = Field(
        description="The first day whose use the point counts: for a month, the day after the previous reading "
        "(so a month's days are `end` − `start` + 1, the same count as its bill's `days`)."
    )
    end: date = Field(
        description="The last day counted: for a month, the reading date (the bill's `period_end`)."
    )
    kwh: int
    label: str = Field(description="`YYYY-MM` for months, `YYYY-MM-DD` for days.")


class Consumption(Model):
    customer_code: CustomerCode
    granularity: Literal["month", "day"]
    points: list[ConsumptionPoint]
