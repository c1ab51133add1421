"""The central killed -9, again and again, while kiosks take payments and send requests: no promise breaks.

The reference central runs as a real process of its own (:mod:`tests.faults.harness.central_process`: the code
of ``kiosk central --demo``), on a SQLite file on disk. Its first start is killed while it creates the
database; then a killer sends it SIGKILL after a random few to ~200 ms of work, keeps it dead for a while
(sometimes kills it again while it starts), and starts it again on the same file and port; the kiosks'
requests then meet a closed port, a connection cut mid-answer, or a transaction the central committed whose
answer never left it. Meanwhile, on real sockets:

* payments: a kiosk's customers (drawn from ``random.Random(f"central-kill/{seed}/payments/{epoch}")``) show a
  QR and pay, pay twice, cancel with the money on its way, walk away and pay from the bus, or see the kiosk
  restart with the QR on screen. The bank delivers each notice in the background and, like a bank, sends it
  again (with the same transaction id) until the central acknowledges it. After a handful of customers (an
  epoch) the killer is held off, the kiosk reconciles, :mod:`tests.faults.invariants.payments` judges the
  central's file and the journal, and every acknowledged notice must be recorded once, as acknowledged;
  then the central's payment tables are put back to the demo seed for the next epoch.
* the outbox: customers submit service requests (forms filled in from the central's catalogue, codes read from
  the demo's SMS gateway and verified) and outage reports; the screen waits for its delivery up to a drawn
  deadline; the kiosk sometimes restarts; the courier's background loop runs all along. At the end, with the
  central up, the courier drains and :mod:`tests.faults.invariants.requests` judges.

What the seed fixes is the plan (who does what, the killer's delays); where a kill lands depends on timing.
Scale up or replay a plan (``-n0``: in this process, so that the summary is printed)::

    CENTRAL_KILL_ROUNDS=150 CENTRAL_KILL_SEED=<seed> python3 -m pytest tests/faults/test_central_kill.py -n0 -k under

``CENTRAL_KILL_MODE=exec`` starts each central as ``python -m kiosk central`` (a second or more each);
``CENTRAL_KILL_REPORT`` names a JSON file for the summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import random
import sqlite3
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import httpx
import pytest

from kiosk.central.errors import CentralError, Unavailable
from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient, new_transaction_id
from kiosk.payments.journal import JournalPayment, Order, PaymentState
from kiosk.requests.records import Delivery
from kiosk_central.db import open_database
from tests.faults.harness.bank import Notice as Transaction
from tests.faults.harness.central import CUSTOMERS, TTL, CentralSeed, FakeClock, no_wait
from tests.faults.harness.central_process import LISTENING, CentralProcess
from tests.faults.harness.payments import Kiosk, ReceiptRoll, demo_orders
from tests.faults.harness.requests import RequestKiosk, Submission, outage_report, service_request
from tests.faults.invariants import payments as payment_invariants
from tests.faults.invariants import requests as request_invariants
from tests.faults.invariants.reading import (
    central_mark,
    connect_read_only,
    copy_database,
    read_central_payments,
    read_central_submissions,
    read_journal,
    read_outbox,
)
from tests.faults.invariants.violations import InvariantError, Violation
from tests.helpers.central import KIOSK_ID, TOKEN

DEFAULT_SEED = 20261207
SEED = int(os.environ.get("CENTRAL_KILL_SEED", str(DEFAULT_SEED)))
ROUNDS = int(os.environ.get("CENTRAL_KILL_ROUNDS", "30"))
MODE = os.environ.get("CENTRAL_KILL_MODE", "fork")
REPORT = os.environ.get("CENTRAL_KILL_REPORT")
MAX_FAILURES_LISTED = 20

# The kiosks' client: a short timeout (the central answers in milliseconds; a dead one never does).
CLIENT_TIMEOUT = 1.0
# How long the bank keeps re-sending one notice, and a customer asking for codes, before the test gives up.
PATIENCE = 60.0
# The number of the bank-notice check (apart from the four payment invariants and what may follow them): a
# notice the central acknowledged said "this money is recorded"; the central must have it, once, as acknowledged.
NOTICES_RECORDED = 9

OUTBOX_TOKEN = "central-kill-outbox-kiosk-token"
BANK_TOKEN = "central-kill-bank-token"
# The codes are asked for under many tokens: the central allows a kiosk 5 codes a minute (against SMS
# pumping, measured by its own tests), and this test's customers come faster than any kiosk's.
PHONE_TOKENS = [f"central-kill-phone-token-{n:02d}" for n in range(32)]
TOKENS = [
    f"{KIOSK_ID}={TOKEN}",
    f"K-OUTBOX={OUTBOX_TOKEN}",
    f"BANK={BANK_TOKEN}",
    *(f"PHONE-{n:02d}={token}" for n, token in enumerate(PHONE_TOKENS)),
]


# ---------------------------------------------------------------------------------------------- reach
@dataclass
class Reach:
    """What the run reached, per family, for the summary (and the assertions that the faults happened)."""

    seed: int = SEED
    mode: str = MODE
    seconds: float = 0.0
    kills: int = 0
    kills_while_starting: int = 0
    first_start_killed: bool = False  # before it listened
    kills_in_flight: Counter[str] = field(default_factory=Counter)  # per family with a request in flight
    kills_with_any_in_flight: int = 0
    sent: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)  # a closed port: the central was dead
    cut: Counter[str] = field(default_factory=Counter)  # the connection broke mid-request
    timed_out: Counter[str] = field(default_factory=Counter)
    epochs: int = 0
    behaviours: Counter[str] = field(default_factory=Counter)
    escaped: Counter[str] = field(default_factory=Counter)
    journal: Counter[str] = field(default_factory=Counter)
    receipts: Counter[str] = field(default_factory=Counter)
    late_confirmations: int = 0
    refunds: Counter[str] = field(default_factory=Counter)
    notices: int = 0
    notices_resent: int = 0  # the same notice sent again: its acknowledgement had not come back
    notices_replayed: int = 0  # sent again on purpose after it was acknowledged
    items: Counter[str] = field(default_factory=Counter)
    at_screen: Counter[str] = field(default_factory=Counter)
    code_retries: int = 0
    outbox_restarts: int = 0
    delivered: int = 0
    central_rows: int = 0
    violations: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.violations += 1
        self.failures.append(what)

    def text(self) -> str:
        def counts(c: Counter[str]) -> str:
            return ", ".join(f"{k}={v}" for k, v in sorted(c.items())) or "none"

        return "\n".join(
            [
                f"central kill -9: {self.kills} kills (seed {self.seed}, {self.mode}) in {self.seconds:.1f} s",
                f"  kills while starting: {self.kills_while_starting} (the first start: {self.first_start_killed});"
                f" with a request in flight: "
                f"{self.kills_with_any_in_flight} ({counts(self.kills_in_flight)})",
                f"  requests sent: {counts(self.sent)}",
                f"  refused by a dead central: {counts(self.refused)}",
                f"  cut by a kill: {counts(self.cut)}; timed out: {counts(self.timed_out)}",
                f"  payments: {self.epochs} epochs checked; customers: {counts(self.behaviours)}",
                f"  kiosk payments: {counts(self.journal)}; receipts: {counts(self.receipts)}",
                f"  late confirmations: {self.late_confirmations}; refunds due: {counts(self.refunds)}",
                f"  bank notices acknowledged: {self.notices}; re-sent until acknowledged: {self.notices_resent};"
                f" replayed after: {self.notices_replayed}",
                f"  outbox items: {counts(self.items)}; the screen could say: {counts(self.at_screen)}",
                f"  codes asked again: {self.code_retries}; kiosk restarts: {self.outbox_restarts}",
                f"  delivered: {self.delivered}; central rows: {self.central_rows}",
                f"  escaped a screen: {counts(self.escaped)}",
                f"  violations: {self.violations}",
            ]
        )

    def as_json(self) -> dict[str, object]:
        return {
            k: (dict(v) if isinstance(v, Counter) else v) for k, v in vars(self).items() if k != "failures"
        }


class Wire(httpx.AsyncBaseTransport):
    """The real transport, counting one family's requests in flight and how they ended."""

    def __init__(self, family: str, reach: Reach, in_flight: Counter[str]) -> None:
        self.family = family
        self.reach = reach
        self.in_flight = in_flight
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.reach.sent[self.family] += 1
        self.in_flight[self.family] += 1
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()  # in flight until the whole answer is here
        except httpx.ConnectError:
            self.reach.refused[self.family] += 1
            raise
        except httpx.TimeoutException:
            self.reach.timed_out[self.family] += 1
            raise
        except httpx.TransportError:
            self.reach.cut[self.family] += 1
            raise
        finally:
            self.in_flight[self.family] -= 1
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


