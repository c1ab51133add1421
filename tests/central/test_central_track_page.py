"""The public page a phone opens from the QR on a request slip: status and history, nothing personal."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from kiosk.central.client import CentralClient
from kiosk_central import services_catalog
from tests.central.service_forms import SAMPLES, valid_fields
from tests.helpers.central import RunningCentral

CUSTOMER = "PE01000123456"
REFERENCE = "KH7M2Q9XRA"
DEMO_REQUEST = "YCA7K3M9Q2"
# What the central knows about the demo customer and what the form carried: never on a public page.
PERSONAL = ["Nguyễn Văn Hùng", "Nguyễn V", "0912345678", "091*****78", "Lê Lợi", CUSTOMER,
            *(str(v) for v in SAMPLES.values() if isinstance(v, str))]  # fmt: skip


@pytest_asyncio.fixture
async def phone(central: RunningCentral) -> AsyncIterator[httpx.AsyncClient]:
    """A phone's browser: no kiosk token."""
    async with httpx.AsyncClient(base_url=central.url, timeout=10.0) as browser:
        yield browser


async def _submit(client: CentralClient) -> str:
    fields = await valid_fields(client, "new_connection_lv")
    otp = await client.send_otp("service_request", customer_code=CUSTOMER)
    code = (await client.sim_otp(otp.id)).code
    request = await client.submit_request(
        "new_connection_lv", CUSTOMER, fields, otp.id, code, "key-track-0001", client_reference=REFERENCE
    )
    return request.tracking_code


@pytest.mark.asyncio
async def test_the_page_shows_the_service_status_due_date_and_history(phone: httpx.AsyncClient) -> None:
    page = await phone.get(f"/track/{DEMO_REQUEST}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    title = services_catalog.service_by_code("meter_inspection").title
    for shown in (DEMO_REQUEST, title.vi, title.en, "Đang giải quyết", "In progress"):
        assert shown in page.text
    assert "Đã phân công nhân viên kiểm tra công tơ" in page.text  # the history, newest step
    assert "Đã tiếp nhận yêu cầu" in page.text  # and the first


@pytest.mark.asyncio
async def test_the_page_shows_the_due_date(client: CentralClient, phone: httpx.AsyncClient) -> None:
    tracked = await client.request_status(DEMO_REQUEST)
    page = await phone.get(f"/track/{DEMO_REQUEST}")
    assert f"{tracked.due_by:%d/%m/%Y}" in page.text


@pytest.mark.asyncio
async def test_the_page_is_found_by_the_kiosks_reference_in_any_case(
    client: CentralClient, phone: httpx.AsyncClient
) -> None:
    tracking_code = await _submit(client)
    for written in (REFERENCE, "kh7m-2q9-xra", tracking_code.lower()):
        page = await phone.get(f"/track/{written}")
        assert page.status_code == 200, written
        assert tracking_code in page.text
        assert REFERENCE in page.text
        assert "Đã tiếp nhận" in page.text
        assert "Received" in page.text


@pytest.mark.asyncio
async def test_the_page_shows_nothing_personal(client: CentralClient, phone: httpx.AsyncClient) -> None:
    tracking_code = await _submit(client)
    for reference in (tracking_code, DEMO_REQUEST):
        page = (await phone.get(f"/track/{reference}")).text
        leaked = [p for p in PERSONAL if p in page]
        assert leaked == [], reference


@pytest.mark.asyncio
async def test_an_unknown_reference_gets_a_friendly_page_in_both_languages(phone: httpx.AsyncClient) -> None:
    page = await phone.get("/track/KNOTHERE22")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy yêu cầu" in page.text
    assert "No request has this reference" in page.text
    assert "KNOTHERE22" in page.text


@pytest.mark.asyncio
async def test_the_reference_is_escaped_on_the_page(phone: httpx.AsyncClient) -> None:
    page = await phone.get("/track/<img src=x onerror=alert(1)>")
    assert page.status_code == 404
    assert "<img" not in page.text.lower()
    assert "&lt;IMGSRC=XONERROR=ALERT(1)&gt;" in page.text


@pytest.mark.asyncio
async def test_the_page_is_not_part_of_the_kiosk_contract(phone: httpx.AsyncClient) -> None:
    served = (await phone.get("/openapi.json")).json()
    assert not [path for path in served["paths"] if path.startswith("/track")]
