"""A customer's call for staff reaches the reference central through a flaky line: sent again with the same
id until acknowledged (2 s doubling to 60 s, for 15 minutes at most), so the central holds exactly one call;
staff arriving close it at once on the kiosk and, in the background, on the central.

The line is :class:`~tests.helpers.faulty_transport.FaultyTransport`; the client makes one attempt per send,
so every attempt the kiosk makes is one request. Time is a fake clock that the waits move."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pydantic
import pytest
import pytest_asyncio

from kiosk.central.staff_calls import BACKOFF_CAP, GIVE_UP_AFTER, StaffCalls
from kiosk.demo.simulator import DemoClient
from tests.faults.harness.central import FakeClock, wait_until
from tests.helpers.central import KIOSK_ID, RunningCentral
from tests.helpers.faulty_transport import Fault, FaultyTransport


@dataclass
class Line:
    """The kiosk's line, for staff calls only: down (every request lost), or faults queued per kind."""

    down: bool = False
    faults: dict[str, list[Fault]] = field(default_factory=lambda: {"call": [], "answer": []})
    sent: list[tuple[str, str]] = field(default_factory=list)  # (kind, call_id) of every request

    def __call__(self, request: httpx.Request) -> Fault | None:
        path = request.url.path
        if "/staff-calls" not in path:
            return None
        if path.endswith("/answered"):
            kind, call_id = "answer", path.split("/")[-2]
        else:
            kind, call_id = "call", json.loads(request.content)["call_id"]
        self.sent.append((kind, call_id))
        if self.down:
            return Fault.LOSE_REQUEST
        return self.faults[kind].pop(0) if self.faults[kind] else None


