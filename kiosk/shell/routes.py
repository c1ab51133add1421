"""The one table from screen state to screen: which screen shows each state, and how its intents bind to the
flows. An exhaustive ``match`` ending in ``assert_never``, so a state added to :data:`ScreenState` without a
route fails mypy (tests/shell/test_routes.py shows it), and a test checks that every intent a screen can emit
is bound.

To add a screen: its state beside its journey (``kiosk/flows/states/``) and in the union; its screen module
(``kiosk/views/<journey>/``); a ``case`` here with the binding of its signals; its spoken guidance
(``kiosk/guidance/``); a gallery scenario (``kiosk/demo/gallery.py``); its strings in both catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, assert_never

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.frame import FrameFlow
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.outages import OutageFlow
from kiosk.flows.payment import PaymentFlow
from kiosk.flows.service_request import RequestFlow
from kiosk.flows.staff import StaffFlow
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
from kiosk.flows.track import TrackFlow
from kiosk.shell.assisted import AssistedMode
from kiosk.shell.intents import Intents
from kiosk.views.frame.main_window import KioskWindow
from kiosk.views.parts.screen import Screen

if TYPE_CHECKING:
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

__all__ = ["STAFF_KEY", "Route", "Wiring", "bind_frame", "route", "screen_for"]

# Staff mode from a USB keyboard plugged in by staff (the other way is a long press on the place name).
STAFF_KEY = "Ctrl+Shift+F12"

S = TypeVar("S", bound=Screen)


class Wiring(Protocol):
    """What screens' intents bind to: the flows, and the runners that make a tap a customer's or staff's action.
    The kiosk application is one (:class:`kiosk.shell.app.KioskApp`)."""

    @property
    def intents(self) -> Intents: ...
    @property
    def navigator(self) -> Navigator: ...
    @property
    def frame(self) -> FrameFlow: ...
    @property
    def idle(self) -> IdleFlow: ...
    @property
    def assisted(self) -> AssistedMode: ...
    @property
    def bills(self) -> BillLookupFlow: ...
    @property
    def payments(self) -> PaymentFlow: ...
    @property
    def requests(self) -> RequestFlow: ...
    @property
    def track(self) -> TrackFlow: ...
    @property
    def outages(self) -> OutageFlow: ...
    @property
    def staff(self) -> StaffFlow: ...
    @property
    def can_print(self) -> bool: ...
    @property
    def has_scanner(self) -> bool: ...

    def more_time(self) -> None: ...


@dataclass(frozen=True)
class Route(Generic[S]):
    screen: type[S]
    bind: Callable[[S, Wiring], None]


def bind_frame(window: KioskWindow, w: Wiring, *, on_closed: Callable[[], None]) -> None:
    """The frame's own buttons, on every screen: Back, Home, language, text size, Call staff, staff mode, and
    assisted mode's bar."""
    frame, act = w.frame, w.intents.act
    window.back_requested.connect(frame.back)
    window.home_requested.connect(frame.home)
    window.language_toggled.connect(act(frame.toggle_language))
    window.text_size_requested.connect(act(frame.next_text_size))
    window.staff_requested.connect(act(frame.call_staff))
    window.staff_mode_requested.connect(w.staff.open)
    staff_key = QShortcut(QKeySequence(STAFF_KEY), window)
    staff_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
    staff_key.activated.connect(w.staff.open)
    window.assisted_end_requested.connect(act(w.assisted.end))
    window.repeat_requested.connect(act(w.assisted.repeat))
    window.slower_requested.connect(act(w.assisted.slower))
    window.contrast_toggled.connect(act(frame.toggle_contrast))
    window.closed.connect(on_closed)


def screen_for(state: ScreenState) -> type[Screen]:
    return route(state).screen


