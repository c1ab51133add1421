"""The outage schedule of the customer's area on paper, in the customer's language: what the overview shows,
for the fridge door of a customer without a phone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.flows.outages import upcoming
from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.printing.document import Document

if TYPE_CHECKING:
    from kiosk.central.models import Customer, Outage

__all__ = ["schedule_document"]

# Outages are announced in Vietnamese time, whatever the kiosk's clock says.


def schedule_document(
    tr: Translator,
    customer: Customer,
    outages: Iterable[Outage],
    *,
    now: datetime,
    location: str,
    kiosk_id: str,
) -> Document:
    """Outages happening at ``now`` and those of the next 7 days (as on screen), with the customer's
    corporation's hotline at the foot. ``now`` is aware."""
    # With the first printout: its 16 dataclasses would cost every start ~15 ms.
    from kiosk.printing import documents
    from kiosk.printing.documents import Header, OutageScheduleLabels

    english = tr.language == "en"
    corporation = customer.corporation.name.en if english else customer.corporation.name.vi
    district = customer.district_unit.name.en if english else customer.district_unit.name.vi
    labels = OutageScheduleLabels(
        title=tr._("outage_schedule.title"),
        area=tr._("outage_schedule.area"),
        printed_at=tr._("outage_schedule.printed_at"),
        time=tr._("outage_schedule.time"),
        affected=tr._("outage_schedule.affected"),
        reason=tr._("outage_schedule.reason"),
        none=tr._("outage_schedule.none"),
        footer=tr._("outage_schedule.footer", hotline=customer.corporation.hotline),
    )
    shown = [
        documents.Outage(
            start=outage.start_at.astimezone(VIETNAM),
            end=outage.expected_end_at.astimezone(VIETNAM),
            area=outage.area.en if english else outage.area.vi,
            reason=outage.reason.en if english else outage.reason.vi,
        )
        for outage in upcoming(outages, now)
    ]
    data = documents.OutageSchedule(
        header=Header(organisation=corporation.upper(), location=location, kiosk_id=kiosk_id),
        # The printer writes times as they are given: Vietnamese wall-clock time, like the outages'.
        printed_at=now.astimezone(VIETNAM),
        area=district,
        outages=shown,
    )
    return documents.outage_schedule(data, labels)
