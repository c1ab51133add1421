"""A kiosk lists what changed for it since a time (`GET /v1/kiosks/{kiosk_id}/changes`): the payments it created,
the requests and outage reports it submitted, as the central holds them now, by the central's clock. The central
records which kiosk's token made each one (read here in its SQLite); another kiosk's token sees none of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk_central import schemas, service_requests
from kiosk_central.clock import VIETNAM, to_text
from kiosk_central.grants import Grant
from tests.central.service_forms import SAMPLES
from tests.helpers.central import FLEET_TOKEN, TOKEN, RunningCentral, running_central

KIOSK = "HN-CG-01"
OTHER = "LC-SP-07"
OTHER_TOKEN = "the-other-kiosks-token"
CODE = "PE01000123456"
LONG_AGO = "2000-01-01T00:00:00+00:00"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    grants = {
        TOKEN: Grant(kiosk_id=KIOSK),
        OTHER_TOKEN: Grant(kiosk_id=OTHER),
        FLEET_TOKEN: Grant(fleet=True),
    }
    with running_central(tmp_path / "central.db", tokens=grants) as server:
        yield server


def _http(central: RunningCentral, token: str = TOKEN) -> httpx.Client:
    return httpx.Client(base_url=central.url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def changes(
    central: RunningCentral, since: str, token: str = TOKEN, kiosk: str = KIOSK, **params: object
) -> dict[str, Any]:
    with _http(central, token) as http:
        answer = http.get(f"/v1/kiosks/{kiosk}/changes", params={"since": since, **params})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def pay(central: RunningCentral, key: str, token: str = TOKEN, code: str = CODE) -> dict[str, Any]:
    """A payment of the customer's oldest unpaid bill, made with ``token``."""
    with _http(central, token) as http:
        oldest = http.get(f"/v1/customers/{code}/bills").json()["bills"][0]["id"]
        answer = http.post(
            "/v1/payments",
            json={"customer_code": code, "bill_ids": [oldest], "method": "vietqr"},
            headers={"Idempotency-Key": key},
        )
    assert answer.status_code == 201, answer.text
    payment: dict[str, Any] = answer.json()
    return payment


def notice(central: RunningCentral, payment: dict[str, Any], transaction_id: str) -> dict[str, Any]:
    with _http(central) as http:
        answer = http.post(
            "/v1/sim/bank-transfers",
            json={
                "transaction_id": transaction_id,
                "reference": payment["reference"],
                "amount": payment["amount"],
            },
        )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def report(
    central: RunningCentral, key: str, token: str = TOKEN, reference: str | None = None
) -> dict[str, Any]:
    body: dict[str, object] = {"customer_code": CODE, "kind": "street"}
    if reference is not None:
        body["client_reference"] = reference
    with _http(central, token) as http:
        answer = http.post("/v1/outage-reports", json=body, headers={"Idempotency-Key": key})
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


def submit_request(central: RunningCentral, key: str, reference: str) -> dict[str, Any]:
    """A meter inspection request (its form filled in), confirmed by a code the demo's SMS gateway "sent"."""
    with _http(central) as http:
        otp = http.post("/v1/otp", json={"purpose": "service_request", "customer_code": CODE}).json()
        code = http.get(f"/v1/sim/otps/{otp['id']}").json()["code"]
        service = next(
            x for x in http.get("/v1/services").json()["services"] if x["code"] == "meter_inspection"
        )
        fields = {
            f["name"]: f["options"][0]["value"] if f["type"] == "choice" else SAMPLES[f["type"]]
            for f in service["fields"]
        }
        body = {
            "service_code": "meter_inspection", "customer_code": CODE, "otp_id": otp["id"], "otp_code": code,
            "fields": fields, "client_reference": reference,
        }  # fmt: skip
        answer = http.post("/v1/requests", json=body, headers={"Idempotency-Key": key})
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


def stored_kiosks(central: RunningCentral, table: str) -> list[object]:
    return [k for (k,) in central.values(f"SELECT kiosk_id FROM {table} ORDER BY created_at")]


def test_the_central_records_which_kiosk_made_each_payment_request_and_report(
    central: RunningCentral,
) -> None:
    pay(central, "key-mine-00001")
    pay(central, "key-other-0001", token=OTHER_TOKEN, code="PD02000234567")
    report(central, "key-report-001")
    report(central, "key-report-002", token=OTHER_TOKEN)
    submit_request(central, "key-request-01", "KH7M2Q9XRA")
    assert stored_kiosks(central, "payments") == [KIOSK, OTHER]
    assert stored_kiosks(central, "outage_reports") == [KIOSK, OTHER]
    # The demo's seeded request was made by no kiosk.
    assert stored_kiosks(central, "service_requests") == [None, KIOSK]


