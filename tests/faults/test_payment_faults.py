"""One fault at one step of a payment, or the money at one awkward moment, and the four promises still hold.

The real keeper talks to the real reference central over loopback; :class:`FaultyTransport` breaks the
kiosk's request at one step (create, status poll, cancel) with each fault of the vocabulary, either once (the
client's own retry may hide it) or on every attempt of the call (the keeper must cope). Then the customer
does what customers do, everyone leaves, the kiosk reconciles with the network working, and the central's
database and the kiosk's journal are checked against :mod:`tests.faults.invariants.payments`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import JournalPayment, Order, PaymentState, ReceiptState
from kiosk_central.db import Row
from tests.faults.harness.central import TTL, CentralSeed
from tests.faults.harness.payments import Kiosk, ReceiptRoll, settle
from tests.faults.harness.seeded import load_orders, seeded
from tests.faults.invariants.payments import assert_invariants
from tests.faults.invariants.reading import read_central_payments
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import EXTENDED_FAULTS, Fault, FaultPlan, Step
from tests.helpers.postgres import PostgresServer

CODE = "PE01000123456"


# The payment fault suite runs on both of the central's databases: its own central for this module, on each.
@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded_central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningCentral, CentralSeed]]:
    if request.param == "sqlite":
        with seeded(tmp_path_factory.mktemp("central") / "central.db") as made:
            yield made
    else:
        postgres: PostgresServer = request.getfixturevalue("postgres")
        with postgres.fresh_database(demo=True) as url, seeded(url) as made:
            yield made


@pytest.fixture(scope="module")
def orders(seeded_central: tuple[RunningCentral, CentralSeed]) -> dict[str, tuple[Order, ...]]:
    return load_orders(seeded_central[0])


# The faults that still bring the central's answer back.
ANSWERED = (Fault.SLOW, Fault.DUPLICATE, Fault.DUPLICATE_CONCURRENT)
# Once: the client's retry may hide it. Three times: every attempt of one call (retries=2) fails.
TIMES = [pytest.param(1, id="once"), pytest.param(3, id="every-attempt")]


def check(central: RunningCentral, kiosk: Kiosk) -> None:
    assert_invariants(central, kiosk.journal_path, kiosk.desk.printed)


def central_rows(central: RunningCentral, sql: str) -> list[Row]:
    return central.rows(sql)


async def pay(client: DemoClient, row: JournalPayment) -> str:
    """The customer's banking app sends the money for the QR on screen; what the central did with it."""
    assert row.reference is not None
    return (await client.sim_bank_transfer(row.reference, row.amount)).outcome


async def qr_on_screen(kiosk: Kiosk, order: Order) -> JournalPayment:
    row = await kiosk.screen.show_qr(order)
    assert row is not None
    assert row.state is PaymentState.PENDING, row
    return row


def only_payment(central: RunningCentral, kiosk: Kiosk) -> tuple[JournalPayment, str]:
    """The one journal row and the status of the one central payment, which must be the same payment."""
    [row] = kiosk.journal.all()
    [made] = central_rows(central, "SELECT id, idempotency_key, status FROM payments")
    assert (made["id"], made["idempotency_key"]) == (row.payment_id, row.idempotency_key)
    return row, str(made["status"])


# ------------------------------------------------------------------------------------------ one fault per step


@pytest.mark.asyncio
@pytest.mark.parametrize("times", TIMES)
@pytest.mark.parametrize("fault", EXTENDED_FAULTS)
async def test_a_fault_when_creating_makes_one_payment_at_most(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    fault: Fault,
    times: int,
) -> None:
    plan.queue(Step.CREATE, fault, times)
    row = await kiosk.screen.show_qr(orders[CODE][1])
    assert row is not None
    if row.state is PaymentState.PENDING:
        assert await pay(client, row) == "applied"
        await kiosk.screen.poll(row.id, times=3)
        await kiosk.screen.print_if_confirmed(row.id)
    else:
        # Still unknown after the screen asked three times (garbage is not retried by the client): the
        # customer is told to try later and leaves; the key stays, and the reconcile asks with it.
        assert row.state is PaymentState.CREATING
        assert (fault, times) == (Fault.GARBAGE, 3)
        assert kiosk.keeper.in_flight_bill_ids() == set(row.order.bill_ids)
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    row, status = only_payment(central, kiosk)
    if status == "paid":
        assert (row.state, row.receipt, kiosk.desk.printed) == (
            PaymentState.CONFIRMED,
            ReceiptState.PRINTED,
            [row.receipt_number],
        )
    else:
        assert (status, row.state, kiosk.desk.printed) == ("cancelled", PaymentState.CLOSED, [])