def route(state: ScreenState) -> Route[Any]:
    # Each screen's module is imported the first time its state is shown, not with the kiosk: importing all
    # of them (and the charts, QR codes and tables some of them draw with) held the first window back.
    match state:
        # the frame around every journey
        case Home():
            from kiosk.views.frame.home import HomeScreen

            return Route(HomeScreen, _home)
        case IdleWarning():
            from kiosk.views.frame.idle_warning import IdleWarningScreen

            return Route(IdleWarningScreen, _idle_warning)
        case StaffCalled():
            from kiosk.views.frame.staff_called import StaffCalledScreen

            return Route(StaffCalledScreen, _staff_called)
        case PrintPreview():
            from kiosk.views.frame.print_preview import PrintPreviewScreen

            return Route(PrintPreviewScreen, _print_preview)
        case Loading():
            from kiosk.views.frame.loading import LoadingScreen

            return Route(LoadingScreen, _loading)
        case Fault():
            from kiosk.views.frame.something_went_wrong import SomethingWentWrongScreen

            return Route(SomethingWentWrongScreen, _fault)
        # bills
        case EnterCode():
            from kiosk.views.bills.enter_code import EnterCodeScreen

            return Route(EnterCodeScreen, _enter_code)
        case LookupFailed():
            from kiosk.views.bills.lookup_failed import LookupFailedScreen

            return Route(LookupFailedScreen, _lookup_failed)
        case AccountOverview():
            from kiosk.views.bills.account import AccountScreen

            return Route(AccountScreen, _account)
        case BillDetail():
            from kiosk.views.bills.bill_detail import BillDetailScreen

            return Route(BillDetailScreen, _bill_detail)
        case PaidHistory():
            from kiosk.views.bills.paid_history import PaidHistoryScreen

            return Route(PaidHistoryScreen, _paid_history)
        case ConsumptionHistory():
            from kiosk.views.bills.consumption import ConsumptionScreen

            return Route(ConsumptionScreen, _consumption)
        case ChooseBills():
            from kiosk.views.bills.choose_bills import ChooseBillsScreen

            return Route(ChooseBillsScreen, _choose_bills)
        case BillNoticePrinted():
            from kiosk.views.bills.bill_notice_printed import BillNoticePrintedScreen

            return Route(BillNoticePrintedScreen, _bill_notice_printed)
        # payment
        case ChooseMethod():
            from kiosk.views.payment.choose_method import ChooseMethodScreen

            return Route(ChooseMethodScreen, _choose_method)
        case PayByQr():
            from kiosk.views.payment.pay_by_qr import PayByQrScreen

            return Route(PayByQrScreen, _pay_by_qr)
        case PaymentReceived():
            from kiosk.views.payment.payment_received import PaymentReceivedScreen

            return Route(PaymentReceivedScreen, _payment_received)
        case PaymentStopped():
            from kiosk.views.payment.payment_stopped import PaymentStoppedScreen

            return Route(PaymentStoppedScreen, _payment_stopped)
        # service requests and tracking
        case ChooseService():
            from kiosk.views.requests.choose_service import ChooseServiceScreen

            return Route(ChooseServiceScreen, _choose_service)
        case ServiceIntro():
            from kiosk.views.requests.service_intro import ServiceIntroScreen

            return Route(ServiceIntroScreen, _service_intro)
        case IdConsent():
            from kiosk.views.requests.id_consent import IdConsentScreen

            return Route(IdConsentScreen, _id_consent)
        case ScanIdCard():
            from kiosk.views.requests.scan_id_card import ScanIdCardScreen

            return Route(ScanIdCardScreen, _scan_id_card)
        case FillField():
            from kiosk.views.requests.fill_field import FillFieldScreen

            return Route(FillFieldScreen, _fill_field)
        case ReviewRequest():
            from kiosk.views.requests.review_request import ReviewRequestScreen

            return Route(ReviewRequestScreen, _review_request)
        case ConfirmOtp():
            from kiosk.views.requests.confirm_otp import ConfirmOtpScreen

            return Route(ConfirmOtpScreen, _confirm_otp)
        case RequestSubmitted():
            from kiosk.views.requests.request_submitted import RequestSubmittedScreen

            return Route(RequestSubmittedScreen, _request_submitted)
        case RequestRefused():
            from kiosk.views.requests.request_refused import RequestRefusedScreen

            return Route(RequestRefusedScreen, _request_refused)
        case TrackRequest():
            from kiosk.views.requests.track_request import TrackRequestScreen

            return Route(TrackRequestScreen, _track_request)
        case RequestStatus():
            from kiosk.views.requests.request_status import RequestStatusScreen

            return Route(RequestStatusScreen, _request_status)
        # outages
        case OutageStart():
            from kiosk.views.outages.outage_start import OutageStartScreen

            return Route(OutageStartScreen, _outage_start)
        case DangerHotline():
            from kiosk.views.outages.danger_hotline import DangerHotlineScreen

            return Route(DangerHotlineScreen, _danger_hotline)
        case OutageOverview():
            from kiosk.views.outages.outage_overview import OutageOverviewScreen

            return Route(OutageOverviewScreen, _outage_overview)
        case ReportOutage():
            from kiosk.views.outages.report_outage import ReportOutageScreen

            return Route(ReportOutageScreen, _report_outage)
        case OutageReported():
            from kiosk.views.outages.outage_reported import OutageReportedScreen

            return Route(OutageReportedScreen, _outage_reported)
        # staff
        case StaffPin():
            from kiosk.views.staff.staff_pin import StaffPinScreen

            return Route(StaffPinScreen, _staff_pin)
        case StaffHome():
            from kiosk.views.staff.staff_home import StaffHomeScreen

            return Route(StaffHomeScreen, _staff_home)
        case StaffPrintouts():
            from kiosk.views.staff.staff_printouts import StaffPrintoutsScreen

            return Route(StaffPrintoutsScreen, _staff_printouts)
        case StaffPending():
            from kiosk.views.staff.staff_pending import StaffPendingScreen

            return Route(StaffPendingScreen, _staff_pending)
        case StaffDayReport():
            from kiosk.views.staff.staff_day_report import StaffDayReportScreen

            return Route(StaffDayReportScreen, _staff_day_report)
        case StaffLeave():
            from kiosk.views.staff.staff_leave import StaffLeaveScreen

            return Route(StaffLeaveScreen, _staff_leave)
        case _:
            assert_never(state)