# ---------------------------------------------------------------------------------------------- the killer
class Killer:
    """Kills the central after a random few to ~200 ms, keeps it dead a while, starts it again; ``rounds``
    times. :meth:`calm` holds it off (the central up) while a family reconciles and checks."""

    def __init__(
        self, central: CentralProcess, rounds: int, reach: Reach, in_flight: Counter[str], seed: int
    ) -> None:
        self.central = central
        self.rounds = rounds
        self.reach = reach
        self.in_flight = in_flight
        self.rng = random.Random(f"central-kill/{seed}/killer")
        self._lock = asyncio.Lock()
        self.finished = asyncio.Event()

    @asynccontextmanager
    async def calm(self) -> AsyncIterator[None]:
        async with self._lock:  # the killer takes it for a whole kill-and-start: the central is up here
            yield

    async def run(self) -> None:
        try:
            while self.reach.kills < self.rounds:
                # Mostly a few ms to ~200 ms after it came up, to land mid-request and mid-transaction;
                # now and then longer, so that whole payments and deliveries also happen between kills.
                up = self.rng.uniform(0.005, 0.2) if self.rng.random() < 0.7 else self.rng.uniform(0.2, 1.0)
                await asyncio.sleep(up)
                async with self._lock:
                    await self._kill()
                    await asyncio.sleep(self.rng.choice((0.0, self.rng.uniform(0.0, 0.3))))
                    if self.rng.random() < 0.15 and self.reach.kills < self.rounds:
                        await self.central.spawn()
                        await asyncio.sleep(self.rng.uniform(0.0, 0.3))
                        if LISTENING not in self.central.log_text():
                            self.reach.kills_while_starting += 1
                        await self._kill()
                    await self.central.start()
        finally:
            self.finished.set()

    async def _kill(self) -> None:
        busy = [family for family, n in self.in_flight.items() if n > 0]
        await self.central.kill()
        self.reach.kills += 1
        self.reach.kills_in_flight.update(busy)
        self.reach.kills_with_any_in_flight += bool(busy)


