"""The kiosk's heartbeat, from the real kiosk to the real central's fleet view: what it reports after a
customer's activity (version, printer, payments still followed, requests waiting in the outbox, last touch, an
open call for staff, assisted mode), that the office's page shows it without anything of the customer, and
that the kiosk keeps beating on its own."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from pytestqt.qtbot import QtBot

import kiosk as kiosk_package
from kiosk.demo.simulator import DemoClient
from kiosk.flows.states.outages import OutageReported
from kiosk.flows.states.payment import PayByQr
from kiosk.requests.records import Delivery
from kiosk.shell.app import KioskApp
from kiosk.shell.lifecycle import shut_down
from kiosk_central.accounts import mask_name, mask_phone
from kiosk_central.demo import CUSTOMERS
from tests.gui.kiosk_factory import free_port
from tests.helpers.central import RunningCentral
from tests.helpers.loop import Pauses, run, run_until
from tests.helpers.screens import SCREENS, outage_area
from tests.helpers.widgets import settle, tap

BEAT_SECONDS = 10.0  # the shortest heartbeat.every_seconds allowed
PAYER = "PE01000123456"
MOUNTAIN = "PA12000345678"


@pytest.fixture
def kiosk_overrides() -> dict[str, object]:
    return {"heartbeat.every_seconds": BEAT_SECONDS}


# ---------------------------------------------------------------------------------------------- helpers


def fleet(central: RunningCentral) -> dict[str, Any]:
    """GET /v1/fleet, as a monitoring script with a token reads it."""
    response = httpx.get(
        f"{central.url}/v1/fleet", headers={"Authorization": f"Bearer {central.fleet_token}"}, timeout=10.0
    )
    response.raise_for_status()
    return cast(dict[str, Any], response.json())


def reported(central: RunningCentral, kiosk: KioskApp) -> dict[str, Any]:
    """What the central keeps of this kiosk's latest beat."""
    [found] = [k for k in fleet(central)["kiosks"] if k["kiosk_id"] == kiosk.settings.kiosk_id]
    return cast(dict[str, Any], found)


def fleet_page(central: RunningCentral) -> str:
    """The office's /fleet page, as a phone's browser gets it (no token)."""
    response = httpx.get(f"{central.url}/fleet", timeout=10.0)
    response.raise_for_status()
    return response.text


def page_rows(page: str, kiosk_id: str) -> dict[str, str]:
    """What the /fleet page says about one kiosk, by the English half of each label."""
    start = page.index(f"<h3>{html.escape(kiosk_id)}</h3>")
    section = page[start : page.index("</section>", start)]
    return {
        html.unescape(name.split(" / ")[-1]): html.unescape(value)
        for name, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section)
    }


def beat(kiosk: KioskApp) -> None:
    assert run(kiosk.heartbeat.beat()) is True


