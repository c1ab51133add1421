"""A bill as a customer checks it by hand: its parts (one per price list in force during the period), each
part's tier lines, and the numbers the explanation of the tier limits quotes.

The central computes the bill by EVN's method (see the contract's `Bill`): a period runs from the previous
reading date to the reading date, a price change inside it splits it into parts by days, and every tier limit
is the monthly size × the part's days ÷ the days of the month before the billing month × the households. The
kiosk only regroups what the central sent, never recomputes an amount. Grouping is by the tier lines' own
segment dates, so a part is shown exactly as billed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.central.models import Bill, BillSegment, Tariffs, TierLine


@dataclass(frozen=True)
class BillPart:
    """One stretch of the period with one price list: its tier lines and what they add up to."""

    start: date
    end: date
    days: int
    kwh: int
    decision: str
    lines: tuple[TierLine, ...]

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def first_limit(self) -> int | None:
        """Tier 1's size in this part; None when the part used nothing (the central lists no line then)."""
        return next((line.limit_kwh for line in self.lines if line.tier == 1), None)


def bill_parts(bill: Bill) -> tuple[BillPart, ...]:
    """The bill's segments with their tier lines, in date order. A segment with no kWh keeps its place (0 ₫)."""
    parts = []
    for segment in sorted(bill.segments, key=lambda s: s.start):
        lines = tuple(line for line in bill.tiers if line.segment_start == segment.start)
        parts.append(_part(segment, lines))
    return tuple(parts)


def _part(segment: BillSegment, lines: tuple[TierLine, ...]) -> BillPart:
    return BillPart(segment.start, segment.end, segment.days, segment.kwh, segment.decision, lines)


@dataclass(frozen=True)
class TierSizing:
    """Why tier 1 holds what it holds in a one-part bill: the standard size for one household and a month,
    × the days of the period ÷ the days of the month before the billing month (`sizing_month`) × the
    households sharing the meter. A reading on the same day each month has days == month_days."""

    standard_kwh: int | None  # None when the tariff list was not available
    limit_kwh: int
    days: int
    month_days: int | None  # None from a central that does not send it
    households: int


def sizing_month(bill: Bill) -> date:
    """The first day of the month whose length divides the tier sizes: the month before the billing month
    (the billing month being the month of the reading date, `period_end`)."""
    return (bill.period_end.replace(day=1) - timedelta(days=1)).replace(day=1)


def tier_sizing(bill: Bill, tariffs: Tariffs | None) -> TierSizing | None:
    """Tier 1 of the first part, or None for a bill without tier lines (0 kWh)."""
    parts = bill_parts(bill)
    limit = parts[0].first_limit if parts else None
    if limit is None:
        return None
    decision = parts[0].decision
    standard = None
    if tariffs is not None:
        schedule = next((s for s in tariffs.residential if s.decision == decision), None)
        if schedule is not None and schedule.tiers:
            standard = schedule.tiers[0].up_to_kwh
    return TierSizing(standard, limit, bill.days, bill.month_days, bill.households)


def lines_add_up(bill: Bill) -> bool:
    """Whether the tier amounts add up to the subtotal and subtotal plus VAT to the total, as the customer
    will check; the kiosk shows a bill either way, but a bill that does not add up is reported."""
    return (
        sum(line.amount for line in bill.tiers) == bill.subtotal
        and sum(v.amount for v in bill.vat_lines) == bill.vat_amount
        and bill.subtotal + bill.vat_amount == bill.total
    )
