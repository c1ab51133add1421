"""Staff mode's journey without widgets: the PIN, the staff screens, and leaving to exactly where the kiosk was."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from kiosk.config import hash_pin
from kiosk.config.staff_pin import MIN_PIN_HASH_ITERATIONS
from kiosk.flows.navigation import Navigator
from kiosk.flows.staff import StaffFlow
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Feature, Home
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
from kiosk.requests.records import OutboxItem
from kiosk.staff.day_report import DayReport, day_report
from kiosk.staff.health import CentralState, KioskHealth, Printout
from kiosk.staff.pin_gate import PinGate, PinVerdict

PIN = "2468"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeDesk:
    """Records what staff asked for; answers as a healthy kiosk with one waiting printout."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.printer_ok = True

    async def health(self) -> KioskHealth:
        return KioskHealth("K-01", "1.0", None, CentralState.REACHABLE, None, 0, 0, 1, 0, "vi")

    async def test_print(self) -> bool:
        self.calls.append("test_print")
        return self.printer_ok

    async def paper_replaced(self) -> tuple[bool, int]:
        self.calls.append("paper_replaced")
        return self.printer_ok, 1 if self.printer_ok else 0

    async def printouts(self) -> tuple[Printout, ...]:
        return (Printout(7, "payment_receipt", "PAY-1", NOW, printed=False),)

    async def reprint(self, job_id: int) -> bool:
        self.calls.append(f"reprint {job_id}")
        return self.printer_ok

    async def pending(
        self,
    ) -> tuple[tuple[JournalPayment, ...], tuple[OutboxItem, ...], tuple[OutboxItem, ...]]:
        return (), (), ()

    def send_now(self) -> None:
        self.calls.append("send_now")

    async def day_report(self) -> DayReport:
        return day_report(date(2026, 11, 23), kiosk_id="K-01", payments=[], outbox=[], prints=[])

    async def print_day_report(self, report: DayReport) -> bool:
        self.calls.append("print_day_report")
        return self.printer_ok

    async def set_default_language(self, language: Language) -> None:
        self.calls.append(f"language {language}")

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
    gate = PinGate(hash_pin(PIN, iterations=MIN_PIN_HASH_ITERATIONS), tmp_path / "pin.json", clock=clock)
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
    navigator.go(EnterCode(prefix="PE", digits="01", purpose=Feature.OUTAGES))
    flow.open()
    type_pin(flow, PIN)
    run(flow.show_printouts())
    shown = [type(navigator.current)]
    assert flow.back()  # one staff screen back
    shown.append(type(navigator.current))
    assert shown == [StaffPrintouts, StaffHome]
    assert flow.back()  # out of staff mode
    assert navigator.current == EnterCode(prefix="PE", digits="01", purpose=Feature.OUTAGES)
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