def test_a_kiosk_lists_its_own_payments_requests_and_reports_and_no_other(central: RunningCentral) -> None:
    payment = pay(central, "key-mine-00001")
    pay(central, "key-other-0001", token=OTHER_TOKEN, code="PD02000234567")
    made = report(central, "key-report-001", reference="KH7M2Q9XRB")
    report(central, "key-report-002", token=OTHER_TOKEN)
    request = submit_request(central, "key-request-01", "KH7M2Q9XRA")

    mine = changes(central, LONG_AGO)
    assert mine["kiosk_id"] == KIOSK
    assert [p["id"] for p in mine["payments"]] == [payment["id"]]
    [listed] = mine["payments"]
    assert {k: listed[k] for k in ("reference", "amount", "status", "bill_ids", "paid_at")} == {
        "reference": payment["reference"], "amount": payment["amount"], "status": "pending",
        "bill_ids": payment["bill_ids"], "paid_at": None,
    }  # fmt: skip
    assert (listed["amount_applied"], listed["refund_due"]) == (0, 0)
    assert [(r["tracking_code"], r["client_reference"], r["status"]) for r in mine["requests"]] == [
        (request["tracking_code"], "KH7M2Q9XRA", "received")
    ]
    assert [(o["id"], o["client_reference"]) for o in mine["outage_reports"]] == [(made["id"], "KH7M2Q9XRB")]
    assert mine["next_cursor"] is None

    theirs = changes(central, LONG_AGO, token=OTHER_TOKEN, kiosk=OTHER)
    assert len(theirs["payments"]) == len(theirs["outage_reports"]) == 1
    assert theirs["requests"] == []
    assert payment["id"] not in {p["id"] for p in theirs["payments"]}


@pytest.mark.parametrize(("token", "code"), [(OTHER_TOKEN, "wrong_kiosk"), (FLEET_TOKEN, "wrong_kiosk")])
def test_another_kiosk_s_token_or_the_office_s_cannot_read_a_kiosk_s_changes(
    central: RunningCentral, token: str, code: str
) -> None:
    pay(central, "key-mine-00001")
    with _http(central, token) as http:
        answer = http.get(f"/v1/kiosks/{KIOSK}/changes", params={"since": LONG_AGO})
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == code
    with httpx.Client(base_url=central.url) as anonymous:
        assert anonymous.get(f"/v1/kiosks/{KIOSK}/changes", params={"since": LONG_AGO}).status_code == 401


def test_since_is_the_central_s_clock_and_now_is_the_next_since(central: RunningCentral) -> None:
    first = pay(central, "key-first-0001")
    notice(central, first, "FT00000000000001")  # paid: it will not expire later
    before = changes(central, LONG_AGO)
    assert [p["id"] for p in before["payments"]] == [first["id"]]
    assert abs(datetime.fromisoformat(before["now"]) - central.clock.now()) < timedelta(seconds=5)

    central.clock.advance(timedelta(hours=2))  # the central's clock, not the test's
    second = pay(central, "key-second-001", code="PD02000234567")
    after = changes(central, before["now"])
    assert [p["id"] for p in after["payments"]] == [second["id"]]
    assert datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"]) >= timedelta(hours=2)
    # An hour after the first answer, by the central's clock: still only the second.
    an_hour_on = (datetime.fromisoformat(before["now"]) + timedelta(hours=1)).isoformat()
    assert [p["id"] for p in changes(central, an_hour_on)["payments"]] == [second["id"]]
    # Nothing changed since the last answer.
    assert changes(central, after["now"])["payments"] == []
    # A `since` given in Vietnam time is the same moment.
    vietnam = datetime.fromisoformat(before["now"]).astimezone(VIETNAM).isoformat()
    assert [p["id"] for p in changes(central, vietnam)["payments"]] == [second["id"]]


def test_money_after_the_watch_window_is_a_change_of_the_payment(central: RunningCentral) -> None:
    """The kiosk cancelled and stopped watching; days later the bank's money comes: the payment changes."""
    payment = pay(central, "key-late-00001")
    with _http(central) as http:
        assert http.post(f"/v1/payments/{payment['id']}/cancel").json()["status"] == "cancelled"
    watched = changes(central, LONG_AGO)
    assert [p["status"] for p in watched["payments"]] == ["cancelled"]

    central.clock.advance(timedelta(days=4))
    assert changes(central, watched["now"])["payments"] == []
    notice(central, payment, "FT00000000000002")
    [late] = changes(central, watched["now"])["payments"]
    assert (late["id"], late["status"], late["amount_applied"], late["refund_due"]) == (
        payment["id"], "paid", payment["amount"], 0,
    )  # fmt: skip
    assert late["changed_at"] == late["paid_at"]


