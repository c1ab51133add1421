from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral, running_central

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
