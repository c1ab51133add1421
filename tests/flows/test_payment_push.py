"""The QR followed by the central's long poll (``GET /v1/payments/{id}?wait=N``), and the polling it falls back to,
against the real reference central on loopback (demo mode: the bank's notice is ``POST /v1/sim/bank-transfers``).

The flow runs on the real client, keeper and journal, on the real loop's clock; a transport in front of the real one
counts the kiosk's questions about the payment (how many are open at once, which ones asked the central to wait)
and plays the paths a push breaks on: a central that does not know ``wait`` (the ``wait`` is taken off the way,
so the real server answers at once, as an old central does) and a proxy that fails long requests. Nothing is
asserted on how long anything took: on what was asked, in what order, and what the customer was shown.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from kiosk.central.models import Bill, BillPaymentQr, Customer
from kiosk.demo.simulator import DemoClient
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.navigation import Navigator
from kiosk.flows.payment import EARLY_ANSWERS, PaymentFlow
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import AccountOverview, ChooseBills
from kiosk.flows.states.payment import PayByQr, PaymentEnd, PaymentReceived, PaymentStopped
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.keeper import PaymentKeeper, ReceiptPrint
from kiosk.payments.records import JournalPayment, PaymentState
from tests.helpers.central import KIOSK_ID, RunningCentral, running_central
from tests.helpers.faulty_transport import Fault, FaultyTransport

CODE = "PE01000123456"  # a demo customer with three unpaid bills
STATUS_PATH = re.compile(r"/v1/payments/[^/]+")
# Polling, when the flow polls: short, so a fallback shows within a test; the push's own questions are not paced.
POLL = 0.5
# Long enough that nothing in a test happens by it: what a test sees is the push, or the fallback it forces.
HOLD = 25


def asks_status(request: httpx.Request) -> bool:
    return request.method == "GET" and STATUS_PATH.fullmatch(request.url.path) is not None


def long_poll(request: httpx.Request) -> bool:
    return asks_status(request) and int(request.url.params.get("wait", "0")) > 0


@dataclass
class Question:
    """One question about the payment's status, as the kiosk sent it."""

    wait: int  # the hold asked of the central (0: answer at once)
    status: str | None = None  # what it answered, None while open (or when it failed)
    sent_at: float = field(default_factory=time.monotonic, compare=False)


@dataclass
class Watch(httpx.AsyncBaseTransport):
    """Counts the kiosk's questions about the payment on their way out. ``old_central``: the ``wait`` is dropped
    before the central sees it, which then answers at once as a central that does not know it does."""

    inner: httpx.AsyncBaseTransport
    old_central: bool = False
    questions: list[Question] = field(default_factory=list)
    open_now: int = 0
    most_open: int = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not asks_status(request):
            return await self.inner.handle_async_request(request)
        question = Question(int(request.url.params.get("wait", "0")))
        self.questions.append(question)
        if self.old_central:
            request.url = request.url.copy_remove_param("wait")
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
        finally:
            self.open_now -= 1
        if response.status_code == 200:
            question.status = httpx.Response(200, content=response.content).json()["status"]
        return response

    @property
    def long_polls(self) -> list[Question]:
        return [q for q in self.questions if q.wait]

    @property
    def polls(self) -> list[Question]:
        return [q for q in self.questions if not q.wait]

    async def aclose(self) -> None:
        await self.inner.aclose()


class Desk:
    """The receipt printer: records each receipt asked for."""

    def __init__(self) -> None:
        self.receipts: list[str] = []

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        assert payment.receipt_number is not None
        self.receipts.append(payment.receipt_number)
        return ReceiptPrint(True, len(self.receipts))


