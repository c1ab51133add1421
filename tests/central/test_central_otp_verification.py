"""Verifying a one-time code when the customer types it, so that the request it confirms can reach the
central days later from a kiosk's offline outbox (``VERIFIED_OTP_TTL``, 7 days)."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from kiosk.central.client import CentralClient
from kiosk.central.errors import InvalidInput, NotFound, RateLimited
from kiosk.central.models import Otp
from kiosk.demo.simulator import DemoClient
from kiosk_central.service_requests import OTP_TTL, VERIFIED_OTP_TTL
from tests.central.service_forms import valid_fields

CUSTOMER = "PE01000123456"
PAST_EXPIRY = int(OTP_TTL.total_seconds()) + 1
DAY = 24 * 3600


async def _sent(client: CentralClient) -> tuple[Otp, str]:
    otp = await client.send_otp("service_request", customer_code=CUSTOMER)
    return otp, (await client.sim_otp(otp.id)).code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def _submit(client: CentralClient, otp: Otp, code: str, key: str) -> str:
    fields = await valid_fields(client, "meter_inspection")
    request = await client.submit_request("meter_inspection", CUSTOMER, fields, otp.id, code, key)
    return request.tracking_code


def test_a_verified_code_is_good_for_seven_days() -> None:
    assert VERIFIED_OTP_TTL.total_seconds() == 7 * DAY


@pytest.mark.asyncio
async def test_the_right_code_is_verified_for_seven_days(client: CentralClient) -> None:
    otp, code = await _sent(client)
    verification = await client.verify_otp(otp.id, code)
    assert verification.otp_id == otp.id
    assert verification.verified_at < otp.expires_at
    assert verification.valid_until - verification.verified_at == timedelta(days=7)


@pytest.mark.asyncio
async def test_verifying_does_not_use_the_code_up(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.verify_otp(otp.id, code)
    assert (await _submit(client, otp, code, "key-verify-use-1")).startswith("YC")


@pytest.mark.asyncio
async def test_verifying_again_answers_the_first_verification(client: CentralClient) -> None:
    otp, code = await _sent(client)
    first = await client.verify_otp(otp.id, code)
    await client.sim_advance_clock(PAST_EXPIRY)  # a retry may come after the 5 minutes
    again = await client.verify_otp(otp.id, code)
    assert again == first


@pytest.mark.asyncio
async def test_wrong_codes_use_up_attempts_then_lock(client: CentralClient) -> None:
    otp, code = await _sent(client)
    left = []
    for _ in range(otp.max_attempts - 1):
        with pytest.raises(InvalidInput) as caught:
            await client.verify_otp(otp.id, _wrong(code))
        assert caught.value.code == "otp_invalid"
        left.append(caught.value.details["attempts_left"])
    assert left == [4, 3, 2, 1]
    with pytest.raises(RateLimited) as locked:
        await client.verify_otp(otp.id, _wrong(code))
    assert locked.value.code == "otp_locked"
    with pytest.raises(RateLimited) as still:  # even the right code is refused now
        await client.verify_otp(otp.id, code)
    assert still.value.code == "otp_locked"


@pytest.mark.asyncio
async def test_wrong_codes_after_verification_still_count(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.verify_otp(otp.id, code)
    with pytest.raises(InvalidInput) as caught:
        await client.verify_otp(otp.id, _wrong(code))
    assert caught.value.details["attempts_left"] == 4
    with pytest.raises(InvalidInput) as on_submit:
        await _submit(client, otp, _wrong(code), "key-verify-wrong")
    assert on_submit.value.details["attempts_left"] == 3


@pytest.mark.asyncio
async def test_an_expired_code_cannot_be_verified(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.sim_advance_clock(PAST_EXPIRY)
    with pytest.raises(InvalidInput) as caught:
        await client.verify_otp(otp.id, code)
    assert caught.value.code == "otp_expired"


@pytest.mark.asyncio
async def test_a_used_code_cannot_be_verified(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await _submit(client, otp, code, "key-verify-used1")
    with pytest.raises(InvalidInput) as caught:
        await client.verify_otp(otp.id, code)
    assert caught.value.code == "otp_used"


@pytest.mark.asyncio
async def test_only_codes_for_service_requests_are_verified(client: CentralClient) -> None:
    otp = await client.send_otp("outage_report", customer_code=CUSTOMER)
    code = (await client.sim_otp(otp.id)).code
    with pytest.raises(InvalidInput) as wrong:
        await client.verify_otp(otp.id, code)
    assert wrong.value.code == "otp_wrong_purpose"
    # The path names the code: one never sent is not there.
    with pytest.raises(NotFound) as missing:
        await client.verify_otp("otp_0000000000000000", code)
    assert missing.value.code == "otp_not_found"


@pytest.mark.asyncio
async def test_a_code_that_is_not_six_digits_is_refused_without_spending_an_attempt(
    client: CentralClient,
) -> None:
    otp, code = await _sent(client)
    with pytest.raises(InvalidInput) as caught:
        await client.verify_otp(otp.id, "12345")
    assert caught.value.code == "invalid_request"
    with pytest.raises(InvalidInput) as wrong:
        await client.verify_otp(otp.id, _wrong(code))
    assert wrong.value.details["attempts_left"] == 4


@pytest.mark.asyncio
@pytest.mark.parametrize("verified", [True, False], ids=["verified", "not-verified"])
async def test_a_request_after_the_five_minutes_needs_a_verified_code(
    client: CentralClient, verified: bool
) -> None:
    otp, code = await _sent(client)
    if verified:
        await client.verify_otp(otp.id, code)
    await client.sim_advance_clock(PAST_EXPIRY)
    if verified:
        assert (await _submit(client, otp, code, "key-late-000001")).startswith("YC")
    else:
        with pytest.raises(InvalidInput) as caught:
            await _submit(client, otp, code, "key-late-000001")
        assert caught.value.code == "otp_expired"


@pytest.mark.asyncio
async def test_a_verified_code_still_confirms_a_request_just_before_seven_days(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.verify_otp(otp.id, code)
    await client.sim_advance_clock(7 * DAY - 60)
    assert (await _submit(client, otp, code, "key-6days-00001")).startswith("YC")


@pytest.mark.asyncio
async def test_a_verified_code_expires_after_seven_days(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.verify_otp(otp.id, code)
    await client.sim_advance_clock(7 * DAY + 1)
    with pytest.raises(InvalidInput) as caught:
        await _submit(client, otp, code, "key-8days-00001")
    assert caught.value.code == "otp_expired"
    with pytest.raises(InvalidInput) as reverify:
        await client.verify_otp(otp.id, code)
    assert reverify.value.code == "otp_expired"


@pytest.mark.asyncio
async def test_a_verified_code_confirms_only_one_request(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.verify_otp(otp.id, code)
    await client.sim_advance_clock(DAY)
    await _submit(client, otp, code, "key-once-000001")
    with pytest.raises(InvalidInput) as caught:
        await _submit(client, otp, code, "key-once-000002")
    assert caught.value.code == "otp_used"


@pytest.mark.asyncio
async def test_a_replayed_key_returns_the_request_long_after_the_code_was_used(client: CentralClient) -> None:
    otp, code = await _sent(client)
    await client.verify_otp(otp.id, code)
    await client.sim_advance_clock(2 * DAY)
    first = await _submit(client, otp, code, "key-replay-00001")
    await client.sim_advance_clock(30 * DAY)
    assert await _submit(client, otp, code, "key-replay-00001") == first


# ------------------------------------------------------------------ the client's side
VERIFICATION = {
    "otp_id": "otp_1",
    "verified_at": "2025-06-01T08:00:00+00:00",
    "valid_until": "2025-06-08T08:00:00+00:00",
}


@pytest.mark.asyncio
async def test_the_client_retries_a_verification_after_a_lost_answer() -> None:
    seen: list[httpx.Request] = []
    answers = [httpx.ReadTimeout("timed out"), httpx.Response(503), httpx.Response(200, json=VERIFICATION)]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def no_wait(_: float) -> None:
        return None

    async with DemoClient(
        "http://central.test", "token", transport=httpx.MockTransport(handler), sleep=no_wait, retries=2
    ) as client:
        verification = await client.verify_otp("otp_1", "123456")
    assert verification.valid_until - verification.verified_at == timedelta(days=7)
    assert len(seen) == 3
    assert {(r.method, r.url.path) for r in seen} == {("POST", "/v1/otp/otp_1/verify")}
    assert all(json.loads(r.content) == {"code": "123456"} for r in seen)
