"""What the outbox tests share: faults for the two submissions, a central that goes down, a send held in
flight until its task is cancelled, a clock that the courier's sleeps move, customers' submissions filled in
from the central's own catalogue, and a kiosk's request side that can restart.

The faults are those of :mod:`tests.helpers.faulty_transport` (the same :class:`FaultyTransport`, the same
:class:`Fault` vocabulary); :class:`SubmitFaults` is the plan that aims them at ``POST /v1/requests`` and
``POST /v1/outage-reports`` instead of the payment steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from kiosk.central.models import FieldValue, FormField, Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.courier import Courier, default_backoff
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import OutboxKind, outage_report_payload, service_request_payload
from tests.faults.harness.central import CUSTOMERS, FakeClock, wait_until
from tests.helpers.faulty_transport import ALL_FAULTS, Fault

__all__ = [
    "SUBMISSIONS",
    "UNKNOWN_CUSTOMER",
    "Code",
    "Hold",
    "HoldingTransport",
    "RequestKiosk",
    "Submission",
    "SubmitFaults",
    "break_a_limit",
    "confirmed_otp",
    "is_submission",
    "new_phone",
    "outage_report",
    "random_fields",
    "service_request",
    "verified_code",
]

SUBMISSIONS = {"/v1/requests": OutboxKind.SERVICE_REQUEST, "/v1/outage-reports": OutboxKind.OUTAGE_REPORT}
OUTAGE_KINDS = ("my_house", "street", "danger")
# A customer code of the right shape (a real corporation's prefix) that no account of the demo central has.
UNKNOWN_CUSTOMER = "PE01000999999"


def is_submission(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path in SUBMISSIONS


def is_simulation(request: httpx.Request) -> bool:
    """The demo central's outside world (SMS gateway, bank, clock): never broken, never down."""
    return request.url.path.startswith("/v1/sim/")


