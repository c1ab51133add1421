"""Outages by area, and reports (danger shows the hotlines)."""

from __future__ import annotations

import pytest

from kiosk.central.client import CentralClient
from tests.helpers.central import KIOSK_ID


@pytest.mark.asyncio
async def test_planned_and_current_outages_by_area(client: CentralClient) -> None:
    planned = (await client.outages("PA12000345678")).outages
    assert [o.kind for o in planned] == ["planned", "planned"]
    assert all(o.status == "scheduled" and o.district_unit == "PA1200" for o in planned)
    current = (await client.outages("PD02000234567")).outages
    assert [(o.kind, o.status) for o in current] == [("emergency", "in_progress")]
    assert (await client.outages("PB05000456789")).outages == []


@pytest.mark.asyncio
async def test_an_ended_outage_is_no_longer_listed(client: CentralClient) -> None:
    await client.sim_advance_clock(3 * 3600)
    assert (await client.outages("PD02000234567")).outages == []


@pytest.mark.asyncio
async def test_a_danger_report_returns_the_hotlines(client: CentralClient) -> None:
    report = await client.report_outage("PA12000345678", "danger", "Dây điện đứt trước nhà", "key-danger-01")
    assert report.emergency
    assert report.emergency_hotline == "19006769"
    assert report.fire_hotline == "114"
    again = await client.report_outage("PA12000345678", "danger", "Dây điện đứt trước nhà", "key-danger-01")
    assert again.id == report.id
    house = await client.report_outage("PA12000345678", "my_house", "", "key-house-001")
    assert not house.emergency


@pytest.mark.asyncio
async def test_heartbeat_is_acknowledged(client: CentralClient) -> None:
    from kiosk.central.models import Heartbeat

    ack = await client.heartbeat(
        KIOSK_ID,
        Heartbeat(
            version="0.1.0", printer_status="ready", pending_payments=0, outbox_depth=0, last_activity_at=None
        ),
    )
    assert ack.kiosk_id == KIOSK_ID
