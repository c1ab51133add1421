"""What assisted mode says on the outage screens: the hotlines first in danger, the outages in the area, and a
report received or kept on the kiosk."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    ReportOutage,
)
from kiosk.guidance import spoken
from kiosk.guidance.phrases import sentences
from kiosk.language.catalogs import Translator
from kiosk.requests.records import Delivery

if TYPE_CHECKING:
    from kiosk.central.models import Outage

FIRE_AND_RESCUE = "114"
"""Vietnam's fire and rescue number, said on the danger screen (which shows it, large)."""


# ---------------------------------------------------------------------------------------------- outages
def danger_hotline(state: DangerHotline, tr: Translator) -> str:
    fire = spoken.phone(FIRE_AND_RESCUE, tr)
    if state.hotline:
        call = tr._("say.danger.call", hotline=spoken.phone(state.hotline, tr), fire=fire)
    else:
        call = tr._("say.danger.call_bill", fire=fire)
    done = tr._("danger.done")
    if state.code is None:
        report = tr._("say.danger.report", button=tr._("danger.report"))
    elif state.reported is None:
        report = tr._("say.danger.sending", button=done)
    else:
        match state.reported.state:
            case Delivery.DELIVERED:
                report = tr._("say.danger.delivered", button=done)
            case Delivery.QUEUED:
                report = tr._("say.danger.queued", button=done)
            case Delivery.REFUSED:
                report = tr._("say.danger.refused", button=done)
            case _:
                assert_never(state.reported.state)
    return sentences(tr._("say.danger.safety"), call, report)


def happening(outage: Outage) -> bool:
    # The flow set each outage's status by the kiosk's clock when it made the list (as the screen reads it).
    return outage.status == "in_progress"


def outage_overview(state: OutageOverview, tr: Translator) -> str:
    now = next((o for o in state.outages if happening(o)), None)
    planned = [o for o in state.outages if not happening(o)]
    report = tr._("outages.report")
    printed = None
    if state.printed is not None:
        printed = tr._("say.outages.printed") if state.printed else tr._("say.outages.not_printed")
    known = (
        tr._("say.outages.known", when=spoken.moment(now.expected_end_at, tr)) if now is not None else None
    )
    if state.reporting:
        # Someone without power first learns whether it is already known; then, reporting.
        if now is None:
            return sentences(printed, tr._("say.outages.unknown", button=report))
        return sentences(printed, known, tr._("say.outages.report_more", button=report))
    if not state.outages:
        return sentences(printed, tr._("say.outages.none"), tr._("say.outages.report_if", button=report))
    schedule = None
    if planned:
        first = min(planned, key=lambda o: o.start_at)
        schedule = tr.ngettext(
            "say.outages.planned",
            len(planned),
            count=spoken.number(len(planned), tr),
            when=spoken.moment(first.start_at, tr),
            area=tr.pick(first.area),
        )
    return sentences(printed, known, schedule, tr._("say.outages.report_if", button=report))


def report_outage(state: ReportOutage, tr: Translator) -> str:
    now = next((o for o in state.outages if happening(o)), None)
    return sentences(
        tr._("say.report_outage.known", when=spoken.moment(now.expected_end_at, tr))
        if now is not None
        else None,
        tr._(
            "say.report_outage",
            danger=tr._("report_outage.danger"),
            my_house=tr._("report_outage.my_house"),
            street=tr._("report_outage.street"),
        ),
    )


def outage_reported(state: OutageReported, tr: Translator) -> str:
    hotline = spoken.phone(state.customer.corporation.hotline, tr)
    match state.item.state:
        case Delivery.DELIVERED:
            outcome = tr._("say.reported.delivered")
        case Delivery.QUEUED:
            outcome = tr._("say.reported.queued", hotline=hotline)
        case Delivery.REFUSED:
            outcome = tr._("say.reported.refused", hotline=hotline)
        case _:
            assert_never(state.item.state)
    known = state.known
    return sentences(
        outcome,
        tr._("say.reported.known", when=spoken.moment(known.expected_end_at, tr))
        if known is not None
        else None,
        tr._("say.done", button=tr._("outage_reported.done")),
    )
