"""The good day: a request confirmed by a verified code, and an outage report, reach the central at once and
the kiosk keeps only what the slip needs."""

from __future__ import annotations

import random
from datetime import UTC

import pytest

from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery, OutboxKind
from tests.faults.harness.requests import RequestKiosk, outage_report, service_request
from tests.faults.invariants.reading import CentralMark, read_central_submissions
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.central import RunningCentral
from tests.requests.conftest import Line


@pytest.mark.asyncio
async def test_a_confirmed_request_is_delivered_at_once(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
) -> None:
    submission = await service_request(client, services["meter_relocation"], random.Random(1))
    item = kiosk.outbox.add(submission.kind, submission.payload, submission.summary)
    done = await kiosk.courier.deliver(item.id)

    assert done.state is Delivery.DELIVERED
    assert done.tracking_code is not None
    assert done.tracking_code.startswith("YC")
    assert (done.attempts, done.last_error, done.delivered_at) == (1, None, kiosk.clock().astimezone(UTC))
    assert kiosk.outbox.payload(item.id) is None
    assert dict(done.summary) == dict(submission.summary)
    assert kiosk.outbox.by_reference(done.tracking_code) == done
    # The central knows it by the slip's reference too.
    found = await client.request_status(done.reference)
    assert (found.tracking_code, found.client_reference) == (done.tracking_code, done.reference)
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)


@pytest.mark.asyncio
async def test_an_outage_report_is_delivered_at_once(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk
) -> None:
    submission = outage_report(random.Random(2))
    item = kiosk.outbox.add(submission.kind, submission.payload, submission.summary)
    done = await kiosk.courier.deliver(item.id)

    assert item.kind is OutboxKind.OUTAGE_REPORT
    assert done.state is Delivery.DELIVERED
    assert done.tracking_code is not None
    assert done.tracking_code.startswith("out_")
    [row] = read_central_submissions(central.db_path, mark)
    assert (row.kind, row.code, row.client_reference) == ("outage_report", done.tracking_code, done.reference)
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)


@pytest.mark.asyncio
async def test_every_service_of_the_catalogue_goes_through(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
) -> None:
    rng = random.Random(3)
    told = []
    for service in services.values():
        submission = await service_request(client, service, rng)
        item = kiosk.outbox.add(submission.kind, submission.payload, submission.summary)
        told.append(item.reference)
    # Nobody waited at the screen: the background loop sends them, oldest first.
    delivered = await kiosk.courier.deliver_due()
    assert [i.state for i in delivered] == [Delivery.DELIVERED] * len(services)
    assert [i.reference for i in delivered] == told
    assert_outbox_invariants(central.db_path, kiosk.path, told, since=mark)


@pytest.mark.asyncio
async def test_delivering_a_delivered_item_sends_nothing(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk, line: Line
) -> None:
    submission = outage_report(random.Random(4))
    item = kiosk.outbox.add(submission.kind, submission.payload, submission.summary)
    first = await kiosk.courier.deliver(item.id)
    again = await kiosk.courier.deliver(item.id)
    assert again == first
    assert line.holding.sent == {item.idempotency_key: 1}