# ---------------------------------------------------------------------------------------------- the bank
@dataclass(frozen=True)
class Notice:
    """A bank notice the central acknowledged: what it said it recorded."""

    transaction_id: str
    reference: str
    amount: int
    outcome: str


class Bank:
    """Delivers money notices in the background, each re-sent with its transaction id until acknowledged."""

    def __init__(self, client: DemoClient, reach: Reach) -> None:
        self.client = client
        self.reach = reach
        self.acknowledged: list[Notice] = []
        self.tasks: set[asyncio.Task[Notice]] = set()

    def pay(self, reference: str, amount: int, transaction_id: str | None = None) -> asyncio.Task[Notice]:
        task = asyncio.ensure_future(self._deliver(reference, amount, transaction_id or new_transaction_id()))
        self.tasks.add(task)
        return task

    async def _deliver(self, reference: str, amount: int, transaction_id: str) -> Notice:
        deadline = time.monotonic() + PATIENCE
        attempts = 0
        while True:
            attempts += 1
            try:
                answer = await self.client.sim_bank_transfer(reference, amount, transaction_id=transaction_id)
                break
            except Unavailable:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.02)
        self.reach.notices_resent += attempts - 1
        notice = Notice(transaction_id, answer.reference, answer.amount, answer.outcome)
        if (notice.reference, notice.amount) != (reference, amount):
            raise AssertionError(f"the central acknowledged {notice} for {reference} {amount}")
        self.acknowledged.append(notice)
        return notice

    async def settle(self) -> list[str]:
        """Every notice delivered; what went wrong with those that were not."""
        results = await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()
        return [f"a bank notice failed: {r!r}" for r in results if isinstance(r, BaseException)]