def queue_an_outage_report(kiosk: KioskApp, qtbot: QtBot, central: RunningCentral) -> None:
    """A report made while the network to the central is down: saved in the outbox, to be sent later."""
    outage_area("outage-no-power", MOUNTAIN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")
    live = kiosk.courier.client
    dead = DemoClient(f"http://127.0.0.1:{free_port()}", central.token, timeout=1.0, retries=0)
    kiosk.courier.client = dead
    try:
        tap(qtbot, kiosk.window, "report-my-house")
        settle(kiosk)
    finally:
        kiosk.courier.client = live
        run(dead.aclose())
    state = kiosk.navigator.current
    assert isinstance(state, OutageReported)
    assert state.item.state is Delivery.QUEUED


def to_qr(kiosk: KioskApp, qtbot: QtBot) -> PayByQr:
    SCREENS["pay-by-qr"](kiosk, qtbot)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    return state


# ---------------------------------------------------------------------------------------------- one beat
def test_an_idle_kiosk_reports_itself_with_nothing_going_on(kiosk: KioskApp, central: RunningCentral) -> None:
    beat(kiosk)
    found = reported(central, kiosk)
    assert found["version"] == kiosk_package.__version__
    assert kiosk.printing is not None
    assert found["printer_status"] == str(run(kiosk.printing.status()))
    assert found["pending_payments"] == 0
    assert found["outbox_depth"] == 0
    assert found["last_activity_at"] is None
    assert found["staff_call_open"] is False
    assert found["assisted_mode"] is False
    assert found["stale"] is False
    assert kiosk.heartbeat.last_ack_at is not None


def test_a_beat_after_a_busy_visit_reports_it_all_and_the_page_shows_nothing_personal(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    queue_an_outage_report(kiosk, qtbot, central)
    tap(qtbot, kiosk.window, "nav-home")
    # Staff help the next customer, who pays by QR and, on the QR, calls staff for more help.
    kiosk.assisted.start(by_staff=True)
    to_qr(kiosk, qtbot)
    tap(qtbot, kiosk.window, "nav-call-staff")
    run_until(lambda: kiosk.staff_calls.delivered)
    touched = kiosk.intents.last_activity_at
    assert touched is not None

    beat(kiosk)
    found = reported(central, kiosk)
    assert found["version"] == kiosk_package.__version__
    assert kiosk.printing is not None
    assert found["printer_status"] == str(run(kiosk.printing.status()))
    assert found["pending_payments"] == 1
    assert found["outbox_depth"] == 1
    assert abs(datetime.fromisoformat(found["last_activity_at"]) - touched) < timedelta(seconds=1)
    assert found["staff_call_open"] is True
    assert found["assisted_mode"] is True

    page = fleet_page(central)
    assert kiosk.settings.kiosk_id in page
    shown = page_rows(page, kiosk.settings.kiosk_id)
    assert shown["Pending payments"] == "1"
    assert shown["Waiting to be sent (outbox)"] == "1"
    assert shown["Assisted mode"] == "Có / Yes"
    assert shown["Staff call"] == "☎ Có / Yes"
    assert shown["Version"] == kiosk_package.__version__
    assert "<code>pay_by_qr</code>" in page  # the open call, by the screen it was made on
    customer = kiosk.session.customer
    assert customer is not None
    payer = next(c for c in CUSTOMERS if c.code == PAYER)
    secrets: set[str | None] = {
        PAYER,
        MOUNTAIN,
        customer.name,
        customer.phone,
        customer.address,
        payer.name,
        mask_name(payer.name),
        payer.phone,
        mask_phone(payer.phone),
        payer.address,
    }
    for secret in secrets:
        assert secret
        assert secret not in page, secret
    assert PAYER not in str(fleet(central))


def test_a_payment_left_open_counts_as_pending(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    beat(kiosk)
    assert reported(central, kiosk)["pending_payments"] == 0
    to_qr(kiosk, qtbot)
    beat(kiosk)
    assert reported(central, kiosk)["pending_payments"] == 1


def test_a_request_saved_while_the_central_was_unreachable_counts_in_the_outbox_depth(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    queue_an_outage_report(kiosk, qtbot, central)
    beat(kiosk)
    assert reported(central, kiosk)["outbox_depth"] == 1
    # The network is back and the courier delivers it: the next beat says so.
    [item] = kiosk.outbox.all()
    assert run(kiosk.courier.deliver(item.id)).state is Delivery.DELIVERED
    beat(kiosk)
    assert reported(central, kiosk)["outbox_depth"] == 0


# ---------------------------------------------------------------------------------------------- beating on


@pytest.fixture
def pauses(kiosk: KioskApp, monkeypatch: pytest.MonkeyPatch) -> Pauses:
    # WORKAROUND: the app builds its HeartbeatSender with the real asyncio.sleep and offers no way to pass
    # another; the sender's own tests inject it (tests/central_client/test_heartbeat.py). Here the waits are the test's.
    waits = Pauses()
    monkeypatch.setattr(kiosk.heartbeat, "_sleep", waits.sleep)
    return waits


def test_the_kiosk_beats_every_heartbeat_every_seconds_with_a_fresh_status(
    kiosk: KioskApp, central: RunningCentral, pauses: Pauses
) -> None:
    kiosk.background.start_heartbeat()
    kiosk.background.start_heartbeat()  # started twice (a restart of the loop), it still beats once per period
    run_until(lambda: len(pauses.asked) == 1)
    first = reported(central, kiosk)
    assert first["assisted_mode"] is False
    kiosk.assisted.start(by_staff=True)
    pauses.release()
    run_until(lambda: len(pauses.asked) == 2)
    second = reported(central, kiosk)
    assert second["assisted_mode"] is True
    assert second["last_activity_at"] is not None
    assert second["last_heartbeat_at"] >= first["last_heartbeat_at"]
    kiosk.assisted.end()
    pauses.release()
    run_until(lambda: len(pauses.asked) == 3)
    assert reported(central, kiosk)["assisted_mode"] is False
    assert pauses.asked == [BEAT_SECONDS] * 3
    # Stopping the kiosk stops the beats: released, the cancelled loop beats no more (a beat to the central
    # on loopback takes milliseconds).
    last = reported(central, kiosk)["last_heartbeat_at"]
    run(shut_down(kiosk))
    pauses.release()
    run(asyncio.sleep(0.3))
    assert len(pauses.asked) == 3
    assert reported(central, kiosk)["last_heartbeat_at"] == last
