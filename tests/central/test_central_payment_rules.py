"""Creating payments: the VietQR issued, idempotency, oldest-first, one live payment per bill."""

from __future__ import annotations

import pytest

from kiosk.central.client import CentralClient
from kiosk.central.errors import Conflict, InvalidInput, NotFound
from kiosk.customer import vietqr

CODE = "PE01000123456"  # three unpaid bills


async def _unpaid_ids(client: CentralClient, code: str = CODE) -> list[str]:
    return [b.id for b in (await client.bills(code)).bills]


@pytest.mark.asyncio
async def test_a_payment_carries_a_valid_vietqr_for_the_bills_total(client: CentralClient) -> None:
    bills = (await client.bills(CODE)).bills
    assert [b.period_start for b in bills] == sorted(b.period_start for b in bills)
    oldest_two = bills[:2]
    payment = await client.create_payment(CODE, [b.id for b in oldest_two], "vietqr", "key-qr-0001")
    assert payment.status == "pending"
    assert payment.amount == sum(b.total for b in oldest_two)
    qr = vietqr.decode(payment.qr_payload)
    assert qr.dynamic
    assert qr.amount == payment.amount
    assert qr.purpose == payment.reference
    assert (qr.bank_bin, qr.account_number) == (payment.recipient.bank_bin, payment.recipient.account_number)
    assert payment.expires_at > payment.created_at


@pytest.mark.asyncio
async def test_the_same_key_and_body_give_the_same_payment(client: CentralClient) -> None:
    ids = (await _unpaid_ids(client))[:1]
    first = await client.create_payment(CODE, ids, "vietqr", "key-replay-01")
    again = await client.create_payment(CODE, ids, "vietqr", "key-replay-01")
    assert again == first


@pytest.mark.asyncio
async def test_the_same_key_with_another_body_is_refused(client: CentralClient) -> None:
    ids = await _unpaid_ids(client)
    await client.create_payment(CODE, ids[:1], "vietqr", "key-reused-01")
    with pytest.raises(Conflict) as caught:
        await client.create_payment(CODE, ids[:2], "vietqr", "key-reused-01")
    assert caught.value.code == "idempotency_key_reused"


@pytest.mark.asyncio
async def test_an_older_unpaid_bill_may_not_be_skipped(client: CentralClient) -> None:
    ids = await _unpaid_ids(client)
    with pytest.raises(InvalidInput) as caught:
        await client.create_payment(CODE, [ids[1]], "vietqr", "key-skip-0001")
    assert caught.value.code == "older_bill_unpaid"
    assert caught.value.details["oldest_unpaid_bill_id"] == ids[0]


@pytest.mark.asyncio
async def test_a_bill_with_a_live_payment_cannot_get_a_second_one(client: CentralClient) -> None:
    ids = await _unpaid_ids(client)
    first = await client.create_payment(CODE, ids[:1], "vietqr", "key-live-0001")
    with pytest.raises(Conflict) as caught:
        await client.create_payment(CODE, ids[:2], "vietqr", "key-live-0002")
    assert caught.value.code == "payment_in_progress"
    assert caught.value.details["payment_id"] == first.id
    bills = (await client.bills(CODE)).bills
    assert bills[0].status == "pending_payment"
    assert bills[0].pending_payment_id == first.id


@pytest.mark.asyncio
async def test_a_cancelled_payment_frees_its_bills(client: CentralClient) -> None:
    ids = await _unpaid_ids(client)
    first = await client.create_payment(CODE, ids[:1], "vietqr", "key-cancel-01")
    cancelled = await client.cancel_payment(first.id)
    assert cancelled.status == "cancelled"
    assert (await client.cancel_payment(first.id)).status == "cancelled"  # idempotent
    second = await client.create_payment(CODE, ids[:1], "vietqr", "key-cancel-02")
    assert second.id != first.id
    assert second.reference != first.reference


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("bill_ids", "error", "code"),
    [
        (["PE01000123456-190001"], NotFound, "bill_not_found"),
        (["PD02000234567-202501"], NotFound, "bill_not_found"),  # another customer's bill
    ],
    ids=["unknown-bill", "someone-elses-bill"],
)
async def test_bills_must_be_the_customers_own(
    client: CentralClient, bill_ids: list[str], error: type[Exception], code: str
) -> None:
    with pytest.raises(error) as caught:
        await client.create_payment(CODE, bill_ids, "vietqr", "key-foreign-01")
    assert getattr(caught.value, "code", None) == code


@pytest.mark.asyncio
async def test_a_paid_bill_cannot_be_paid_again(client: CentralClient) -> None:
    paid = [b for b in (await client.bills("PB05000456789", status="all")).bills if b.status == "paid"]
    with pytest.raises(Conflict) as caught:
        await client.create_payment("PB05000456789", [paid[-1].id], "vietqr", "key-paid-0001")
    assert caught.value.code == "bill_already_paid"


@pytest.mark.asyncio
async def test_unknown_payment(client: CentralClient) -> None:
    with pytest.raises(NotFound):
        await client.payment("pay_does_not_exist")
    with pytest.raises(NotFound):
        await client.cancel_payment("pay_does_not_exist")


@pytest.mark.asyncio
async def test_the_central_offers_one_method_a_vietqr_and_names_no_wallet(client: CentralClient) -> None:
    [method] = (await client.payment_methods()).methods
    assert (method.method, method.payload_kind) == ("vietqr", "vietqr")
    # Its QR is a VietQR whichever app scans it: no app's name is put on it as if the code were that app's.
    names = f"{method.label.vi} {method.label.en}".casefold()
    assert not any(app in names for app in ("momo", "zalopay", "vnpay", "shopeepay"))


@pytest.mark.asyncio
@pytest.mark.parametrize("method", ["momo", "zalopay", "vnpay"])
async def test_a_method_the_central_does_not_list_is_refused(client: CentralClient, method: str) -> None:
    ids = await _unpaid_ids(client)
    with pytest.raises(InvalidInput) as caught:
        await client.create_payment(CODE, ids[:1], method, f"key-{method}-0001")
    assert caught.value.code == "invalid_request"
    assert (await client.bills(CODE)).bills[0].status != "pending_payment"
