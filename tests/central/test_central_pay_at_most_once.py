"""The bank's notices: each bill is collected once, whatever the order, repetition or race."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.central.client import CentralClient
from kiosk.central.errors import Conflict
from kiosk.demo.simulator import DemoClient
from kiosk_central.db import Row
from tests.helpers.central import RunningCentral

CODE = "PE01000123456"


def _applied_transfers(db: RunningCentral) -> list[Row]:
    return db.rows("SELECT * FROM bank_transfers WHERE outcome = 'applied'")


@pytest.mark.asyncio
async def test_money_arriving_marks_the_payment_and_its_bills_paid(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-pay-00001")
    result = await client.sim_bank_transfer(payment.reference, payment.amount)
    assert (result.outcome, result.reason, result.payment_id) == ("applied", None, payment.id)
    assert (await client.payment(payment.id)).status == "paid"
    after = {b.id: b for b in (await client.bills(CODE, status="all")).bills}
    assert after[bills[0].id].status == "paid"
    assert after[bills[1].id].status != "paid"
    assert (await client.bills(CODE)).total_due == sum(b.total for b in bills[1:])


@pytest.mark.asyncio
async def test_a_second_transfer_for_the_same_reference_is_a_refund(client: CentralClient) -> None:
    """The customer paid twice (two transactions of the bank): the second is money to give back. The bank's
    notice of one transaction sent twice is not this: see test_central_bank_transaction_ids.py."""
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-dup-00001")
    await client.sim_bank_transfer(payment.reference, payment.amount, transaction_id="FT00000000000001")
    again = await client.sim_bank_transfer(
        payment.reference, payment.amount, transaction_id="FT00000000000002"
    )
    assert (again.outcome, again.reason) == ("refund_due", "duplicate")


@pytest.mark.asyncio
async def test_money_for_a_bill_paid_at_a_counter_is_a_refund(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-counter-01")
    await client.sim_counter_payment(bills[0].id)
    assert (await client.payment(payment.id)).status == "cancelled"  # it can no longer collect
    result = await client.sim_bank_transfer(payment.reference, payment.amount)
    assert (result.outcome, result.reason) == ("refund_due", "bills_already_paid")


@pytest.mark.asyncio
async def test_a_wrong_amount_or_unknown_reference_is_not_kept(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-amount-01")
    short = await client.sim_bank_transfer(payment.reference, payment.amount - 1000)
    assert (short.outcome, short.reason) == ("refund_due", "amount_mismatch")
    stray = await client.sim_bank_transfer("TTNOSUCHREFERENCE", 50_000)
    assert (stray.outcome, stray.reason) == ("refund_due", "unknown_reference")
    assert (await client.payment(payment.id)).status == "pending"


@pytest.mark.asyncio
async def test_money_for_an_expired_payment_is_still_applied(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-expire-01")
    await client.sim_advance_clock(16 * 60)
    assert (await client.payment(payment.id)).status == "expired"
    assert (await client.bills(CODE)).bills[0].status == "overdue"
    result = await client.sim_bank_transfer(payment.reference, payment.amount)
    assert result.outcome == "applied"
    assert (await client.payment(payment.id)).status == "paid"


@pytest.mark.asyncio
async def test_a_late_payment_supersedes_its_replacement(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    old = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-late-0001")
    await client.cancel_payment(old.id)
    new = await client.create_payment(CODE, [bills[0].id, bills[1].id], "vietqr", "key-late-0002")
    assert (await client.sim_bank_transfer(old.reference, old.amount)).outcome == "applied"
    assert (await client.payment(new.id)).status == "cancelled"
    refused = await client.sim_bank_transfer(new.reference, new.amount)
    assert (refused.outcome, refused.reason) == ("refund_due", "bills_already_paid")


@pytest.mark.asyncio
async def test_a_transfer_racing_a_cancel_collects_once(
    central: RunningCentral, client: CentralClient
) -> None:
    async with DemoClient(central.url, central.token) as other:
        for n, code in enumerate(["PE01000123456"] * 3 + ["PD02000234567", "PA12000345678", "PC03000567890"]):
            bill = (await client.bills(code)).bills[0]
            payment = await client.create_payment(code, [bill.id], "vietqr", f"key-race-{n:04d}")
            transfer, cancel = await asyncio.gather(
                client.sim_bank_transfer(payment.reference, payment.amount),
                other.cancel_payment(payment.id),
                return_exceptions=True,
            )
            # The money arrived either way: it is applied whether the cancel came first or not.
            assert not isinstance(transfer, BaseException)
            assert transfer.outcome == "applied"
            assert isinstance(cancel, Conflict) or cancel.status in ("cancelled", "pending")  # type: ignore[union-attr]
            assert (await client.payment(payment.id)).status == "paid"
    applied = _applied_transfers(central)
    assert len(applied) == 6
    assert len({r["payment_id"] for r in applied}) == 6


@pytest.mark.asyncio
async def test_two_notices_racing_for_one_reference_collect_once(
    central: RunningCentral, client: CentralClient
) -> None:
    bill = (await client.bills(CODE)).bills[0]
    payment = await client.create_payment(CODE, [bill.id], "vietqr", "key-race2-001")
    async with DemoClient(central.url, central.token) as a, DemoClient(central.url, central.token) as b:
        results = await asyncio.gather(
            *(c.sim_bank_transfer(payment.reference, payment.amount) for c in (a, b, client, a, b))
        )
    assert sorted(r.outcome for r in results) == ["applied"] + ["refund_due"] * 4
    assert len(_applied_transfers(central)) == 1
