"""An httpx transport that breaks requests on purpose, in front of a real one to the reference central.

Each request is shown to ``plan(request)``, which names the fault for it (or None). The faults are those of a
kiosk's network in a mountain district: a request that never leaves, an answer lost after the central
committed, a proxy's 5xx before or after the central saw it, timeouts both ways, slow answers, a request sent
twice, garbage instead of JSON.

:class:`FaultPlan` is a ready plan for the payment steps (create, status poll, cancel): faults queued for the
next requests of a step, or drawn at random from a seeded generator, counted by kind. The outside world the
demo central simulates (the bank, the counter, the clock: ``/v1/sim/*``) and the lookups before a payment are
never broken by it: the faults are the kiosk's network, not the bank's.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum

import httpx

__all__ = [
    "ALL_FAULTS",
    "COMMITTED",
    "EXTENDED_FAULTS",
    "NOT_SEEN",
    "Fault",
    "FaultPlan",
    "FaultyTransport",
    "Plan",
    "Step",
    "step_of",
]


class Fault(StrEnum):
    LOSE_REQUEST = "lose_request"  # never reaches the central
    LOSE_RESPONSE = "lose_response"  # the central committed; the answer is lost
    ERROR_BEFORE = "error_before"  # a proxy answers 503; the central never saw it
    ERROR_AFTER = "error_after"  # the central committed; a proxy answers 502
    TIMEOUT_BEFORE = "timeout_before"  # no answer, the central never saw it
    TIMEOUT_AFTER = "timeout_after"  # the central committed; no answer in time
    SLOW = "slow"  # the answer comes, late
    DUPLICATE = "duplicate"  # the request reaches the central twice; the second answer comes back
    GARBAGE = "garbage"  # the central committed; what comes back is not JSON
    # Beyond the nine the first audit named (in EXTENDED_FAULTS):
    TOO_SLOW = "too_slow"  # the central committed; its answer comes after the client's read timeout
    DUPLICATE_CONCURRENT = "duplicate_concurrent"  # two copies reach the central at the same moment
    # Beyond the agreed vocabulary (not in ALL_FAULTS): a proxy or captive portal in between answers 404 with
    # its own page after the central committed.
    PROXY_404_AFTER = "proxy_404_after"


Plan = Callable[[httpx.Request], Fault | None]

# The vocabulary the fault tests run through.
ALL_FAULTS: tuple[Fault, ...] = (
    Fault.LOSE_REQUEST,
    Fault.LOSE_RESPONSE,
    Fault.ERROR_BEFORE,
    Fault.ERROR_AFTER,
    Fault.TIMEOUT_BEFORE,
    Fault.TIMEOUT_AFTER,
    Fault.SLOW,
    Fault.DUPLICATE,
    Fault.GARBAGE,
)

# The nine, plus the two the second audit found missing: a slow answer that really outlasts the client's
# timeout (``SLOW`` stays inside it) and a duplicate whose two copies race on the central (``DUPLICATE`` sends
# them one after the other). ``TOO_SLOW`` waits as long as the request's own read timeout, so the runners
# that draw from this set use clients with a short one.
EXTENDED_FAULTS: tuple[Fault, ...] = (*ALL_FAULTS, Fault.TOO_SLOW, Fault.DUPLICATE_CONCURRENT)

# The faults after which the central has done what was asked.
COMMITTED = frozenset(
    {
        Fault.LOSE_RESPONSE,
        Fault.ERROR_AFTER,
        Fault.TIMEOUT_AFTER,
        Fault.DUPLICATE,
        Fault.GARBAGE,
        Fault.PROXY_404_AFTER,
        Fault.TOO_SLOW,
        Fault.DUPLICATE_CONCURRENT,
    }
)
# The faults after which the central has not seen the request at all.
NOT_SEEN = frozenset({Fault.LOSE_REQUEST, Fault.ERROR_BEFORE, Fault.TIMEOUT_BEFORE})


class FaultyTransport(httpx.AsyncBaseTransport):
    def __init__(
        self, plan: Plan, *, slow_seconds: float = 0.01, inner: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.plan = plan
        self.slow_seconds = slow_seconds
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.log: list[tuple[str, str, Fault | None]] = []
        self._late_answers: set[asyncio.Future[None]] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.plan(request)
        self.log.append((request.method, request.url.path, fault))
        if fault is Fault.LOSE_REQUEST:
            raise httpx.ConnectError("injected: request lost", request=request)
        if fault is Fault.TIMEOUT_BEFORE:
            raise httpx.ConnectTimeout("injected: no answer", request=request)
        if fault is Fault.ERROR_BEFORE:
            return httpx.Response(503, text="Service Unavailable", request=request)
        body = await request.aread()
        if fault is Fault.TOO_SLOW:
            return await self._too_slow(request, body)
        if fault is Fault.DUPLICATE_CONCURRENT:
            return await self._concurrent(request, body)
        response = await self._send(request, body)
        if fault is Fault.DUPLICATE:
            await response.aclose()
            response = await self._send(request, body)
        if fault is Fault.SLOW:
            await asyncio.sleep(self.slow_seconds)
        if fault in (
            Fault.LOSE_RESPONSE,
            Fault.TIMEOUT_AFTER,
            Fault.ERROR_AFTER,
            Fault.GARBAGE,
            Fault.PROXY_404_AFTER,
        ):
            await response.aread()
            await response.aclose()
        if fault is Fault.LOSE_RESPONSE:
            raise httpx.ReadError("injected: answer lost", request=request)
        if fault is Fault.TIMEOUT_AFTER:
            raise httpx.ReadTimeout("injected: answer too late", request=request)
        if fault is Fault.ERROR_AFTER:
            return httpx.Response(502, text="Bad Gateway", request=request)
        if fault is Fault.GARBAGE:
            return httpx.Response(
                200, text="<html>oops</html>", headers={"content-type": "text/html"}, request=request
            )
        if fault is Fault.PROXY_404_AFTER:
            return httpx.Response(
                404, text="<html>Not Found</html>", headers={"content-type": "text/html"}, request=request
            )
        return response

    async def _too_slow(self, request: httpx.Request, body: bytes) -> httpx.Response:
        """The central gets the request and answers, but later than the client waits for an answer: the
        wait is cut at the request's own read timeout, as the socket read would be, and the answer is
        dropped when it comes."""
        read_timeout = request.extensions.get("timeout", {}).get("read")
        limit = 5.0 if read_timeout is None else float(read_timeout)
        answer = asyncio.ensure_future(self._late(request, body, limit))
        try:
            await asyncio.wait_for(asyncio.shield(answer), limit)
        except TimeoutError:
            self._late_answers.add(answer)
            answer.add_done_callback(self._late_answers.discard)
            raise httpx.ReadTimeout("injected: the answer came after the timeout", request=request) from None
        raise AssertionError("a too-slow answer came in time")  # pragma: no cover - _late outlasts limit

    async def _late(self, request: httpx.Request, body: bytes, limit: float) -> None:
        response = await self._send(request, body)
        await response.aread()
        await response.aclose()
        await asyncio.sleep(limit)  # whatever the central took, the answer leaves after the deadline

    async def _concurrent(self, request: httpx.Request, body: bytes) -> httpx.Response:
        """Two copies at once (a retrying proxy, a double tap on a flaky link): the central sees them race;
        the client gets whichever answer it would have read last."""
        first, second = await asyncio.gather(self._send(request, body), self._send(request, body))
        await first.aread()
        await first.aclose()
        return second

    async def _send(self, request: httpx.Request, body: bytes) -> httpx.Response:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=body)
        return await self.inner.handle_async_request(copy)

    async def aclose(self) -> None:
        for answer in list(self._late_answers):
            answer.cancel()
        await self.inner.aclose()


class Step(StrEnum):
    """The requests of a payment that a fault can hit."""

    CREATE = "create"  # POST /v1/payments
    POLL = "poll"  # GET /v1/payments/{id}
    CANCEL = "cancel"  # POST /v1/payments/{id}/cancel


_PAYMENT_PATH = re.compile(r"/v1/payments(?:/(?P<id>[^/]+)(?P<cancel>/cancel)?)?")


def step_of(request: httpx.Request) -> Step | None:
    """The payment step ``request`` is, or None for anything else (lookups, the demo's simulation calls)."""
    match = _PAYMENT_PATH.fullmatch(request.url.path)
    if match is None:
        return None
    if match["id"] is None:
        return Step.CREATE if request.method == "POST" else None
    if match["cancel"] is not None:
        return Step.CANCEL if request.method == "POST" else None
    return Step.POLL if request.method == "GET" else None


class FaultPlan:
    """Which payment requests break, and how: queued faults first, then (if switched on) random ones.

    ``queue(step, fault, times)`` breaks the next ``times`` requests of ``step``. With ``probability`` above
    0, every other payment request breaks with that probability, its fault drawn uniformly from ``faults``
    by ``rng`` (seeded by the caller, so a run can be replayed). ``off()`` stops all breaking, for the
    reconcile that is judged afterwards. ``injected`` counts what was injected, by kind; ``by_step`` by step
    and kind.
    """

    def __init__(
        self,
        rng: random.Random | None = None,
        *,
        probability: float = 0.0,
        faults: Sequence[Fault] = ALL_FAULTS,
    ) -> None:
        self.rng = rng or random.Random(0)
        self.probability = probability
        self.faults = tuple(faults)
        self.enabled = True
        self._queued: dict[Step, list[Fault]] = {step: [] for step in Step}
        self.injected: Counter[Fault] = Counter()
        self.by_step: Counter[tuple[Step, Fault]] = Counter()

    def queue(self, step: Step, fault: Fault, times: int = 1) -> None:
        self._queued[step].extend([fault] * times)

    def queue_each(self, step: Step, faults: Iterable[Fault]) -> None:
        self._queued[step].extend(faults)

    def queued(self, step: Step) -> int:
        return len(self._queued[step])

    def clear(self) -> None:
        for faults in self._queued.values():
            faults.clear()

    def off(self) -> None:
        """No more faults: queued ones are dropped and random ones stop."""
        self.clear()
        self.enabled = False

    def on(self) -> None:
        self.enabled = True

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """No faults for the duration (queued ones stay queued)."""
        enabled, self.enabled = self.enabled, False
        try:
            yield
        finally:
            self.enabled = enabled

    def __call__(self, request: httpx.Request) -> Fault | None:
        step = step_of(request)
        if step is None or not self.enabled:
            return None
        fault: Fault | None = None
        if self._queued[step]:
            fault = self._queued[step].pop(0)
        elif self.probability > 0 and self.rng.random() < self.probability:
            fault = self.rng.choice(self.faults)
        if fault is not None:
            self.injected[fault] += 1
            self.by_step[step, fault] += 1
        return fault