class Time(FakeClock):
    """The fake clock, also keeping each wait. With ``hold_at`` set, the wait that brings the time waited to it
    does not return until :meth:`release`: retries run through minutes of fake time faster than a test can
    look, so a test that acts in the middle of them stops them there first."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []
        self.hold_at: float | None = None
        self.holding = asyncio.Event()
        self._released = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await super().sleep(seconds)
        if self.hold_at is not None and sum(self.waits) >= self.hold_at:
            self.holding.set()
            await self._released.wait()

    def release(self) -> None:
        self.hold_at = None
        self._released.set()


@pytest.fixture
def line() -> Line:
    return Line()


@pytest.fixture
def time() -> Time:
    return Time()


@pytest_asyncio.fixture
async def staff(central: RunningCentral, line: Line, time: Time) -> AsyncIterator[StaffCalls]:
    async with DemoClient(central.url, central.token, transport=FaultyTransport(line), retries=0) as c:
        calls = StaffCalls(c, KIOSK_ID, clock=time, sleep=time.sleep)
        yield calls
        await calls.stop()


def _at_central(central: RunningCentral) -> list[tuple[str, str, str, bool]]:
    """Every call the central holds: kiosk, id, screen, answered."""
    with sqlite3.connect(central.db_path) as conn:
        rows = conn.execute("SELECT kiosk_id, call_id, screen, answered_at FROM staff_calls ORDER BY rowid")
        return [(kiosk, call_id, screen, answered is not None) for kiosk, call_id, screen, answered in rows]


def _doubling(failures: int) -> list[float]:
    return [min(BACKOFF_CAP, 2.0 * 2**n) for n in range(failures)]


@pytest.mark.asyncio
async def test_a_call_gets_through_a_flaky_line_as_one_call(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral
) -> None:
    # Lost on the way, lost on the way back (the central has it), a proxy's errors, a timeout, garbage.
    line.faults["call"] = [Fault.LOSE_REQUEST, Fault.LOSE_RESPONSE, Fault.ERROR_AFTER, Fault.TIMEOUT_AFTER,
                           Fault.GARBAGE, Fault.ERROR_BEFORE, Fault.DUPLICATE]  # fmt: skip
    called_at = time()
    call_id = staff.call("pay_by_qr", "vi")
    assert staff.open_since == called_at
    assert not staff.delivered
    await wait_until(lambda: staff.delivered, what="the call acknowledged")
    assert line.sent == [("call", call_id)] * 7  # the same call every time
    assert time.waits == _doubling(6)
    assert _at_central(central) == [(KIOSK_ID, call_id, "pay_by_qr", False)]


@pytest.mark.asyncio
async def test_a_call_waits_out_a_central_down_for_minutes(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral
) -> None:
    line.down = True
    time.hold_at = 600
    call_id = staff.call("choose_bills", "en")
    await wait_until(time.holding.is_set, what="ten minutes down")
    assert not staff.delivered
    assert _at_central(central) == []
    line.down = False
    time.release()
    await wait_until(lambda: staff.delivered, what="the call acknowledged once the central is back")
    assert max(time.waits) == BACKOFF_CAP
    assert time.waits[:6] == _doubling(6)
    assert set(line.sent) == {("call", call_id)}
    assert _at_central(central) == [(KIOSK_ID, call_id, "choose_bills", False)]


@pytest.mark.asyncio
async def test_a_call_is_given_up_after_fifteen_minutes(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    line.down = True
    called_at = time()
    with caplog.at_level(logging.INFO, logger="kiosk.central.staff_calls"):
        staff.call("home", "vi")
        await wait_until(lambda: "gave up" in caplog.text, what="giving up")
    assert sum(time.waits) == GIVE_UP_AFTER.total_seconds()  # the last try is at the 15th minute, no later
    assert len(line.sent) == len(time.waits) + 1
    assert not staff.delivered
    assert staff.open_since == called_at  # still open on the kiosk: the heartbeat keeps reporting it
    assert _at_central(central) == []
    logged = [r.levelname for r in caplog.records if r.name == "kiosk.central.staff_calls"]
    assert logged == ["INFO", "WARNING", "ERROR"]  # made, first failure, given up: not every attempt


@pytest.mark.asyncio
async def test_pressing_again_after_giving_up_sends_the_same_call_again(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    line.down = True
    with caplog.at_level(logging.INFO, logger="kiosk.central.staff_calls"):
        call_id = staff.call("home", "vi")
        await wait_until(lambda: "gave up" in caplog.text, what="giving up")
    line.down = False
    assert staff.call("home", "en") == call_id
    await wait_until(lambda: staff.delivered, what="the call acknowledged")
    assert set(line.sent) == {("call", call_id)}
    assert _at_central(central) == [(KIOSK_ID, call_id, "home", False)]


@pytest.mark.asyncio
async def test_pressing_again_while_a_call_is_open_makes_no_new_call(
    staff: StaffCalls, time: Time, central: RunningCentral
) -> None:
    first = staff.call("pay_by_qr", "vi")
    await wait_until(lambda: staff.delivered, what="the call acknowledged")
    time.advance(120)
    assert staff.call("choose_method", "en") == first
    assert _at_central(central) == [(KIOSK_ID, first, "pay_by_qr", False)]


@pytest.mark.asyncio
async def test_answered_closes_the_call_here_at_once_and_then_at_the_central(
    staff: StaffCalls, line: Line, central: RunningCentral
) -> None:
    call_id = staff.call("pay_by_qr", "vi")
    await wait_until(lambda: staff.delivered, what="the call acknowledged")
    staff.answered()
    assert staff.open_since is None
    assert not staff.delivered
    await wait_until(lambda: _at_central(central)[0][3], what="answered at the central")
    assert line.sent == [("call", call_id), ("answer", call_id)]
    again = staff.call("home", "vi")
    assert again != call_id
    await wait_until(lambda: staff.delivered, what="the new call acknowledged")
    assert _at_central(central) == [
        (KIOSK_ID, call_id, "pay_by_qr", True),
        (KIOSK_ID, again, "home", False),
    ]


@pytest.mark.asyncio
async def test_an_answer_before_the_call_got_through_follows_it(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral
) -> None:
    line.down = True
    time.hold_at = 10  # after three attempts
    call_id = staff.call("report_outage", "vi")
    await wait_until(time.holding.is_set, what="three attempts")
    staff.answered()
    assert staff.open_since is None
    line.down = False
    time.release()
    await wait_until(
        lambda: _at_central(central) == [(KIOSK_ID, call_id, "report_outage", True)], what="both"
    )
    kinds = [kind for kind, _ in line.sent]
    assert kinds == ["call"] * (len(kinds) - 1) + ["answer"]  # the answer never overtakes the call


@pytest.mark.asyncio
async def test_the_answer_is_sent_again_until_the_central_has_it(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral
) -> None:
    call_id = staff.call("pay_by_qr", "vi")
    await wait_until(lambda: staff.delivered, what="the call acknowledged")
    line.faults["answer"] = [Fault.ERROR_BEFORE, Fault.LOSE_RESPONSE, Fault.LOSE_REQUEST]
    staff.answered()
    await wait_until(lambda: len(line.sent) == 5, what="the answer acknowledged")
    assert line.sent == [("call", call_id)] + [("answer", call_id)] * 4
    assert time.waits == _doubling(3)
    assert _at_central(central) == [(KIOSK_ID, call_id, "pay_by_qr", True)]


@pytest.mark.asyncio
async def test_a_refusal_is_not_sent_again(
    staff: StaffCalls, line: Line, time: Time, central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    call_id = staff.call("pay_by_qr", "vi")
    await wait_until(lambda: staff.delivered, what="the call acknowledged")
    with sqlite3.connect(central.db_path) as conn:  # the office's database lost it: nothing to close
        conn.execute("DELETE FROM staff_calls")
    with caplog.at_level(logging.INFO, logger="kiosk.central.staff_calls"):
        staff.answered()
        await wait_until(lambda: "staff_call_not_found" in caplog.text, what="the refusal")
    assert line.sent == [("call", call_id), ("answer", call_id)]
    assert time.waits == []


@pytest.mark.asyncio
async def test_stop_ends_the_deliveries(staff: StaffCalls, line: Line, time: Time) -> None:
    line.down = True
    time.hold_at = 2  # waiting after the first attempt
    staff.call("home", "vi")
    await wait_until(time.holding.is_set, what="the first attempt")
    await staff.stop()
    sent = len(line.sent)
    line.down = False
    time.release()
    for _ in range(20):
        await asyncio.sleep(0)  # let anything still scheduled run: nothing is
    assert len(line.sent) == sent
    assert not staff.delivered


@pytest.mark.asyncio
async def test_a_call_names_a_screen_never_the_customer(staff: StaffCalls, line: Line) -> None:
    with pytest.raises(pydantic.ValidationError):
        staff.call("Nguyễn Văn Hùng", "vi")
    assert staff.open_since is None
    assert line.sent == []


@pytest.mark.asyncio
async def test_answered_with_no_call_open_does_nothing(staff: StaffCalls, line: Line) -> None:
    staff.answered()
    assert staff.open_since is None
    assert line.sent == []
