"""The billing engine against figures worked out by hand, and its invariants under hypothesis.

Every expected amount below is written out, with the arithmetic beside it, rather than recomputed by the code
under test: a wrong rule in `compute_bill` has to disagree with a person's calculation to pass unnoticed.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_central.billing import BillComputation, compute_bill
from kiosk_central.tariffs import (
    RESIDENTIAL_SCHEDULES,
    VAT_PERIODS,
    TariffSchedule,
    Tier,
    VatPeriod,
    schedule_on,
    vat_rate_on,
)

EIGHT = Decimal("0.08")
TEN = Decimal("0.10")


def _lines(comp: BillComputation) -> list[tuple[int, int | None, int, int, int]]:
    """(tier, limit, kWh, unit price, amount) per line, the shape a person checks a bill in."""
    return [(t.tier, t.limit_kwh, t.kwh, t.unit_price, t.amount) for t in comp.tiers]


def _totals(comp: BillComputation) -> tuple[int, int, int]:
    return comp.subtotal, comp.vat_amount, comp.total


# ------------------------------------------------------------------ whole months, real tariff
def test_one_household_whole_month_250_kwh() -> None:
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 250, 1)
    assert comp.days == 30
    assert _lines(comp) == [
        (1, 50, 50, 1984, 99_200),
        (2, 50, 50, 2050, 102_500),
        (3, 100, 100, 2380, 238_000),
        (4, 100, 50, 2998, 149_900),
    ]
    # 99,200 + 102,500 + 238,000 + 149,900 = 589,600; 8% = 47,168
    assert _totals(comp) == (589_600, 47_168, 636_768)
    assert comp.vat_rate == EIGHT
    assert [(v.rate, v.base, v.amount) for v in comp.vat_lines] == [(EIGHT, 589_600, 47_168)]
    assert [(s.start, s.end, s.days, s.kwh, s.decision) for s in comp.segments] == [
        (date(2025, 11, 1), date(2025, 11, 30), 30, 250, "1279/QĐ-BCT")
    ]


def test_three_households_multiply_every_limit_but_the_last() -> None:
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 1000, 3)
    assert _lines(comp) == [
        (1, 150, 150, 1984, 297_600),
        (2, 150, 150, 2050, 307_500),
        (3, 300, 300, 2380, 714_000),
        (4, 300, 300, 2998, 899_400),
        (5, 300, 100, 3350, 335_000),
    ]
    # 297,600 + 307,500 + 714,000 + 899,400 + 335,000 = 2,553,500; 8% = 204,280
    assert _totals(comp) == (2_553_500, 204_280, 2_757_780)


def test_usage_beyond_400_reaches_the_unbounded_last_tier() -> None:
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 450, 1)
    assert _lines(comp)[-2:] == [(5, 100, 100, 3350, 335_000), (6, None, 50, 3460, 173_000)]
    # 99,200 + 102,500 + 238,000 + 299,800 + 335,000 + 173,000 = 1,247,500; 8% = 99,800
    assert _totals(comp) == (1_247_500, 99_800, 1_347_300)


# ------------------------------------------------------------------ proration
def test_a_15_day_period_halves_the_limits_give_or_take_rounding() -> None:
    # February 2025 has 28 days: 50 * 15/28 = 26.79 -> 27; 100 * 15/28 = 53.57 -> 54. Decision 2699 prices.
    comp = compute_bill(date(2025, 2, 1), date(2025, 2, 15), 150, 1)
    assert comp.days == 15
    assert _lines(comp) == [
        (1, 27, 27, 1893, 51_111),
        (2, 27, 27, 1956, 52_812),
        (3, 54, 54, 2271, 122_634),
        (4, 54, 42, 2860, 120_120),
    ]
    # 51,111 + 52,812 + 122,634 + 120,120 = 346,677; 8% = 27,734.16 -> 27,734
    assert _totals(comp) == (346_677, 27_734, 374_411)


def test_a_limit_exactly_half_way_rounds_up() -> None:
    # 7 days of a 28-day February: 50 * 7/28 = 12.5 -> 13 (banker's rounding would give 12); 100 * 7/28 = 25.
    comp = compute_bill(date(2025, 2, 1), date(2025, 2, 7), 120, 1)  # 101 kWh fill tiers 1-5
    assert [t.limit_kwh for t in comp.tiers] == [13, 13, 25, 25, 25, None]


def test_a_period_crossing_a_month_end_prorates_by_each_months_length() -> None:
    # Oct 15..31 = 17 of 31 days, Nov 1..14 = 14 of 30 days: share = 17/31 + 14/30 = 944/930.
    # 50 * 944/930 = 50.75 -> 51; 100 * 944/930 = 101.51 -> 102.
    # (Dividing 31 days by October's 31 would give 50; by November's 30, 52.)
    comp = compute_bill(date(2025, 10, 15), date(2025, 11, 14), 300, 1)
    assert comp.days == 31
    assert len(comp.segments) == 1
    assert _lines(comp) == [
        (1, 51, 51, 1984, 101_184),
        (2, 51, 51, 2050, 104_550),
        (3, 102, 102, 2380, 242_760),
        (4, 102, 96, 2998, 287_808),
    ]
    # 101,184 + 104,550 + 242,760 + 287,808 = 736,302; 8% = 58,904.16 -> 58,904
    assert _totals(comp) == (736_302, 58_904, 795_206)


# ------------------------------------------------------------------ changes inside a period
def test_a_price_change_mid_period_splits_kwh_by_days_and_prices_each_part() -> None:
    # 2025-04-25..2025-05-24 is 30 days; Decision 1279 takes effect on 2025-05-10, after 15 of them.
    # kWh: 301 * 15/30 = 150.5 -> 151 before, the remaining 150 after.
    # Before: share = 6/30 (Apr 25..30) + 9/31 (May 1..9) = 0.4903 -> limits 24.52 -> 25, 49.03 -> 49.
    # After: share = 15/31 = 0.4839 -> limits 24.19 -> 24, 48.39 -> 48.
    comp = compute_bill(date(2025, 4, 25), date(2025, 5, 24), 301, 1)
    assert [(s.start, s.end, s.days, s.kwh, s.decision, s.vat_rate) for s in comp.segments] == [
        (date(2025, 4, 25), date(2025, 5, 9), 15, 151, "2699/QĐ-BCT", EIGHT),
        (date(2025, 5, 10), date(2025, 5, 24), 15, 150, "1279/QĐ-BCT", EIGHT),
    ]
    assert _lines(comp) == [
        (1, 25, 25, 1893, 47_325),
        (2, 25, 25, 1956, 48_900),
        (3, 49, 49, 2271, 111_279),
        (4, 49, 49, 2860, 140_140),
        (5, 49, 3, 3197, 9_591),
        (1, 24, 24, 1984, 47_616),
        (2, 24, 24, 2050, 49_200),
        (3, 48, 48, 2380, 114_240),
        (4, 48, 48, 2998, 143_904),
        (5, 48, 6, 3350, 20_100),
    ]
    assert [(t.segment_start, t.segment_end) for t in comp.tiers[4:6]] == [
        (date(2025, 4, 25), date(2025, 5, 9)),
        (date(2025, 5, 10), date(2025, 5, 24)),
    ]
    # 357,235 + 375,060 = 732,295; one VAT rate, so one line: 8% = 58,583.6 -> 58,584
    assert _totals(comp) == (732_295, 58_584, 790_879)
    assert [(v.rate, v.base) for v in comp.vat_lines] == [(EIGHT, 732_295)]


def test_vat_changes_mid_period_group_the_subtotal_by_rate() -> None:
    vat = (
        VatPeriod(date(2025, 1, 1), TEN, "test"),
        VatPeriod(date(2025, 11, 11), EIGHT, "test"),
        VatPeriod(date(2025, 11, 21), TEN, "test"),
    )
    # Three 10-day segments of 100 kWh each; share 10/30: limits 16.67 -> 17, 33.33 -> 33.
    # Each: 17*1984 + 17*2050 + 33*2380 + 33*2998 = 33,728 + 34,850 + 78,540 + 98,934 = 246,052.
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 300, 1, vat_periods=vat)
    assert [(s.days, s.kwh, s.vat_rate) for s in comp.segments] == [
        (10, 100, TEN),
        (10, 100, EIGHT),
        (10, 100, TEN),
    ]
    assert [t.limit_kwh for t in comp.tiers[:4]] == [17, 17, 33, 33]
    # 10% on 492,104 = 49,210.4 -> 49,210; 8% on 246,052 = 19,684.16 -> 19,684
    assert [(v.rate, v.base, v.amount) for v in comp.vat_lines] == [
        (TEN, 492_104, 49_210),
        (EIGHT, 246_052, 19_684),
    ]
    assert _totals(comp) == (738_156, 68_894, 807_050)
    assert comp.vat_rate == TEN


def test_vat_rounds_half_up() -> None:
    one_tier = (TariffSchedule(date(2025, 1, 1), "test", (Tier(None, 5),)),)
    vat = (VatPeriod(date(2025, 1, 1), TEN, "test"),)
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 1, 1, one_tier, vat)
    assert _totals(comp) == (5, 1, 6)  # 0.5 -> 1, where banker's rounding would give 0


def test_a_change_on_the_first_day_does_not_split_but_one_on_the_last_day_does() -> None:
    assert len(compute_bill(date(2025, 5, 10), date(2025, 6, 9), 100, 1).segments) == 1
    comp = compute_bill(date(2025, 4, 10), date(2025, 5, 10), 310, 1)
    # 31 days; the last one alone under Decision 1279: 310 * 30/31 = 300 before, 10 after.
    assert [(s.days, s.kwh, s.decision) for s in comp.segments] == [
        (30, 300, "2699/QĐ-BCT"),
        (1, 10, "1279/QĐ-BCT"),
    ]


def test_many_short_segments_never_get_negative_kwh() -> None:
    # A change every day: 2 kWh over 4 days is 0.5 a day, and rounding each share up would hand out 3.
    daily = tuple(TariffSchedule(date(2025, 1, d), f"d{d}", (Tier(None, 1000),)) for d in range(1, 5))
    comp = compute_bill(date(2025, 1, 1), date(2025, 1, 4), 2, 1, daily)
    assert [s.kwh for s in comp.segments] == [1, 1, 0, 0]
    assert comp.subtotal == 2000


# ------------------------------------------------------------------ any number of tiers
FIVE_TIERS = TariffSchedule(
    date(2026, 1, 1),
    "TEST-5",
    (Tier(100, 2000), Tier(200, 2100), Tier(400, 2500), Tier(700, 3100), Tier(None, 3500)),
)


def test_a_five_tier_schedule_bills_like_the_six_tier_one() -> None:
    assert FIVE_TIERS.tier_widths == (100, 100, 200, 300, None)
    comp = compute_bill(date(2026, 3, 1), date(2026, 3, 31), 1500, 2, schedules=(FIVE_TIERS,))
    assert _lines(comp) == [
        (1, 200, 200, 2000, 400_000),
        (2, 200, 200, 2100, 420_000),
        (3, 400, 400, 2500, 1_000_000),
        (4, 600, 600, 3100, 1_860_000),
        (5, None, 100, 3500, 350_000),
    ]
    # 400,000 + 420,000 + 1,000,000 + 1,860,000 + 350,000 = 4,030,000; 8% = 322,400
    assert _totals(comp) == (4_030_000, 322_400, 4_352_400)
    assert comp.segments[0].decision == "TEST-5"


# ------------------------------------------------------------------ edges and bad input
def test_zero_kwh_costs_nothing() -> None:
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 0, 1)
    assert comp.tiers == ()
    assert _totals(comp) == (0, 0, 0)
    assert [s.kwh for s in comp.segments] == [0]


@pytest.mark.parametrize(
    ("start", "end", "kwh", "households"),
    [
        (date(2025, 11, 1), date(2025, 11, 30), 100, 0),
        (date(2025, 11, 1), date(2025, 11, 30), -1, 1),
        (date(2025, 11, 30), date(2025, 11, 1), 100, 1),
    ],
    ids=["no-household", "negative-kwh", "end-before-start"],
)
def test_invalid_input_is_refused(start: date, end: date, kwh: int, households: int) -> None:
    with pytest.raises(ValueError, match=r"households|kWh|period"):
        compute_bill(start, end, kwh, households)


def test_a_period_before_any_tariff_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="2023-05-03"):
        compute_bill(date(2023, 5, 3), date(2023, 5, 31), 100, 1)


# ------------------------------------------------------------------ the dated data
def test_the_schedules_in_force_on_and_around_each_change() -> None:
    assert schedule_on(date(2025, 5, 9)).decision == "2699/QĐ-BCT"
    assert schedule_on(date(2025, 5, 10)).decision == "1279/QĐ-BCT"
    assert [t.unit_price for t in schedule_on(date(2023, 11, 9)).tiers] == [
        1806,
        1866,
        2167,
        2729,
        3050,
        3151,
    ]
    assert [t.unit_price for t in schedule_on(date(2023, 5, 4)).tiers] == [1728, 1786, 2074, 2612, 2919, 3015]
    assert [t.unit_price for t in schedule_on(date(2024, 10, 11)).tiers] == [
        1893,
        1956,
        2271,
        2860,
        3197,
        3302,
    ]
    assert RESIDENTIAL_SCHEDULES[-1].tier_widths == (50, 50, 100, 100, 100, None)
    with pytest.raises(LookupError):
        schedule_on(date(2023, 5, 3))


def test_the_vat_rate_on_and_around_each_change() -> None:
    assert vat_rate_on(date(2023, 6, 30)) == TEN
    assert vat_rate_on(date(2023, 7, 1)) == EIGHT
    assert vat_rate_on(date(2025, 7, 1)) == EIGHT
    assert vat_rate_on(date(2026, 12, 31)) == EIGHT
    assert vat_rate_on(date(2027, 1, 1)) == TEN
    with pytest.raises(LookupError):
        vat_rate_on(date(2022, 12, 31))
    assert all(v.basis for v in VAT_PERIODS)


@pytest.mark.parametrize(
    "tiers",
    [(), (Tier(50, 1),), (Tier(None, 1), Tier(None, 2)), (Tier(50, 1), Tier(50, 2), Tier(None, 3))],
    ids=["empty", "bounded-last", "unbounded-middle", "not-increasing"],
)
def test_a_malformed_schedule_is_refused_when_loaded(tiers: tuple[Tier, ...]) -> None:
    with pytest.raises(ValueError, match="BAD"):
        TariffSchedule(date(2025, 1, 1), "BAD", tiers)


# ------------------------------------------------------------------ properties
periods = st.tuples(
    st.dates(min_value=date(2023, 5, 4), max_value=date(2027, 12, 31)),
    st.integers(min_value=0, max_value=61),
).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))
usage = st.integers(min_value=0, max_value=5000)
households = st.integers(min_value=1, max_value=6)


@given(periods, usage, households)
def test_the_parts_add_up(period: tuple[date, date], kwh: int, hh: int) -> None:
    comp = compute_bill(period[0], period[1], kwh, hh)
    assert sum(t.kwh for t in comp.tiers) == kwh
    assert sum(s.kwh for s in comp.segments) == kwh
    assert sum(s.days for s in comp.segments) == comp.days == (period[1] - period[0]).days + 1
    assert comp.subtotal == sum(t.amount for t in comp.tiers) == sum(v.base for v in comp.vat_lines)
    assert comp.vat_amount == sum(v.amount for v in comp.vat_lines)
    assert comp.total == comp.subtotal + comp.vat_amount
    assert all(t.kwh > 0 and t.amount == t.kwh * t.unit_price >= 0 for t in comp.tiers)
    assert all(v.amount >= 0 for v in comp.vat_lines)


@given(periods, usage, households)
def test_no_tier_exceeds_its_limit_and_tiers_fill_in_order(
    period: tuple[date, date], kwh: int, hh: int
) -> None:
    comp = compute_bill(period[0], period[1], kwh, hh)
    for segment in comp.segments:
        lines = [t for t in comp.tiers if t.segment_start == segment.start]
        assert all(t.limit_kwh is not None and t.kwh <= t.limit_kwh for t in lines if t.tier < 6)
        # Every tier before the highest one used is full.
        assert all(t.kwh == t.limit_kwh for t in lines[:-1])


@given(periods, usage, st.integers(min_value=0, max_value=500), households)
def test_more_kwh_never_costs_less(period: tuple[date, date], kwh: int, extra: int, hh: int) -> None:
    less = compute_bill(period[0], period[1], kwh, hh)
    more = compute_bill(period[0], period[1], kwh + extra, hh)
    assert more.subtotal >= less.subtotal
    assert more.total >= less.total


SINCE_2000 = (replace(FIVE_TIERS, effective_from=date(2000, 1, 1)),)
ALWAYS_TEN = (VatPeriod(date(2000, 1, 1), TEN, "test"),)


@given(st.integers(min_value=2000, max_value=2099), st.integers(min_value=1, max_value=12), households)
def test_a_whole_calendar_month_gives_exactly_the_tier_widths(year: int, month: int, hh: int) -> None:
    start = date(year, month, 1)
    end = date(year, month, calendar.monthrange(year, month)[1])
    comp = compute_bill(start, end, 10_000, hh, SINCE_2000, ALWAYS_TEN)
    assert [t.limit_kwh for t in comp.tiers] == [100 * hh, 100 * hh, 200 * hh, 300 * hh, None]


@given(
    st.lists(st.integers(min_value=1, max_value=61), max_size=6, unique=True),
    st.integers(min_value=0, max_value=61),
    usage,
    households,
)
def test_any_number_of_changes_still_adds_up(offsets: list[int], length: int, kwh: int, hh: int) -> None:
    start = date(2025, 1, 1)
    changes = tuple(
        replace(FIVE_TIERS, effective_from=start + timedelta(days=o), decision=f"+{o}") for o in offsets
    )
    comp = compute_bill(start, start + timedelta(days=length), kwh, hh, SINCE_2000 + changes, ALWAYS_TEN)
    assert len(comp.segments) == 1 + sum(1 for o in offsets if o <= length)
    assert all(s.kwh >= 0 for s in comp.segments)
    assert sum(s.kwh for s in comp.segments) == sum(t.kwh for t in comp.tiers) == kwh
    assert all(t.limit_kwh is None or t.kwh <= t.limit_kwh for t in comp.tiers)
