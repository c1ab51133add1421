"""Every demo bill, recomputed here independently from the tariff table the server publishes."""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from kiosk.central.client import CentralClient
from kiosk.central.models import Bill, Tariffs

DEMO_CODES = [
    "PE01000123456",
    "PD02000234567",
    "PA12000345678",
    "PB05000456789",
    "PC03000567890",
    "PQ01000678901",
]


def _round(x: Fraction | Decimal) -> int:
    """Half up, exactly (both are non-negative here)."""
    return math.floor(x + Fraction(1, 2)) if isinstance(x, Fraction) else math.floor(x + Decimal("0.5"))


def _month_share(start: date, days: int) -> Fraction:
    """Σ over the days of 1 ÷ days in that day's month: 1 for a whole calendar month."""
    return sum(
        (
            Fraction(1, calendar.monthrange(d.year, d.month)[1])
            for d in (start + timedelta(n) for n in range(days))
        ),
        Fraction(0),
    )


def _expected_total(bill: Bill, tariffs: Tariffs) -> tuple[int, int, int, int]:
    """(segments, subtotal, vat, total) computed from first principles."""
    cuts = sorted({s.effective_from for s in tariffs.residential} | {v.effective_from for v in tariffs.vat})
    starts = [bill.period_start] + [c for c in cuts if bill.period_start < c <= bill.period_end]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [bill.period_end]
    total_days = (bill.period_end - bill.period_start).days + 1
    subtotal_by_rate: dict[Decimal, int] = {}
    kwh_left = bill.kwh
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        days = (end - start).days + 1
        kwh = kwh_left if i == len(starts) - 1 else _round(Fraction(bill.kwh * days, total_days))
        kwh_left -= kwh
        schedule = max(
            (s for s in tariffs.residential if s.effective_from <= start), key=lambda s: s.effective_from
        )
        rate = Decimal(
            str(
                max(
                    (v for v in tariffs.vat if v.effective_from <= start), key=lambda v: v.effective_from
                ).rate
            )
        )
        share = _month_share(start, days)
        lower = 0
        remaining = kwh
        amount = 0
        for tier in schedule.tiers:
            if tier.up_to_kwh is None:
                used = remaining
            else:
                limit = _round(Fraction(tier.up_to_kwh - lower) * share * bill.households)
                used = min(remaining, limit)
                lower = tier.up_to_kwh
            amount += used * tier.unit_price
            remaining -= used
        subtotal_by_rate[rate] = subtotal_by_rate.get(rate, 0) + amount
    subtotal = sum(subtotal_by_rate.values())
    vat = sum(_round(Decimal(base) * rate) for rate, base in subtotal_by_rate.items())
    return len(starts), subtotal, vat, subtotal + vat


@pytest.mark.asyncio
@pytest.mark.parametrize("code", DEMO_CODES)
async def test_every_bill_matches_an_independent_computation(client: CentralClient, code: str) -> None:
    tariffs = await client.tariffs()
    bills = (await client.bills(code, status="all")).bills
    assert len(bills) >= 12
    for bill in bills:
        segments, subtotal, vat, total = _expected_total(bill, tariffs)
        assert len(bill.segments) == segments, bill.id
        assert (bill.subtotal, bill.vat_amount, bill.total) == (subtotal, vat, total), bill.id
        assert sum(t.amount for t in bill.tiers) == bill.subtotal
        assert all(t.amount == t.kwh * t.unit_price for t in bill.tiers)
        assert sum(t.kwh for t in bill.tiers) == bill.kwh
        assert bill.kwh == (bill.closing_index - bill.opening_index) * bill.multiplier


@pytest.mark.asyncio
async def test_a_period_across_the_may_2025_price_change_is_billed_in_two_parts(
    client: CentralClient,
) -> None:
    bills = (await client.bills("PQ01000678901", status="all")).bills
    spanning = next(b for b in bills if b.period_start < date(2025, 5, 10) <= b.period_end)
    assert (spanning.period_start, spanning.period_end) == (date(2025, 4, 21), date(2025, 5, 20))
    first, second = spanning.segments
    assert (first.end, second.start) == (date(2025, 5, 9), date(2025, 5, 10))
    assert first.days + second.days == spanning.days == 30
    assert first.kwh + second.kwh == spanning.kwh
    assert {t.unit_price for t in spanning.tiers if t.tier == 1} == {1893, 1984}


@pytest.mark.asyncio
async def test_three_households_triple_the_tier_limits(client: CentralClient) -> None:
    bill = (await client.bills("PD02000234567", status="all")).bills[-1]
    assert bill.households == 3
    first_tier = next(t for t in bill.tiers if t.tier == 1)
    assert first_tier.limit_kwh == _round(50 * _month_share(bill.period_start, bill.days) * 3)
    assert 140 <= (first_tier.limit_kwh or 0) <= 160


@pytest.mark.asyncio
async def test_published_tariffs_are_dated_data(client: CentralClient) -> None:
    tariffs = await client.tariffs()
    current = max(tariffs.residential, key=lambda s: s.effective_from)
    assert current.effective_from == date(2025, 5, 10)
    assert [t.unit_price for t in current.tiers] == [1984, 2050, 2380, 2998, 3350, 3460]
    assert [t.up_to_kwh for t in current.tiers] == [50, 100, 200, 300, 400, None]
    assert any(v.effective_from == date(2025, 7, 1) or v.rate == 0.08 for v in tariffs.vat)
    assert "prorated" in tariffs.proration
