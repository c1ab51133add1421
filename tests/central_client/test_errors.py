"""CentralClient against failures a real central rarely produces: every error status, garbage bodies,
timeouts and dropped connections, and which calls may be retried.

The server is an ``httpx.MockTransport`` script; sleeping is injected, so nothing really waits. The
behaviour against the real reference server is tested in ``tests/central/``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.central import errors
from kiosk.central.answers import default_backoff
from kiosk.central.client import CentralClient
from kiosk.central.errors import (
    BadResponse,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from kiosk.central.models import Heartbeat, StaffCall
from kiosk.demo.simulator import DemoClient

BASE_URL = "http://central.test"
TOKEN = "kiosk-token-123"
CODE = "PE01000123456"
# Personal data that appears in response bodies and must never reach an exception or a log.
SECRET_NAME = "Nguyễn Văn Bí Mật"

STAFF_CALL = StaffCall(
    call_id="0f3c9a1e2b7d4c58a6e1f0b2c3d4e5f6",
    screen="pay_by_qr",
    language="vi",
    called_at=datetime(2025, 6, 1, 8, tzinfo=UTC),
)

# ------------------------------------------------------------------ valid answers of the contract
LABEL = {"vi": "Nhãn", "en": "Label"}
T0 = "2025-06-01T08:00:00+00:00"


def bill_json(**changes: object) -> dict[str, object]:
    bill: dict[str, object] = {
        "id": "bill_1",
        "customer_code": CODE,
        "period_start": "2025-05-15",
        "period_end": "2025-06-15",
        "days": 31,
        "month_days": 31,
        "meter_serial": "M123",
        "opening_index": 1000,
        "closing_index": 1100,
        "multiplier": 1,
        "kwh": 100,
        "households": 1,
        "tiers": [
            {
                "tier": 1,
                "kwh": 50,
                "unit_price": 1984,
                "amount": 99200,
                "limit_kwh": 50,
                "segment_start": "2025-05-15",
                "segment_end": "2025-06-15",
            },
            {
                "tier": 2,
                "kwh": 50,
                "unit_price": 2050,
                "amount": 102500,
                "limit_kwh": 50,
                "segment_start": "2025-05-15",
                "segment_end": "2025-06-15",
            },
        ],
        "segments": [
            {
                "start": "2025-05-15",
                "end": "2025-06-15",
                "days": 31,
                "kwh": 100,
                "decision": "1279/QĐ-BCT",
                "vat_rate": 0.08,
            }
        ],
        "subtotal": 201700,
        "vat_rate": 0.08,
        "vat_lines": [{"rate": 0.08, "base": 201700, "amount": 16136}],
        "vat_amount": 16136,
        "total": 217836,
        "due_date": "2025-06-27",
        "invoice_serial": "1K25TAA",
        "invoice_number": "0000123",
        "status": "unpaid",
        "paid_at": None,
        "pending_payment_id": None,
    }
    bill.update(changes)
    return bill


def bills_json(*bills: dict[str, object]) -> dict[str, object]:
    return {"customer_code": CODE, "bills": list(bills), "total_due": 217836}


def customer_json(**changes: object) -> dict[str, object]:
    customer: dict[str, object] = {
        "code": CODE,
        "name": SECRET_NAME,
        "address": "12 Phố Bí Mật, Hà Nội",
        "phone": "091*****78",
        "corporation": {"code": "EVNHANOI", "name": LABEL, "hotline": "19001288"},
        "district_unit": {"code": "PE0100", "name": LABEL},
        "tariff_type": "residential",
        "households": 1,
        "meter": {"serial": "M123", "multiplier": 1, "remote_read": False},
    }
    customer.update(changes)
    return customer


PAYMENT: dict[str, object] = {
    "id": "pay_1",
    "status": "pending",
    "amount": 217836,
    "qr_payload": "000201010212",
    "reference": "TTPE01000123456ABCDEF",
    "expires_at": "2025-06-01T08:15:00+00:00",
    "customer_code": CODE,
    "bill_ids": ["bill_1"],
    "method": "vietqr",
    "recipient": {"bank_bin": "970436", "account_number": "0011000333333", "account_name": "EVNHANOI"},
    "created_at": T0,
    "paid_at": None,
    "cancelled_at": None,
}
BILL_PAYMENT_QR: dict[str, object] = {
    "bill_id": "bill_1",
    "customer_code": CODE,
    "amount": 217836,
    "reference": "HDPE01000123456202505",
    "qr_payload": "000201010212",
    "recipient": {"bank_bin": "970436", "account_number": "0011000333333", "account_name": "EVNHANOI"},
}
SERVICE_REQUEST: dict[str, object] = {
    "tracking_code": "YCABCDEFGH",
    "service_code": "meter_inspection",
    "customer_code": CODE,
    "status": "received",
    "created_at": T0,
    "due_by": "2025-06-05",
    "history": [{"at": T0, "status": "received", "note": LABEL}],
}
OUTAGE_REPORT: dict[str, object] = {
    "id": "out_1",
    "customer_code": CODE,
    "kind": "danger",
    "created_at": T0,
    "emergency_hotline": "19001288",
    "fire_hotline": "114",
    "emergency": True,
}
OTP: dict[str, object] = {
    "id": "otp_1",
    "phone": "091*****78",
    "expires_at": "2025-06-01T08:05:00+00:00",
    "resend_after": "2025-06-01T08:01:00+00:00",
    "max_attempts": 5,
}
HEARTBEAT = Heartbeat(
    version="0.1.0", printer_status="ready", pending_payments=0, outbox_depth=0, last_activity_at=None
)


def error_json(code: str, message: str = "refused", **details: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": details}}


# ------------------------------------------------------------------ the rig
Step = httpx.Response | Exception


class Script:
    """A fake central answering each request with the next step; the last step repeats."""

    def __init__(self, *steps: Step) -> None:
        assert steps
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step


class Waits:
    """Records what the client asked for, instead of sleeping and backing off for real."""

    def __init__(self) -> None:
        self.backoff_attempts: list[int] = []
        self.slept: list[float] = []

    def backoff(self, attempt: int) -> float:
        self.backoff_attempts.append(attempt)
        return attempt * 100.0

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def rig(script: Script, waits: Waits | None = None, *, retries: int = 2) -> CentralClient:
    waits = waits or Waits()
    return DemoClient(
        BASE_URL,
        TOKEN,
        timeout=1.0,
        retries=retries,
        transport=httpx.MockTransport(script),
        backoff=waits.backoff,
        sleep=waits.sleep,
    )


def ok(body: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def raw(status: int, content: bytes | str, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=content, headers={"Content-Type": content_type})


def assert_no_personal_data(error: BaseException) -> None:
    error_texts = [str(error), repr(error), json.dumps(dict(getattr(error, "details", {})), default=str)]
    for text in error_texts:
        assert SECRET_NAME not in text
        assert "Bí Mật" not in text
    # A chained pydantic ValidationError would print the body in a logged traceback.
    assert error.__cause__ is None or isinstance(error.__cause__, httpx.HTTPError)


Call = Callable[[CentralClient], Awaitable[object]]


# ------------------------------------------------------------------ status → error
CONTRACT_ERRORS = [
    (400, InvalidInput, "invalid_request"),
    (401, Unauthorized, "unauthorized"),
    (403, Unauthorized, "wrong_kiosk"),
    (404, NotFound, "customer_not_found"),
    (409, Conflict, "payment_in_progress"),
    (422, InvalidInput, "invalid_customer_code"),
    (429, RateLimited, "otp_locked"),
    (500, Unavailable, "internal_error"),
    (501, Unavailable, "not_implemented"),
    (502, Unavailable, "bad_gateway"),
    (503, Unavailable, "maintenance"),
    (504, Unavailable, "gateway_timeout"),
    (405, BadResponse, "method_not_allowed"),
    (410, BadResponse, "gone"),
    (418, BadResponse, "teapot"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "error_type", "code"), CONTRACT_ERRORS)
async def test_each_status_maps_to_its_error_with_the_centrals_code(
    status: int, error_type: type[CentralError], code: str
) -> None:
    script = Script(ok(error_json(code, "the central says no", customer_code=CODE, attempts_left=2), status))
    async with rig(script, retries=0) as client:
        with pytest.raises(CentralError) as caught:
            await client.customer(CODE)
    assert type(caught.value) is error_type
    assert caught.value.code == code
    assert caught.value.status == status
    assert caught.value.message == "the central says no"
    assert caught.value.details == {"customer_code": CODE, "attempts_left": 2}


NON_CONTRACT_BODIES = {
    "html": raw(0, "<html><body><h1>Bad Gateway</h1></body></html>", "text/html"),
    "empty": raw(0, b""),
    "fastapi-detail": raw(0, json.dumps({"detail": "Not Found"})),
    "list": raw(0, json.dumps([{"error": {"code": "x"}}])),
    "code-not-a-string": raw(0, json.dumps({"error": {"code": 42, "message": "m"}})),
    "truncated": raw(0, '{"error": {"code": "customer_not_fo'),
    "not-utf8": raw(0, b"\xff\xfe\x00garbage"),
}


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "error_type", "_code"), CONTRACT_ERRORS)
@pytest.mark.parametrize("body", NON_CONTRACT_BODIES.values(), ids=NON_CONTRACT_BODIES.keys())
async def test_an_error_body_outside_the_contract_still_maps_by_status(
    status: int, error_type: type[CentralError], _code: str, body: httpx.Response
) -> None:
    response = httpx.Response(status, content=body.content, headers=body.headers)
    async with rig(Script(response), retries=0) as client:
        with pytest.raises(CentralError) as caught:
            await client.customer(CODE)
    assert type(caught.value) is error_type
    assert caught.value.code == errors.UNKNOWN
    assert caught.value.status == status
    assert caught.value.details == {}


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
async def test_redirects_are_not_followed_and_are_a_bad_response(status: int) -> None:
    script = Script(httpx.Response(status, headers={"Location": "http://elsewhere.test/v1/customers/x"}))
    async with rig(script) as client:
        with pytest.raises(BadResponse) as caught:
            await client.customer(CODE)
    assert caught.value.code == errors.UNEXPECTED_STATUS
    assert caught.value.status == status
    assert len(script.requests) == 1


@pytest.mark.asyncio
async def test_an_error_message_does_not_quote_a_body_outside_the_contract() -> None:
    body = raw(503, f"<html>Trang lỗi cho {SECRET_NAME}</html>", "text/html")
    async with rig(Script(body), retries=0) as client:
        with pytest.raises(Unavailable) as caught:
            await client.customer(CODE)
    assert_no_personal_data(caught.value)


@pytest.mark.asyncio
async def test_details_are_read_only() -> None:
    async with rig(Script(ok(error_json("otp_invalid", attempts_left=3), 422))) as client:
        with pytest.raises(InvalidInput) as caught:
            await client.submit_request("meter_inspection", CODE, {}, "otp_1", "123456", "key-00000001")
    assert caught.value.details["attempts_left"] == 3
    with pytest.raises(TypeError):
        caught.value.details["attempts_left"] = 99  # type: ignore[index]


# ------------------------------------------------------------------ 429 and when to try again
@pytest.mark.asyncio
async def test_resend_too_soon_carries_when_to_ask_again() -> None:
    body = error_json("otp_resend_too_soon", resend_after="2025-06-01T08:01:00+00:00")
    script = Script(ok(body, 429))
    async with rig(script) as client:
        with pytest.raises(RateLimited) as caught:
            await client.send_otp("service_request", phone="0912000111")
    assert caught.value.code == "otp_resend_too_soon"
    assert caught.value.retry_after == datetime(2025, 6, 1, 8, 1, tzinfo=UTC)
    assert len(script.requests) == 1


@pytest.mark.asyncio
async def test_a_locked_otp_has_no_time_to_try_again() -> None:
    async with rig(Script(ok(error_json("otp_locked"), 429))) as client:
        with pytest.raises(RateLimited) as caught:
            await client.submit_request("meter_inspection", CODE, {}, "otp_1", "123456", "key-00000001")
    assert caught.value.code == "otp_locked"
    assert caught.value.retry_after is None


@pytest.mark.asyncio
async def test_retry_after_seconds_header() -> None:
    response = httpx.Response(429, headers={"Retry-After": "30"}, content=b"slow down")
    async with rig(Script(response)) as client:
        before = datetime.now(UTC)
        with pytest.raises(RateLimited) as caught:
            await client.customer(CODE)
    assert caught.value.code == errors.UNKNOWN
    assert caught.value.retry_after is not None
    assert (
        before + timedelta(seconds=29)
        <= caught.value.retry_after
        <= datetime.now(UTC) + timedelta(seconds=31)
    )


@pytest.mark.asyncio
async def test_retry_after_http_date_header() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Sun, 01 Jun 2025 08:02:00 GMT"})
    async with rig(Script(response)) as client:
        with pytest.raises(RateLimited) as caught:
            await client.customer(CODE)
    assert caught.value.retry_after == datetime(2025, 6, 1, 8, 2, tzinfo=UTC)


@pytest.mark.asyncio
@pytest.mark.parametrize("header", ["soon", "-5", ""])
async def test_an_unreadable_retry_after_is_ignored(header: str) -> None:
    body = error_json("otp_resend_too_soon", resend_after="not a time")
    response = httpx.Response(429, json=body, headers={"Retry-After": header})
    async with rig(Script(response)) as client:
        with pytest.raises(RateLimited) as caught:
            await client.customer(CODE)
    assert caught.value.retry_after is None


@pytest.mark.asyncio
async def test_rate_limits_are_not_retried() -> None:
    script = Script(ok(error_json("otp_resend_too_soon"), 429), ok(customer_json()))
    waits = Waits()
    async with rig(script, waits) as client:
        with pytest.raises(RateLimited):
            await client.customer(CODE)
    assert len(script.requests) == 1
    assert waits.slept == []


# ------------------------------------------------------------------ garbage in successful answers
def without(body: dict[str, object], key: str) -> dict[str, object]:
    return {k: v for k, v in body.items() if k != key}


GARBAGE_BILL_LISTS: dict[str, tuple[httpx.Response, str]] = {
    "html": (raw(200, "<!doctype html><title>Captive portal</title>", "text/html"), errors.INVALID_JSON),
    "truncated-json": (raw(200, json.dumps(bills_json(bill_json()))[:120]), errors.INVALID_JSON),
    "empty": (raw(200, b""), errors.INVALID_JSON),
    "not-utf8": (raw(200, b"\xff\xfe{}"), errors.INVALID_JSON),
    "json-list": (ok([bill_json()]), errors.CONTRACT_MISMATCH),
    "json-null": (raw(200, "null"), errors.CONTRACT_MISMATCH),
    "error-shape-with-200": (ok(error_json("oops")), errors.CONTRACT_MISMATCH),
    "bill-without-total": (ok(bills_json(without(bill_json(), "total"))), errors.CONTRACT_MISMATCH),
    "total-as-text": (ok(bills_json(bill_json(total="217836"))), errors.CONTRACT_MISMATCH),
    "total-not-a-number": (ok(bills_json(bill_json(total="lots"))), errors.CONTRACT_MISMATCH),
    "total-as-float": (ok(bills_json(bill_json(total=217836.5))), errors.CONTRACT_MISMATCH),
    "total-as-bool": (ok(bills_json(bill_json(total=True))), errors.CONTRACT_MISMATCH),
    "negative-total": (ok(bills_json(bill_json(total=-1))), errors.CONTRACT_MISMATCH),
    "unknown-status": (ok(bills_json(bill_json(status="disconnected"))), errors.CONTRACT_MISMATCH),
    "bad-date": (ok(bills_json(bill_json(due_date="15/06/2025"))), errors.CONTRACT_MISMATCH),
    "naive-time": (ok(bills_json(bill_json(paid_at="2025-06-01T08:00:00"))), errors.CONTRACT_MISMATCH),
    "bills-not-a-list": (ok({**bills_json(), "bills": bill_json()}), errors.CONTRACT_MISMATCH),
    "tier-line-wrong-type": (
        ok(bills_json(bill_json(tiers=[{"tier": "one"}]))),
        errors.CONTRACT_MISMATCH,
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize(("response", "code"), GARBAGE_BILL_LISTS.values(), ids=GARBAGE_BILL_LISTS.keys())
async def test_a_successful_answer_outside_the_contract_is_a_bad_response(
    response: httpx.Response, code: str
) -> None:
    script = Script(response)
    async with rig(script) as client:
        with pytest.raises(BadResponse) as caught:
            await client.bills(CODE)
    assert caught.value.code == code
    assert caught.value.status == 200
    assert caught.value.details["endpoint"] == "GET /v1/customers/{code}/bills"
    assert len(script.requests) == 1, "a broken contract is not retried"


@pytest.mark.asyncio
async def test_a_bad_response_names_the_field_not_its_value() -> None:
    body = bills_json(bill_json(total="lots", customer_code=SECRET_NAME))
    async with rig(Script(ok(body))) as client:
        with pytest.raises(BadResponse) as caught:
            await client.bills(CODE)
    problems = caught.value.details["problems"]
    assert {"loc": "bills.0.total", "type": "int_type"} in problems  # type: ignore[operator]
    assert_no_personal_data(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.asyncio
async def test_a_customer_missing_a_field_does_not_leak_the_name() -> None:
    async with rig(Script(ok(without(customer_json(), "meter")))) as client:
        with pytest.raises(BadResponse) as caught:
            await client.customer(CODE)
    assert caught.value.code == errors.CONTRACT_MISMATCH
    assert {"loc": "meter", "type": "missing"} in caught.value.details["problems"]  # type: ignore[operator]
    assert_no_personal_data(caught.value)


@pytest.mark.asyncio
async def test_a_body_that_does_not_match_its_content_encoding_is_a_bad_response() -> None:
    gzip_claimed = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = httpx.Response(200, stream=httpx.ByteStream(b"not gzip at all"), headers=gzip_claimed)
    async with rig(Script(response)) as client:
        with pytest.raises(BadResponse):
            await client.bills(CODE)


@pytest.mark.asyncio
async def test_an_empty_2xx_where_json_is_due_is_a_bad_response() -> None:
    async with rig(Script(httpx.Response(204))) as client:
        with pytest.raises(BadResponse) as caught:
            await client.payment("pay_1")
    assert caught.value.code == errors.INVALID_JSON


@pytest.mark.asyncio
async def test_new_fields_from_a_newer_central_are_ignored() -> None:
    body = bills_json(bill_json(carbon_kg=42, tiers=[{**bill_json()["tiers"][0], "note": "x"}]))  # type: ignore[index]
    body["currency"] = "VND"
    async with rig(Script(ok(body))) as client:
        bills = await client.bills(CODE)
    assert bills.bills[0].total == 217836
    assert bills.bills[0].tiers[0].amount == 99200


@pytest.mark.asyncio
async def test_models_are_frozen() -> None:
    async with rig(Script(ok(bills_json(bill_json())))) as client:
        bills = await client.bills(CODE)
    with pytest.raises(ValueError, match="frozen"):
        bills.bills[0].total = 0  # type: ignore[misc]


# ------------------------------------------------------------------ a bill's own QR
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error_type", "code"),
    [
        (404, NotFound, "bill_not_found"),
        (409, Conflict, "bill_already_paid"),
        (409, Conflict, "nothing_to_pay"),
        (401, Unauthorized, "unauthorized"),
        (403, Unauthorized, "wrong_kiosk"),
    ],
)
async def test_a_bill_qr_that_cannot_be_had_is_a_known_error(
    status: int, error_type: type[CentralError], code: str
) -> None:
    script = Script(ok(error_json(code, bill_id="bill_1"), status))
    async with rig(script) as client:
        with pytest.raises(error_type) as caught:
            await client.bill_payment_qr("bill_1")
    assert (caught.value.code, caught.value.details) == (code, {"bill_id": "bill_1"})
    assert len(script.requests) == 1, "a final answer is not retried"
    assert (script.requests[0].method, script.requests[0].url.path) == ("GET", "/v1/bills/bill_1/payment-qr")


GARBAGE_BILL_QRS: dict[str, dict[str, object]] = {
    "amount-as-text": {**BILL_PAYMENT_QR, "amount": "217836"},
    "negative-amount": {**BILL_PAYMENT_QR, "amount": -1},
    "no-payload": without(BILL_PAYMENT_QR, "qr_payload"),
    "no-recipient": without(BILL_PAYMENT_QR, "recipient"),
    "recipient-incomplete": {**BILL_PAYMENT_QR, "recipient": {"bank_bin": "970436"}},
}


@pytest.mark.asyncio
@pytest.mark.parametrize("body", GARBAGE_BILL_QRS.values(), ids=GARBAGE_BILL_QRS.keys())
async def test_a_bill_qr_outside_the_contract_is_a_bad_response(body: dict[str, object]) -> None:
    async with rig(Script(ok(body))) as client:
        with pytest.raises(BadResponse) as caught:
            await client.bill_payment_qr("bill_1")
    assert caught.value.code == errors.CONTRACT_MISMATCH
    assert caught.value.details["endpoint"] == "GET /v1/bills/{bill_id}/payment-qr"


# ------------------------------------------------------------------ retries
SERVICES: dict[str, object] = {
    "services": [
        {
            "code": "meter_inspection",
            "number": 7,
            "title": LABEL,
            "description": LABEL,
            "max_working_days": 3,
            "documents": [LABEL],
            "fields": [
                {
                    "name": "reason",
                    "type": "choice",
                    "label": LABEL,
                    "required": True,
                    "help": None,
                    "options": [{"value": "fast", "label": LABEL}],
                    "min_value": None,
                    "max_value": None,
                    "max_length": None,
                }
            ],
            "requires_customer_code": True,
        }
    ]
}
TARIFFS: dict[str, object] = {
    "residential": [
        {
            "effective_from": "2025-05-10",
            "decision": "1279/QĐ-BCT",
            "tiers": [{"up_to_kwh": 50, "unit_price": 1984}, {"up_to_kwh": None, "unit_price": 3460}],
        }
    ],
    "vat": [{"effective_from": "2023-07-01", "rate": 0.08, "basis": "Nghị định"}],
    "proration": "by days",
}
OUTAGES: dict[str, object] = {
    "customer_code": CODE,
    "outages": [
        {
            "id": "o1",
            "kind": "planned",
            "district_unit": "PE0100",
            "area": LABEL,
            "reason": LABEL,
            "start_at": T0,
            "expected_end_at": "2025-06-01T12:00:00+07:00",
            "status": "scheduled",
        }
    ],
}
CONSUMPTION: dict[str, object] = {
    "customer_code": CODE,
    "granularity": "day",
    "points": [{"start": "2025-05-01", "end": "2025-05-01", "kwh": 4, "label": "2025-05-01"}],
}
METHODS: dict[str, object] = {"methods": [{"method": "vietqr", "label": LABEL, "payload_kind": "vietqr"}]}

IDEMPOTENT_CALLS: dict[str, tuple[Call, dict[str, object]]] = {
    "health": (lambda c: c.health(), {"status": "ok", "version": "1.0.0", "demo": False}),
    "tariffs": (lambda c: c.tariffs(), TARIFFS),
    "consumption": (lambda c: c.consumption(CODE, "day"), CONSUMPTION),
    "payment-methods": (lambda c: c.payment_methods(), METHODS),
    "services": (lambda c: c.services(), SERVICES),
    "outages": (lambda c: c.outages(CODE), OUTAGES),
    "get-customer": (lambda c: c.customer(CODE), customer_json()),
    "get-bills": (lambda c: c.bills(CODE, status="all"), bills_json(bill_json())),
    "get-payment": (lambda c: c.payment("pay_1"), PAYMENT),
    "bill-payment-qr": (lambda c: c.bill_payment_qr("bill_1"), BILL_PAYMENT_QR),
    "get-request": (lambda c: c.request_status("YCABCDEFGH"), SERVICE_REQUEST),
    "cancel-payment": (lambda c: c.cancel_payment("pay_1"), {**PAYMENT, "status": "cancelled"}),
    "create-payment": (lambda c: c.create_payment(CODE, ["bill_1"], "vietqr", "key-pay-0001"), PAYMENT),
    "submit-request": (
        lambda c: c.submit_request(
            "meter_inspection", CODE, {"reason": "x"}, "otp_1", "123456", "key-req-0001"
        ),
        SERVICE_REQUEST,
    ),
    "report-outage": (lambda c: c.report_outage(CODE, "danger", "Dây đứt", "key-out-0001"), OUTAGE_REPORT),
    # The kiosk chooses the call's id, so a retried call is the same call on the central.
    "call-staff": (
        lambda c: c.call_staff("kiosk-hn-01", STAFF_CALL),
        {"call_id": STAFF_CALL.call_id, "kiosk_id": "kiosk-hn-01", "received_at": T0},
    ),
}
TRANSIENT_FAILURES: dict[str, Callable[[], Step]] = {
    "connect-refused": lambda: httpx.ConnectError("[Errno 111] Connection refused"),
    "dns": lambda: httpx.ConnectError("[Errno -2] Name or service not known"),
    "connect-timeout": lambda: httpx.ConnectTimeout("timed out"),
    "read-timeout": lambda: httpx.ReadTimeout("timed out"),
    "pool-timeout": lambda: httpx.PoolTimeout("timed out"),
    "reset": lambda: httpx.ReadError("[Errno 104] Connection reset by peer"),
    "server-disconnected": lambda: httpx.RemoteProtocolError(
        "Server disconnected without sending a response."
    ),
    "502": lambda: raw(502, "<html>Bad Gateway</html>", "text/html"),
    "503": lambda: ok(error_json("maintenance"), 503),
    "504": lambda: raw(504, b""),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("failure", TRANSIENT_FAILURES.values(), ids=TRANSIENT_FAILURES.keys())
@pytest.mark.parametrize(("call", "answer"), IDEMPOTENT_CALLS.values(), ids=IDEMPOTENT_CALLS.keys())
async def test_safe_calls_are_retried_after_a_transient_failure(
    call: Call, answer: dict[str, object], failure: Callable[[], Step]
) -> None:
    script = Script(failure(), failure(), ok(answer))
    waits = Waits()
    async with rig(script, waits, retries=2) as client:
        result = await call(client)
    assert result is not None
    assert len(script.requests) == 3
    assert waits.backoff_attempts == [1, 2]
    assert waits.slept == [100.0, 200.0]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("failure", "error_code", "status"),
    [
        (lambda: httpx.ConnectError("refused"), errors.UNREACHABLE, None),
        (lambda: httpx.ReadTimeout("timed out"), errors.TIMEOUT, None),
        (lambda: httpx.ConnectTimeout("timed out"), errors.TIMEOUT, None),
        (lambda: ok(error_json("maintenance"), 503), "maintenance", 503),
        (lambda: raw(502, "<html>Bad Gateway</html>", "text/html"), errors.UNKNOWN, 502),
    ],
    ids=["refused", "read-timeout", "connect-timeout", "503", "502-html"],
)
@pytest.mark.parametrize("retries", [0, 1, 2, 4])
async def test_after_the_last_try_the_central_is_unavailable(
    failure: Callable[[], Step], error_code: str, status: int | None, retries: int
) -> None:
    script = Script(failure())
    waits = Waits()
    async with rig(script, waits, retries=retries) as client:
        with pytest.raises(Unavailable) as caught:
            await client.bills(CODE)
    assert caught.value.code == error_code
    assert caught.value.status == status
    assert len(script.requests) == retries + 1
    assert waits.backoff_attempts == list(range(1, retries + 1))
    assert len(waits.slept) == retries


@pytest.mark.asyncio
@pytest.mark.parametrize(("call", "answer"), IDEMPOTENT_CALLS.values(), ids=IDEMPOTENT_CALLS.keys())
async def test_every_retry_resends_the_same_request(call: Call, answer: dict[str, object]) -> None:
    script = Script(httpx.ReadTimeout("timed out"), raw(503, b""), ok(answer))
    async with rig(script) as client:
        await call(client)
    first = script.requests[0]
    for request in script.requests[1:]:
        assert (request.method, request.url) == (first.method, first.url)
        assert request.content == first.content
        assert request.headers.get("Idempotency-Key") == first.headers.get("Idempotency-Key")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("call", "answer", "key"),
    [
        (IDEMPOTENT_CALLS["create-payment"][0], PAYMENT, "key-pay-0001"),
        (IDEMPOTENT_CALLS["submit-request"][0], SERVICE_REQUEST, "key-req-0001"),
        (IDEMPOTENT_CALLS["report-outage"][0], OUTAGE_REPORT, "key-out-0001"),
    ],
    ids=["payment", "request", "outage-report"],
)
async def test_the_callers_idempotency_key_goes_on_every_attempt(
    call: Call, answer: dict[str, object], key: str
) -> None:
    script = Script(httpx.ReadTimeout("timed out"), httpx.ConnectError("refused"), ok(answer, 201))
    async with rig(script) as client:
        await call(client)
    assert [r.headers["Idempotency-Key"] for r in script.requests] == [key, key, key]


@pytest.mark.asyncio
async def test_the_payment_request_body_is_the_contracts() -> None:
    script = Script(ok(PAYMENT, 201))
    async with rig(script) as client:
        payment = await client.create_payment(CODE, ("bill_1", "bill_2"), "vietqr", "key-pay-0001")
    assert payment.id == "pay_1"
    request = script.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v1/payments")
    assert json.loads(request.content) == {
        "customer_code": CODE,
        "bill_ids": ["bill_1", "bill_2"],
        "method": "vietqr",
    }


@pytest.mark.asyncio
async def test_reads_send_no_idempotency_key() -> None:
    script = Script(ok(bills_json()))
    async with rig(script) as client:
        await client.bills(CODE)
    assert "Idempotency-Key" not in script.requests[0].headers


NEVER_RETRIED: dict[str, tuple[Call, dict[str, object] | None]] = {
    "send-otp-by-phone": (lambda c: c.send_otp("service_request", phone="0912000111"), OTP),
    "send-otp-by-account": (lambda c: c.send_otp("outage_report", customer_code=CODE), OTP),
    "heartbeat": (
        lambda c: c.heartbeat("kiosk-hn-01", HEARTBEAT),
        {"kiosk_id": "kiosk-hn-01", "received_at": T0},
    ),
    "sim-bank-transfer": (
        lambda c: c.sim_bank_transfer("TTREF", 1000),
        {
            "id": 1,
            "transaction_id": "FT00000000000001",
            "reference": "TTREF",
            "amount": 1000,
            "outcome": "applied",
            "reason": None,
            "payment_id": "pay_1",
            "received_at": T0,
        },
    ),
    "sim-counter-payment": (lambda c: c.sim_counter_payment("bill_1"), None),
    "sim-otp": (lambda c: c.sim_otp("otp_1"), {"otp_id": "otp_1", "phone": "0912000111", "code": "123456"}),
    "sim-clock": (lambda c: c.sim_advance_clock(60), {"now": T0}),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("failure", TRANSIENT_FAILURES.values(), ids=TRANSIENT_FAILURES.keys())
@pytest.mark.parametrize(("call", "_answer"), NEVER_RETRIED.values(), ids=NEVER_RETRIED.keys())
async def test_calls_that_are_not_idempotent_are_never_retried(
    call: Call, _answer: object, failure: Callable[[], Step]
) -> None:
    script = Script(failure(), ok(OTP))
    waits = Waits()
    async with rig(script, waits, retries=5) as client:
        with pytest.raises(Unavailable):
            await call(client)
    assert len(script.requests) == 1
    assert waits.backoff_attempts == []
    assert waits.slept == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("call", "answer"), NEVER_RETRIED.values(), ids=NEVER_RETRIED.keys())
async def test_calls_that_are_not_retried_still_succeed(call: Call, answer: dict[str, object] | None) -> None:
    response = httpx.Response(204) if answer is None else ok(answer, 201)
    async with rig(Script(response)) as client:
        result = await call(client)
    assert (result is None) == (answer is None)


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 501])
async def test_answers_that_are_final_are_not_retried(status: int) -> None:
    script = Script(ok(error_json("no"), status), ok(bills_json()))
    waits = Waits()
    async with rig(script, waits) as client:
        with pytest.raises(CentralError):
            await client.bills(CODE)
    assert len(script.requests) == 1
    assert waits.slept == []


@pytest.mark.asyncio
async def test_a_final_answer_after_a_retry_is_raised_as_is() -> None:
    script = Script(httpx.ReadTimeout("timed out"), ok(error_json("idempotency_key_reused"), 409))
    async with rig(script) as client:
        with pytest.raises(Conflict) as caught:
            await client.create_payment(CODE, ["bill_1"], "vietqr", "key-pay-0001")
    assert caught.value.code == "idempotency_key_reused"
    assert len(script.requests) == 2


@pytest.mark.asyncio
async def test_a_retry_is_logged_without_the_body_or_the_customer_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = error_json("maintenance", f"down while serving {SECRET_NAME}")
    script = Script(ok(body, 503), ok(customer_json()))
    with caplog.at_level(logging.WARNING, logger="kiosk.central.client"):
        async with rig(script) as client:
            await client.customer(CODE)
    assert len(caplog.records) == 1
    logged = caplog.records[0].getMessage()
    assert "GET /v1/customers/{code}" in logged
    assert "maintenance" in logged
    assert SECRET_NAME not in logged
    assert CODE not in logged


def test_the_default_backoff_grows_with_jitter_and_is_capped() -> None:
    first, second, third = (default_backoff(n) for n in (1, 2, 3))
    assert 0.5 <= first <= 0.625
    assert 1.0 <= second <= 1.25
    assert 2.0 <= third <= 2.5
    assert all(8.0 <= default_backoff(n) <= 10.0 for n in range(5, 40))


@pytest.mark.asyncio
async def test_the_default_sleep_is_asyncio_sleep() -> None:
    # A zero backoff makes the real asyncio.sleep return at once.
    script = Script(raw(503, b""), ok(bills_json()))
    transport = httpx.MockTransport(script)
    async with DemoClient(BASE_URL, TOKEN, transport=transport, backoff=lambda _: 0.0) as client:
        await client.bills(CODE)
    assert len(script.requests) == 2


# ------------------------------------------------------------------ headers and URLs
@pytest.mark.asyncio
async def test_every_call_and_every_retry_carries_the_token() -> None:
    script = Script(httpx.ConnectError("refused"), ok({"status": "ok", "version": "1.0.0", "demo": False}))
    async with rig(script) as client:
        health = await client.health()
    assert health.status == "ok"
    assert [r.headers["Authorization"] for r in script.requests] == [f"Bearer {TOKEN}"] * 2


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("call", "answer"),
    [*IDEMPOTENT_CALLS.values(), *NEVER_RETRIED.values()],
    ids=[*IDEMPOTENT_CALLS.keys(), *NEVER_RETRIED.keys()],
)
async def test_the_token_is_sent_on_every_endpoint(call: Call, answer: dict[str, object] | None) -> None:
    script = Script(httpx.Response(204) if answer is None else ok(answer))
    async with rig(script) as client:
        await call(client)
    assert script.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert script.requests[0].url.path.startswith("/v1/")


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["has space", "line\nbreak", "khóa-tiếng-việt", ""])
async def test_a_key_that_cannot_travel_in_a_header_is_refused_before_sending(key: str) -> None:
    script = Script(ok(PAYMENT))
    async with rig(script) as client:
        with pytest.raises(InvalidInput) as caught:
            await client.create_payment(CODE, ["bill_1"], "vietqr", key)
    assert caught.value.code == "idempotency_key_required"
    assert caught.value.status is None
    assert script.requests == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "raw_path"),
    [
        ("../../v1/tariffs", b"/v1/customers/%2E%2E%2F%2E%2E%2Fv1%2Ftariffs"),
        ("..", b"/v1/customers/%2E%2E"),
        ("PE01?status=all#x", b"/v1/customers/PE01%3Fstatus%3Dall%23x"),
        ("PE 01%20", b"/v1/customers/PE%2001%2520"),
        ("PÊ01", b"/v1/customers/P%C3%8A01"),
    ],
)
async def test_customer_codes_are_one_escaped_path_segment(code: str, raw_path: bytes) -> None:
    script = Script(ok(customer_json()))
    async with rig(script) as client:
        await client.customer(code)
    assert script.requests[0].url.raw_path == raw_path


@pytest.mark.asyncio
async def test_tracking_codes_and_ids_are_escaped() -> None:
    script = Script(ok(SERVICE_REQUEST), ok(PAYMENT), ok(PAYMENT), ok(BILL_PAYMENT_QR))
    async with rig(script) as client:
        await client.request_status("YC/ABC?D")
        await client.payment("pay/../x")
        await client.cancel_payment("pay#1")
        await client.bill_payment_qr("../../v1/tariffs?x")
    assert [r.url.raw_path for r in script.requests] == [
        b"/v1/requests/YC%2FABC%3FD",
        b"/v1/payments/pay%2F%2E%2E%2Fx",
        b"/v1/payments/pay%231/cancel",
        b"/v1/bills/%2E%2E%2F%2E%2E%2Fv1%2Ftariffs%3Fx/payment-qr",
    ]


@pytest.mark.asyncio
async def test_query_parameters_are_encoded() -> None:
    script = Script(ok({"customer_code": CODE, "outages": []}))
    async with rig(script) as client:
        await client.outages("PE01&kind=all")
    assert script.requests[0].url.params["customer_code"] == "PE01&kind=all"


@settings(max_examples=60, deadline=None)
@given(code=st.text(min_size=1, max_size=30))
def test_any_code_stays_one_path_segment(code: str) -> None:
    script = Script(ok(customer_json()))

    async def fetch() -> None:
        async with rig(script) as client:
            await client.customer(code)

    asyncio.run(fetch())
    path = script.requests[0].url.raw_path.decode("ascii")
    prefix = "/v1/customers/"
    assert path.startswith(prefix)
    segment = path.removeprefix(prefix)
    assert not {"/", "?", "#"} & set(segment)
    assert unquote(segment) == code


# ------------------------------------------------------------------ misuse
def test_a_token_that_cannot_travel_in_a_header_is_refused() -> None:
    with pytest.raises(ValueError, match="token"):
        DemoClient(BASE_URL, "token with spaces")


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError, match="retries"):
        DemoClient(BASE_URL, TOKEN, retries=-1)


@pytest.mark.asyncio
async def test_bill_ids_must_not_be_a_single_string() -> None:
    async with rig(Script(ok(PAYMENT))) as client:
        with pytest.raises(TypeError):
            await client.create_payment(CODE, "bill_1", "vietqr", "key-pay-0001")


@pytest.mark.asyncio
async def test_the_client_closes_its_connections() -> None:
    client = rig(Script(ok(bills_json())))
    async with client:
        await client.bills(CODE)
    with pytest.raises(RuntimeError):
        await client.bills(CODE)
