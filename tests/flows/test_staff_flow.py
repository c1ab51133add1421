"""Staff mode's journey without widgets: the PIN, the staff screens, and leaving to exactly where the kiosk was."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from kiosk.config import hash_pin
from kiosk.config.staff_pin import MIN_PIN_HASH_ITERATIONS
from kiosk.flows.navigation import Navigator
from kiosk.flows.staff import StaffFlow
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Feature, Home, StaffCalled
from kiosk.flows.states.outages import OutageStart
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffNotice,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.language.codes import Language
from kiosk.payments.records import JournalPayment
from kiosk.requests.records import Delivery, OutboxItem, OutboxKind
from kiosk.staff.day_report import DayReport, day_report
from kiosk.staff.health import CentralState, KioskHealth, Printout
from kiosk.staff.pin_gate import PinCheck, PinGate, PinVerdict

PIN = "2468"
PIN_HASH = hash_pin(PIN, iterations=MIN_PIN_HASH_ITERATIONS)  # once: hashing is slow on purpose
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


QUEUED = OutboxItem(
    id=3,
    kind=OutboxKind.OUTAGE_REPORT,
    reference="KQ7M2X9PA4",
    idempotency_key="key-3",
    summary={"kind": "street"},
    created_at=NOW,
    state=Delivery.QUEUED,
    attempts=2,
    next_attempt_at=NOW,
    last_error="unreachable",
    tracking_code=None,
    delivered_at=None,
    refusal=None,
)
REFUSED = replace(QUEUED, id=4, reference="KR8N3Y4PB5", state=Delivery.REFUSED, refusal="invalid_fields")


class FakeDesk:
    """Records what staff asked for; answers as a kiosk with one waiting printout and one report on the kiosk.
    ``central`` is what the next health check says of the central. With ``hold`` set, every answer waits
    (``waiting`` set) until the test sets ``hold``: staff can move on meanwhile."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.printer_ok = True
        self.central = CentralState.REACHABLE
        self.hold: asyncio.Event | None = None
        self.waiting = asyncio.Event()

    async def _answer(self) -> None:
        if self.hold is not None:
            self.waiting.set()
            await self.hold.wait()

    async def health(self) -> KioskHealth:
        await self._answer()
        return KioskHealth("K-01", "1.0", None, self.central, None, 1, 0, 1, 1, "vi")

    async def test_print(self) -> bool:
        self.calls.append("test_print")
        await self._answer()
        return self.printer_ok

    async def paper_replaced(self) -> tuple[bool, int]:
        self.calls.append("paper_replaced")
        await self._answer()
        return self.printer_ok, 1 if self.printer_ok else 0

    async def printouts(self) -> tuple[Printout, ...]:
        await self._answer()
        return (Printout(7, "payment_receipt", "PAY-1", NOW, printed=False),)

    async def reprint(self, job_id: int) -> bool:
        self.calls.append(f"reprint {job_id}")
        await self._answer()
        return self.printer_ok

    async def pending(
        self,
    ) -> tuple[tuple[JournalPayment, ...], tuple[OutboxItem, ...], tuple[OutboxItem, ...]]:
        await self._answer()
        return (), (QUEUED,), (REFUSED,)

    def send_now(self) -> None:
        self.calls.append("send_now")

    async def day_report(self) -> DayReport:
        await self._answer()
        return day_report(date(2026, 11, 23), kiosk_id="K-01", payments=[], outbox=[], prints=[])

    async def print_day_report(self, report: DayReport) -> bool:
        self.calls.append("print_day_report")
        await self._answer()
        return self.printer_ok

    async def set_default_language(self, language: Language) -> None:
        self.calls.append(f"language {language}")
        await self._answer()

    def staff_arrived(self) -> None:
        self.calls.append("staff_arrived")

    def leave_kiosk(self) -> None:
        self.calls.append("leave_kiosk")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Parts(NamedTuple):
    navigator: Navigator
    desk: FakeDesk
    flow: StaffFlow
    assisted: list[str]


@pytest.fixture
def parts(tmp_path: Path, clock: Clock) -> Parts:
    navigator = Navigator()
    desk = FakeDesk()
    assisted: list[str] = []
    gate = PinGate(PIN_HASH, tmp_path / "pin.json", clock=clock)
    flow = StaffFlow(navigator, gate, desk, start_assisting=lambda: assisted.append("assist"))
    return Parts(navigator, desk, flow, assisted)


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coroutine)


def type_pin(flow: StaffFlow, pin: str) -> None:
    for digit in pin:
        flow.pin_key(digit)
    run(flow.submit_pin())


