"""The kiosk's heartbeat against the reference central on loopback: each beat carries what the kiosk knows
about itself, an outage is logged once and its end once, the loop beats every minute without really waiting,
and nothing personal is sent or logged."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio

import kiosk
from kiosk.central.client import CentralClient
from kiosk.central.errors import Unauthorized, Unavailable
from kiosk.central.heartbeat import HeartbeatSender, KioskStatus
from kiosk.demo.simulator import DemoClient
from tests.faults.harness.central import FakeClock, no_wait, wait_until
from tests.helpers.central import KIOSK_ID, RunningCentral
from tests.helpers.faulty_transport import Fault, FaultyTransport

STATUS = KioskStatus(
    printer_status="no_paper",
    pending_payments=2,
    outbox_depth=3,
    last_activity_at=datetime(2025, 6, 1, 1, 2, 3, tzinfo=UTC),
    staff_call_open=True,
    assisted_mode=False,
)
# What a central (or something in front of it) may put in an error's message: never in the kiosk's log.
CUSTOMER_NAME = "Nguyễn Văn Hùng"


@dataclass
class Network:
    """The kiosk's line to the central: up, or losing every request; what went over it."""

    down: bool = False
    beats: list[dict[str, object]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> Fault | None:
        if request.url.path.endswith("/heartbeat"):
            self.beats.append(json.loads(request.content))
        return Fault.LOSE_REQUEST if self.down else None


@dataclass
class Statuses:
    """The app's side: the status it would report, and how often it was asked."""

    current: KioskStatus = STATUS
    asked: int = 0

    async def __call__(self) -> KioskStatus:
        self.asked += 1
        return self.current


@pytest.fixture
def network() -> Network:
    return Network()


@pytest_asyncio.fixture
async def kiosk_client(central: RunningCentral, network: Network) -> AsyncIterator[CentralClient]:
    transport = FaultyTransport(network)
    async with DemoClient(central.url, central.token, transport=transport, sleep=no_wait) as c:
        yield c


async def _fleet(central: RunningCentral) -> list[dict[str, object]]:
    headers = {"Authorization": f"Bearer {central.fleet_token}"}
    async with httpx.AsyncClient(base_url=central.url, headers=headers, timeout=10.0) as operator:
        kiosks: list[dict[str, object]] = (await operator.get("/v1/fleet")).json()["kiosks"]
        return kiosks


@pytest.mark.asyncio
async def test_a_beat_carries_the_status(kiosk_client: CentralClient, central: RunningCentral) -> None:
    clock = FakeClock()
    sender = HeartbeatSender(kiosk_client, KIOSK_ID, Statuses(), clock=clock)
    assert sender.last_ack_at is None
    assert await sender.beat() is True
    assert sender.last_ack_at == clock()
    [seen] = await _fleet(central)
    assert {k: seen[k] for k in ("kiosk_id", "version", "printer_status", "pending_payments", "outbox_depth",
                                 "staff_call_open", "assisted_mode")} == {
        "kiosk_id": KIOSK_ID,
        "version": kiosk.__version__,
        "printer_status": "no_paper",
        "pending_payments": 2,
        "outbox_depth": 3,
        "staff_call_open": True,
        "assisted_mode": False,
    }  # fmt: skip
    assert datetime.fromisoformat(str(seen["last_activity_at"])) == STATUS.last_activity_at


@pytest.mark.asyncio
async def test_the_status_is_asked_afresh_for_every_beat(
    kiosk_client: CentralClient, central: RunningCentral
) -> None:
    statuses = Statuses()
    sender = HeartbeatSender(kiosk_client, KIOSK_ID, statuses, version="9.9.9")
    await sender.beat()
    statuses.current = KioskStatus("ready", 0, 0, None, staff_call_open=False, assisted_mode=True)
    await sender.beat()
    [seen] = await _fleet(central)
    assert statuses.asked == 2
    assert (seen["printer_status"], seen["outbox_depth"], seen["last_activity_at"]) == ("ready", 0, None)
    assert (seen["staff_call_open"], seen["assisted_mode"], seen["version"]) == (False, True, "9.9.9")


@pytest.mark.asyncio
async def test_an_outage_is_logged_once_and_its_end_once(
    kiosk_client: CentralClient, network: Network, central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    backs: list[None] = []
    sender = HeartbeatSender(
        kiosk_client, KIOSK_ID, Statuses(), clock=clock, on_back=lambda: backs.append(None)
    )
    assert await sender.beat()
    first_ack = sender.last_ack_at
    network.down = True
    with caplog.at_level(logging.INFO, logger="kiosk.central.heartbeat"):
        for _ in range(5):
            clock.advance(60)
            assert await sender.beat() is False
        failure = sender.last_failure
        assert isinstance(failure, Unavailable)
        assert sender.last_ack_at == first_ack  # the staff screen shows when the central last answered
        network.down = False
        clock.advance(60)
        assert await sender.beat() is True
    messages = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "kiosk.central.heartbeat"]
    assert len(messages) == 2, messages
    (down_level, down), (up_level, up) = messages
    assert down_level == logging.WARNING
    assert "unreachable" in down
    assert up_level == logging.INFO
    assert "5 missed beats" in up
    assert backs == [None]  # the app wakes its outbox courier then
    assert sender.last_ack_at == clock()
    assert sender.last_failure is None
    assert len(await _fleet(central)) == 1


@pytest.mark.asyncio
async def test_a_refused_token_is_an_error_for_staff(
    central: RunningCentral, caplog: pytest.LogCaptureFixture
) -> None:
    async with DemoClient(central.url, "not-this-kiosks-token") as wrong:
        sender = HeartbeatSender(wrong, KIOSK_ID, Statuses())
        with caplog.at_level(logging.INFO, logger="kiosk.central.heartbeat"):
            assert await sender.beat() is False
            assert await sender.beat() is False
    assert isinstance(sender.last_failure, Unauthorized)
    [logged] = [r for r in caplog.records if r.name == "kiosk.central.heartbeat"]
    assert logged.levelno == logging.ERROR
    assert "token" in logged.getMessage()


@pytest.mark.asyncio
async def test_the_loop_beats_then_waits_every_minute_until_cancelled(
    kiosk_client: CentralClient, network: Network
) -> None:
    slept: list[float] = []
    parked = asyncio.Event()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            parked.set()
            await asyncio.Event().wait()  # the loop stays here until cancelled

    statuses = Statuses()
    sender = HeartbeatSender(kiosk_client, KIOSK_ID, statuses, sleep=sleep)
    task = asyncio.ensure_future(sender.run())
    await wait_until(parked.is_set, what="three beats")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert slept == [60.0, 60.0, 60.0]
    assert statuses.asked == 3
    assert len(network.beats) == 3


@pytest.mark.asyncio
async def test_the_loop_goes_on_through_an_outage_and_a_kiosk_bug(
    kiosk_client: CentralClient, network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    slept: list[float] = []
    done = asyncio.Event()
    outcomes: list[str] = []

    async def status() -> KioskStatus:
        if len(slept) == 1:
            raise RuntimeError(f"printer driver said {CUSTOMER_NAME}")
        return STATUS

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        outcomes.append("acked" if sender.last_failure is None else "missed")
        network.down = len(slept) in (2, 3)
        if len(slept) == 5:
            done.set()
            await asyncio.Event().wait()

    sender = HeartbeatSender(kiosk_client, KIOSK_ID, status, every_seconds=30, sleep=sleep)
    with caplog.at_level(logging.INFO, logger="kiosk.central.heartbeat"):
        task = asyncio.ensure_future(sender.run())
        await wait_until(done.is_set, what="five beats")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert slept == [30.0] * 5
    # Beat 2 never left (the kiosk bug), 3 and 4 were lost, 5 got through.
    assert outcomes == ["acked", "acked", "missed", "missed", "acked"]
    logged = [r for r in caplog.records if r.name == "kiosk.central.heartbeat"]
    assert [r.levelno for r in logged] == [logging.ERROR, logging.WARNING, logging.INFO]
    assert "RuntimeError" in logged[0].getMessage()
    assert CUSTOMER_NAME not in caplog.text


@pytest.mark.asyncio
async def test_nothing_personal_is_sent_or_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A proxy or a central in trouble may answer anything; the log keeps its code and status only."""
    sent: list[dict[str, object]] = []

    def central_in_trouble(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        error = {"code": "maintenance", "message": f"down while serving {CUSTOMER_NAME}", "details": {}}
        return httpx.Response(503, json={"error": error})

    transport = httpx.MockTransport(central_in_trouble)
    async with DemoClient("http://central.test", "token", transport=transport, sleep=no_wait) as client:
        sender = HeartbeatSender(client, KIOSK_ID, Statuses())
        with caplog.at_level(logging.DEBUG, logger="kiosk"):
            assert await sender.beat() is False
    assert CUSTOMER_NAME not in caplog.text
    assert "maintenance" in caplog.text
    assert {frozenset(body) for body in sent} == {
        frozenset({"version", "printer_status", "pending_payments", "outbox_depth", "last_activity_at",
                   "staff_call_open", "assisted_mode"})
    }  # fmt: skip


@pytest.mark.asyncio
async def test_a_beat_interval_must_be_positive() -> None:
    async with DemoClient("http://central.test", "token") as client:
        with pytest.raises(ValueError, match="every_seconds"):
            HeartbeatSender(client, KIOSK_ID, Statuses(), every_seconds=0)
