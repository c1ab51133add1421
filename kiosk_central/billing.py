"""The billing engine: one meter's kWh for a period, priced by the dated tariff and VAT data.

Pure (no I/O, no clock) so that the server, the demo data and the tests compute a bill the same way. It knows
nothing about a particular tariff: any number of tiers, schedules and VAT periods can be passed in.

Rules, in the order they apply:

1. The period is inclusive of both ends: days = (end - start).days + 1. It needs households >= 1, kwh >= 0
   and start <= end, else ValueError; a period starting before the first schedule or VAT period raises
   LookupError.
2. The period is split into segments at every tariff change and every VAT change that falls strictly inside
   it (a change effective on the first day does not split; one effective on the last day makes a 1-day
   segment). Each segment's kWh is the period's kWh shared by days, rounded half up, except the last segment,
   which takes the remainder so that the parts add up exactly. (With four or more segments that rounding could
   hand out more than there is; a segment is then capped at what is left, so none is ever negative.)
3. Tier limits are prorated per segment: tier width * sum over the segment's days of (1 / days in that day's
   calendar month) * households, rounded half up to a whole kWh. A whole calendar month gives exactly the
   width; this generalises DOMAIN.md's "tier kWh * days billed / days of the month" to segments crossing a
   month end. The last tier is unbounded.
4. A segment's kWh fills its tiers in order; each tier line's amount = kWh * unit price. Tiers with 0 kWh are
   omitted from the lines.
5. subtotal = sum of the amounts. Segment subtotals are grouped by VAT rate; each group's VAT = its base *
   rate rounded half up; vat_amount = sum of those; total = subtotal + vat_amount. Every amount is whole
   đồng; rates are Decimal and proration is exact (Fraction), never float.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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
    """kWh billed in one tier of one segment; `tier` is 1-based, `limit_kwh` prorated (None for the last)."""

    tier: int
    segment_start: date
    segment_end: date
    limit_kwh: int | None
    kwh: int
    unit_price: int
    amount: int


@dataclass(frozen=True)
class VatLine:
    """VAT on the part of the subtotal billed at one rate."""

    rate: Decimal
    base: int
    amount: int


@dataclass(frozen=True)
class BillSegment:
    """A stretch of the period with one tariff schedule and one VAT rate."""

    start: date
    end: date
    days: int
    kwh: int
    decision: str
    vat_rate: Decimal


@dataclass(frozen=True)
class BillComputation:
    """Everything a bill shows about how its total was reached."""

    days: int
    segments: tuple[BillSegment, ...]
    tiers: tuple[TierLine, ...]
    subtotal: int
    vat_lines: tuple[VatLine, ...]
    vat_amount: int
    total: int

    @property
    def vat_rate(self) -> Decimal:
        """The rate in force at the end of the period: the one a single-rate bill prints."""
        return self.segments[-1].vat_rate


def _round_half_up(x: Fraction) -> int:
    # Every value rounded here is non-negative, so floor(x + 1/2) is "half up" exactly.
    return math.floor(x + Fraction(1, 2))


def _month_share(start: date, end: date) -> Fraction:
    """Σ over the days start..end of 1 ÷ days in that day's calendar month: 1 for a whole month."""
    share = Fraction(0)
    day = start
    while day <= end:
        month_days = calendar.monthrange(day.year, day.month)[1]
        chunk_end = min(end, day.replace(day=month_days))
        share += Fraction((chunk_end - day).days + 1, month_days)
        day = chunk_end + timedelta(days=1)
    return share


def _segment_bounds(
    start: date, end: date, schedules: Sequence[TariffSchedule], vat_periods: Sequence[VatPeriod]
) -> list[tuple[date, date]]:
    changes = {s.effective_from for s in schedules} | {v.effective_from for v in vat_periods}
    starts = [start, *sorted(c for c in changes if start < c <= end)]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [end]
    return list(zip(starts, ends, strict=True))


def _fill_tiers(
    schedule: TariffSchedule, start: date, end: date, kwh: int, households: int
) -> list[TierLine]:
    share = _month_share(start, end) * households
    lines: list[TierLine] = []
    left = kwh
    for number, (tier, width) in enumerate(zip(schedule.tiers, schedule.tier_widths, strict=True), start=1):
        limit = None if width is None else _round_half_up(width * share)
        used = left if limit is None else min(left, limit)
        if used:
            lines.append(TierLine(number, start, end, limit, used, tier.unit_price, used * tier.unit_price))
        left -= used
    return lines


def _input_problem(start: date, end: date, kwh: int, households: int) -> str | None:
    if households < 1:
        return f"households must be at least 1, got {households}"
    if kwh < 0:
        return f"kWh cannot be negative, got {kwh}"
    if end < start:
        return f"period ends ({end}) before it starts ({start})"
    return None


def compute_bill(
    period_start: date,
    period_end: date,
    kwh: int,
    households: int,
    schedules: Sequence[TariffSchedule] = RESIDENTIAL_SCHEDULES,
    vat_periods: Sequence[VatPeriod] = VAT_PERIODS,
) -> BillComputation:
    """Price `kwh` used from `period_start` to `period_end` (both included) on a meter `households` share."""
    problem = _input_problem(period_start, period_end, kwh, households)
    if problem:
        raise ValueError(problem)

    days = (period_end - period_start).days + 1
    bounds = _segment_bounds(period_start, period_end, schedules, vat_periods)
    segments: list[BillSegment] = []
    lines: list[TierLine] = []
    base_by_rate: dict[Decimal, int] = {}  # insertion order = order of first use in the period
    kwh_left = kwh
    for i, (start, end) in enumerate(bounds):
        seg_days = (end - start).days + 1
        is_last = i == len(bounds) - 1
        # The cap never binds with up to three segments; it keeps a fourth from going negative (rule 2).
        seg_kwh = kwh_left if is_last else min(kwh_left, _round_half_up(Fraction(kwh * seg_days, days)))
        kwh_left -= seg_kwh
        schedule = schedule_on(start, schedules)
        rate = vat_rate_on(start, vat_periods)
        seg_lines = _fill_tiers(schedule, start, end, seg_kwh, households)
        lines.extend(seg_lines)
        base_by_rate[rate] = base_by_rate.get(rate, 0) + sum(line.amount for line in seg_lines)
        segments.append(BillSegment(start, end, seg_days, seg_kwh, schedule.decision, rate))

    vat_lines = tuple(
        VatLine(rate, base, int((base * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        for rate, base in base_by_rate.items()
    )
    subtotal = sum(line.amount for line in lines)
    vat_amount = sum(v.amount for v in vat_lines)
    return BillComputation(
        days=days,
        segments=tuple(segments),
        tiers=tuple(lines),
        subtotal=subtotal,
        vat_lines=vat_lines,
        vat_amount=vat_amount,
        total=subtotal + vat_amount,
    )
