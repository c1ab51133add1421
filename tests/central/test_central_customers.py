"""Accounts: masking, corporations from the prefix, malformed and unknown codes, consumption."""

from __future__ import annotations

import httpx
import pytest

from kiosk.central.client import CentralClient
from kiosk.central.errors import InvalidInput, NotFound, Unauthorized
from kiosk.demo.simulator import DemoClient
from tests.helpers.central import RunningCentral


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "corporation", "hotline"),
    [
        ("PE01000123456", "EVNHCMC", "1900545454"),
        ("PD02000234567", "EVNHANOI", "19001288"),
        ("PA12000345678", "EVNNPC", "19006769"),
        ("PB05000456789", "EVNSPC", "19001006"),
        ("PC03000567890", "EVNCPC", "19001909"),
        ("PQ01000678901", "EVNCPC", "19001909"),
        ("PC05CC0789012", "EVNCPC", "19001909"),  # unit codes with letters, as most real ones have
        ("PA02DH0890123", "EVNNPC", "19006769"),
    ],
)
async def test_the_corporation_comes_from_the_prefix(
    client: CentralClient, code: str, corporation: str, hotline: str
) -> None:
    customer = await client.customer(code)
    assert customer.corporation.code == corporation
    assert customer.corporation.hotline == hotline
    assert customer.district_unit.code == code[:6]


@pytest.mark.asyncio
async def test_personal_data_is_masked(client: CentralClient) -> None:
    customer = await client.customer("PE01000123456")
    assert customer.name == "Nguyễn V** H***"
    assert customer.address.startswith("***, ")
    assert "Lê Lợi" not in customer.address
    assert customer.phone == "091*****78"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "unit", "name"),
    [
        ("PC05CC0789012", "PC05CC", "Điện lực Hội An"),
        ("PA02DH0890123", "PA02DH", "Điện lực Đoan Hùng"),
        ("PD02000234567", "PD0200", "Điện lực Hai Bà Trưng"),
    ],
)
async def test_a_unit_code_with_letters_is_a_customer_code_like_any_other(
    central: RunningCentral, code: str, unit: str, name: str
) -> None:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {central.token}"}) as raw:
        response = await raw.get(f"{central.url}/v1/customers/{code}")
        bills = await raw.get(f"{central.url}/v1/customers/{code}/bills", params={"status": "all"})
    assert response.status_code == 200
    assert response.json()["code"] == code
    district_unit = response.json()["district_unit"]
    assert (district_unit["code"], district_unit["name"]["vi"]) == (unit, name)
    assert bills.status_code == 200
    assert bills.json()["bills"]
    assert all(bill["id"].startswith(f"{code}-") for bill in bills.json()["bills"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("PC05CC0000000", 404),  # well formed, no such customer: not found, not invalid
        ("PNHL000123456", 404),
        ("PC05CC078901", 422),  # a digit short
        ("PC05CC07890123", 422),  # a digit too many
        ("PC05C@0789012", 422),
        ("PC05CC078901A", 422),  # a letter among the 7 digits
        ("pc05cc0789012", 422),  # the kiosk sends capitals
        ("PZ05CC0789012", 422),  # no such corporation
    ],
)
async def test_the_central_answers_404_or_422_for_other_codes(
    central: RunningCentral, code: str, status: int
) -> None:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {central.token}"}) as raw:
        response = await raw.get(f"{central.url}/v1/customers/{code}")
    assert response.status_code == status
    expected = "customer_not_found" if status == 404 else "invalid_customer_code"
    assert response.json()["error"]["code"] == expected


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "code",
    ["PE0100012345", "PE010001234567", "XX01000123456", "PZ01000123456", "pe01000123456", "PE0100012345A"],
)
async def test_a_malformed_code_is_invalid_input(client: CentralClient, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        await client.customer(code)
    assert caught.value.code == "invalid_customer_code"


@pytest.mark.asyncio
async def test_an_unknown_code_is_not_found(client: CentralClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.customer("PE09999999999")
    assert caught.value.code == "customer_not_found"
    with pytest.raises(NotFound):
        await client.bills("PE09999999999")


@pytest.mark.asyncio
async def test_a_wrong_token_is_unauthorized(central: RunningCentral) -> None:
    async with DemoClient(central.url, "not-the-token") as stranger:
        with pytest.raises(Unauthorized):
            await stranger.customer("PE01000123456")
    async with httpx.AsyncClient() as raw:
        response = await raw.get(f"{central.url}/v1/customers/PE01000123456")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.asyncio
async def test_monthly_consumption_covers_at_least_a_year(client: CentralClient) -> None:
    months = await client.consumption("PE01000123456", "month")
    assert len(months.points) >= 12
    bills = (await client.bills("PE01000123456", status="all")).bills
    assert [p.kwh for p in months.points] == [b.kwh for b in bills]


@pytest.mark.asyncio
async def test_daily_consumption_only_for_remote_read_meters(client: CentralClient) -> None:
    remote = await client.customer("PC03000567890")
    assert remote.meter.remote_read
    days = await client.consumption("PC03000567890", "day")
    assert len(days.points) >= 28
    assert all(p.start == p.end for p in days.points)
    with pytest.raises(InvalidInput) as caught:
        await client.consumption("PE01000123456", "day")
    assert caught.value.code == "daily_not_available"


@pytest.mark.asyncio
async def test_statuses_of_the_demo_customers(client: CentralClient) -> None:
    assert [b.status for b in (await client.bills("PE01000123456")).bills] == ["overdue", "overdue", "unpaid"]
    assert [b.status for b in (await client.bills("PA12000345678")).bills] == ["overdue"]
    paid_up = await client.bills("PB05000456789")
    assert (paid_up.bills, paid_up.total_due) == ([], 0)
    assert all(b.status == "paid" for b in (await client.bills("PB05000456789", status="all")).bills)
