"""The world around a kiosk under test, shared by the payment and the request fault suites: the demo central's
customers and seed, a clock that moves only when told, and where long runs keep their files.

The central is the real reference server (:mod:`tests.helpers.central`); only its payment tables are reset,
by SQL on its database (SQLite or PostgreSQL), so one server serves a whole run.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk_central.db import Connection, Database

__all__ = [
    "CUSTOMERS",
    "KIOSK_ID",
    "TTL",
    "CentralSeed",
    "FakeClock",
    "fast_directory",
    "no_wait",
    "remove_database",
    "wait_until",
]

# How long the central holds a payment QR open in these tests.
TTL = timedelta(minutes=5)
KIOSK_ID = "K-01"

# The demo customers with unpaid bills (kiosk_central.demo): PE01000123456 has three, the others one.
CUSTOMERS = ("PE01000123456", "PD02000234567", "PA12000345678", "PQ01000678901", "PC03000567890")


async def no_wait(_: float) -> None:
    """The client's backoff sleep: nothing really waits in these tests."""


class CentralSeed:
    """The demo central's payment state as seeded; :meth:`restore` puts it back between scenarios.

    The seed marks most of each customer's history paid (``paid_by = 'bank_app'``); those values are
    snapshotted when this is made, before any test touched the bills, and written back exactly.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.bills: list[tuple[str | None, str | None, str]] = [
            (paid_at, paid_by, bill_id)
            for bill_id, paid_at, paid_by in database.read(
                lambda c: c.execute("SELECT id, paid_at, paid_by FROM bills ORDER BY id").fetchall()
            )
        ]
        if database.read(lambda c: c.execute("SELECT count(*) FROM payments").fetchone()[0]):
            raise AssertionError("the central already has payments: snapshot its seed before using it")

    def restore(self) -> None:
        self.database.write(self._restore)

    def _restore(self, conn: Connection) -> None:
        conn.execute("DELETE FROM bank_transfers")
        conn.execute("DELETE FROM payment_bills")
        conn.execute("DELETE FROM payments")
        conn.executemany("UPDATE bills SET paid_at = ?, paid_by = ? WHERE id = ?", self.bills)


class FakeClock:
    """Aware UTC time that moves only when told, or when the courier sleeps: its sleep moves the clock by
    the time asked and returns at once, so the backoff's minutes pass in no time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)
        self.slept = 0.0
        self.elapsed = 0.0  # the monotonic clock: time that passed, never set

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, seconds: float) -> None:
        """Time passes: both clocks move."""
        self.now += timedelta(seconds=seconds)
        self.elapsed += seconds

    def jump(self, seconds: float) -> None:
        """The wall clock is set (NTP, an operator, a dead RTC battery): only it moves, by ``seconds``, either
        way; the monotonic clock does not."""
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        self.slept += seconds
        await asyncio.sleep(0)


async def wait_until(condition: Callable[[], bool], *, seconds: float = 10.0, what: str = "") -> None:
    """Let the event loop run until ``condition()`` holds; AssertionError after ``seconds`` of real time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {seconds:g} s: {what or condition}")
        await asyncio.sleep(0.002)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fast_directory(fallback: Path) -> Path:
    """Where a long run keeps the central's database and the outboxes: in memory when the machine has a
    tmpfs (both are ``synchronous=FULL``; the fsyncs are not what the run is about: the kill test, on the
    real disk, is)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="outbox-faults-", dir=shm))
    return fallback
