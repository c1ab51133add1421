"""A customer who walks away, without widgets or timers (kiosk.flows.idle): the warning, each tick of its
countdown, "more time", and the wipe at the end, with the order of the shell's two hooks around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from kiosk.central.models import BillList
from kiosk.flows.idle import (
    ID_CARD_WAIT_SECONDS,
    OTP_WAIT_SECONDS,
    PRINTING_WAIT_SECONDS,
    IdleFlow,
    extra_wait,
)
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import Contrast, CustomerSession, TextSize
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Fault, Home, IdleWarning, StaffCalled
from kiosk.flows.states.outages import OutageStart
from kiosk.flows.states.payment import PayByQr, PaymentReceived, ReceiptProgress
from kiosk.flows.states.requests import (
    ConfirmOtp,
    RequestSubmitted,
    ScanIdCard,
    SlipProgress,
    TrackRequest,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
COUNTDOWN = 3
CODE = "PE01000123456"


@dataclass
class Shell:
    """The shell's two hooks, recording what the navigator and the session held when each ran."""

    nav: Navigator
    session: CustomerSession
    calls: list[tuple[str, tuple[ScreenState, ...], str | None]] = field(default_factory=list)

    def leaving(self) -> None:
        self.calls.append(("leaving", self.nav.states, self.session.customer_code))

    def wiped(self) -> None:
        self.calls.append(("wiped", self.nav.states, self.session.customer_code))


@dataclass
class Clock:
    """A monotonic clock the test moves."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Parts:
    nav: Navigator
    session: CustomerSession
    shell: Shell
    flow: IdleFlow
    seen: list[ScreenState]
    clock: Clock


def build(countdown: int = COUNTDOWN) -> Parts:
    nav = Navigator()
    seen: list[ScreenState] = []
    nav.subscribe(seen.append)
    # Defaults other than the class's own, so a wipe that forgot them (back to Vietnamese, normal text) shows.
    session = CustomerSession(
        default_language="en", default_text_size=TextSize.LARGE, default_contrast=Contrast.HIGH
    )
    shell = Shell(nav, session)
    clock = Clock()
    flow = IdleFlow(
        nav, session, countdown_seconds=countdown, on_leaving=shell.leaving, on_wiped=shell.wiped, clock=clock
    )
    return Parts(nav, session, shell, flow, seen, clock)


def shell_of(cls: type, **fields: object) -> ScreenState:
    """A state of ``cls`` with only the fields the idle policy reads (its other fields need a whole journey)."""
    state = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(state, name, value)
    return state  # type: ignore[no-any-return]


def otp() -> ScreenState:
    return shell_of(ConfirmOtp)


def scan_id() -> ScreenState:
    return shell_of(ScanIdCard)


def receipt(progress: ReceiptProgress) -> ScreenState:
    return shell_of(PaymentReceived, receipt=progress)


def slip(progress: SlipProgress) -> ScreenState:
    return shell_of(RequestSubmitted, slip=progress)


def quiet_for(parts: Parts, seconds: float) -> None:
    """The shell's once-a-second ticks over ``seconds`` of quiet."""
    for _ in range(int(seconds)):
        parts.clock.advance(1)
        parts.flow.tick()


@pytest.fixture
def parts() -> Parts:
    return build()


def customer_at(parts: Parts, *places: ScreenState) -> None:
    """A customer who started a visit and walked to ``places``; what the navigator heard so far is forgotten."""
    parts.session.begin(NOW)
    parts.session.customer_code = CODE
    for place in places:
        parts.nav.go(place)
    parts.seen.clear()


def fill_every_field(session: CustomerSession) -> None:
    session.language = "vi"
    session.text_size = TextSize.LARGEST
    session.contrast = Contrast.STANDARD
    session.start_assisted(by_staff=True)
    session.slower()
    session.begin(NOW)
    session.customer_code = CODE
    session.bills = BillList(customer_code=CODE, bills=[], total_due=0)
    session.journey["draft"] = {"phone": "0912345678"}


# ---------------------------------------------------------------------------------------------- the warning
def test_an_untouched_home_screen_has_nobody_to_warn(parts: Parts) -> None:
    parts.flow.idle()
    assert parts.nav.states == (Home(),)
    assert parts.seen == []
    assert not parts.flow.warning


def test_idle_during_a_visit_warns_over_the_customers_place(parts: Parts) -> None:
    customer_at(parts, OutageStart(), EnterCode("PE0100"))
    parts.flow.idle()
    assert parts.nav.states == (Home(), OutageStart(), EnterCode("PE0100"), IdleWarning(COUNTDOWN))
    assert parts.flow.warning


def test_a_customer_who_only_changed_a_setting_on_home_is_warned_too(parts: Parts) -> None:
    parts.session.begin(NOW)
    parts.flow.idle()
    assert parts.nav.states == (Home(), IdleWarning(COUNTDOWN))


