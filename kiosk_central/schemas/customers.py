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