def read_bank_transfers(db_path: Path) -> list[tuple[str | None, str, int, str]]:
    conn = connect_read_only(db_path)
    try:
        rows = conn.execute(
            "SELECT transaction_id, reference, amount, outcome FROM bank_transfers ORDER BY id"
        )
        return [(r["transaction_id"], r["reference"], r["amount"], r["outcome"]) for r in rows]
    finally:
        conn.close()


def notices_recorded(
    transfers: Sequence[tuple[str | None, str, int, str]], acknowledged: Sequence[Notice]
) -> list[Violation]:
    """Every notice the central acknowledged is in its ``bank_transfers`` once, with the reference, amount
    and outcome it acknowledged (a re-sent one answered as the first); and nothing else is there."""
    found: list[str] = []
    rows: dict[str | None, list[tuple[str | None, str, int, str]]] = {}
    for row in transfers:
        rows.setdefault(row[0], []).append(row)
    acked: dict[str, Notice] = {}
    for notice in acknowledged:
        first = acked.setdefault(notice.transaction_id, notice)
        if first != notice:
            found.append(f"notice {notice.transaction_id} acknowledged as {first} and as {notice}")
    for transaction_id, notice in acked.items():
        mine = rows.get(transaction_id, [])
        if len(mine) != 1:
            found.append(
                f"notice {transaction_id} ({notice.outcome}) acknowledged, recorded {len(mine)} times"
            )
        elif mine[0][1:] != (notice.reference, notice.amount, notice.outcome):
            found.append(f"notice {transaction_id} acknowledged as {notice}, recorded as {mine[0]}")
    found += [
        f"transfer {transaction_id} recorded, never acknowledged to the bank"
        for transaction_id in rows
        if transaction_id not in acked
    ]
    return [Violation(NOTICES_RECORDED, m) for m in found]


# ---------------------------------------------------------------------------------------------- payments
class Behaviour(StrEnum):
    PAYS = "pays"
    PAYS_TWICE = "pays_twice"
    REPLAYED = "replayed"  # pays; the bank sends the acknowledged notice again
    CANCELS = "cancels"  # sometimes with the money already on its way
    WALKS_AWAY = "walks_away"  # sometimes pays from the bus
    RESTART = "restart"  # the kiosk restarts with the QR on screen; the customer pays meanwhile


class Customer:
    """One customer at the payment screen, with a central that may die at any moment."""

    def __init__(self, kiosk: Kiosk, bank: Bank, order: Order, rng: random.Random, reach: Reach) -> None:
        self.kiosk = kiosk
        self.bank = bank
        self.order = order
        self.rng = rng
        self.reach = reach

    async def wait_for_money(self, row: JournalPayment, seconds: float) -> JournalPayment:
        """The screen polls while the customer waits (the central may be dead meanwhile)."""
        deadline = time.monotonic() + seconds
        while row.in_flight and time.monotonic() < deadline:
            row = await self.kiosk.screen.poll(row.id)
            await asyncio.sleep(0.03)
        return row

    def pay(self, row: JournalPayment) -> asyncio.Task[Notice]:
        """The customer's banking app sends the money: the bank's notice is on its way from now."""
        assert row.reference is not None
        return self.bank.pay(row.reference, row.amount)

    async def finish(self, row: JournalPayment) -> None:
        row = await self.wait_for_money(row, seconds=self.rng.uniform(0.5, 3.0))
        await self.kiosk.screen.print_if_confirmed(row.id)
        self.kiosk.screen.leave(row.id)

    async def show_qr(self) -> JournalPayment | None:
        """Pay pressed; after "please try again later", pressed again a little later, up to three times
        (the app's periodic reconcile having followed up the failed attempt meanwhile)."""
        for _ in range(3):
            row = await self.kiosk.screen.show_qr(self.order)
            if row is not None and row.state is PaymentState.PENDING and row.reference is not None:
                return row
            if row is not None:
                self.kiosk.screen.leave(row.id)
            await asyncio.sleep(self.rng.uniform(0.05, 0.3))
            with contextlib.suppress(CentralError):
                await self.kiosk.keeper.reconcile()
        return None

    async def play(self, behaviour: Behaviour) -> None:
        row = await self.show_qr()
        if row is None:
            return
        await self.kiosk.screen.poll(row.id, self.rng.randint(0, 2))
        match behaviour:
            case Behaviour.PAYS:
                self.pay(row)
                await self.finish(row)
            case Behaviour.PAYS_TWICE:
                self.pay(row)
                await asyncio.sleep(self.rng.uniform(0, 0.2))
                self.pay(row)
                await self.finish(row)
            case Behaviour.REPLAYED:
                first = await self.pay(row)
                self.bank.pay(first.reference, first.amount, first.transaction_id)
                self.reach.notices_replayed += 1
                await self.finish(row)
            case Behaviour.CANCELS:
                if self.rng.random() < 0.4:
                    self.pay(row)  # the money was on its way when they pressed Cancel
                    await asyncio.sleep(self.rng.uniform(0, 0.1))
                await self.kiosk.screen.press_cancel(row.id)
            case Behaviour.WALKS_AWAY:
                await self.kiosk.screen.walk_away(row.id)
                if self.rng.random() < 0.5:
                    self.pay(row)  # from the bus
            case Behaviour.RESTART:
                self.kiosk.restart()
                if self.rng.random() < 0.7:
                    self.pay(row)
                with contextlib.suppress(CentralError):
                    await self.kiosk.keeper.reconcile()  # at start, the central perhaps dead


