"""Every demo bill, as the kiosk receives it, recomputed by EVN's method from the tariff table the server
publishes, with the second implementation in `tests/central/evn_method.py` (written from DOMAIN.md, sharing no
code with `kiosk_central.billing`).

The demo's customers are read from its database, not listed here, so the check covers whoever the demo has.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kiosk.central.client import CentralClient
from kiosk.central.models import Bill, Tariffs
from tests.central.evn_method import EvnBill, PriceList, evn_bill
from tests.helpers.central import RunningCentral

MAY_2025_CHANGE = date(2025, 5, 10)


def _price_lists(tariffs: Tariffs) -> list[PriceList]:
    """The published schedules (cumulative bounds) as the reference reads them (each tier's monthly size)."""
    lists = []
    for schedule in tariffs.residential:
        sizes: list[int | None] = []
        lower = 0
        for tier in schedule.tiers:
            sizes.append(None if tier.up_to_kwh is None else tier.up_to_kwh - lower)
            lower = tier.up_to_kwh or lower
        prices = tuple(t.unit_price for t in schedule.tiers)
        lists.append(PriceList(schedule.effective_from, schedule.decision, tuple(sizes), prices))
    return lists


def _vat(tariffs: Tariffs) -> list[tuple[date, Decimal]]:
    # The wire carries rates as JSON numbers; str() gives back the decimal the server wrote (0.08, 0.1).
    return [(v.effective_from, Decimal(str(v.rate))) for v in tariffs.vat]


def _expected(bill: Bill, tariffs: Tariffs) -> EvnBill:
    return evn_bill(
        bill.period_start, bill.period_end, bill.kwh, bill.households, _price_lists(tariffs), _vat(tariffs)
    )


def _as_billed(bill: Bill) -> tuple[object, ...]:
    parts = tuple((s.start, s.end, s.days, s.kwh, s.decision) for s in bill.segments)
    lines = tuple((t.tier, t.limit_kwh, t.kwh, t.unit_price, t.amount) for t in bill.tiers)
    rate = Decimal(str(bill.vat_rate))
    return bill.days, bill.month_days, parts, lines, bill.subtotal, rate, bill.vat_amount, bill.total


def _as_expected(e: EvnBill) -> tuple[object, ...]:
    parts = tuple((p.start, p.end, p.days, p.kwh, p.decision) for p in e.parts)
    lines = tuple(line for p in e.parts for line in p.lines)
    return e.days, e.month_days, parts, lines, e.subtotal, e.vat_rate, e.vat, e.total


def _demo_customers(central: RunningCentral) -> list[str]:
    return [row[0] for row in central.rows("SELECT code FROM customers ORDER BY code")]


async def _all_bills(client: CentralClient, central: RunningCentral) -> list[Bill]:
    codes = _demo_customers(central)
    assert len(codes) >= 5
    return [bill for code in codes for bill in (await client.bills(code, status="all")).bills]


@pytest.mark.asyncio
async def test_every_demo_bill_equals_evns_method_recomputed_independently(
    client: CentralClient, central: RunningCentral
) -> None:
    tariffs = await client.tariffs()
    bills = await _all_bills(client, central)
    assert len(bills) >= 12 * len(_demo_customers(central))
    differ = [b.id for b in bills if _as_billed(b) != _as_expected(_expected(b, tariffs))]
    assert differ == [], f"{len(differ)} of {len(bills)} bills differ from EVN's method"
    for bill in bills:
        assert sum(t.amount for t in bill.tiers) == bill.subtotal
        assert [(v.rate, v.base, v.amount) for v in bill.vat_lines] == [
            (bill.vat_rate, bill.subtotal, bill.vat_amount)
        ]
        assert bill.kwh == (bill.closing_index - bill.opening_index) * bill.multiplier
        assert bill.days == (bill.period_end - bill.period_start).days


@pytest.mark.asyncio
async def test_a_customer_read_on_the_same_day_each_month_has_whole_tiers_every_month(
    client: CentralClient, central: RunningCentral
) -> None:
    # Every demo customer is read on the same day of each month, so every bill without a price change inside it
    # has N = T and its tiers are exactly 50 / 50 / 100 / 100 / 100 x households: never 49, 51 or 52.
    sizes_by_decision = {p.decision: p.sizes for p in _price_lists(await client.tariffs())}
    whole = 0
    for bill in await _all_bills(client, central):
        if len(bill.segments) == 1 and bill.period_start.day == bill.period_end.day:
            assert bill.days == bill.month_days, bill.id
            sizes = [s for s in sizes_by_decision[bill.segments[0].decision] if s is not None]
            limits = [t.limit_kwh for t in bill.tiers if t.limit_kwh is not None]
            assert limits == [s * bill.households for s in sizes][: len(limits)], bill.id
            whole += 1
    assert whole >= 100


@pytest.mark.asyncio
async def test_a_period_across_the_may_2025_price_change_is_billed_in_two_parts(
    client: CentralClient, central: RunningCentral
) -> None:
    spanning = [
        b for b in await _all_bills(client, central) if b.period_start < MAY_2025_CHANGE < b.period_end
    ]
    assert spanning, "the demo's history includes the 10 May 2025 price change"
    for bill in spanning:
        first, second = bill.segments
        # The parts share the change date; it counts to the new price.
        assert (first.start, first.end, second.start, second.end) == (
            bill.period_start,
            MAY_2025_CHANGE,
            MAY_2025_CHANGE,
            bill.period_end,
        )
        assert first.days == (MAY_2025_CHANGE - bill.period_start).days
        assert first.days + second.days == bill.days
        assert first.kwh + second.kwh == bill.kwh
        assert {t.unit_price for t in bill.tiers if t.tier == 1} <= {1893, 1984}


@pytest.mark.asyncio
async def test_published_tariffs_are_dated_data(client: CentralClient) -> None:
    tariffs = await client.tariffs()
    current = max(tariffs.residential, key=lambda s: s.effective_from)
    assert current.effective_from == date(2025, 5, 10)
    assert [t.unit_price for t in current.tiers] == [1984, 2050, 2380, 2998, 3350, 3460]
    assert [t.up_to_kwh for t in current.tiers] == [50, 100, 200, 300, 400, None]
    assert any(v.effective_from == date(2025, 7, 1) or v.rate == 0.08 for v in tariffs.vat)
    assert "prorated" in tariffs.proration
    assert "month before the billing month" in tariffs.proration
