"""The kiosk's side of a customer's "Call staff": the call must reach the office through a flaky network.

:meth:`StaffCalls.call` makes the call at once (an id, the screen, the language, the time) and sends it in
the background until the central acknowledges it: 2 s, then doubling up to 60 s between attempts, for at most
15 minutes. Every attempt sends the same call with the same ``call_id``, and the central keeps one call per
id, so a lost answer never makes a second call. While a call is open, pressing the button again does not
make another one (if the 15 minutes ran out, it sends the same call again).

When staff arrive (they open staff mode on the kiosk), :meth:`StaffCalls.answered` closes the call here at
once and tells the central in the background, retried the same way. The answer is sent only after the call
itself was acknowledged, so it can never overtake the call and find nothing to close.

No jitter in the backoff, unlike the outbox courier's: calls are rare and one kiosk's own, so kiosks do not
come back in step. Nothing personal is sent or logged: a screen's name from the code, a language, ids.

Qt-free.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.central.client import CentralClient
from kiosk.central.errors import UNKNOWN, CentralError, Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from kiosk.central.models import StaffCall, StaffCallLanguage

__all__ = ["BACKOFF_CAP", "BACKOFF_FIRST", "GIVE_UP_AFTER", "StaffCalls"]

log = logging.getLogger(__name__)

BACKOFF_FIRST = 2.0
BACKOFF_CAP = 60.0
GIVE_UP_AFTER = timedelta(minutes=15)
"""Past this, a customer who called has long since been helped, gone, or called staff by other means; the
heartbeat still reports the open call meanwhile (``staff_call_open``)."""


# Error codes in the contract's shape that still say nothing about the call: the route is missing or refused.
_NOT_ABOUT_THE_CALL = frozenset({UNKNOWN, "not_found", "method_not_allowed", "http_error"})


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Call:
    call: StaffCall
    sending: bool = False
    delivered: bool = False
    answered_at: datetime | None = None


class StaffCalls:
    """At most one open call per kiosk, delivered to the central despite a network that comes and goes.

    ``clock`` is aware UTC; ``sleep`` does the waiting between attempts (tests pass one that moves their
    clock instead). :meth:`call` and :meth:`answered` must be called on the event loop's thread.
    """

    def __init__(
        self,
        client: CentralClient,
        kiosk_id: str,
        *,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._kiosk_id = kiosk_id
        self._clock = clock
        self._sleep = sleep
        self._open: _Call | None = None
        self._tasks: set[asyncio.Future[None]] = set()

    @property
    def open_since(self) -> datetime | None:
        """When the open call was made, or None when no call is open."""
        return None if self._open is None else self._open.call.called_at

    @property
    def delivered(self) -> bool:
        """Whether the central acknowledged the open call (False when none is open)."""
        return self._open is not None and self._open.delivered

    def call(self, screen: str, language: StaffCallLanguage) -> str:
        """Call staff for the customer at ``screen`` (a screen's name from the code, e.g. ``pay_by_qr``);
        the call's id. While a call is open, the open call's id, and no new call is made; if its delivery
        was given up, the same call is sent again for another 15 minutes (the customer is still there)."""
        if self._open is not None:
            record = self._open
            if not record.delivered and not record.sending:
                log.info("staff call %s: pressed again, sending it again", record.call.call_id)
                self._start(self._deliver_call(record, since=self._clock()))
            return record.call.call_id
        now = self._clock()
        from kiosk.central.models import StaffCall  # with the first call for staff

        record = _Call(StaffCall(call_id=uuid.uuid4().hex, screen=screen, language=language, called_at=now))
        self._open = record
        log.info("staff call %s made on screen %s", record.call.call_id, screen)
        self._start(self._deliver_call(record, since=now))
        return record.call.call_id

    def answered(self) -> None:
        """Staff arrived: the open call is closed here at once, and the central told in the background."""
        record, self._open = self._open, None
        if record is None:
            return
        record.answered_at = self._clock()
        log.info("staff call %s answered", record.call.call_id)
        if record.delivered:
            self._start(self._deliver_answer(record))
        # Otherwise the call's own delivery sends the answer as soon as the call is acknowledged.

    async def stop(self) -> None:
        """Cancel the deliveries still going (at shutdown, and in tests)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------------ delivery
    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Future[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            # Nobody awaits these tasks: a kiosk bug in one must still be seen. The stack without the message.
            log.error(
                "staff calls: delivery failed on a kiosk bug (%s)\n%s",
                type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)),
            )  # fmt: skip

    async def _deliver_call(self, record: _Call, *, since: datetime) -> None:
        call = record.call
        record.sending = True
        try:
            sent = await self._until_acknowledged(
                f"staff call {call.call_id}",
                lambda: self._client.call_staff(self._kiosk_id, call),
                since=since,
            )
        finally:
            record.sending = False
        if not sent:
            return
        record.delivered = True
        if record.answered_at is not None:
            await self._deliver_answer(record)

    async def _deliver_answer(self, record: _Call) -> None:
        assert record.answered_at is not None
        call_id = record.call.call_id
        await self._until_acknowledged(
            f"answer to staff call {call_id}",
            lambda: self._client.staff_call_answered(self._kiosk_id, call_id),
            since=record.answered_at,
        )

    async def _until_acknowledged(
        self, what: str, send: Callable[[], Awaitable[object]], *, since: datetime
    ) -> bool:
        """Send until the central acknowledges (True), refuses for good, or GIVE_UP_AFTER has passed since
        ``since`` (False). The first failure and the outcome are logged, not every attempt."""
        failures = 0
        while True:
            try:
                await send()
            except CentralError as exc:
                if _is_refusal(exc):
                    # An answer, not a crash: the code says it all, a stack would say nothing more.
                    log.error("%s refused by the central (%s): not sent again", what, exc.code)  # noqa: TRY400
                    return False
                failure = exc
            else:
                if failures:
                    log.info("%s delivered after %d failed attempts", what, failures)
                return True
            failures += 1
            if failures == 1:
                log.warning("%s not delivered yet (%s); retrying", what, failure.code)
            remaining = (GIVE_UP_AFTER - (self._clock() - since)).total_seconds()
            if remaining <= 0:
                log.error("%s not delivered: gave up after %d attempts (%s)", what, failures, failure.code)
                return False
            await self._sleep(min(BACKOFF_CAP, BACKOFF_FIRST * 2.0 ** min(failures - 1, 16), remaining))


def _is_refusal(exc: CentralError) -> bool:
    """Whether ``exc`` is the central's final word on this call or answer, which sending again cannot change
    (a malformed call, an id reused, an answer to a call it never had). A 404 for the route itself (an older
    central) or a page without the contract's error body (a proxy, a captive portal) is not: the outcome is
    unknown, and the call is sent again."""
    if exc.code in _NOT_ABOUT_THE_CALL:
        return False
    return isinstance(exc, InvalidInput | Conflict | NotFound)
