"""The demo central a fault suite shares, on a SQLite file or a PostgreSQL database, and its customers' orders."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import Order
from tests.faults.harness.central import TTL, CentralSeed
from tests.faults.harness.payments import demo_orders
from tests.helpers.central import RunningCentral, running_central


@contextmanager
def seeded(target: Path | str) -> Iterator[tuple[RunningCentral, CentralSeed]]:
    """A demo central on ``target`` (a SQLite file or a PostgreSQL database) and its seed, to put back."""
    with running_central(target, payment_ttl=TTL) as server:
        yield server, CentralSeed(server.database)


def load_orders(server: RunningCentral) -> dict[str, tuple[Order, ...]]:
    async def load() -> dict[str, tuple[Order, ...]]:
        async with DemoClient(server.url, server.token) as client:
            return await demo_orders(client)

    return asyncio.run(load())
