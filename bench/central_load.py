"""The reference central under a fleet: kiosks heartbeating, QR screens watching their payments, lookups.

    python3 bench/central_load.py [--kiosks 1000] [--screens 200] [--lookups 20] [--seconds 60] [--warmup 15]
        [--configs auto|sqlite:1,sqlite:2,postgres:1,postgres:2] [--postgres URL|auto] [--watch auto|poll,wait]
        [--clients 2]

The central runs as users run it, ``kiosk central --demo --port 0 --db … [--workers N]``, in a child process, a
fresh database for every run. The fleet runs in ``--clients`` other processes (asyncio on httpcore, httpx's
transport; each kiosk with its own connections), each a share of:

- ``--kiosks`` kiosks, each with a token of its own (given to the central in KIOSK_CENTRAL_TOKENS), each posting
  its heartbeat every 30 s, their phases spread evenly over the 30 s;
- ``--screens`` QR screens always open: each asks for a payment of one customer's oldest unpaid bill (POST
  /v1/payments with an Idempotency-Key) and watches it, either ``poll`` (GET /v1/payments/{id} every
  ``--poll-seconds``, the kiosk's way before issue 24) or ``wait`` (GET /v1/payments/{id}?wait=25, the long poll:
  the central answers when the payment changes). Half the payments (``--paid-fraction``) are paid by a bank
  notice (POST /v1/sim/bank-transfers) sent at a random moment while the customer looks at the QR; the others are
  cancelled by the kiosk when the customer walks away. Each screen's QR stays ``--dwell`` s on average (0.5× to
  1.5×), then the next customer's payment is made;
- ``--lookups`` customer lookups a second, open loop (sent on time however slow the answers): GET the customer,
  then GET their unpaid bills, as a kiosk does when a code is typed.

The demo has eight customers and ten unpaid bills, and a bill with a live payment cannot get another, so 200
screens could not each show a payment of their own. Before the load starts, the bench clones the demo's first
customer (three unpaid bills) into as many customers as the run needs, row by row in the central's own database
(customers, meter readings, bills; codes and invoice numbers made unique), the way ``bench/soak.py`` resets its
bills. Every payment is then a real one, on a real unpaid bill, by the central's own rules.

Measured over ``--seconds`` after ``--warmup``, by request start time: per endpoint the throughput and p50/p99
latency (wall, at the client), errors (any answer but 2xx, or no answer 10 s after the window, counted with the
time it had waited); the central's own tracebacks (its log is thrown away with the run); the bank notice → kiosk
knows time (from the notice's answer to the answer of the watching screen's request that says "paid"; a watcher
that learns it first counts 0); the central's CPU (all its processes, and the throwaway PostgreSQL's) and each
client process's CPU and event-loop lateness, which say whether the client itself was the bottleneck. A long poll's
latency is the time the central held it, not a figure the 50 ms target is about: the "all but long polls" row
leaves it out.

Configurations: ``sqlite:1`` (the baseline) and ``sqlite:2``, ``postgres:1``, ``postgres:2`` (workers), each run
with each watch mode; ``auto`` runs those the installed central supports (``--workers`` and ``postgresql://`` in
``kiosk central --help``; a central that answers ``?wait`` at once has no long poll, and the ``wait`` runs are
skipped). ``--postgres URL`` is a server whose user may create databases (one per run, dropped after);
``--postgres auto`` starts a throwaway cluster (``initdb`` as user ``postgres`` in a temporary directory).
The p99 of every run is also given as a ratio to the ``sqlite:1`` poll run's, measured in the same invocation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import multiprocessing
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

T = TypeVar("T")
# The demo customer cloned for the screens: three unpaid bills, so each clone can be paid three times.
TEMPLATE_CUSTOMER = "PE01000123456"
# Clones are PE0100 + 7 digits from here on: no demo customer of unit PE0100 is numbered this high.
FIRST_CLONE_NUMBER = 5_000_000
# Looked up by the customers typing their code: the demo's own (the clones are busy paying).
LOOKUP_CUSTOMERS = ("PE01000123456", "PD02000234567", "PA12000345678", "PB05000456789", "PC03000567890")
# Long-poll probe: a demo customer whose one bill no screen pays.
PROBE_CUSTOMER = "PA02DH0890123"
HEARTBEAT_SECONDS = 30.0
LONG_POLL_SECONDS = 25
PG_BIN = Path("/usr/lib/postgresql/15/bin")

HEARTBEAT = "POST heartbeat"
CREATE = "POST payment"
POLL = "GET payment (poll)"
WAIT = "GET payment ?wait=25"
CANCEL = "POST payment cancel"
NOTICE = "POST bank notice"
CUSTOMER = "GET customer"
BILLS = "GET bills"
ENDPOINTS = (HEARTBEAT, CUSTOMER, BILLS, CREATE, POLL, WAIT, CANCEL, NOTICE)


# ---------------------------------------------------------------------------------------------- the fleet
@dataclass(frozen=True)
class Share:
    """What one client process runs: its kiosks, screens, customers and lookups, and the run's times."""

    url: str
    kiosks: list[tuple[str, str]]  # (kiosk id, token)
    screens: int
    customers: list[tuple[str, list[str]]]  # (code, unpaid bill ids oldest first), a pool of its own
    lookups_per_second: float
    watch: str  # "poll" or "wait"
    poll_seconds: float
    dwell: float
    paid_fraction: float
    start: float  # time.monotonic(): the same clock in every process on Linux
    window: tuple[float, float]
    seed: int