@pytest.mark.asyncio
@pytest.mark.parametrize("times", TIMES)
@pytest.mark.parametrize("fault", EXTENDED_FAULTS)
async def test_a_fault_when_polling_still_confirms_the_money_once(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    fault: Fault,
    times: int,
) -> None:
    row = await qr_on_screen(kiosk, orders[CODE][0])
    plan.queue(Step.POLL, fault, times)
    assert (await kiosk.screen.poll(row.id, times=2)).state is PaymentState.PENDING  # no money yet
    plan.clear()
    assert await pay(client, row) == "applied"
    plan.queue(Step.POLL, fault, times)
    polled = await kiosk.screen.poll(row.id, times=4)
    assert polled.state is PaymentState.CONFIRMED
    await kiosk.screen.print_if_confirmed(row.id)
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    row, status = only_payment(central, kiosk)
    assert (status, row.receipt, kiosk.desk.printed) == ("paid", ReceiptState.PRINTED, [row.receipt_number])


@pytest.mark.asyncio
@pytest.mark.parametrize("money_first", [False, True], ids=["unpaid", "money-just-arrived"])
@pytest.mark.parametrize("times", TIMES)
@pytest.mark.parametrize("fault", EXTENDED_FAULTS)
async def test_a_fault_when_cancelling_leaves_it_cancelled_or_confirmed(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    fault: Fault,
    times: int,
    money_first: bool,
) -> None:
    row = await qr_on_screen(kiosk, orders["PD02000234567"][0])
    if money_first:
        # The customer pressed Cancel just as the bank app sent the money.
        assert await pay(client, row) == "applied"
    plan.queue(Step.CANCEL, fault, times)
    after = await kiosk.screen.press_cancel(row.id)
    assert after.abandoned
    cancel_answered = fault is not Fault.GARBAGE and (times == 1 or fault in ANSWERED)
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    row, status = only_payment(central, kiosk)
    if not money_first:
        assert (status, row.state, kiosk.desk.printed) == ("cancelled", PaymentState.CLOSED, [])
    elif cancel_answered:
        # The cancel answered "already paid" (or was retried to it): confirmed at the screen, receipt printed.
        assert (after.state, after.receipt) == (PaymentState.CONFIRMED, ReceiptState.PRINTED)
        assert (status, kiosk.desk.printed) == ("paid", [row.receipt_number])
    else:
        # The screen never heard; the reconcile found the money with nobody waiting: staff have the receipt.
        assert (status, row.state, row.receipt, kiosk.desk.printed) == (
            "paid",
            PaymentState.CONFIRMED,
            ReceiptState.FOR_STAFF,
            [],
        )


# ------------------------------------------------------------------------------------------ when the money comes

