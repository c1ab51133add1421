"""The billing engine: one meter's kWh between two readings, priced by EVN's published method.

Pure (no I/O, no clock) so that the server, the demo data and the tests compute a bill the same way. It knows
nothing about a particular tariff: any number of tiers, schedules and VAT periods can be passed in.

The method is EVN's (EVNCPC customer-care page "Tính tiền trong tháng đổi giá", after Circular 16/2014/TT-BCT;
restated in DOMAIN.md, "Bills"), so that a bill here equals the customer's paper bill to the đồng:

1. The period runs from the previous reading date to this reading date, as EVN prints it ("từ ngày 20/04/2025
   đến ngày 20/05/2025"): `period_start` is the previous reading date, `period_end` the reading date and
   days = period_end - period_start (20 Apr → 20 May is 30 days; the reading day itself is not counted twice,
   it starts the next period). It needs households >= 1, kwh >= 0 and start < end, else ValueError; a period
   starting before the first tariff schedule, or read before the first VAT period, raises LookupError.
2. The billing month is the month of the reading date. T = the number of calendar days of the month before
   it (a bill read on 20 May has T = 30, April's days), whatever months the period touches.
3. A price change strictly inside the period splits it into parts that share the change date as boundary:
   20/04 → 10/05 (Nc = 20 days, old prices) and 10/05 → 20/05 (Nm = 10 days, new prices); the change date
   counts to the new price. A change on the previous reading date prices the whole period at the new prices
   and one on the reading date the whole period at the old ones: the readings split it instead. Any number
   of changes: each part but the last gets S × its days ÷ T' (T' = the period's days) rounded half up, the last
   takes the remainder so the parts add up exactly. (From four parts on, those roundings could hand out more
   than S; a part is then capped at what is left, so none is ever negative. With up to three they cannot.)
4. Tier limits per part: Mq_i × N × h ÷ T rounded half up to a whole kWh, Mq_i being the tier's monthly size
   (50, 50, 100, 100, 100 in the current schedule), N the part's days, h the households. A customer read on
   the same day every month has N = T and so exactly the monthly sizes × h. The last tier is unbounded.
5. A part's kWh fills its tiers in order; each tier line's amount = kWh × unit price. Tiers with 0 kWh are
   omitted from the lines.
6. VAT: one rate for the whole bill, the rate in force on the reading date (Circular 219/2013/TT-BTC art. 8:
   for electricity the VAT point is the date the index is read). A VAT change never splits tiers or subtotal.
   subtotal = sum of the amounts; VAT = subtotal × rate rounded half up; total = subtotal + VAT. Every
   amount is whole đồng; rates are Decimal and every division is exact (Fraction), never float.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import pairwise

from kiosk_central.tariffs import (
    RESIDENTIAL_SCHEDULES,
    VAT_PERIODS,
    TariffSchedule,
    VatPeriod,
    schedule_on,
    vat_rate_on,
)


@dataclass(frozen=True)
class TierLine:
    """kWh billed in one tier of one part; `tier` is 1-based, `limit_kwh` prorated (None for the last).

    `segment_start`/`segment_end` are the part's boundaries (see BillSegment)."""

    tier: int
    segment_start: date
    segment_end: date
    limit_kwh: int | None
    kwh: int
    unit_price: int
    amount: int


@dataclass(frozen=True)
class VatLine:
    """VAT on the subtotal: a bill has exactly one, at the rate in force on its reading date."""

    rate: Decimal
    base: int
    amount: int


@dataclass(frozen=True)
class BillSegment:
    """A part of the period with one tariff schedule.

    `start` is the previous reading date or the day a new price starts, `end` the day the next price starts or
    the reading date; `days` = end - start (Nc or Nm), so consecutive parts share a boundary date and their days
    add up to the period's. `vat_rate` is the bill's one rate, repeated here for the wire's sake."""

    start: date
    end: date
    days: int
    kwh: int
    decision: str
    vat_rate: Decimal


