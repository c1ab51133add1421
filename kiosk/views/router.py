"""Which screen shows which state: one exhaustive match, so a new state without a screen fails mypy."""

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
from kiosk.views.bills.account import AccountScreen
from kiosk.views.bills.bill_detail import BillDetailScreen
from kiosk.views.bills.bill_notice_printed import BillNoticePrintedScreen
from kiosk.views.bills.choose_bills import ChooseBillsScreen
from kiosk.views.bills.consumption import ConsumptionScreen
from kiosk.views.bills.enter_code import EnterCodeScreen
from kiosk.views.bills.lookup_failed import LookupFailedScreen
from kiosk.views.bills.paid_history import PaidHistoryScreen
from kiosk.views.frame.home import HomeScreen
from kiosk.views.frame.idle_warning import IdleWarningScreen
from kiosk.views.frame.loading import LoadingScreen
from kiosk.views.frame.print_preview import PrintPreviewScreen
from kiosk.views.frame.something_went_wrong import SomethingWentWrongScreen
from kiosk.views.frame.staff_called import StaffCalledScreen
from kiosk.views.outages.danger_hotline import DangerHotlineScreen
from kiosk.views.outages.outage_overview import OutageOverviewScreen
from kiosk.views.outages.outage_reported import OutageReportedScreen
from kiosk.views.outages.outage_start import OutageStartScreen
from kiosk.views.outages.report_outage import ReportOutageScreen
from kiosk.views.parts.screen import Screen
from kiosk.views.payment.choose_method import ChooseMethodScreen
from kiosk.views.payment.pay_by_qr import PayByQrScreen
from kiosk.views.payment.payment_received import PaymentReceivedScreen
from kiosk.views.payment.payment_stopped import PaymentStoppedScreen
from kiosk.views.requests.choose_service import ChooseServiceScreen
from kiosk.views.requests.confirm_otp import ConfirmOtpScreen
from kiosk.views.requests.fill_field import FillFieldScreen
from kiosk.views.requests.id_consent import IdConsentScreen
from kiosk.views.requests.request_refused import RequestRefusedScreen
from kiosk.views.requests.request_status import RequestStatusScreen
from kiosk.views.requests.request_submitted import RequestSubmittedScreen
from kiosk.views.requests.review_request import ReviewRequestScreen
from kiosk.views.requests.scan_id_card import ScanIdCardScreen
from kiosk.views.requests.service_intro import ServiceIntroScreen
from kiosk.views.requests.track_request import TrackRequestScreen
from kiosk.views.staff.staff_day_report import StaffDayReportScreen
from kiosk.views.staff.staff_home import StaffHomeScreen
from kiosk.views.staff.staff_leave import StaffLeaveScreen
from kiosk.views.staff.staff_pending import StaffPendingScreen
from kiosk.views.staff.staff_pin import StaffPinScreen
from kiosk.views.staff.staff_printouts import StaffPrintoutsScreen


def screen_for(state: ScreenState) -> type[Screen]:
    match state:
        case Home():
            return HomeScreen
        case StaffCalled():
            return StaffCalledScreen
        case IdleWarning():
            return IdleWarningScreen
        case PrintPreview():
            return PrintPreviewScreen
        case EnterCode():
            return EnterCodeScreen
        case Loading():
            return LoadingScreen
        case LookupFailed():
            return LookupFailedScreen
        case AccountOverview():
            return AccountScreen
        case BillDetail():
            return BillDetailScreen
        case PaidHistory():
            return PaidHistoryScreen
        case ConsumptionHistory():
            return ConsumptionScreen
        case ChooseBills():
            return ChooseBillsScreen
        case BillNoticePrinted():
            return BillNoticePrintedScreen
        case ChooseMethod():
            return ChooseMethodScreen
        case PayByQr():
            return PayByQrScreen
        case PaymentReceived():
            return PaymentReceivedScreen
        case PaymentStopped():
            return PaymentStoppedScreen
        case ChooseService():
            return ChooseServiceScreen
        case ServiceIntro():
            return ServiceIntroScreen
        case IdConsent():
            return IdConsentScreen
        case ScanIdCard():
            return ScanIdCardScreen
        case FillField():
            return FillFieldScreen
        case ReviewRequest():
            return ReviewRequestScreen
        case ConfirmOtp():
            return ConfirmOtpScreen
        case RequestSubmitted():
            return RequestSubmittedScreen
        case RequestRefused():
            return RequestRefusedScreen
        case TrackRequest():
            return TrackRequestScreen
        case RequestStatus():
            return RequestStatusScreen
        case OutageStart():
            return OutageStartScreen
        case DangerHotline():
            return DangerHotlineScreen
        case OutageOverview():
            return OutageOverviewScreen
        case ReportOutage():
            return ReportOutageScreen
        case OutageReported():
            return OutageReportedScreen
        case Fault():
            return SomethingWentWrongScreen
        case StaffPin():
            return StaffPinScreen
        case StaffHome():
            return StaffHomeScreen
        case StaffPrintouts():
            return StaffPrintoutsScreen
        case StaffPending():
            return StaffPendingScreen
        case StaffDayReport():
            return StaffDayReportScreen
        case StaffLeave():
            return StaffLeaveScreen
        case _:
            assert_never(state)
