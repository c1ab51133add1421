"""The retail tariff schedules and VAT periods."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from kiosk_central.schemas.common import Model, Money


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
