"""``CentralClient.payment(payment_id, wait=N)``: the long poll's question as sent, its own read timeout (the wait
plus the usual timeout, so the usual one never cuts the central's hold short) and the retries of a read, against
the real reference central on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from kiosk.central import errors
from kiosk.central.errors import Unavailable
from kiosk.central.models import Payment
from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral, running_central
from tests.helpers.faulty_transport import Fault, FaultyTransport

CODE = "PE01000123456"
TIMEOUT = 0.5  # the client's usual timeout: short, so that a hold longer than it shows


@dataclass
class Sent(httpx.AsyncBaseTransport):
    """The requests on their way to the central, with the timeouts httpx gave each."""

    inner: httpx.AsyncBaseTransport
    requests: list[httpx.Request] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def status_questions(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "GET" and r.url.path.startswith("/v1/payments/")]

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(tmp_path / "central.sqlite3") as server:
        yield server


@dataclass
class Setup:
    client: DemoClient
    sent: Sent
    faults: list[Fault]  # the next status questions' faults, in order
    payment: Payment


@pytest_asyncio.fixture
async def setup(central: RunningCentral) -> AsyncIterator[Setup]:
    faults: list[Fault] = []

    def plan(request: httpx.Request) -> Fault | None:
        if request.method == "GET" and request.url.path.startswith("/v1/payments/") and faults:
            return faults.pop(0)
        return None

    sent = Sent(FaultyTransport(plan))

    async def no_wait(_: float) -> None:
        return None

    client = DemoClient(
        central.url,
        central.token,
        transport=sent,
        timeout=TIMEOUT,
        retries=1,
        backoff=lambda _: 0,
        sleep=no_wait,
    )
    bills = await client.bills(CODE)
    payment = await client.create_payment(CODE, [bills.bills[0].id], "vietqr", "kiosk-long-poll-test-1")
    yield Setup(client, sent, faults, payment)
    await client.aclose()


@pytest.mark.asyncio
async def test_without_a_wait_the_question_is_the_plain_one_with_the_usual_timeout(setup: Setup) -> None:
    answer = await setup.client.payment(setup.payment.id)
    [request] = setup.sent.status_questions()
    assert answer.status == "pending"
    assert "wait" not in request.url.params
    assert request.extensions["timeout"]["read"] == TIMEOUT


@pytest.mark.asyncio
@pytest.mark.parametrize(("wait", "sent"), [(3, "3"), (2.2, "3"), (0.4, "1"), (30, "30")])
async def test_a_wait_is_sent_in_whole_seconds_with_a_read_timeout_of_the_wait_plus_the_usual_one(
    setup: Setup, wait: float, sent: str
) -> None:
    # The demo payment is paid first, so that even a central that holds answers at once.
    assert setup.payment.reference is not None
    await setup.client.sim_bank_transfer(setup.payment.reference, setup.payment.amount)
    answer = await setup.client.payment(setup.payment.id, wait=wait)
    [request] = setup.sent.status_questions()
    assert answer.status == "paid"
    assert request.url.params["wait"] == sent
    timeouts = request.extensions["timeout"]
    assert timeouts["read"] == int(sent) + TIMEOUT
    assert timeouts["connect"] == TIMEOUT  # an unreachable central is found out as quickly as ever


@pytest.mark.asyncio
@pytest.mark.parametrize("wait", [-1, 30.5, 31])
async def test_a_wait_outside_what_the_central_holds_is_refused_before_asking(
    setup: Setup, wait: float
) -> None:
    with pytest.raises(ValueError, match="wait is 0 to 30 seconds"):
        await setup.client.payment(setup.payment.id, wait=wait)
    assert setup.sent.status_questions() == []


@pytest.mark.asyncio
async def test_a_long_poll_is_a_read_and_retried_with_the_same_wait(setup: Setup) -> None:
    setup.faults.append(Fault.ERROR_BEFORE)  # a proxy's 503, as a restarting central's
    assert setup.payment.reference is not None
    await setup.client.sim_bank_transfer(setup.payment.reference, setup.payment.amount)
    answer = await setup.client.payment(setup.payment.id, wait=5)
    assert answer.status == "paid"
    assert [r.url.params["wait"] for r in setup.sent.status_questions()] == ["5", "5"]


@pytest.mark.asyncio
async def test_a_long_poll_that_outlasts_its_own_timeout_says_how_long_it_waited(setup: Setup) -> None:
    setup.faults += [Fault.TOO_SLOW, Fault.TOO_SLOW]
    with pytest.raises(Unavailable) as raised:
        await setup.client.payment(setup.payment.id, wait=1)
    assert raised.value.code == errors.TIMEOUT
    assert "no answer within 1.5 s" in str(raised.value)
    assert len(setup.sent.status_questions()) == 2


@pytest.mark.asyncio
async def test_a_hold_longer_than_the_usual_timeout_is_not_cut_by_it(setup: Setup) -> None:
    # The central holds a pending payment's answer for the whole wait: 2 s, four times the usual timeout.
    answer = await setup.client.payment(setup.payment.id, wait=2)
    assert answer.status == "pending"
    assert len(setup.sent.status_questions()) == 1  # one question, answered: no timeout, no retry


@pytest.mark.asyncio
async def test_the_notice_that_comes_during_a_hold_is_its_answer(
    setup: Setup, central: RunningCentral
) -> None:
    held = asyncio.ensure_future(setup.client.payment(setup.payment.id, wait=20))
    async with DemoClient(central.url, central.token) as bank:
        while not setup.sent.status_questions():  # noqa: ASYNC110 - the transport signals nothing to await
            await asyncio.sleep(0.01)
        assert setup.payment.reference is not None
        await bank.sim_bank_transfer(setup.payment.reference, setup.payment.amount)
    answer = await asyncio.wait_for(held, timeout=10)  # a guard: the hold asked is 20 s
    assert answer.status == "paid"
    assert len(setup.sent.status_questions()) == 1
