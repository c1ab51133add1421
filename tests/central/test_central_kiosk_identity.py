"""Each token is one kiosk's, or the office's: a kiosk speaks for itself only (its heartbeat, its customers' calls
for staff), the office reads the fleet and serves no customer. A leaked kiosk token cannot hide another kiosk's
trouble behind a spoofed heartbeat, answer its calls or list the fleet's calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk_central.grants import Grant
from tests.helpers.central import FLEET_TOKEN, TOKEN, RunningCentral, running_central

KIOSK = "HN-CG-01"
OTHER = "LC-SP-07"
OTHER_TOKEN = "the-other-kiosks-token"
CALL_ID = "a" * 32
BEAT = {"version": "1.0", "printer_status": "ready", "pending_payments": 0, "outbox_depth": 0,
        "last_activity_at": None}  # fmt: skip
CALL = {"call_id": CALL_ID, "screen": "home", "language": "vi", "called_at": "2026-12-01T01:02:03+00:00"}


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    grants = {
        TOKEN: Grant(kiosk_id=KIOSK),
        OTHER_TOKEN: Grant(kiosk_id=OTHER),
        FLEET_TOKEN: Grant(fleet=True),
    }
    with running_central(tmp_path / "central.db", tokens=grants) as server:
        yield server


def call(central: RunningCentral, token: str, method: str, path: str, body: object = None) -> httpx.Response:
    return httpx.request(
        method, f"{central.url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def stored(central: RunningCentral, table: str) -> list[tuple[object, ...]]:
    return central.values(f"SELECT kiosk_id FROM {table} ORDER BY kiosk_id")


def refused(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == code


def test_a_kiosk_reports_for_itself_and_no_other(central: RunningCentral) -> None:
    assert call(central, TOKEN, "POST", f"/v1/kiosks/{KIOSK}/heartbeat", BEAT).status_code == 200
    refused(call(central, TOKEN, "POST", f"/v1/kiosks/{OTHER}/heartbeat", BEAT), "wrong_kiosk")
    # An id no kiosk has (thousands of characters, stored and shown on the fleet page before) is no one's.
    refused(call(central, TOKEN, "POST", f"/v1/kiosks/{'K' * 5000}/heartbeat", BEAT), "wrong_kiosk")
    assert stored(central, "heartbeats") == [(KIOSK,)]


def test_a_kiosk_calls_staff_to_itself_only(central: RunningCentral) -> None:
    refused(call(central, TOKEN, "POST", f"/v1/kiosks/{OTHER}/staff-calls", CALL), "wrong_kiosk")
    assert stored(central, "staff_calls") == []
    assert call(central, TOKEN, "POST", f"/v1/kiosks/{KIOSK}/staff-calls", CALL).status_code == 201
    assert stored(central, "staff_calls") == [(KIOSK,)]


def test_another_kiosks_call_stays_open_until_its_kiosk_or_the_office_answers(
    central: RunningCentral,
) -> None:
    assert call(central, OTHER_TOKEN, "POST", f"/v1/kiosks/{OTHER}/staff-calls", CALL).status_code == 201
    answered = f"/v1/kiosks/{OTHER}/staff-calls/{CALL_ID}/answered"
    refused(call(central, TOKEN, "POST", answered), "wrong_kiosk")
    [open_call] = call(central, FLEET_TOKEN, "GET", "/v1/fleet").json()["open_staff_calls"]
    assert (open_call["kiosk_id"], open_call["call_id"]) == (OTHER, CALL_ID)
    assert call(central, FLEET_TOKEN, "POST", answered).status_code == 204  # staff said so at the office
    assert call(central, FLEET_TOKEN, "GET", "/v1/fleet").json()["open_staff_calls"] == []


def test_the_fleet_is_the_offices(central: RunningCentral) -> None:
    call(central, OTHER_TOKEN, "POST", f"/v1/kiosks/{OTHER}/staff-calls", CALL)
    refused(call(central, TOKEN, "GET", "/v1/fleet"), "fleet_role_required")
    fleet = call(central, FLEET_TOKEN, "GET", "/v1/fleet")
    assert fleet.status_code == 200
    assert [c["kiosk_id"] for c in fleet.json()["open_staff_calls"]] == [OTHER]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/customers/PE01000123456", None),
        ("GET", "/v1/services", None),
        ("POST", "/v1/otp", {"purpose": "service_request", "phone": "0912345678"}),
        ("GET", "/v1/tariffs", None),
    ],
)
def test_an_office_token_serves_no_customer(
    central: RunningCentral, method: str, path: str, body: object
) -> None:
    refused(call(central, FLEET_TOKEN, method, path, body), "kiosk_token_required")
    assert call(central, TOKEN, method, path, body).status_code in (200, 201)


def test_a_wrong_token_is_still_401_everywhere(central: RunningCentral) -> None:
    for method, path in (("GET", "/v1/fleet"), ("POST", f"/v1/kiosks/{KIOSK}/heartbeat")):
        answer = call(central, "not-a-token-of-anyone", method, path, BEAT)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"


def test_the_demo_token_is_the_demo_kiosks(tmp_path: Path) -> None:
    """`kiosk central --demo` binds the token it makes up to the demo kiosk, whose id `kiosk --demo` uses."""
    from kiosk.demo.settings import demo_overrides
    from kiosk_central.demo import DEMO_KIOSK_ID

    assert demo_overrides("http://127.0.0.1:1", "t", tmp_path)["kiosk_id"] == DEMO_KIOSK_ID