POLL_FAULTS = [None, Fault.LOSE_RESPONSE, Fault.TIMEOUT_BEFORE, Fault.GARBAGE]


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", POLL_FAULTS)
async def test_money_before_the_first_poll_is_confirmed_and_printed(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    fault: Fault | None,
) -> None:
    row = await qr_on_screen(kiosk, orders["PA12000345678"][0])
    assert await pay(client, row) == "applied"
    if fault is not None:
        plan.queue(Step.POLL, fault, 3)
    assert (await kiosk.screen.poll(row.id, times=4)).state is PaymentState.CONFIRMED
    await kiosk.screen.print_if_confirmed(row.id)
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    assert kiosk.desk.printed == [kiosk.journal.get(row.id).receipt_number]


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", POLL_FAULTS)
async def test_money_while_the_qr_is_shown_is_confirmed_and_printed(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    fault: Fault | None,
) -> None:
    row = await qr_on_screen(kiosk, orders[CODE][2])
    if fault is not None:
        plan.queue_each(Step.POLL, [fault, Fault.SLOW, fault])
    assert (await kiosk.screen.poll(row.id, times=3)).state is PaymentState.PENDING
    plan.clear()
    central.clock.advance(TTL / 2)  # the customer takes a while with the banking app
    assert await pay(client, row) == "applied"
    if fault is not None:
        plan.queue(Step.POLL, fault, 3)
    assert (await kiosk.screen.poll(row.id, times=4)).state is PaymentState.CONFIRMED
    await kiosk.screen.print_if_confirmed(row.id)
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    [bill_rows] = [central_rows(central, "SELECT paid_by FROM bills WHERE paid_by LIKE 'pay_%'")]
    assert [r["paid_by"] for r in bill_rows] == [row.payment_id] * 3


