"""The bank's notice carries its transaction id, and the central records each transaction once: a notice sent
again because the central's acknowledgement was lost is not a second payment (a phantom `refund_due`, whose
refund would pay out money received once). Read in the central's own SQLite."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from kiosk.central.errors import Conflict
from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral

CODE = "PE01000123456"
FT = "FT26341123456789"


def _transfers(central: RunningCentral) -> list[tuple[object, ...]]:
    return central.values(
        "SELECT transaction_id, reference, amount, outcome, reason FROM bank_transfers ORDER BY id"
    )


async def _payment_of_one_bill(client: DemoClient, key: str) -> tuple[str, str, int]:
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", key)
    return payment.id, payment.reference, payment.amount


@pytest.mark.asyncio
async def test_a_notice_sent_again_is_answered_as_the_first_and_recorded_once(
    central: RunningCentral, client: DemoClient
) -> None:
    payment_id, reference, amount = await _payment_of_one_bill(client, "key-replay-0001")
    first = await client.sim_bank_transfer(reference, amount, transaction_id=FT)
    again = await client.sim_bank_transfer(reference, amount, transaction_id=FT)
    assert first.outcome == "applied"
    assert again == first
    assert _transfers(central) == [(FT, reference, amount, "applied", None)]
    assert (await client.payment(payment_id)).status == "paid"


@pytest.mark.asyncio
async def test_a_notice_sent_again_after_the_world_changed_still_answers_the_first(
    central: RunningCentral, client: DemoClient
) -> None:
    """The replay is the first notice's answer, not a new judgement: the bill paid since (by this very
    money) does not turn the notice sent again into `bills_already_paid`."""
    _, reference, amount = await _payment_of_one_bill(client, "key-replay-0002")
    first = await client.sim_bank_transfer(reference, amount, transaction_id=FT)
    await client.sim_advance_clock(3600)
    assert await client.sim_bank_transfer(reference, amount, transaction_id=FT) == first
    assert len(_transfers(central)) == 1


@pytest.mark.asyncio
async def test_a_refund_is_recorded_once_however_often_its_notice_comes(
    central: RunningCentral, client: DemoClient
) -> None:
    first = await client.sim_bank_transfer("TTNOSUCHREFERENCE", 50_000, transaction_id=FT)
    for _ in range(3):
        assert await client.sim_bank_transfer("TTNOSUCHREFERENCE", 50_000, transaction_id=FT) == first
    assert _transfers(central) == [(FT, "TTNOSUCHREFERENCE", 50_000, "refund_due", "unknown_reference")]


@pytest.mark.asyncio
async def test_the_same_id_for_another_reference_or_amount_is_a_conflict(
    central: RunningCentral, client: DemoClient
) -> None:
    _, reference, amount = await _payment_of_one_bill(client, "key-replay-0003")
    await client.sim_bank_transfer(reference, amount, transaction_id=FT)
    for other_reference, other_amount in ((reference, amount - 1000), ("TTSOMETHINGELSE", amount)):
        with pytest.raises(Conflict) as refused:
            await client.sim_bank_transfer(other_reference, other_amount, transaction_id=FT)
        assert refused.value.code == "transaction_id_reused"
        assert refused.value.details["transaction_id"] == FT
    assert _transfers(central) == [(FT, reference, amount, "applied", None)]


@pytest.mark.asyncio
async def test_notices_sent_again_at_the_same_moment_are_recorded_once(
    central: RunningCentral, client: DemoClient
) -> None:
    payment_id, reference, amount = await _payment_of_one_bill(client, "key-replay-0004")
    async with DemoClient(central.url, central.token) as other:
        answers = await asyncio.gather(
            *(c.sim_bank_transfer(reference, amount, transaction_id=FT) for c in (client, other) * 3)
        )
    assert {a.id for a in answers} == {answers[0].id}
    assert [a.outcome for a in answers] == ["applied"] * 6
    assert _transfers(central) == [(FT, reference, amount, "applied", None)]
    assert (await client.payment(payment_id)).status == "paid"


@pytest.mark.parametrize(
    "transaction_id",
    [None, "", "-FT123", "FT 123", "FT123\n", "Ð123", "F" * 65],
    ids=["missing", "empty", "dash-first", "space", "newline", "not-ascii", "too-long"],
)
def test_a_notice_needs_a_transaction_id_of_the_bank_s_shape(
    central: RunningCentral, transaction_id: str | None
) -> None:
    notice: dict[str, object] = {"reference": "TTNOSUCHREFERENCE", "amount": 1000}
    if transaction_id is not None:
        notice["transaction_id"] = transaction_id
    answer = httpx.post(
        f"{central.url}/v1/sim/bank-transfers",
        json=notice,
        headers={"Authorization": f"Bearer {central.token}"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"
    assert _transfers(central) == []
