"""The dated residential electricity tariff and VAT periods bills are computed from.

Prices change by decision of the Ministry of Industry and Trade (Bộ Công Thương) and VAT by decree or
resolution, so both are *data* with an effective date, never constants in a code path: a bill for a past
period is computed with the prices in force on its days (split where they change) and the VAT rate in force on
its reading date (see `kiosk_central.billing`).
To add a price change, append a `TariffSchedule`; to add a VAT change, append a `VatPeriod`. Nothing else
needs to change, even when a schedule has a different number of tiers (Decision 14/2025/QĐ-TTg moves to
5 tiers at the next adjustment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Tier:
    """One step of the block tariff.

    `up_to_kwh` is the tier's cumulative upper bound for a whole calendar month and one household (50 means
    "the first 50 kWh"); None for the last, unbounded tier. `unit_price` is VND per kWh excluding VAT.
    """

    up_to_kwh: int | None
    unit_price: int


@dataclass(frozen=True)
class TariffSchedule:
    """The residential tiers in force from `effective_from` until the next schedule, and their decision."""

    effective_from: date
    decision: str
    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        # A malformed schedule would silently mis-bill every customer, so refuse it when the data is loaded.
        problem = _schedule_problem(self.tiers)
        if problem:
            msg = f"{self.decision}: {problem}"
            raise ValueError(msg)

    @property
    def tier_widths(self) -> tuple[int | None, ...]:
        """kWh in each tier for a whole month and one household; None for the unbounded last tier."""
        widths: list[int | None] = []
        lower = 0
        for tier in self.tiers:
            if tier.up_to_kwh is None:
                widths.append(None)
            else:
                widths.append(tier.up_to_kwh - lower)
                lower = tier.up_to_kwh
        return tuple(widths)


def _schedule_problem(tiers: tuple[Tier, ...]) -> str | None:
    if not tiers or tiers[-1].up_to_kwh is not None:
        return "the last tier must be unbounded"
    bounds = [t.up_to_kwh for t in tiers[:-1] if t.up_to_kwh is not None]
    if len(bounds) != len(tiers) - 1:
        return "only the last tier may be unbounded"
    if any(b <= a for a, b in zip([0, *bounds], bounds, strict=False)):
        return "tier bounds must be positive and increasing"
    if any(t.unit_price < 0 for t in tiers):
        return "unit prices cannot be negative"
    return None


@dataclass(frozen=True)
class VatPeriod:
    """The VAT rate on electricity from `effective_from` until the next period; `basis` is the legal text."""

    effective_from: date
    rate: Decimal
    basis: str


# The residential bounds have been the same six steps since 2019; only the prices moved.
_RESIDENTIAL_BOUNDS: tuple[int | None, ...] = (50, 100, 200, 300, 400, None)


def _residential(effective_from: date, decision: str, prices: tuple[int, ...]) -> TariffSchedule:
    return TariffSchedule(
        effective_from=effective_from,
        decision=decision,
        tiers=tuple(Tier(b, p) for b, p in zip(_RESIDENTIAL_BOUNDS, prices, strict=True)),
    )


RESIDENTIAL_SCHEDULES: tuple[TariffSchedule, ...] = (
    _residential(date(2023, 5, 4), "1062/QĐ-BCT", (1728, 1786, 2074, 2612, 2919, 3015)),
    _residential(date(2023, 11, 9), "2941/QĐ-BCT", (1806, 1866, 2167, 2729, 3050, 3151)),
    _residential(date(2024, 10, 11), "2699/QĐ-BCT", (1893, 1956, 2271, 2860, 3197, 3302)),
    _residential(date(2025, 5, 10), "1279/QĐ-BCT", (1984, 2050, 2380, 2998, 3350, 3460)),
)

VAT_PERIODS: tuple[VatPeriod, ...] = (
    VatPeriod(date(2023, 1, 1), Decimal("0.10"), "Law on VAT 13/2008/QH12 (as amended): statutory 10%"),
    # One period, not five: consecutive instruments kept the same 8% without a gap. (A bill takes the rate in
    # force on its reading date, so more periods with the same rate would change nothing anyway.)
    # NOTE: only the 2025-07-01..2026-12-31 reduction is confirmed in DOMAIN.md; the 2023-07-01..2025-06-30
    # part rests on the decrees named below (electricity was not on their exclusion lists).
    VatPeriod(
        date(2023, 7, 1),
        Decimal("0.08"),
        "Reduced 8%: Decree 44/2023/NĐ-CP, then Decrees 94/2023/NĐ-CP, 72/2024/NĐ-CP, 180/2024/NĐ-CP, "
        "then Resolution 204/2025/QH15 (to 2026-12-31); electricity not on the exclusion lists",
    ),
    VatPeriod(date(2027, 1, 1), Decimal("0.10"), "Law on VAT 48/2024/QH15: statutory 10%"),
)


def schedule_on(day: date, schedules: Sequence[TariffSchedule] = RESIDENTIAL_SCHEDULES) -> TariffSchedule:
    """The schedule in force on `day`; LookupError if `day` is before the first one."""
    in_force = [s for s in schedules if s.effective_from <= day]
    if not in_force:
        msg = f"no tariff schedule in force on {day.isoformat()}"
        raise LookupError(msg)
    return max(in_force, key=lambda s: s.effective_from)


def vat_rate_on(day: date, periods: Sequence[VatPeriod] = VAT_PERIODS) -> Decimal:
    """The VAT rate in force on `day`; LookupError if `day` is before the first period."""
    in_force = [p for p in periods if p.effective_from <= day]
    if not in_force:
        msg = f"no VAT period in force on {day.isoformat()}"
        raise LookupError(msg)
    return max(in_force, key=lambda p: p.effective_from).rate
