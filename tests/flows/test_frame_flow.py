"""The frame's moves without widgets (kiosk.flows.frame): Back, Home, the customer's settings, Call staff, the
journeys the home screen opens, and which journey takes a scan. Every transition against small fakes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from kiosk.flows.frame import FrameFlow, FramePorts, screen_name
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import Contrast, CustomerSession, TextSize
from kiosk.flows.states import ScreenState, offers_back
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Fault, Feature, Home, IdleWarning, Loading, StaffCalled, Waiting
from kiosk.flows.states.outages import OutageReported, OutageStart
from kiosk.flows.states.payment import PayByQr, PaymentReceived
from kiosk.flows.states.requests import RequestSubmitted
from kiosk.flows.states.staff import StaffHome

Start = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class Journey:
    """A journey's start, its own Back and its scans, recorded."""

    name: str
    log: list[str]
    takes_scans: bool = False
    own_back: bool = False

    def start(self) -> None:
        self.log.append(f"{self.name}.start")

    def back(self) -> bool:
        self.log.append(f"{self.name}.back")
        return self.own_back

    def accepts_scan(self) -> bool:
        return self.takes_scans

    async def scanned(self, text: str) -> None:
        self.log.append(f"{self.name}.scanned {text}")

    async def id_scanned(self, text: str) -> None:
        self.log.append(f"{self.name}.id_scanned {text}")


@dataclass
class Payments:
    log: list[str]

    def leave(self) -> None:
        self.log.append("payments.leave")

    def ask_cancel(self) -> None:
        self.log.append("payments.ask_cancel")

    def keep_paying(self) -> None:
        self.log.append("payments.keep_paying")

    async def cancel(self) -> None:
        self.log.append("payments.cancel")


@dataclass
class Staff:
    log: list[str]
    showing: bool = False
    own_back: bool = False

    def back(self) -> bool:
        return self.own_back

    def close(self) -> None:
        self.log.append("staff.close")


@dataclass
class Idle:
    log: list[str]

    def end_session(self) -> None:
        self.log.append("idle.end_session")


@dataclass
class Kiosk:
    """The journeys and the shell's ports, all recording into one log."""

    log: list[str] = field(default_factory=list)
    started: list[Start] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bills = Journey("bills", self.log)
        self.requests = Journey("requests", self.log)
        self.outages = Journey("outages", self.log)
        self.track = Journey("track", self.log)
        self.payments = Payments(self.log)
        self.staff = Staff(self.log)
        self.idle = Idle(self.log)

    def ports(self) -> FramePorts:
        return FramePorts(
            run=self.started.append,
            ring=lambda: self.log.append("ring"),
            show_staff_call=lambda shown: self.log.append(f"banner {shown}"),
            restyle=lambda: self.log.append("restyle"),
            retranslate=lambda: self.log.append("retranslate"),
            call_staff=lambda screen, language: self.log.append(f"call {screen} {language}"),
        )


def run_started(kiosk: Kiosk) -> None:
    import asyncio

    for start in kiosk.started:
        asyncio.run(start())
    kiosk.started.clear()


@pytest.fixture
def kiosk() -> Kiosk:
    return Kiosk()


@pytest.fixture
def nav() -> Navigator:
    return Navigator()


@pytest.fixture
def session() -> CustomerSession:
    return CustomerSession(default_language="vi", default_text_size=TextSize.NORMAL)


@pytest.fixture
def frame(nav: Navigator, session: CustomerSession, kiosk: Kiosk) -> FrameFlow:
    return FrameFlow(nav, session, kiosk, kiosk.ports())  # type: ignore[arg-type]


def qr(*, asking_cancel: bool = False) -> PayByQr:
    state = object.__new__(PayByQr)
    object.__setattr__(state, "asking_cancel", asking_cancel)
    return state


# ---------------------------------------------------------------------------------------------- Back
def test_back_pops_one_step(frame: FrameFlow, nav: Navigator) -> None:
    nav.go(OutageStart())
    nav.go(EnterCode(purpose=Feature.OUTAGES))
    frame.back()
    assert nav.current == OutageStart()
    frame.back()
    frame.back()  # nothing below home
    assert nav.states == (Home(),)


def test_back_on_the_qr_asks_before_cancelling_the_payment(
    frame: FrameFlow, nav: Navigator, kiosk: Kiosk
) -> None:
    nav.go(qr())
    frame.back()
    run_started(kiosk)
    assert kiosk.log == ["payments.ask_cancel"]  # never a cancel straight away


def test_back_on_the_cancel_question_is_its_safe_answer(
    frame: FrameFlow, nav: Navigator, kiosk: Kiosk
) -> None:
    nav.go(qr(asking_cancel=True))
    frame.back()
    run_started(kiosk)
    assert kiosk.log == ["payments.keep_paying"]