# ---------------------------------------------------------------------------------------------- the frame
def _home(screen: HomeScreen, w: Wiring) -> None:
    screen.feature_chosen.connect(lambda feature: w.intents.act(lambda: w.frame.open(feature))())
    screen.assisted_requested.connect(w.intents.act(lambda: w.assisted.start(by_staff=False)))


def _idle_warning(screen: IdleWarningScreen, w: Wiring) -> None:
    screen.more_time_requested.connect(w.more_time)
    screen.end_requested.connect(w.idle.end_session)


def _staff_called(screen: StaffCalledScreen, w: Wiring) -> None:
    screen.continue_requested.connect(w.intents.act(w.navigator.back))


def _print_preview(screen: PrintPreviewScreen, w: Wiring) -> None:
    screen.done_requested.connect(w.frame.back)


def _loading(screen: LoadingScreen, w: Wiring) -> None:
    screen.cancel_requested.connect(w.frame.back)


def _fault(screen: SomethingWentWrongScreen, w: Wiring) -> None:
    screen.start_over_requested.connect(w.idle.end_session)


# ---------------------------------------------------------------------------------------------- bills
def _enter_code(screen: EnterCodeScreen, w: Wiring) -> None:
    bills, act = w.bills, w.intents.act
    screen.set_scanner(w.has_scanner)
    screen.unit_chosen.connect(lambda unit: act(lambda: bills.choose_unit(unit))())
    screen.other_unit_requested.connect(act(bills.other_unit))
    screen.change_unit_requested.connect(act(bills.change_unit))
    screen.unit_key_pressed.connect(lambda key: act(lambda: bills.press_unit_key(key))())
    screen.digit_pressed.connect(lambda digit: act(lambda: bills.press_digit(digit))())
    screen.delete_requested.connect(act(bills.delete))
    screen.clear_requested.connect(act(bills.clear))
    screen.submit_requested.connect(lambda: w.intents.run(bills.submit))


def _lookup_failed(screen: LookupFailedScreen, w: Wiring) -> None:
    screen.retry_requested.connect(lambda: w.intents.run(w.bills.retry))
    screen.retype_requested.connect(w.intents.act(w.bills.retype))
    screen.home_requested.connect(w.frame.home)


