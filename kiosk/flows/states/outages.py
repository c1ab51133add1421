"""The outage screens: danger first with the hotline, outages in the customer's area, reporting one, and the
report received (or kept on the kiosk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.requests.records import OutboxItem

if TYPE_CHECKING:
    from kiosk.central.models import (
        Customer,
        Outage,
        OutageReportKind,
    )


# ---------------------------------------------------------------------------------------------- outages
@dataclass(frozen=True)
class OutageStart:
    """Danger first, then "no power" and "planned outages"."""


@dataclass(frozen=True)
class DangerHotline:
    """Danger at the grid: the hotlines, large, before anything else. ``code``: the customer whose danger
    report is on its way; ``reported`` once it is safe (on the central or in the outbox)."""

    hotline: str | None
    code: str | None = None
    reported: OutboxItem | None = None


@dataclass(frozen=True)
class OutageOverview:
    """Outages in the customer's area: those happening now, then those planned in the next 7 days.
    ``printed``: how printing the schedule went (None: not printed yet, or shown as a preview)."""

    customer: Customer
    outages: tuple[Outage, ...]
    reporting: bool  # the customer came to report a fault (no power), not to read the schedule
    printed: bool | None = None


@dataclass(frozen=True)
class ReportOutage:
    customer: Customer
    outages: tuple[Outage, ...]


@dataclass(frozen=True)
class OutageReported:
    customer: Customer
    kind: OutageReportKind
    item: OutboxItem
    known: Outage | None  # an outage already known in the area, with its expected end