@pytest.mark.parametrize("finished", [PaymentReceived, RequestSubmitted, OutageReported])
def test_a_finished_journey_offers_no_back_and_a_keyboard_back_ends_the_session(
    frame: FrameFlow, nav: Navigator, kiosk: Kiosk, finished: type
) -> None:
    state = object.__new__(finished)
    assert not offers_back(state)
    nav.go(state)
    frame.back()
    assert kiosk.log == ["idle.end_session"]


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (Home(), False),
        (IdleWarning(5), False),
        (Fault(), False),
        (Loading(Waiting.SENDING_REQUEST, ""), False),
        (Loading(Waiting.SENDING_REPORT, ""), False),
        (Loading(Waiting.ACCOUNT, ""), True),
        (OutageStart(), True),
        (EnterCode(), True),
        (qr(), True),
    ],
    ids=["home", "idle", "fault", "sending-request", "sending-report", "loading", "outage", "code", "qr"],
)
def test_back_is_offered_only_where_there_is_a_step_back(state: ScreenState, shown: bool) -> None:
    assert offers_back(state) is shown


def test_back_while_a_saved_request_is_being_sent_does_nothing(
    frame: FrameFlow, nav: Navigator, kiosk: Kiosk
) -> None:
    sending = Loading(Waiting.SENDING_REQUEST, "")
    nav.go(sending)
    frame.back()
    assert nav.current is sending
    assert kiosk.log == []


def test_back_inside_a_form_is_the_previous_question(frame: FrameFlow, nav: Navigator, kiosk: Kiosk) -> None:
    kiosk.requests.own_back = True
    nav.go(OutageStart())
    frame.back()
    assert nav.current == OutageStart()  # the form moved itself
    assert kiosk.log == ["requests.back"]


def test_back_in_staff_mode_is_staff_modes(frame: FrameFlow, nav: Navigator, kiosk: Kiosk) -> None:
    kiosk.staff.own_back = True
    nav.go(object.__new__(StaffHome))
    frame.back()
    assert isinstance(nav.current, StaffHome)
    assert kiosk.log == []


# ---------------------------------------------------------------------------------------------- Home
def test_home_leaves_any_qr_and_clears_the_stack(frame: FrameFlow, nav: Navigator, kiosk: Kiosk) -> None:
    nav.go(EnterCode())
    nav.go(qr())
    frame.home()
    assert nav.states == (Home(),)
    assert kiosk.log == ["payments.leave"]


def test_home_in_staff_mode_closes_staff_mode(frame: FrameFlow, nav: Navigator, kiosk: Kiosk) -> None:
    kiosk.staff.showing = True
    nav.go(EnterCode())
    frame.home()
    assert nav.current == EnterCode()  # back to the customer's screen, by staff mode's close
    assert kiosk.log == ["staff.close"]


# ---------------------------------------------------------------------------------------------- settings
def test_language_text_size_and_contrast(frame: FrameFlow, session: CustomerSession, kiosk: Kiosk) -> None:
    frame.toggle_language()
    assert session.language == "en"
    frame.toggle_language()
    assert session.language == "vi"
    frame.next_text_size()
    assert session.text_size is TextSize.LARGE
    frame.toggle_contrast()
    assert session.contrast is Contrast.HIGH
    frame.toggle_contrast()
    assert session.contrast is Contrast.STANDARD
    assert kiosk.log == ["retranslate", "retranslate", "restyle", "restyle", "restyle"]


# ---------------------------------------------------------------------------------------------- help, journeys
def test_call_staff_rings_shows_the_banner_calls_the_central_and_shows_the_call(
    frame: FrameFlow, nav: Navigator, session: CustomerSession, kiosk: Kiosk
) -> None:
    session.begin(datetime.now(UTC))
    session.language = "en"
    nav.go(EnterCode())
    frame.call_staff()
    assert kiosk.log == ["ring", "call enter_code en", "banner True"]
    assert nav.current == StaffCalled()
    assert nav.states[-2] == EnterCode()  # the customer's place, to come back to


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        (Feature.BILLS, "bills.start"),
        (Feature.OUTAGES, "outages.start"),
        (Feature.TRACK_REQUEST, "track.start"),
    ],
)
def test_each_home_tile_starts_its_journey(
    frame: FrameFlow, kiosk: Kiosk, feature: Feature, expected: str
) -> None:
    frame.open(feature)
    assert kiosk.log == [expected]


def test_requests_start_on_the_loop_the_catalogue_comes_from_the_central(
    frame: FrameFlow, kiosk: Kiosk
) -> None:
    frame.open(Feature.REQUESTS)
    assert kiosk.log == []
    assert len(kiosk.started) == 1


@pytest.mark.parametrize("taker", ["requests", "track", "bills", None])
def test_a_scan_goes_to_the_one_journey_that_takes_it(
    frame: FrameFlow, kiosk: Kiosk, taker: str | None
) -> None:
    if taker is not None:
        getattr(kiosk, taker).takes_scans = True
    frame.scanned("PE01000123456")
    run_started(kiosk)
    expected = {
        "requests": ["requests.id_scanned PE01000123456"],
        "track": ["track.scanned PE01000123456"],
        "bills": ["bills.scanned PE01000123456"],
        None: [],
    }[taker]
    assert kiosk.log == expected


def test_screen_names_for_the_staff_call_carry_no_data() -> None:
    assert screen_name(qr()) == "pay_by_qr"
    assert screen_name(Home()) == "home"
    assert screen_name(EnterCode("PE0100", "0123")) == "enter_code"