class SubmitFaults:
    """Which submissions break, and how; and whether the central is down.

    Like :class:`~tests.helpers.faulty_transport.FaultPlan`: ``queue(fault, times)`` breaks the next
    submissions; with ``probability`` above 0 every other submission breaks with that probability, the fault
    drawn from ``faults`` by the seeded ``rng``. While :meth:`is_down` (``down`` set, or ``clock()`` before
    ``down_until``) every request but the simulation's fails as a closed port does (a connection error),
    counted in ``refused_while_down``, not in ``injected``.
    """

    def __init__(
        self,
        rng: random.Random | None = None,
        *,
        probability: float = 0.0,
        faults: Sequence[Fault] = ALL_FAULTS,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.rng = rng or random.Random(0)
        self.probability = probability
        self.faults = tuple(faults)
        self.clock = clock
        self.enabled = True
        self.down = False
        self.down_until: datetime | None = None
        self._queued: list[Fault] = []
        self.injected: Counter[Fault] = Counter()
        self.refused_while_down = 0

    def queue(self, fault: Fault, times: int = 1) -> None:
        self._queued.extend([fault] * times)

    def queued(self) -> int:
        return len(self._queued)

    def clear(self) -> None:
        self._queued.clear()

    def off(self) -> None:
        """No more faults and the central up: queued ones are dropped, random ones stop."""
        self._queued.clear()
        self.enabled = False
        self.down = False
        self.down_until = None

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """No faults for the duration (the central may still be down)."""
        enabled, self.enabled = self.enabled, False
        try:
            yield
        finally:
            self.enabled = enabled

    def is_down(self) -> bool:
        if self.down:
            return True
        return self.down_until is not None and self.clock is not None and self.clock() < self.down_until

    def __call__(self, request: httpx.Request) -> Fault | None:
        if is_simulation(request):
            return None
        if self.is_down():
            self.refused_while_down += 1
            return Fault.LOSE_REQUEST  # a connection error, as from a closed port
        if not self.enabled or not is_submission(request):
            return None
        fault: Fault | None = None
        if self._queued:
            fault = self._queued.pop(0)
        elif self.probability > 0 and self.rng.random() < self.probability:
            fault = self.rng.choice(self.faults)
        if fault is not None:
            self.injected[fault] += 1
        return fault


class Hold(StrEnum):
    """Where a submission is held in flight until its task is cancelled."""

    BEFORE_SEND = "before_send"  # it has not left the kiosk
    AFTER_COMMIT = "after_commit"  # the central committed it; the answer never reaches the courier


class HoldingTransport(httpx.AsyncBaseTransport):
    """In front of another transport: :meth:`arm` holds the next submission at a point until its task is
    cancelled (the screen's deadline, a kiosk that restarts) or :meth:`release` times it out; ``held`` is set
    once it is held there. It also counts the submissions sent per idempotency key, and how often two of one
    key were in flight at once (``overlaps``: the courier's per-item lock should make that never)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold: Hold | None = None
        self.held = asyncio.Event()
        self._released = asyncio.Event()
        self.sent: Counter[str] = Counter()
        self.overlaps = 0
        self._in_flight: Counter[str] = Counter()

    def arm(self, hold: Hold) -> asyncio.Event:
        self.hold = hold
        self.held = asyncio.Event()
        self._released = asyncio.Event()
        return self.held

    def release(self) -> None:
        """A submission still held gets the timeout a real network would have given it by now."""
        self.hold = None
        self._released.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not is_submission(request):
            return await self.inner.handle_async_request(request)
        key = request.headers.get("Idempotency-Key", "")
        self.sent[key] += 1
        if self._in_flight[key]:
            self.overlaps += 1
        self._in_flight[key] += 1
        try:
            return await self._held(request)
        finally:
            self._in_flight[key] -= 1

    async def _held(self, request: httpx.Request) -> httpx.Response:
        hold, self.hold = self.hold, None
        held, released = self.held, self._released
        if hold is Hold.BEFORE_SEND:
            held.set()
            await released.wait()
            raise httpx.ConnectTimeout("held before sending, then timed out", request=request)
        try:
            response = await self.inner.handle_async_request(request)
        except Exception:
            if hold is Hold.AFTER_COMMIT and self.hold is None:
                # A fault ended this send before an answer came to hold back: the next send (the client's own
                # retry, most often) is held instead, so that the point drawn is reached more often.
                self.hold = hold
            raise
        if hold is Hold.AFTER_COMMIT:
            await response.aread()
            await response.aclose()
            held.set()
            await released.wait()
            raise httpx.ReadTimeout("held after the central committed, then timed out", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


# ---------------------------------------------------------------------------------------------- customers
_phones = itertools.count(1)


def new_phone() -> str:
    """A mobile number no other test of this process used (the central allows one code a minute per phone)."""
    return f"09{next(_phones):08d}"


@dataclass(frozen=True)
class Code:
    """A one-time code the customer typed right at the screen, and until when it confirms one request (by the
    central's clock: 7 days from its verification)."""

    otp_id: str
    code: str
    phone: str
    valid_until: datetime


async def verified_code(client: DemoClient, phone: str) -> Code:
    """A one-time code sent to ``phone``, read from the demo's SMS gateway and verified, as the customer at
    the screen does before the request is queued."""
    otp = await client.send_otp("service_request", phone=phone)
    code = (await client.sim_otp(otp.id)).code
    verification = await client.verify_otp(otp.id, code)
    return Code(otp.id, code, phone, verification.valid_until)


async def confirmed_otp(client: DemoClient, phone: str) -> tuple[str, str]:
    """:func:`verified_code`, as (otp id, code)."""
    code = await verified_code(client, phone)
    return code.otp_id, code.code


_WORDS = ("Nguyễn", "Thị", "Hương", "Xóm", "Bản", "Piềng", "Định", "Hóa", "điện", "công", "tơ", "nhà")


def _value(field: FormField, rng: random.Random, phone: str) -> FieldValue:
    match field.type:
        case "text" | "address":
            text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))
            return text[: field.max_length] if field.max_length is not None else text
        case "number" | "household_count":
            low = field.min_value if field.min_value is not None else 0
            high = field.max_value if field.max_value is not None else low + 1000
            value = rng.randint(low, high)
            return str(value) if rng.random() < 0.2 else value  # the central takes decimal strings too
        case "choice":
            return rng.choice(field.options).value
        case "date":
            return (date.today() + timedelta(days=rng.randint(1, 200))).isoformat()
        case "phone":
            return phone if field.name == "phone" else f"03{rng.randrange(10**8):08d}"
        case "id_number":
            return f"{rng.randrange(10**12):012d}"
        case "yes_no":
            return rng.random() < 0.5


def random_fields(service: Service, rng: random.Random, phone: str) -> dict[str, FieldValue]:
    """A form of ``service`` the central accepts: every required field, each optional one half the time."""
    fields = {f.name: _value(f, rng, phone) for f in service.fields if f.required or rng.random() < 0.5}
    # The ID number is the number of the document chosen: a passport's has its own shape.
    match fields.get("id_type"):
        case "passport_vn":
            fields["id_number"] = f"{rng.choice('BCP')}{rng.randrange(10**7):07d}"
        case "passport_foreign":
            fields["id_number"] = f"X{rng.randrange(10**8):08d}"
    return fields