def _account(screen: AccountScreen, w: Wiring) -> None:
    bills, act = w.bills, w.intents.act
    screen.bill_chosen.connect(lambda bill_id: act(lambda: bills.open_bill(bill_id))())
    screen.pay_requested.connect(act(bills.choose_bills))
    screen.history_requested.connect(lambda: w.intents.run(bills.open_history))
    screen.consumption_requested.connect(lambda: w.intents.run(bills.open_consumption))


def _bill_detail(screen: BillDetailScreen, w: Wiring) -> None:
    screen.set_printing(w.can_print)
    screen.print_requested.connect(lambda: w.intents.run(w.bills.print_bill))
    screen.pay_requested.connect(w.intents.act(w.bills.pay_bill))


def _paid_history(screen: PaidHistoryScreen, w: Wiring) -> None:
    screen.bill_chosen.connect(lambda bill_id: w.intents.act(lambda: w.bills.open_bill(bill_id))())


def _consumption(screen: ConsumptionScreen, w: Wiring) -> None:
    # The chart/table switch acts on the screen itself; it is still the customer acting.
    screen.view_toggled.connect(w.intents.activity)


def _choose_bills(screen: ChooseBillsScreen, w: Wiring) -> None:
    screen.bill_toggled.connect(lambda index: w.intents.act(lambda: w.bills.toggle_bill(index))())
    screen.continue_requested.connect(lambda: w.intents.run(w.payments.pay))


def _bill_notice_printed(screen: BillNoticePrintedScreen, w: Wiring) -> None:
    screen.done_requested.connect(w.intents.act(w.navigator.back))


# ---------------------------------------------------------------------------------------------- payment
def _choose_method(screen: ChooseMethodScreen, w: Wiring) -> None:
    screen.method_chosen.connect(lambda method: w.intents.run(lambda: w.payments.pay_with(method)))


def _pay_by_qr(screen: PayByQrScreen, w: Wiring) -> None:
    screen.cancel_requested.connect(lambda: w.intents.run(w.payments.cancel))
    screen.keep_paying_requested.connect(w.intents.act(w.payments.keep_paying))


def _payment_received(screen: PaymentReceivedScreen, w: Wiring) -> None:
    screen.done_requested.connect(w.idle.end_session)


def _payment_stopped(screen: PaymentStoppedScreen, w: Wiring) -> None:
    screen.new_qr_requested.connect(lambda: w.intents.run(w.payments.new_qr))
    screen.try_again_requested.connect(lambda: w.intents.run(w.payments.ask_again))
    screen.home_requested.connect(w.frame.home)


# ---------------------------------------------------------------------------------------------- requests
def _choose_service(screen: ChooseServiceScreen, w: Wiring) -> None:
    screen.service_chosen.connect(lambda code: w.intents.act(lambda: w.requests.choose(code))())


def _service_intro(screen: ServiceIntroScreen, w: Wiring) -> None:
    screen.start_requested.connect(w.intents.act(w.requests.begin))


def _id_consent(screen: IdConsentScreen, w: Wiring) -> None:
    screen.scan_requested.connect(w.intents.act(w.requests.consent))
    screen.type_requested.connect(w.intents.act(w.requests.decline))


def _scan_id_card(screen: ScanIdCardScreen, w: Wiring) -> None:
    screen.type_requested.connect(w.intents.act(w.requests.skip_scan))


def _fill_field(screen: FillFieldScreen, w: Wiring) -> None:
    requests, act = w.requests, w.intents.act
    screen.key_pressed.connect(lambda key: act(lambda: requests.key(key))())
    screen.option_chosen.connect(lambda value: act(lambda: requests.choose_option(value))())
    screen.next_requested.connect(act(requests.next_field))


def _review_request(screen: ReviewRequestScreen, w: Wiring) -> None:
    screen.edit_requested.connect(lambda index: w.intents.act(lambda: w.requests.edit(index))())
    screen.confirm_requested.connect(lambda: w.intents.run(w.requests.confirm))


