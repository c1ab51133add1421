"""A bill as a customer checks it by hand: its parts (one per tariff or VAT period), each part's tier lines,
and the numbers the explanation of the tier limits quotes.

The central computes the bill; the kiosk only regroups what it sent, never recomputes an amount. Grouping is
by the tier lines' own segment dates, so a part is shown exactly as billed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    """Why tier 1 holds what it holds in this bill: the standard size for one household and a whole month,
    scaled by the days billed and the households sharing the meter."""

    standard_kwh: int | None  # None when the tariff list was not available
    limit_kwh: int
    days: int
    households: int


def tier_sizing(bill: Bill, tariffs: Tariffs | None) -> TierSizing | None:
    """The first tier of the first part, or None for a bill without tier lines (0 kWh)."""
    parts = bill_parts(bill)
    first = next((line for part in parts for line in part.lines if line.tier == 1), None)
    if first is None or first.limit_kwh is None:
        return None
    decision = parts[0].decision if parts else ""
    standard = None
    if tariffs is not None:
        schedule = next((s for s in tariffs.residential if s.decision == decision), None)
        if schedule is not None and schedule.tiers:
            standard = schedule.tiers[0].up_to_kwh
    return TierSizing(standard, first.limit_kwh, bill.days, bill.households)


def lines_add_up(bill: Bill) -> bool:
    """Whether the tier amounts add up to the subtotal and subtotal plus VAT to the total, as the customer
    will check; the kiosk shows a bill either way, but a bill that does not add up is reported."""
    return (
        sum(line.amount for line in bill.tiers) == bill.subtotal
        and sum(v.amount for v in bill.vat_lines) == bill.vat_amount
        and bill.subtotal + bill.vat_amount == bill.total
    )