@dataclass
class ClientResult:
    # (endpoint, started, seconds, ok): only requests started inside the window.
    requests: list[tuple[str, float, float, bool]] = field(default_factory=list)
    notice_to_known: list[float] = field(default_factory=list)
    never_known: int = 0
    cpu_seconds: float = 0.0
    lateness: list[float] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # an example per endpoint


@dataclass(frozen=True)
class Caller:
    """A kiosk (or the bank) as the central sees it: its token, and its own connections."""

    token: str
    pool: httpcore.AsyncConnectionPool


class Fleet:
    """One client process's kiosks, screens and lookups, on one connection pool.

    Each kiosk has its own connections, as a real one does, in a small pool of httpcore's (httpx's own transport,
    used directly: httpx's client layers cost a third more CPU a request, measured here 3.7-4.6 ms against 2.2-3.1
    ms, and on a 2-core machine the fleet's client competes with the central for the same cores). One pool for the
    whole fleet was worse still: httpcore looks at every connection of a pool for each request it places, and with
    a connection per kiosk that was most of the client's CPU."""

    def __init__(self, share: Share, callers: dict[str, Caller], bank: Caller) -> None:
        self.share = share
        self.callers = callers
        self.bank_caller = bank
        self.result = ClientResult()
        self.rng = random.Random(share.seed)
        self.pool = list(share.customers)
        self.kiosk_ids = [kiosk_id for kiosk_id, _ in share.kiosks]
        self.stopping = False
        self.in_flight = 0
        self.cpu_at_start = time.process_time()
        self.idle = asyncio.Event()
        wait = LONG_POLL_SECONDS + 30
        self.extensions = {"timeout": {"connect": wait, "read": wait, "write": wait, "pool": wait}}
        self.tasks: set[asyncio.Task[Any]] = set()
        # Requests sent and not answered yet, by a ticket of their own: those still unanswered at the end are
        # counted as failed, with the time they had waited so far, rather than left out as if they had not been.
        self.unanswered: dict[object, tuple[str, float]] = {}

    def in_window(self, started: float) -> bool:
        return self.share.window[0] <= started < self.share.window[1]

    async def call(
        self,
        endpoint: str,
        method: str,
        path: str,
        caller: Caller,
        *,
        body: dict[str, Any] | None = None,
        key: str | None = None,
        long: bool = False,
    ) -> tuple[Any, float]:
        """One request, timed and recorded; the answer's JSON (None: an error, or no answer) and when it was read."""
        headers = [(b"Authorization", f"Bearer {caller.token}".encode())]
        content = b""
        if body is not None:
            content = json.dumps(body).encode()
            headers += [
                (b"Content-Type", b"application/json"),
                (b"Content-Length", str(len(content)).encode()),
            ]
        if key is not None:
            headers.append((b"Idempotency-Key", key.encode()))
        started = time.monotonic()
        ticket = object()
        if not long:
            self.in_flight += 1
            self.idle.clear()
            self.unanswered[ticket] = (endpoint, started)
        answer = None
        try:
            response = await caller.pool.request(
                method, self.share.url + path, headers=headers, content=content, extensions=self.extensions
            )
            ok = 200 <= response.status < 300
            answer = json.loads(response.content) if ok else None
            problem = f"{response.status} {response.content[:200]!r}"
        except (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError) as exc:
            ok, problem = False, f"{type(exc).__name__}: {exc}"
        finally:
            if not long:
                self.in_flight -= 1
                del self.unanswered[ticket]
                if not self.in_flight:
                    self.idle.set()
        done = time.monotonic()
        if self.in_window(started):
            self.result.requests.append((endpoint, started, done - started, ok))
        if not ok:
            self.result.errors.setdefault(endpoint, problem)
        return answer, done

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def until(self, moment: float) -> None:
        await asyncio.sleep(max(0.0, moment - time.monotonic()))

    # ------------------------------------------------------------------ kiosks
    async def kiosk(self, kiosk_id: str, phase: float) -> None:
        body = {
            "version": "load",
            "printer_status": "ok",
            "pending_payments": 0,
            "outbox_depth": 0,
            "last_activity_at": None,
        }
        beat = self.share.start + phase
        while beat < self.share.window[1]:
            await self.until(beat)
            await self.call(
                HEARTBEAT, "POST", f"/v1/kiosks/{kiosk_id}/heartbeat", self.callers[kiosk_id], body=body
            )
            beat += HEARTBEAT_SECONDS

    # ------------------------------------------------------------------ lookups
    async def lookup(self, code: str, kiosk: Caller) -> None:
        customer, _ = await self.call(CUSTOMER, "GET", f"/v1/customers/{code}", kiosk)
        if customer is not None:
            await self.call(BILLS, "GET", f"/v1/customers/{code}/bills", kiosk)

    async def lookups(self) -> None:
        if self.share.lookups_per_second <= 0:
            return
        every = 1 / self.share.lookups_per_second
        moment = self.share.start + self.rng.uniform(0, every)
        while moment < self.share.window[1]:
            await self.until(moment)
            kiosk = self.callers[self.rng.choice(self.kiosk_ids)]
            self.spawn(self.lookup(self.rng.choice(LOOKUP_CUSTOMERS), kiosk))
            moment += every

    # ------------------------------------------------------------------ QR screens
    async def screen(self, number: int) -> None:
        kiosk = self.callers[self.kiosk_ids[number % len(self.kiosk_ids)]]
        await self.until(self.share.start + self.rng.uniform(0, 2))
        payments = 0
        while not self.stopping and time.monotonic() < self.share.window[1]:
            if not self.pool:
                self.result.errors.setdefault("customers", "the pool of unpaid bills ran out")
                return
            code, bills = self.pool.pop(self.rng.randrange(len(self.pool)))
            # The first QR of each screen has been up for a while already when the load starts, so that the
            # screens do not all change customer at once.
            low = 0.05 if payments == 0 else 0.5
            dwell = self.share.dwell * self.rng.uniform(low, 1.5)
            # Exactly the fraction asked for, spread over each screen's payments.
            fraction = self.share.paid_fraction
            paid = int((payments + 1) * fraction + 0.5) > int(payments * fraction + 0.5)
            payments += 1
            created, _ = await self.call(
                CREATE,
                "POST",
                "/v1/payments",
                kiosk,
                body={"customer_code": code, "bill_ids": bills[:1], "method": "vietqr"},
                key=secrets.token_hex(16),
            )
            if created is None:
                self.pool.append((code, bills))
                await asyncio.sleep(1)
                continue
            payment = created
            notice: dict[str, float] = {}
            created_at = time.monotonic()
            if paid:
                self.spawn(self.bank(payment, created_at + dwell * self.rng.uniform(0.2, 0.8), notice))
            # A QR to be paid is watched until it is (up to a minute past its customer's time, then counted as never
            # known); one not paid until the customer walks away: the kiosk stops watching and cancels it.
            watcher = self.spawn(
                self.watch(payment["id"], kiosk, notice, created_at + dwell + 60 if paid else None)
            )
            done, _ = await asyncio.wait({watcher}, timeout=None if paid else dwell)
            status = watcher.result() if watcher in done else "pending"
            if watcher not in done:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
            if status == "paid":
                bills = bills[1:]
            elif status == "pending" and not self.stopping:
                await self.call(CANCEL, "POST", f"/v1/payments/{payment['id']}/cancel", kiosk)
            if bills:
                self.pool.append((code, bills))

    async def bank(self, payment: dict[str, Any], moment: float, notice: dict[str, float]) -> None:
        await self.until(moment)
        if self.stopping:
            return
        body = {
            "transaction_id": "FT" + secrets.token_hex(8).upper(),
            "reference": payment["reference"],
            "amount": payment["amount"],
        }
        answered, done = await self.call(
            NOTICE, "POST", "/v1/sim/bank-transfers", self.bank_caller, body=body
        )
        if answered is not None:
            notice["answered"] = done
            if "known" in notice:
                # The watcher learned it before the bank heard the central's acknowledgement: no wait at all.
                self.known_after_notice(done, done)

    def known_after_notice(self, answered: float, known: float) -> None:
        if self.in_window(answered):
            self.result.notice_to_known.append(max(0.0, known - answered))

    async def watch(
        self, payment_id: str, kiosk: Caller, notice: dict[str, float], give_up: float | None
    ) -> str:
        """Follow a payment until it is no longer pending (or until ``give_up``); its last known status."""
        long_poll = self.share.watch == "wait"
        path = f"/v1/payments/{payment_id}" + (f"?wait={LONG_POLL_SECONDS}" if long_poll else "")
        while not self.stopping:
            asked = time.monotonic()
            if give_up is not None and asked >= give_up:
                self.result.never_known += 1
                return "pending"
            if long_poll:
                # The central holds the answer until the status changes or the wait is over.
                answer, known = await self.call(WAIT, "GET", path, kiosk, long=True)
            else:
                answer, known = await self.call(POLL, "GET", path, kiosk)
            status = "pending" if answer is None else str(answer["status"])
            if status == "paid":
                notice["known"] = known
                if "answered" in notice:
                    self.known_after_notice(notice["answered"], known)
                return status
            if status != "pending":
                return status
            if not long_poll or known - asked < 1:
                # Polling, or a central that answers ?wait at once (no long poll): once a poll interval.
                await self.until(asked + self.share.poll_seconds)
        return "pending"

    # ------------------------------------------------------------------ the client's own health
    async def ticker(self) -> None:
        """The client's event-loop lateness and CPU over the window: a late loop inflates every latency."""
        await self.until(self.share.window[0])
        self.cpu_at_start = time.process_time()
        expected = time.monotonic()
        while time.monotonic() < self.share.window[1]:
            expected += 0.05
            await self.until(expected)
            now = time.monotonic()
            self.result.lateness.append(now - expected)
            # Late once is counted once: the next tick is due a tick after this one ran.
            expected = max(expected, now)

    async def run(self) -> ClientResult:
        share = self.share
        self.spawn(self.ticker())
        self.spawn(self.lookups())
        for i, kiosk_id in enumerate(self.kiosk_ids):
            self.spawn(self.kiosk(kiosk_id, HEARTBEAT_SECONDS * (i + self.rng.random()) / len(share.kiosks)))
        for number in range(share.screens):
            self.spawn(self.screen(number))
        await self.until(share.window[1])
        self.result.cpu_seconds = time.process_time() - self.cpu_at_start
        self.stopping = True
        # Requests sent inside the window are waited for (their latency counts); long polls are not.
        if self.in_flight:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.idle.wait(), 10)
        given_up = time.monotonic()
        for endpoint, started in self.unanswered.values():
            if self.in_window(started):
                self.result.requests.append((endpoint, started, given_up - started, False))
                self.result.errors.setdefault(endpoint, "no answer 10 s after the end of the window")
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        return self.result