async def settle_payments(kiosk: Kiosk) -> None:
    """Everyone has left, the central is up: reconcile until nothing is open. More than one pass only when a
    request of the first outlasted the client's short timeout (the machine is shared and busy)."""
    for row in kiosk.journal.all():
        kiosk.keeper.detach(row.id)
    still_open: list[JournalPayment] = []
    for _ in range(5):
        still_open = await kiosk.keeper.reconcile(everything=True)
        if not still_open:
            return
    raise AssertionError(f"reconcile with the central up left {still_open}")


async def payments_family(
    run: Run, client: DemoClient, bank: Bank, orders: dict[str, tuple[Order, ...]], seed: CentralSeed
) -> None:
    for epoch in itertools.count(1):
        if run.killer.finished.is_set():
            return
        rng = random.Random(f"central-kill/{run.seed}/payments/{epoch}")
        journal = run.workdir / f"journal-{epoch}.sqlite3"
        desk = ReceiptRoll(works=rng.random() < 0.9)
        kiosk = Kiosk(client, journal, desk)
        replay = f"CENTRAL_KILL_SEED={run.seed} (payments, epoch {epoch})"
        try:
            for customer in rng.sample(CUSTOMERS, rng.randint(2, len(CUSTOMERS))):
                behaviour = rng.choice(list(Behaviour))
                order = orders[customer][rng.randint(1, len(orders[customer])) - 1]
                run.reach.behaviours[behaviour] += 1
                try:
                    await Customer(kiosk, bank, order, rng, run.reach).play(behaviour)
                except Exception as exc:  # the screens let no expected failure through: this is a finding
                    run.reach.escaped[f"payments:{type(exc).__name__}"] += 1
                    run.reach.fail(f"{replay}: {behaviour} {''.join(traceback.format_exception(exc)[-3:])}")
            for problem in await bank.settle():
                run.reach.fail(f"{replay}: {problem}")
            async with run.killer.calm():
                try:
                    await settle_payments(kiosk)
                except AssertionError as exc:
                    run.reach.fail(f"{replay}: {exc}")
                violations = check_payments(run.central.db_path, journal, desk.printed, bank.acknowledged)
                if violations:
                    run.reach.fail(f"{replay}: {InvariantError(violations)}")
                count_payments(run.reach, run.central.db_path, journal, bank)
                seed.restore()
                bank.acknowledged.clear()
        finally:
            kiosk.close()


def check_payments(
    db_path: Path, journal: Path, printed: Sequence[str], acknowledged: Sequence[Notice]
) -> list[Violation]:
    return [
        *payment_invariants.check(
            read_central_payments(db_path),
            read_journal(journal),
            printed,
            settled=True,
            bank=[Transaction(n.transaction_id, n.reference, n.amount) for n in acknowledged],
        ),
        # Beyond the money adding up: each was recorded with the outcome the bank was told.
        *notices_recorded(read_bank_transfers(db_path), acknowledged),
    ]


