"""The billing engine against EVN's published method: worked examples with the arithmetic written out, and a
property test against the second implementation in `tests/central/evn_method.py`.

The method (DOMAIN.md, "Bills"; EVNCPC "Tính tiền trong tháng đổi giá"): tier limit = Mq ÷ T × N × h rounded half
up, T the days of the month before the billing month; a price change inside the period gives the old prices
S ÷ T' × Nc kWh; one VAT rate, the one in force on the reading date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_central.billing import BillComputation, compute_bill
from kiosk_central.tariffs import RESIDENTIAL_SCHEDULES, VAT_PERIODS, TariffSchedule, Tier, VatPeriod
from tests.central.evn_method import EvnBill, PriceList, evn_bill

EIGHT = Decimal("0.08")
TEN = Decimal("0.10")


def _lines(comp: BillComputation) -> list[tuple[int, int | None, int, int, int]]:
    return [(t.tier, t.limit_kwh, t.kwh, t.unit_price, t.amount) for t in comp.tiers]


def _parts(comp: BillComputation) -> list[tuple[date, date, int, int, str]]:
    return [(s.start, s.end, s.days, s.kwh, s.decision) for s in comp.segments]


def _totals(comp: BillComputation) -> tuple[int, Decimal, int, int]:
    return comp.subtotal, comp.vat_rate, comp.vat_amount, comp.total


# ------------------------------------------------------------------ worked by hand
def test_same_day_reading_15_jun_to_15_jul_2025() -> None:
    # N = 30 (15 Jun -> 15 Jul); billing month July, T = 30 (June); 1 household: limits 50, 50, 100, 100, 100.
    # 330 kWh at Decision 1279: 50 x 1,984 = 99,200; 50 x 2,050 = 102,500; 100 x 2,380 = 238,000;
    # 100 x 2,998 = 299,800; 30 x 3,350 = 100,500. Subtotal 840,000; VAT 8% = 67,200; total 907,200.
    comp = compute_bill(date(2025, 6, 15), date(2025, 7, 15), 330, 1)
    assert (comp.days, comp.month_days) == (30, 30)
    assert _lines(comp) == [
        (1, 50, 50, 1984, 99_200),
        (2, 50, 50, 2050, 102_500),
        (3, 100, 100, 2380, 238_000),
        (4, 100, 100, 2998, 299_800),
        (5, 100, 30, 3350, 100_500),
    ]
    assert _totals(comp) == (840_000, EIGHT, 67_200, 907_200)


def test_price_change_10_may_2025_inside_20_apr_to_20_may_420_kwh_2_households() -> None:
    # T' = 30 (20 Apr -> 20 May); Nc = 20 (20 Apr -> 10 May), Nm = 10 (10 May counts to the new price);
    # T = 30 (April); h = 2.
    # Old-price kWh = 420 x 20 / 30 = 280; new-price kWh = 420 - 280 = 140.
    # Old limits (N = 20): 50 x 20/30 x 2 = 66.67 -> 67; 100 x 20/30 x 2 = 133.33 -> 133.
    # New limits (N = 10): 50 x 10/30 x 2 = 33.33 -> 33; 100 x 10/30 x 2 = 66.67 -> 67.
    comp = compute_bill(date(2025, 4, 20), date(2025, 5, 20), 420, 2)
    assert _parts(comp) == [
        (date(2025, 4, 20), date(2025, 5, 10), 20, 280, "2699/QĐ-BCT"),
        (date(2025, 5, 10), date(2025, 5, 20), 10, 140, "1279/QĐ-BCT"),
    ]
    assert _lines(comp) == [
        # 67 + 67 + 133 = 267; 280 - 267 = 13 in tier 4.
        (1, 67, 67, 1893, 126_831),
        (2, 67, 67, 1956, 131_052),
        (3, 133, 133, 2271, 302_043),
        (4, 133, 13, 2860, 37_180),
        # 33 + 33 + 67 = 133; 140 - 133 = 7 in tier 4.
        (1, 33, 33, 1984, 65_472),
        (2, 33, 33, 2050, 67_650),
        (3, 67, 67, 2380, 159_460),
        (4, 67, 7, 2998, 20_986),
    ]
    # Old part 126,831 + 131,052 + 302,043 + 37,180 = 597,106; new part 65,472 + 67,650 + 159,460 + 20,986
    # = 313,568. Subtotal 910,674; VAT 8% = 72,853.92 -> 72,854; total 983,528.
    assert _totals(comp) == (910_674, EIGHT, 72_854, 983_528)


def test_the_issues_bill_527_kwh_2_households_20_apr_to_20_may_2025_is_1_319_395() -> None:
    # The demo's May 2025 bill that issue 19 checked against EVN's method (its figure: 1,319,395 đ).
    # Old kWh = 527 x 20/30 = 351.33 -> 351; new 527 - 351 = 176. Limits as above: 67/67/133/133/133 and
    # 33/33/67/67/67.
    # Old: 67 x 1,893 = 126,831; 67 x 1,956 = 131,052; 133 x 2,271 = 302,043; (351 - 267 =) 84 x 2,860 = 240,240
    #      -> 800,166.
    # New: 33 x 1,984 = 65,472; 33 x 2,050 = 67,650; 67 x 2,380 = 159,460; (176 - 133 =) 43 x 2,998 = 128,914
    #      -> 421,496.
    # Subtotal 1,221,662; VAT 8% = 97,732.96 -> 97,733; total 1,319,395.
    comp = compute_bill(date(2025, 4, 20), date(2025, 5, 20), 527, 2)
    assert [s.kwh for s in comp.segments] == [351, 176]
    assert [t.kwh for t in comp.tiers] == [67, 67, 133, 84, 33, 33, 67, 43]
    assert _totals(comp) == (1_221_662, EIGHT, 97_733, 1_319_395)


def test_three_households_30_days_read_in_march_divide_by_februarys_28() -> None:
    # 3 Feb -> 5 Mar 2026: N = 30; billing month March, T = 28 (February 2026); h = 3.
    # Limits: 50 x 30/28 x 3 = 160.71 -> 161 (tiers 1, 2); 100 x 30/28 x 3 = 321.43 -> 321 (tiers 3-5).
    # 1,000 kWh: 161 x 1,984 = 319,424; 161 x 2,050 = 330,050; 321 x 2,380 = 763,980; 321 x 2,998 = 962,358;
    # (1,000 - 964 =) 36 x 3,350 = 120,600. Subtotal 2,496,412; VAT 8% = 199,712.96 -> 199,713;
    # total 2,696,125.
    comp = compute_bill(date(2026, 2, 3), date(2026, 3, 5), 1000, 3)
    assert (comp.days, comp.month_days) == (30, 28)
    assert _lines(comp) == [
        (1, 161, 161, 1984, 319_424),
        (2, 161, 161, 2050, 330_050),
        (3, 321, 321, 2380, 763_980),
        (4, 321, 321, 2998, 962_358),
        (5, 321, 36, 3350, 120_600),
    ]
    assert _totals(comp) == (2_496_412, EIGHT, 199_713, 2_696_125)


def test_three_households_same_day_reading_get_three_times_the_monthly_sizes() -> None:
    # 5 Oct -> 5 Nov 2025: N = T = 31 (October): 150 / 150 / 300 / 300 / 300.
    comp = compute_bill(date(2025, 10, 5), date(2025, 11, 5), 1200, 3)
    assert [t.limit_kwh for t in comp.tiers] == [150, 150, 300, 300, 300]
    # 150 x 1,984 = 297,600; 150 x 2,050 = 307,500; 300 x 2,380 = 714,000; 300 x 2,998 = 899,400;
    # 300 x 3,350 = 1,005,000: 1,200 kWh exactly fill tier 5. Subtotal 3,223,500; 8% = 257,880.
    assert _totals(comp) == (3_223_500, EIGHT, 257_880, 3_481_380)


# 200 kWh under Decision 1062 with whole tiers: 50 x 1,728 = 86,400; 50 x 1,786 = 89,300; 100 x 2,074 = 207,400.
SUBTOTAL_2023 = 383_100


def test_vat_at_the_1_jul_2023_change_follows_the_reading_date() -> None:
    # Read on 5 Jul 2023 (5 Jun -> 5 Jul: N = T = 30, June): the period is mostly in June at 10%, but the rate on
    # the reading date is 8%, for the whole bill and without a split: 383,100 x 8% = 30,648.
    after = compute_bill(date(2023, 6, 5), date(2023, 7, 5), 200, 1)
    assert len(after.segments) == 1
    assert _totals(after) == (SUBTOTAL_2023, EIGHT, 30_648, 413_748)
    assert [(v.rate, v.base, v.amount) for v in after.vat_lines] == [(EIGHT, SUBTOTAL_2023, 30_648)]
    # Read on 30 Jun 2023 (30 May -> 30 Jun: N = T = 31, May): 10%: 383,100 x 10% = 38,310.
    before = compute_bill(date(2023, 5, 30), date(2023, 6, 30), 200, 1)
    assert _totals(before) == (SUBTOTAL_2023, TEN, 38_310, 421_410)


def test_vat_at_the_end_of_2026_follows_the_reading_date() -> None:
    # 200 kWh at Decision 1279 with whole tiers: 99,200 + 102,500 + 238,000 = 439,700.
    # 20 Nov -> 20 Dec 2026 (N = T = 30): 8% = 35,176.
    assert _totals(compute_bill(date(2026, 11, 20), date(2026, 12, 20), 200, 1)) == (
        439_700,
        EIGHT,
        35_176,
        474_876,
    )
    # 20 Dec 2026 -> 20 Jan 2027 (N = T = 31): 11 of its 31 days are in 2026 at 8%, but it is read in 2027: 10%
    # on all of it, 43,970.
    comp = compute_bill(date(2026, 12, 20), date(2027, 1, 20), 200, 1)
    assert len(comp.segments) == 1
    assert _totals(comp) == (439_700, TEN, 43_970, 483_670)


# ------------------------------------------------------------------ against the second implementation
@dataclass(frozen=True)
class Tariff:
    """One random tariff, in both shapes: the engine's (cumulative bounds) and the reference's (sizes)."""

    schedules: tuple[TariffSchedule, ...]
    lists: tuple[PriceList, ...]
    vat_engine: tuple[VatPeriod, ...]
    vat_reference: tuple[tuple[date, Decimal], ...]


def _both_shapes(
    starts: date, decision: str, sizes: list[int], prices: list[int]
) -> tuple[TariffSchedule, PriceList]:
    bounds: list[int | None] = []
    total = 0
    for size in sizes:
        total += size
        bounds.append(total)
    bounds.append(None)
    schedule = TariffSchedule(
        starts, decision, tuple(Tier(b, p) for b, p in zip(bounds, prices, strict=True))
    )
    return schedule, PriceList(starts, decision, (*sizes, None), tuple(prices))


@st.composite
def tariffs_around(draw: st.DrawFn, previous: date, days: int) -> Tariff:
    """A first schedule long before, then up to five changes anywhere from a week before to a week after the
    period (on the reading dates too), each with its own number of tiers; VAT changes likewise."""
    offsets = draw(st.lists(st.integers(min_value=-7, max_value=days + 7), max_size=5, unique=True))
    starts = [date(2000, 1, 1), *(previous + timedelta(days=o) for o in offsets)]
    schedules, lists = [], []
    for n, when in enumerate(starts):
        tiers = draw(st.integers(min_value=1, max_value=7))
        sizes = draw(
            st.lists(st.integers(min_value=1, max_value=400), min_size=tiers - 1, max_size=tiers - 1)
        )
        prices = draw(st.lists(st.integers(min_value=0, max_value=5000), min_size=tiers, max_size=tiers))
        schedule, price_list = _both_shapes(when, f"D{n}", sizes, prices)
        schedules.append(schedule)
        lists.append(price_list)
    rates = st.sampled_from([Decimal("0.05"), EIGHT, TEN, Decimal("0.125")])
    vat_offsets = draw(st.lists(st.integers(min_value=-7, max_value=days + 7), max_size=3, unique=True))
    vat = [
        (date(2000, 1, 1), draw(rates)),
        *((previous + timedelta(days=o), draw(rates)) for o in vat_offsets),
    ]
    return Tariff(
        tuple(schedules),
        tuple(lists),
        tuple(VatPeriod(when, rate, "test") for when, rate in vat),
        tuple(vat),
    )


def _matches(comp: BillComputation, expected: EvnBill) -> None:
    assert (comp.days, comp.month_days) == (expected.days, expected.month_days)
    assert _parts(comp) == [(p.start, p.end, p.days, p.kwh, p.decision) for p in expected.parts]
    assert _lines(comp) == [line for p in expected.parts for line in p.lines]
    assert [(t.segment_start, t.segment_end) for t in comp.tiers] == [
        (p.start, p.end) for p in expected.parts for _ in p.lines
    ]
    assert _totals(comp) == (expected.subtotal, expected.vat_rate, expected.vat, expected.total)


@st.composite
def bills(draw: st.DrawFn) -> tuple[date, date, int, int, Tariff]:
    previous = draw(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 1)))
    days = draw(st.integers(min_value=1, max_value=70))
    kwh = draw(st.integers(min_value=0, max_value=6000))
    households = draw(st.integers(min_value=1, max_value=8))
    return previous, previous + timedelta(days=days), kwh, households, draw(tariffs_around(previous, days))


# No deadline: on a shared, loaded machine an example can take longer than 200 ms without anything being wrong.
CHECKED = settings(deadline=None, max_examples=300)


@CHECKED
@given(bills())
def test_any_bill_equals_the_reference_under_any_tariff(case: tuple[date, date, int, int, Tariff]) -> None:
    previous, reading, kwh, households, tariff = case
    comp = compute_bill(previous, reading, kwh, households, tariff.schedules, tariff.vat_engine)
    _matches(comp, evn_bill(previous, reading, kwh, households, tariff.lists, tariff.vat_reference))


REAL_LISTS = tuple(
    _both_shapes(
        s.effective_from,
        s.decision,
        [w for w in s.tier_widths if w is not None],
        [t.unit_price for t in s.tiers],
    )[1]
    for s in RESIDENTIAL_SCHEDULES
)
REAL_VAT = tuple((v.effective_from, v.rate) for v in VAT_PERIODS)


@CHECKED
@given(
    st.dates(min_value=date(2023, 5, 4), max_value=date(2027, 6, 30)),
    st.integers(min_value=1, max_value=62),
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=1, max_value=6),
)
def test_any_bill_under_the_real_tariff_equals_the_reference(
    previous: date, days: int, kwh: int, hh: int
) -> None:
    reading = previous + timedelta(days=days)
    _matches(
        compute_bill(previous, reading, kwh, hh), evn_bill(previous, reading, kwh, hh, REAL_LISTS, REAL_VAT)
    )
