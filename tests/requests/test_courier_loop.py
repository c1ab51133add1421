"""The background loop: it sleeps until the next item is due or it is woken, and no error ends it."""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3

import pytest

from kiosk.requests.outbox import Outbox
from kiosk.requests.records import Delivery, OutboxItem
from tests.faults.harness.central import wait_until
from tests.faults.harness.requests import RequestKiosk, outage_report
from tests.faults.invariants.reading import CentralMark
from tests.faults.invariants.requests import assert_outbox_invariants
from tests.helpers.central import RunningCentral
from tests.requests.conftest import Line


@pytest.mark.asyncio
async def test_the_loop_survives_a_failing_outbox_and_goes_on(
    central: RunningCentral,
    mark: CentralMark,
    kiosk: RequestKiosk,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    s = outage_report(random.Random(17))
    item = kiosk.outbox.add(s.kind, s.payload, s.summary)
    real_pending = Outbox.pending
    failures = iter([sqlite3.OperationalError("disk I/O error"), None])

    def pending(self: Outbox) -> list[OutboxItem]:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_pending(self)

    monkeypatch.setattr(Outbox, "pending", pending)
    with caplog.at_level(logging.ERROR, logger="kiosk.requests.courier"):
        await kiosk.drain()
    assert "OperationalError" in caplog.text
    assert kiosk.clock.slept >= 30  # it paused before trying again
    assert kiosk.outbox.get(item.id).state is Delivery.DELIVERED
    assert_outbox_invariants(central.db_path, kiosk.path, [item.reference], since=mark)


@pytest.mark.asyncio
async def test_the_loop_sleeps_until_woken_and_stops_when_told(
    central: RunningCentral, mark: CentralMark, kiosk: RequestKiosk, line: Line
) -> None:
    stop = asyncio.Event()
    loop = kiosk.start(lambda: kiosk.courier.run(stop))
    await asyncio.sleep(0.05)
    assert kiosk.clock.slept == 0  # nothing queued: no timer, only wake() or stop
    rng = random.Random(18)
    references = []
    for _ in range(3):
        s = outage_report(rng)
        references.append(kiosk.outbox.add(s.kind, s.payload, s.summary).reference)
        kiosk.courier.wake()
        await wait_until(lambda: kiosk.outbox.depth() == 0, what="woken, the loop sent it")
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert sum(line.holding.sent.values()) == 3
    assert_outbox_invariants(central.db_path, kiosk.path, references, since=mark)
