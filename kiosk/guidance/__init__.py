"""What the kiosk says aloud on each screen in assisted mode: one short text per screen state.

Each text tells, in plain words, what the screen is, the facts that matter on it (the amount, the due date,
where a request stands, how long is left) and the one thing to do next, naming the button by the label the
screen shows it with (the label is taken from the same catalog entry, so the two cannot drift apart). It is
written to be heard standing up, by someone who may never have used an app: one to three short sentences,
"quý khách" and "xin", as the rest of the kiosk speaks.

What is never said, because speech carries further than a screen can be read: names, addresses, ID numbers,
whole phone numbers (only the last digits a masked number shows), the answers typed into a request's form, a
one-time code. A customer code or a tracking code the customer typed is read back, so that it can be checked
against the bill or the slip. Amounts, dates and codes are said in words through :mod:`kiosk.guidance.spoken`.

The ``match`` below is exhaustive over :data:`kiosk.flows.states.ScreenState`, like the routing table, so
mypy fails when a new screen has nothing to say; what each journey's screens say is in its own module (bills,
payment, requests, outages, staff, frame). Qt-free: the speaker is wired elsewhere.
"""

from __future__ import annotations

from typing import assert_never

from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import (
    AccountOverview,
    BillDetail,
    BillNoticePrinted,
    ChooseBills,
    ConsumptionHistory,
    EnterCode,
    LookupFailed,
    PaidHistory,
)
from kiosk.flows.states.frame import Fault, Home, IdleWarning, Loading, PrintPreview, StaffCalled
from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    OutageStart,
    ReportOutage,
)
from kiosk.flows.states.payment import ChooseMethod, PayByQr, PaymentReceived, PaymentStopped
from kiosk.flows.states.requests import (
    ChooseService,
    ConfirmOtp,
    FillField,
    IdConsent,
    RequestRefused,
    RequestStatus,
    RequestSubmitted,
    ReviewRequest,
    ScanIdCard,
    ServiceIntro,
    TrackRequest,
)
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.guidance import spoken
from kiosk.guidance.bills import (
    account,
    bill_detail,
    choose_bills,
    consumption,
    enter_code,
    lookup_failed,
    paid_history,
)
from kiosk.guidance.frame import home, loading
from kiosk.guidance.outages import (
    FIRE_AND_RESCUE,
    danger_hotline,
    outage_overview,
    outage_reported,
    report_outage,
)
from kiosk.guidance.payment import choose_method, pay_by_qr, payment_received, payment_stopped
from kiosk.guidance.requests import (
    choose_service,
    confirm_otp,
    fill_field,
    request_status,
    request_submitted,
    review_request,
    scan_id_card,
    service_intro,
    track_request,
)
from kiosk.guidance.staff import staff_day_report, staff_home, staff_pending, staff_pin, staff_printouts
from kiosk.language.catalogs import Translator

__all__ = ["FIRE_AND_RESCUE", "guidance"]


def guidance(state: ScreenState, tr: Translator) -> str:
    """What to say for ``state``, in ``tr``'s language."""
    match state:
        case Home():
            return home(tr)
        case Fault():
            return tr._("say.fault", staff=tr._("frame.call_staff"))
        case StaffPin():
            return staff_pin(state, tr)
        case StaffHome():
            return staff_home(state, tr)
        case StaffPrintouts():
            return staff_printouts(state, tr)
        case StaffPending():
            return staff_pending(state, tr)
        case StaffDayReport():
            return staff_day_report(state, tr)
        case StaffLeave():
            return tr._("say.staff_leave")
        case StaffCalled():
            return tr._("say.staff_called", button=tr._("staff_called.continue"))
        case IdleWarning():
            return tr._(
                "say.idle", time=spoken.duration(state.seconds_left, tr), button=tr._("idle.more_time")
            )
        case PrintPreview():
            return tr._("say.print_preview", button=tr._("print_preview.done"))
        case EnterCode():
            return enter_code(state, tr)
        case Loading():
            return loading(state, tr)
        case LookupFailed():
            return lookup_failed(state, tr)
        case AccountOverview():
            return account(state, tr)
        case BillDetail():
            return bill_detail(state, tr)
        case PaidHistory():
            return paid_history(state, tr)
        case ConsumptionHistory():
            return consumption(state, tr)
        case ChooseBills():
            return choose_bills(state, tr)
        case BillNoticePrinted():
            return tr._("say.notice_printed", button=tr._("notice_printed.done"))
        case ChooseMethod():
            return choose_method(state, tr)
        case PayByQr():
            return pay_by_qr(state, tr)
        case PaymentReceived():
            return payment_received(state, tr)
        case PaymentStopped():
            return payment_stopped(state, tr)
        case ChooseService():
            return choose_service(state, tr)
        case ServiceIntro():
            return service_intro(state, tr)
        case IdConsent():
            return tr._("say.consent", scan=tr._("consent.scan"), type=tr._("consent.type"))
        case ScanIdCard():
            return scan_id_card(state, tr)
        case FillField():
            return fill_field(state, tr)
        case ReviewRequest():
            return review_request(state, tr)
        case ConfirmOtp():
            return confirm_otp(state, tr)
        case RequestSubmitted():
            return request_submitted(state, tr)
        case RequestRefused():
            return tr._("say.refused", service=tr.pick(state.service.title), button=tr._("refused.home"))
        case TrackRequest():
            return track_request(state, tr)
        case RequestStatus():
            return request_status(state, tr)
        case OutageStart():
            return tr._(
                "say.outage_start",
                danger=tr._("outage_start.danger"),
                no_power=tr._("outage_start.no_power"),
                schedule=tr._("outage_start.schedule"),
            )
        case DangerHotline():
            return danger_hotline(state, tr)
        case OutageOverview():
            return outage_overview(state, tr)
        case ReportOutage():
            return report_outage(state, tr)
        case OutageReported():
            return outage_reported(state, tr)
        case _:
            assert_never(state)
