"""How the kiosk stops: one request, from wherever it comes (a signal, the demo's Ctrl+Q, the window closed in
`--windowed`, staff closing the program), and the exit status the supervisor reads from it."""

from __future__ import annotations

import asyncio
from enum import IntEnum

__all__ = ["ExitStatus", "StopRequest"]


class ExitStatus(IntEnum):
    """How `kiosk run` ends, for the supervisor (deploy/*.service) and the operator."""

    STOPPED = 0  # asked to stop: SIGTERM or SIGINT, the demo's Ctrl+Q, the window closed in --windowed
    FAILED = 1  # could not start, or a crash (a traceback in the log)
    CONFIG = 2  # the configuration is invalid; the message names the key
    CLOSED_BY_STAFF = 10  # "Close the kiosk program" in staff mode: the supervisor leaves it stopped


class StopRequest:
    def __init__(self) -> None:
        self._asked = asyncio.Event()
        self._status: ExitStatus | None = None

    def __call__(self, status: ExitStatus = ExitStatus.STOPPED) -> None:
        """Asks the kiosk to stop with ``status``; the first request decides the status."""
        if self._status is None:
            self._status = status
        self._asked.set()

    async def wait(self) -> ExitStatus:
        """Until something asked the kiosk to stop; then how it should exit."""
        await self._asked.wait()
        return self._status if self._status is not None else ExitStatus.STOPPED
