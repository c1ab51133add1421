"""Customers' calls for staff and the fleet of kiosks, on the reference central: a call is recorded once
however often the kiosk sends it, staff answering closes it, and the office's fleet page shows every kiosk's
latest heartbeat in Vietnam time, flags a kiosk with no news, and escapes what kiosks send."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from kiosk.central.client import CentralClient
from kiosk.central.errors import Conflict, InvalidInput, NotFound
from kiosk.central.models import Heartbeat, StaffCall
from kiosk.demo.simulator import DemoClient
from kiosk_central.grants import Grant
from tests.helpers.central import FLEET_TOKEN, TOKEN, RunningCentral, running_central

VIETNAM = timezone(timedelta(hours=7))
KIOSK = "kiosk-hn-01"
OTHER = "kiosk-lc-07"
CALL_ID = "3f6c1e0b9a2d4c7e8f1a2b3c4d5e6f70"
OTHER_TOKEN = "test-other-kiosk-token"
HOSTILE_ID = "<b onmouseover=alert(1)>kiosk&amp;\"'"
HOSTILE_TOKEN = "test-hostile-kiosk-token"


def _vietnam(moment: datetime) -> str:
    return f"{moment.astimezone(VIETNAM):%H:%M:%S %d/%m/%Y}"


def _beat(**changes: object) -> Heartbeat:
    fields: dict[str, object] = {
        "version": "0.1.0",
        "printer_status": "ready",
        "pending_payments": 0,
        "outbox_depth": 0,
        "last_activity_at": None,
    }
    fields.update(changes)
    return Heartbeat.model_validate(fields)


def _call(call_id: str = CALL_ID, screen: str = "pay_by_qr", **changes: object) -> StaffCall:
    fields: dict[str, object] = {
        "call_id": call_id,
        "screen": screen,
        "language": "vi",
        "called_at": datetime(2025, 6, 1, 1, 2, 3, tzinfo=UTC),
    }
    fields.update(changes)
    return StaffCall.model_validate(fields)


def _section(page: str, kiosk_id: str) -> str:
    """What the page says about one kiosk."""
    start = page.index(f"<h3>{html.escape(kiosk_id)}</h3>")
    return page[start : page.index("</section>", start)]


def _staff_calls(central: RunningCentral) -> list[tuple[str, str, str | None]]:
    return central.values(
        "SELECT kiosk_id, call_id, answered_at FROM staff_calls ORDER BY received_at, call_id"
    )


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    """A central for kiosks each with its own token (`client` is KIOSK's, `other` OTHER's), and the
    office's."""
    grants = {
        TOKEN: Grant(kiosk_id=KIOSK),
        OTHER_TOKEN: Grant(kiosk_id=OTHER),
        FLEET_TOKEN: Grant(fleet=True),
        # An id the central's command line refuses to bind a token to, granted directly: the fleet page
        # must not rely on the central's own checks.
        HOSTILE_TOKEN: Grant(kiosk_id=HOSTILE_ID),
    }
    with running_central(tmp_path / "central.db", tokens=grants) as server:
        yield server


@pytest_asyncio.fixture
async def other(central: RunningCentral) -> AsyncIterator[DemoClient]:
    async with DemoClient(central.url, OTHER_TOKEN, timeout=10.0) as c:
        yield c


@pytest_asyncio.fixture
async def raw_kiosk(central: RunningCentral) -> AsyncIterator[httpx.AsyncClient]:
    """KIOSK's own token, sending what its client would not."""
    headers = {"Authorization": f"Bearer {central.token}"}
    async with httpx.AsyncClient(base_url=central.url, headers=headers, timeout=10.0) as b:
        yield b


@pytest_asyncio.fixture
async def browser(central: RunningCentral) -> AsyncIterator[httpx.AsyncClient]:
    """A phone's browser in the office: no kiosk token."""
    async with httpx.AsyncClient(base_url=central.url, timeout=10.0) as b:
        yield b


@pytest_asyncio.fixture
async def operator(central: RunningCentral) -> AsyncIterator[httpx.AsyncClient]:
    """A monitoring script with the office's token, reading the JSON."""
    headers = {"Authorization": f"Bearer {central.fleet_token}"}
    async with httpx.AsyncClient(base_url=central.url, headers=headers, timeout=10.0) as b:
        yield b


