"""The payment keeper against the real reference central on loopback, with faults injected in the network."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from kiosk.central.client import CentralClient
from kiosk.central.errors import Unavailable
from kiosk.central.models import Payment
from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import (
    JournalPayment,
    PaymentJournal,
    PaymentJournalError,
    PaymentState,
    ReceiptState,
)
from kiosk.payments.keeper import (
    OutcomeUnknownError,
    PaymentKeeper,
    PaymentRefusedError,
    QrRejectedError,
    ReceiptPrint,
    order_for,
)
from tests.helpers.central import RunningCentral, running_central
from tests.helpers.faulty_transport import Fault, FaultyTransport

CODE = "PE01000123456"


class Desk:
    """Records the receipts it was asked to print."""

    def __init__(self, printed: bool = True) -> None:
        self.printed = printed
        self.receipts: list[str] = []

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        assert payment.receipt_number is not None
        self.receipts.append(payment.receipt_number)
        return ReceiptPrint(self.printed, len(self.receipts))


class Network:
    """The fault for the next requests, by endpoint kind."""

    def __init__(self) -> None:
        self.faults: list[tuple[str, Fault]] = []

    def plan(self, request: httpx.Request) -> Fault | None:
        for i, (where, fault) in enumerate(self.faults):
            if where in f"{request.method} {request.url.path}":
                del self.faults[i]
                return fault
        return None


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(tmp_path / "central.db", payment_ttl=timedelta(minutes=5)) as server:
        yield server


@pytest.fixture
def network() -> Network:
    return Network()


@pytest_asyncio.fixture
async def client(central: RunningCentral, network: Network) -> AsyncIterator[CentralClient]:
    async def no_wait(_: float) -> None:
        return None

    transport = FaultyTransport(network.plan)
    async with DemoClient(
        central.url, central.token, timeout=5.0, retries=2, transport=transport, sleep=no_wait
    ) as c:
        yield c


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[PaymentJournal]:
    j = PaymentJournal(tmp_path / "kiosk" / "payments.sqlite3", kiosk_id="K-01")
    yield j
    j.close()


@pytest.fixture
def desk() -> Desk:
    return Desk()


@pytest.fixture
def keeper(client: CentralClient, journal: PaymentJournal, desk: Desk) -> PaymentKeeper:
    return PaymentKeeper(client, journal, desk)


async def order(client: CentralClient, count: int = 1, code: str = CODE) -> object:
    customer = await client.customer(code)
    bills = (await client.bills(code)).bills[:count]
    method = (await client.payment_methods()).methods[0]
    return order_for(customer, bills, method, "vi")


def central_payments(central: RunningCentral) -> list[sqlite3.Row]:
    with sqlite3.connect(central.db_path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM payments ORDER BY created_at").fetchall()


@pytest.mark.asyncio
async def test_a_paid_payment_is_confirmed_numbered_and_printed_once(
    keeper: PaymentKeeper, client: CentralClient, desk: Desk
) -> None:
    row = await keeper.open(await order(client, 2))  # type: ignore[arg-type]
    assert row.state is PaymentState.PENDING
    assert row.qr_payload
    assert row.reference
    assert row.amount == sum(b.amount for b in row.order.bills)
    assert keeper.in_flight_bill_ids() == set(row.order.bill_ids)

    assert (await keeper.refresh(row.id)).state is PaymentState.PENDING
    await client.sim_bank_transfer(row.reference, row.amount)
    confirmed = await keeper.refresh(row.id)
    assert confirmed.state is PaymentState.CONFIRMED
    assert confirmed.receipt is ReceiptState.DUE
    assert confirmed.receipt_number == f"K-01-{confirmed.created_at:%y%m%d}-{row.id:06d}"
    assert keeper.in_flight_bill_ids() == frozenset()

    printed = await keeper.print_receipt(row.id)
    again = await keeper.print_receipt(row.id)
    assert (printed.receipt, again.receipt, printed.receipt_job) == (ReceiptState.PRINTED,) * 2 + (1,)
    assert desk.receipts == [confirmed.receipt_number]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "fault", [Fault.LOSE_RESPONSE, Fault.ERROR_AFTER, Fault.TIMEOUT_AFTER, Fault.DUPLICATE, Fault.GARBAGE]
)
async def test_an_answer_lost_after_the_central_made_the_payment_never_makes_a_second(
    keeper: PaymentKeeper, client: CentralClient, central: RunningCentral, network: Network, fault: Fault
) -> None:
    network.faults = [("POST /v1/payments", fault)]
    try:
        row = await keeper.open(await order(client))  # type: ignore[arg-type]
    except OutcomeUnknownError as exc:  # garbage is not retried by the client: the keeper asks again
        assert fault is Fault.GARBAGE
        row = await keeper.create(exc.row.id)
    payments = central_payments(central)
    assert len(payments) == 1
    assert (payments[0]["id"], payments[0]["idempotency_key"]) == (row.payment_id, row.idempotency_key)


@pytest.mark.asyncio
async def test_while_the_central_is_unreachable_the_same_key_is_kept_and_used_again(
    keeper: PaymentKeeper,
    client: CentralClient,
    central: RunningCentral,
    network: Network,
    journal: PaymentJournal,
) -> None:
    network.faults = [("POST /v1/payments", Fault.LOSE_REQUEST)] * 3
    with pytest.raises(OutcomeUnknownError) as lost:
        await keeper.open(await order(client))  # type: ignore[arg-type]
    assert central_payments(central) == []
    assert [r.state for r in journal.all()] == [PaymentState.CREATING]
    # The bills are in flight until the central has answered: no second payment can be started for them.
    with pytest.raises(PaymentRefusedError):
        await keeper.open(await order(client))  # type: ignore[arg-type]
    row = await keeper.create(lost.value.row.id)
    assert row.state is PaymentState.PENDING
    assert [p["idempotency_key"] for p in central_payments(central)] == [lost.value.row.idempotency_key]
    assert len(journal.all()) == 1


@pytest.mark.asyncio
async def test_bills_paid_elsewhere_are_refused_without_a_payment(
    keeper: PaymentKeeper, client: CentralClient, central: RunningCentral
) -> None:
    the_order = await order(client)
    await client.sim_counter_payment(the_order.bills[0].bill_id)  # type: ignore[attr-defined]
    with pytest.raises(PaymentRefusedError) as refused:
        await keeper.open(the_order)  # type: ignore[arg-type]
    assert refused.value.code == "bill_already_paid"
    assert central_payments(central) == []
    assert keeper.in_flight_bill_ids() == frozenset()


class Tampering(CentralClient):
    """A central whose QR was altered on the way (its CRC no longer matches)."""

    async def create_payment(self, *args: object, **kwargs: object) -> Payment:
        payment = await super().create_payment(*args, **kwargs)  # type: ignore[arg-type]
        return payment.model_copy(update={"qr_payload": payment.qr_payload[:-4] + "0000"})


@pytest.mark.asyncio
async def test_a_qr_that_fails_the_checks_is_refused_and_its_payment_cancelled(
    central: RunningCentral, journal: PaymentJournal, client: CentralClient, caplog: pytest.LogCaptureFixture
) -> None:
    async with Tampering(central.url, central.token) as tampering:
        keeper = PaymentKeeper(tampering, journal, Desk())
        with pytest.raises(QrRejectedError):
            await keeper.open(await order(client))  # type: ignore[arg-type]
    [row] = journal.all()
    assert (row.state, row.central_status, row.abandoned) == (PaymentState.CLOSED, "cancelled", True)
    assert row.problem is not None
    assert row.problem.startswith("qr_refused")
    assert [p["status"] for p in central_payments(central)] == ["cancelled"]
    assert "QR refused, never shown" in caplog.text


@pytest.mark.asyncio
async def test_money_after_a_cancel_is_still_recorded_and_its_receipt_left_for_staff(
    keeper: PaymentKeeper, client: CentralClient, desk: Desk
) -> None:
    row = await keeper.open(await order(client))  # type: ignore[arg-type]
    cancelled = await keeper.cancel(row.id)
    keeper.detach(row.id)
    assert (cancelled.state, cancelled.central_status) == (PaymentState.CLOSED, "cancelled")
    assert cancelled.order.bill_ids[0] not in keeper.in_flight_bill_ids()

    await client.sim_bank_transfer(row.reference, row.amount)  # type: ignore[arg-type]
    assert await keeper.reconcile(everything=True) == []
    late = keeper.journal.get(row.id)
    assert (late.state, late.receipt) == (PaymentState.CONFIRMED, ReceiptState.FOR_STAFF)
    assert desk.receipts == []  # nobody was at the screen for it
    assert keeper.journal.receipts_for_staff() == [late]


@pytest.mark.asyncio
async def test_cancelling_a_payment_whose_money_arrived_confirms_it(
    keeper: PaymentKeeper, client: CentralClient
) -> None:
    row = await keeper.open(await order(client))  # type: ignore[arg-type]
    await client.sim_bank_transfer(row.reference, row.amount)  # type: ignore[arg-type]
    assert (await keeper.cancel(row.id)).state is PaymentState.CONFIRMED


@pytest.mark.asyncio
async def test_after_a_restart_a_key_that_may_have_made_a_payment_is_settled(
    tmp_path: Path, client: CentralClient, central: RunningCentral, network: Network, desk: Desk
) -> None:
    path = tmp_path / "restart.sqlite3"
    first = PaymentKeeper(client, PaymentJournal(path, kiosk_id="K-01"), desk)
    network.faults = [("POST /v1/payments", Fault.LOSE_RESPONSE)] * 3
    with pytest.raises(OutcomeUnknownError):
        await first.open(await order(client))  # type: ignore[arg-type]
    first.journal.close()  # the kiosk lost power here

    second = PaymentKeeper(client, PaymentJournal(path, kiosk_id="K-01"), desk)
    assert await second.reconcile() == []
    [row] = second.journal.all()
    [made] = central_payments(central)
    assert (row.payment_id, row.state, made["status"]) == (made["id"], PaymentState.CLOSED, "cancelled")


@pytest.mark.asyncio
async def test_reconcile_keeps_what_it_cannot_settle(
    keeper: PaymentKeeper, client: CentralClient, network: Network
) -> None:
    row = await keeper.open(await order(client))  # type: ignore[arg-type]
    keeper.detach(row.id)
    network.faults = [("/v1/payments/", Fault.LOSE_REQUEST)] * 3
    [still] = await keeper.reconcile()
    assert still.id == row.id
    assert still.abandoned
    assert still.state is PaymentState.PENDING
    assert await keeper.reconcile() == []
    assert keeper.journal.get(row.id).state is PaymentState.CLOSED


def test_a_journal_from_a_newer_kiosk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    PaymentJournal(path, kiosk_id="K").close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 7")
    with pytest.raises(PaymentJournalError, match="schema version 7"):
        PaymentJournal(path, kiosk_id="K")


def test_the_journal_is_durable(journal: PaymentJournal) -> None:
    db = journal._db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.mark.asyncio
async def test_unreachable_during_refresh_raises_and_changes_nothing(
    keeper: PaymentKeeper, client: CentralClient, network: Network
) -> None:
    row = await keeper.open(await order(client))  # type: ignore[arg-type]
    network.faults = [("/v1/payments/", Fault.TIMEOUT_BEFORE)] * 3
    with pytest.raises(Unavailable):
        await keeper.refresh(row.id)
    assert keeper.journal.get(row.id) == row


@pytest.mark.asyncio
async def test_a_settled_payment_leaves_nothing_behind_in_the_keeper(
    keeper: PaymentKeeper, client: CentralClient
) -> None:
    """A kiosk takes payments for months: what the keeper holds per payment (its lock, when it was last asked
    about) goes once the payment needs no more following; the journal keeps the record."""
    settled: list[int] = []
    for code in ("PE01000123456", "PD02000234567", "PA12000345678"):
        row = await keeper.open(await order(client, code=code))  # type: ignore[arg-type]
        assert row.reference is not None
        await client.sim_bank_transfer(row.reference, row.amount)
        await keeper.refresh(row.id)
        await keeper.print_receipt(row.id)
        keeper.detach(row.id)
        settled.append(row.id)
    cancelled = await keeper.open(await order(client, code="PQ01000678901"))  # type: ignore[arg-type]
    await keeper.cancel(cancelled.id)
    keeper.detach(cancelled.id)
    # A lock lives only while a step holds it or waits for it, not until the next reconcile: a busy kiosk
    # takes a payment a minute.
    assert keeper._locks == {}
    await keeper.reconcile(everything=True)
    # The cancelled one is watched for late money (72 h): it keeps its interval; the paid ones keep nothing.
    assert keeper._locks == {}
    assert not set(keeper._last_checked) & set(settled)
    assert cancelled.id in keeper._last_checked


@pytest.mark.asyncio
async def test_steps_on_one_payment_still_take_turns_and_the_last_one_out_drops_its_lock(
    keeper: PaymentKeeper, client: CentralClient
) -> None:
    """The flow's follower, a cancel and the reconciler may reach one payment at once: they take turns, and
    what the lock was kept for goes with the last of them."""
    row = await keeper.open(await order(client))  # type: ignore[arg-type]
    inside: list[str] = []
    order_seen: list[str] = []

    async def step(name: str) -> None:
        async with keeper._lock(row.id):
            assert not inside, f"{name} entered while {inside} held the lock"
            inside.append(name)
            await asyncio.sleep(0)
            order_seen.append(name)
            inside.remove(name)

    tasks = [asyncio.ensure_future(step(n)) for n in ("follow", "cancel", "reconcile")]
    await asyncio.sleep(0)
    assert keeper._locks[row.id][1] == 3  # one holds it, two wait
    await asyncio.gather(*tasks)
    assert order_seen == ["follow", "cancel", "reconcile"]
    assert keeper._locks == {}
    holder = asyncio.ensure_future(step("first"))
    cancelled_waiter = asyncio.ensure_future(step("late"))  # gives up while it waits
    await asyncio.sleep(0)
    cancelled_waiter.cancel()
    await asyncio.gather(holder, cancelled_waiter, return_exceptions=True)
    assert order_seen[-1] == "first"
    assert keeper._locks == {}
