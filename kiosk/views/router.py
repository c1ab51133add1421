"""Which screen shows which state: one exhaustive match, so a new state without a screen fails mypy."""

from __future__ import annotations

from typing import assert_never

from kiosk.flows.navigation import (
    AccountOverview,
    BillDetail,
    BillNoticePrinted,
    ChooseBills,
    ChooseMethod,
    ComingSoon,
    ConsumptionHistory,
    EnterCode,
    Home,
    IdleWarning,
    Loading,
    LookupFailed,
    PaidHistory,
    PayByQr,
    PaymentReceived,
    PaymentStopped,
    PrintPreview,
    ScreenState,
    StaffCalled,
)
from kiosk.views.account import AccountScreen
from kiosk.views.bill_detail import BillDetailScreen
from kiosk.views.bill_notice_printed import BillNoticePrintedScreen
from kiosk.views.choose_bills import ChooseBillsScreen
from kiosk.views.choose_method import ChooseMethodScreen
from kiosk.views.coming_soon import ComingSoonScreen
from kiosk.views.consumption import ConsumptionScreen
from kiosk.views.enter_code import EnterCodeScreen
from kiosk.views.home import HomeScreen
from kiosk.views.idle_warning import IdleWarningScreen
from kiosk.views.loading import LoadingScreen
from kiosk.views.lookup_failed import LookupFailedScreen
from kiosk.views.paid_history import PaidHistoryScreen
from kiosk.views.pay_by_qr import PayByQrScreen
from kiosk.views.payment_received import PaymentReceivedScreen
from kiosk.views.payment_stopped import PaymentStoppedScreen
from kiosk.views.print_preview import PrintPreviewScreen
from kiosk.views.screen import Screen
from kiosk.views.staff_called import StaffCalledScreen


def screen_for(state: ScreenState) -> type[Screen]:
    match state:
        case Home():
            return HomeScreen
        case ComingSoon():
            return ComingSoonScreen
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
        case _:
            assert_never(state)
