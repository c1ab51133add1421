"""The kiosk application: it builds the kiosk's parts once, from the configuration, and wires them together.

What each part does lives with the part: the journeys in :mod:`kiosk.flows`, which screen shows which state and
what its taps do in :mod:`kiosk.shell.routes`, running taps as tasks in :mod:`kiosk.shell.intents`, assisted
mode in :mod:`kiosk.shell.assisted`, printing in :mod:`kiosk.shell.printouts`, background work in
:mod:`kiosk.shell.background`, and `kiosk run` in :mod:`kiosk.shell.run`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.central.errors import CentralError, Unauthorized
from kiosk.central.heartbeat import HeartbeatSender
from kiosk.central.staff_calls import StaffCalls
from kiosk.config import Settings
from kiosk.devices.chime import Chime, QtChime
from kiosk.devices.printer_uri import printer_from_uri
from kiosk.devices.scanner import Scanner, scanner_from_uri
from kiosk.devices.speaker import Speaker
from kiosk.devices.speech import speaker_for
from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.frame import FrameFlow, FramePorts, Journeys
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.outages import OutageFlow
from kiosk.flows.payment import PaymentFlow
from kiosk.flows.service_request import RequestFlow
from kiosk.flows.session import Contrast, CustomerSession, TextSize
from kiosk.flows.staff import StaffFlow
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Fault, Feature
from kiosk.flows.states.payment import PayByQr
from kiosk.flows.track import TrackFlow
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.language.time_zone import today_in_vietnam
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.keeper import PaymentKeeper
from kiosk.printing.journal import PrintJournal
from kiosk.printing.service import PrintService
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import Outbox
from kiosk.shell.assisted import AssistedMode
from kiosk.shell.background import BackgroundWork, StatusReport
from kiosk.shell.input_watch import InputWatcher
from kiosk.shell.intents import Intents
from kiosk.shell.printouts import PrintDesk
from kiosk.shell.routes import Wiring, route, screen_for
from kiosk.shell.stopping import ExitStatus, StopRequest
from kiosk.staff.desk import DeskParts, KioskStaffDesk, central_state
from kiosk.staff.pin_gate import PinGate
from kiosk.staff.preferences import StaffPreferences
from kiosk.views.frame.main_window import KioskWindow
from kiosk.views.parts.screen import Screen
from kiosk.views.theme import load_fonts

__all__ = ["STAFF_KEY", "KioskApp", "build_kiosk", "central_client"]

C = TypeVar("C", bound=CentralClient)

log = logging.getLogger(__name__)

# Staff mode from a USB keyboard plugged in by staff (the other way is a long press on the place name).
STAFF_KEY = "Ctrl+Shift+F12"
# A supervisor waits TimeoutStopSec (20 s in deploy/) before it kills; the kiosk is gone well within 5 s.
SHUTDOWN_GRACE_SECONDS = 3.0


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
        self.settings, self.tr, self.client, self.printing, self.scanner = (
            settings,
            tr,
            client,
            printing,
            scanner,
        )
        self.outbox = outbox
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
        self.central_reachable: bool | None = None
        self.stop = StopRequest()
        self._shut_down = False

        self.navigator = nav = Navigator()
        self.intents = Intents(self.session)
        self.printouts = PrintDesk(settings, tr, printing, nav)
        self.keeper = PaymentKeeper(client, payment_journal, self.printouts)
        session, send_wait = self.session, settings.requests.send_wait_seconds
        self.bills = BillLookupFlow(
            client, nav, session, print_notice=self.printouts.print_notice, today=today_in_vietnam,
            in_flight=self.keeper.in_flight_bill_ids,
        )  # fmt: skip
        self.payments = PaymentFlow(
            self.keeper, client, self.bills, nav, session, poll_seconds=settings.payment.poll_seconds,
            preview_of=self.printouts.receipt_preview,
        )  # fmt: skip
        self.courier = Courier(client, outbox)
        self.heartbeat = HeartbeatSender(
            client, settings.kiosk_id, StatusReport(
                printing, self.keeper, outbox, lambda: self.staff_calls.open_since is not None, session,
                lambda: self.intents.last_activity_at,
            ),
            every_seconds=settings.heartbeat.every_seconds,
            # A heartbeat that gets through after failed ones means the network is back: the outbox goes at once.
            on_back=self.courier.send_now,
        )  # fmt: skip
        self.background = BackgroundWork(self.keeper, self.courier, self.heartbeat)
        self.requests = RequestFlow(
            client, self.bills, nav, session, outbox, self.courier, print_slip=self.printouts.print_slip,
            today=today_in_vietnam, send_wait=send_wait,
        )  # fmt: skip
        self.track = TrackFlow(client, self.bills, nav, outbox)
        self.outages = OutageFlow(
            client, self.bills, nav, session, outbox, self.courier, hotline=settings.hotline,
            now=lambda: datetime.now(UTC), print_schedule=self.printouts.print_schedule, send_wait=send_wait,
        )  # fmt: skip
        self.bills.hand_codes_to(Feature.REQUESTS, self.requests.customer_code_entered)
        self.bills.hand_codes_to(Feature.OUTAGES, self.outages.code_entered)
        self.window = KioskWindow(
            tr, location_name=settings.location_name, screen_for=screen_for, on_screen_created=self._bind
        )
        self.pin_gate = PinGate.in_data_dir(settings.staff.pin_hash, settings.data_dir)
        self.staff = StaffFlow(
            nav, self.pin_gate, self._staff_desk(), start_assisting=self._assist_next_customer
        )
        self.idle = IdleFlow(
            nav, session, countdown_seconds=settings.idle.countdown_seconds, on_leaving=self.payments.leave,
            on_wiped=self._wiped,
        )  # fmt: skip
        self.input_watch = InputWatcher(qt_app, settings.idle.warning_after_seconds * 1000, self._idle)
        # Staff mode has its own, shorter clock: a staff member called away must not leave it open.
        self.staff_watch = InputWatcher(qt_app, settings.staff.timeout_seconds * 1000, self.staff.timed_out)
        self.assisted = AssistedMode(
            settings, session, tr, self.speaker, self.window, qt_app, nav, self.input_watch,
            activity=self.intents.activity,
        )  # fmt: skip
        self.frame = FrameFlow(nav, session, self._journeys(), self._frame_ports())
        self._wiring = Wiring(
            self.intents, nav, self.frame, self.idle, self._more_time, self.assisted, self.bills, self.payments,
            self.requests, self.track, self.outages, self.staff, can_print=printing is not None,
        )  # fmt: skip
        self._countdown = QTimer(self.window)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.idle.tick)
        self._connect_frame()
        self.assisted.restyle()
        self.assisted.apply_language()
        self._show(nav.current)

    # ------------------------------------------------------------------ parts made for one another
    def _journeys(self) -> Journeys:
        scans = (
            (self.requests.accepts_scan, self.requests.id_scanned),
            (self.track.accepts_scan, self.track.scanned),
            (self.bills.accepts_scan, self.bills.scanned),
        )
        return Journeys(
            self.bills, self.payments, self.requests, self.requests.start, self.outages, self.track, self.staff,
            self.idle, scans,
        )  # fmt: skip

    def _frame_ports(self) -> FramePorts:
        return FramePorts(
            run=self.intents.run,
            ring=self.chime.ring,
            show_staff_call=self.window.set_staff_call,
            restyle=self.assisted.restyle,
            retranslate=self.assisted.apply_language,
            call_staff=lambda screen, language: self.staff_calls.call(screen, language),
        )

    def _staff_desk(self) -> KioskStaffDesk:
        s = self.settings
        parts = DeskParts(
            kiosk_id=s.kiosk_id, location=s.location_name, printing=self.printing, payments=self.keeper.journal,
            outbox=self.outbox, courier=self.courier, heartbeat=self.heartbeat, preferences=self.preferences,
        )  # fmt: skip
        return KioskStaffDesk(
            parts, self.tr, check_central=lambda: central_state(self.client.check_access),
            default_language=lambda: self.session.default_language, on_default_language=self._set_default_language,
            on_staff_arrived=self._staff_arrived, on_leave=lambda: self.stop(ExitStatus.CLOSED_BY_STAFF),
        )  # fmt: skip

    def _connect_frame(self) -> None:
        w, frame, act = self.window, self.frame, self.intents.act
        self.navigator.subscribe(self._show)
        w.back_requested.connect(frame.back)
        w.home_requested.connect(frame.home)
        w.language_toggled.connect(act(frame.toggle_language))
        w.text_size_requested.connect(act(frame.next_text_size))
        w.staff_requested.connect(act(frame.call_staff))
        w.staff_mode_requested.connect(self.staff.open)
        staff_key = QShortcut(QKeySequence(STAFF_KEY), w)
        staff_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        staff_key.activated.connect(self.staff.open)
        w.assisted_end_requested.connect(act(self.assisted.end))
        w.repeat_requested.connect(act(self.assisted.repeat))
        w.slower_requested.connect(act(self.assisted.slower))
        w.contrast_toggled.connect(act(frame.toggle_contrast))
        w.closed.connect(lambda: self.stop())
        # The real speech engine loads in the background: Repeat and Slower appear once it can speak.
        self.speaker.subscribe(lambda _state: self.assisted.show())

    def _bind(self, screen: Screen, state: ScreenState) -> None:
        route(state).bind(screen, self._wiring)

    # ------------------------------------------------------------------ reactions
    def _show(self, state: ScreenState) -> None:
        self.window.show_state(state)
        if isinstance(state, PayByQr):
            self.payments.resume()  # back on the QR after Call staff or staff mode
        if self.idle.warning:
            self._countdown.start()
        else:
            self._countdown.stop()
        self.assisted.speak(state)

    def _wiped(self) -> None:
        self.printouts.forget()
        self.window.wipe()
        self.window.set_staff_call(False)
        self.assisted.wiped()
        self.input_watch.restart()
        log.info("session ended and wiped")

    def _idle(self) -> None:
        if not self.staff.showing:
            self.idle.idle()

    def _more_time(self) -> None:
        self.idle.more_time()
        self.input_watch.restart()

    def _assist_next_customer(self) -> None:
        """Staff chose "Help a customer": a fresh visit (nothing of the last customer), assisted by staff."""
        self.idle.end_session()
        self.assisted.start(by_staff=True)

    def _staff_arrived(self) -> None:
        self.staff_calls.answered()
        self.window.set_staff_call(False)

    def _set_default_language(self, language: Language) -> None:
        self.session.default_language = language

    def fault(self) -> None:
        """An unexpected error (a bug) was logged: the customer is asked to fetch staff, never shown a traceback.
        Payments and requests already journalled are followed up by themselves."""
        if not isinstance(self.navigator.current, Fault):
            self.navigator.go(Fault())

    # ------------------------------------------------------------------ running
    def start_devices(self) -> None:
        """Starts listening to the scanner; needs the running event loop (qasync's in the kiosk)."""
        if self.scanner is not None:
            self.scanner.start(self.frame.scanned)

    async def settle(self) -> None:
        """Waits until every customer action started so far has finished (tests, and shutdown)."""
        await self.intents.settle()

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

    async def shutdown(self, *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Stops everything the kiosk runs and closes what it holds, so that the process exits within a
        supervisor's patience and leaves nothing half-written: the scanner stops and the screen is wiped; a QR
        still on screen is cancelled on the central (if it cannot be told in time, the journal says so and the
        next start settles it); background work and customer actions are stopped and awaited (what they had
        not finished stays journalled); the journals are closed, which checkpoints their write-ahead logs into
        the files and removes them; speech stops, the client and the window close. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.scanner is not None:
            self.scanner.stop()
        self.payments.leave()
        self.navigator.home()
        self.window.wipe()
        work = asyncio.gather(
            *self.background.stop(), self.intents.settle(), self.payments.followed(), self.staff_calls.stop(),
            return_exceptions=True,
        )  # fmt: skip
        try:
            await asyncio.wait_for(work, grace_seconds)
        except TimeoutError:
            log.warning("shutdown: work still running after %g s was stopped; it resumes at the next start",
                        grace_seconds)  # fmt: skip
            await self.intents.cancel()
        self.speaker.close()
        self.keeper.journal.close()
        self.outbox.close()
        if self.printing is not None:
            self.printing.journal.close()
        await self.client.aclose()
        self.window.allow_close = True
        self.window.close()
        log.info("kiosk stopped")


def central_client(settings: Settings, kind: type[C] = CentralClient) -> C:  # type: ignore[assignment]
    """The client for the configured central (``kind``: the demo's, with its simulation calls)."""
    central = settings.central
    return kind(
        central.url,
        central.token.get_secret_value(),
        timeout=central.timeout_seconds,
        retries=central.retries,
    )


def build_kiosk(
    settings: Settings,
    qt_app: QApplication,
    *,
    client: CentralClient | None = None,
    speaker: Speaker | None = None,
    chime: Chime | None = None,
) -> KioskApp:
    """The kiosk as `kiosk run` builds it (tests use this too, with a recording speaker and chime, and the demo's
    client). Raises CatalogError / FileNotFoundError when an asset is missing."""
    load_fonts()
    tr = Translator.load(language=settings.ui.default_language)
    client = client if client is not None else central_client(settings)
    printing = None
    p = settings.printer
    if p.uri is not None:
        printer = printer_from_uri(p.uri, width_mm=p.width_mm, profile=p.profile, text_mode=p.text_mode)
        printing = PrintService(printer, PrintJournal.in_data_dir(settings.data_dir))
    scanner = scanner_from_uri(settings.scanner.uri) if settings.scanner.uri is not None else None
    journal = PaymentJournal.in_data_dir(
        settings.data_dir, kiosk_id=settings.kiosk_id, watch=timedelta(hours=settings.payment.watch_hours)
    )
    outbox = Outbox.in_data_dir(settings.data_dir)
    return KioskApp(
        settings, tr, client, qt_app, journal, outbox, printing, scanner, speaker=speaker, chime=chime
    )