def count_payments(reach: Reach, db_path: Path, journal: Path, bank: Bank) -> None:
    reach.epochs += 1
    view = read_central_payments(db_path)
    reach.late_confirmations += sum(1 for p in view.payments.values() if p.late)
    reach.refunds.update(t.reason or "?" for t in view.transfers if t.outcome == "refund_due")
    reach.notices += len({n.transaction_id for n in bank.acknowledged})
    for row in read_journal(journal):
        reach.journal[row.state] += 1
        if row.receipt is not None:
            reach.receipts[row.receipt] += 1


# ---------------------------------------------------------------------------------------------- the outbox
class WallClock(FakeClock):
    """The kiosk's real clocks, in the shape :class:`RequestKiosk` takes: its courier really waits."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Phones:
    """Customers' codes, asked for under the tokens of :data:`PHONE_TOKENS` in turn; asked again (on a new
    phone) when the central died on the way: its demo SMS gateway keeps the codes in memory only."""

    def __init__(self, clients: Sequence[DemoClient], reach: Reach) -> None:
        self.clients = itertools.cycle(clients)
        self.reach = reach

    async def service_request(self, service: Service, rng: random.Random) -> Submission:
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                return await service_request(next(self.clients), service, rng)
            except CentralError:
                if time.monotonic() > deadline:
                    raise
                self.reach.code_retries += 1
                await asyncio.sleep(0.02)


async def requests_family(run: Run, client: DemoClient, phones: Phones, services: list[Service]) -> None:
    path = run.workdir / "outbox.sqlite3"
    mark = central_mark(run.central.db_path)
    kiosk = RequestKiosk(client, path, WallClock(), backoff=lambda _: 0.05)
    told: list[str] = []

    def start_loop() -> None:
        stop = asyncio.Event()
        kiosk.start(lambda: kiosk.courier.run(stop))

    start_loop()
    try:
        for number in itertools.count(1):
            if run.killer.finished.is_set():
                break
            rng = random.Random(f"central-kill/{run.seed}/outbox/{number}")
            if rng.random() < 0.7:
                submission = await phones.service_request(rng.choice(services), rng)
            else:
                submission = outage_report(rng)
            item = kiosk.outbox.add(submission.kind, submission.payload, submission.summary)
            told.append(item.reference)
            run.reach.items[submission.kind] += 1
            deadline = rng.choice((0.05, 0.3, 3.0))
            try:
                after = await asyncio.wait_for(kiosk.courier.deliver(item.id), deadline)
                run.reach.at_screen[after.state] += 1
            except TimeoutError:
                run.reach.at_screen["queued_at_deadline"] += 1
            if rng.random() < 0.15:
                await kiosk.restart()
                run.reach.outbox_restarts += 1
                start_loop()
            await asyncio.sleep(rng.uniform(0, 0.1))
        async with run.killer.calm():
            kiosk.courier.send_now()
            await kiosk.drain(seconds=30)
    except Exception as exc:
        run.reach.escaped[f"outbox:{type(exc).__name__}"] += 1
        run.reach.fail(
            f"CENTRAL_KILL_SEED={run.seed} (outbox) {''.join(traceback.format_exception(exc)[-3:])}"
        )
    finally:
        await kiosk.close()
    made, outbox = read_central_submissions(run.central.db_path, mark), read_outbox(path)
    violations = request_invariants.check(made, outbox, told)
    if violations:
        run.reach.fail(f"CENTRAL_KILL_SEED={run.seed} (outbox): {InvariantError(violations)}")
    run.reach.delivered += sum(1 for row in outbox if row.state == Delivery.DELIVERED)
    run.reach.central_rows += len(made)


# ---------------------------------------------------------------------------------------------- the run
@dataclass
class Run:
    seed: int
    workdir: Path
    central: CentralProcess
    killer: Killer
    reach: Reach


def clients(url: str, reach: Reach, in_flight: Counter[str]) -> dict[str, DemoClient]:
    """The kiosks' clients, the bank's, and the phones' (one per token), each family counted apart."""

    def client(token: str, family: str) -> DemoClient:
        return DemoClient(
            url,
            token,
            timeout=CLIENT_TIMEOUT,
            retries=2,
            transport=Wire(family, reach, in_flight),
            sleep=no_wait,
        )

    return {
        "payments": client(TOKEN, "payments"),
        "outbox": client(OUTBOX_TOKEN, "outbox"),
        "bank": client(BANK_TOKEN, "bank"),
        **{f"phone-{n}": client(token, "phones") for n, token in enumerate(PHONE_TOKENS)},
    }