async def _client_main(share: Share) -> ClientResult:
    # Idle connections are let go after 4 s, before uvicorn closes them (at 5 s): a request sent on a connection
    # the server is closing would fail for a reason no kiosk meets.
    def pool(size: int) -> httpcore.AsyncConnectionPool:
        return httpcore.AsyncConnectionPool(
            max_connections=size, max_keepalive_connections=size, retries=0, keepalive_expiry=4
        )

    async with contextlib.AsyncExitStack() as stack:
        # A kiosk makes a few requests at once at most (its QR's long poll, a heartbeat, a lookup): 4 connections.
        callers = {
            kiosk_id: Caller(token, await stack.enter_async_context(pool(4)))
            for kiosk_id, token in share.kiosks
        }
        # The bank speaks with the first kiosk's token: the demo's bank endpoint takes any kiosk's.
        bank = Caller(share.kiosks[0][1], await stack.enter_async_context(pool(64)))
        return await Fleet(share, callers, bank).run()


def _client_process(share: Share, results: Any) -> None:
    results.put(dataclasses.asdict(asyncio.run(_client_main(share))))


# ---------------------------------------------------------------------------------------------- the central
@dataclass(frozen=True)
class Config:
    database: str  # "sqlite" or "postgres"
    workers: int

    @property
    def name(self) -> str:
        return f"{self.database}:{self.workers}"


