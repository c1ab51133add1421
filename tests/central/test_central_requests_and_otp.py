"""Service requests confirmed by a one-time code: attempts, expiry, resend, idempotency, tracking."""

from __future__ import annotations

import pytest

from kiosk.central.client import CentralClient
from kiosk.central.errors import Conflict, InvalidInput, NotFound, RateLimited
from tests.central.service_forms import valid_fields


@pytest.mark.asyncio
async def test_the_catalogue_lists_twelve_services_with_forms(client: CentralClient) -> None:
    services = (await client.services()).services
    assert [s.number for s in services] == list(range(1, 13))
    assert all(s.title.vi and s.title.en and s.fields and s.documents for s in services)


@pytest.mark.asyncio
async def test_a_request_confirmed_by_otp_gets_a_tracking_code(client: CentralClient) -> None:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code="PE01000123456")
    assert otp.phone == "091*****78"
    code = (await client.sim_otp(otp.id)).code
    request = await client.submit_request(
        "meter_inspection", "PE01000123456", fields, otp.id, code, "key-req-00001"
    )
    assert request.tracking_code.startswith("YC")
    assert request.status == "received"
    again = await client.submit_request(
        "meter_inspection", "PE01000123456", fields, otp.id, code, "key-req-00001"
    )
    assert again.tracking_code == request.tracking_code
    tracked = await client.request_status(request.tracking_code)
    assert [e.status for e in tracked.history] == ["received"]
    assert tracked.due_by > tracked.created_at.date()


@pytest.mark.asyncio
async def test_new_connections_need_no_customer_code(client: CentralClient) -> None:
    fields = await valid_fields(client, "new_connection_lv")
    otp = await client.send_otp("service_request", phone="0912000111")
    code = (await client.sim_otp(otp.id)).code
    request = await client.submit_request("new_connection_lv", None, fields, otp.id, code, "key-req-new-01")
    assert request.customer_code is None


@pytest.mark.asyncio
async def test_wrong_codes_use_up_attempts_then_lock(client: CentralClient) -> None:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code="PE01000123456")
    right = (await client.sim_otp(otp.id)).code
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    left = []
    for n in range(otp.max_attempts - 1):
        with pytest.raises(InvalidInput) as caught:
            await client.submit_request(
                "meter_inspection", "PE01000123456", fields, otp.id, wrong, f"key-w-{n:05d}"
            )
        assert caught.value.code == "otp_invalid"
        left.append(caught.value.details["attempts_left"])
    assert left == [4, 3, 2, 1]
    with pytest.raises(RateLimited) as locked:
        await client.submit_request("meter_inspection", "PE01000123456", fields, otp.id, wrong, "key-w-last1")
    assert locked.value.code == "otp_locked"
    with pytest.raises(RateLimited):  # even the right code is refused now
        await client.submit_request("meter_inspection", "PE01000123456", fields, otp.id, right, "key-w-right")


@pytest.mark.asyncio
async def test_an_expired_code_is_refused(client: CentralClient) -> None:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code="PE01000123456")
    code = (await client.sim_otp(otp.id)).code
    await client.sim_advance_clock(5 * 60 + 1)
    with pytest.raises(InvalidInput) as caught:
        await client.submit_request("meter_inspection", "PE01000123456", fields, otp.id, code, "key-exp-0001")
    assert caught.value.code == "otp_expired"


@pytest.mark.asyncio
async def test_a_code_cannot_be_resent_at_once(client: CentralClient) -> None:
    await client.send_otp("service_request", phone="0987000111")
    with pytest.raises(RateLimited) as caught:
        await client.send_otp("service_request", phone="0987000111")
    assert caught.value.code == "otp_resend_too_soon"
    await client.sim_advance_clock(61)
    await client.send_otp("service_request", phone="0987000111")


@pytest.mark.asyncio
async def test_a_used_code_cannot_confirm_another_request(client: CentralClient) -> None:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code="PE01000123456")
    code = (await client.sim_otp(otp.id)).code
    await client.submit_request("meter_inspection", "PE01000123456", fields, otp.id, code, "key-used-0001")
    with pytest.raises(InvalidInput) as caught:
        await client.submit_request(
            "meter_inspection", "PE01000123456", fields, otp.id, code, "key-used-0002"
        )
    assert caught.value.code == "otp_used"


@pytest.mark.asyncio
async def test_invalid_fields_are_named(client: CentralClient) -> None:
    fields = await valid_fields(client, "new_connection_lv")
    fields["phone"] = "12345"
    otp = await client.send_otp("service_request", phone="0912000222")
    code = (await client.sim_otp(otp.id)).code
    with pytest.raises(InvalidInput) as caught:
        await client.submit_request("new_connection_lv", None, fields, otp.id, code, "key-fields-001")
    assert caught.value.code == "invalid_fields"
    assert caught.value.details["fields"] == {"phone": "invalid_phone"}


@pytest.mark.asyncio
async def test_replaying_a_key_with_another_body_is_refused(client: CentralClient) -> None:
    fields = await valid_fields(client, "meter_inspection")
    otp = await client.send_otp("service_request", customer_code="PE01000123456")
    code = (await client.sim_otp(otp.id)).code
    await client.submit_request("meter_inspection", "PE01000123456", fields, otp.id, code, "key-body-0001")
    with pytest.raises(Conflict):
        await client.submit_request(
            "meter_inspection", "PD02000234567", fields, otp.id, code, "key-body-0001"
        )


@pytest.mark.asyncio
async def test_the_demo_request_shows_its_history(client: CentralClient) -> None:
    tracked = await client.request_status("YCA7K3M9Q2")
    assert [e.status for e in tracked.history] == ["received", "in_progress"]
    assert tracked.status == "in_progress"
    with pytest.raises(NotFound):
        await client.request_status("YCNOTHERE2")