async def close_all(made: dict[str, DemoClient]) -> None:
    for c in made.values():
        await c.aclose()


async def kill_run(workdir: Path, rounds: int, seed: int = SEED, mode: str = MODE) -> Reach:
    reach = Reach(seed=seed, mode=mode)
    in_flight: Counter[str] = Counter()
    central = CentralProcess(workdir / "central.db", TOKENS, payment_ttl=int(TTL.total_seconds()), mode=mode)
    started = time.perf_counter()
    # Its first start is killed too, while it creates the database and the demo's data (the start after it
    # must find a complete one: tests/central/test_central_first_start_killed.py).
    await central.spawn()
    await asyncio.sleep(random.Random(f"central-kill/{seed}/first-start").uniform(0.0, 0.3))
    reach.first_start_killed = LISTENING not in central.log_text()
    await central.kill()
    reach.kills += 1
    await central.start()
    try:
        made = clients(central.url, reach, in_flight)
        try:
            orders = await demo_orders(made["bank"])
            services = list((await made["bank"].services()).services)
            seed_state = CentralSeed(open_database(central.db_path))
            run = Run(seed, workdir, central, Killer(central, rounds, reach, in_flight, seed), reach)
            bank = Bank(made["bank"], reach)
            phones = Phones([c for name, c in made.items() if name.startswith("phone-")], reach)
            await asyncio.gather(
                run.killer.run(),
                payments_family(run, made["payments"], bank, orders, seed_state),
                requests_family(run, made["outbox"], phones, services),
            )
        finally:
            await close_all(made)
    finally:
        await central.close()
    reach.seconds = time.perf_counter() - started
    return reach


def report(reach: Reach, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + reach.text())
    if REPORT:
        Path(REPORT).write_text(json.dumps(reach.as_json(), indent=2, sort_keys=True), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_central_killed_under_payments_and_the_outbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)  # every kill logs retries and unknown outcomes; an error still shows
    reach = await kill_run(tmp_path, ROUNDS)
    report(reach, capsys)
    # The keeper and the courier log a bug of their own as an error (and go on): none is expected here.
    kiosk_errors = [r.getMessage() for r in caplog.records if r.name.startswith("kiosk")]
    assert kiosk_errors == [], kiosk_errors[:5]
    if reach.violations:
        pytest.fail(
            f"{reach.violations} broken promise(s) (seed {SEED}):\n\n"
            + "\n\n".join(reach.failures[:MAX_FAILURES_LISTED]),
            pytrace=False,
        )
    assert reach.kills == ROUNDS
    assert reach.delivered == reach.central_rows == sum(reach.items.values())
    if ROUNDS < 10:
        return  # a replay of a few kills need not reach everything below
    # The kills landed where they matter: mid-request, and the kiosks saw a dead central.
    assert reach.kills_with_any_in_flight > 0
    assert reach.refused["payments"] + reach.refused["outbox"] > 0
    assert reach.epochs > 0
    assert reach.journal["confirmed"] > 0
    assert reach.notices_resent > 0
    assert reach.delivered > 0


# ---------------------------------------------------------------------------------------------- the checks can fail


def corrupted(source: Path, target: Path, sql: str) -> Path:
    copy_database(source, target)
    conn = sqlite3.connect(target)
    try:
        with conn:
            changed = conn.execute(sql).rowcount
    finally:
        conn.close()
    assert changed == 1, f"{sql!r} changed {changed} rows"
    return target