def test_money_kept_for_refund_is_a_change_of_a_cancelled_payment(central: RunningCentral) -> None:
    payment = pay(central, "key-refund-0001")
    with _http(central) as http:
        http.post("/v1/sim/counter-payments", json={"bill_id": payment["bill_ids"][0]})
    watched = changes(central, LONG_AGO)
    assert [p["status"] for p in watched["payments"]] == ["cancelled"]  # the counter's payment superseded it
    central.clock.advance(timedelta(days=4))
    result = notice(central, payment, "FT00000000000003")
    assert result["reason"] == "bills_already_paid"
    [late] = changes(central, watched["now"])["payments"]
    assert (late["status"], late["amount_applied"], late["refund_due"]) == ("cancelled", 0, payment["amount"])
    assert late["changed_at"] == result["received_at"]


def test_expiry_is_a_change_at_the_payment_s_expiry(central: RunningCentral) -> None:
    payment = pay(central, "key-expire-001")
    watched = changes(central, LONG_AGO)
    central.clock.advance(timedelta(hours=1))
    [expired] = changes(central, watched["now"])["payments"]
    assert (expired["status"], expired["changed_at"]) == ("expired", payment["expires_at"])


def test_a_request_s_new_event_is_a_change(central: RunningCentral) -> None:
    request = submit_request(central, "key-request-01", "KH7M2Q9XRA")
    watched = changes(central, LONG_AGO)
    central.clock.advance(timedelta(days=1))
    assert changes(central, watched["now"])["requests"] == []
    central.database.write(  # the office works on it
        lambda conn: service_requests.add_event(
            conn, request["tracking_code"], central.clock.now(), "in_progress",
            schemas.Label(vi="Đã phân công", en="Assigned"),
        )
    )  # fmt: skip
    [changed] = changes(central, watched["now"])["requests"]
    assert (changed["tracking_code"], changed["status"]) == (request["tracking_code"], "in_progress")


def _all_pages(central: RunningCentral, limit: int) -> tuple[list[str], int]:
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = changes(central, LONG_AGO, **params)
        pages += 1
        assert len(page["payments"]) + len(page["requests"]) + len(page["outage_reports"]) <= limit
        seen += [p["id"] for p in page["payments"]] + [o["id"] for o in page["outage_reports"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, pages


def test_pages_hold_at_most_limit_and_together_every_change_once(central: RunningCentral) -> None:
    made = [report(central, f"key-report-{n:03d}")["id"] for n in range(7)]
    made.insert(0, pay(central, "key-paged-0001")["id"])
    seen, pages = _all_pages(central, limit=3)
    assert (sorted(seen), len(seen), pages) == (sorted(made), len(made), 3)


def test_changes_at_one_moment_are_paged_through_without_a_loop(central: RunningCentral) -> None:
    """More changes at one microsecond than a page holds: the cursor carries kind and id, not the time alone."""
    made = [report(central, f"key-report-{n:03d}")["id"] for n in range(5)]
    central.change("UPDATE outage_reports SET created_at = ?", (to_text(datetime(2026, 1, 1, tzinfo=UTC)),))
    seen, pages = _all_pages(central, limit=2)
    assert (sorted(seen), pages) == (sorted(made), 3)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"since": "2026-01-01T00:00:00"},  # no offset: whose clock?
        {"since": "yesterday"},
        {"since": "0.5"},  # not seconds since 1970
        {"since": "2026-01-01T00:00+07:00"},  # RFC 3339 has seconds
        {"since": LONG_AGO, "limit": 0},
        {"since": LONG_AGO, "limit": 501},
        {"since": LONG_AGO, "cursor": "not-a-cursor"},
    ],
    ids=[
        "no-since",
        "naive-since",
        "not-a-time",
        "a-number",
        "no-seconds",
        "limit-0",
        "limit-501",
        "bad-cursor",
    ],
)
def test_a_question_the_contract_does_not_allow_is_invalid(
    central: RunningCentral, params: dict[str, object]
) -> None:
    with _http(central) as http:
        answer = http.get(f"/v1/kiosks/{KIOSK}/changes", params=params)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_times_at_the_ends_of_the_calendar_are_before_or_after_everything(
    central: RunningCentral, since: str
) -> None:
    pay(central, "key-ends-00001")
    listed = changes(central, since)["payments"]
    assert len(listed) == (1 if since.startswith("0001") else 0)