def test_the_right_pin_opens_staff_mode_and_answers_a_staff_call(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    flow.open()
    assert navigator.current == StaffPin()
    for digit in PIN:
        flow.pin_key(digit)
    assert navigator.current == StaffPin(entered=4)
    assert PIN not in repr(navigator.current)
    run(flow.submit_pin())
    assert isinstance(navigator.current, StaffHome)
    assert flow.unlocked
    assert desk.calls == ["staff_arrived"]


def test_a_wrong_pin_is_refused_and_the_digits_are_gone(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    flow.open()
    type_pin(flow, "1111")
    state = navigator.current
    assert isinstance(state, StaffPin)
    assert state.entered == 0
    assert state.check is not None
    assert state.check.verdict is PinVerdict.WRONG
    assert not flow.unlocked
    assert desk.calls == []


def test_too_few_digits_are_not_checked_and_backspace_and_clear_edit(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    flow.open()
    for key in ("2", "4", "6"):
        flow.pin_key(key)
    run(flow.submit_pin())
    assert navigator.current == StaffPin(entered=3)
    flow.pin_key("backspace")
    assert navigator.current == StaffPin(entered=2)
    flow.pin_key("clear")
    assert navigator.current == StaffPin(entered=0)
    for _ in range(20):
        flow.pin_key("9")
    assert navigator.current == StaffPin(entered=12)


def test_leaving_staff_mode_returns_to_exactly_where_the_customer_was(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    navigator.go(OutageStart())
    navigator.go(EnterCode(unit="PE0100", digits="01", purpose=Feature.OUTAGES))
    flow.open()
    type_pin(flow, PIN)
    run(flow.show_printouts())
    shown = [type(navigator.current)]
    assert flow.back()  # one staff screen back
    shown.append(type(navigator.current))
    assert shown == [StaffPrintouts, StaffHome]
    assert flow.back()  # out of staff mode
    assert navigator.current == EnterCode(unit="PE0100", digits="01", purpose=Feature.OUTAGES)
    assert navigator.depth == 3
    assert not flow.unlocked
    assert not flow.back()  # not in staff mode: Back is the customer's again


def test_the_staff_timeout_closes_staff_mode(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    flow.open()
    type_pin(flow, PIN)
    run(flow.show_report())
    flow.timed_out()
    assert navigator.current == Home()
    assert not flow.unlocked
    flow.timed_out()  # nothing open: nothing happens
    assert navigator.current == Home()


def test_staff_actions_show_their_outcome_on_the_screen_they_came_from(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    flow.open()
    type_pin(flow, PIN)
    depth = navigator.depth
    run(flow.test_print())
    assert navigator.current == StaffHome(run_health(desk), StaffNotice.TEST_PRINTED)
    desk.printer_ok = False
    run(flow.paper_replaced())
    assert navigator.current == StaffHome(run_health(desk), StaffNotice.PAPER_STILL_OUT, 0)
    assert navigator.depth == depth  # refreshed in place: Back still leaves staff mode
    run(flow.show_printouts())
    run(flow.reprint(7))
    state = navigator.current
    assert isinstance(state, StaffPrintouts)
    assert state.notice is StaffNotice.PRINT_FAILED
    flow.back()
    run(flow.show_pending())
    run(flow.send_now())
    state = navigator.current
    assert isinstance(state, StaffPending)
    assert state.notice is StaffNotice.SENDING
    flow.back()
    run(flow.show_report())
    desk.printer_ok = True
    run(flow.print_report())
    state = navigator.current
    assert isinstance(state, StaffDayReport)
    assert state.notice is StaffNotice.REPORT_PRINTED
    assert desk.calls[1:] == ["test_print", "paper_replaced", "reprint 7", "send_now", "print_day_report"]


def run_health(desk: FakeDesk) -> KioskHealth:
    return asyncio.run(desk.health())


def test_leaving_the_kiosk_needs_staff_mode_and_a_confirmation(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    flow.ask_leave()
    flow.leave_kiosk()
    assert "leave_kiosk" not in desk.calls  # not unlocked
    flow.open()
    type_pin(flow, PIN)
    flow.leave_kiosk()
    assert "leave_kiosk" not in desk.calls  # not confirmed
    flow.ask_leave()
    assert navigator.current == StaffLeave()
    flow.leave_kiosk()
    assert desk.calls[-1] == "leave_kiosk"


def test_help_a_customer_starts_assisted_mode_on_a_fresh_home_screen(parts: Parts) -> None:
    navigator, _, flow, assisted = parts
    navigator.go(OutageStart())
    flow.open()
    type_pin(flow, PIN)
    flow.assist()
    assert navigator.current == Home()
    assert navigator.depth == 1
    assert assisted == ["assist"]
    assert not flow.unlocked


def test_the_pin_screen_says_at_once_when_the_gate_is_locked(parts: Parts, clock: Clock) -> None:
    navigator, _, flow, _ = parts
    flow.open()
    for _ in range(10):
        type_pin(flow, "0000")
        clock.now += timedelta(minutes=10)  # past each growing wait, never past a lockout
    flow.close()
    flow.open()
    state = navigator.current
    assert isinstance(state, StaffPin)
    assert state.check is not None
    assert state.check.verdict is PinVerdict.LOCKED
    type_pin(flow, PIN)  # even the right PIN, while locked
    assert not flow.unlocked


# ---------------------------------------------------------------------------------------------- every transition
PLACE = EnterCode(unit="PE0100", digits="01", purpose=Feature.OUTAGES)  # where a customer left the kiosk


def screens(navigator: Navigator) -> tuple[ScreenState, ...]:
    """The navigator's stack, read afresh (a call, so that mypy does not narrow it between steps)."""
    return navigator.states


async def unlock(flow: StaffFlow, pin: str = PIN) -> None:
    flow.open()
    for digit in pin:
        flow.pin_key(digit)
    await flow.submit_pin()


async def health(desk: FakeDesk) -> KioskHealth:
    hold, desk.hold = desk.hold, None
    try:
        return await desk.health()
    finally:
        desk.hold = hold


# ------------------------------------------------------------------ the PIN
def test_the_pin_keypad_opens_once_over_the_customers_place(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    navigator.go(PLACE)
    flow.open()
    flow.pin_key("2")
    flow.open()  # the gesture again: the keypad and its digits stay
    assert screens(navigator) == (Home(), PLACE, StaffPin(entered=1))
    assert flow.showing


def test_keys_that_are_not_one_digit_change_nothing(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    flow.open()
    for key in ("x", "12", "", "backspace", "enter"):
        flow.pin_key(key)
    assert screens(navigator) == (Home(), StaffPin(entered=0))


@pytest.mark.asyncio
async def test_pin_keys_off_the_pin_screen_do_nothing(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    before = screens(navigator)
    flow.pin_key("1")
    await flow.submit_pin()
    assert screens(navigator) == before
    assert desk.calls == ["staff_arrived"]


@pytest.mark.asyncio
async def test_a_kiosk_without_a_staff_pin_keeps_staff_mode_shut(tmp_path: Path) -> None:
    navigator, desk = Navigator(), FakeDesk()
    flow = StaffFlow(navigator, PinGate(None, tmp_path / "pin.json"), desk, start_assisting=lambda: None)
    flow.open()
    assert navigator.current == StaffPin(check=PinCheck(PinVerdict.NOT_SET))
    await unlock(flow)
    assert screens(navigator) == (Home(), StaffPin(0, PinCheck(PinVerdict.NOT_SET)))
    assert not flow.unlocked
    assert desk.calls == []


@pytest.mark.asyncio
async def test_a_pin_typed_too_soon_after_wrong_ones_is_refused_until_the_wait_is_over(
    parts: Parts, clock: Clock
) -> None:
    navigator, _, flow, _ = parts
    flow.open()
    for _ in range(4):  # three free tries, then the first wait
        for digit in "0000":
            flow.pin_key(digit)
        await flow.submit_pin()
    for digit in PIN:
        flow.pin_key(digit)
    await flow.submit_pin()
    state = navigator.current
    assert isinstance(state, StaffPin)
    assert state.check is not None
    assert (state.check.verdict, state.entered) == (PinVerdict.WAIT, 0)
    assert not flow.unlocked
    clock.now += timedelta(seconds=state.check.wait_seconds)
    for digit in PIN:
        flow.pin_key(digit)
    await flow.submit_pin()
    assert flow.unlocked


@pytest.mark.asyncio
async def test_staff_mode_closed_while_the_pin_was_checked_stays_closed(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    navigator.go(PLACE)
    flow.open()
    for digit in PIN:
        flow.pin_key(digit)
    checking = asyncio.ensure_future(flow.submit_pin())
    await asyncio.sleep(0)  # the check is now hashing the PIN in its thread
    assert not checking.done()
    flow.timed_out()
    await checking
    assert screens(navigator) == (Home(), PLACE)
    assert not flow.unlocked
    assert desk.calls == []


# ------------------------------------------------------------------ the staff screens
@pytest.mark.asyncio
async def test_refresh_shows_the_kiosks_health_now_in_place(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    await flow.test_print()
    desk.central = CentralState.UNREACHABLE
    await flow.refresh()
    assert screens(navigator) == (Home(), StaffHome(await health(desk)))  # the last action's notice is gone
    assert (await health(desk)).central is CentralState.UNREACHABLE


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "printer_ok", "notice", "printed"),
    [
        ("test_print", True, StaffNotice.TEST_PRINTED, 0),
        ("test_print", False, StaffNotice.PRINT_FAILED, 0),
        ("paper_replaced", True, StaffNotice.PAPER_READY, 1),
        ("paper_replaced", False, StaffNotice.PAPER_STILL_OUT, 0),
    ],
)
async def test_printer_actions_show_their_outcome_on_the_staff_home(
    parts: Parts, action: str, printer_ok: bool, notice: StaffNotice, printed: int
) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    desk.printer_ok = printer_ok
    await getattr(flow, action)()
    assert screens(navigator) == (Home(), StaffHome(await health(desk), notice, printed))
    assert desk.calls == ["staff_arrived", action]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("printer_ok", "notice"), [(True, StaffNotice.REPRINTED), (False, StaffNotice.PRINT_FAILED)]
)
async def test_a_reprint_shows_its_outcome_on_the_printouts(
    parts: Parts, printer_ok: bool, notice: StaffNotice
) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    await flow.show_printouts()
    items = await desk.printouts()
    assert screens(navigator)[1:] == (StaffHome(await health(desk)), StaffPrintouts(items))
    desk.printer_ok = printer_ok
    await flow.reprint(7)
    assert screens(navigator)[1:] == (StaffHome(await health(desk)), StaffPrintouts(items, notice))
    assert desk.calls[-1] == "reprint 7"


@pytest.mark.asyncio
async def test_the_waiting_work_and_send_now(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    await flow.show_pending()
    assert screens(navigator)[2:] == (StaffPending((), (QUEUED,), (REFUSED,)),)
    await flow.send_now()
    assert screens(navigator)[2:] == (StaffPending((), (QUEUED,), (REFUSED,), StaffNotice.SENDING),)
    assert desk.calls[-1] == "send_now"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("printer_ok", "notice"), [(True, StaffNotice.REPORT_PRINTED), (False, StaffNotice.PRINT_FAILED)]
)
async def test_the_day_report_and_its_printout(parts: Parts, printer_ok: bool, notice: StaffNotice) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    await flow.print_report()  # not on the report: nothing to print
    assert "print_day_report" not in desk.calls
    await flow.show_report()
    report = await desk.day_report()
    assert screens(navigator)[2:] == (StaffDayReport(report),)
    desk.printer_ok = printer_ok
    await flow.print_report()
    assert screens(navigator)[2:] == (StaffDayReport(report, notice),)
    assert desk.calls[-1] == "print_day_report"


@pytest.mark.asyncio
async def test_staff_set_the_kiosks_default_language(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    await flow.set_default_language("en")
    assert screens(navigator) == (Home(), StaffHome(await health(desk), StaffNotice.LANGUAGE_SET))
    assert desk.calls == ["staff_arrived", "language en"]


@pytest.mark.asyncio
@pytest.mark.parametrize("pin_screen", [False, True], ids=["never-opened", "pin-screen-only"])
async def test_nothing_in_staff_mode_works_without_the_pin(parts: Parts, pin_screen: bool) -> None:
    navigator, desk, flow, assisted = parts
    navigator.go(PLACE)
    if pin_screen:
        flow.open()
    before = screens(navigator)
    for action in (
        flow.refresh,
        flow.test_print,
        flow.paper_replaced,
        flow.show_printouts,
        flow.show_pending,
        flow.send_now,
        flow.show_report,
        flow.print_report,
    ):
        await action()
    await flow.reprint(7)
    await flow.set_default_language("en")
    flow.assist()
    flow.ask_leave()
    flow.leave_kiosk()
    assert screens(navigator) == before
    assert desk.calls == []
    assert assisted == []


# ------------------------------------------------------------------ leaving staff mode
@pytest.mark.asyncio
async def test_back_from_a_staff_screen_returns_to_the_staff_home(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    await unlock(flow)
    home = StaffHome(await health(desk))
    for show in (flow.show_pending, flow.show_report, flow.show_printouts):
        await show()
        assert flow.back()
        assert screens(navigator) == (Home(), home)
    flow.ask_leave()
    assert screens(navigator) == (Home(), home, StaffLeave())
    assert flow.back()  # "stay"
    assert screens(navigator) == (Home(), home)
    assert flow.unlocked


def test_back_from_the_pin_screen_returns_to_the_customers_place(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    navigator.go(PLACE)
    flow.open()
    flow.pin_key("2")
    assert flow.back()
    assert screens(navigator) == (Home(), PLACE)
    flow.open()  # the digits typed before are gone
    assert navigator.current == StaffPin(entered=0)


def test_the_timeout_on_the_pin_screen_returns_to_the_customers_place(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    navigator.go(PLACE)
    flow.open()
    flow.timed_out()
    assert screens(navigator) == (Home(), PLACE)
    assert not flow.showing


@pytest.mark.asyncio
async def test_the_timeout_closes_staff_mode_left_open_under_another_screen(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    navigator.go(PLACE)
    await unlock(flow)
    navigator.go(StaffCalled())  # a screen that is not staff mode's, on top of it
    assert not flow.showing
    flow.timed_out()
    assert screens(navigator) == (Home(), PLACE)
    assert not flow.unlocked


@pytest.mark.asyncio
async def test_a_staff_screen_without_staff_mode_behind_it_closes_to_home(parts: Parts) -> None:
    navigator, desk, flow, _ = parts
    navigator.go(PLACE)
    navigator.go(StaffHome(await health(desk)))  # not opened through the PIN: no place to return to
    assert flow.back()
    assert screens(navigator) == (Home(),)


@pytest.mark.asyncio
async def test_the_lockdown_hears_each_time_staff_mode_closes(parts: Parts) -> None:
    navigator, _, flow, _ = parts
    closed: list[str] = []
    flow.on_close(lambda: closed.append("closed"))
    flow.open()
    flow.back()  # only the PIN screen: staff mode was never open
    assert closed == []
    await unlock(flow)
    flow.back()
    await unlock(flow)
    flow.timed_out()
    await unlock(flow)
    flow.assist()
    await unlock(flow)
    flow.close()
    assert closed == ["closed"] * 4
    assert screens(navigator) == (Home(),)


# ------------------------------------------------------------------ late answers after staff left
LATE_ACTIONS: dict[
    str, tuple[Callable[[StaffFlow], Awaitable[None]] | None, Callable[[StaffFlow], Awaitable[None]]]
] = {
    "refresh": (None, lambda f: f.refresh()),
    "test_print": (None, lambda f: f.test_print()),
    "paper_replaced": (None, lambda f: f.paper_replaced()),
    "language": (None, lambda f: f.set_default_language("en")),
    "printouts": (None, lambda f: f.show_printouts()),
    "reprint": (lambda f: f.show_printouts(), lambda f: f.reprint(7)),
    "pending": (None, lambda f: f.show_pending()),
    "send_now": (lambda f: f.show_pending(), lambda f: f.send_now()),
    "report": (None, lambda f: f.show_report()),
    "print_report": (lambda f: f.show_report(), lambda f: f.print_report()),
}


@pytest.mark.asyncio
@pytest.mark.parametrize(("prepare", "action"), LATE_ACTIONS.values(), ids=LATE_ACTIONS.keys())
async def test_a_staff_action_answered_after_staff_mode_closed_shows_nothing(
    parts: Parts,
    prepare: Callable[[StaffFlow], Awaitable[None]] | None,
    action: Callable[[StaffFlow], Awaitable[None]],
) -> None:
    navigator, desk, flow, _ = parts
    navigator.go(PLACE)
    await unlock(flow)
    if prepare is not None:
        await prepare(flow)
    desk.hold = asyncio.Event()
    task = asyncio.ensure_future(action(flow))
    await desk.waiting.wait()
    flow.close()  # staff tap Home (or walk away) while the printer or the journals answer
    desk.hold.set()
    await task
    assert screens(navigator) == (Home(), PLACE)
    assert not flow.showing


@pytest.mark.asyncio
async def test_staff_mode_timed_out_while_its_home_was_loading_leaves_the_customers_place(
    parts: Parts,
) -> None:
    navigator, desk, flow, _ = parts
    navigator.go(PLACE)
    flow.open()
    for digit in PIN:
        flow.pin_key(digit)
    desk.hold = asyncio.Event()
    task = asyncio.ensure_future(flow.submit_pin())
    await desk.waiting.wait()  # the right PIN; the staff home's health is on its way
    flow.timed_out()
    desk.hold.set()
    await task
    assert screens(navigator) == (Home(), PLACE)
