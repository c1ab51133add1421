"""The kiosk's work that no customer is waiting for: payments left by a crash, a power cut or a customer who walked
away are followed to their outcome; requests and reports saved on the kiosk are sent; the central hears the
kiosk's status every minute. Each runs as a task on the event loop from the start, and is stopped (and
awaited) at shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from kiosk.central.heartbeat import HeartbeatSender, KioskStatus
from kiosk.flows.session import CustomerSession
from kiosk.payments.keeper import PaymentKeeper
from kiosk.printing.service import PrintService
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import Outbox

__all__ = ["RECONCILE_SECONDS", "BackgroundWork", "StatusReport"]

log = logging.getLogger(__name__)

RECONCILE_SECONDS = 60.0


class BackgroundWork:
    def __init__(self, keeper: PaymentKeeper, courier: Courier, heartbeat: HeartbeatSender) -> None:
        self._keeper = keeper
        self._courier = courier
        self._heartbeat = heartbeat
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start_reconciling(self, every_seconds: float = RECONCILE_SECONDS) -> None:
        """Payments nobody is looking at are followed to their outcome: now, then every ``every_seconds``."""

        async def reconcile_forever() -> None:
            while True:
                try:
                    await self._keeper.reconcile()
                except Exception:  # a journal or programming fault must not stop the kiosk from serving
                    log.exception("reconciling payments failed")
                await asyncio.sleep(every_seconds)

        self._start("reconciler", reconcile_forever)

    def start_outbox(self) -> None:
        """Requests and reports saved on this kiosk are sent until the central has them (those left by a crash
        or a power cut too)."""
        self._start("courier", self._courier.run)

    def start_heartbeat(self) -> None:
        """The kiosk reports its status to the central every ``heartbeat.every_seconds``."""
        self._start("heartbeat", self._heartbeat.run)

    def stop(self) -> list[asyncio.Task[None]]:
        """Cancels every task; returns them, to be awaited."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        return tasks

    def _start(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        # Needs the running loop (qasync's in the kiosk); a second start of the same work does nothing.
        if name not in self._tasks:
            self._tasks[name] = asyncio.ensure_future(work())


class StatusReport:
    """What the heartbeat tells the central of this kiosk (nothing personal)."""

    def __init__(
        self,
        printing: PrintService | None,
        keeper: PaymentKeeper,
        outbox: Outbox,
        staff_call_open: Callable[[], bool],
        session: CustomerSession,
        last_activity: Callable[[], datetime | None],
    ) -> None:
        self._printing = printing
        self._keeper = keeper
        self._outbox = outbox
        self._staff_call_open = staff_call_open
        self._session = session
        self._last_activity = last_activity

    async def __call__(self) -> KioskStatus:
        printer = str(await self._printing.status()) if self._printing is not None else "none"
        following = await asyncio.to_thread(self._keeper.journal.to_follow, datetime.now(UTC))
        depth = await asyncio.to_thread(self._outbox.depth)
        session = self._session
        return KioskStatus(
            printer_status=printer,
            pending_payments=len(following),
            outbox_depth=depth,
            last_activity_at=self._last_activity(),
            staff_call_open=self._staff_call_open(),
            # The fleet page's "staff assisting": a customer's own assisted mode is not the office's concern.
            assisted_mode=session.assisted and session.assisted_by_staff,
        )