@dataclass
class Central:
    process: subprocess.Popen[str]
    url: str


def _kiosk_command() -> str:
    found = shutil.which("kiosk")
    if found is None:
        sys.exit("central_load: the `kiosk` command is not installed (pip install -e .)")
    return found


def central_help() -> str:
    done = subprocess.run(
        [_kiosk_command(), "central", "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


@contextlib.contextmanager
def running_central(db: str, workers: int, tokens: str, log: Path) -> Iterator[Central]:
    """``kiosk central --demo --port 0 --db DB [--workers N]``, as a user starts it, until the block ends."""
    command = [_kiosk_command(), "central", "--demo", "--port", "0", "--db", db]
    if workers != 1:
        command += ["--workers", str(workers)]
    env = {**os.environ, "KIOSK_CENTRAL_TOKENS": tokens}
    with log.open("w") as errors:
        # A session of its own, so that its worker processes can be stopped with it.
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env, start_new_session=True
        )
    try:
        url = None
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"listening on (\S+)", line)
            if found:
                url = found[1]
        if url is None:
            raise RuntimeError(f"the central did not start: {log.read_text()[-2000:]}")
        # Its later lines are few; closing our end would only make a print of the central's fail.
        _wait_healthy(url)
        yield Central(process, url)
    finally:
        _stop(process)


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/v1/health", timeout=5).is_success:
                return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            # Not longer: uvicorn's graceful stop waits for every long poll still held, to its end (up to 25 s),
            # even for a client that has gone; this central and its database are thrown away.
            process.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(15)


