"""The billing engine against figures worked out by hand, and its invariants under hypothesis.

Every expected amount below is written out, with the arithmetic beside it, rather than recomputed by the code
under test: a wrong rule in `compute_bill` has to disagree with a person's calculation to pass unnoticed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

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


# ------------------------------------------------------------------ same-day readings, real tariff
# The period runs from the previous reading date to this one; T is the days of the month before the reading's.
def test_one_household_read_on_the_same_day_250_kwh() -> None:
    # 1 Nov -> 1 Dec 2025: N = 30 days; T = November's 30 days. 50 * 30/30 = 50, 100 * 30/30 = 100.
    comp = compute_bill(date(2025, 11, 1), date(2025, 12, 1), 250, 1)
    assert (comp.days, comp.month_days) == (30, 30)
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
        (date(2025, 11, 1), date(2025, 12, 1), 30, 250, "1279/QĐ-BCT")
    ]


def test_three_households_multiply_every_limit_but_the_last() -> None:
    comp = compute_bill(date(2025, 11, 1), date(2025, 12, 1), 1000, 3)
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
    comp = compute_bill(date(2025, 11, 1), date(2025, 12, 1), 450, 1)
    assert _lines(comp)[-2:] == [(5, 100, 100, 3350, 335_000), (6, None, 50, 3460, 173_000)]
    # 99,200 + 102,500 + 238,000 + 299,800 + 335,000 + 173,000 = 1,247,500; 8% = 99,800
    assert _totals(comp) == (1_247_500, 99_800, 1_347_300)


@pytest.mark.parametrize(
    ("previous", "reading"),
    [
        (date(2025, 1, 20), date(2025, 2, 20)),  # N = T = 31 (January)
        (date(2025, 2, 20), date(2025, 3, 20)),  # N = T = 28 (February 2025)
        (date(2024, 2, 20), date(2024, 3, 20)),  # N = T = 29 (February 2024)
        (date(2025, 10, 14), date(2025, 11, 14)),  # N = T = 31 (October)
    ],
)
def test_a_reading_on_the_same_day_each_month_gets_the_whole_monthly_sizes(
    previous: date, reading: date
) -> None:
    # The old engine prorated each day by its own month and gave 49 or 51 here: wrong against the paper bill.
    comp = compute_bill(previous, reading, 2000, 2, SINCE_2000, ALWAYS_TEN)
    assert [t.limit_kwh for t in comp.tiers] == [200, 200, 400, 600, None]


# ------------------------------------------------------------------ proration by N / T
def test_a_15_day_period_read_in_march_divides_by_februarys_28_days() -> None:
    # 28 Feb -> 15 Mar 2025: N = 15; T = 28 (February 2025). 50 * 15/28 = 26.79 -> 27; 100 * 15/28 = 53.57 -> 54.
    # Decision 2699 prices.
    comp = compute_bill(date(2025, 2, 28), date(2025, 3, 15), 150, 1)
    assert (comp.days, comp.month_days) == (15, 28)
    assert _lines(comp) == [
        (1, 27, 27, 1893, 51_111),
        (2, 27, 27, 1956, 52_812),
        (3, 54, 54, 2271, 122_634),
        (4, 54, 42, 2860, 120_120),
    ]
    # 51,111 + 52,812 + 122,634 + 120,120 = 346,677; 8% = 27,734.16 -> 27,734
    assert _totals(comp) == (346_677, 27_734, 374_411)


def test_a_limit_exactly_half_way_rounds_up() -> None:
    # 1 -> 8 Mar 2025: N = 7, T = 28: 50 * 7/28 = 12.5 -> 13 (banker's rounding would give 12); 100 * 7/28 = 25.
    comp = compute_bill(date(2025, 3, 1), date(2025, 3, 8), 120, 1)  # 101 kWh fill tiers 1-5
    assert [t.limit_kwh for t in comp.tiers] == [13, 13, 25, 25, 25, None]


def test_each_tier_is_rounded_by_itself_not_its_cumulative_bound() -> None:
    # 31 Jan -> 3 Mar 2025: N = 31, T = 28. 50 * 31/28 = 55.36 -> 55 for tiers 1 and 2 (so 110 together, where
    # rounding the bound 100 * 31/28 = 110.71 would give 111); 100 * 31/28 = 110.71 -> 111 for tiers 3-5.
    comp = compute_bill(date(2025, 1, 31), date(2025, 3, 3), 1000, 1)
    assert [t.limit_kwh for t in comp.tiers] == [55, 55, 111, 111, 111, None]


def test_t_is_the_month_before_the_reading_whatever_months_the_period_covers() -> None:
    def first_three(previous: date, reading: date) -> list[int | None]:
        return [t.limit_kwh for t in compute_bill(previous, reading, 300, 1).tiers][:3]

    # 14 Oct -> 14 Nov 2025: N = 31, T = 31 (October): exactly 50 / 50 / 100.
    assert first_three(date(2025, 10, 14), date(2025, 11, 14)) == [50, 50, 100]
    # 2 Oct -> 1 Nov 2025: N = 30, T = 31 (October) though the reading is in November:
    # 50 * 30/31 = 48.39 -> 48, 100 * 30/31 = 96.77 -> 97.
    assert first_three(date(2025, 10, 2), date(2025, 11, 1)) == [48, 48, 97]
    # 1 Nov -> 1 Dec 2025: N = 30, T = 30 (November): exactly 50 / 50 / 100.
    assert first_three(date(2025, 11, 1), date(2025, 12, 1)) == [50, 50, 100]


# ------------------------------------------------------------------ changes inside a period
def test_a_price_change_mid_period_splits_kwh_by_days_and_prices_each_part() -> None:
    # 25 Apr -> 25 May 2025: T' = 30; T = 30 (April). Decision 1279 starts on 10 May: Nc = 15, Nm = 15.
    # kWh: 301 * 15/30 = 150.5 -> 151 at the old prices, the remaining 150 at the new ones.
    # Limits in both parts: 50 * 15/30 = 25, 100 * 15/30 = 50.
    comp = compute_bill(date(2025, 4, 25), date(2025, 5, 25), 301, 1)
    assert [(s.start, s.end, s.days, s.kwh, s.decision, s.vat_rate) for s in comp.segments] == [
        (date(2025, 4, 25), date(2025, 5, 10), 15, 151, "2699/QĐ-BCT", EIGHT),
        (date(2025, 5, 10), date(2025, 5, 25), 15, 150, "1279/QĐ-BCT", EIGHT),
    ]
    assert _lines(comp) == [
        (1, 25, 25, 1893, 47_325),
        (2, 25, 25, 1956, 48_900),
        (3, 50, 50, 2271, 113_550),
        (4, 50, 50, 2860, 143_000),
        (5, 50, 1, 3197, 3_197),
        (1, 25, 25, 1984, 49_600),
        (2, 25, 25, 2050, 51_250),
        (3, 50, 50, 2380, 119_000),
        (4, 50, 50, 2998, 149_900),
    ]
    assert [(t.segment_start, t.segment_end) for t in comp.tiers[4:6]] == [
        (date(2025, 4, 25), date(2025, 5, 10)),
        (date(2025, 5, 10), date(2025, 5, 25)),
    ]
    # Old: 47,325 + 48,900 + 113,550 + 143,000 + 3,197 = 355,972; new: 49,600 + 51,250 + 119,000 + 149,900
    # = 369,750. 355,972 + 369,750 = 725,722; 8% = 58,057.76 -> 58,058.
    assert _totals(comp) == (725_722, 58_058, 783_780)
    assert [(v.rate, v.base) for v in comp.vat_lines] == [(EIGHT, 725_722)]


def test_a_vat_change_inside_the_period_does_not_split_it_the_reading_dates_rate_applies() -> None:
    vat = (
        VatPeriod(date(2025, 1, 1), TEN, "test"),
        VatPeriod(date(2025, 11, 11), EIGHT, "test"),
        VatPeriod(date(2025, 11, 21), TEN, "test"),
    )
    # 1 Nov -> 1 Dec 2025: N = T = 30, one part, whole limits: 50*1984 + 50*2050 + 100*2380 + 100*2998
    # = 99,200 + 102,500 + 238,000 + 299,800 = 739,500; the rate on 1 Dec is 10%: 73,950.
    comp = compute_bill(date(2025, 11, 1), date(2025, 12, 1), 300, 1, vat_periods=vat)
    assert [(s.days, s.kwh, s.vat_rate) for s in comp.segments] == [(30, 300, TEN)]
    assert [t.limit_kwh for t in comp.tiers] == [50, 50, 100, 100]
    assert [(v.rate, v.base, v.amount) for v in comp.vat_lines] == [(TEN, 739_500, 73_950)]
    assert _totals(comp) == (739_500, 73_950, 813_450)
    # Read on 15 Nov instead (16 Oct -> 15 Nov: N = 30, T = 31): the 8% in force that day, on everything.
    # Limits 50 * 30/31 = 48.39 -> 48, 100 * 30/31 = 96.77 -> 97; 300 kWh: 48*1984 + 48*2050 + 97*2380
    # + 97*2998 + 10*3350 = 95,232 + 98,400 + 230,860 + 290,806 + 33,500 = 748,798; 8% = 59,903.84 -> 59,904.
    comp = compute_bill(date(2025, 10, 16), date(2025, 11, 15), 300, 1, vat_periods=vat)
    assert comp.vat_rate == EIGHT
    assert _totals(comp) == (748_798, 59_904, 808_702)


def test_vat_rounds_half_up() -> None:
    one_tier = (TariffSchedule(date(2025, 1, 1), "test", (Tier(None, 5),)),)
    vat = (VatPeriod(date(2025, 1, 1), TEN, "test"),)
    comp = compute_bill(date(2025, 11, 1), date(2025, 11, 30), 1, 1, one_tier, vat)
    assert _totals(comp) == (5, 1, 6)  # 0.5 -> 1, where banker's rounding would give 0


def test_a_change_on_either_reading_date_does_not_split_the_period() -> None:
    # Read on the change date: the readings split it. The bill read that day is all old prices, the next one
    # (starting that day, which counts to the new price) all new prices.
    ending = compute_bill(date(2025, 4, 10), date(2025, 5, 10), 100, 1)
    starting = compute_bill(date(2025, 5, 10), date(2025, 6, 10), 100, 1)
    assert [(s.days, s.decision) for s in ending.segments] == [(30, "2699/QĐ-BCT")]
    assert [(s.days, s.decision) for s in starting.segments] == [(31, "1279/QĐ-BCT")]
    # Read the day after: a 1-day new-price part. 10 Apr -> 11 May: T' = 31, Nc = 30, Nm = 1;
    # 310 * 30/31 = 300 at the old prices, 10 at the new.
    comp = compute_bill(date(2025, 4, 10), date(2025, 5, 11), 310, 1)
    assert [(s.days, s.kwh, s.decision) for s in comp.segments] == [
        (30, 300, "2699/QĐ-BCT"),
        (1, 10, "1279/QĐ-BCT"),
    ]


def test_many_short_parts_never_get_negative_kwh() -> None:
    # A price every day: 1 -> 5 Jan is four 1-day parts; 2 kWh over 4 days is 0.5 a day, and rounding each
    # share up would hand out 1 + 1 + 1 + 1 = 4: the third part is capped at what is left (0), the last gets 0.
    daily = tuple(TariffSchedule(date(2025, 1, d), f"d{d}", (Tier(None, 1000),)) for d in range(1, 6))
    comp = compute_bill(date(2025, 1, 1), date(2025, 1, 5), 2, 1, daily)
    assert [(s.days, s.kwh) for s in comp.segments] == [(1, 1), (1, 1), (1, 0), (1, 0)]
    assert comp.subtotal == 2000


# ------------------------------------------------------------------ any number of tiers
FIVE_TIERS = TariffSchedule(
    date(2026, 1, 1),
    "TEST-5",
    (Tier(100, 2000), Tier(200, 2100), Tier(400, 2500), Tier(700, 3100), Tier(None, 3500)),
)


def test_a_five_tier_schedule_bills_like_the_six_tier_one() -> None:
    assert FIVE_TIERS.tier_widths == (100, 100, 200, 300, None)
    # 1 Mar -> 1 Apr 2026: N = T = 31 (March), so the whole sizes x 2 households.
    comp = compute_bill(date(2026, 3, 1), date(2026, 4, 1), 1500, 2, schedules=(FIVE_TIERS,))
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
    comp = compute_bill(date(2025, 11, 1), date(2025, 12, 1), 0, 1)
    assert comp.tiers == ()
    assert _totals(comp) == (0, 0, 0)
    assert [s.kwh for s in comp.segments] == [0]


@pytest.mark.parametrize(
    ("start", "end", "kwh", "households"),
    [
        (date(2025, 11, 1), date(2025, 11, 30), 100, 0),
        (date(2025, 11, 1), date(2025, 11, 30), -1, 1),
        (date(2025, 11, 30), date(2025, 11, 1), 100, 1),
        (date(2025, 11, 30), date(2025, 11, 30), 100, 1),
    ],
    ids=["no-household", "negative-kwh", "end-before-start", "no-days"],
)
def test_invalid_input_is_refused(start: date, end: date, kwh: int, households: int) -> None:
    with pytest.raises(ValueError, match=r"households|kWh|period"):
        compute_bill(start, end, kwh, households)


def test_a_period_before_any_tariff_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="2023-05-03"):
        compute_bill(date(2023, 5, 3), date(2023, 5, 31), 100, 1)
    with pytest.raises(LookupError, match="2022-12-31"):
        compute_bill(date(2022, 12, 1), date(2022, 12, 31), 100, 1, SINCE_2000)


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
    st.integers(min_value=1, max_value=62),
).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))
usage = st.integers(min_value=0, max_value=5000)
households = st.integers(min_value=1, max_value=6)


@given(periods, usage, households)
def test_the_parts_add_up(period: tuple[date, date], kwh: int, hh: int) -> None:
    comp = compute_bill(period[0], period[1], kwh, hh)
    assert sum(t.kwh for t in comp.tiers) == kwh
    assert sum(s.kwh for s in comp.segments) == kwh
    assert sum(s.days for s in comp.segments) == comp.days == (period[1] - period[0]).days
    assert all(a.end == b.start for a, b in pairwise(comp.segments))
    assert (comp.segments[0].start, comp.segments[-1].end) == period
    assert comp.subtotal == sum(t.amount for t in comp.tiers) == sum(v.base for v in comp.vat_lines)
    assert len(comp.vat_lines) == 1
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


@given(
    st.integers(min_value=2000, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    households,
)
def test_the_same_reading_day_every_month_gives_exactly_the_tier_widths(
    year: int, month: int, day: int, hh: int
) -> None:
    previous = date(year, month, day)
    reading = date(year + month // 12, month % 12 + 1, day)
    comp = compute_bill(previous, reading, 10_000, hh, SINCE_2000, ALWAYS_TEN)
    assert [t.limit_kwh for t in comp.tiers] == [100 * hh, 100 * hh, 200 * hh, 300 * hh, None]


@given(
    st.lists(st.integers(min_value=0, max_value=62), max_size=6, unique=True),
    st.integers(min_value=1, max_value=62),
    usage,
    households,
)
def test_any_number_of_changes_still_adds_up(offsets: list[int], length: int, kwh: int, hh: int) -> None:
    start = date(2025, 1, 1)
    changes = tuple(
        replace(FIVE_TIERS, effective_from=start + timedelta(days=o), decision=f"+{o}") for o in offsets
    )
    comp = compute_bill(start, start + timedelta(days=length), kwh, hh, SINCE_2000 + changes, ALWAYS_TEN)
    # Only a change strictly between the readings splits: one on either reading date does not.
    assert len(comp.segments) == 1 + sum(1 for o in offsets if 0 < o < length)
    assert all(s.kwh >= 0 for s in comp.segments)
    assert sum(s.kwh for s in comp.segments) == sum(t.kwh for t in comp.tiers) == kwh
    assert all(t.limit_kwh is None or t.kwh <= t.limit_kwh for t in comp.tiers)
