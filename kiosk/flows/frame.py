"""What the frame around every screen does: Back, Home, the language, the text size and contrast, Call staff, and
the journeys the home screen opens.

These are the customer's moves between journeys; each journey decides its own steps (:mod:`kiosk.flows.payment`
and the others). Qt-free: the shell hands in what only it can do (ring the chime, show the staff-call banner,
restyle or retranslate the window, run a coroutine as the customer's action), so the rules here are tested
without a window (tests/flows/test_frame_flow.py).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import Contrast, CustomerSession
from kiosk.flows.staff import StaffFlow
from kiosk.flows.states import FINISHED, ScreenState
from kiosk.flows.states.frame import UNSTOPPABLE, Feature, Loading, StaffCalled
from kiosk.flows.states.payment import PayByQr
from kiosk.language.codes import Language

__all__ = ["FrameFlow", "FramePorts", "Journeys", "screen_name"]


class PaymentsOnScreen(Protocol):
    def leave(self) -> None: ...

    def ask_cancel(self) -> None: ...

    def keep_paying(self) -> None: ...

    async def cancel(self) -> None: ...


class Starts(Protocol):
    def start(self) -> None: ...


class TakesScans(Protocol):
    def accepts_scan(self) -> bool: ...

    async def scanned(self, text: str) -> None: ...


class BillJourney(Starts, TakesScans, Protocol):
    pass


class TrackJourney(Starts, TakesScans, Protocol):
    pass


class RequestJourney(Protocol):
    async def start(self) -> None: ...

    def back(self) -> bool: ...

    def accepts_scan(self) -> bool: ...

    async def id_scanned(self, text: str) -> None: ...


class Journeys(Protocol):
    """The journeys the frame moves between: the flows the shell built (the kiosk application is one)."""

    @property
    def bills(self) -> BillJourney: ...
    @property
    def payments(self) -> PaymentsOnScreen: ...
    @property
    def requests(self) -> RequestJourney: ...
    @property
    def outages(self) -> Starts: ...
    @property
    def track(self) -> TrackJourney: ...
    @property
    def staff(self) -> StaffFlow: ...
    @property
    def idle(self) -> IdleFlow: ...


@dataclass(frozen=True)
class FramePorts:
    """What only the shell can do, handed in."""

    run: Callable[[Callable[[], Coroutine[Any, Any, None]]], None]  # a coroutine as the customer's action
    ring: Callable[[], None]  # the staff-call chime
    show_staff_call: Callable[[bool], None]  # the banner
    restyle: Callable[[], None]  # the text size or contrast changed
    retranslate: Callable[[], None]  # the language changed
    call_staff: Callable[[str, Language], object]  # the central's staff call, for a screen and a language


class FrameFlow:
    def __init__(
        self, navigator: Navigator, session: CustomerSession, journeys: Journeys, ports: FramePorts
    ) -> None:
        self._nav = navigator
        self._session = session
        self._journeys = journeys
        self._ports = ports

    # ------------------------------------------------------------------ Back and Home
    def back(self) -> None:
        """One step back; what a step is depends on where the customer is."""
        journeys, current = self._journeys, self._nav.current
        if journeys.staff.back():
            return
        if isinstance(current, PayByQr):
            # Leaving the QR would cancel the payment: the customer is asked first, and Back on the question
            # is its safe answer (continue paying).
            if current.asking_cancel:
                journeys.payments.keep_paying()
            else:
                journeys.payments.ask_cancel()
        elif isinstance(current, FINISHED):
            # The frame shows no Back here (offers_back); a keyboard's Back still ends the finished visit.
            journeys.idle.end_session()
        elif isinstance(current, Loading) and current.what in UNSTOPPABLE:
            pass  # saved on the kiosk and being sent: there is nothing to go back to
        elif journeys.requests.back():
            pass  # a step inside the form (the previous question)
        else:
            self._nav.back()

    def home(self) -> None:
        """The home screen; from staff mode, back to the customer's screen."""
        if self._journeys.staff.showing:
            self._journeys.staff.close()
            return
        self._journeys.payments.leave()
        self._nav.home()

    # ------------------------------------------------------------------ the customer's settings
    def toggle_language(self) -> None:
        self._session.language = "en" if self._session.language == "vi" else "vi"
        self._ports.retranslate()

    def next_text_size(self) -> None:
        self._session.text_size = self._session.text_size.next()
        self._ports.restyle()

    def toggle_contrast(self) -> None:
        high = self._session.contrast is Contrast.HIGH
        self._session.contrast = Contrast.STANDARD if high else Contrast.HIGH
        self._ports.restyle()

    # ------------------------------------------------------------------ help and journeys
    def call_staff(self) -> None:
        """Help is called three ways: a chime here, a banner on the kiosk, and the central's staff call."""
        self._ports.ring()
        self._ports.call_staff(screen_name(self._nav.current), self._session.language)
        self._ports.show_staff_call(True)
        self._nav.go(StaffCalled())

    def scanned(self, text: str) -> None:
        """The scanner read ``text``: the journey on screen takes it (a bill, an ID card, a slip), or nobody."""
        journeys = self._journeys
        # Each journey takes scans only on its own screens, so at most one of these accepts.
        takers = (
            (journeys.requests.accepts_scan, journeys.requests.id_scanned),
            (journeys.track.accepts_scan, journeys.track.scanned),
            (journeys.bills.accepts_scan, journeys.bills.scanned),
        )
        taker = next((take for accepts, take in takers if accepts()), None)
        if taker is not None:
            self._ports.run(lambda: taker(text))

    def open(self, feature: Feature) -> None:
        journeys = self._journeys
        match feature:
            case Feature.BILLS:
                journeys.bills.start()
            case Feature.REQUESTS:
                self._ports.run(journeys.requests.start)  # the catalogue comes from the central
            case Feature.OUTAGES:
                journeys.outages.start()
            case Feature.TRACK_REQUEST:
                journeys.track.start()


def screen_name(state: ScreenState) -> str:
    """A state's screen as the central's staff call names it: ``PayByQr`` → ``pay_by_qr`` (no data)."""
    name = type(state).__name__
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))
