"""Each fault of the vocabulary at submit, once (the client's own retry may hide it) or on every attempt of
the screen's call (the courier must cope): the submission reaches the central exactly once, and the kiosk
records the central's own tracking code for it."""

from __future__ import annotations

import random

import pytest

from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery, OutboxKind
from tests.faults.harness.requests import RequestKiosk, Submission, outage_report, service_request
from tests.faults.invariants.reading import CentralMark, read_central_submissions
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import ALL_FAULTS, COMMITTED, Fault
from tests.requests.conftest import Line

FAULTS = [*ALL_FAULTS, Fault.PROXY_404_AFTER]
# Once: the client's retry may hide it. Three times: every attempt of the screen's call (retries=2) fails.
TIMES = [pytest.param(1, id="once"), pytest.param(3, id="every-attempt")]
KINDS = [
    pytest.param(OutboxKind.SERVICE_REQUEST, id="request"),
    pytest.param(OutboxKind.OUTAGE_REPORT, id="outage"),
]


async def submission(kind: OutboxKind, client: DemoClient, services: dict[str, Service]) -> Submission:
    rng = random.Random(f"{kind}")
    if kind is OutboxKind.SERVICE_REQUEST:
        return await service_request(client, services["new_connection_lv"], rng)
    return outage_report(rng)


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("times", TIMES)
@pytest.mark.parametrize("fault", FAULTS)
async def test_a_fault_at_submit_still_delivers_exactly_once(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
    line: Line,
    fault: Fault,
    times: int,
    kind: OutboxKind,
) -> None:
    s = await submission(kind, client, services)
    item = kiosk.outbox.add(s.kind, s.payload, s.summary)
    line.faults.queue(fault, times)

    at_screen = await kiosk.courier.deliver(item.id)
    if at_screen.state is Delivery.QUEUED:
        # What the customer is told: saved on the kiosk, to be sent. The loop does it.
        assert at_screen.last_error is not None
        assert at_screen.next_attempt_at > kiosk.clock()
        await kiosk.drain()
    else:
        assert at_screen.state is Delivery.DELIVERED
    if fault not in (Fault.SLOW, Fault.DUPLICATE):  # those two answer: one send is enough
        assert line.faults.queued() == 0

    done = kiosk.outbox.get(item.id)
    [row] = read_central_submissions(central.db_path, mark)
    assert (done.state, done.tracking_code) == (Delivery.DELIVERED, row.code)
    assert line.holding.overlaps == 0
    if fault in COMMITTED and at_screen.state is Delivery.QUEUED:
        # The central had it from the first send; every later send was answered with the same request.
        assert line.holding.sent[item.idempotency_key] > 1
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)


@pytest.mark.asyncio
async def test_an_unknown_outcome_is_recorded_as_a_code_only(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk, line: Line
) -> None:
    s = outage_report(random.Random(6))
    item = kiosk.outbox.add(s.kind, s.payload, s.summary)
    expected = {
        Fault.GARBAGE: "invalid_json",
        Fault.PROXY_404_AFTER: "unknown",
        Fault.TIMEOUT_AFTER: "timeout",
        Fault.LOSE_REQUEST: "unreachable",
        Fault.ERROR_AFTER: "unknown",
    }
    for fault, code in expected.items():
        line.faults.queue(fault, 3)
        at_screen = await kiosk.courier.deliver(item.id)
        assert (at_screen.state, at_screen.last_error) == (Delivery.QUEUED, code), fault
        line.faults.clear()  # those the client did not retry
        kiosk.clock.advance(600)
    await kiosk.drain()
    assert kiosk.outbox.get(item.id).attempts == len(expected) + 1
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)
