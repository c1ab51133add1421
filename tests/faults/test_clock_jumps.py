"""The kiosk's wall clock jumps, either way, by hours or days: no money is lost and no request stranded.

A kiosk boots days behind before NTP corrects it, an operator sets the clock by hand, a dead RTC battery puts it
in 1970. What the kiosk promised is measured otherwise: waits and backoff on the monotonic clock, the watch for
late money by the central's time (its answers' ``Date`` header, :mod:`kiosk.central.central_time`). Each test
here is an attack the audit of issue 22 made, on the real central over loopback.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.central.errors import Unavailable
from kiosk.central.models import FieldValue, OutageReport, OutageReportKind, ServiceRequest
from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import JournalPayment, Order, PaymentJournal, PaymentState
from kiosk.payments.keeper import CLOSED_CHECK_INTERVAL, PaymentKeeper
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import Delivery
from tests.faults.harness.central import KIOSK_ID, FakeClock, wait_until
from tests.faults.harness.payments import ReceiptRoll, Screen, settle
from tests.faults.harness.requests import outage_report
from tests.faults.invariants.payments import assert_invariants
from tests.helpers.central import RunningCentral

DAY = 86_400.0
JUMPS = {
    "back-an-hour": -3600.0,
    "back-2-days": -2 * DAY,
    "back-8-days": -8 * DAY,
    "forward-2-days": 2 * DAY,
    "forward-8-days": 8 * DAY,
}
WATCH = timedelta(days=3)


class DownOnce:
    """The real central, unreachable for the first submission only (a 503, a cut cable)."""

    def __init__(self, client: DemoClient) -> None:
        self.client = client
        self.failed = False

    def _once(self) -> None:
        if not self.failed:
            self.failed = True
            raise Unavailable("unreachable", "down")

    async def submit_request(
        self,
        service_code: str,
        customer_code: str | None,
        fields: Mapping[str, FieldValue],
        otp_id: str,
        otp_code: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> ServiceRequest:
        self._once()
        return await self.client.submit_request(
            service_code,
            customer_code,
            fields,
            otp_id,
            otp_code,
            idempotency_key,
            client_reference=client_reference,
        )

    async def report_outage(
        self,
        customer_code: str,
        kind: OutageReportKind,
        description: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> OutageReport:
        self._once()
        return await self.client.report_outage(
            customer_code, kind, description, idempotency_key, client_reference=client_reference
        )


@pytest.mark.asyncio
@pytest.mark.parametrize("jump", JUMPS.values(), ids=JUMPS.keys())
async def test_a_queued_report_is_sent_after_its_backoff_whatever_the_clock_did(
    central: RunningCentral, client: DemoClient, tmp_path: Path, jump: float
) -> None:
    """Audit: one 503, then the clock set back 2 days, and the courier slept 172,802 s (and stayed asleep
    after the clock was put right)."""
    clock = FakeClock()
    outbox = Outbox(tmp_path / OUTBOX_FILE_NAME, clock=clock)
    courier = Courier(DownOnce(client), outbox, clock=clock, monotonic=clock.monotonic, sleep=clock.sleep)
    s = outage_report(random.Random("clock-jump"))
    item = outbox.add(s.kind, s.payload, s.summary)
    stop = asyncio.Event()
    try:
        assert (await courier.deliver(item.id)).state is Delivery.QUEUED
        clock.jump(jump)
        loop = asyncio.ensure_future(courier.run(stop))
        await wait_until(lambda: outbox.get(item.id).state is not Delivery.QUEUED, what="delivered")
        stop.set()
        await loop
        assert outbox.get(item.id).state is Delivery.DELIVERED
        assert clock.slept <= 10  # the first backoff (2 s, jittered), not the jump
    finally:
        stop.set()
        outbox.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("jump", JUMPS.values(), ids=JUMPS.keys())
async def test_a_kiosk_restarted_after_a_jump_sends_what_was_queued_at_once(
    central: RunningCentral, client: DemoClient, tmp_path: Path, jump: float
) -> None:
    clock = FakeClock()
    outbox = Outbox(tmp_path / OUTBOX_FILE_NAME, clock=clock)
    s = outage_report(random.Random("clock-jump-restart"))
    item = outbox.add(s.kind, s.payload, s.summary)
    first = Courier(DownOnce(client), outbox, clock=clock, monotonic=clock.monotonic, sleep=clock.sleep)
    try:
        assert (await first.deliver(item.id)).state is Delivery.QUEUED
        clock.jump(jump)
        # The power comes back: a new process, a new monotonic clock, the outbox as it was.
        again = Courier(client, outbox, clock=clock, monotonic=FakeClock().monotonic, sleep=clock.sleep)
        [sent] = await again.deliver_due()
        assert sent.state is Delivery.DELIVERED
    finally:
        outbox.close()


class KioskClock:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.elapsed = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.elapsed


@dataclass
class PayingKiosk:
    clock: KioskClock
    journal: PaymentJournal
    desk: ReceiptRoll
    keeper: PaymentKeeper


@pytest.fixture
def paying(client: DemoClient, tmp_path: Path) -> Iterator[PayingKiosk]:
    """A kiosk's payment side as the app wires it: the watch by the central's time, waits on the monotonic."""
    clock = KioskClock(datetime.now(UTC))
    journal = PaymentJournal(tmp_path / "journal.sqlite3", kiosk_id=KIOSK_ID, watch=WATCH)
    desk = ReceiptRoll()
    keeper = PaymentKeeper(
        client, journal, desk, now=clock, central_now=client.central_time.known, monotonic=clock.monotonic
    )
    yield PayingKiosk(clock, journal, desk, keeper)
    journal.close()


async def cancelled(kiosk: PayingKiosk, orders: dict[str, tuple[Order, ...]]) -> JournalPayment:
    """A customer shows the QR, then cancels and leaves: the payment is closed and watched."""
    screen = Screen(kiosk.keeper)
    row = await screen.show_qr(orders["PC03000567890"][0])
    assert row is not None
    assert row.reference is not None
    assert (await screen.press_cancel(row.id)).state is PaymentState.CLOSED
    screen.leave(row.id)
    return row


@pytest.mark.asyncio
@pytest.mark.parametrize("behind", [timedelta(hours=5), timedelta(days=4)], ids=["5-hours", "4-days"])
async def test_money_sent_before_a_cancel_is_confirmed_after_the_clock_is_corrected(
    central: RunningCentral,
    client: DemoClient,
    orders: dict[str, tuple[Order, ...]],
    paying: PayingKiosk,
    behind: timedelta,
) -> None:
    """Audit: a kiosk booted 4 days behind; a customer cancels with the money already sent; NTP corrects the
    clock; the central applies the money; the kiosk stayed `closed`, even after `reconcile(everything=True)`."""
    paying.clock.now -= behind
    row = await cancelled(paying, orders)
    await settle(paying.keeper)

    paying.clock.now += behind  # NTP puts the kiosk right
    assert (await client.sim_bank_transfer(row.reference or "", row.amount)).outcome == "applied"
    await settle(paying.keeper)
    assert paying.journal.get(row.id).state is PaymentState.CONFIRMED
    assert_invariants(central, paying.journal.path, paying.desk.printed)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_a_clock_set_back_a_day_does_not_pause_the_watch_on_closed_payments(
    client: DemoClient, orders: dict[str, tuple[Order, ...]], paying: PayingKiosk
) -> None:
    """Audit: after a 1-day backward jump, the periodic reconcile stopped re-checking closed payments for
    about a day (the interval between checks was measured on the wall clock)."""
    row = await cancelled(paying, orders)
    assert await paying.keeper.reconcile() == []  # asked about once: the interval starts

    paying.clock.now -= timedelta(days=1)
    paying.clock.elapsed += CLOSED_CHECK_INTERVAL + 1
    assert (await client.sim_bank_transfer(row.reference or "", row.amount)).outcome == "applied"
    await paying.keeper.reconcile()  # the periodic one, not `everything`
    assert paying.journal.get(row.id).state is PaymentState.CONFIRMED