@pytest.mark.asyncio
async def test_the_checks_find_a_corrupted_state(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A customer pays with the central killed while the bank's notice and the kiosk's polls are on their way,
    and an outage report is delivered across another kill: the checks pass. Then one record at a time is
    lost or altered, on a copy, and the checks say so."""
    caplog.set_level(logging.ERROR)
    reach, in_flight = Reach(), Counter[str]()
    central = CentralProcess(tmp_path / "central.db", TOKENS, payment_ttl=int(TTL.total_seconds()), mode=MODE)
    await central.start()
    made = clients(central.url, reach, in_flight)
    journal, outbox_path = tmp_path / "journal.sqlite3", tmp_path / "outbox.sqlite3"
    desk = ReceiptRoll()
    kiosk = Kiosk(made["payments"], journal, desk)
    requests = RequestKiosk(made["outbox"], outbox_path, WallClock(), backoff=lambda _: 0.05)
    try:
        mark = central_mark(central.db_path)
        orders = await demo_orders(made["bank"])
        row = await kiosk.screen.show_qr(orders[CUSTOMERS[0]][0])
        assert row is not None
        assert row.reference is not None
        bank = Bank(made["bank"], reach)
        bank.pay(row.reference, row.amount)
        await central.kill()
        await kiosk.screen.poll(row.id)  # refused: the central is dead
        await central.start()
        assert await bank.settle() == []
        report_ = outage_report(random.Random("central-kill/corrupted"))
        item = requests.outbox.add(report_.kind, report_.payload, report_.summary)
        await central.kill()
        assert (await requests.courier.deliver(item.id)).state is Delivery.QUEUED
        await central.start()
        await requests.drain(seconds=30)
        await settle_payments(kiosk)
        await central.kill()  # the checks below read the file as the dead central left it
        assert reach.refused["payments"] > 0
        assert reach.refused["outbox"] > 0
    finally:
        await requests.close()
        kiosk.close()
        await close_all(made)
        await central.close()

    db = central.db_path
    [notice] = bank.acknowledged
    assert check_payments(db, journal, desk.printed, bank.acknowledged) == []
    assert read_journal(journal)[0].state == "confirmed"
    assert (
        request_invariants.check(
            read_central_submissions(db, mark), read_outbox(outbox_path), [item.reference]
        )
        == []
    )

    def payments_found(central_db: Path, journal_db: Path, acknowledged: Sequence[Notice]) -> set[int]:
        return {v.invariant for v in check_payments(central_db, journal_db, desk.printed, acknowledged)}

    # The central lost the transfer the bank was told it had: the notice check, and money invariants, fail.
    lost_transfer = corrupted(db, tmp_path / "c1.db", "DELETE FROM bank_transfers")
    assert NOTICES_RECORDED in payments_found(lost_transfer, journal, bank.acknowledged)
    # It recorded another amount than it acknowledged (and than it applied to the payment: the money, 5).
    altered = corrupted(db, tmp_path / "c2.db", "UPDATE bank_transfers SET amount = amount - 1")
    assert payments_found(altered, journal, bank.acknowledged) == {5, NOTICES_RECORDED}
    # The bank holds an acknowledgement the central never recorded (its transaction id is unknown to it).
    phantom = Notice(new_transaction_id(), notice.reference, notice.amount, "applied")
    assert payments_found(db, journal, [notice, phantom]) == {5, NOTICES_RECORDED}
    # ... or the central recorded a notice the bank never had acknowledged.
    assert payments_found(db, journal, []) == {5, NOTICES_RECORDED}
    # The kiosk's journal lost the confirmed payment: the central has a paid payment no kiosk knows.
    lost_row = corrupted(journal, tmp_path / "j1.sqlite3", "DELETE FROM payments")
    assert payments_found(db, lost_row, bank.acknowledged) >= {2, 4}
    # The central lost the outage report the kiosk has as delivered.
    lost_report = corrupted(
        db, tmp_path / "c3.db", "DELETE FROM outage_reports WHERE client_reference IS NOT NULL"
    )
    found = request_invariants.check(
        read_central_submissions(lost_report, mark), read_outbox(outbox_path), [item.reference]
    )
    assert {v.invariant for v in found} >= {1}


@pytest.mark.slow
@pytest.mark.asyncio
async def test_the_console_script_killed_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A few kills of ``python -m kiosk central`` itself, a fresh interpreter each start (the run above forks
    its centrals from a launcher, for speed): the same code from the console script's entry point."""
    caplog.set_level(logging.ERROR)
    reach = await kill_run(tmp_path, 3, mode="exec")
    report(reach, capsys)
    assert reach.violations == 0, "\n\n".join(reach.failures[:MAX_FAILURES_LISTED])
    assert reach.kills == 3
    assert reach.delivered == reach.central_rows == sum(reach.items.values())