# ------------------------------------------------------------------ staff calls
@pytest.mark.asyncio
async def test_a_call_sent_again_is_the_same_call(client: CentralClient, central: RunningCentral) -> None:
    first = await client.call_staff(KIOSK, _call())
    central.clock.advance(timedelta(seconds=90))
    again = await client.call_staff(KIOSK, _call())
    assert (first.call_id, first.kiosk_id) == (CALL_ID, KIOSK)
    assert again == first  # the first received_at, not the retry's
    assert _staff_calls(central) == [(KIOSK, CALL_ID, None)]


@pytest.mark.asyncio
async def test_a_retry_is_200_and_a_new_call_201(raw_kiosk: httpx.AsyncClient) -> None:
    body = _call().model_dump(mode="json")
    url = f"/v1/kiosks/{KIOSK}/staff-calls"
    assert (await raw_kiosk.post(url, json=body)).status_code == 201
    assert (await raw_kiosk.post(url, json=body)).status_code == 200


@pytest.mark.asyncio
async def test_the_same_call_id_at_another_kiosk_is_another_call(
    other: CentralClient, client: CentralClient, central: RunningCentral
) -> None:
    await client.call_staff(KIOSK, _call())
    await other.call_staff(OTHER, _call())
    assert sorted(_staff_calls(central)) == [(KIOSK, CALL_ID, None), (OTHER, CALL_ID, None)]


