"""The courier: takes what the outbox holds to the central, at least once, until the central answers.

Every submission is in the outbox (:mod:`kiosk.requests.outbox`) before the courier sees it, with its
idempotency key: the central makes one request per key, so sending again after a timeout, a lost answer, a
crash or a power cut is always safe, and "at least once" on the wire is "exactly once" on the central.

- The screen calls :meth:`Courier.deliver` right after :meth:`~kiosk.requests.outbox.Outbox.add`, under a
  short deadline of its own (``asyncio.wait_for``). Delivered: the customer gets the tracking code. Still
  queued (no network, a deadline, a central that failed): "saved on this kiosk, it will be sent", with the
  kiosk's reference. Refused: the central's reason. An answer that arrives as the deadline strikes is still
  recorded, so after a deadline the screen reads the item again (``outbox.get``) before it says which.
- :meth:`Courier.run` is the background loop: it delivers whatever is due, oldest first, then sleeps until
  the next item is due or :meth:`Courier.wake` is called (a new item, the network back). Items left queued by
  an earlier run of the kiosk are simply due: starting the loop is the resume.
- A send that gets no answer, an answer that is not the contract's (a proxy's 404 page, garbage), an
  unavailable or unauthorised central, are retried later with the same key: 2 s doubling to 5 minutes, with
  jitter; a 429 waits until the central's ``retry_after`` (by the central's clock, at most an hour). The waits
  are kept on the monotonic clock, in this process: a wall clock set back days cannot put an item to sleep
  for days, and a restart sends every queued item at once (the outbox's ``next_attempt_at`` is a record for
  staff, not the schedule). A refusal of the contract (invalid fields, an
  expired, used or locked code, an unknown service or customer, a reused key or reference) is final: the
  item is ``refused``, its payload erased, and it is left for staff (:meth:`Outbox.refusals`), who call the
  customer back.

Qt-free; the outbox's blocking writes run in a thread. Nothing personal is logged: item ids, references,
kinds and error codes only.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from kiosk.central.errors import (
    UNKNOWN,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
)
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import Delivery, OutboxItem, OutboxKind

if TYPE_CHECKING:
    from kiosk.central.models import FieldValue, OutageReport, OutageReportKind, ServiceRequest

__all__ = ["BACKOFF_CAP", "BUG", "Courier", "RequestCentral", "default_backoff"]

log = logging.getLogger(__name__)

T = TypeVar("T")

BACKOFF_FIRST = 2.0
BACKOFF_CAP = 300.0
BUG = "kiosk_error"
"""The error code recorded when sending failed on a bug of the kiosk itself (logged as such)."""
# After the loop itself failed (the outbox file could not be read): wait this long before trying again.
_LOOP_PAUSE = 30.0
# The longest a central's `retry_after` is waited for: the limits it answers with are by the hour at most, and a
# time further off is a clock gone wrong, on one side or the other.
_LONGEST_CENTRAL_WAIT = 3600.0
# The refusal of a code locked by wrong guesses is final, although it comes as a 429: no wait unlocks it.
_FINAL_RATE_LIMITS = frozenset({"otp_locked"})
# Errors in the contract's shape that are still not an answer about this submission: the whole route is
# missing (a central too old, or another service at the configured URL). Refusing would erase the customer's
# request for a configuration mistake; it waits instead, and staff see the error code in the outbox.
_NOT_ABOUT_THE_SUBMISSION = frozenset({UNKNOWN, "not_found", "method_not_allowed", "http_error"})


class RequestCentral(Protocol):
    """What the courier needs from the central (:class:`kiosk.central.CentralClient` is one)."""

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
    ) -> ServiceRequest: ...

    async def report_outage(
        self,
        customer_code: str,
        kind: OutageReportKind,
        description: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> OutageReport: ...


def default_backoff(attempts: int) -> float:
    """Seconds before the next send of an item that failed ``attempts`` times (1-based): 2, 4, 8, ... up to
    5 minutes, each shortened by up to a quarter at random, so that the kiosks of a district cut off
    together do not all call the central in the same second when it comes back."""
    base = min(BACKOFF_CAP, BACKOFF_FIRST * 2.0 ** min(max(attempts, 1) - 1, 16))
    return base * random.uniform(0.75, 1.0)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Courier:
    def __init__(
        self,
        client: RequestCentral,
        outbox: Outbox,
        *,
        backoff: Callable[[int], float] = default_backoff,
        clock: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        central_now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``clock`` (aware UTC) stamps the outbox's records; ``monotonic`` times the waits; ``central_now`` is
        the central's time, which its ``retry_after`` is counted from (``clock`` without one); ``sleep`` is
        how :meth:`run` waits for the next due item (tests pass one that moves their clocks instead)."""
        self.client = client
        self.outbox = outbox
        self._backoff = backoff
        self._clock = clock
        self._monotonic = monotonic
        self._central_now = central_now if central_now is not None else clock
        self._sleep = sleep
        # When each item that failed may be sent again, on the monotonic clock; an item not here is due.
        self._due: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._woken = asyncio.Event()
        self._send_all = False  # staff asked to send now: the next pass ignores backoff

    async def _io(self, work: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(work, *args)

    async def _record(self, item: OutboxItem, work: Callable[..., OutboxItem], *args: object) -> OutboxItem:
        """Write the central's answer (or its absence) even if the caller's deadline strikes meanwhile:
        what the central said must not be lost to a cancelled screen.

        A write that fails (a disk error, a full disk, a lock) leaves the item as the file holds it: queued,
        unless the commit reached the disk before its error. Queued, the customer is told it is saved and will
        be sent, which holds (:meth:`Outbox.add` committed it), and the next round sends it again under its
        key; the central answers the same. Raising instead would end the screen on "please ask staff" with the
        request saved, and a customer who then submits again makes a second request."""
        writing = asyncio.ensure_future(asyncio.to_thread(work, *args))
        writing.add_done_callback(_report_lost_write)
        try:
            return await asyncio.shield(writing)
        except sqlite3.Error as exc:
            log.error(  # noqa: TRY400 - SQLite's one line says it all; the write's stack is the outbox's own
                "outbox item %d (%s): recording the send's outcome failed (%s: %s); read again from the outbox,"
                " it is sent again if still queued",
                item.id, item.reference, type(exc).__name__, exc,
            )  # fmt: skip
            self._due[item.id] = self._monotonic() + self._backoff(item.attempts + 1)
            try:
                return await asyncio.to_thread(self.outbox.get, item.id)
            except sqlite3.Error:
                return item  # as read before the send: queued

    def _lock(self, item_id: int) -> asyncio.Lock:
        return self._locks.setdefault(item_id, asyncio.Lock())

    def wake(self) -> None:
        """Make :meth:`run` look at the outbox now (an item was added): what is due is sent."""
        self._woken.set()

    def send_now(self) -> None:
        """Every queued item is tried at once, whatever its backoff (staff's "Send now", the network back)."""
        self._send_all = True
        self._woken.set()

    # ------------------------------------------------------------------ one item
    async def deliver(self, item_id: int) -> OutboxItem:
        """Send the item now (unless the central answered it already) and return it as it stands after:
        ``delivered``, ``refused``, or still ``queued`` for the background loop.

        Never raises for a failed send; a bug of the kiosk while sending is logged and the item retried
        later. Cancelled (the screen's deadline), the item stays queued: the background loop is woken to
        send it, with the same key, and a central that did get it only answers the same request again."""
        return await self._deliver_locked(item_id, due_at=None)

    async def _deliver_locked(self, item_id: int, due_at: float | None) -> OutboxItem:
        try:
            async with self._lock(item_id):
                item = await self._deliver(item_id, due_at)
        except asyncio.CancelledError:
            self.wake()
            raise
        if item.state is not Delivery.QUEUED:
            # Answered for good: later calls return at once, so they need no lock of their own.
            self._locks.pop(item_id, None)
            self._due.pop(item_id, None)
        return item

    async def _deliver(self, item_id: int, due_at: float | None) -> OutboxItem:
        item = await self._io(self.outbox.get, item_id)
        if item.state is not Delivery.QUEUED:
            return item
        if due_at is not None and self._due.get(item_id, due_at) > due_at:
            return item  # the screen's attempt failed while the loop waited for it: keep to the backoff
        payload = await self._io(self.outbox.payload, item_id)
        if payload is None:  # answered between the two reads: by another process on the same file
            return await self._io(self.outbox.get, item_id)
        try:
            answer = await self._send(item, payload)
        except CentralError as exc:
            return await self._failed(item, exc)
        except Exception as exc:
            # A bug (the payload does not fit the call, the client broke): the item is kept and tried again,
            # and the stack logged for whoever fixes it. Not log.exception: the exception's message may
            # quote the payload.
            log.error(  # noqa: TRY400
                "outbox item %d (%s): sending failed on a kiosk bug (%s); will retry\n%s",
                item.id, item.reference, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)),
            )  # fmt: skip
            return await self._retry_later(item, BUG, self._backoff(item.attempts + 1))
        tracking_code, reference = answer
        if reference not in (None, item.reference):
            # The central keeps one submission per key; this is its answer for the key, whatever it says.
            log.error(
                "outbox item %d (%s): the central answered with reference %s",
                item.id,
                item.reference,
                reference,
            )
        log.info("outbox item %d (%s) delivered", item.id, item.reference)
        return await self._record(item, self.outbox.delivered, item.id, tracking_code, self._clock())

    async def _send(self, item: OutboxItem, payload: Mapping[str, object]) -> tuple[str, str | None]:
        """Send the item; the central's tracking code (or report id) and the client reference it has."""
        match item.kind:
            case OutboxKind.SERVICE_REQUEST:
                request = await self.client.submit_request(
                    str(payload["service_code"]),
                    cast(str | None, payload["customer_code"]),
                    cast("Mapping[str, FieldValue]", payload["fields"]),
                    str(payload["otp_id"]),
                    str(payload["otp_code"]),
                    item.idempotency_key,
                    client_reference=item.reference,
                )
                return request.tracking_code, request.client_reference
            case OutboxKind.OUTAGE_REPORT:
                report = await self.client.report_outage(
                    str(payload["customer_code"]),
                    cast("OutageReportKind", payload["kind"]),
                    str(payload["description"]),
                    item.idempotency_key,
                    client_reference=item.reference,
                )
                return report.id, report.client_reference

    async def _failed(self, item: OutboxItem, exc: CentralError) -> OutboxItem:
        if _is_refusal(exc):
            # The central's answer under this key: it made nothing, and sending again will not change that.
            log.warning("outbox item %d (%s) refused by the central: %s", item.id, item.reference, exc.code)
            refused = await self._record(item, self.outbox.refused, item.id, exc.code)
            return replace(refused, refused_fields=refused_fields(exc))
        wait = self._backoff(item.attempts + 1)
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            asked = (exc.retry_after - self._central_now()).total_seconds()
            wait = max(wait, min(asked, _LONGEST_CENTRAL_WAIT))
        if isinstance(exc, Unauthorized):
            log.error(
                "outbox item %d: the central does not accept this kiosk's token; staff must fix it", item.id
            )
        else:
            log.info("outbox item %d (%s) not delivered (%s); will retry", item.id, item.reference, exc.code)
        return await self._retry_later(item, exc.code, wait)

    async def _retry_later(self, item: OutboxItem, error_code: str, wait: float) -> OutboxItem:
        self._due[item.id] = self._monotonic() + wait
        return await self._record(
            item, self.outbox.retry_later, item.id, error_code, self._clock() + timedelta(seconds=wait)
        )

    # ------------------------------------------------------------------ the loop
    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver whatever is due, oldest first, until ``stop`` is set (or the task is cancelled). Never
        ends on an error: it is logged, and the loop goes on."""
        stop = stop if stop is not None else asyncio.Event()
        while not stop.is_set():
            self._woken.clear()
            everything, self._send_all = self._send_all, False
            delay: float | None
            try:
                await self.deliver_due(stop, everything=everything)
                delay = await self._until_next_due()
            except Exception as exc:
                log.error(  # noqa: TRY400 - as in _deliver: the stack without the message
                    "outbox courier: %s; trying again in %g s\n%s",
                    type(exc).__name__, _LOOP_PAUSE, "".join(traceback.format_tb(exc.__traceback__)),
                )  # fmt: skip
                delay = _LOOP_PAUSE
            await self._wait(delay, stop)

    async def deliver_due(
        self, stop: asyncio.Event | None = None, *, everything: bool = False
    ) -> list[OutboxItem]:
        """One pass: every item due now (``everything``: every queued item), oldest first; what each became."""
        done: list[OutboxItem] = []
        now = self._monotonic()
        items = await self._io(self.outbox.pending)
        if not everything:
            items = [item for item in items if self._due.get(item.id, now) <= now]
        for item in items:
            if stop is not None and stop.is_set():
                break
            done.append(await self._deliver_locked(item.id, due_at=None if everything else now))
        return done

    async def _until_next_due(self) -> float | None:
        queued = {item.id for item in await self._io(self.outbox.pending)}
        for gone in self._due.keys() - queued:  # answered meanwhile (another process on the same file)
            del self._due[gone]
        if not queued:
            return None
        now = self._monotonic()
        return max(0.0, min(self._due.get(item_id, now) for item_id in queued) - now)

    async def _wait(self, delay: float | None, stop: asyncio.Event) -> None:
        waiters: list[asyncio.Future[Any]] = [
            asyncio.ensure_future(self._woken.wait()),
            asyncio.ensure_future(stop.wait()),
        ]
        if delay is not None:
            waiters.append(asyncio.ensure_future(self._sleep(delay)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


def _report_lost_write(writing: asyncio.Future[Any]) -> None:
    """A write whose caller was cancelled has nobody to raise to: say here that it failed (the item stays
    queued and is sent again, under its key)."""
    if not writing.cancelled() and (exc := writing.exception()) is not None:
        log.warning(
            "outbox: recording an answer failed (%s); the item will be sent again", type(exc).__name__
        )


def refused_fields(exc: CentralError) -> dict[str, str]:
    """The answers a refusal names (``invalid_fields``: its ``fields`` detail, field name -> problem code);
    empty when it names none, or names them in a shape this kiosk does not know."""
    fields = exc.details.get("fields")
    if not isinstance(fields, Mapping):
        return {}
    return {str(name): str(problem) for name, problem in fields.items() if isinstance(problem, str)}


def _is_refusal(exc: CentralError) -> bool:
    """Whether ``exc`` is the central's final answer that it made nothing under the key.

    An error without the contract's body (code ``unknown``: a proxy's 404 or 409 page, a captive portal) is
    not the central's answer: the outcome is unknown and the item is sent again. Neither is a 404 for the
    route itself (``not_found``)."""
    if exc.code in _NOT_ABOUT_THE_SUBMISSION:
        return False
    if isinstance(exc, RateLimited):
        return exc.code in _FINAL_RATE_LIMITS
    # Unavailable, BadResponse, Unauthorized (staff fix the token; the item waits for them) and anything
    # newer are not a refusal: the item is kept and sent again.
    return isinstance(exc, InvalidInput | NotFound | Conflict)
