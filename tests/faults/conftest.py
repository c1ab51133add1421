"""One reference central for all the fault tests, put back to its demo seed before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.config import load_settings
from kiosk.config.settings import Settings
from kiosk.demo.settings import demo_overrides
from kiosk.demo.simulator import DemoClient
from kiosk.language.catalogs import Translator
from kiosk.payments.journal import Order
from tests.faults.harness.central import CentralSeed, no_wait
from tests.faults.harness.payments import AppDesk, Kiosk, ReceiptRoll
from tests.faults.harness.seeded import load_orders, seeded
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import FaultPlan, FaultyTransport

CLIENT_TIMEOUT = 0.5


@pytest.fixture(scope="session")
def seeded_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningCentral, CentralSeed]]:
    with seeded(tmp_path_factory.mktemp("central") / "central.db") as made:
        yield made


@pytest.fixture
def central(seeded_central: tuple[RunningCentral, CentralSeed]) -> RunningCentral:
    """The shared central with its payments as seeded (the clock moves only forward; it does not matter)."""
    server, seed = seeded_central
    seed.restore()
    return server


@pytest.fixture(scope="session")
def orders(seeded_central: tuple[RunningCentral, CentralSeed]) -> dict[str, tuple[Order, ...]]:
    """Each demo customer's orders for their 1, 2, ... oldest unpaid bills."""
    return load_orders(seeded_central[0])


@pytest.fixture
def plan() -> FaultPlan:
    return FaultPlan()


@pytest_asyncio.fixture
async def client(central: RunningCentral, plan: FaultPlan) -> AsyncIterator[DemoClient]:
    transport = FaultyTransport(plan, slow_seconds=0.01)
    # A short timeout: a too-slow answer outlasts it for real (the central answers here in milliseconds).
    async with DemoClient(
        central.url, central.token, timeout=CLIENT_TIMEOUT, retries=2, transport=transport, sleep=no_wait
    ) as c:
        yield c


@pytest.fixture
def desk() -> ReceiptRoll:
    return ReceiptRoll()


@pytest.fixture(scope="session")
def app_parts(
    seeded_central: tuple[RunningCentral, CentralSeed], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Settings, Translator]:
    """What the app's receipt desk needs, loaded once: the demo kiosk's settings and the words."""
    server, _ = seeded_central
    overrides = demo_overrides(server.url, server.token, tmp_path_factory.mktemp("app"))
    return load_settings(None, {}, overrides=overrides), Translator.load()


@pytest.fixture
def app_desk(app_parts: tuple[Settings, Translator], tmp_path: Path) -> Iterator[AppDesk]:
    """The app's receipt desk, through a print journal, onto a paper roll that keeps every receipt."""
    desk = AppDesk(*app_parts, tmp_path / "print-journal.sqlite3")
    yield desk
    desk.close()


@pytest.fixture
def kiosk(client: DemoClient, tmp_path: Path, desk: ReceiptRoll) -> Iterator[Kiosk]:
    k = Kiosk(client, tmp_path / "kiosk" / "payment-journal.sqlite3", desk)
    yield k
    k.close()