def _process_tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += parents.get(pid, [])
    return tree


def cpu_seconds(root: int | None) -> float:
    """User + system CPU of a process and its live descendants (the central's workers, PostgreSQL's backends)."""
    if root is None:
        return 0.0
    total = 0
    for pid in _process_tree(root):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------- databases
class Databases:
    """A fresh database for every run: a SQLite file, or a PostgreSQL database created (and dropped) on a server."""

    def __init__(self, scratch: Path, postgres: str | None) -> None:
        self.scratch = scratch
        self.postgres = postgres
        self.count = 0

    @contextlib.contextmanager
    def fresh(self, kind: str) -> Iterator[str]:
        self.count += 1
        if kind == "sqlite":
            yield str(self.scratch / f"central-{self.count}.sqlite3")
            return
        import psycopg

        assert self.postgres is not None
        name = f"kiosk_load_{os.getpid()}_{self.count}"
        with psycopg.connect(self.postgres, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(self.postgres)._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(self.postgres, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clone_customers(db: str, count: int) -> list[str]:
    """``count`` copies of the template customer (its readings and bills, paid and unpaid), in the central's own
    database; their codes. Columns are read from the table, so this follows the schema of either database."""
    codes = [f"{TEMPLATE_CUSTOMER[:6]}{FIRST_CLONE_NUMBER + n:07d}" for n in range(count)]
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as pg:
            _clone(pg.cursor(), "%s", codes)
        # The statistics a database in service has (autovacuum gathers them within a minute of such a change): without
        # them the planner may scan whole tables, and SERIALIZABLE then locks whole tables against each other.
        with psycopg.connect(db, autocommit=True) as pg:
            pg.execute("ANALYZE")
    else:
        lite = sqlite3.connect(db, timeout=60)
        try:
            with lite:
                _clone(lite.cursor(), "?", codes)
        finally:
            lite.close()
    return codes


def _clone(cursor: Any, mark: str, codes: list[str]) -> None:
    def columns(table: str) -> list[str]:
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        return [d[0] for d in cursor.description]

    def copy(table: str, key: str, rewrite: dict[str, tuple[str, int]]) -> None:
        # rewrite: column -> (SQL with placeholders, how many of them take the new code)
        names = columns(table)
        exprs = [rewrite.get(name, (name, 0))[0] for name in names]
        takes = sum(rewrite.get(name, (name, 0))[1] for name in names)
        sql = (
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM {table} WHERE {key} = ?"
        )
        rows = [(*[new] * takes, TEMPLATE_CUSTOMER) for new in codes]
        # Only the new code is a parameter; the template's code is a literal in replace(), made safe by its shape.
        assert re.fullmatch(r"[A-Z0-9]+", TEMPLATE_CUSTOMER)
        cursor.executemany(sql.replace("?", mark), rows)

    copy("customers", "code", {"code": ("?", 1)})
    for table in ("meter_readings", "daily_consumption"):
        copy(table, "customer_code", {"customer_code": ("?", 1)})
    copy(
        "bills",
        "customer_code",
        {
            "id": (f"replace(id, '{TEMPLATE_CUSTOMER}', ?)", 1),
            "customer_code": ("?", 1),
            # Unique across bills: the template's number and the clone's code.
            "invoice_number": ("invoice_number || '-' || ?", 1),
        },
    )


# ---------------------------------------------------------------------------------------------- a run
@dataclass
class RunResult:
    config: Config
    watch: str
    requests: list[tuple[str, float, float, bool]]
    notice_to_known: list[float]
    never_known: int
    seconds: float
    central_cpu: float
    database_cpu: float
    clients_cpu: list[float]
    lateness: list[float]
    errors: dict[str, str]
    load: float  # the machine's 1-minute load average at the window's end: how busy the rest of it was
    failures: tuple[
        int, str
    ]  # the central's own tracebacks (its log is thrown away with the run): how many, the last

    @property
    def label(self) -> str:
        return f"{self.config.name} {self.watch}"


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: a value that was measured, of which p % are at most it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _tokens(kiosks: int) -> list[tuple[str, str]]:
    return [(f"LOAD-{n:04d}", secrets.token_urlsafe(18)) for n in range(1, kiosks + 1)]


def _pool_size(args: argparse.Namespace) -> int:
    # Each screen pays about seconds/dwell × fraction bills; every clone has three. Twice that, and a clone per
    # screen at least, so that a screen never waits for a customer.
    payments = args.screens * (args.warmup + args.seconds + 10) / max(args.dwell * 0.5, 0.1)
    return int(max(2 * args.screens, payments * args.paid_fraction / 3 * 2 + args.screens)) + 4


def _unpaid_bills(url: str, token: str, code: str) -> list[str]:
    answer = httpx.get(
        f"{url}/v1/customers/{code}/bills", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    answer.raise_for_status()
    return [bill["id"] for bill in answer.json()["bills"]]


def probe_long_poll(url: str, token: str) -> bool:
    """Whether this central holds ``?wait``: a payment no one pays, asked with wait=2, answered after ~2 s."""
    headers = {"Authorization": f"Bearer {token}"}
    bills = _unpaid_bills(url, token, PROBE_CUSTOMER)
    made = httpx.post(
        f"{url}/v1/payments",
        json={"customer_code": PROBE_CUSTOMER, "bill_ids": bills[:1], "method": "vietqr"},
        headers={**headers, "Idempotency-Key": secrets.token_hex(16)},
        timeout=30,
    )
    made.raise_for_status()
    payment_id = made.json()["id"]
    started = time.monotonic()
    httpx.get(f"{url}/v1/payments/{payment_id}?wait=2", headers=headers, timeout=30).raise_for_status()
    held = time.monotonic() - started
    httpx.post(f"{url}/v1/payments/{payment_id}/cancel", headers=headers, timeout=30).raise_for_status()
    return held >= 1.5


def _failures(log: Path) -> tuple[int, str]:
    text = log.read_text(errors="replace")
    count = text.count("Traceback (most recent call last)")
    last = text[text.rfind("Traceback (most recent call last)") :] if count else ""
    return count, "\n".join(last.splitlines()[-12:])


def run_once(
    args: argparse.Namespace,
    config: Config,
    watch: str,
    databases: Databases,
    scratch: Path,
    pg_pid: int | None,
) -> RunResult:
    kiosks = _tokens(args.kiosks)
    tokens = ",".join(f"{kiosk_id}={token}" for kiosk_id, token in kiosks)
    log = scratch / f"central-{databases.count + 1}.log"
    with databases.fresh(config.database) as db, running_central(db, config.workers, tokens, log) as central:
        token = kiosks[0][1]
        codes = clone_customers(db, _pool_size(args))
        template_bills = _unpaid_bills(central.url, token, TEMPLATE_CUSTOMER)
        pool = [(code, [b.replace(TEMPLATE_CUSTOMER, code) for b in template_bills]) for code in codes]
        rng = random.Random(args.seed)
        rng.shuffle(pool)
        start = time.monotonic() + 2
        window = (start + args.warmup, start + args.warmup + args.seconds)
        n = args.clients
        shares = [
            Share(
                url=central.url,
                kiosks=kiosks[i::n],
                screens=len(range(i, args.screens, n)),
                customers=pool[i::n],
                lookups_per_second=args.lookups / n,
                watch=watch,
                poll_seconds=args.poll_seconds,
                dwell=args.dwell,
                paid_fraction=args.paid_fraction,
                start=start,
                window=window,
                seed=args.seed + i,
            )
            for i in range(n)
        ]
        spawn = multiprocessing.get_context("spawn")
        results = spawn.Queue()
        clients = [spawn.Process(target=_client_process, args=(share, results)) for share in shares]
        for client in clients:
            client.start()
        time.sleep(max(0.0, window[0] - time.monotonic()))
        cpu = cpu_seconds(central.process.pid), cpu_seconds(pg_pid)
        time.sleep(max(0.0, window[1] - time.monotonic()))
        central_cpu = cpu_seconds(central.process.pid) - cpu[0]
        load = os.getloadavg()[0]
        database_cpu = cpu_seconds(pg_pid) - cpu[1]
        gathered = [ClientResult(**results.get(timeout=args.warmup + args.seconds + 120)) for _ in clients]
        for client in clients:
            client.join(30)
    return RunResult(
        config=config,
        watch=watch,
        requests=[r for g in gathered for r in g.requests],
        notice_to_known=[t for g in gathered for t in g.notice_to_known],
        never_known=sum(g.never_known for g in gathered),
        seconds=args.seconds,
        central_cpu=central_cpu / args.seconds,
        database_cpu=database_cpu / args.seconds,
        clients_cpu=[g.cpu_seconds / args.seconds for g in gathered],
        lateness=[t for g in gathered for t in g.lateness],
        errors={k: v for g in gathered for k, v in g.errors.items()},
        load=load,
        failures=_failures(log),
    )


# ---------------------------------------------------------------------------------------------- reporting
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def short_p99(result: RunResult) -> float | None:
    times = [t for endpoint, _, t, _ in result.requests if endpoint != WAIT]
    return percentile(times, 99) if times else None


def knows(result: RunResult) -> str:
    if not result.notice_to_known:
        return "n/a"
    return f"{_ms(percentile(result.notice_to_known, 50))}/{_ms(percentile(result.notice_to_known, 99))}"


def report_run(result: RunResult, args: argparse.Namespace) -> None:
    print(
        f"\n[{result.label}] {args.kiosks} kiosks, {args.screens} QR screens, {args.lookups:g} lookups/s,"
        f" {args.seconds:g} s after {args.warmup:g} s of warm-up; offered: heartbeats {args.kiosks / 30:.1f}/s,"
        f" lookups {2 * args.lookups:g} requests/s, polls up to {args.screens / args.poll_seconds:g}/s (poll)"
    )
    lateness = percentile(result.lateness, 99) if result.lateness else 0.0
    cpus = ", ".join(f"{c:.0%}" for c in result.clients_cpu)
    database = f", PostgreSQL {result.database_cpu:.0%}" if result.config.database == "postgres" else ""
    print(
        f"CPU (of one core; the machine has {os.cpu_count()}): central {result.central_cpu:.0%}{database};"
        f" {len(result.clients_cpu)} client processes {cpus}, their event-loop lateness p99 {_ms(lateness)} ms;"
        f" load average {result.load:.1f}"
    )
    print(f"{'endpoint':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    by_endpoint: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for endpoint, _, seconds, ok in result.requests:
        by_endpoint[endpoint].append((seconds, ok))
    rows = [(e, by_endpoint[e]) for e in ENDPOINTS if by_endpoint[e]]
    short = [m for endpoint, measured in by_endpoint.items() if endpoint != WAIT for m in measured]
    rows.append(("all but long polls", short))
    for name, measured in rows:
        times = [t for t, _ in measured]
        failed = sum(1 for _, ok in measured if not ok)
        print(
            f"{name:<24} {len(measured) / result.seconds:>8.1f} {_ms(percentile(times, 50)):>8}"
            f" {_ms(percentile(times, 99)):>8} {failed:>7}"
        )
    if result.notice_to_known:
        print(
            f"bank notice -> kiosk knows p50 {_ms(percentile(result.notice_to_known, 50))} ms,"
            f" p99 {_ms(percentile(result.notice_to_known, 99))} ms, max {_ms(max(result.notice_to_known))} ms"
            f" ({len(result.notice_to_known)} payments; never known within a minute: {result.never_known})"
        )
    else:
        print("bank notice -> kiosk knows: no payment paid inside the window")
    for endpoint, problem in result.errors.items():
        print(f"  an error of {endpoint}: {problem}")
    count, last = result.failures
    if count:
        print(f"  the central logged {count} tracebacks; the end of the last:")
        print("\n".join(f"    {line}" for line in last.splitlines()))


def report_summary(results: list[RunResult], args: argparse.Namespace) -> None:
    baseline = next((r for r in results if r.config == Config("sqlite", 1) and r.watch == "poll"), None)
    base_p99 = short_p99(baseline) if baseline else None
    print("\nSummary (p99 of all but long polls; ratios to sqlite:1 poll in this run)")
    print(
        f"{'config':<10} {'watch':<6} {'req/s':>7} {'p99 ms':>8} {'x base':>7} {'errors':>7}"
        f" {'knows p50/p99 ms':>18} {'central CPU':>11}  target"
    )
    for result in results:
        p99 = short_p99(result)
        ratio = f"{p99 / base_p99:.2f}x" if p99 and base_p99 else "-"
        failed = sum(1 for *_, ok in result.requests if not ok)
        met = "-"
        full_fleet = args.kiosks >= 1000 and args.screens >= 200 and args.lookups >= 20
        if full_fleet and result.config == Config("postgres", 2) and p99 is not None:
            knows_p99 = percentile(result.notice_to_known, 99) if result.notice_to_known else None
            met = (
                "met"
                if p99 < 0.050 and knows_p99 is not None and knows_p99 < 1.0 and not failed
                else "not met"
            )
        print(
            f"{result.config.name:<10} {result.watch:<6} {len(result.requests) / result.seconds:>7.1f}"
            f" {_ms(p99) if p99 else '-':>8} {ratio:>7} {failed:>7} {knows(result):>18}"
            f" {result.central_cpu:>10.0%}  {met}"
        )
    print(
        "target (issue 24): p99 < 50 ms for all but long polls, bank notice -> kiosk knows p99 < 1 s,"
        " on postgres:2 with 1,000 kiosks, 200 QR screens and 20 lookups/s"
    )


# ---------------------------------------------------------------------------------------------- PostgreSQL
@contextlib.contextmanager
def throwaway_cluster(scratch: Path) -> Iterator[tuple[str, int]]:
    """A PostgreSQL 15 cluster of our own for the run (the server refuses to run as root: it runs as ``postgres``,
    in a directory that user owns); its URL and its postmaster's pid. Stopped and removed afterwards."""
    if not (PG_BIN / "initdb").exists():
        sys.exit(f"central_load: --postgres auto needs PostgreSQL 15 in {PG_BIN}")
    owner = pwd.getpwnam("postgres")
    home = Path(tempfile.mkdtemp(prefix="pg-load-", dir="/tmp"))
    os.chown(home, owner.pw_uid, owner.pw_gid)
    data = home / "data"
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_postgres,
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c max_connections=200"
    subprocess.run(
        [
            *as_postgres,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(home / "log"),
            "-o",
            options,
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", pid
    finally:
        subprocess.run(
            [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- main
def _configs(args: argparse.Namespace, help_text: str) -> list[Config]:
    workers = "--workers" in help_text
    postgres = "postgresql" in help_text
    if args.configs != "auto":
        configs = []
        for item in args.configs.split(","):
            found = re.fullmatch(r"(sqlite|postgres):([1-9])", item.strip())
            if found is None:
                sys.exit(f"central_load: {item!r} is not a configuration (sqlite:N or postgres:N, N workers)")
            configs.append(Config(found[1], int(found[2])))
    else:
        configs = [Config("sqlite", 1)]
        configs += [Config("sqlite", 2)] if workers else []
        configs += [Config("postgres", 1), Config("postgres", 2)] if args.postgres and postgres else []
        if not workers:
            print("This central has no --workers: only 1-worker configurations are run.")
        if args.postgres and not postgres:
            print("This central takes no postgresql:// database: the postgres configurations are skipped.")
        if not args.postgres:
            print("No --postgres given: the postgres configurations are skipped.")
        configs = [c for c in configs if c.workers == 1 or workers]
    for config in configs:
        if config.workers > 1 and not workers:
            sys.exit(f"central_load: this central has no --workers, so {config.name} cannot run")
        if config.database == "postgres" and not (postgres and args.postgres):
            sys.exit(f"central_load: {config.name} needs --postgres (and a central that takes postgresql://)")
    return configs


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kiosks", type=int, default=1000, help="kiosks heartbeating every 30 s")
    parser.add_argument("--screens", type=int, default=200, help="QR screens open at every moment")
    parser.add_argument("--lookups", type=float, default=20, help="customer lookups a second")
    parser.add_argument("--seconds", type=float, default=60, help="the measured time, after the warm-up")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of load before measuring")
    parser.add_argument("--dwell", type=float, default=30, help="seconds a QR stays on screen, on average")
    parser.add_argument("--paid-fraction", type=float, default=0.5, help="payments paid by a bank notice")
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="the poll interval of the poll mode")
    parser.add_argument(
        "--watch", default="auto", help="poll, wait or both (poll,wait); auto: those supported"
    )
    parser.add_argument("--configs", default="auto", help="sqlite:1,sqlite:2,postgres:1,postgres:2 or auto")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (postgresql://…), or auto")
    parser.add_argument("--clients", type=int, default=2, help="client processes that share the fleet")
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args()
    if min(args.kiosks, args.screens, args.clients) < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--kiosks, --screens and --clients are at least 1; --seconds more than 0")
    if not 0 <= args.paid_fraction <= 1:
        parser.error("--paid-fraction is between 0 and 1")
    help_text = central_help()
    configs = _configs(args, help_text)
    watches = ["poll", "wait"] if args.watch == "auto" else [w.strip() for w in args.watch.split(",")]
    if not set(watches) <= {"poll", "wait"}:
        parser.error("--watch is poll, wait, poll,wait or auto")
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="central-load-")))
        pg_pid = None
        if args.postgres == "auto" and any(c.database == "postgres" for c in configs):
            args.postgres, pg_pid = stack.enter_context(throwaway_cluster(scratch))
        databases = Databases(scratch, args.postgres)
        if "wait" in watches:
            tokens = _tokens(1)
            with (
                databases.fresh("sqlite") as db,
                running_central(db, 1, f"{tokens[0][0]}={tokens[0][1]}", scratch / "probe.log") as central,
            ):
                supported = probe_long_poll(central.url, tokens[0][1])
            if not supported:
                print("This central answers ?wait at once (it has no long poll): the wait runs are skipped.")
                if args.watch != "auto":
                    return 2
                watches.remove("wait")
        results = []
        for config in configs:
            for watch in watches:
                result = run_once(args, config, watch, databases, scratch, pg_pid)
                report_run(result, args)
                results.append(result)
        report_summary(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
