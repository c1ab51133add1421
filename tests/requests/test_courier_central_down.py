"""The central's port is closed (the central is down, or the district's link is): what the customer
confirmed waits on the kiosk, and goes once the central is back, once."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.courier import BACKOFF_CAP
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import Delivery
from tests.faults.harness.central import FakeClock, no_wait, wait_until
from tests.faults.harness.requests import RequestKiosk, outage_report, service_request
from tests.faults.invariants.reading import CentralMark
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.central import RunningCentral
from tests.requests.closable_port import ClosablePort


@pytest.mark.asyncio
async def test_queued_while_the_port_is_closed_then_delivered_once(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    services: dict[str, Service],
    tmp_path: Path,
    clock: FakeClock,
) -> None:
    port = ClosablePort(central.url)
    await port.open()
    rng = random.Random(5)
    # The customer confirmed the code while the central could be reached.
    submissions = [await service_request(client, services["capacity_change"], rng), outage_report(rng)]
    async with DemoClient(port.url, central.token, timeout=2.0, retries=2, sleep=no_wait) as kiosk_client:
        kiosk = RequestKiosk(kiosk_client, tmp_path / OUTBOX_FILE_NAME, clock)
        try:
            await port.close()
            items = [kiosk.outbox.add(s.kind, s.payload, s.summary) for s in submissions]
            at_screen = await kiosk.courier.deliver(items[0].id)
            assert (at_screen.state, at_screen.last_error, at_screen.attempts) == (
                Delivery.QUEUED, "unreachable", 1,
            )  # fmt: skip
            assert kiosk.outbox.depth() == 2

            # The background loop keeps trying, further and further apart, never past the cap.
            stop = asyncio.Event()
            loop = kiosk.start(lambda: kiosk.courier.run(stop))
            await wait_until(lambda: kiosk.outbox.get(items[0].id).attempts >= 10, what="ten attempts")
            waited = kiosk.outbox.get(items[0].id)
            assert waited.state is Delivery.QUEUED
            # Zero when the loop has just slept (the fake clock moves) to the moment of the next try.
            assert 0 <= (waited.next_attempt_at - clock()).total_seconds() <= BACKOFF_CAP
            assert clock.slept > 2 * BACKOFF_CAP
            assert port.connections == 0

            await port.open()
            kiosk.courier.wake()  # as the app does when its heartbeat gets through again
            await wait_until(lambda: kiosk.outbox.depth() == 0, what="delivered once the port is open")
            stop.set()
            await loop
        finally:
            await kiosk.close()
            await port.close()
    after = Outbox(tmp_path / OUTBOX_FILE_NAME)
    try:
        assert [i.state for i in after.all()] == [Delivery.DELIVERED] * 2
    finally:
        after.close()
    assert_outbox_invariants(
        central.db_path, tmp_path / OUTBOX_FILE_NAME, [i.reference for i in items], since=mark
    )
