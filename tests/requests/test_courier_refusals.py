"""What the central says, and what the courier makes of it: a refusal of the contract is final and left for
staff; anything that is not the central's own answer (no contract body, a proxy's page, an unavailable or
unauthorised central) keeps the item to be sent again, with its key."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.central.errors import (
    UNKNOWN,
    BadResponse,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from kiosk.central.models import FieldValue, OutageReport, OutageReportKind, Service, ServiceRequest
from kiosk.demo.simulator import DemoClient
from kiosk.requests.courier import BUG, Courier
from kiosk.requests.form import FieldProblem
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import Delivery, OutboxKind, outage_report_payload, service_request_payload
from tests.faults.harness.central import FakeClock, no_wait
from tests.faults.harness.requests import RequestKiosk, outage_report, service_request
from tests.faults.invariants.reading import CentralMark, read_central_submissions
from tests.helpers.central import RunningCentral


class Answers:
    """A central that answers each submission with the next of ``answers`` (an exception is raised)."""

    def __init__(self, *answers: Exception) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def submit_request(
        self,
        service_code: str,
        customer_code: str | None,
        fields: Mapping[str, FieldValue],
        otp_id: str,
        otp_code: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> ServiceRequest:
        raise self._next()

    async def report_outage(
        self,
        customer_code: str,
        kind: OutageReportKind,
        description: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> OutageReport:
        raise self._next()

    def _next(self) -> Exception:
        self.calls += 1
        return self.answers.pop(0)


RETRY_AT = datetime(2030, 1, 1, tzinfo=UTC)
# (what the central raised, the item's state after, its last error or refusal)
CASES: dict[str, tuple[Exception, Delivery, str]] = {
    "unreachable": (Unavailable("unreachable", "down"), Delivery.QUEUED, "unreachable"),
    "timeout": (Unavailable("timeout", "slow", status=None), Delivery.QUEUED, "timeout"),
    "5xx": (Unavailable("internal", "boom", status=503), Delivery.QUEUED, "internal"),
    "garbage": (BadResponse("invalid_json", "html"), Delivery.QUEUED, "invalid_json"),
    "wrong-token": (Unauthorized("unauthorized", "token", status=401), Delivery.QUEUED, "unauthorized"),
    "proxy-404": (NotFound(UNKNOWN, "a page", status=404), Delivery.QUEUED, UNKNOWN),
    "proxy-409": (Conflict(UNKNOWN, "a page", status=409), Delivery.QUEUED, UNKNOWN),
    "proxy-400": (InvalidInput(UNKNOWN, "a page", status=400), Delivery.QUEUED, UNKNOWN),
    "route-missing": (NotFound("not_found", "no such route", status=404), Delivery.QUEUED, "not_found"),
    "rate-limited": (RateLimited("slow_down", "wait", status=429), Delivery.QUEUED, "slow_down"),
    "rate-limited-until": (
        RateLimited("slow_down", "wait", status=429, retry_after=RETRY_AT),
        Delivery.QUEUED,
        "slow_down",
    ),
    "something-new": (CentralError("brand_new", "?"), Delivery.QUEUED, "brand_new"),
    "otp-locked": (RateLimited("otp_locked", "locked", status=429), Delivery.REFUSED, "otp_locked"),
    "invalid-fields": (
        InvalidInput("invalid_fields", "fields", status=422),
        Delivery.REFUSED,
        "invalid_fields",
    ),
    "otp-expired": (InvalidInput("otp_expired", "late", status=400), Delivery.REFUSED, "otp_expired"),
    "otp-used": (InvalidInput("otp_used", "used", status=400), Delivery.REFUSED, "otp_used"),
    "customer-not-found": (
        NotFound("customer_not_found", "who", status=404),
        Delivery.REFUSED,
        "customer_not_found",
    ),
    "service-not-found": (
        NotFound("service_not_found", "what", status=404),
        Delivery.REFUSED,
        "service_not_found",
    ),
    "key-reused": (
        Conflict("idempotency_key_reused", "key", status=409),
        Delivery.REFUSED,
        "idempotency_key_reused",
    ),
    "reference-reused": (
        Conflict("client_reference_reused", "ref", status=409),
        Delivery.REFUSED,
        "client_reference_reused",
    ),
    "a-bug": (KeyError("fields"), Delivery.QUEUED, BUG),
}


@pytest.mark.asyncio
@pytest.mark.parametrize(("raised", "state", "code"), CASES.values(), ids=CASES.keys())
async def test_each_answer_is_classified(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, raised: Exception, state: Delivery, code: str
) -> None:
    clock = FakeClock(datetime(2029, 12, 31, 23, 0, tzinfo=UTC))
    outbox = Outbox(tmp_path / OUTBOX_FILE_NAME, clock=clock)
    central = Answers(raised)
    courier = Courier(
        central,
        outbox,
        backoff=lambda attempts: 2.0 * attempts,
        clock=clock,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    secret = "001190012345"
    payload = service_request_payload("meter_inspection", None, {"id_number": secret}, "otp_x", "123456")
    item = outbox.add(OutboxKind.SERVICE_REQUEST, payload, {"service_code": "meter_inspection"})
    try:
        after = await courier.deliver(item.id)
        assert central.calls == 1
        assert after.state is state
        assert after.attempts == 1
        if state is Delivery.REFUSED:
            assert (after.refusal, outbox.payload(item.id)) == (code, None)
            assert outbox.refusals() == [after]
        else:
            assert (after.last_error, after.refusal) == (code, None)
            assert outbox.payload(item.id) == payload
            told_when = raised.retry_after if isinstance(raised, RateLimited) else None
            assert after.next_attempt_at == (told_when or clock() + timedelta(seconds=2))
        # The personal payload never reaches the log, whatever happened.
        assert secret not in caplog.text
    finally:
        outbox.close()


@pytest.mark.asyncio
async def test_the_backoff_doubles_to_its_cap_with_jitter(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    outbox = Outbox(tmp_path / OUTBOX_FILE_NAME, clock=clock)
    central = Answers(*[Unavailable("unreachable", "down")] * 14)
    courier = Courier(central, outbox, clock=clock, monotonic=clock.monotonic, sleep=clock.sleep)
    item = outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "street", ""), {})
    waits = []
    try:
        for _ in range(14):
            before = clock()
            after = await courier.deliver(item.id)
            waits.append((after.next_attempt_at - before).total_seconds())
            clock.now = after.next_attempt_at
    finally:
        outbox.close()
    for attempt, wait in enumerate(waits, start=1):
        base = min(300.0, 2.0 * 2 ** (attempt - 1))
        assert 0.75 * base <= wait <= base, (attempt, wait)
    assert len(set(waits)) == len(waits)  # jittered


# ------------------------------------------------------------------ the real central's refusals
async def refused_with(kiosk: RequestKiosk, kind: OutboxKind, payload: dict[str, object]) -> str | None:
    item = kiosk.outbox.add(kind, payload, {})
    after = await kiosk.courier.deliver(item.id)
    assert after.state is Delivery.REFUSED, after
    assert kiosk.outbox.payload(item.id) is None
    return after.refusal


@pytest.mark.asyncio
async def test_the_central_refusals_are_final(
    central: RunningCentral,
    mark: CentralMark,
    client: DemoClient,
    kiosk: RequestKiosk,
    services: dict[str, Service],
) -> None:
    rng = random.Random(7)
    good = await service_request(client, services["meter_inspection"], rng)
    payload = dict(good.payload)
    bad_fields = {**payload, "fields": {"full_name": "x"}}
    item = kiosk.outbox.add(OutboxKind.SERVICE_REQUEST, bad_fields, {})
    refused = await kiosk.courier.deliver(item.id)
    assert (refused.state, refused.refusal) == (Delivery.REFUSED, "invalid_fields")
    # The real central names the answers it refused, and why, for the customer still at the screen; the file
    # keeps only the code.
    assert refused.refused_fields
    assert set(refused.refused_fields.values()) <= {p.value for p in FieldProblem}
    assert kiosk.outbox.get(item.id).refused_fields == {}
    unknown_service = {**payload, "service_code": "time_travel"}
    assert await refused_with(kiosk, OutboxKind.SERVICE_REQUEST, unknown_service) == "service_not_found"
    nobody = outage_report_payload("PE09999999999", "street", "")
    assert await refused_with(kiosk, OutboxKind.OUTAGE_REPORT, nobody) == "customer_not_found"

    # The code confirms one request: a second one with it is refused.
    first = kiosk.outbox.add(good.kind, payload, good.summary)
    assert (await kiosk.courier.deliver(first.id)).state is Delivery.DELIVERED
    assert await refused_with(kiosk, OutboxKind.SERVICE_REQUEST, payload) == "otp_used"
    assert len(kiosk.outbox.refusals()) == 4
    assert [c.idempotency_key for c in read_central_submissions(central.db_path, mark)] == [
        first.idempotency_key
    ]


@pytest.mark.asyncio
async def test_a_verified_code_confirms_a_request_for_seven_days_not_more(
    central: RunningCentral, client: DemoClient, kiosk: RequestKiosk, services: dict[str, Service]
) -> None:
    rng = random.Random(8)
    in_time = await service_request(client, services["contract_renewal"], rng)
    too_late = await service_request(client, services["contract_renewal"], rng)
    a = kiosk.outbox.add(in_time.kind, in_time.payload, in_time.summary)
    b = kiosk.outbox.add(too_late.kind, too_late.payload, too_late.summary)
    await client.sim_advance_clock(int(timedelta(days=6, hours=23).total_seconds()))
    assert (await kiosk.courier.deliver(a.id)).state is Delivery.DELIVERED
    await client.sim_advance_clock(int(timedelta(hours=2).total_seconds()))
    after = await kiosk.courier.deliver(b.id)
    assert (after.state, after.refusal) == (Delivery.REFUSED, "otp_expired")


@pytest.mark.asyncio
async def test_a_key_or_reference_the_central_holds_for_something_else_is_refused(
    client: DemoClient, kiosk: RequestKiosk, services: dict[str, Service]
) -> None:
    rng = random.Random(9)
    mine = await service_request(client, services["details_update"], rng)
    theirs = await service_request(client, services["details_update"], rng)
    same_key = kiosk.outbox.add(mine.kind, mine.payload, mine.summary)
    same_reference = kiosk.outbox.add(
        OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "street", ""), {}
    )
    # Another submission already took them on the central (a kiosk with a copy of this file, a bug...).
    p = theirs.payload
    await client.submit_request(
        str(p["service_code"]), p["customer_code"], p["fields"], str(p["otp_id"]), str(p["otp_code"]),  # type: ignore[arg-type]
        same_key.idempotency_key,
    )  # fmt: skip
    await client.report_outage(
        "PD02000234567", "danger", "", "another-key-0001", client_reference=same_reference.reference
    )
    assert (await kiosk.courier.deliver(same_key.id)).refusal == "idempotency_key_reused"
    assert (await kiosk.courier.deliver(same_reference.id)).refusal == "client_reference_reused"


@pytest.mark.asyncio
async def test_a_refused_token_keeps_the_item_until_staff_fix_it(
    central: RunningCentral, mark: CentralMark, tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / OUTBOX_FILE_NAME
    async with DemoClient(central.url, "not-the-token", retries=0, sleep=no_wait) as wrong:
        kiosk = RequestKiosk(wrong, path, clock)
        s = outage_report(random.Random(10))
        item = kiosk.outbox.add(s.kind, s.payload, s.summary)
        after = await kiosk.courier.deliver(item.id)
        await kiosk.close()
    assert (after.state, after.last_error) == (Delivery.QUEUED, "unauthorized")
    async with DemoClient(central.url, central.token, sleep=no_wait) as right:
        kiosk = RequestKiosk(right, path, clock)  # staff fixed the configuration and restarted the kiosk
        await kiosk.drain()
        assert kiosk.outbox.get(item.id).state is Delivery.DELIVERED
        await kiosk.close()
    assert len(read_central_submissions(central.db_path, mark)) == 1
