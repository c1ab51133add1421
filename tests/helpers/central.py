"""A real reference central server on loopback, in a thread of the test process."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn

from kiosk_central.app import ServerSettings, create_app
from kiosk_central.clock import Clock
from kiosk_central.db import Database, Row, open_database
from kiosk_central.grants import Grant
from kiosk_central.service_requests import OtpLimits

TOKEN = "test-kiosk-token"
FLEET_TOKEN = "test-office-fleet-token"
# The kiosk a test's token belongs to: the demo kiosk's id, which test kiosks keep (kiosk.demo.settings).
KIOSK_ID = "DEMO-01"
TEST_GRANTS: Mapping[str, Grant] = {TOKEN: Grant(kiosk_id=KIOSK_ID), FLEET_TOKEN: Grant(fleet=True)}
# A test's central has one token for everything the test does, and some tests send a code for each of the twelve
# services within a minute: the limits against SMS pumping are measured by their own tests
# (tests/central/test_central_otp_limits.py), with the server's defaults.
ROOMY_OTP_LIMITS = OtpLimits(per_phone_hour=10_000, per_sender_minute=10_000, per_sender_hour=10_000)


@dataclass(frozen=True)
class RunningCentral:
    url: str
    token: str
    # The SQLite file, for the tests that break or copy it; a PostgreSQL central's is None.
    db_path: Path
    clock: Clock
    # The central's database, as the server opens it: a test reads (and the office writes) through it, in the
    # same words on SQLite and PostgreSQL.
    database: Database
    # The office's token, for reading the fleet as the office's monitoring does.
    fleet_token: str = FLEET_TOKEN

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """What a query of the central's database answers, in one read transaction."""
        return self.database.read(lambda c: c.execute(sql, params).fetchall())

    def values(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The same as plain tuples, to compare with tuples."""
        return [tuple(r) for r in self.rows(sql, params)]

    def change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Change the central's database behind its back (as the office's own tools do); the rows changed."""
        return self.database.write(lambda c: c.execute(sql, params).rowcount)


@contextmanager
def running_central(
    db_path: Path | str,
    *,
    demo: bool = True,
    payment_ttl: timedelta = timedelta(minutes=15),
    otp_limits: OtpLimits = ROOMY_OTP_LIMITS,
    tokens: Mapping[str, Grant] = TEST_GRANTS,
) -> Iterator[RunningCentral]:
    clock = Clock()
    settings = ServerSettings(
        database=db_path, tokens=tokens, demo=demo, payment_ttl=payment_ttl, otp_limits=otp_limits
    )
    app = create_app(settings, clock)
    # A TCP socket by name: asyncio then turns Nagle off on each connection, as on `kiosk central`'s.
    sock = socket.socket(proto=socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, date_header=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    database = open_database(db_path)
    try:
        yield RunningCentral(
            url=f"http://127.0.0.1:{port}",
            token=TOKEN,
            db_path=db_path if isinstance(db_path, Path) else None,  # type: ignore[arg-type]
            clock=clock,
            database=database,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database.close()
