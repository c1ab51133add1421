"""The invariant checks can fail: each catches a broken copy of a good central database or journal.

A good state is made for real (paid and printed; cancelled then paid late; refused; cancelled), with the bank's
awkward money (a notice re-sent, two racing copies of it, a second transfer, another amount, a reference that
names nothing), checked clean, then copied and broken one way at a time, as a bug in the keeper, the journal or
the central would break it. The checks that must hold at every instant (``settled=False``) catch every
corruption but the four that are a moment of a healthy run (money not yet seen, a payment still open, a receipt
not yet handed over).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import Order, PaymentState, ReceiptState
from tests.faults.harness.bank import Bank, Notice
from tests.faults.harness.payments import AppDesk, Kiosk, ReceiptRoll, settle
from tests.faults.invariants.payments import (
    bills_paid_once,
    check,
    confirmed_have_receipts,
    money_adds_up,
    payments_known,
    receipts_only_for_paid,
)
from tests.faults.invariants.reading import (
    CentralView,
    KioskRow,
    copy_database,
    read_central_payments,
    read_journal,
)
from tests.faults.invariants.violations import Violation
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import FaultPlan


@dataclass(frozen=True)
class Good:
    """Copies of a good state: the central's database, the journal, the receipts printed, and which journal row
    is which (``paid``: printed at the screen; ``late``: paid after its cancel; ``refused``; ``cancelled``)."""

    central: Path
    journal: Path
    printed: list[str]
    rows: dict[str, int]
    bank: list[Notice]


@pytest_asyncio.fixture
async def good(
    central: RunningCentral,
    kiosk: Kiosk,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
) -> Good:
    screen = kiosk.screen
    paid = await screen.show_qr(orders["PE01000123456"][1])
    late = await screen.show_qr(orders["PD02000234567"][0])
    await client.sim_counter_payment(orders["PA12000345678"][0].bill_ids[0])
    refused = await screen.show_qr(orders["PA12000345678"][0])
    cancelled = await screen.show_qr(orders["PQ01000678901"][0])
    assert paid is not None
    assert late is not None
    assert refused is not None
    assert cancelled is not None
    assert paid.reference is not None
    assert late.reference is not None
    assert cancelled.reference is not None
    bank = Bank(client)
    money = await bank.transfer(paid.reference, paid.amount)
    await bank.resend(money)
    await bank.resend(money, copies=2)
    await screen.poll(paid.id)
    await screen.print_if_confirmed(paid.id)
    await bank.transfer(paid.reference, paid.amount)  # paid twice from the app
    await bank.transfer(cancelled.reference, cancelled.amount - 1_000)  # typed another amount
    await bank.transfer("TT0000000000", 50_000)  # a reference that names nothing
    await screen.press_cancel(late.id)
    await bank.transfer(late.reference, late.amount)
    await screen.press_cancel(cancelled.id)
    await settle(kiosk.keeper, plan)
    assert bank.outcomes == {"applied": 2, "duplicate": 1, "amount_mismatch": 1, "unknown_reference": 1}
    states = [(r.state, r.receipt) for r in kiosk.journal.all()]
    assert states == [
        (PaymentState.CONFIRMED, ReceiptState.PRINTED),
        (PaymentState.CONFIRMED, ReceiptState.FOR_STAFF),
        (PaymentState.REFUSED, None),
        (PaymentState.CLOSED, None),
    ]
    return Good(
        central=copy_database(central.db_path, tmp_path / "central-copy.db"),
        journal=copy_database(kiosk.journal_path, tmp_path / "journal-copy.sqlite3"),
        printed=list(kiosk.desk.printed),
        rows={"paid": paid.id, "late": late.id, "refused": refused.id, "cancelled": cancelled.id},
        bank=list(bank.ledger),
    )


def on_central(sql: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        conn = sqlite3.connect(good.central, isolation_level=None)
        try:
            conn.executescript(sql.format(**_central_ids(good)))
        finally:
            conn.close()

    return corrupt


def on_journal(sql: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        conn = sqlite3.connect(good.journal, isolation_level=None)
        try:
            # The journal's own CHECKs would refuse some of these; a bug could still get past them (or the
            # file could be written by an older kiosk), so the checker must not rely on them.
            conn.execute("PRAGMA ignore_check_constraints = ON")
            conn.executescript(sql.format(**good.rows))
        finally:
            conn.close()

    return corrupt


def on_receipts(extra: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        number = {r.id: r.receipt_number for r in read_journal(good.journal)}[good.rows[extra]]
        good.printed.append(number or f"K-01-000000-{good.rows[extra]:06d}")

    return corrupt


def _central_ids(good: Good) -> dict[str, str]:
    ids = {r.id: r.payment_id for r in read_journal(good.journal)}
    return {name: str(ids[row]) for name, row in good.rows.items()}


Checker = Callable[[CentralView, Sequence[KioskRow], list[str], list[Notice]], list[Violation]]
CHECKERS: dict[int, Checker] = {
    1: lambda c, k, p, b: bills_paid_once(c, k),
    2: lambda c, k, p, b: payments_known(c, k, settled=True),
    3: lambda c, k, p, b: receipts_only_for_paid(c, k, p),
    4: lambda c, k, p, b: confirmed_have_receipts(c, k, p, settled=True),
    5: lambda c, k, p, b: money_adds_up(c, k, b),
}
# What a healthy run passes through: caught once settled, not at every instant.
SETTLED_ONLY = frozenset(
    {
        "central-paid-kiosk-closed",
        "kiosk-left-pending",
        "central-left-pending",
        "receipt-still-due-after-reconcile",
    }
)

CORRUPTIONS: dict[str, tuple[int, Callable[[Good], None]]] = {
    # 1: a bill collected twice
    "second-transfer-applied-for-a-paid-bill": (
        1,
        on_central(
            "INSERT INTO bank_transfers (reference, amount, received_at, outcome, payment_id) "
            "SELECT reference, amount, '2030-01-01', 'applied', id FROM payments WHERE id = '{paid}'"
        ),
    ),
    "bill-of-a-confirmed-payment-paid-by-the-counter": (
        1,
        on_central("UPDATE bills SET paid_by = 'counter' WHERE paid_by = '{paid}'"),
    ),
    "two-confirmed-kiosk-payments-for-one-bill": (
        1,
        on_journal(
            "UPDATE payments SET bill_ids = (SELECT bill_ids FROM payments WHERE id = {paid}) "
            "WHERE id = {late}"
        ),
    ),
    "bill-applied-twice-by-its-own-qr": (
        1,
        on_central(
            "INSERT INTO bank_transfers (reference, amount, received_at, outcome) "
            "SELECT 'HD' || replace(bill_id, '-', ''), 1, '2030-01-01', 'applied' FROM payment_bills "
            "WHERE payment_id = '{paid}'"
        ),
    ),
    # 2: a payment the kiosk does not know, or knows wrong
    "central-payment-unknown-to-the-kiosk": (2, on_journal("DELETE FROM payments WHERE id = {cancelled}")),
    "kiosk-has-another-payment-id": (
        2,
        on_journal("UPDATE payments SET payment_id = 'pay_0000000000000000' WHERE id = {cancelled}"),
    ),
    "central-paid-kiosk-closed": (
        2,
        on_journal(
            "UPDATE payments SET state = 'closed', receipt_number = NULL, receipt = NULL WHERE id = {late}"
        ),
    ),
    "kiosk-left-pending": (2, on_journal("UPDATE payments SET state = 'pending' WHERE id = {cancelled}")),
    "central-left-pending": (
        2,
        on_central("UPDATE payments SET status = 'pending' WHERE id = '{cancelled}'"),
    ),
    "refused-but-the-central-made-it": (
        2,
        on_journal(
            "CREATE TEMP TABLE made AS SELECT idempotency_key FROM payments WHERE id = {cancelled}; "
            "DELETE FROM payments WHERE id = {cancelled}; "
            "UPDATE payments SET idempotency_key = (SELECT idempotency_key FROM made) WHERE id = {refused}"
        ),
    ),
    # 3: a receipt for money that did not come
    "receipt-printed-for-a-cancelled-payment": (3, on_receipts("cancelled")),
    "receipt-printed-twice": (3, on_receipts("paid")),
    "receipt-numbered-for-a-closed-payment": (
        3,
        on_journal(
            "UPDATE payments SET receipt_number = 'K-01-X', receipt = 'for_staff' WHERE id = {cancelled}"
        ),
    ),
    "central-cancelled-a-printed-payment": (
        3,
        on_central("UPDATE payments SET status = 'cancelled' WHERE id = '{paid}'"),
    ),
    # 4: a confirmed payment without its receipt record
    "confirmed-without-receipt-number": (
        4,
        on_journal("UPDATE payments SET receipt_number = NULL, receipt = NULL WHERE id = {late}"),
    ),
    "receipt-still-due-after-reconcile": (
        4,
        on_journal("UPDATE payments SET receipt = 'due' WHERE id = {late}"),
    ),
    "marked-printed-never-printed": (
        4,
        on_journal("UPDATE payments SET receipt = 'printed' WHERE id = {late}"),
    ),
    "central-paid-kiosk-never-confirmed": (
        4,
        on_journal(
            "UPDATE payments SET state = 'closed', receipt_number = NULL, receipt = NULL WHERE id = {paid}"
        ),
    ),
    # 5: money that does not add up
    "applied-transfer-of-one-dong": (
        5,
        on_central(
            "UPDATE bank_transfers SET amount = 1 WHERE payment_id = '{paid}' AND outcome = 'applied'"
        ),
    ),
    "payment-of-one-dong": (5, on_central("UPDATE payments SET amount = 1 WHERE id = '{paid}'")),
    "kiosk-asked-another-amount": (
        5,
        on_journal("UPDATE payments SET amount = amount + 1 WHERE id = {late}"),
    ),
    "refund-due-row-deleted": (
        5,
        on_central("DELETE FROM bank_transfers WHERE reason = 'unknown_reference'"),
    ),
    "notice-recorded-with-another-amount": (
        5,
        on_central("UPDATE bank_transfers SET amount = amount + 1 WHERE reason = 'unknown_reference'"),
    ),
    "money-applied-to-a-reference-without-a-payment": (
        5,
        on_central(
            "UPDATE bank_transfers SET outcome = 'applied', reason = NULL WHERE reason = 'unknown_reference'"
        ),
    ),
    "phantom-refund-for-a-resent-notice": (
        5,
        on_central(
            "DROP INDEX bank_transfers_by_transaction_id; "
            "INSERT INTO bank_transfers (reference, amount, received_at, outcome, reason, payment_id, "
            "transaction_id) SELECT reference, amount, '2030-01-01', 'refund_due', 'duplicate', payment_id, "
            "transaction_id FROM bank_transfers WHERE payment_id = '{paid}' AND outcome = 'applied'"
        ),
    ),
    "refund-for-a-reason-the-records-deny": (
        5,
        on_central("UPDATE bank_transfers SET reason = 'amount_mismatch' WHERE reason = 'duplicate'"),
    ),
    "refund-for-bills-paid-before-that-were-not": (
        5,
        on_central(
            "UPDATE bank_transfers SET reason = 'bills_already_paid' WHERE reason = 'amount_mismatch'"
        ),
    ),
}


@pytest.mark.asyncio
async def test_the_good_state_breaks_no_promise(good: Good) -> None:
    central, kiosk = read_central_payments(good.central), read_journal(good.journal)
    assert check(central, kiosk, good.printed, settled=True, bank=good.bank) == []
    assert check(central, kiosk, good.printed, settled=False, bank=good.bank) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("invariant", "corrupt"), CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
async def test_each_check_catches_its_broken_promise(
    good: Good, invariant: int, corrupt: Callable[[Good], None]
) -> None:
    corrupt(good)
    central, kiosk = read_central_payments(good.central), read_journal(good.journal)
    found = CHECKERS[invariant](central, kiosk, good.printed, good.bank)
    assert found, f"invariant {invariant} missed it"
    assert {v.invariant for v in found} == {invariant}
    judged = check(central, kiosk, good.printed, settled=True, bank=good.bank)
    assert any(v.invariant == invariant for v in judged)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", CORRUPTIONS.keys())
async def test_the_checks_of_every_instant_catch_all_but_a_healthy_runs_moments(
    good: Good, name: str
) -> None:
    _, corrupt = CORRUPTIONS[name]
    corrupt(good)
    central, kiosk = read_central_payments(good.central), read_journal(good.journal)
    found = check(central, kiosk, good.printed, settled=False, bank=good.bank)
    if name in SETTLED_ONLY:
        assert found == [], "a moment of a healthy run reported as a broken promise"
    else:
        assert found, "the checks of every instant missed it"


async def asked_to_print_twice(kiosk: Kiosk, client: DemoClient, order: Order) -> None:
    """A receipt printed, the kiosk killed before the journal heard (its receipt still ``due``), restarted, and
    the keeper asked to print it again."""
    row = await kiosk.screen.show_qr(order)
    assert row is not None
    assert row.reference is not None
    await Bank(client).transfer(row.reference, row.amount)
    await kiosk.screen.poll(row.id)
    await kiosk.screen.print_if_confirmed(row.id)
    conn = sqlite3.connect(kiosk.journal_path, isolation_level=None)
    try:
        conn.execute("UPDATE payments SET receipt = 'due', receipt_job = NULL WHERE id = ?", (row.id,))
    finally:
        conn.close()
    kiosk.restart()
    await kiosk.screen.print_if_confirmed(row.id)


@pytest.mark.asyncio
async def test_a_receipt_printed_twice_by_the_keeper_is_caught(
    central: RunningCentral, client: DemoClient, orders: dict[str, tuple[Order, ...]], tmp_path: Path
) -> None:
    """A desk without the print journal prints what it is asked: the check finds the second paper."""
    kiosk = Kiosk(client, tmp_path / "journal.sqlite3", ReceiptRoll(once=False))
    try:
        await asked_to_print_twice(kiosk, client, orders["PE01000123456"][0])
        found = check(
            read_central_payments(central),
            read_journal(kiosk.journal_path),
            kiosk.desk.printed,
            settled=False,
        )
    finally:
        kiosk.close()
    assert [v.invariant for v in found] == [3]
    assert "printed 2 times" in found[0].message


@pytest.mark.asyncio
async def test_the_apps_desk_prints_a_receipt_once_when_asked_twice(
    central: RunningCentral,
    client: DemoClient,
    plan: FaultPlan,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
    app_desk: AppDesk,
) -> None:
    kiosk = Kiosk(client, tmp_path / "journal.sqlite3", app_desk)
    try:
        await asked_to_print_twice(kiosk, client, orders["PE01000123456"][0])
        await settle(kiosk.keeper, plan)
        assert len(app_desk.printed) == 1
        assert_clean = check(
            read_central_payments(central),
            read_journal(kiosk.journal_path),
            app_desk.printed,
            settled=True,
        )
    finally:
        kiosk.close()
    assert assert_clean == []
