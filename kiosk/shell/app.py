"""The kiosk application: it builds the kiosk's parts once, from the configuration, and wires them together.

What each part does lives with the part: the journeys in :mod:`kiosk.flows`, which screen shows which state and
what its taps do in :mod:`kiosk.shell.routes`, running taps as tasks in :mod:`kiosk.shell.intents`, assisted
mode in :mod:`kiosk.shell.assisted`, printing in :mod:`kiosk.shell.printouts`, background work in
:mod:`kiosk.shell.background`, and `kiosk run` in :mod:`kiosk.shell.run`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.central.heartbeat import HeartbeatSender
from kiosk.central.staff_calls import StaffCalls
from kiosk.config import Settings
from kiosk.customer.code import UnitChoice
from kiosk.devices.chime import Chime, QtChime
from kiosk.devices.scanner import Scanner
from kiosk.devices.silent_speakers import SilentSpeaker
from kiosk.devices.speaker import Listeners, Speaker, SpeechState
from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.frame import FrameFlow, FramePorts
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.outages import OutageFlow
from kiosk.flows.payment import PaymentFlow
from kiosk.flows.service_request import RequestFlow
from kiosk.flows.session import Contrast, CustomerSession, TextSize
from kiosk.flows.staff import StaffFlow
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Feature
from kiosk.flows.states.payment import PayByQr
from kiosk.flows.track import TrackFlow
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.language.time_zone import today_in_vietnam
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.keeper import PaymentKeeper
from kiosk.printing.service import PrintService
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import Outbox
from kiosk.shell.assisted import AssistedMode
from kiosk.shell.background import BackgroundWork, StatusReport
from kiosk.shell.input_watch import IdleClocks
from kiosk.shell.intents import Intents
from kiosk.shell.printouts import PrintDesk
from kiosk.shell.routes import bind_frame, route, screen_for
from kiosk.shell.stopping import ExitStatus, StopRequest
from kiosk.staff.desk import DeskParts, KioskStaffDesk, central_state
from kiosk.staff.pin_gate import PinGate
from kiosk.staff.preferences import StaffPreferences
from kiosk.views.frame.main_window import KioskWindow
from kiosk.views.parts.screen import Screen

__all__ = ["KioskApp", "SpeakerToCome"]


log = logging.getLogger(__name__)


class _ChimeAtFirstRing:
    """The Qt chime, made when a customer first calls staff: Qt Multimedia and its FFmpeg backend (~19 MiB,
    ~25 ms) are then loaded only by a kiosk whose customers call staff. The first call still sounds: a sound
    asked for while it loads plays once it has loaded."""

    def __init__(self) -> None:
        self.chime: QtChime | None = None

    def ring(self) -> None:
        if self.chime is None:
            self.chime = QtChime()
        self.chime.ring()


class SpeakerToCome:
    """The speaker that assisted mode talks to before the speech engine is made (after the window's first
    paint): silent until :meth:`arrived`, then the engine itself, its state changes passed on to whoever
    subscribed here."""

    def __init__(self) -> None:
        self._speaker: Speaker = SilentSpeaker()
        self._listeners = Listeners()
        self._closed = False

    def arrived(self, speaker: Speaker) -> None:
        if self._closed:  # the kiosk stopped before its engine came
            speaker.close()
            return
        self._speaker = speaker
        speaker.subscribe(self._listeners.notify)
        self._listeners.notify(speaker.state)

    def say(self, text: str, *, language: Language, rate: float = 0.0) -> None:
        self._speaker.say(text, language=language, rate=rate)

    def stop(self) -> None:
        self._speaker.stop()

    def can_speak(self, language: Language) -> bool:
        return self._speaker.can_speak(language)

    @property
    def state(self) -> SpeechState:
        return self._speaker.state

    def subscribe(self, on_state: Callable[[SpeechState], None]) -> None:
        self._listeners.add(on_state)

    def close(self) -> None:
        self._closed = True
        self._speaker.close()


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
        self.settings, self.tr, self.client = settings, tr, client
        self.printing, self.scanner, self.outbox = printing, scanner, outbox
        self.preferences = StaffPreferences.in_data_dir(settings.data_dir)
        self.session = CustomerSession(
            default_language=self.preferences.default_language or settings.ui.default_language,
            default_text_size=TextSize(settings.ui.text_size),
            default_contrast=Contrast(settings.ui.contrast),
        )
        # The real chime and speech engine are made by start_devices(), once the window is on screen: Qt
        # Multimedia and the engine's thread cost a start tens of megabytes and a noticeable wait. Until then
        # the kiosk does not speak, and its chime loads only if rung (no customer has reached it yet). The parts
        # given here (tests' fakes) are used as they are.
        self._chime_given, self._speaker_given = chime is not None, speaker is not None
        self.chime: Chime = chime if chime is not None else _ChimeAtFirstRing()
        self._voice: Speaker = speaker if speaker is not None else SpeakerToCome()
        self.speaker: Speaker = self._voice
        self.staff_calls = StaffCalls(client, settings.kiosk_id)
        self.central_reachable: bool | None = None
        self.stop = StopRequest()
        self.shut_down = False

        self.navigator = nav = Navigator()
        self.intents = Intents(self.session)
        self.printouts = PrintDesk(settings, tr, printing, nav)
        # The central's promises are measured by the central's time (the kiosk's clock jumps): how long a
        # closed payment is watched, when the central said a request may be sent again.
        central_time = client.central_time
        self.keeper = PaymentKeeper(
            client, payment_journal, self.printouts, central_now=central_time.known, changes=client
        )
        session, send_wait = self.session, settings.requests.send_wait_seconds
        self.bills = BillLookupFlow(
            client,
            nav,
            session,
            print_notice=self.printouts.print_notice,
            today=today_in_vietnam,
            in_flight=self.keeper.in_flight_bill_ids,
            units=[UnitChoice(unit.code, unit.name) for unit in settings.units],
        )
        self.payments = PaymentFlow(
            self.keeper,
            client,
            self.bills,
            nav,
            session,
            poll_seconds=settings.payment.poll_seconds,
            news=client,
            long_poll_seconds=settings.payment.long_poll_seconds,
            preview_of=self.printouts.receipt_preview,
        )
        self.courier = Courier(client, outbox, central_now=central_time.now)
        self.heartbeat = HeartbeatSender(
            client,
            settings.kiosk_id,
            StatusReport(
                printing,
                self.keeper,
                outbox,
                lambda: self.staff_calls.open_since is not None,
                session,
                lambda: self.intents.last_activity_at,
            ),
            every_seconds=settings.heartbeat.every_seconds,
            # A heartbeat that gets through after failed ones means the network is back: the outbox goes at once.
            on_back=self.courier.send_now,
        )
        self.background = BackgroundWork(self.keeper, self.courier, self.heartbeat)
        self.requests = RequestFlow(
            client,
            self.bills,
            nav,
            session,
            outbox,
            self.courier,
            print_slip=self.printouts.print_slip,
            today=today_in_vietnam,
            send_wait=send_wait,
            now=central_time.now,
        )
        self.track = TrackFlow(client, self.bills, nav, outbox)
        self.outages = OutageFlow(
            client,
            self.bills,
            nav,
            session,
            outbox,
            self.courier,
            hotline=settings.hotline,
            now=central_time.now,
            print_schedule=self.printouts.print_schedule,
            send_wait=send_wait,
        )
        self.bills.hand_codes_to(Feature.REQUESTS, self.requests.customer_code_entered)
        self.bills.hand_codes_to(Feature.OUTAGES, self.outages.code_entered)
        self.window = KioskWindow(
            tr, location_name=settings.location_name, screen_for=screen_for, on_screen_created=self._bind
        )
        self.pin_gate = PinGate.in_data_dir(settings.staff.pin_hash, settings.data_dir)
        self.can_print = printing is not None
        self.has_scanner = scanner is not None
        self.staff = StaffFlow(
            nav, self.pin_gate, self._staff_desk(), start_assisting=self._assist_next_customer
        )
        self.idle = IdleFlow(
            nav,
            session,
            countdown_seconds=settings.idle.countdown_seconds,
            on_leaving=self.payments.leave,
            on_wiped=self._wiped,
            on_home=self._forget_screens,
        )
        self.clocks = IdleClocks(
            qt_app,
            customer_idle_ms=settings.idle.warning_after_seconds * 1000,
            staff_idle_ms=settings.staff.timeout_seconds * 1000,
            on_customer_idle=self._customer_idle,
            on_staff_idle=self.staff.timed_out,
            on_tick=self._idle_tick,
            on_customer_input=self.idle.activity,
        )
        self.assisted = AssistedMode(
            settings,
            session,
            tr,
            self._voice,
            self.window,
            qt_app,
            nav,
            self.clocks.customer,
            activity=self.intents.activity,
        )
        self.frame = FrameFlow(nav, session, self, self._frame_ports())
        self.navigator.subscribe(self._show)
        bind_frame(self.window, self, on_closed=lambda: self.stop())
        # The real speech engine loads in the background: Repeat and Slower appear once it can speak.
        self._voice.subscribe(lambda _state: self.assisted.show())
        self.assisted.restyle()
        self.assisted.apply_language()
        self._show(nav.current)

    # ------------------------------------------------------------------ parts made for one another
    def _frame_ports(self) -> FramePorts:
        return FramePorts(
            run=self.intents.run,
            ring=lambda: self.chime.ring(),  # the real chime comes with start_devices()
            show_staff_call=self.window.set_staff_call,
            restyle=self.assisted.restyle,
            retranslate=self.assisted.apply_language,
            call_staff=lambda screen, language: self.staff_calls.call(screen, language),
        )

    def _staff_desk(self) -> KioskStaffDesk:
        s = self.settings
        parts = DeskParts(
            kiosk_id=s.kiosk_id,
            location=s.location_name,
            printing=self.printing,
            payments=self.keeper.journal,
            outbox=self.outbox,
            courier=self.courier,
            heartbeat=self.heartbeat,
            preferences=self.preferences,
        )
        return KioskStaffDesk(
            parts,
            self.tr,
            check_central=lambda: central_state(self.client.check_access),
            default_language=lambda: self.session.default_language,
            on_default_language=self._set_default_language,
            on_staff_arrived=self._staff_arrived,
            on_leave=lambda: self.stop(ExitStatus.CLOSED_BY_STAFF),
        )

    def _bind(self, screen: Screen, state: ScreenState) -> None:
        route(state).bind(screen, self)

    # ------------------------------------------------------------------ reactions
    def _show(self, state: ScreenState) -> None:
        self.window.show_state(state)
        if isinstance(state, PayByQr):
            self.payments.resume()  # back on the QR after Call staff or staff mode
        self.clocks.count_down(self.idle.ticking)
        self.assisted.speak(state)

    def _customer_idle(self) -> None:
        if self.staff.showing:
            return
        self.idle.idle()
        self.clocks.count_down(self.idle.ticking)  # a longer wait is checked once a second

    def _idle_tick(self) -> None:
        # A longer wait running out must not put the customer's warning over staff's screens.
        if self.idle.warning or not self.staff.showing:
            self.idle.tick()

    def _forget_screens(self) -> None:
        self.printouts.forget()
        self.window.wipe()

    def _wiped(self) -> None:
        self._forget_screens()
        self.window.set_staff_call(False)
        self.assisted.wiped()
        self.clocks.customer.restart()
        log.info("session ended and wiped")

    def more_time(self) -> None:
        self.idle.more_time()
        self.clocks.customer.restart()

    def _assist_next_customer(self) -> None:
        """Staff chose "Help a customer": a fresh visit (nothing of the last customer), assisted by staff."""
        self.idle.end_session()
        self.assisted.start(by_staff=True)

    def _staff_arrived(self) -> None:
        self.staff_calls.answered()
        self.idle.end_session()
        self.window.set_staff_call(False)

    def _set_default_language(self, language: Language) -> None:
        self.session.default_language = language

    # ------------------------------------------------------------------ running
    def start_devices(self) -> None:
        """Starts listening to the scanner, and makes the chime and the speech engine unless they were given;
        needs the running event loop (qasync's in the kiosk). `kiosk run` calls it once the window is shown."""
        from kiosk.devices.speech import may_start_an_engine, speaker_for  # Qt's speech, after first paint

        engine_loading = not self._speaker_given and may_start_an_engine(self.settings.speech.engine)
        if not self._chime_given:
            self._chime_given = True
            # With a speech engine to load, the chime is made first: Qt Multimedia starting up while the engine
            # loads in its thread can deadlock (the engine's constructor holds the GIL), which froze a test run.
            # Without one, nothing else loads Qt Multimedia: the chime waits for the first call for staff.
            self.chime = QtChime() if engine_loading else _ChimeAtFirstRing()
        if not self._speaker_given:
            self._speaker_given = True
            self.speaker = speaker_for(self.settings.speech.engine)
            if isinstance(self._voice, SpeakerToCome):
                self._voice.arrived(self.speaker)
        if self.scanner is not None:
            self.scanner.start(self.frame.scanned)

    async def settle(self) -> None:
        """Waits until every customer action started so far has finished (tests, and shutdown)."""
        await self.intents.settle()
