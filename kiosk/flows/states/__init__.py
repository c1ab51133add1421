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

__all__ = ["ScreenState"]

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