def break_a_limit(
    service: Service, fields: Mapping[str, FieldValue], rng: random.Random
) -> dict[str, FieldValue]:
    """``fields`` with one answer the central's rules refuse (``invalid_fields``): a text longer than its field
    allows, a number beyond its range, or a choice that is not one of the options (as a form filled in under
    older rules, or by a kiosk whose catalogue is out of date, would be)."""
    breakable = [
        f
        for f in service.fields
        if (f.type in ("text", "address") and f.max_length is not None)
        or (f.type in ("number", "household_count") and f.max_value is not None)
        or f.type == "choice"
    ]
    field = rng.choice(breakable)
    broken = dict(fields)
    match field.type:
        case "text" | "address":
            assert field.max_length is not None
            broken[field.name] = "đ" * (field.max_length + 1)
        case "choice":
            broken[field.name] = "not_an_option"
        case _:
            assert field.max_value is not None
            broken[field.name] = field.max_value + 1
    return broken


@dataclass(frozen=True)
class Submission:
    """What the screen hands the outbox: the kind, the personal payload and the summary for the slip; for a
    service request, the code that confirms it."""

    kind: OutboxKind
    payload: Mapping[str, object]
    summary: Mapping[str, str]
    code: Code | None = None


async def service_request(
    client: DemoClient,
    service: Service,
    rng: random.Random,
    phone: str | None = None,
    *,
    code: Code | None = None,
    customer: str | None = None,
    invalid: bool = False,
) -> Submission:
    """A customer's request for ``service``, confirmed with a verified code sent to a phone of their own (or
    with ``code``, one already verified: used for an earlier request, the central refuses it as
    ``otp_used``). ``customer`` is the customer code to give (else a demo customer's, when the service needs
    one or half the time); ``invalid`` breaks one answer beyond the service's limits."""
    if code is None:
        code = await verified_code(client, phone or new_phone())
    if customer is None and (service.requires_customer_code or rng.random() < 0.5):
        customer = rng.choice(CUSTOMERS)
    fields = random_fields(service, rng, code.phone)
    if invalid:
        fields = break_a_limit(service, fields, rng)
    payload = service_request_payload(service.code, customer, fields, code.otp_id, code.code)
    summary = {"service_code": service.code, "language": rng.choice(("vi", "en"))}
    if customer is not None:
        summary["customer_code"] = customer
    return Submission(OutboxKind.SERVICE_REQUEST, payload, summary, code)


def outage_report(rng: random.Random, customer: str | None = None) -> Submission:
    customer = customer or rng.choice(CUSTOMERS)
    kind = rng.choice(OUTAGE_KINDS)
    description = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 12)))
    return Submission(
        OutboxKind.OUTAGE_REPORT,
        outage_report_payload(customer, kind, description),
        {"customer_code": customer, "outage_kind": kind, "language": "vi"},
    )


# ---------------------------------------------------------------------------------------------- the kiosk
class RequestKiosk:
    """A kiosk's request side: the outbox file and the courier; :meth:`restart` drops both (and any of their
    tasks) and opens new ones on the same file, as a kiosk that lost power and came back does."""

    def __init__(
        self,
        client: DemoClient,
        path: Path,
        clock: FakeClock,
        *,
        backoff: Callable[[int], float] = default_backoff,
    ) -> None:
        self.client = client
        self.path = path
        self.clock = clock
        self.backoff = backoff
        self.restarts = 0
        self.tasks: set[asyncio.Task[object]] = set()
        self.outbox, self.courier = self._open()

    def _open(self) -> tuple[Outbox, Courier]:
        outbox = Outbox(self.path, clock=self.clock)
        courier = Courier(
            self.client,
            outbox,
            backoff=self.backoff,
            clock=self.clock,
            monotonic=self.clock.monotonic,
            sleep=self.clock.sleep,
        )
        return outbox, courier

    def start(self, work: Callable[[], Coroutine[Any, Any, object]]) -> asyncio.Task[object]:
        """Run ``work()`` as a task of this kiosk: it dies with the kiosk."""
        task = asyncio.ensure_future(work())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def stop_tasks(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()

    async def restart(self) -> None:
        await self.stop_tasks()
        self.outbox.close()
        self.outbox, self.courier = self._open()
        self.restarts += 1

    async def close(self) -> None:
        await self.stop_tasks()
        self.outbox.close()

    async def drain(self, *, seconds: float = 20.0) -> None:
        """The background loop runs until nothing is queued (the central must be reachable by then)."""
        stop = asyncio.Event()
        runner = self.start(lambda: self.courier.run(stop))
        self.courier.wake()
        await wait_until(lambda: self.outbox.depth() == 0, seconds=seconds, what="the outbox drained")
        stop.set()
        self.courier.wake()
        await runner
