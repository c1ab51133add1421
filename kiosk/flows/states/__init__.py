"""Every screen the kiosk can show, as a state: a small frozen value naming the screen and the data it shows.

The states live beside their journeys (one module each: frame, bills, payment, requests, outages, staff); this
union of them all is what the navigator holds, what the wiring table in :mod:`kiosk.shell.routes` matches
exhaustively, and what the spoken guidance covers. A new state added here without a screen, its wiring or its
guidance fails mypy.
"""

from __future__ import annotations

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
from kiosk.flows.states.frame import (
    UNSTOPPABLE,
    Fault,
    Home,
    IdleWarning,
    Loading,
    PrintPreview,
    StaffCalled,
)
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

__all__ = ["FINISHED", "ScreenState", "offers_back"]

ScreenState = (
    Home
    | Fault
    | StaffPin
    | StaffHome
    | StaffPrintouts
    | StaffPending
    | StaffDayReport
    | StaffLeave
    | StaffCalled
    | IdleWarning
    | PrintPreview
    | EnterCode
    | Loading
    | LookupFailed
    | AccountOverview
    | BillDetail
    | PaidHistory
    | ConsumptionHistory
    | ChooseBills
    | BillNoticePrinted
    | ChooseMethod
    | PayByQr
    | PaymentReceived
    | PaymentStopped
    | ChooseService
    | ServiceIntro
    | IdConsent
    | ScanIdCard
    | FillField
    | ReviewRequest
    | ConfirmOtp
    | RequestSubmitted
    | RequestRefused
    | TrackRequest
    | RequestStatus
    | OutageStart
    | DangerHotline
    | OutageOverview
    | ReportOutage
    | OutageReported
)

FINISHED = (PaymentReceived, RequestSubmitted, OutageReported)
"""Screens that end a journey (paid, request sent, outage reported): there is no step to go back to, so they
offer no Back; their own "Xong" and the frame's Home end the visit."""


def offers_back(state: ScreenState) -> bool:
    """Whether the frame shows Back on ``state``'s screen: only where Back does what it says. A finished
    journey, a wait the customer cannot stop, a fault, the idle question and home have no step back; a "Back"
    that silently went home there confused customers (issue 20, item 13)."""
    if isinstance(state, Loading):
        return state.what not in UNSTOPPABLE
    return not isinstance(state, (*FINISHED, Home, IdleWarning, Fault))
