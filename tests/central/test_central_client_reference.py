"""The kiosk's own reference (``client_reference``) on requests and outage reports: printed on the slip
while the submission may still wait in the kiosk's outbox, unique, and a way to look a request up."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.central.client import CentralClient
from kiosk.central.errors import Conflict, InvalidInput, NotFound
from kiosk.demo.simulator import DemoClient
from kiosk_central import schemas
from tests.central.service_forms import valid_fields

CUSTOMER = "PE01000123456"
# The alphabet of tracking codes, written out here as the brief gives it, independently of the code.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE = "KH7M2Q9XRA"
OTHER_REFERENCE = "K23456789Z"


async def _submit(client: CentralClient, key: str, client_reference: str | None) -> str:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code=CUSTOMER)
    code = (await client.sim_otp(otp.id)).code
    await client.sim_advance_clock(61)  # past the resend delay, for the next code to the same phone
    request = await client.submit_request(
        "meter_inspection", CUSTOMER, fields, otp.id, code, key, client_reference=client_reference
    )
    assert request.client_reference == client_reference
    return request.tracking_code


# ------------------------------------------------------------------ service requests
@pytest.mark.asyncio
async def test_a_request_keeps_the_kiosks_reference_and_is_found_by_it(client: CentralClient) -> None:
    tracking_code = await _submit(client, "key-ref-000001", REFERENCE)
    for written in (REFERENCE, "kh7m2q9xra", "KH7-M2Q-9XR-A", " kh7m 2q9x ra "):
        found = await client.request_status(written)
        assert (found.tracking_code, found.client_reference) == (tracking_code, REFERENCE), written


@pytest.mark.asyncio
async def test_a_tracking_code_is_found_in_any_case_and_with_dashes(client: CentralClient) -> None:
    tracking_code = await _submit(client, "key-ref-000002", None)
    written = f"{tracking_code[:2].lower()}-{tracking_code[2:6].lower()} {tracking_code[6:]}"
    found = await client.request_status(written)
    assert (found.tracking_code, found.client_reference) == (tracking_code, None)


@pytest.mark.asyncio
async def test_an_unknown_reference_is_not_found(client: CentralClient) -> None:
    await _submit(client, "key-ref-000003", REFERENCE)
    with pytest.raises(NotFound) as caught:
        await client.request_status(OTHER_REFERENCE)
    assert caught.value.code == "request_not_found"


@pytest.mark.asyncio
async def test_a_reference_used_under_another_key_is_refused(client: CentralClient) -> None:
    first = await _submit(client, "key-ref-000004", REFERENCE)
    with pytest.raises(Conflict) as caught:
        await _submit(client, "key-ref-000005", REFERENCE)
    assert caught.value.code == "client_reference_reused"
    assert (await client.request_status(REFERENCE)).tracking_code == first
    assert (await _submit(client, "key-ref-000006", OTHER_REFERENCE)) != first


@pytest.mark.asyncio
async def test_a_replay_with_the_reference_returns_the_same_request(client: CentralClient) -> None:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code=CUSTOMER)
    code = (await client.sim_otp(otp.id)).code
    submitted = [
        await client.submit_request(
            "meter_inspection", CUSTOMER, fields, otp.id, code, "key-ref-000007", client_reference=REFERENCE
        )
        for _ in range(2)
    ]
    assert submitted[0] == submitted[1]
    with pytest.raises(Conflict) as caught:  # the same key for a body without the reference
        await client.submit_request("meter_inspection", CUSTOMER, fields, otp.id, code, "key-ref-000007")
    assert caught.value.code == "idempotency_key_reused"


@pytest.mark.asyncio
async def test_a_refused_reference_spends_no_code(client: CentralClient) -> None:
    await _submit(client, "key-ref-000008", REFERENCE)
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code=CUSTOMER)
    code = (await client.sim_otp(otp.id)).code
    with pytest.raises(Conflict):
        await client.submit_request(
            "meter_inspection", CUSTOMER, fields, otp.id, code, "key-ref-000009", client_reference=REFERENCE
        )
    request = await client.submit_request(
        "meter_inspection", CUSTOMER, fields, otp.id, code, "key-ref-000010", client_reference=OTHER_REFERENCE
    )
    assert request.client_reference == OTHER_REFERENCE


@pytest.mark.asyncio
async def test_the_demo_request_has_no_client_reference(client: CentralClient) -> None:
    assert (await client.request_status("YCA7K3M9Q2")).client_reference is None


# ------------------------------------------------------------------ outage reports
@pytest.mark.asyncio
async def test_an_outage_report_keeps_the_kiosks_reference(client: CentralClient) -> None:
    report = await client.report_outage(CUSTOMER, "street", "", "key-out-ref-01", client_reference=REFERENCE)
    assert report.client_reference == REFERENCE
    again = await client.report_outage(CUSTOMER, "street", "", "key-out-ref-01", client_reference=REFERENCE)
    assert again == report
    plain = await client.report_outage(CUSTOMER, "street", "", "key-out-ref-02")
    assert plain.client_reference is None


@pytest.mark.asyncio
async def test_an_outage_report_reference_used_under_another_key_is_refused(client: CentralClient) -> None:
    await client.report_outage(CUSTOMER, "my_house", "", "key-out-ref-03", client_reference=REFERENCE)
    with pytest.raises(Conflict) as caught:
        await client.report_outage(CUSTOMER, "my_house", "", "key-out-ref-04", client_reference=REFERENCE)
    assert caught.value.code == "client_reference_reused"
    other = await client.report_outage(
        CUSTOMER, "my_house", "", "key-out-ref-05", client_reference=OTHER_REFERENCE
    )
    assert other.client_reference == OTHER_REFERENCE


# ------------------------------------------------------------------ the pattern
def _is_reference(text: str) -> bool:
    return len(text) == 10 and text[0] == "K" and all(c in ALPHABET for c in text[1:])


def _accepted(reference: str) -> bool:
    try:
        schemas.RequestCreate(
            service_code="meter_inspection", fields={}, otp_id="otp_1", otp_code="123456",
            client_reference=reference,
        )  # fmt: skip
    except pydantic.ValidationError:
        accepted = False
    else:
        accepted = True
    try:
        schemas.OutageReportCreate(customer_code=CUSTOMER, kind="street", client_reference=reference)
    except pydantic.ValidationError:
        assert not accepted, reference
        return False
    assert accepted, reference
    return True


def test_the_pattern_admits_exactly_the_tracking_alphabet() -> None:
    for character in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcz-_ ":
        assert _accepted("K" + character * 9) == (character in ALPHABET), character


_valid = st.text(alphabet=ALPHABET, min_size=9, max_size=9).map("K".__add__)


@st.composite
def _near_misses(draw: st.DrawFn) -> str:
    """A valid reference with one thing wrong: a character outside the alphabet, another first letter, a
    character too few or too many, or something around it."""
    reference = draw(_valid)
    outsider = draw(st.characters().filter(lambda c: c not in ALPHABET))
    position = draw(st.integers(min_value=0, max_value=9))
    mistakes = [
        reference[:position] + outsider + reference[position + 1 :],
        reference[:-1],
        reference + draw(st.sampled_from(ALPHABET)),
        draw(st.sampled_from([" ", "-", "\n", "K"])) + reference,
        reference + draw(st.sampled_from([" ", "-", "\n", "\x00"])),
        "k" + reference[1:].lower(),
    ]
    return draw(st.sampled_from(mistakes))


@given(_valid)
def test_every_reference_of_the_alphabet_is_accepted(reference: str) -> None:
    assert _accepted(reference)


@given(_near_misses())
def test_near_misses_are_refused(reference: str) -> None:
    assert not _is_reference(reference)
    assert not _accepted(reference)


@given(st.text(max_size=12))
def test_any_text_is_accepted_only_if_it_is_a_reference(text: str) -> None:
    assert _accepted(text) == _is_reference(text)


BAD_REFERENCES = ["", "K", "KH7M2Q9XR", "KH7M2Q9XRAB", "kh7m2q9xra", "KH7M2Q9XRL", "KH7M2Q9XRO",
                  "KH7M2Q9XR0", "KH7M2Q9XR1", "KI7M2Q9XRA", "YCH7M2Q9XR", "KH7M-2Q9XR", "KH7M2Q9XRA\n"]  # fmt: skip
Submit = Callable[[CentralClient, str, str], Awaitable[object]]


async def _request_with(client: CentralClient, key: str, reference: str) -> object:
    return await client.submit_request(
        "meter_inspection", CUSTOMER, {}, "otp_0000000000000000", "123456", key, client_reference=reference
    )


async def _report_with(client: CentralClient, key: str, reference: str) -> object:
    return await client.report_outage(CUSTOMER, "street", "", key, client_reference=reference)


@pytest.mark.asyncio
@pytest.mark.parametrize("submit", [_request_with, _report_with], ids=["request", "outage-report"])
async def test_the_central_refuses_bad_references(client: CentralClient, submit: Submit) -> None:
    for n, reference in enumerate(BAD_REFERENCES):
        with pytest.raises(InvalidInput) as caught:
            await submit(client, f"key-bad-ref-{n:03d}", reference)
        assert caught.value.code == "invalid_request", reference
        problems = caught.value.details["problems"]
        assert isinstance(problems, list)
        assert [p["loc"] for p in problems] == [["body", "client_reference"]], reference


# ------------------------------------------------------------------ what the client sends
@pytest.mark.asyncio
@pytest.mark.parametrize("reference", [None, REFERENCE], ids=["without", "with"])
async def test_the_client_sends_the_reference_only_when_given(reference: str | None) -> None:
    bodies: list[dict[str, object]] = []
    request_answer = {
        "tracking_code": "YCABCDEFGH", "client_reference": reference, "service_code": "meter_inspection",
        "customer_code": CUSTOMER, "status": "received", "created_at": "2025-06-01T08:00:00+00:00",
        "due_by": "2025-06-04", "history": [],
    }  # fmt: skip
    report_answer = {
        "id": "out_1", "client_reference": reference, "customer_code": CUSTOMER, "kind": "street",
        "created_at": "2025-06-01T08:00:00+00:00", "emergency_hotline": "19001006", "fire_hotline": "114",
        "emergency": False,
    }  # fmt: skip

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        answer = request_answer if request.url.path == "/v1/requests" else report_answer
        return httpx.Response(201, json=answer)

    async with DemoClient("http://central.test", "token", transport=httpx.MockTransport(handler)) as client:
        request = await client.submit_request(
            "meter_inspection", CUSTOMER, {}, "otp_1", "123456", "key-req-0001", client_reference=reference
        )
        report = await client.report_outage(
            CUSTOMER, "street", "", "key-out-0001", client_reference=reference
        )
    assert request.client_reference == report.client_reference == reference
    for body in bodies:
        assert body.get("client_reference", "absent") == (reference or "absent")
