"""Consumption as the chart and its spoken text show it: the last 12 months against the same months a year
earlier, and a remote-read meter's days in the current period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.central.models import Consumption


MONTHS_SHOWN = 12


@dataclass(frozen=True)
class MonthUse:
    month: date  # the first day of the month the reading was taken in (the bill's month)
    kwh: int
    last_year: int | None  # the same month a year earlier, when the central has it


def _month_of(point_end: date) -> date:
    return point_end.replace(day=1)


def monthly_comparison(consumption: Consumption) -> tuple[MonthUse, ...]:
    """The newest 12 months, oldest first, each with the same month of the year before if known."""
    by_month = {_month_of(p.end): p.kwh for p in consumption.points}
    months = sorted(by_month)[-MONTHS_SHOWN:]
    return tuple(MonthUse(m, by_month[m], by_month.get(m.replace(year=m.year - 1))) for m in months)


@dataclass(frozen=True)
class DayUse:
    day: date
    kwh: int


def daily_use(daily: Consumption, monthly: Consumption) -> tuple[DayUse, ...]:
    """Days from the start of the latest billed period to the latest reading: the period on the customer's
    newest bill and what has been used since."""
    since = max((p.start for p in monthly.points), default=None)
    days = sorted(daily.points, key=lambda p: p.start)
    return tuple(DayUse(p.start, p.kwh) for p in days if since is None or p.start >= since)
