"""A bill's own QR, printed on its notice and paid from home: stable, long-lived, collected once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from vietnam_qr_pay import QRPay

from kiosk.central.client import CentralClient
from kiosk.central.errors import Conflict, NotFound, Unauthorized
from kiosk.central.models import Bill, BillPaymentQr
from kiosk.customer import vietqr
from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral

CODE = "PE01000123456"  # three unpaid bills, the two oldest overdue
CONTRACT = Path(__file__).parent.parent.parent / "contract" / "openapi.json"


async def _bill(client: CentralClient, bill_id: str) -> Bill:
    return next(b for b in (await client.bills(CODE, status="all")).bills if b.id == bill_id)


@pytest.mark.asyncio
async def test_the_qr_is_a_valid_vietqr_for_the_bills_total(client: CentralClient) -> None:
    bill = (await client.bills(CODE)).bills[-1]
    qr = await client.bill_payment_qr(bill.id)
    assert (qr.bill_id, qr.customer_code, qr.amount) == (bill.id, CODE, bill.total)
    decoded = vietqr.decode(qr.qr_payload)
    assert decoded.amount == bill.total
    assert decoded.purpose == qr.reference
    assert (decoded.bank_bin, decoded.account_number) == (qr.recipient.bank_bin, qr.recipient.account_number)
    # The same collection account as the corporation's kiosk payments.
    corporation = (await client.customer(CODE)).corporation.code
    assert qr.recipient.account_name == corporation
    # An independent decoder reads the same transfer.
    theirs = QRPay(qr.qr_payload)
    assert theirs.is_valid
    assert (theirs.consumer.bank_bin, theirs.consumer.bank_number) == (
        decoded.bank_bin,
        decoded.account_number,
    )
    assert theirs.amount == str(bill.total)
    assert theirs.additional_data.purpose == qr.reference


@pytest.mark.asyncio
async def test_the_reference_names_the_bill_and_is_not_a_payments(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    references = [(await client.bill_payment_qr(b.id)).reference for b in bills]
    assert references == ["HD" + b.id.replace("-", "") for b in bills]
    assert len(set(references)) == len(bills)
    assert all(len(r) <= 25 and r.isascii() and r.isalnum() for r in references)
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", "key-billqr-ref1")
    assert payment.reference.startswith("TT")
    assert payment.reference not in references


@pytest.mark.asyncio
async def test_every_print_carries_the_same_code_and_changes_nothing(client: CentralClient) -> None:
    bill = (await client.bills(CODE)).bills[0]
    first = await client.bill_payment_qr(bill.id)
    await client.sim_advance_clock(3 * 24 * 3600)
    assert await client.bill_payment_qr(bill.id) == first
    after = await _bill(client, bill.id)
    assert (after.status, after.pending_payment_id) == ("overdue", None)
    # The kiosk can still take a payment for the bill: the printed code holds nothing back.
    await client.create_payment(CODE, [bill.id], "vietqr", "key-billqr-same1")


@pytest.mark.asyncio
async def test_the_client_reads_exactly_what_the_server_sends(
    central: RunningCentral, client: CentralClient
) -> None:
    bill_id = (await client.bills(CODE)).bills[0].id
    parsed = await client.bill_payment_qr(bill_id)
    headers = {"Authorization": f"Bearer {central.token}"}
    async with httpx.AsyncClient(base_url=central.url, headers=headers) as http:
        raw = (await http.get(f"/v1/bills/{bill_id}/payment-qr")).json()
    assert parsed.model_dump() == raw
    assert BillPaymentQr.model_validate(raw) == parsed


def test_the_client_model_reads_only_fields_the_contract_defines() -> None:
    schema = json.loads(CONTRACT.read_text(encoding="utf-8"))["components"]["schemas"]["BillPaymentQr"]
    assert set(BillPaymentQr.model_fields) == set(schema["properties"]) == set(schema["required"])


@pytest.mark.asyncio
async def test_money_for_the_qr_marks_the_bill_paid(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    qr = await client.bill_payment_qr(bills[1].id)
    result = await client.sim_bank_transfer(qr.reference, qr.amount)
    assert (result.outcome, result.reason, result.payment_id) == ("applied", None, None)
    assert (await _bill(client, bills[1].id)).status == "paid"
    # It pays only its own bill, and is not held to oldest first: the customer did pay this one.
    assert (await _bill(client, bills[0].id)).status == "overdue"
    assert (await client.bills(CODE)).total_due == bills[0].total + bills[2].total
    with pytest.raises(Conflict) as caught:
        await client.bill_payment_qr(bills[1].id)
    assert caught.value.code == "bill_already_paid"


@pytest.mark.asyncio
async def test_paying_the_qr_twice_refunds_the_second(client: CentralClient) -> None:
    qr = await client.bill_payment_qr((await client.bills(CODE)).bills[0].id)
    assert (await client.sim_bank_transfer(qr.reference, qr.amount)).outcome == "applied"
    again = await client.sim_bank_transfer(qr.reference, qr.amount)
    assert (again.outcome, again.reason) == ("refund_due", "duplicate")


@pytest.mark.asyncio
async def test_money_for_a_bill_paid_at_the_counter_is_a_refund(client: CentralClient) -> None:
    bill = (await client.bills(CODE)).bills[0]
    qr = await client.bill_payment_qr(bill.id)
    await client.sim_counter_payment(bill.id)
    result = await client.sim_bank_transfer(qr.reference, qr.amount)
    assert (result.outcome, result.reason) == ("refund_due", "bills_already_paid")


@pytest.mark.asyncio
async def test_money_for_a_bill_paid_at_a_kiosk_is_a_refund(client: CentralClient) -> None:
    bill = (await client.bills(CODE)).bills[0]
    qr = await client.bill_payment_qr(bill.id)
    payment = await client.create_payment(CODE, [bill.id], "vietqr", "key-billqr-kiosk")
    assert (await client.sim_bank_transfer(payment.reference, payment.amount)).outcome == "applied"
    result = await client.sim_bank_transfer(qr.reference, qr.amount)
    assert (result.outcome, result.reason) == ("refund_due", "bills_already_paid")


@pytest.mark.asyncio
async def test_a_wrong_amount_is_a_refund_and_the_bill_stays_unpaid(client: CentralClient) -> None:
    bill = (await client.bills(CODE)).bills[0]
    qr = await client.bill_payment_qr(bill.id)
    for amount in (qr.amount - 1000, qr.amount + 1):
        result = await client.sim_bank_transfer(qr.reference, amount)
        assert (result.outcome, result.reason) == ("refund_due", "amount_mismatch")
    assert (await _bill(client, bill.id)).status == "overdue"


@pytest.mark.asyncio
async def test_the_qr_supersedes_a_kiosk_payment_waiting_for_the_bill(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    qr = await client.bill_payment_qr(bills[0].id)
    payment = await client.create_payment(CODE, [bills[0].id, bills[1].id], "vietqr", "key-billqr-sup1")
    assert (await client.sim_bank_transfer(qr.reference, qr.amount)).outcome == "applied"
    assert (await client.payment(payment.id)).status == "cancelled"
    late = await client.sim_bank_transfer(payment.reference, payment.amount)
    assert (late.outcome, late.reason) == ("refund_due", "bills_already_paid")
    after = {b.id: b.status for b in (await client.bills(CODE, status="all")).bills}
    assert (after[bills[0].id], after[bills[1].id]) == ("paid", "overdue")


@pytest.mark.asyncio
async def test_a_qr_notice_racing_a_payment_notice_collects_once(
    central: RunningCentral, client: CentralClient
) -> None:
    async with DemoClient(central.url, central.token) as other:
        for n, code in enumerate(["PE01000123456", "PD02000234567", "PA12000345678", "PC03000567890"]):
            bill = (await client.bills(code)).bills[0]
            qr = await client.bill_payment_qr(bill.id)
            payment = await client.create_payment(code, [bill.id], "vietqr", f"key-billqr-race{n}")
            results = await asyncio.gather(
                client.sim_bank_transfer(qr.reference, qr.amount),
                other.sim_bank_transfer(payment.reference, payment.amount),
            )
            assert sorted(r.outcome for r in results) == ["applied", "refund_due"]
            assert {r.reason for r in results} == {None, "bills_already_paid"}
    [(applied,)] = central.values("SELECT count(*) FROM bank_transfers WHERE outcome = 'applied'")
    assert applied == 4


@pytest.mark.asyncio
async def test_unknown_and_paid_bills(client: CentralClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.bill_payment_qr(f"{CODE}-190001")
    assert caught.value.code == "bill_not_found"
    paid = [b for b in (await client.bills("PB05000456789", status="all")).bills if b.status == "paid"]
    with pytest.raises(Conflict) as conflict:
        await client.bill_payment_qr(paid[-1].id)
    assert (conflict.value.code, conflict.value.details["bill_id"]) == ("bill_already_paid", paid[-1].id)
    # Money with a well-formed bill reference for no bill is kept for refund like any stray reference.
    stray = await client.sim_bank_transfer(f"HD{CODE}190001", 50_000)
    assert (stray.outcome, stray.reason) == ("refund_due", "unknown_reference")


@pytest.mark.asyncio
async def test_the_qr_needs_the_kiosk_token(central: RunningCentral) -> None:
    async with DemoClient(central.url, "not-the-token") as stranger:
        with pytest.raises(Unauthorized):
            await stranger.bill_payment_qr(f"{CODE}-190001")