def test_idle_again_during_the_warning_does_not_restart_or_stack_it(parts: Parts) -> None:
    customer_at(parts, TrackRequest("YC"))
    parts.flow.idle()
    parts.flow.tick()
    parts.flow.idle()
    assert parts.nav.states == (Home(), TrackRequest("YC"), IdleWarning(COUNTDOWN - 1))


def test_a_customer_paying_by_qr_is_not_warned(parts: Parts) -> None:
    # They look at their phone, not the kiosk; the QR's own countdown ends it.
    qr = object.__new__(PayByQr)
    customer_at(parts, qr)
    parts.flow.idle()
    assert parts.nav.current is qr
    assert parts.seen == []


# ---------------------------------------------------------------------------------------------- busy off screen
@pytest.mark.parametrize(
    ("state", "extra"),
    [
        (EnterCode("PE"), 0.0),
        (OutageStart(), 0.0),
        (otp(), OTP_WAIT_SECONDS),
        (scan_id(), ID_CARD_WAIT_SECONDS),
        (receipt(ReceiptProgress.PRINTING), PRINTING_WAIT_SECONDS),
        (slip(SlipProgress.PRINTING), PRINTING_WAIT_SECONDS),
        (receipt(ReceiptProgress.PRINTED), 0.0),
        (slip(SlipProgress.PRINTED), 0.0),
        (object.__new__(PayByQr), None),
    ],
    ids=[
        "code",
        "outage",
        "otp",
        "id-card",
        "receipt-printing",
        "slip-printing",
        "receipt-done",
        "slip-done",
        "qr",
    ],
)
def test_each_screen_has_its_idle_policy(state: ScreenState, extra: float | None) -> None:
    assert extra_wait(state) == extra


def test_the_otp_screen_waits_minutes_longer_before_warning(parts: Parts) -> None:
    # Before: the warning came at the normal idle time (60 s) and the form was gone 20 s later.
    customer_at(parts, EnterCode(), otp())
    parts.flow.idle()
    assert not parts.flow.warning
    assert parts.flow.ticking
    quiet_for(parts, OTP_WAIT_SECONDS - 1)
    assert not parts.flow.warning
    assert parts.seen == []
    quiet_for(parts, 1)
    assert parts.nav.current == IdleWarning(COUNTDOWN)  # still offered, with its "more time"
    parts.flow.more_time()
    assert isinstance(parts.nav.current, ConfirmOtp)


def test_touching_the_kiosk_starts_the_longer_wait_over(parts: Parts) -> None:
    customer_at(parts, scan_id())
    parts.flow.idle()
    quiet_for(parts, ID_CARD_WAIT_SECONDS - 10)
    parts.flow.activity()
    assert not parts.flow.ticking
    quiet_for(parts, ID_CARD_WAIT_SECONDS)
    assert not parts.flow.warning  # only the input watcher's next idle() starts a wait again
    parts.flow.idle()
    quiet_for(parts, ID_CARD_WAIT_SECONDS)
    assert parts.flow.warning


def test_a_finished_printout_falls_back_to_the_normal_wait(parts: Parts) -> None:
    customer_at(parts, receipt(ReceiptProgress.PRINTING))
    parts.flow.idle()
    quiet_for(parts, 5)
    assert not parts.flow.warning
    parts.nav.replace(receipt(ReceiptProgress.PRINTED))
    parts.flow.tick()
    assert parts.flow.warning


def test_a_qr_that_ended_by_itself_is_warned_about_once_its_screen_is_gone(parts: Parts) -> None:
    customer_at(parts, object.__new__(PayByQr))
    parts.flow.idle()
    quiet_for(parts, 600)
    assert parts.seen == []
    parts.nav.replace(OutageStart())  # the QR's countdown ended and left a screen that does not end by itself
    parts.flow.tick()
    assert parts.flow.warning


def test_the_wait_follows_the_monotonic_clock_not_the_number_of_ticks(parts: Parts) -> None:
    customer_at(parts, otp())
    parts.flow.idle()
    parts.clock.advance(OTP_WAIT_SECONDS)  # the loop was busy: one late tick, not 240
    parts.flow.tick()
    assert parts.flow.warning


def test_idle_while_staff_are_called_warns_over_the_call(parts: Parts) -> None:
    customer_at(parts, EnterCode(), StaffCalled())
    parts.flow.idle()
    assert parts.nav.states == (Home(), EnterCode(), StaffCalled(), IdleWarning(COUNTDOWN))


# ---------------------------------------------------------------------------------------------- the countdown
def test_each_tick_counts_down_in_place_and_the_last_one_wipes(parts: Parts) -> None:
    customer_at(parts, EnterCode("PE0100", "01"))
    parts.flow.idle()
    for _ in range(COUNTDOWN - 1):
        parts.flow.tick()
    assert parts.seen == [IdleWarning(3), IdleWarning(2), IdleWarning(1)]
    assert parts.nav.depth == 3  # the ticks replaced the warning: "more time" is still one Back away
    assert parts.shell.calls == []

    parts.flow.tick()
    assert parts.nav.states == (Home(),)
    assert parts.seen[-1] == Home()
    assert not parts.session.active
    assert [name for name, _, _ in parts.shell.calls] == ["leaving", "wiped"]


