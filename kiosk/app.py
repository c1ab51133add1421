"""The kiosk application: wiring (the one place where views, flows and services meet) and `kiosk run`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.central.errors import CentralError, Unauthorized
from kiosk.central.models import Bill, BillPaymentQr, Customer, Outage, Service
from kiosk.config import ConfigError, Settings, config_path, load_settings
from kiosk.demo_central import DemoCentral, DemoCentralError
from kiosk.devices.printer import PreviewPrinter, printer_from_uri
from kiosk.devices.scanner import FakeScanner, Scanner, scanner_from_uri
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.bill_notice import NoticeRefusedError, bill_notice_document
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import (
    ConfirmOtp,
    EnterCode,
    Feature,
    Loading,
    Navigator,
    OutageReported,
    PayByQr,
    PaymentReceived,
    PrintPreview,
    RequestSubmitted,
    ScanIdCard,
    ScreenState,
    SlipProgress,
    StaffCalled,
    TrackRequest,
)
from kiosk.flows.outage_schedule import schedule_document
from kiosk.flows.outages import OutageFlow
from kiosk.flows.payment import PaymentFlow
from kiosk.flows.service_request import RequestFlow
from kiosk.flows.track import TrackFlow
from kiosk.i18n import CatalogError, Language, Translator
from kiosk.input_watch import InputWatcher
from kiosk.payments.journal import JournalPayment, PaymentJournal, PaymentJournalError
from kiosk.payments.keeper import PaymentKeeper, ReceiptPrint
from kiosk.payments.receipt import RECEIPT_KIND, receipt_document
from kiosk.printing.document import Document
from kiosk.printing.journal import JournalError, PrintJournal
from kiosk.printing.service import PrintOutcome, PrintService
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import Outbox, OutboxError
from kiosk.requests.records import OutboxItem
from kiosk.requests.slip import SLIP_KIND, slip_document
from kiosk.session import CustomerSession
from kiosk.theme import load_fonts, stylesheet
from kiosk.views.account import AccountScreen
from kiosk.views.bill_detail import BillDetailScreen
from kiosk.views.bill_notice_printed import BillNoticePrintedScreen
from kiosk.views.choose_bills import ChooseBillsScreen
from kiosk.views.choose_method import ChooseMethodScreen
from kiosk.views.choose_service import ChooseServiceScreen
from kiosk.views.confirm_otp import ConfirmOtpScreen
from kiosk.views.danger_hotline import DangerHotlineScreen
from kiosk.views.enter_code import EnterCodeScreen
from kiosk.views.fill_field import FillFieldScreen
from kiosk.views.id_consent import IdConsentScreen
from kiosk.views.loading import UNSTOPPABLE, LoadingScreen
from kiosk.views.lookup_failed import LookupFailedScreen
from kiosk.views.main_window import KioskWindow
from kiosk.views.outage_overview import OutageOverviewScreen
from kiosk.views.outage_reported import OutageReportedScreen
from kiosk.views.outage_start import OutageStartScreen
from kiosk.views.paid_history import PaidHistoryScreen
from kiosk.views.pay_by_qr import PayByQrScreen
from kiosk.views.payment_received import PaymentReceivedScreen
from kiosk.views.payment_stopped import PaymentStoppedScreen
from kiosk.views.report_outage import ReportOutageScreen
from kiosk.views.request_refused import RequestRefusedScreen
from kiosk.views.request_status import RequestStatusScreen
from kiosk.views.request_submitted import RequestSubmittedScreen
from kiosk.views.review_request import ReviewRequestScreen
from kiosk.views.scan_id_card import ScanIdCardScreen
from kiosk.views.screen import Screen
from kiosk.views.service_intro import ServiceIntroScreen
from kiosk.views.track_request import TrackRequestScreen

log = logging.getLogger(__name__)

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
WINDOWED_LANDSCAPE = (1366, 768)
DEMO_BILL_SCAN = "PE01000123456"  # the demo customer with several unpaid bills
# What the demo's F2 "scans" on the ID card screen and on the tracking screen: a made-up card, the demo request.
DEMO_ID_CARD_SCAN = (
    "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng, Phường Bến Nghé, TP Hồ Chí Minh|20052021"
)
DEMO_TRACKING_SCAN = "YCA7K3M9Q2"
DEMO_OUTAGE_SCAN = "PA12000345678"  # a mountain district with planned outages
RECONCILE_SECONDS = 60.0

# Due dates and "the last 12 months" are Vietnamese calendar notions, whatever the machine's time zone.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


class KioskApp:
    """One customer-facing kiosk: its session, its flows and its window, wired together.

    Tests build it through :func:`build_kiosk` exactly as `kiosk run` does, with a real central on loopback."""

    def __init__(
        self,
        settings: Settings,
        tr: Translator,
        client: CentralClient,
        qt_app: QApplication,
        payment_journal: PaymentJournal,
        outbox: Outbox,
        printing: PrintService | None = None,
        scanner: Scanner | None = None,
    ) -> None:
        self.settings = settings
        self.tr = tr
        self.client = client
        self.printing = printing
        self.scanner = scanner
        self._qt_app = qt_app
        self._tasks: set[asyncio.Task[None]] = set()
        self.central_reachable: bool | None = None
        self.session = CustomerSession(
            default_language=settings.ui.default_language, default_large_text=settings.ui.large_text
        )
        self.navigator = Navigator()
        self.keeper = PaymentKeeper(client, payment_journal, self)
        self.bills = BillLookupFlow(
            client,
            self.navigator,
            self.session,
            print_notice=self._print_notice,
            today=today_in_vietnam,
            in_flight=self.keeper.in_flight_bill_ids,
        )
        self._receipt_previews: dict[int, Path] = {}
        self.payments = PaymentFlow(
            self.keeper,
            client,
            self.bills,
            self.navigator,
            self.session,
            poll_seconds=settings.payment.poll_seconds,
            preview_of=lambda payment: self._receipt_previews.get(payment.id),
        )
        self._reconciler: asyncio.Task[None] | None = None
        self.outbox = outbox
        self.courier = Courier(client, outbox)
        self._courier_task: asyncio.Task[None] | None = None
        self.requests = RequestFlow(
            client,
            self.bills,
            self.navigator,
            self.session,
            self.outbox,
            self.courier,
            print_slip=self._print_slip,
            today=today_in_vietnam,
            send_wait=settings.requests.send_wait_seconds,
        )
        self.track = TrackFlow(client, self.bills, self.navigator, self.outbox)
        self.outages = OutageFlow(
            client,
            self.bills,
            self.navigator,
            self.session,
            self.outbox,
            self.courier,
            hotline=settings.hotline,
            now=lambda: datetime.now(UTC),
            print_schedule=self._print_schedule,
            send_wait=settings.requests.send_wait_seconds,
        )
        self.bills.hand_codes_to(Feature.REQUESTS, self.requests.customer_code_entered)
        self.bills.hand_codes_to(Feature.OUTAGES, self.outages.code_entered)
        self.window = KioskWindow(tr, location_name=settings.location_name)
        self.idle = IdleFlow(
            self.navigator,
            self.session,
            countdown_seconds=settings.idle.countdown_seconds,
            on_wiped=self._wiped,
        )
        self.input_watch = InputWatcher(qt_app, settings.idle.warning_after_seconds * 1000, self.idle.idle)
        self._countdown = QTimer(self.window)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.idle.tick)
        self._connect()
        self._styled_large_text = self.session.large_text
        self._apply_size()
        self._apply_language()

    def _connect(self) -> None:
        w = self.window
        self.navigator.subscribe(self._show)
        w.back_requested.connect(self._back)
        w.home_requested.connect(self._home)
        w.language_toggled.connect(self._intent(self._toggle_language))
        w.large_text_toggled.connect(self._intent(self._toggle_large_text))
        w.staff_requested.connect(self._intent(lambda: self.navigator.go(StaffCalled())))
        w.staff_continue_requested.connect(self._intent(self.navigator.back))
        w.feature_chosen.connect(lambda feature: self._intent(lambda: self._open(feature))())
        w.more_time_requested.connect(self._more_time)
        w.end_session_requested.connect(self.idle.end_session)
        w.screen_created.connect(self._wire)

    def _wire(self, screen: Screen) -> None:
        """Connects a journey screen's intents to its flow, when the window first builds the screen."""
        bills, run, act = self.bills, self._run_intent, self._intent
        if isinstance(screen, EnterCodeScreen):
            screen.prefix_chosen.connect(lambda prefix: act(lambda: bills.choose_prefix(prefix))())
            screen.digit_pressed.connect(lambda digit: act(lambda: bills.press_digit(digit))())
            screen.delete_requested.connect(act(bills.delete))
            screen.clear_requested.connect(act(bills.clear))
            screen.submit_requested.connect(lambda: run(bills.submit))
        elif isinstance(screen, LoadingScreen):
            screen.cancel_requested.connect(self._back)
        elif isinstance(screen, BillNoticePrintedScreen):
            screen.done_requested.connect(act(self.navigator.back))
        elif isinstance(screen, LookupFailedScreen):
            screen.retry_requested.connect(lambda: run(bills.retry))
            screen.retype_requested.connect(act(bills.retype))
            screen.home_requested.connect(self._home)
        elif isinstance(screen, AccountScreen):
            screen.bill_chosen.connect(lambda bill_id: act(lambda: bills.open_bill(bill_id))())
            screen.pay_requested.connect(act(bills.choose_bills))
            screen.history_requested.connect(lambda: run(bills.open_history))
            screen.consumption_requested.connect(lambda: run(bills.open_consumption))
        elif isinstance(screen, BillDetailScreen):
            screen.set_printing(self.printing is not None)
            screen.print_requested.connect(lambda: run(bills.print_bill))
        elif isinstance(screen, PaidHistoryScreen):
            screen.bill_chosen.connect(lambda bill_id: act(lambda: bills.open_bill(bill_id))())
        elif isinstance(screen, ChooseBillsScreen):
            screen.bill_toggled.connect(lambda index: act(lambda: bills.toggle_bill(index))())
            screen.continue_requested.connect(lambda: run(self.payments.choose_method))
        elif isinstance(screen, ChooseMethodScreen):
            screen.method_chosen.connect(lambda method: run(lambda: self.payments.pay_with(method)))
        elif isinstance(screen, PayByQrScreen):
            screen.cancel_requested.connect(lambda: run(self.payments.cancel))
        elif isinstance(screen, PaymentReceivedScreen):
            screen.done_requested.connect(self.idle.end_session)
        elif isinstance(screen, PaymentStoppedScreen):
            screen.new_qr_requested.connect(lambda: run(self.payments.new_qr))
            screen.try_again_requested.connect(lambda: run(self.payments.ask_again))
            screen.home_requested.connect(self._home)
        else:
            self._wire_requests(screen)
            self._wire_outages(screen)

    def _wire_requests(self, screen: Screen) -> None:
        requests, track, run, act = self.requests, self.track, self._run_intent, self._intent
        if isinstance(screen, ChooseServiceScreen):
            screen.service_chosen.connect(lambda code: act(lambda: requests.choose(code))())
        elif isinstance(screen, ServiceIntroScreen):
            screen.start_requested.connect(act(requests.begin))
        elif isinstance(screen, IdConsentScreen):
            screen.scan_requested.connect(act(requests.consent))
            screen.type_requested.connect(act(requests.decline))
        elif isinstance(screen, ScanIdCardScreen):
            screen.type_requested.connect(act(requests.skip_scan))
        elif isinstance(screen, FillFieldScreen):
            screen.key_pressed.connect(lambda key: act(lambda: requests.key(key))())
            screen.option_chosen.connect(lambda value: act(lambda: requests.choose_option(value))())
            screen.next_requested.connect(act(requests.next_field))
        elif isinstance(screen, ReviewRequestScreen):
            screen.edit_requested.connect(lambda index: act(lambda: requests.edit(index))())
            screen.confirm_requested.connect(lambda: run(requests.confirm))
        elif isinstance(screen, ConfirmOtpScreen):
            screen.key_pressed.connect(lambda key: act(lambda: requests.otp_key(key))())
            screen.confirm_requested.connect(lambda: run(requests.verify))
            screen.resend_requested.connect(lambda: run(requests.resend))
        elif isinstance(screen, RequestSubmittedScreen):
            screen.done_requested.connect(self.idle.end_session)
        elif isinstance(screen, RequestRefusedScreen):
            screen.home_requested.connect(self._home)
        elif isinstance(screen, TrackRequestScreen):
            screen.key_pressed.connect(lambda key: act(lambda: track.key(key))())
            screen.submit_requested.connect(lambda: run(track.submit))
        elif isinstance(screen, RequestStatusScreen):
            screen.another_requested.connect(act(track.start_again))
            screen.done_requested.connect(self.idle.end_session)

    def _wire_outages(self, screen: Screen) -> None:
        outages, run, act = self.outages, self._run_intent, self._intent
        if isinstance(screen, OutageStartScreen):
            screen.danger_requested.connect(act(outages.danger))
            screen.no_power_requested.connect(act(outages.no_power))
            screen.schedule_requested.connect(act(outages.schedule))
        elif isinstance(screen, DangerHotlineScreen):
            screen.report_requested.connect(act(outages.report_danger))
            screen.done_requested.connect(self.idle.end_session)
        elif isinstance(screen, OutageOverviewScreen):
            screen.set_printing(self.printing is not None)
            screen.print_requested.connect(lambda: run(outages.print_schedule))
            screen.report_requested.connect(act(outages.choose_report))
        elif isinstance(screen, ReportOutageScreen):
            screen.kind_chosen.connect(lambda kind: run(lambda: outages.report(kind)))
        elif isinstance(screen, OutageReportedScreen):
            screen.done_requested.connect(self.idle.end_session)

    def start_devices(self) -> None:
        """Starts listening to the scanner; needs the running event loop (qasync's in the kiosk)."""
        if self.scanner is not None:
            self.scanner.start(self._scanned)

    def stop_devices(self) -> None:
        if self.scanner is not None:
            self.scanner.stop()
        for task in (self._reconciler, self._courier_task):
            if task is not None:
                task.cancel()
        self._reconciler = self._courier_task = None

    def start_outbox(self) -> None:
        """Requests and reports saved on this kiosk are sent in the background until the central has them,
        from the moment the kiosk starts (those left by a crash or a power cut too). Needs the running loop."""
        if self._courier_task is None:
            self._courier_task = asyncio.ensure_future(self.courier.run())

    def start_reconciling(self, every_seconds: float = RECONCILE_SECONDS) -> None:
        """Payments left by a crash, a power cut or a customer who walked away are followed to their outcome:
        now, then every ``every_seconds``. Needs the running event loop."""

        async def reconcile_forever() -> None:
            while True:
                try:
                    await self.keeper.reconcile()
                except Exception:  # a journal or programming fault must not stop the kiosk from serving
                    log.exception("reconciling payments failed")
                await asyncio.sleep(every_seconds)

        if self._reconciler is None:
            self._reconciler = asyncio.ensure_future(reconcile_forever())

    def _scanned(self, text: str) -> None:
        # Each journey takes scans only on its own screens, so at most one of these accepts.
        if self.requests.accepts_scan():
            self._run_intent(lambda: self.requests.id_scanned(text))
        elif self.track.accepts_scan():
            self._run_intent(lambda: self.track.scanned(text))
        elif self.bills.accepts_scan():
            self._run_intent(lambda: self.bills.scanned(text))

    # ------------------------------------------------------------------ async work
    def _run_intent(self, start: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """A customer action that talks to the central: it begins the session and runs on the event loop,
        so the screen keeps moving (progress, Back) while it waits."""
        self.session.begin(datetime.now(UTC))
        task = asyncio.ensure_future(start())
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a customer action failed", exc_info=task.exception())

    async def settle(self) -> None:
        """Waits until every customer action started so far has finished (tests, and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _intent(self, action: Callable[[], None]) -> Callable[[], None]:
        """A customer action: it starts a session (so that idle warnings and wipes apply) and then acts."""

        def run() -> None:
            self.session.begin(datetime.now(UTC))
            action()

        return run

    # ------------------------------------------------------------------ intents
    def _open(self, feature: Feature) -> None:
        match feature:
            case Feature.BILLS:
                self.bills.start()
            case Feature.REQUESTS:
                self._run_intent(self.requests.start)
            case Feature.OUTAGES:
                self.outages.start()
            case Feature.TRACK_REQUEST:
                self.track.start()

    def demo_pay(self) -> None:
        """Demo only: the simulated bank transfers the amount of the QR on screen (what the customer's app does)."""
        state = self.navigator.current
        if isinstance(state, PayByQr) and state.payment.reference is not None:
            reference, amount = state.payment.reference, state.payment.amount

            async def transfer() -> None:
                await self.client.sim_bank_transfer(reference, amount)

            self._run_intent(transfer)

    def demo_otp(self) -> None:
        """Demo only: types the code the demo's SMS gateway "sent" (what the customer reads on their phone)."""
        state = self.navigator.current
        if isinstance(state, ConfirmOtp):
            otp_id = state.otp_id

            async def type_code() -> None:
                sms = await self.client.sim_otp(otp_id)
                for digit in sms.code:
                    self.requests.otp_key(digit)

            self._run_intent(type_code)

    def demo_scan(self, scanner: FakeScanner) -> None:
        """Demo only: "scans" the paper the screen asks for: an ID card, a request slip, or a bill."""
        state = self.navigator.current
        if isinstance(state, ScanIdCard):
            scanner.scan(DEMO_ID_CARD_SCAN)
        elif isinstance(state, TrackRequest):
            scanner.scan(DEMO_TRACKING_SCAN)
        elif not isinstance(state, EnterCode) or state.purpose is Feature.BILLS:
            scanner.scan(DEMO_BILL_SCAN)
        else:
            scanner.scan(DEMO_OUTAGE_SCAN)

    def _home(self) -> None:
        self.payments.leave()
        self.navigator.home()

    def _back(self) -> None:
        self.session.begin(datetime.now(UTC))
        if isinstance(self.navigator.current, PayByQr):
            # Leaving the QR is cancelling it: the customer is told how it ended.
            self._run_intent(self.payments.cancel)
        elif isinstance(self.navigator.current, PaymentReceived | RequestSubmitted | OutageReported):
            self.idle.end_session()  # done: there is no step to go back to
        elif isinstance(self.navigator.current, Loading) and self.navigator.current.what in UNSTOPPABLE:
            pass  # saved on the kiosk and being sent: there is nothing to go back to
        elif self.requests.back():
            pass  # a step inside the form (the previous question)
        else:
            self.navigator.back()

    def _toggle_language(self) -> None:
        self.session.language = "en" if self.session.language == "vi" else "vi"
        self._apply_language()

    def _toggle_large_text(self) -> None:
        self.session.large_text = not self.session.large_text
        self._apply_size()

    def _more_time(self) -> None:
        self.idle.more_time()
        self.input_watch.restart()

    # ------------------------------------------------------------------ reactions
    def _show(self, state: ScreenState) -> None:
        self.window.show_state(state)
        if self.idle.warning:
            self._countdown.start()
        else:
            self._countdown.stop()

    def _wiped(self) -> None:
        self._receipt_previews.clear()
        self.window.wipe()
        if self._styled_large_text != self.session.large_text:
            self._apply_size()
        self._apply_language()
        self.input_watch.restart()
        log.info("session ended and wiped")

    def _apply_language(self) -> None:
        if self.tr.language != self.session.language:
            self.tr.set_language(self.session.language)
        self.window.retranslate()

    def _apply_size(self) -> None:
        # A whole-application style sheet re-polishes every widget: set it only when the size changes.
        self._styled_large_text = self.session.large_text
        self._qt_app.setStyleSheet(stylesheet(large_text=self.session.large_text))
        self.window.set_large_text(self.session.large_text)

    # ------------------------------------------------------------------ printing
    async def print_document(self, document: Document, *, kind: str, reference: str) -> PrintOutcome | None:
        """Prints through the journal (None when this kiosk has no printer). A preview printer's page is then
        shown on screen, where the customer would otherwise look at the paper."""
        if self.printing is None:
            return None
        outcome = await self.printing.print_document(document, kind=kind, reference=reference)
        preview = self._preview_of(outcome)
        if preview is not None:
            self.navigator.go(PrintPreview(preview))
        return outcome

    def _preview_of(self, outcome: PrintOutcome) -> Path | None:
        """The page a preview printer saved for a job it printed; None for real paper."""
        printer = self.printing.printer if self.printing is not None else None
        if outcome.printed and isinstance(printer, PreviewPrinter) and printer.saved:
            return printer.saved[-1]
        return None

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        """The keeper's receipt desk: the receipt, in the customer's language, printed at most once."""
        if self.printing is None:
            return ReceiptPrint(printed=False, job_id=None)
        language: Language = "en" if payment.order.language == "en" else "vi"
        lookup = self._central_page(self.settings.payment.receipt_lookup_url, "/receipts/{reference}")
        document = receipt_document(
            self.tr.in_language(language),
            payment,
            location=self.settings.location_name,
            kiosk_id=self.settings.kiosk_id,
            lookup_url=lookup,
        )
        outcome = await self.printing.print_unique(
            document, kind=RECEIPT_KIND, reference=payment.payment_id or ""
        )
        preview = self._preview_of(outcome)
        if preview is not None:
            self._receipt_previews[payment.id] = preview
        return ReceiptPrint(printed=outcome.printed, job_id=outcome.job_id)

    def _central_page(self, configured: str | None, path: str) -> str:
        """The address a printout's QR opens on the customer's phone: the configured one, else the central's
        own public page."""
        return configured or self.settings.central.url.rstrip("/") + path

    async def _print_slip(
        self, service: Service, item: OutboxItem, hotline: str | None
    ) -> tuple[SlipProgress, Path | None]:
        """The request slip, in the customer's language, printed at most once per request."""
        if self.printing is None:
            return SlipProgress.NOT_PRINTED, None
        tracking = self._central_page(self.settings.requests.tracking_url, "/track/{reference}")
        document = slip_document(
            self.tr,
            service,
            item,
            location=self.settings.location_name,
            kiosk_id=self.settings.kiosk_id,
            hotline=hotline or self.settings.hotline,
            tracking_url=tracking,
        )
        outcome = await self.printing.print_unique(document, kind=SLIP_KIND, reference=item.reference)
        preview = self._preview_of(outcome)
        if preview is not None:
            return SlipProgress.PREVIEW, preview
        return (SlipProgress.PRINTED if outcome.printed else SlipProgress.NOT_PRINTED), None

    async def _print_schedule(self, customer: Customer, outages: tuple[Outage, ...]) -> bool:
        """The area's outage schedule on paper (a preview printer's page is shown instead)."""
        now = datetime.now(UTC)
        document = schedule_document(
            self.tr,
            customer,
            outages,
            now=now,
            location=self.settings.location_name,
            kiosk_id=self.settings.kiosk_id,
        )
        reference = f"{customer.code}-{now.astimezone(VIETNAM):%Y%m%d%H%M}"
        outcome = await self.print_document(document, kind="outage_schedule", reference=reference)
        return outcome is not None and outcome.printed

    async def _print_notice(self, customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
        if self.printing is None:
            return NoticeOutcome(printed=False)
        try:
            document = bill_notice_document(
                self.tr,
                customer,
                bill,
                qr,
                location=self.settings.location_name,
                kiosk_id=self.settings.kiosk_id,
            )
        except NoticeRefusedError as exc:
            log.warning("bill notice not printed: %s", exc)
            return NoticeOutcome(printed=False)
        outcome = await self.printing.print_document(document, kind="bill_notice", reference=bill.id)
        return NoticeOutcome(printed=outcome.printed, preview=self._preview_of(outcome))

    # ------------------------------------------------------------------ central
    async def check_central(self) -> str | None:
        """None when the central answers and accepts this kiosk's token; otherwise what is wrong, for the
        operator (never shown to customers as is)."""
        try:
            await self.client.check_access()
        except Unauthorized:
            self.central_reachable = False
            return f"the central system at {self.settings.central.url} refused this kiosk's token"
        except CentralError as exc:
            self.central_reachable = False
            return f"the central system at {self.settings.central.url} is not reachable ({exc})"
        self.central_reachable = True
        return None


def build_kiosk(settings: Settings, qt_app: QApplication) -> KioskApp:
    """The kiosk as `kiosk run` builds it (tests use this too). Raises CatalogError / FileNotFoundError when
    an asset is missing."""
    load_fonts()
    tr = Translator.load(language=settings.ui.default_language)
    client = CentralClient(
        settings.central.url,
        settings.central.token.get_secret_value(),
        timeout=settings.central.timeout_seconds,
        retries=settings.central.retries,
    )
    printing = None
    if settings.printer.uri is not None:
        printer = printer_from_uri(
            settings.printer.uri,
            width_mm=settings.printer.width_mm,
            profile=settings.printer.profile,
            text_mode=settings.printer.text_mode,
        )
        printing = PrintService(printer, PrintJournal.in_data_dir(settings.data_dir))
    scanner = scanner_from_uri(settings.scanner.uri) if settings.scanner.uri is not None else None
    journal = PaymentJournal.in_data_dir(
        settings.data_dir, kiosk_id=settings.kiosk_id, watch=timedelta(hours=settings.payment.watch_hours)
    )
    outbox = Outbox.in_data_dir(settings.data_dir)
    return KioskApp(settings, tr, client, qt_app, journal, outbox, printing, scanner)


def show_kiosk_window(kiosk_app: KioskApp, *, windowed: bool, demo: bool = False) -> None:
    window = kiosk_app.window
    if demo:
        # Someone trying the kiosk on their own computer must be able to leave it.
        window.allow_close = True
        quit_shortcut = QShortcut(QKeySequence("Ctrl+Q"), window)
        quit_shortcut.activated.connect(window.close)
        print("kiosk: demo mode; press Ctrl+Q to quit", file=sys.stderr)  # noqa: T201
        scanner = kiosk_app.scanner
        if isinstance(scanner, FakeScanner):
            # There is no scanner in a demo: F2 "scans" a demo customer's paper bill.
            scan_shortcut = QShortcut(QKeySequence("F2"), window)
            scan_shortcut.activated.connect(lambda: kiosk_app.demo_scan(scanner))
            print("kiosk: press F2 to scan what the screen asks for (bill, ID card, slip)", file=sys.stderr)  # noqa: T201
        # No phone can pay the demo's central: F3 makes its simulated bank send the money for the QR shown.
        pay_shortcut = QShortcut(QKeySequence("F3"), window)
        pay_shortcut.activated.connect(kiosk_app.demo_pay)
        print("kiosk: press F3 to have the demo bank pay the QR on screen", file=sys.stderr)  # noqa: T201
        # No phone receives the demo's SMS: F4 types the one-time code it "sent".
        otp_shortcut = QShortcut(QKeySequence("F4"), window)
        otp_shortcut.activated.connect(kiosk_app.demo_otp)
        print("kiosk: press F4 to type the SMS code on the code screen", file=sys.stderr)  # noqa: T201
    portrait = kiosk_app.settings.ui.orientation == "portrait"
    if windowed:
        window.allow_close = True
        width, height = WINDOWED_LANDSCAPE
        window.resize(*((height, width) if portrait else (width, height)))
        window.show()
        return
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    if kiosk_app.settings.ui.hide_cursor and not demo:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        # Without a window manager, full screen alone does not place the window.
        window.setGeometry(screen.geometry())
    window.showFullScreen()


# ---------------------------------------------------------------------- kiosk run
def configure_run_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the reference central server with demo data on loopback and use it",
    )
    parser.add_argument("--windowed", action="store_true", help="a normal window, for development")
    parser.add_argument(
        "--config",
        type=Path,
        help="the kiosk's TOML config (default: KIOSK_CONFIG, then the platform config dir)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="quit with status 0 as soon as the home screen is ready, printing 'ready in N ms'",
    )
    parser.set_defaults(handler=run_command)


def _process_age_ms() -> float:
    """Milliseconds since this process started (from /proc where there is one), for `--smoke`."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError):
        return (time.monotonic() - _IMPORTED_AT) * 1000 + (time.process_time() * 1000)


_IMPORTED_AT = time.monotonic()


def fail(message: str, status: int = 1) -> int:
    print(f"kiosk: {message}", file=sys.stderr)  # noqa: T201 - the command line is the interface
    return status


def run_command(args: argparse.Namespace) -> int:
    with ExitStack() as cleanup:
        overrides: dict[str, object] = {}
        if args.demo:
            demo_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-demo-")))
            try:
                central = cleanup.enter_context(DemoCentral(demo_dir / "central.sqlite3"))
            except DemoCentralError as exc:
                return fail(str(exc))
            overrides = demo_overrides(central.url, central.token, demo_dir)
        try:
            settings = load_settings(config_path(args.config, os.environ), os.environ, overrides=overrides)
        except ConfigError as exc:
            return fail(str(exc), 2)
        return _run_gui(settings, windowed=args.windowed, smoke=args.smoke, demo=args.demo)
    raise AssertionError("unreachable")


def demo_overrides(central_url: str, token: str, demo_dir: Path) -> dict[str, object]:
    return {
        "kiosk_id": "DEMO-01",
        "location_name": "Demo",
        "central.url": central_url,
        "central.token": token,
        "data_dir": str(demo_dir / "data"),
        "printer.uri": f"preview://{demo_dir / 'printouts'}",
        "scanner.uri": "fake://",
        "hotline": "1900545454",  # the demo kiosk stands in Ho Chi Minh City
    }


def _run_gui(settings: Settings, *, windowed: bool, smoke: bool, demo: bool) -> int:
    import qasync  # after PySide6, so that qasync binds to it (qasync#23)

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    try:
        kiosk_app = build_kiosk(settings, qt_app)
    except (CatalogError, FileNotFoundError) as exc:
        return fail(f"{exc} — reinstall the kiosk or run `kiosk doctor`")
    except ValueError as exc:  # a printer URI the driver cannot use
        return fail(f"config key 'printer.uri': {exc}", 2)
    except (JournalError, PaymentJournalError, OutboxError) as exc:
        return fail(f"{exc} — check data_dir, or run `kiosk doctor`")

    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    finished = asyncio.Event()
    qt_app.aboutToQuit.connect(finished.set)
    _quit_on_signals(qt_app)

    async def main() -> int:
        problem = await kiosk_app.check_central()
        if problem is not None:
            if smoke:
                return fail(problem + " — check central.url and central.token, or run `kiosk doctor`")
            log.warning("starting without the central system: %s", problem)
        show_kiosk_window(kiosk_app, windowed=windowed, demo=demo)
        kiosk_app.start_devices()
        kiosk_app.start_reconciling()
        kiosk_app.start_outbox()
        try:
            if smoke:
                # Ready for input: the window is shown and the loop has handled everything queued by showing it.
                await asyncio.sleep(0)
                qt_app.processEvents()
                print(f"ready in {_process_age_ms():.0f} ms")  # noqa: T201
                return 0
            await finished.wait()
            return 0
        finally:
            # The background work ends with the loop it runs on, not after it (what is queued stays on disk).
            kiosk_app.stop_devices()
            await asyncio.sleep(0)

    try:
        with loop:
            status: int = loop.run_until_complete(main())
    finally:
        asyncio.set_event_loop(None)
    return status


def _quit_on_signals(qt_app: QApplication) -> None:
    """SIGTERM (systemd stop) and SIGINT quit cleanly. Python runs signal handlers only between bytecodes, so a
    timer wakes the interpreter while Qt's loop sleeps in C++."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: qt_app.quit())
    waker = QTimer(qt_app)
    waker.start(250)
    waker.timeout.connect(lambda: None)


__all__ = ["KioskApp", "build_kiosk", "configure_run_parser"]
