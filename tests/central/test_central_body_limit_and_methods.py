"""What no client may make the central do: buffer and store a body of any size (413 over 64 KiB, declared or
streamed), or answer a method a path does not take without saying which it takes (405 with `Allow`)."""

from __future__ import annotations

import httpx

from kiosk_central.body_limit import MAX_BODY_BYTES
from tests.helpers.central import KIOSK_ID, RunningCentral

BEAT = {"printer_status": "ready", "pending_payments": 0, "outbox_depth": 0, "last_activity_at": None}


def _headers(central: RunningCentral) -> dict[str, str]:
    return {"Authorization": f"Bearer {central.token}"}


def _fleet(central: RunningCentral) -> list[dict[str, object]]:
    answer = httpx.get(f"{central.url}/v1/fleet", headers={"Authorization": f"Bearer {central.fleet_token}"})
    kiosks: list[dict[str, object]] = answer.json()["kiosks"]
    return kiosks


def test_a_body_over_the_limit_is_413_and_nothing_is_stored(central: RunningCentral) -> None:
    url = f"{central.url}/v1/kiosks/{KIOSK_ID}/heartbeat"
    huge = {**BEAT, "version": "9" * (20 * 1024 * 1024)}
    answer = httpx.post(url, json=huge, headers=_headers(central), timeout=60)
    assert answer.status_code == 413
    assert answer.json()["error"] == {
        "code": "payload_too_large",
        "message": f"the request body is over {MAX_BODY_BYTES} bytes",
        "details": {"max_bytes": MAX_BODY_BYTES},
    }
    assert _fleet(central) == []
    assert httpx.post(url, json={**BEAT, "version": "1.0"}, headers=_headers(central)).status_code == 200


def test_a_streamed_body_without_a_length_is_held_to_the_limit(central: RunningCentral) -> None:
    def chunks() -> object:
        yield b'{"version": "'
        for _ in range(100):
            yield b"9" * 1024
        yield b'"}'

    answer = httpx.post(
        f"{central.url}/v1/kiosks/{KIOSK_ID}/heartbeat",
        content=chunks(),  # type: ignore[arg-type]
        headers=_headers(central) | {"Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 413
    assert _fleet(central) == []


def test_a_method_a_path_does_not_take_is_405_with_allow(central: RunningCentral) -> None:
    for method, path, allowed in (
        ("TRACE", "/v1/otp", "POST"),
        ("DELETE", "/v1/customers/PE01000123456", "GET"),
        ("PUT", "/v1/fleet", "GET"),
    ):
        answer = httpx.request(method, f"{central.url}{path}", headers=_headers(central))
        assert answer.status_code == 405
        assert answer.headers["Allow"] == allowed
        assert answer.json()["error"]["code"] == "method_not_allowed"


def test_a_body_that_is_not_even_text_is_422_invalid_request(central: RunningCentral) -> None:
    answer = httpx.post(
        f"{central.url}/v1/otp",
        content=b"\xff\x7f\xfeV",
        headers=_headers(central) | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


def test_numbers_past_what_sqlite_holds_are_invalid_not_a_server_error(central: RunningCentral) -> None:
    url = f"{central.url}/v1/kiosks/{KIOSK_ID}/heartbeat"
    for field in ("pending_payments", "outbox_depth"):
        answer = httpx.post(url, json={**BEAT, "version": "1", field: 2**63}, headers=_headers(central))
        assert answer.status_code == 422, field
    transfer = {"transaction_id": "FT1", "reference": "ABC", "amount": 904898882018676834304}
    answer = httpx.post(f"{central.url}/v1/sim/bank-transfers", json=transfer, headers=_headers(central))
    assert answer.status_code == 422
    assert _fleet(central) == []
