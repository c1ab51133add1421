"""The kiosk application: wiring (the one place where views, flows and services meet) and `kiosk run`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Mapping
from contextlib import ExitStack
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.central.errors import CentralError, Unauthorized
from kiosk.central.heartbeat import HeartbeatSender, KioskStatus
from kiosk.central.models import Bill, BillPaymentQr, Customer, Outage, Service
from kiosk.central.staff_calls import StaffCalls
from kiosk.config import ConfigError, Settings, config_path, load_settings
from kiosk.demo.central import DemoCentral, DemoCentralError
from kiosk.devices.chime import Chime, QtChime
from kiosk.devices.printer import PreviewPrinter, printer_from_uri
from kiosk.devices.scanner import FakeScanner, Scanner, scanner_from_uri
from kiosk.devices.speech import Speaker, speaker_for
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.bill_notice import NoticeRefusedError, bill_notice_document
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.outage_schedule import schedule_document
from kiosk.flows.outages import OutageFlow
from kiosk.flows.payment import PaymentFlow
from kiosk.flows.service_request import RequestFlow
from kiosk.flows.session import Contrast, CustomerSession, TextSize
from kiosk.flows.staff import StaffFlow
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Fault, Feature, Loading, PrintPreview, StaffCalled
from kiosk.flows.states.outages import OutageReported
from kiosk.flows.states.payment import PayByQr, PaymentReceived
from kiosk.flows.states.requests import ConfirmOtp, RequestSubmitted, ScanIdCard, SlipProgress, TrackRequest
from kiosk.flows.track import TrackFlow
from kiosk.guidance.screens import guidance
from kiosk.language.catalogs import CatalogError, Translator
from kiosk.language.codes import Language
from kiosk.language.time_zone import VIETNAM, today_in_vietnam
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
from kiosk.shell.display_session import EXIT_STATUS_FILE_VARIABLE, write_exit_record
from kiosk.shell.event_loop import KioskEventLoop, qt_caught_up
from kiosk.shell.faults import install_fault_handlers
from kiosk.shell.input_watch import InputWatcher
from kiosk.shell.lockdown import install_lockdown
from kiosk.staff.desk import DeskParts, KioskStaffDesk, central_state
from kiosk.staff.pin_gate import PinGate
from kiosk.staff.preferences import StaffPreferences
from kiosk.views.bills.account import AccountScreen
from kiosk.views.bills.bill_detail import BillDetailScreen
from kiosk.views.bills.bill_notice_printed import BillNoticePrintedScreen
from kiosk.views.bills.choose_bills import ChooseBillsScreen
from kiosk.views.bills.enter_code import EnterCodeScreen
from kiosk.views.bills.lookup_failed import LookupFailedScreen
from kiosk.views.bills.paid_history import PaidHistoryScreen
from kiosk.views.frame.loading import UNSTOPPABLE, LoadingScreen
from kiosk.views.frame.main_window import KioskWindow
from kiosk.views.frame.something_went_wrong import SomethingWentWrongScreen
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
from kiosk.views.theme import Look, load_fonts, stylesheet

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
# A supervisor waits TimeoutStopSec (20 s in deploy/) before it kills; the kiosk is gone well within 5 s.
SHUTDOWN_GRACE_SECONDS = 3.0
_DEMO_PIN_SALT = "0d18c269270e2245e75abaa65158e3d8"
_DEMO_PIN_DIGEST = "0912b47200812e200daf21384e2ecb40381c71945663ef5328e3d4f23435443f"
DEMO_STAFF_PIN_HASH = f"pbkdf2_sha256$100000${_DEMO_PIN_SALT}${_DEMO_PIN_DIGEST}"
# Staff mode from a USB keyboard plugged in by staff (the other way is a long press on the place name).
STAFF_KEY = "Ctrl+Shift+F12"
# Fields of a state that change while the customer stays on the same step (a countdown, digits typed): speaking
# the guidance again for each would drown the customer in repeats.
_UNSPOKEN_CHANGES = frozenset({"seconds_left", "digits", "prefix", "typed", "entered"})


class ExitStatus(IntEnum):
    """How `kiosk run` ends, for the supervisor (deploy/*.service) and the operator."""

    STOPPED = 0  # asked to stop: SIGTERM or SIGINT, the demo's Ctrl+Q, the window closed in --windowed
    FAILED = 1  # could not start, or a crash (a traceback in the log)
    CONFIG = 2  # the configuration is invalid; the message names the key
    CLOSED_BY_STAFF = 10  # "Close the kiosk program" in staff mode: the supervisor leaves it stopped


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
        *,
        speaker: Speaker | None = None,
        chime: Chime | None = None,
    ) -> None:
        self.settings = settings
        self.tr = tr
        self.client = client
        self.printing = printing
        self.scanner = scanner
        self._qt_app = qt_app
        self._tasks: set[asyncio.Task[None]] = set()
        self._stop_requested = asyncio.Event()
        self._stop_status: ExitStatus | None = None
        self._shut_down = False
        self.central_reachable: bool | None = None
        self.last_activity_at: datetime | None = None
        self.preferences = StaffPreferences.in_data_dir(settings.data_dir)
        self.session = CustomerSession(
            default_language=self.preferences.default_language or settings.ui.default_language,
            default_text_size=TextSize(settings.ui.text_size),
            default_contrast=Contrast(settings.ui.contrast),
        )
        # The chime first: Qt Multimedia starting up while the speech engine loads in its thread can deadlock
        # (the engine's constructor holds the GIL), which froze a test run.
        self.chime = chime if chime is not None else QtChime()
        self.speaker = speaker if speaker is not None else speaker_for(settings.speech.engine)
        self.staff_calls = StaffCalls(client, settings.kiosk_id)

        self._heartbeat_task: asyncio.Task[None] | None = None
        self._spoken: tuple[type, dict[str, object]] | None = None
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
        # A heartbeat that gets through after failed ones means the network is back: the outbox goes at once.
        self.heartbeat = HeartbeatSender(
            client,
            settings.kiosk_id,
            self._kiosk_status,
            every_seconds=settings.heartbeat.every_seconds,
            on_back=self.courier.send_now,
        )
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
        self.pin_gate = PinGate.in_data_dir(settings.staff.pin_hash, settings.data_dir)
        desk = KioskStaffDesk(
            DeskParts(
                kiosk_id=settings.kiosk_id,
                location=settings.location_name,
                printing=printing,
                payments=payment_journal,
                outbox=outbox,
                courier=self.courier,
                heartbeat=self.heartbeat,
                preferences=self.preferences,
            ),
            tr,
            check_central=lambda: central_state(client.check_access),
            default_language=lambda: self.session.default_language,
            on_default_language=self._set_default_language,
            on_staff_arrived=self._staff_arrived,
            on_leave=self._leave_kiosk,
        )
        self.staff = StaffFlow(
            self.navigator, self.pin_gate, desk, start_assisting=self._assist_next_customer
        )
        self.idle = IdleFlow(
            self.navigator,
            self.session,
            countdown_seconds=settings.idle.countdown_seconds,
            on_leaving=self.payments.leave,
            on_wiped=self._wiped,
        )
        self.input_watch = InputWatcher(qt_app, settings.idle.warning_after_seconds * 1000, self._idle)
        # Staff mode has its own, shorter clock: a staff member called away must not leave it open.
        self.staff_watch = InputWatcher(qt_app, settings.staff.timeout_seconds * 1000, self.staff.timed_out)
        self._countdown = QTimer(self.window)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.idle.tick)
        self._connect()
        self._styled_look: Look | None = None
        self.restyle()
        self._apply_language()

    def _connect(self) -> None:
        w = self.window
        self.navigator.subscribe(self._show)
        w.back_requested.connect(self._back)
        w.home_requested.connect(self._home)
        w.language_toggled.connect(self._intent(self._toggle_language))
        w.text_size_requested.connect(self._intent(self._next_text_size))
        w.staff_requested.connect(self._intent(self._call_staff))
        w.staff_mode_requested.connect(self.staff.open)
        staff_key = QShortcut(QKeySequence(STAFF_KEY), w)
        staff_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        staff_key.activated.connect(self.staff.open)
        w.assisted_requested.connect(self._intent(lambda: self.start_assisted(by_staff=False)))
        w.assisted_end_requested.connect(self._intent(self.end_assisted))
        w.repeat_requested.connect(self._intent(self._repeat))
        w.slower_requested.connect(self._intent(self._slower))
        w.contrast_toggled.connect(self._intent(self._toggle_contrast))
        w.staff_continue_requested.connect(self._intent(self.navigator.back))
        w.feature_chosen.connect(lambda feature: self._intent(lambda: self._open(feature))())
        w.more_time_requested.connect(self._more_time)
        w.end_session_requested.connect(self.idle.end_session)
        w.screen_created.connect(self._wire)
        w.closed.connect(lambda: self.request_stop())
        # The real speech engine loads in the background: Repeat and Slower appear once it can speak.
        self.speaker.subscribe(lambda _state: self._show_assisted())

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
            self._wire_staff(screen)

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

    def _wire_staff(self, screen: Screen) -> None:
        staff, run = self.staff, self._staff_intent
        if isinstance(screen, SomethingWentWrongScreen):
            screen.start_over_requested.connect(self.idle.end_session)
        elif isinstance(screen, StaffPinScreen):
            screen.key_pressed.connect(staff.pin_key)
            screen.submit_requested.connect(lambda: run(staff.submit_pin))
        elif isinstance(screen, StaffHomeScreen):
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
        elif isinstance(screen, StaffPrintoutsScreen):
            screen.reprint_requested.connect(lambda job_id: run(lambda: staff.reprint(job_id)))
        elif isinstance(screen, StaffPendingScreen):
            screen.send_now_requested.connect(lambda: run(staff.send_now))
        elif isinstance(screen, StaffDayReportScreen):
            screen.print_requested.connect(lambda: run(staff.print_report))
        elif isinstance(screen, StaffLeaveScreen):
            screen.leave_requested.connect(staff.leave_kiosk)
            screen.stay_requested.connect(staff.back)

    def start_devices(self) -> None:
        """Starts listening to the scanner; needs the running event loop (qasync's in the kiosk)."""
        if self.scanner is not None:
            self.scanner.start(self._scanned)

    def request_stop(self, status: ExitStatus = ExitStatus.STOPPED) -> None:
        """Asks the running kiosk to stop cleanly (a signal, the demo's Ctrl+Q, staff closing it): `kiosk run`
        then shuts it down (:meth:`shutdown`) and exits with ``status``. The first request decides the status."""
        if self._stop_status is None:
            self._stop_status = status
        self._stop_requested.set()

    async def stop_requested(self) -> ExitStatus:
        """Until something asked the kiosk to stop; then how it should exit."""
        await self._stop_requested.wait()
        return self._stop_status if self._stop_status is not None else ExitStatus.STOPPED

    async def shutdown(self, *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stops everything the kiosk runs and closes what it holds, so that the process can exit within a
        supervisor's patience and leave nothing half-written:

        - the scanner stops and the customer's screen is wiped; a QR still on screen is cancelled on the
          central (nobody will scan it now); if the central cannot be told within the grace time, the payment
          journal still says so and the next start settles it;
        - background work (payment reconciling, the outbox courier, the heartbeat, staff calls) and customer
          actions still running are stopped and awaited: what they had not finished stays journalled;
        - the journals are closed, which checkpoints their write-ahead logs into the files and removes them;
        - speech stops, the connection to the central is closed, and the window closes.

        Safe to call more than once."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.scanner is not None:
            self.scanner.stop()
        self.payments.leave()
        self.navigator.home()
        self.window.wipe()
        background = [
            t for t in (self._reconciler, self._courier_task, self._heartbeat_task) if t is not None
        ]
        self._reconciler = self._courier_task = self._heartbeat_task = None
        for task in background:
            task.cancel()
        work = asyncio.gather(
            *background,
            self.settle(),
            self.payments.followed(),
            self.staff_calls.stop(),
            return_exceptions=True,
        )
        try:
            await asyncio.wait_for(work, grace_seconds)
        except TimeoutError:
            log.warning(
                "shutdown: work still running after %g s was stopped; it resumes at the next start",
                grace_seconds,
            )
            await self._cancel_tasks(self._tasks)
        self.speaker.close()
        self.keeper.journal.close()
        self.outbox.close()
        if self.printing is not None:
            self.printing.journal.close()
        await self.client.aclose()
        self.window.allow_close = True
        self.window.close()
        log.info("kiosk stopped")

    @staticmethod
    async def _cancel_tasks(tasks: set[asyncio.Task[None]]) -> None:
        pending = list(tasks)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def start_heartbeat(self) -> None:
        """The kiosk reports its status to the central every ``heartbeat.every_seconds``. Needs the running loop."""
        if self._heartbeat_task is None:
            self._heartbeat_task = asyncio.ensure_future(self.heartbeat.run())

    async def _kiosk_status(self) -> KioskStatus:
        printer = str(await self.printing.status()) if self.printing is not None else "none"
        following = await asyncio.to_thread(self.keeper.journal.to_follow, datetime.now(UTC))
        depth = await asyncio.to_thread(self.outbox.depth)
        return KioskStatus(
            printer_status=printer,
            pending_payments=len(following),
            outbox_depth=depth,
            last_activity_at=self.last_activity_at,
            staff_call_open=self.staff_calls.open_since is not None,
            # The fleet page's "staff assisting": a customer's own assisted mode is not the office's concern.
            assisted_mode=self.session.assisted and self.session.assisted_by_staff,
        )

    def fault(self) -> None:
        """An unexpected error (a bug) was logged: the customer is asked to fetch staff, never shown a traceback.
        Payments and requests already journalled are followed up by themselves."""
        if not isinstance(self.navigator.current, Fault):
            self.navigator.go(Fault())

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
        self._active()
        task = asyncio.ensure_future(start())
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # A bug, not an expected failure (those are screens): the loop's handler logs it and, in a running
            # kiosk, shows the "please ask staff" screen (kiosk.shell.faults).
            task.get_loop().call_exception_handler(
                {"message": "a customer action failed", "exception": error, "task": task}
            )

    async def settle(self) -> None:
        """Waits until every customer action started so far has finished (tests, and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _intent(self, action: Callable[[], None]) -> Callable[[], None]:
        """A customer action: it starts a session (so that idle warnings and wipes apply) and then acts."""

        def run() -> None:
            self._active()
            action()

        return run

    def _active(self) -> None:
        now = datetime.now(UTC)
        self.session.begin(now)
        self.last_activity_at = now

    def _staff_intent(self, start: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """A staff action: on the event loop like a customer's, but it starts no customer session."""
        task = asyncio.ensure_future(start())
        self._tasks.add(task)
        task.add_done_callback(self._finished)

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
        if self.staff.showing:
            self.staff.close()
            return
        self.payments.leave()
        self.navigator.home()

    def _back(self) -> None:
        if self.staff.back():
            return
        self._active()
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

    def _next_text_size(self) -> None:
        self.session.text_size = self.session.text_size.next()
        self.restyle()

    def _toggle_contrast(self) -> None:
        high = self.session.contrast is Contrast.HIGH
        self.session.contrast = Contrast.STANDARD if high else Contrast.HIGH
        self.restyle()

    def _call_staff(self) -> None:
        """Help is called three ways: a chime here, a banner on the kiosk, and the central's staff call."""
        self.chime.ring()
        self.staff_calls.call(_screen_name(self.navigator.current), self.session.language)
        self.window.set_staff_call(True)
        self.navigator.go(StaffCalled())

    def _staff_arrived(self) -> None:
        self.staff_calls.answered()
        self.window.set_staff_call(False)

    def _set_default_language(self, language: Language) -> None:
        self.session.default_language = language

    def _leave_kiosk(self) -> None:
        """Staff closed the kiosk program from staff mode (the only way out)."""
        log.info("kiosk closed by staff")
        self.request_stop(ExitStatus.CLOSED_BY_STAFF)

    # ------------------------------------------------------------------ assisted mode
    def start_assisted(self, *, by_staff: bool) -> None:
        self._active()
        self.session.start_assisted(by_staff=by_staff)
        self.input_watch.set_interval(self.settings.idle.assisted_warning_after_seconds * 1000)
        self.restyle()
        self._show_assisted()
        self._spoken = None
        self._speak(self.navigator.current)

    def _assist_next_customer(self) -> None:
        """Staff chose "Help a customer": a fresh visit (nothing of the last customer), assisted by staff."""
        self.idle.end_session()
        self.start_assisted(by_staff=True)

    def end_assisted(self) -> None:
        self.session.assisted = False
        self.input_watch.set_interval(self.settings.idle.warning_after_seconds * 1000)
        self.speaker.stop()
        self._show_assisted()

    def _show_assisted(self) -> None:
        speech = self.speaker.can_speak(self.session.language)
        self.window.set_assisted(self.session.assisted, speech=speech)

    def _repeat(self) -> None:
        self._spoken = None
        self._speak(self.navigator.current)

    def _slower(self) -> None:
        self.session.slower()
        self._repeat()

    def _speak(self, state: ScreenState) -> None:
        """Assisted mode says what the screen is and what to do, once per step (see _UNSPOKEN_CHANGES)."""
        if not self.session.assisted or not self.speaker.can_speak(self.session.language):
            return
        step = _step(state)
        if step == self._spoken:
            return
        self._spoken = step
        self.speaker.say(
            guidance(state, self.tr), language=self.session.language, rate=self.session.speech_rate
        )

    def _idle(self) -> None:
        if not self.staff.showing:
            self.idle.idle()

    def _more_time(self) -> None:
        self.idle.more_time()
        self.input_watch.restart()

    # ------------------------------------------------------------------ reactions
    def _show(self, state: ScreenState) -> None:
        self.window.show_state(state)
        if isinstance(state, PayByQr):
            self.payments.resume()  # back on the QR after Call staff or staff mode
        if self.idle.warning:
            self._countdown.start()
        else:
            self._countdown.stop()
        self._speak(state)

    def _wiped(self) -> None:
        self._receipt_previews.clear()
        self.speaker.stop()
        self._spoken = None
        self.window.wipe()
        self.window.set_staff_call(False)
        self.input_watch.set_interval(self.settings.idle.warning_after_seconds * 1000)
        self.restyle()
        self._show_assisted()
        self._apply_language()
        self.input_watch.restart()
        log.info("session ended and wiped")

    def _apply_language(self) -> None:
        if self.tr.language != self.session.language:
            self.tr.set_language(self.session.language)
            self._spoken = None
        self.window.retranslate()
        self._show_assisted()
        self._speak(self.navigator.current)

    @property
    def look(self) -> Look:
        return Look(self.session.text_size, self.session.contrast)

    def restyle(self) -> None:
        """Applies the session's text size and contrast."""
        # A whole-application style sheet re-polishes every widget: set it only when the look changes.
        look = self.look
        if look == self._styled_look:
            return
        self._styled_look = look
        self._qt_app.setStyleSheet(stylesheet(look))
        self.window.set_look(look)

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


def _screen_name(state: ScreenState) -> str:
    """A state's screen as the central's staff call names it: ``PayByQr`` → ``pay_by_qr`` (no data)."""
    name = type(state).__name__
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _step(state: ScreenState) -> tuple[type, dict[str, object]]:
    """What makes a state a new step for the customer: its type and the fields that are not mere progress. A
    payment's journal row counts by its id and state: each status check rewrites it (``updated_at``)."""
    values: dict[str, object] = {}
    for f in fields(state):
        if f.name in _UNSPOKEN_CHANGES:
            continue
        value = getattr(state, f.name)
        if isinstance(value, JournalPayment):
            value = (value.id, value.state, value.receipt)
        values[f.name] = value
    return type(state), values


def build_kiosk(
    settings: Settings, qt_app: QApplication, *, speaker: Speaker | None = None, chime: Chime | None = None
) -> KioskApp:
    """The kiosk as `kiosk run` builds it (tests use this too, with a recording speaker and chime). Raises
    CatalogError / FileNotFoundError when an asset is missing."""
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
    return KioskApp(
        settings, tr, client, qt_app, journal, outbox, printing, scanner, speaker=speaker, chime=chime
    )


def show_kiosk_window(kiosk_app: KioskApp, *, windowed: bool, demo: bool = False) -> None:
    window = kiosk_app.window
    if demo:
        # Someone trying the kiosk on their own computer must be able to leave it.
        window.allow_close = True
        quit_shortcut = QShortcut(QKeySequence("Ctrl+Q"), window)
        quit_shortcut.activated.connect(lambda: kiosk_app.request_stop())
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
        print(f"kiosk: press {STAFF_KEY} for staff mode (demo PIN 1234)", file=sys.stderr)  # noqa: T201
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


class _JournalFormatter(logging.Formatter):
    """Under systemd (``JOURNAL_STREAM`` set), each line starts with its syslog priority (``<3>`` for an error),
    so that ``journalctl -p warning`` finds the kiosk's warnings; elsewhere, plain lines."""

    _PRIORITIES = ((logging.CRITICAL, 2), (logging.ERROR, 3), (logging.WARNING, 4), (logging.INFO, 6))

    def __init__(self, *, journal: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._journal = journal

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if not self._journal:
            return line
        priority = next((p for level, p in self._PRIORITIES if record.levelno >= level), 7)
        return "\n".join(f"<{priority}>{part}" for part in line.splitlines())


def configure_logging(env: Mapping[str, str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_JournalFormatter(journal="JOURNAL_STREAM" in env))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # Libraries that would log customer data: httpx logs each request's URL at INFO (a customer code is in the
    # path), and at DEBUG qasync logs the arguments of every call it runs in a thread (outbox payloads).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("qasync").setLevel(logging.INFO)


def run_command(args: argparse.Namespace) -> int:
    configure_logging(os.environ)
    # Under `kiosk display-session` (a compositor such as cage between systemd and the kiosk, which does not
    # pass the kiosk's exit status on), the kiosk tells its pid and then its exit status through this file.
    status_file = os.environ.get(EXIT_STATUS_FILE_VARIABLE)
    if status_file:
        write_exit_record(Path(status_file), f"running {os.getpid()}")
    status: int = ExitStatus.FAILED  # what an exception escaping from here (a crash) leaves in the file
    try:
        status = _run_command(args)
    finally:
        if status_file:
            write_exit_record(Path(status_file), f"exited {int(status)}")
    return status


def _run_command(args: argparse.Namespace) -> int:
    with ExitStack() as cleanup:
        overrides: dict[str, object] = {}
        if args.demo:
            demo_dir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-demo-")))
            try:
                central = cleanup.enter_context(DemoCentral(demo_dir / "central.sqlite3"))
            except DemoCentralError as exc:
                return fail(str(exc))
            # The demo's staff PIN is 1234 (a hash at the lowest work factor: start-up stays quick).
            overrides = demo_overrides(central.url, central.token, demo_dir) | {
                "staff.pin_hash": DEMO_STAFF_PIN_HASH
            }
        try:
            settings = load_settings(config_path(args.config, os.environ), os.environ, overrides=overrides)
        except ConfigError as exc:
            return fail(str(exc), ExitStatus.CONFIG)
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

    loop = KioskEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    # From here on an unexpected error is logged and shows "please ask staff", never a traceback.
    faults = install_fault_handlers(kiosk_app.fault, loop=loop)
    restore_signals = _stop_on_signals(kiosk_app, qt_app)
    try:
        with loop:
            status: int = loop.run_until_complete(
                serve(kiosk_app, qt_app, windowed=windowed, smoke=smoke, demo=demo)
            )
            loop.run_until_complete(_end_leftover_tasks())
    finally:
        restore_signals()
        faults.uninstall()
        asyncio.set_event_loop(None)
    return status


async def serve(kiosk_app: KioskApp, qt_app: QApplication, *, windowed: bool, smoke: bool, demo: bool) -> int:
    """Runs a built kiosk on the running event loop until it is asked to stop, then shuts it down; returns the
    exit status (:class:`ExitStatus`)."""
    # Only the kiosk decides when it stops (a signal, Ctrl+Q in the demo, staff): never Qt on its own when the
    # window closes, which would stop the event loop under the shutdown still running on it.
    qt_app.setQuitOnLastWindowClosed(False)
    problem = await kiosk_app.check_central()
    if problem is not None:
        if smoke:
            await kiosk_app.shutdown()
            return fail(problem + " — check central.url and central.token, or run `kiosk doctor`")
        log.warning("starting without the central system: %s", problem)
    show_kiosk_window(kiosk_app, windowed=windowed, demo=demo)
    lockdown = install_lockdown(
        qt_app,
        kiosk_app.window,
        staff_active=lambda: kiosk_app.staff.unlocked,
        allow_quit=demo or windowed,  # someone trying the kiosk on their own computer must be able to leave
    )
    kiosk_app.staff.on_close(lockdown.restore)
    kiosk_app.start_devices()
    kiosk_app.start_reconciling()
    kiosk_app.start_outbox()
    kiosk_app.start_heartbeat()
    log.info("ready: the kiosk is serving customers")
    try:
        if smoke:
            # Ready for input: the window is shown and the loop has handled everything queued by showing it.
            await qt_caught_up()
            print(f"ready in {_process_age_ms():.0f} ms")  # noqa: T201
            return ExitStatus.STOPPED
        status = await kiosk_app.stop_requested()
        log.info(
            "stopping: %s", "closed by staff" if status is ExitStatus.CLOSED_BY_STAFF else "asked to stop"
        )
        return status
    finally:
        lockdown.uninstall()  # the window may close now
        await kiosk_app.shutdown()


async def _end_leftover_tasks() -> None:
    """Whatever still runs on the loop once the kiosk is shut down (a library's own task) is cancelled and
    awaited here: a loop closed over pending tasks loses them with a "Task was destroyed" complaint."""
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


def _stop_on_signals(kiosk_app: KioskApp, qt_app: QApplication) -> Callable[[], None]:
    """SIGTERM (systemd's stop) and SIGINT (Ctrl+C in a terminal) stop the kiosk cleanly, in any mode: the
    lockdown refuses to close the window, so a signal must not go through Qt's quit. Returns what puts the
    previous handlers back.

    The signal is handled as an event of Qt's loop, never inside the signal handler: Python writes each signal's
    number to a socket (``signal.set_wakeup_fd``) whose arrival wakes the loop at once. A handler that did the
    work itself ran wherever the main thread happened to be, in the middle of writing a log line for instance,
    where its own log line failed ("reentrant call") and took the stop request down with it."""
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    # Python's own handler must exist (the default one would kill the process at once); it has nothing to do.
    previous = {signum: signal.signal(signum, lambda *_: None) for signum in (signal.SIGTERM, signal.SIGINT)}
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, qt_app)

    def arrived() -> None:
        try:
            numbers = receiver.recv(64)
        except BlockingIOError:
            return
        for number in numbers:
            log.info("%s received", signal.Signals(number).name)
            kiosk_app.request_stop()

    notifier.activated.connect(arrived)

    def restore() -> None:
        notifier.setEnabled(False)
        notifier.deleteLater()
        signal.set_wakeup_fd(previous_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        receiver.close()
        sender.close()

    return restore


__all__ = ["KioskApp", "build_kiosk", "configure_run_parser"]