async def no_notice(customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
    raise AssertionError("the payment flow prints no bill notice")


@dataclass
class Kiosk:
    client: DemoClient
    bank: DemoClient  # the demo central's bank, on its own connection: never counted, never broken
    watch: Watch
    breaking: list[bool]  # [True]: the proxy answers 503 to every long poll
    faults: list[Fault]  # the next long polls' faults, before `breaking` counts
    journal: PaymentJournal
    keeper: PaymentKeeper
    nav: Navigator
    flow: PaymentFlow
    desk: Desk
    seen: list[ScreenState] = field(default_factory=list)

    async def to_qr(self) -> PayByQr:
        customer = await self.client.customer(CODE)
        unpaid = await self.client.bills(CODE)
        self.nav.go(AccountOverview(customer, unpaid))
        self.nav.go(ChooseBills(customer, unpaid, 1))
        await self.flow.pay()
        state = self.nav.current
        assert isinstance(state, PayByQr)
        return state

    async def pay(self, qr: PayByQr) -> None:
        """The bank's notice of the customer's transfer, for the QR's whole amount."""
        assert qr.payment.reference is not None
        await self.bank.sim_bank_transfer(qr.payment.reference, qr.payment.order.amount)

    def received(self) -> list[PaymentReceived]:
        return [s for s in self.seen if isinstance(s, PaymentReceived)]


async def until(condition: Callable[[], bool]) -> None:
    """Until ``condition``; the timeout only guards against a hang."""
    async with asyncio.timeout(15):
        while not condition():  # noqa: ASYNC110 - the flow, the transport and the journal signal nothing to await
            await asyncio.sleep(0.01)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(tmp_path / "central.sqlite3") as server:
        yield server


class Build:
    def __init__(self, central: RunningCentral, tmp_path: Path) -> None:
        self.central, self.tmp_path = central, tmp_path
        self.kiosks: list[Kiosk] = []

    def __call__(
        self, *, old_central: bool = False, push_retry: float = 60.0, hold: int = HOLD, timeout: float = 10.0
    ) -> Kiosk:
        breaking, faults = [False], list[Fault]()

        def plan(request: httpx.Request) -> Fault | None:
            if not long_poll(request):
                return None
            if faults:
                return faults.pop(0)
            return Fault.ERROR_BEFORE if breaking[0] else None

        watch = Watch(FaultyTransport(plan), old_central=old_central)
        # No retries: a failed question is the flow's to handle (the client's retries are tested on their own).
        client = DemoClient(self.central.url, self.central.token, transport=watch, retries=0, timeout=timeout)
        bank = DemoClient(self.central.url, self.central.token)
        journal = PaymentJournal(self.tmp_path / f"payments-{len(self.kiosks)}.sqlite3", kiosk_id=KIOSK_ID)
        desk = Desk()
        keeper = PaymentKeeper(client, journal, desk)
        nav, session = Navigator(), CustomerSession()
        bills = BillLookupFlow(
            client,
            nav,
            session,
            print_notice=no_notice,
            today=lambda: datetime.now(UTC).date(),
            in_flight=keeper.in_flight_bill_ids,
        )
        flow = PaymentFlow(
            keeper,
            client,
            bills,
            nav,
            session,
            poll_seconds=POLL,
            news=client,
            long_poll_seconds=hold,
            push_retry_seconds=push_retry,
        )
        kiosk = Kiosk(client, bank, watch, breaking, faults, journal, keeper, nav, flow, desk)
        nav.subscribe(kiosk.seen.append)
        self.kiosks.append(kiosk)
        return kiosk

    async def close(self) -> None:
        for kiosk in self.kiosks:
            kiosk.flow.leave()
            kiosk.nav.home()
            await asyncio.wait_for(kiosk.flow.followed(), timeout=15)
            await kiosk.client.aclose()
            await kiosk.bank.aclose()
            kiosk.journal.close()


@pytest_asyncio.fixture
async def build(central: RunningCentral, tmp_path: Path) -> AsyncIterator[Build]:
    builder = Build(central, tmp_path)
    yield builder
    await builder.close()


@contextmanager
def no_surprises(kiosk: Kiosk) -> Iterator[None]:
    """Whatever path the news took: one confirmed row, one receipt, one "received" screen."""
    yield
    [row] = kiosk.journal.all()
    assert row.state is PaymentState.CONFIRMED
    assert kiosk.desk.receipts == [row.receipt_number]
    assert len({s.payment.id for s in kiosk.received()}) == 1
    assert kiosk.flow.following is None


# ---------------------------------------------------------------------------------------------- the push
@pytest.mark.asyncio
async def test_money_is_learnt_through_the_one_long_poll_open_when_the_notice_came(build: Build) -> None:
    kiosk = build()
    with no_surprises(kiosk):
        qr = await kiosk.to_qr()
        await until(lambda: kiosk.watch.open_now == 1)
        await kiosk.pay(qr)
        await until(lambda: bool(kiosk.received()))
        await kiosk.flow.followed()
    # The question open when the bank's notice came answered it; the one after it is the keeper recording it.
    # No poll in between: polling (every 0.5 s here) would have asked several times during a hold.
    assert [(q.wait, q.status) for q in kiosk.watch.questions] == [(HOLD, "paid"), (0, "paid")]
    assert kiosk.watch.most_open == 1


@pytest.mark.asyncio
async def test_a_long_poll_whose_wait_ran_out_is_asked_again_at_once_and_nothing_is_polled(
    build: Build,
) -> None:
    kiosk = build(hold=1)
    with no_surprises(kiosk):
        qr = await kiosk.to_qr()
        await until(lambda: sum(q.status == "pending" for q in kiosk.watch.questions) >= EARLY_ANSWERS + 1)
        await kiosk.pay(qr)
        await until(lambda: bool(kiosk.received()))
        await kiosk.flow.followed()
    *held, found = kiosk.watch.questions
    assert all(q.wait == 1 for q in held)  # a central that held its answer is no old central: no polling
    assert [q.status for q in held] == ["pending"] * (len(held) - 1) + ["paid"]
    assert found == Question(0, "paid")
    assert kiosk.watch.most_open == 1


# ---------------------------------------------------------------------------------------------- an old central
@pytest.mark.asyncio
async def test_a_central_that_answers_at_once_is_polled_after_a_few_answers_and_its_money_found(
    build: Build,
) -> None:
    kiosk = build(old_central=True)
    with no_surprises(kiosk):
        qr = await kiosk.to_qr()
        # The first questions ask the central to wait; each comes back at once, pending, and the next is asked
        # only at the polling pace (never a tight loop against an old central), until the flow gives up the
        # push and polls.
        await until(lambda: sum(q.status is not None for q in kiosk.watch.polls) >= 3)
        asked = [(q.wait > 0, q.status) for q in kiosk.watch.questions if q.status is not None]
        assert asked[:EARLY_ANSWERS] == [(True, "pending")] * EARLY_ANSWERS
        assert asked[EARLY_ANSWERS:] == [(False, "pending")] * (len(asked) - EARLY_ANSWERS)
        sent = [q.sent_at for q in kiosk.watch.questions]
        # Never faster than polling (a few ms of leeway: the flow's clock is read just before the request leaves).
        assert min(b - a for a, b in itertools.pairwise(sent)) > POLL - 0.05
        assert kiosk.watch.most_open == 1
        await kiosk.pay(qr)
        await until(lambda: bool(kiosk.received()))
        await kiosk.flow.followed()
    assert len(kiosk.watch.long_polls) == EARLY_ANSWERS  # the push is tried again only after a minute
    assert kiosk.watch.questions[-1].status == "paid"


@pytest.mark.asyncio
async def test_with_an_old_central_the_push_is_tried_again_later_and_given_up_again(build: Build) -> None:
    kiosk = build(old_central=True, push_retry=2.0)  # a few polls' while (the poll is 0.5 s)
    with no_surprises(kiosk):
        qr = await kiosk.to_qr()
        await until(lambda: len(kiosk.watch.long_polls) >= 2 * EARLY_ANSWERS)
        waits = [q.wait > 0 for q in kiosk.watch.questions]
        # Three long polls, polls for the retry's while, three long polls again (and polls after them).
        assert waits[:EARLY_ANSWERS] == [True] * EARLY_ANSWERS
        again = waits.index(True, EARLY_ANSWERS)
        assert again > EARLY_ANSWERS
        assert waits[again : again + EARLY_ANSWERS] == [True] * EARLY_ANSWERS
        assert kiosk.watch.most_open == 1
        await kiosk.pay(qr)
        await until(lambda: bool(kiosk.received()))
        await kiosk.flow.followed()


@pytest.mark.asyncio
async def test_the_countdown_ticks_each_second_while_the_long_poll_is_open(build: Build) -> None:
    kiosk = build()
    qr = await kiosk.to_qr()
    await until(lambda: sum(isinstance(s, PayByQr) for s in kiosk.seen) >= 3)
    shown = [s.seconds_left for s in kiosk.seen if isinstance(s, PayByQr)]
    assert shown[0] == qr.seconds_left
    assert all(0 <= a - b <= 1 for a, b in itertools.pairwise(shown))
    assert not any(s.checking for s in kiosk.seen if isinstance(s, PayByQr))


# ---------------------------------------------------------------------------------------------- the push breaks
@pytest.mark.asyncio
async def test_a_failed_long_poll_falls_back_to_polling_and_the_push_is_tried_again_later(
    build: Build,
) -> None:
    kiosk = build(push_retry=2.0)  # longer than the back-off after a failure (twice the poll)
    kiosk.breaking[0] = True  # a proxy that answers 503 to every request that waits
    with no_surprises(kiosk):
        qr = await kiosk.to_qr()
        await until(lambda: len(kiosk.watch.long_polls) >= 2)
        waits = [q.wait > 0 for q in kiosk.watch.questions]
        second = waits.index(True, 1)
        # The failed long poll, then polls at once (the payment is still followed), then the push again.
        assert waits[0]
        assert kiosk.watch.questions[0].status is None
        assert second > 1
        assert not any(waits[1:second])
        assert all(q.status == "pending" for q in kiosk.watch.questions[1:second])
        kiosk.breaking[0] = False
        # The push, tried again once more after the proxy mended, is held open by the central.
        await until(lambda: kiosk.watch.open_now == 1 and kiosk.watch.questions[-1].wait == HOLD)
        await kiosk.pay(qr)
        await until(lambda: bool(kiosk.received()))
        await kiosk.flow.followed()
    assert kiosk.watch.questions[-2:] == [Question(HOLD, "paid"), Question(0, "paid")]
    assert kiosk.watch.most_open == 1


@pytest.mark.asyncio
async def test_a_long_poll_unanswered_well_past_its_wait_is_given_up_for_polling(build: Build) -> None:
    # The client would wait for the hold plus its usual timeout (11 s); a proxy holding the answer longer than
    # the hold asked is found out sooner by the flow, which polls meanwhile.
    kiosk = build(hold=1, timeout=10.0)
    kiosk.faults.append(Fault.TOO_SLOW)
    with no_surprises(kiosk):
        qr = await kiosk.to_qr()
        await until(lambda: bool(kiosk.watch.polls))
        [stuck, *_] = kiosk.watch.questions
        assert (stuck.wait, stuck.status) == (1, None)
        assert kiosk.watch.polls[0].wait == 0
        await kiosk.pay(qr)
        await until(lambda: bool(kiosk.received()))
        await kiosk.flow.followed()


@pytest.mark.asyncio
async def test_cancel_while_a_long_poll_is_open_cancels_at_once_and_nothing_is_received(build: Build) -> None:
    kiosk = build()
    await kiosk.to_qr()
    await until(lambda: kiosk.watch.open_now == 1)
    # The long poll holds no lock of the keeper's: the cancel does not wait for the central's hold (25 s).
    await asyncio.wait_for(kiosk.flow.cancel(), timeout=HOLD / 2)
    await asyncio.wait_for(kiosk.flow.followed(), timeout=HOLD / 2)
    stopped = kiosk.nav.current
    assert isinstance(stopped, PaymentStopped)
    assert stopped.why is PaymentEnd.CANCELLED
    [row] = kiosk.journal.all()
    assert row.central_status == "cancelled"
    assert not kiosk.received()
    assert kiosk.desk.receipts == []
    assert kiosk.watch.open_now == 0  # the long poll ended with the QR