def test_a_one_second_countdown_ends_at_the_first_tick() -> None:
    parts = build(countdown=1)
    customer_at(parts, EnterCode())
    parts.flow.idle()
    assert parts.nav.current == IdleWarning(1)
    parts.flow.tick()
    assert parts.nav.states == (Home(),)


def test_ticks_without_a_warning_do_nothing(parts: Parts) -> None:
    customer_at(parts, EnterCode("PE"))
    for _ in range(COUNTDOWN + 2):
        parts.flow.tick()
    assert parts.nav.states == (Home(), EnterCode("PE"))
    assert parts.seen == []
    assert parts.session.customer_code == CODE
    assert parts.shell.calls == []


# ---------------------------------------------------------------------------------------------- more time
def test_more_time_returns_to_exactly_where_the_customer_was_with_everything_kept(parts: Parts) -> None:
    customer_at(parts, OutageStart(), EnterCode("PE0100"))
    parts.session.text_size = TextSize.LARGEST
    parts.flow.idle()
    parts.flow.tick()
    parts.flow.more_time()
    assert parts.nav.states == (Home(), OutageStart(), EnterCode("PE0100"))
    assert not parts.flow.warning
    assert parts.session.customer_code == CODE
    assert parts.session.text_size is TextSize.LARGEST
    assert parts.shell.calls == []


def test_a_tick_after_more_time_does_not_come_back_to_the_warning(parts: Parts) -> None:
    customer_at(parts, EnterCode())
    parts.flow.idle()
    parts.flow.more_time()
    parts.flow.tick()
    assert parts.nav.states == (Home(), EnterCode())


def test_more_time_without_a_warning_does_not_take_the_customer_back(parts: Parts) -> None:
    customer_at(parts, OutageStart(), EnterCode("PE"))
    parts.flow.more_time()
    assert parts.nav.states == (Home(), OutageStart(), EnterCode("PE"))
    assert parts.seen == []


# ---------------------------------------------------------------------------------------------- the wipe
def test_the_wipe_forgets_every_field_back_to_the_kiosks_defaults(parts: Parts) -> None:
    fill_every_field(parts.session)
    parts.nav.go(EnterCode("PE0100", "0123456"))
    parts.flow.idle()
    for _ in range(COUNTDOWN):
        parts.flow.tick()
    assert parts.session == CustomerSession(
        default_language="en", default_text_size=TextSize.LARGE, default_contrast=Contrast.HIGH
    )
    assert parts.session.language == "en"
    assert parts.nav.states == (Home(),)


def test_leaving_runs_before_the_wipe_and_wiped_after_it(parts: Parts) -> None:
    customer_at(parts, EnterCode("PE0100", "01"))
    parts.flow.idle()
    parts.flow.end_session()
    assert parts.shell.calls == [
        # Still the customer's screens (a QR under the warning can be cancelled) and data.
        ("leaving", (Home(), EnterCode("PE0100", "01"), IdleWarning(COUNTDOWN)), CODE),
        ("wiped", (Home(),), None),
    ]


@pytest.mark.parametrize(
    "place", [EnterCode("PE0100", "01"), Fault(), Home()], ids=["journey", "fault-start-over", "home"]
)
def test_ending_the_session_at_once_wipes_without_a_warning(parts: Parts, place: ScreenState) -> None:
    fill_every_field(parts.session)
    parts.nav.go(place)
    parts.flow.end_session()
    assert parts.nav.states == (Home(),)
    assert parts.session == CustomerSession(
        default_language="en", default_text_size=TextSize.LARGE, default_contrast=Contrast.HIGH
    )
    assert [name for name, _, _ in parts.shell.calls] == ["leaving", "wiped"]


def test_without_a_leaving_hook_the_wipe_still_happens() -> None:
    nav = Navigator()
    session = CustomerSession()
    wiped: list[bool] = []
    flow = IdleFlow(nav, session, countdown_seconds=2, on_wiped=lambda: wiped.append(session.active))
    session.begin(NOW)
    nav.go(EnterCode())
    flow.idle()
    flow.tick()
    flow.tick()
    assert nav.states == (Home(),)
    assert wiped == [False]


def test_the_next_customer_gets_the_full_countdown_again(parts: Parts) -> None:
    customer_at(parts, EnterCode())
    parts.flow.idle()
    parts.flow.end_session()
    parts.flow.idle()  # nobody at the kiosk now
    assert parts.nav.states == (Home(),)
    customer_at(parts, TrackRequest())
    parts.flow.idle()
    assert parts.nav.current == IdleWarning(COUNTDOWN)