@pytest.mark.asyncio
async def test_a_call_id_reused_for_another_call_is_refused(
    client: CentralClient, central: RunningCentral
) -> None:
    await client.call_staff(KIOSK, _call())
    with pytest.raises(Conflict) as caught:
        await client.call_staff(KIOSK, _call(screen="choose_bills"))
    assert caught.value.code == "call_id_reused"
    assert len(_staff_calls(central)) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "change",
    [
        {"screen": "Nguyễn Văn Hùng"},  # a customer's name is not a screen
        {"screen": "pay by qr"},
        {"screen": "x" * 41},
        {"language": "fr"},
        {"call_id": "short"},
        {"called_at": "2025-06-01T08:00:00"},  # no offset: whose 08:00?
    ],
)
async def test_a_call_names_a_screen_and_nothing_else(
    raw_kiosk: httpx.AsyncClient, central: RunningCentral, change: dict[str, object]
) -> None:
    body = {**_call().model_dump(mode="json"), **change}
    answer = await raw_kiosk.post(f"/v1/kiosks/{KIOSK}/staff-calls", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"
    assert _staff_calls(central) == []


@pytest.mark.asyncio
async def test_answered_closes_the_call_once(client: CentralClient, central: RunningCentral) -> None:
    await client.call_staff(KIOSK, _call())
    await client.staff_call_answered(KIOSK, CALL_ID)
    [(_, _, answered_at)] = _staff_calls(central)
    assert answered_at is not None
    central.clock.advance(timedelta(minutes=5))
    await client.staff_call_answered(KIOSK, CALL_ID)
    assert _staff_calls(central) == [(KIOSK, CALL_ID, answered_at)]  # the first answer's time stays


@pytest.mark.asyncio
async def test_answering_an_unknown_call_is_404_in_the_usual_shape(
    client: CentralClient, operator: httpx.AsyncClient
) -> None:
    await client.call_staff(KIOSK, _call())
    answer = await operator.post(f"/v1/kiosks/{OTHER}/staff-calls/{CALL_ID}/answered")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "staff_call_not_found"
    assert error["details"] == {"call_id": CALL_ID}
    assert isinstance(error["message"], str)
    with pytest.raises(NotFound) as caught:
        await client.staff_call_answered(KIOSK, "0" * 32)
    assert caught.value.code == "staff_call_not_found"


@pytest.mark.asyncio
async def test_a_malformed_call_id_is_invalid_input(client: CentralClient) -> None:
    with pytest.raises(InvalidInput) as caught:
        await client.staff_call_answered(KIOSK, "not an id")
    assert caught.value.code == "invalid_request"


# ------------------------------------------------------------------ heartbeats
@pytest.mark.asyncio
async def test_a_beat_without_the_new_fields_still_counts(
    raw_kiosk: httpx.AsyncClient, operator: httpx.AsyncClient, central: RunningCentral
) -> None:
    """Kiosks in the field that predate staff calls keep reporting."""
    old = {"version": "0.0.9", "printer_status": "ready", "pending_payments": 0, "outbox_depth": 0,
           "last_activity_at": None}  # fmt: skip
    assert (await raw_kiosk.post(f"/v1/kiosks/{KIOSK}/heartbeat", json=old)).status_code == 200
    [kiosk] = (await operator.get("/v1/fleet")).json()["kiosks"]
    assert (kiosk["version"], kiosk["staff_call_open"], kiosk["assisted_mode"]) == ("0.0.9", False, False)


@pytest.mark.asyncio
async def test_every_field_of_the_beat_is_kept(client: CentralClient, operator: httpx.AsyncClient) -> None:
    activity = datetime(2025, 6, 1, 1, 2, 3, tzinfo=UTC)
    beat = _beat(
        version="0.2.0",
        printer_status="no_paper",
        pending_payments=2,
        outbox_depth=5,
        last_activity_at=activity,
        staff_call_open=True,
        assisted_mode=True,
    )
    ack = await client.heartbeat(KIOSK, beat)
    [kiosk] = (await operator.get("/v1/fleet")).json()["kiosks"]
    assert datetime.fromisoformat(kiosk.pop("last_heartbeat_at")) == ack.received_at
    assert datetime.fromisoformat(kiosk.pop("last_activity_at")) == activity
    assert kiosk.pop("silent_seconds") < 60
    assert kiosk == {
        "kiosk_id": KIOSK,
        "stale": False,
        "version": "0.2.0",
        "printer_status": "no_paper",
        "pending_payments": 2,
        "outbox_depth": 5,
        "staff_call_open": True,
        "assisted_mode": True,
    }


@pytest.mark.asyncio
async def test_only_the_latest_beat_of_a_kiosk_is_shown(
    client: CentralClient, operator: httpx.AsyncClient
) -> None:
    await client.heartbeat(KIOSK, _beat(outbox_depth=3))
    await client.heartbeat(KIOSK, _beat(outbox_depth=1))
    [kiosk] = (await operator.get("/v1/fleet")).json()["kiosks"]
    assert kiosk["outbox_depth"] == 1


# ------------------------------------------------------------------ the fleet, as JSON
@pytest.mark.asyncio
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}])
async def test_the_fleet_json_needs_a_token(browser: httpx.AsyncClient, headers: dict[str, str]) -> None:
    answer = await browser.get("/v1/fleet", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"


@pytest.mark.asyncio
async def test_a_kiosk_is_stale_after_three_minutes_without_news(
    other: CentralClient, client: CentralClient, operator: httpx.AsyncClient, central: RunningCentral
) -> None:
    await other.heartbeat(OTHER, _beat())
    central.clock.advance(timedelta(minutes=2, seconds=50))
    await client.heartbeat(KIOSK, _beat())
    fleet = (await operator.get("/v1/fleet")).json()
    assert [(k["kiosk_id"], k["stale"]) for k in fleet["kiosks"]] == [(KIOSK, False), (OTHER, False)]
    central.clock.advance(timedelta(seconds=20))
    fleet = (await operator.get("/v1/fleet")).json()
    assert fleet["stale_after_seconds"] == 180
    # The silent one first.
    assert [(k["kiosk_id"], k["stale"]) for k in fleet["kiosks"]] == [(OTHER, True), (KIOSK, False)]
    assert 190 <= fleet["kiosks"][0]["silent_seconds"] < 250


@pytest.mark.asyncio
async def test_open_calls_are_listed_oldest_first_until_answered(
    other: CentralClient, client: CentralClient, operator: httpx.AsyncClient
) -> None:
    early = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)
    await client.call_staff(KIOSK, _call("a" * 32, called_at=early + timedelta(minutes=3)))
    await other.call_staff(OTHER, _call("b" * 32, "choose_bills", called_at=early, language="en"))
    calls = (await operator.get("/v1/fleet")).json()["open_staff_calls"]
    assert [(c["kiosk_id"], c["call_id"], c["screen"], c["language"]) for c in calls] == [
        (OTHER, "b" * 32, "choose_bills", "en"),
        (KIOSK, "a" * 32, "pay_by_qr", "vi"),
    ]
    await other.staff_call_answered(OTHER, "b" * 32)
    calls = (await operator.get("/v1/fleet")).json()["open_staff_calls"]
    assert [c["call_id"] for c in calls] == ["a" * 32]


@pytest.mark.asyncio
async def test_a_call_the_kiosk_could_not_deliver_shows_from_its_heartbeat(
    other: CentralClient, client: CentralClient, operator: httpx.AsyncClient
) -> None:
    await client.heartbeat(KIOSK, _beat(staff_call_open=True))
    await other.heartbeat(OTHER, _beat(staff_call_open=True))
    await other.call_staff(OTHER, _call())
    calls = (await operator.get("/v1/fleet")).json()["open_staff_calls"]
    assert [(c["kiosk_id"], c["call_id"]) for c in calls] == [(OTHER, CALL_ID), (KIOSK, None)]