def _confirm_otp(screen: ConfirmOtpScreen, w: Wiring) -> None:
    screen.key_pressed.connect(lambda key: w.intents.act(lambda: w.requests.otp_key(key))())
    screen.confirm_requested.connect(lambda: w.intents.run(w.requests.verify))
    screen.resend_requested.connect(lambda: w.intents.run(w.requests.resend))


def _request_submitted(screen: RequestSubmittedScreen, w: Wiring) -> None:
    screen.done_requested.connect(w.idle.end_session)


def _request_refused(screen: RequestRefusedScreen, w: Wiring) -> None:
    screen.home_requested.connect(w.frame.home)


def _track_request(screen: TrackRequestScreen, w: Wiring) -> None:
    screen.key_pressed.connect(lambda key: w.intents.act(lambda: w.track.key(key))())
    screen.submit_requested.connect(lambda: w.intents.run(w.track.submit))


def _request_status(screen: RequestStatusScreen, w: Wiring) -> None:
    screen.another_requested.connect(w.intents.act(w.track.start_again))
    screen.done_requested.connect(w.idle.end_session)


# ---------------------------------------------------------------------------------------------- outages
def _outage_start(screen: OutageStartScreen, w: Wiring) -> None:
    outages, act = w.outages, w.intents.act
    screen.danger_requested.connect(act(outages.danger))
    screen.no_power_requested.connect(act(outages.no_power))
    screen.schedule_requested.connect(act(outages.schedule))


def _danger_hotline(screen: DangerHotlineScreen, w: Wiring) -> None:
    screen.report_requested.connect(w.intents.act(w.outages.report_danger))
    screen.done_requested.connect(w.idle.end_session)


def _outage_overview(screen: OutageOverviewScreen, w: Wiring) -> None:
    screen.set_printing(w.can_print)
    screen.print_requested.connect(lambda: w.intents.run(w.outages.print_schedule))
    screen.report_requested.connect(w.intents.act(w.outages.choose_report))


def _report_outage(screen: ReportOutageScreen, w: Wiring) -> None:
    screen.kind_chosen.connect(lambda kind: w.intents.run(lambda: w.outages.report(kind)))


def _outage_reported(screen: OutageReportedScreen, w: Wiring) -> None:
    screen.done_requested.connect(w.idle.end_session)


# ---------------------------------------------------------------------------------------------- staff
def _staff_pin(screen: StaffPinScreen, w: Wiring) -> None:
    screen.key_pressed.connect(w.staff.pin_key)
    screen.submit_requested.connect(lambda: w.intents.staff(w.staff.submit_pin))


def _staff_home(screen: StaffHomeScreen, w: Wiring) -> None:
    staff, run = w.staff, w.intents.staff
    screen.test_print_requested.connect(lambda: run(staff.test_print))
    screen.paper_replaced_requested.connect(lambda: run(staff.paper_replaced))
    screen.printouts_requested.connect(lambda: run(staff.show_printouts))
    screen.pending_requested.connect(lambda: run(staff.show_pending))
    screen.report_requested.connect(lambda: run(staff.show_report))
    screen.assist_requested.connect(staff.assist)
    screen.language_chosen.connect(
        lambda language: run(lambda: staff.set_default_language("en" if language == "en" else "vi"))
    )
    screen.refresh_requested.connect(lambda: run(staff.refresh))
    screen.leave_requested.connect(staff.ask_leave)


def _staff_printouts(screen: StaffPrintoutsScreen, w: Wiring) -> None:
    screen.reprint_requested.connect(lambda job_id: w.intents.staff(lambda: w.staff.reprint(job_id)))


def _staff_pending(screen: StaffPendingScreen, w: Wiring) -> None:
    screen.send_now_requested.connect(lambda: w.intents.staff(w.staff.send_now))


def _staff_day_report(screen: StaffDayReportScreen, w: Wiring) -> None:
    screen.print_requested.connect(lambda: w.intents.staff(w.staff.print_report))


def _staff_leave(screen: StaffLeaveScreen, w: Wiring) -> None:
    screen.leave_requested.connect(w.staff.leave_kiosk)
    screen.stay_requested.connect(w.staff.back)
