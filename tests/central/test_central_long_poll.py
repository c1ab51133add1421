"""A payment's long poll (`GET /v1/payments/{id}?wait=N`): answered when the payment changes, not before."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral

CODE = "PE01000123456"


async def _new_payment(client: DemoClient, key: str) -> tuple[str, str, int]:
    bills = (await client.bills(CODE)).bills
    payment = await client.create_payment(CODE, [bills[0].id], "vietqr", key)
    return payment.id, payment.reference, payment.amount


async def _long_poll(central: RunningCentral, payment_id: str, wait: int) -> tuple[dict[str, object], float]:
    """The answer and how long it took (monotonic)."""
    async with httpx.AsyncClient(base_url=central.url, timeout=wait + 10) as http:
        started = time.monotonic()
        answer = await http.get(
            f"/v1/payments/{payment_id}",
            params={"wait": wait},
            headers={"Authorization": f"Bearer {central.token}"},
        )
        answer.raise_for_status()
        return answer.json(), time.monotonic() - started


@pytest.mark.asyncio
async def test_a_long_poll_is_answered_when_the_money_arrives(
    central: RunningCentral, client: DemoClient
) -> None:
    payment_id, reference, amount = await _new_payment(client, "key-long-poll-01")
    poll = asyncio.create_task(_long_poll(central, payment_id, 25))
    await asyncio.sleep(0.5)
    assert not poll.done(), "a pending payment's long poll waits"
    await client.sim_bank_transfer(reference, amount)
    answer, took = await asyncio.wait_for(poll, 10)
    assert answer["status"] == "paid"
    assert took < 20, "answered by the notice, not by the end of the wait"


@pytest.mark.asyncio
async def test_a_long_poll_is_answered_when_the_payment_is_cancelled(
    central: RunningCentral, client: DemoClient
) -> None:
    payment_id, _, _ = await _new_payment(client, "key-long-poll-02")
    poll = asyncio.create_task(_long_poll(central, payment_id, 25))
    await asyncio.sleep(0.3)
    await client.cancel_payment(payment_id)
    answer, _ = await asyncio.wait_for(poll, 10)
    assert answer["status"] == "cancelled"


@pytest.mark.asyncio
async def test_a_payment_superseded_by_a_counter_payment_wakes_its_long_poll(
    central: RunningCentral, client: DemoClient
) -> None:
    bills = (await client.bills(CODE)).bills
    payment_id, _, _ = await _new_payment(client, "key-long-poll-03")
    poll = asyncio.create_task(_long_poll(central, payment_id, 25))
    await asyncio.sleep(0.3)
    await client.sim_counter_payment(bills[0].id)
    answer, _ = await asyncio.wait_for(poll, 10)
    assert answer["status"] == "cancelled"


@pytest.mark.asyncio
async def test_a_long_poll_answers_pending_when_its_time_is_up(
    central: RunningCentral, client: DemoClient
) -> None:
    payment_id, _, _ = await _new_payment(client, "key-long-poll-04")
    answer, took = await _long_poll(central, payment_id, 1)
    assert answer["status"] == "pending"
    assert took >= 0.9


@pytest.mark.asyncio
async def test_a_settled_payment_is_answered_at_once(central: RunningCentral, client: DemoClient) -> None:
    payment_id, reference, amount = await _new_payment(client, "key-long-poll-05")
    await client.sim_bank_transfer(reference, amount)
    answer, took = await _long_poll(central, payment_id, 25)
    assert answer["status"] == "paid"
    assert took < 10


@pytest.mark.asyncio
async def test_a_long_poll_wakes_when_the_payment_expires(
    central: RunningCentral, client: DemoClient
) -> None:
    """Expiry is nobody's news: the wait ends at expires_at by the central's clock (moved here by the demo)."""
    payment_id, _, _ = await _new_payment(client, "key-long-poll-06")
    await client.sim_advance_clock(15 * 60 - 2)
    answer, took = await _long_poll(central, payment_id, 25)
    assert answer["status"] == "expired"
    assert took < 15


@pytest.mark.asyncio
async def test_a_wait_beyond_the_limit_is_refused(central: RunningCentral, client: DemoClient) -> None:
    payment_id, _, _ = await _new_payment(client, "key-long-poll-07")
    async with httpx.AsyncClient(base_url=central.url, timeout=10) as http:
        answer = await http.get(
            f"/v1/payments/{payment_id}",
            params={"wait": 31},
            headers={"Authorization": f"Bearer {central.token}"},
        )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.asyncio
async def test_an_unknown_payments_long_poll_is_404_at_once(central: RunningCentral) -> None:
    async with httpx.AsyncClient(base_url=central.url, timeout=10) as http:
        answer = await http.get(
            "/v1/payments/pay_0000000000000000",
            params={"wait": 25},
            headers={"Authorization": f"Bearer {central.token}"},
        )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "payment_not_found"