# ------------------------------------------------------------------ the fleet page
@pytest.mark.asyncio
async def test_the_page_shows_every_kiosk_in_vietnam_time(
    other: CentralClient, client: CentralClient, browser: httpx.AsyncClient
) -> None:
    activity = datetime(2025, 6, 1, 1, 2, 3, tzinfo=UTC)
    ack = await client.heartbeat(
        KIOSK,
        _beat(version="0.2.0", printer_status="cover_open", pending_payments=2, outbox_depth=7,
              last_activity_at=activity, assisted_mode=True),
    )  # fmt: skip
    await other.heartbeat(OTHER, _beat(version="0.1.5"))
    page = await browser.get("/fleet")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert '<meta http-equiv="refresh" content="30">' in text
    assert 'name="viewport"' in text
    assert "<script" not in text  # no JS framework, no script at all
    kiosk = _section(text, KIOSK)
    for shown in ("0.2.0", "cover_open", "<dd>2</dd>", "<dd>7</dd>", "08:02:03 01/06/2025", "Có / Yes",
                  _vietnam(ack.received_at), "✓"):  # fmt: skip
        assert shown in kiosk, shown
    assert "0.1.5" in _section(text, OTHER)


@pytest.mark.asyncio
async def test_the_page_flags_a_kiosk_with_no_news_in_words_and_a_symbol(
    other: CentralClient, client: CentralClient, browser: httpx.AsyncClient, central: RunningCentral
) -> None:
    await other.heartbeat(OTHER, _beat())
    central.clock.advance(timedelta(minutes=4, seconds=30))
    await client.heartbeat(KIOSK, _beat())
    text = (await browser.get("/fleet")).text
    assert "⚠ Không có tin 4 phút / No news for 4 min" in _section(text, OTHER)
    assert text.index(OTHER) < text.index(KIOSK)  # the silent one first
    fine = _section(text, KIOSK)
    assert "No news" not in fine
    assert "✓ Có tin / Reporting" in fine
    central.clock.advance(timedelta(minutes=3))
    assert (await browser.get("/fleet")).text.count("No news for") == 2


@pytest.mark.asyncio
async def test_the_page_lists_open_calls_at_the_top(
    client: CentralClient, browser: httpx.AsyncClient, central: RunningCentral
) -> None:
    await client.heartbeat(KIOSK, _beat(staff_call_open=True))
    called_at = central.clock.now() - timedelta(minutes=6)
    await client.call_staff(KIOSK, _call(called_at=called_at))
    text = (await browser.get("/fleet")).text
    calls = text[text.index('id="staff-calls"') : text.index('id="kiosks"')]
    assert KIOSK in calls
    assert "pay_by_qr" in calls
    assert f"{_vietnam(called_at)} (6 phút trước / 6 min ago)" in calls
    await client.staff_call_answered(KIOSK, CALL_ID)
    await client.heartbeat(KIOSK, _beat(staff_call_open=False))
    text = (await browser.get("/fleet")).text
    assert "pay_by_qr" not in text
    assert "Không có / None" in text


@pytest.mark.asyncio
async def test_the_page_says_when_no_kiosk_has_reported(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/fleet")
    assert page.status_code == 200
    assert "No kiosk has sent a heartbeat yet" in page.text


HOSTILE_PRINTER = "</dd><script>alert(document.cookie)</script><img src=x onerror=alert(1)>"


@pytest.mark.asyncio
async def test_the_page_escapes_what_kiosks_send(central: RunningCentral, browser: httpx.AsyncClient) -> None:
    async with DemoClient(central.url, HOSTILE_TOKEN, timeout=10.0) as client:
        await client.heartbeat(HOSTILE_ID, _beat(printer_status=HOSTILE_PRINTER, version="<i>1</i>"))
        await client.call_staff(HOSTILE_ID, _call())
    text = (await browser.get("/fleet")).text
    for hostile in (HOSTILE_ID, HOSTILE_PRINTER, "<i>1</i>"):
        assert hostile not in text
        assert html.escape(hostile) in text
    for tag in ("<script", "<img", "<b ", "<i>"):
        assert tag not in text


@pytest.mark.asyncio
async def test_the_page_is_for_people_and_the_json_is_in_the_contract(
    browser: httpx.AsyncClient,
) -> None:
    paths = (await browser.get("/openapi.json")).json()["paths"]
    assert "/fleet" not in paths  # for people, like /track
    assert "/v1/fleet" in paths