@pytest.mark.asyncio
async def test_money_after_cancel_but_before_expiry_is_a_late_confirmation_for_staff(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
) -> None:
    row = await qr_on_screen(kiosk, orders["PQ01000678901"][0])
    assert (await kiosk.screen.press_cancel(row.id)).state is PaymentState.CLOSED
    assert await pay(client, row) == "applied"  # the bills are unpaid: the customer did pay
    plan.queue(Step.POLL, Fault.LOSE_REQUEST, 3)
    [still] = await kiosk.keeper.reconcile(everything=True)  # the network is down for this one
    assert still.state is PaymentState.CLOSED
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    late = kiosk.journal.get(row.id)
    assert (late.state, late.receipt, kiosk.desk.printed) == (
        PaymentState.CONFIRMED,
        ReceiptState.FOR_STAFF,
        [],
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("seen_expired", [True, False], ids=["kiosk-saw-expiry", "kiosk-did-not-look"])
async def test_money_after_expiry_is_applied_and_left_for_staff(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    seen_expired: bool,
) -> None:
    row = await qr_on_screen(kiosk, orders["PC03000567890"][0])
    central.clock.advance(TTL + timedelta(seconds=1))
    if seen_expired:
        expired = await kiosk.screen.poll(row.id)
        assert (expired.state, expired.central_status) == (PaymentState.CLOSED, "expired")
        assert kiosk.keeper.in_flight_bill_ids() == frozenset()
    kiosk.screen.leave(row.id)
    assert await pay(client, row) == "applied"
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    late = kiosk.journal.get(row.id)
    assert (late.state, late.receipt, kiosk.desk.printed) == (
        PaymentState.CONFIRMED,
        ReceiptState.FOR_STAFF,
        [],
    )
    [made] = read_central_payments(central).payments.values()
    assert made.late


@pytest.mark.asyncio
async def test_money_sent_twice_is_applied_once_and_the_second_is_a_refund(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
) -> None:
    row = await qr_on_screen(kiosk, orders[CODE][0])
    assert [await pay(client, row), await pay(client, row)] == ["applied", "refund_due"]
    plan.queue(Step.POLL, Fault.DUPLICATE)
    assert (await kiosk.screen.poll(row.id, times=2)).state is PaymentState.CONFIRMED
    await kiosk.screen.print_if_confirmed(row.id)
    assert await pay(client, row) == "refund_due"  # and a third, after the receipt
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    assert len(kiosk.desk.printed) == 1
    reasons = [r["reason"] for r in central_rows(central, "SELECT reason FROM bank_transfers ORDER BY id")]
    assert reasons == [None, "duplicate", "duplicate"]


@pytest.mark.asyncio
@pytest.mark.parametrize("when", ["qr-shown", "after-cancel", "after-expiry"])
async def test_money_for_bills_paid_elsewhere_meanwhile_is_a_refund_and_no_receipt(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    when: str,
) -> None:
    row = await qr_on_screen(kiosk, orders[CODE][1])
    if when == "after-cancel":
        await kiosk.screen.press_cancel(row.id)
    elif when == "after-expiry":
        central.clock.advance(TTL * 2)
    await client.sim_counter_payment(row.order.bill_ids[1])  # the newer bill, at a post-office counter
    assert await pay(client, row) == "refund_due"
    plan.queue(Step.POLL, Fault.ERROR_AFTER)
    polled = await kiosk.screen.poll(row.id, times=2)
    assert polled.state is PaymentState.CLOSED
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    assert (kiosk.journal.get(row.id).state, kiosk.desk.printed) == (PaymentState.CLOSED, [])
    [transfer] = read_central_payments(central).transfers
    assert (transfer.outcome, transfer.reason) == ("refund_due", "bills_already_paid")


@pytest.mark.asyncio
async def test_money_while_the_kiosk_restarts_is_found_by_the_reconcile_at_start(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
) -> None:
    row = await qr_on_screen(kiosk, orders[CODE][0])
    kiosk.restart()  # the power went off with the QR on screen
    assert await pay(client, row) == "applied"
    plan.queue(Step.POLL, Fault.TIMEOUT_AFTER, 3)
    assert [r.id for r in await kiosk.keeper.reconcile()] == [row.id]  # the start-up reconcile cannot ask yet
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    after = kiosk.journal.get(row.id)
    assert (after.state, after.receipt, kiosk.desk.printed) == (
        PaymentState.CONFIRMED,
        ReceiptState.FOR_STAFF,
        [],
    )


@pytest.mark.asyncio
async def test_late_money_for_a_cancelled_payment_supersedes_the_customers_next_one(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
) -> None:
    first = await qr_on_screen(kiosk, orders[CODE][0])
    await kiosk.screen.press_cancel(first.id)
    # The customer comes back for the same bill: its first payment is closed, so a new one may be made.
    second = await qr_on_screen(kiosk, orders[CODE][0])
    assert second.payment_id != first.payment_id
    assert await pay(client, first) == "applied"  # the first QR's money, sent before the Cancel, arrives
    assert await pay(client, second) == "refund_due"
    assert (await kiosk.screen.poll(second.id)).state is PaymentState.CLOSED
    kiosk.screen.leave(second.id)
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    assert [r.state for r in kiosk.journal.all()] == [PaymentState.CONFIRMED, PaymentState.CLOSED]
    assert kiosk.journal.get(first.id).receipt is ReceiptState.FOR_STAFF


@pytest.mark.asyncio
async def test_a_printer_that_fails_leaves_the_receipt_for_staff(
    central: RunningCentral,
    kiosk: Kiosk,
    desk: ReceiptRoll,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
) -> None:
    desk.works = False
    row = await qr_on_screen(kiosk, orders[CODE][0])
    assert await pay(client, row) == "applied"
    await kiosk.screen.poll(row.id)
    assert (await kiosk.screen.print_if_confirmed(row.id)).receipt is ReceiptState.FOR_STAFF
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    assert kiosk.desk.printed == []


# ------------------------------------------------------------------------------------------ beyond the vocabulary


@pytest.mark.asyncio
async def test_a_proxys_404_after_the_central_made_the_payment_is_not_a_refusal(
    central: RunningCentral, kiosk: Kiosk, plan: FaultPlan, orders: dict[str, tuple[Order, ...]]
) -> None:
    """A 404 without the contract's error body is not the central's "no": the outcome is unknown, the same key
    is asked again, and the payment the central did make is found (this once left the row refused while the
    central held a pending payment under its key)."""
    plan.queue(Step.CREATE, Fault.PROXY_404_AFTER)
    row = await kiosk.screen.show_qr(orders[CODE][0])
    assert row is not None
    assert row.state is not PaymentState.REFUSED
    await settle(kiosk.keeper, plan)
    check(central, kiosk)
    row, status = only_payment(central, kiosk)
    assert (row.state, status) == (PaymentState.CLOSED, "cancelled")
