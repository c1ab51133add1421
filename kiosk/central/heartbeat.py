"""The kiosk's heartbeat: its status, sent to the central every minute, so that the office sees each kiosk
on the fleet page, and sees it go quiet.

A beat that does not get through is not retried (the next one replaces it) and is not an error the
customer should ever see: it is logged once when the central stops answering and once when it answers
again, not every minute of an outage. What is sent holds no personal data (counts, a printer status, a
time, two flags), and only an error's code and HTTP status are logged, never its message: a central's
message may quote a customer.

Qt-free: the app runs :meth:`HeartbeatSender.run` as a task on its loop.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import kiosk
from kiosk.central.client import CentralClient
from kiosk.central.errors import CentralError, Unauthorized

__all__ = ["HeartbeatSender", "KioskStatus"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KioskStatus:
    """What the app knows about itself at beat time."""

    printer_status: str
    pending_payments: int
    outbox_depth: int
    last_activity_at: datetime | None  # aware; the last time a customer touched the screen
    staff_call_open: bool
    assisted_mode: bool


def _utc_now() -> datetime:
    return datetime.now(UTC)


class HeartbeatSender:
    """Sends this kiosk's status to the central every ``every_seconds``.

    ``status`` is asked afresh for every beat. ``on_back`` is called when a beat gets through after one or
    more that did not (the app wakes its outbox courier then). ``sleep`` and ``clock`` (aware UTC) are
    injected so that tests neither wait nor depend on the time of day.
    """

    def __init__(
        self,
        client: CentralClient,
        kiosk_id: str,
        status: Callable[[], Awaitable[KioskStatus]],
        *,
        version: str = kiosk.__version__,
        every_seconds: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], datetime] = _utc_now,
        on_back: Callable[[], None] | None = None,
    ) -> None:
        if every_seconds <= 0:
            raise ValueError("every_seconds must be positive")
        self._client = client
        self._kiosk_id = kiosk_id
        self._status = status
        self._version = version
        self._every = every_seconds
        self._sleep = sleep
        self._clock = clock
        self._on_back = on_back
        self._last_ack_at: datetime | None = None
        self._last_failure: CentralError | None = None
        self._missed = 0

    @property
    def last_ack_at(self) -> datetime | None:
        """When the central last acknowledged a beat (this kiosk's clock), for the staff screen."""
        return self._last_ack_at

    @property
    def last_failure(self) -> CentralError | None:
        """Why the last beat did not get through, or None if it did (or none was sent yet): an
        :class:`~kiosk.central.errors.Unauthorized` means staff must fix the kiosk's token."""
        return self._last_failure

    async def beat(self) -> bool:
        """Send one beat now. True when the central acknowledged it; a failure of the central is never
        raised. A bug of the kiosk (``status`` failing) is."""
        status = await self._status()
        from kiosk.central.models import Heartbeat  # with the first beat, after the first paint

        heartbeat = Heartbeat(
            version=self._version,
            printer_status=status.printer_status,
            pending_payments=status.pending_payments,
            outbox_depth=status.outbox_depth,
            last_activity_at=status.last_activity_at,
            staff_call_open=status.staff_call_open,
            assisted_mode=status.assisted_mode,
        )
        try:
            await self._client.heartbeat(self._kiosk_id, heartbeat)
        except CentralError as exc:
            self._failed(exc)
            return False
        self._last_ack_at = self._clock()
        self._last_failure = None
        if self._missed:
            log.info("heartbeat: the central answers again, after %d missed beats", self._missed)
            self._missed = 0
            if self._on_back is not None:
                self._on_back()
        return True

    def _failed(self, exc: CentralError) -> None:
        self._last_failure = exc
        self._missed += 1
        if self._missed > 1:
            return  # the outage was logged at its first beat
        where = f"HTTP {exc.status}" if exc.status is not None else "no answer"
        if isinstance(exc, Unauthorized):
            log.error("heartbeat: the central refuses this kiosk's token (%s); staff must fix it", exc.code)
        else:
            log.warning(
                "heartbeat: the central did not take it (%s, %s); trying every %g s, logged again once it"
                " answers",
                exc.code, where, self._every,
            )  # fmt: skip

    async def run(self) -> None:
        """Beat, then wait ``every_seconds``, until cancelled. A kiosk bug in one beat is logged and the
        beats go on: the office watching the fleet must not lose a kiosk to one bad status."""
        while True:
            try:
                await self.beat()
            except Exception as exc:
                # The stack without the message, as the courier does: a message may quote a value.
                log.error(  # noqa: TRY400
                    "heartbeat: a beat failed on a kiosk bug (%s)\n%s",
                    type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)),
                )  # fmt: skip
            await self._sleep(self._every)
