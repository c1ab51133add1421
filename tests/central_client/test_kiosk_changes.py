"""The kiosk's client reads what changed for it from the real reference central on loopback: one page, every
page, `since` by the central's clock, and nothing of another kiosk's."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.central.errors import Unauthorized
from kiosk.demo.simulator import DemoClient
from kiosk_central.grants import Grant
from tests.helpers.central import TOKEN, RunningCentral, running_central

KIOSK = "HN-CG-01"
OTHER = "LC-SP-07"
OTHER_TOKEN = "the-other-kiosks-token"
CODE = "PE01000123456"
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    grants = {TOKEN: Grant(kiosk_id=KIOSK), OTHER_TOKEN: Grant(kiosk_id=OTHER)}
    with running_central(tmp_path / "central.db", tokens=grants) as server:
        yield server


@pytest_asyncio.fixture
async def client(central: RunningCentral) -> AsyncIterator[DemoClient]:
    async with DemoClient(central.url, central.token, timeout=10.0) as c:
        yield c


@pytest.mark.asyncio
async def test_every_page_together_is_every_change_once(client: DemoClient) -> None:
    bill = (await client.bills(CODE)).bills[0]
    payment = await client.create_payment(CODE, [bill.id], "vietqr", "key-client-pay-1")
    reports = [await client.report_outage(CODE, "street", "", f"key-client-rep-{n}") for n in range(4)]

    first = await client.kiosk_changes(KIOSK, LONG_AGO, limit=2)
    assert len(first.payments) + len(first.outage_reports) == 2
    assert first.next_cursor is not None
    everything = await client.all_kiosk_changes(KIOSK, LONG_AGO, page_size=2)
    assert [p.id for p in everything.payments] == [payment.id]
    assert sorted(r.id for r in everything.outage_reports) == sorted(r.id for r in reports)
    assert everything.next_cursor is None
    assert everything.since == LONG_AGO
    assert everything.now >= first.now
    assert everything.payments[0].reference == payment.reference
    assert (everything.payments[0].status, everything.payments[0].refund_due) == ("pending", 0)


@pytest.mark.asyncio
async def test_the_next_since_is_the_central_s_now(central: RunningCentral, client: DemoClient) -> None:
    bill = (await client.bills(CODE)).bills[0]
    payment = await client.create_payment(CODE, [bill.id], "vietqr", "key-client-pay-2")
    await client.sim_bank_transfer(payment.reference, payment.amount, transaction_id="FT00000000000009")
    seen = await client.all_kiosk_changes(KIOSK, LONG_AGO)
    assert [(p.status, p.amount_applied) for p in seen.payments] == [("paid", payment.amount)]

    central.clock.advance(timedelta(days=3))
    report = await client.report_outage(CODE, "danger", "", "key-client-rep-9", client_reference="KH7M2Q9XRA")
    since_then = await client.all_kiosk_changes(KIOSK, seen.now)
    assert since_then.payments == []
    assert [(r.id, r.client_reference, r.kind) for r in since_then.outage_reports] == [
        (report.id, "KH7M2Q9XRA", "danger")
    ]
    assert since_then.now - seen.now >= timedelta(days=3)


@pytest.mark.asyncio
async def test_another_kiosk_s_changes_are_refused(central: RunningCentral, client: DemoClient) -> None:
    with pytest.raises(Unauthorized) as refused:
        await client.kiosk_changes(OTHER, LONG_AGO)
    assert refused.value.code == "wrong_kiosk"
    async with DemoClient(central.url, OTHER_TOKEN) as other:
        assert (await other.all_kiosk_changes(OTHER, LONG_AGO)).payments == []


@pytest.mark.asyncio
async def test_a_time_without_an_offset_is_not_sent(client: DemoClient) -> None:
    with pytest.raises(ValueError, match="offset"):
        await client.kiosk_changes(KIOSK, datetime(2026, 1, 1))
