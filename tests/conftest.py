from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral, running_central
from tests.helpers.postgres import PostgresServer, session_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    """A fresh demo central server with its own database."""
    with running_central(tmp_path / "central.db") as server:
        yield server


@pytest_asyncio.fixture
async def client(central: RunningCentral) -> AsyncIterator[DemoClient]:
    async with DemoClient(central.url, central.token, timeout=10.0) as c:
        yield c


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL (tests/helpers/postgres.py: KIOSK_TEST_POSTGRES_URL, or a throwaway cluster of
    this worker's own); a test that asks for it is skipped without one, or fails in CI."""
    with session_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """A new, empty PostgreSQL database of this test's own (its URL), dropped after the test."""
    with postgres.fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The central's database, once on each engine: a SQLite file (its path, not created yet) in the test's
    tmp_path, or a fresh PostgreSQL database's URL (``postgresql://…``)."""
    if request.param == "sqlite":
        yield str(tmp_path / "central.db")
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A demo central's database, once on each engine: a SQLite file the central seeds when it starts, or a copy of
    the session's seeded PostgreSQL database (seeding PostgreSQL takes seconds; the copy, milliseconds)."""
    if request.param == "sqlite":
        yield str(tmp_path / "central.db")
    else:
        postgres: PostgresServer = request.getfixturevalue("postgres")
        with postgres.fresh_database(demo=True) as url:
            yield url
