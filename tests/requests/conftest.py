"""A kiosk's request side against a fresh reference central on loopback, through the fault-injecting
transport of the fault suite, with a clock that the courier's sleeps move."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.outbox import OUTBOX_FILE_NAME
from tests.faults.harness.central import FakeClock, no_wait
from tests.faults.harness.requests import HoldingTransport, RequestKiosk, SubmitFaults
from tests.faults.invariants.reading import CentralMark, central_mark
from tests.helpers.central import RunningCentral, running_central
from tests.helpers.faulty_transport import FaultyTransport


@dataclass(frozen=True)
class Line:
    """The kiosk's network: faults at submit, and a submission held in flight on demand."""

    faults: SubmitFaults
    faulty: FaultyTransport
    holding: HoldingTransport


@pytest.fixture(scope="session")
def shared_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCentral]:
    with running_central(tmp_path_factory.mktemp("requests-central") / "central.db") as server:
        yield server


@pytest.fixture
def central(shared_central: RunningCentral) -> RunningCentral:
    """One demo central for these tests (a fresh one per test costs more than the test): each test reads
    only the submissions made after its :func:`mark`, and uses phones of its own for one-time codes."""
    return shared_central


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def line(clock: FakeClock) -> Line:
    faults = SubmitFaults(clock=clock)
    faulty = FaultyTransport(faults, slow_seconds=0.01)
    return Line(faults, faulty, HoldingTransport(faulty))


@pytest_asyncio.fixture
async def kiosk_client(central: RunningCentral, line: Line) -> AsyncIterator[DemoClient]:
    """The kiosk's client: the central through the faults, retried twice without waiting."""
    async with DemoClient(
        central.url, central.token, timeout=5.0, retries=2, transport=line.holding, sleep=no_wait
    ) as c:
        yield c


@pytest_asyncio.fixture
async def kiosk(kiosk_client: DemoClient, tmp_path: Path, clock: FakeClock) -> AsyncIterator[RequestKiosk]:
    k = RequestKiosk(kiosk_client, tmp_path / "kiosk" / OUTBOX_FILE_NAME, clock)
    yield k
    await k.close()


@pytest.fixture
def mark(central: RunningCentral) -> CentralMark:
    """Where the central's submissions end before the test (the demo seed has some of its own)."""
    return central_mark(central.db_path)


@pytest_asyncio.fixture
async def services(client: DemoClient) -> dict[str, Service]:
    return {s.code: s for s in (await client.services()).services}
