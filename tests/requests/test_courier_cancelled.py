"""The screen gives the courier a few seconds; when they are up the attempt is cancelled wherever it is. The
item stays queued, the background loop sends it, and the central has it once."""

from __future__ import annotations

import asyncio
import random

import pytest

from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery
from tests.faults.harness.requests import Hold, RequestKiosk, outage_report, service_request
from tests.faults.invariants.reading import CentralMark, read_central_submissions
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import Fault
from tests.requests.conftest import Line

HOLDS = [pytest.param(Hold.BEFORE_SEND, id="before-send"), pytest.param(Hold.AFTER_COMMIT, id="after-commit")]


@pytest.mark.asyncio
@pytest.mark.parametrize("hold", HOLDS)
async def test_the_screens_deadline_leaves_it_to_the_loop(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
    line: Line,
    hold: Hold,
) -> None:
    s = await service_request(client, services["household_count_change"], random.Random(11))
    item = kiosk.outbox.add(s.kind, s.payload, s.summary)
    line.holding.arm(hold)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(kiosk.courier.deliver(item.id), timeout=0.2)

    # "Saved on this kiosk; it will be sent": and so it is, by the loop, under the same key.
    assert kiosk.outbox.get(item.id) == item
    made = read_central_submissions(central.db_path, mark)
    assert len(made) == (1 if hold is Hold.AFTER_COMMIT else 0)
    await kiosk.drain()
    done = kiosk.outbox.get(item.id)
    assert done.state is Delivery.DELIVERED
    assert [c.code for c in read_central_submissions(central.db_path, mark)] == [done.tracking_code]
    assert line.holding.sent[item.idempotency_key] == 2
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)


@pytest.mark.asyncio
async def test_a_cancelled_attempt_does_not_break_the_next_one_on_the_same_client(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk, line: Line
) -> None:
    rng = random.Random(12)
    references = []
    for hold in (Hold.AFTER_COMMIT, Hold.BEFORE_SEND, Hold.AFTER_COMMIT):
        s = outage_report(rng)
        item = kiosk.outbox.add(s.kind, s.payload, s.summary)
        references.append(item.reference)
        held = line.holding.arm(hold)
        attempt = asyncio.ensure_future(kiosk.courier.deliver(item.id))
        await held.wait()
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
        # The screen's next customer: a new report, sent at once on the same connection pool.
        s = outage_report(rng)
        nxt = kiosk.outbox.add(s.kind, s.payload, s.summary)
        references.append(nxt.reference)
        assert (await kiosk.courier.deliver(nxt.id)).state is Delivery.DELIVERED
    assert kiosk.outbox.depth() == 3
    await kiosk.drain()
    assert_outbox_invariants(central.db_path, kiosk.path, references, since=mark)


@pytest.mark.asyncio
async def test_the_screen_and_the_loop_never_send_one_item_together(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk, line: Line
) -> None:
    stop = asyncio.Event()
    loop = kiosk.start(lambda: kiosk.courier.run(stop))
    rng = random.Random(13)
    references = []
    for _ in range(20):
        s = outage_report(rng)
        item = kiosk.outbox.add(s.kind, s.payload, s.summary)
        references.append(item.reference)
        line.faults.queue(Fault.SLOW)  # a slow answer: the loop, woken, finds the screen's send under way
        kiosk.courier.wake()
        at_screen = await kiosk.courier.deliver(item.id)
        assert at_screen.state is Delivery.DELIVERED
    stop.set()
    await loop
    assert line.holding.overlaps == 0
    assert set(line.holding.sent.values()) == {1}
    assert_outbox_invariants(central.db_path, kiosk.path, references, since=mark)