@dataclass(frozen=True)
class BillComputation:
    """Everything a bill shows about how its total was reached.

    `days` is N (or T') for the whole period; `month_days` is T, the days of the month before the billing
    month, which every tier limit is divided by."""

    days: int
    month_days: int
    segments: tuple[BillSegment, ...]
    tiers: tuple[TierLine, ...]
    subtotal: int
    vat_rate: Decimal
    vat_lines: tuple[VatLine, ...]
    vat_amount: int
    total: int


def _round_half_up(x: Fraction) -> int:
    # Every value rounded here is non-negative, so floor(x + 1/2) is "half up" ("làm tròn số học") exactly.
    return math.floor(x + Fraction(1, 2))


def days_of_month_before(reading: date) -> int:
    """T: the calendar days of the month before the billing month (the month of `reading`)."""
    return (reading.replace(day=1) - timedelta(days=1)).day


def _part_bounds(start: date, end: date, schedules: Sequence[TariffSchedule]) -> list[tuple[date, date]]:
    # Strictly inside only: on either reading date the readings themselves already separate the prices (rule 3).
    changes = sorted({s.effective_from for s in schedules if start < s.effective_from < end})
    return list(pairwise([start, *changes, end]))


def _fill_tiers(
    schedule: TariffSchedule,
    bounds: tuple[date, date],
    kwh: int,
    days: int,
    month_days: int,
    households: int,
) -> list[TierLine]:
    lines: list[TierLine] = []
    left = kwh
    for number, (tier, size) in enumerate(zip(schedule.tiers, schedule.tier_widths, strict=True), start=1):
        limit = None if size is None else _round_half_up(Fraction(size * days * households, month_days))
        used = left if limit is None else min(left, limit)
        if used:
            lines.append(TierLine(number, *bounds, limit, used, tier.unit_price, used * tier.unit_price))
        left -= used
    return lines


def _input_problem(start: date, end: date, kwh: int, households: int) -> str | None:
    if households < 1:
        return f"households must be at least 1, got {households}"
    if kwh < 0:
        return f"kWh cannot be negative, got {kwh}"
    if end <= start:
        return f"the period must end ({end}) after the previous reading ({start})"
    return None


def compute_bill(
    period_start: date,
    period_end: date,
    kwh: int,
    households: int,
    schedules: Sequence[TariffSchedule] = RESIDENTIAL_SCHEDULES,
    vat_periods: Sequence[VatPeriod] = VAT_PERIODS,
) -> BillComputation:
    """Price `kwh` read on `period_end`, the previous reading having been on `period_start`, on a meter
    `households` share (rules in the module docstring)."""
    problem = _input_problem(period_start, period_end, kwh, households)
    if problem:
        raise ValueError(problem)

    days = (period_end - period_start).days
    month_days = days_of_month_before(period_end)
    rate = vat_rate_on(period_end, vat_periods)
    bounds = _part_bounds(period_start, period_end, schedules)
    segments: list[BillSegment] = []
    lines: list[TierLine] = []
    kwh_left = kwh
    for i, (start, end) in enumerate(bounds):
        part_days = (end - start).days
        is_last = i == len(bounds) - 1
        share = _round_half_up(Fraction(kwh * part_days, days))
        part_kwh = kwh_left if is_last else min(kwh_left, share)  # the cap: rule 3
        kwh_left -= part_kwh
        schedule = schedule_on(start, schedules)
        lines.extend(_fill_tiers(schedule, (start, end), part_kwh, part_days, month_days, households))
        segments.append(BillSegment(start, end, part_days, part_kwh, schedule.decision, rate))

    subtotal = sum(line.amount for line in lines)
    vat_amount = int((subtotal * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return BillComputation(
        days=days,
        month_days=month_days,
        segments=tuple(segments),
        tiers=tuple(lines),
        subtotal=subtotal,
        vat_rate=rate,
        vat_lines=(VatLine(rate, subtotal, vat_amount),),
        vat_amount=vat_amount,
        total=subtotal + vat_amount,
    )
