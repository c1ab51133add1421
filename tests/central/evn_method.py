"""EVN's billing method, written a second time from `../shared/DOMAIN.md` ("Bills") for the tests to compare
against. It imports nothing from `kiosk_central.billing`: a rule misread there has to be misread here the same
way, by someone working from the published text, to go unnoticed.

The published method (EVNCPC customer-care page "Tính tiền trong tháng đổi giá", after Circular 16/2014/TT-BCT):

- N = days between the previous reading date and this reading date (20 Apr → 20 May: N = 30).
- Tier limit i = Mq_i ÷ T × N × h, rounded half up, with Mq_i the tier's monthly size (50, 50, 100, …), T the
  calendar days of the month before the billing month (the month of the reading date), h the households.
- A price starting strictly between the readings: old-price kWh = S ÷ T' × Nc rounded half up, the rest at the
  new price; T' = N, Nc = days from the previous reading date to the day the new price starts (that day counts to
  the new price). With several changes every part but the last gets S ÷ T' × its days, the last the remainder.
- One VAT rate for the whole bill: the one in force on the reading date. VAT = subtotal × rate, half up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class PriceList:
    """A tariff as the reference reads it: monthly tier sizes (Mq) rather than cumulative bounds."""

    starts: date
    decision: str
    sizes: tuple[int | None, ...]  # None: the open last tier
    prices: tuple[int, ...]


@dataclass(frozen=True)
class Part:
    """One stretch of the period at one price list."""

    start: date
    end: date
    days: int
    kwh: int
    decision: str
    limits: tuple[int | None, ...]  # every tier's limit, used or not
    lines: tuple[tuple[int, int | None, int, int, int], ...]  # (tier, limit, kWh, price, amount), kWh > 0


@dataclass(frozen=True)
class EvnBill:
    days: int
    month_days: int
    parts: tuple[Part, ...]
    subtotal: int
    vat_rate: Decimal
    vat: int
    total: int


def half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator rounded half up ("làm tròn số học"), for non-negative integers only."""
    return (2 * numerator + denominator) // (2 * denominator)


def days_of_month_before(reading: date) -> int:
    """T: the last day of the previous month is the day before the 1st of the reading's month."""
    return (reading.replace(day=1) - timedelta(days=1)).day


def price_list_on(day: date, lists: Sequence[PriceList]) -> PriceList:
    return [p for p in sorted(lists, key=lambda p: p.starts) if p.starts <= day][-1]


def evn_bill(
    previous_reading: date,
    reading: date,
    kwh: int,
    households: int,
    lists: Sequence[PriceList],
    vat: Sequence[tuple[date, Decimal]],
) -> EvnBill:
    n_total = (reading - previous_reading).days
    month_days = days_of_month_before(reading)
    changes = sorted({p.starts for p in lists if previous_reading < p.starts < reading})
    edges = [previous_reading, *changes, reading]
    parts: list[Part] = []
    handed_out = 0
    for number in range(len(edges) - 1):
        start, end = edges[number], edges[number + 1]
        days = (end - start).days
        last = number == len(edges) - 2
        # Never more than is left: with four or more parts each share rounded up could overrun S.
        share = kwh - handed_out if last else min(half_up(kwh * days, n_total), kwh - handed_out)
        handed_out += share
        prices = price_list_on(start, lists)
        limits = tuple(
            None if size is None else half_up(size * days * households, month_days) for size in prices.sizes
        )
        lines = []
        left = share
        for tier, (limit, price) in enumerate(zip(limits, prices.prices, strict=True), start=1):
            used = left if limit is None else min(left, limit)
            if used > 0:
                lines.append((tier, limit, used, price, used * price))
            left -= used
        parts.append(Part(start, end, days, share, prices.decision, limits, tuple(lines)))
    subtotal = sum(line[4] for part in parts for line in part.lines)
    rate = [r for when, r in sorted(vat) if when <= reading][-1]
    # Decimal rates are exact (0.08 = 8/100), so the product is an exact fraction with this denominator.
    rate_fraction = Fraction(rate)
    vat_amount = half_up(subtotal * rate_fraction.numerator, rate_fraction.denominator)
    return EvnBill(
        days=n_total,
        month_days=month_days,
        parts=tuple(parts),
        subtotal=subtotal,
        vat_rate=rate,
        vat=vat_amount,
        total=subtotal + vat_amount,
    )
