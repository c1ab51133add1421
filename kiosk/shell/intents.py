"""Running what customers and staff ask for: each tap becomes an intent, and an intent that talks to the central
runs as a task on the event loop, so the screen keeps moving (progress, Back) while it waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from kiosk.flows.session import CustomerSession

__all__ = ["Intents"]

Start = Callable[[], Coroutine[Any, Any, None]]


class Intents:
    """A customer's actions begin their session (so that idle warnings and wipes apply) and note the activity
    the heartbeat reports; staff actions do neither. An action that fails unexpectedly is a bug: the loop's
    exception handler logs it and shows "please ask staff" (:mod:`kiosk.shell.faults`)."""

    def __init__(self, session: CustomerSession) -> None:
        self._session = session
        self._tasks: set[asyncio.Task[None]] = set()
        self.last_activity_at: datetime | None = None

    def act(self, action: Callable[[], None]) -> Callable[[], None]:
        """``action`` as a customer's action, ready to connect to a signal."""

        def run() -> None:
            self.activity()
            action()

        return run

    def run(self, start: Start) -> None:
        """A customer's action that talks to the central, started now and run on the loop."""
        self.activity()
        self._start(start)

    def staff(self, start: Start) -> None:
        """A staff action: on the loop like a customer's, but it starts no customer session."""
        self._start(start)

    def activity(self) -> None:
        now = datetime.now(UTC)
        self._session.begin(now)
        self.last_activity_at = now

    async def settle(self) -> None:
        """Waits until every action started so far has finished (tests, and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel(self) -> None:
        """Cancels the actions still running and waits for them to end (a shutdown out of time)."""
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _start(self, start: Start) -> None:
        task = asyncio.ensure_future(start())
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            task.get_loop().call_exception_handler(
                {"message": "a customer action failed", "exception": error, "task": task}
            )
