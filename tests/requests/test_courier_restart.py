"""The kiosk restarts (a crash, a power cut, an update) with submissions in its outbox: the next courier
sends them without being asked, exactly once."""

from __future__ import annotations

import asyncio
import random

import pytest

from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery
from tests.faults.harness.requests import Hold, RequestKiosk, outage_report, service_request
from tests.faults.invariants.reading import CentralMark
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.central import RunningCentral
from tests.requests.conftest import Line


@pytest.mark.asyncio
async def test_items_queued_before_a_restart_are_sent_by_the_next_loop(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
    line: Line,
) -> None:
    rng = random.Random(14)
    submissions = [await service_request(client, services["usage_purpose_change"], rng), outage_report(rng)]
    line.faults.down = True
    items = [kiosk.outbox.add(s.kind, s.payload, s.summary) for s in submissions]
    assert (await kiosk.courier.deliver(items[0].id)).last_error == "unreachable"
    await kiosk.restart()  # with the network still down
    line.faults.down = False
    assert kiosk.outbox.depth() == 2
    await kiosk.drain()
    assert [kiosk.outbox.get(i.id).state for i in items] == [Delivery.DELIVERED] * 2
    assert_outbox_invariants(central.db_path, kiosk.path, [i.reference for i in items], since=mark)


@pytest.mark.asyncio
async def test_a_restart_between_add_and_send(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk
) -> None:
    s = outage_report(random.Random(15))
    item = kiosk.outbox.add(s.kind, s.payload, s.summary)
    await kiosk.restart()
    await kiosk.drain()
    assert kiosk.outbox.get(item.id).attempts == 1
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)


@pytest.mark.asyncio
@pytest.mark.parametrize("hold", [Hold.BEFORE_SEND, Hold.AFTER_COMMIT], ids=["before-send", "after-commit"])
async def test_a_restart_while_the_send_is_in_flight(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
    line: Line,
    hold: Hold,
) -> None:
    s = await service_request(client, services["contract_termination"], random.Random(16))
    item = kiosk.outbox.add(s.kind, s.payload, s.summary)
    held = line.holding.arm(hold)
    kiosk.start(lambda: kiosk.courier.deliver(item.id))
    await asyncio.wait_for(held.wait(), timeout=10)
    await kiosk.restart()  # the task dies with the kiosk, wherever it was
    assert kiosk.outbox.get(item.id).state is Delivery.QUEUED
    await kiosk.drain()
    assert kiosk.outbox.get(item.id).state is Delivery.DELIVERED
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)
