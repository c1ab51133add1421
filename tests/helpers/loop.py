"""Driving the kiosk's event loop from a test: run a coroutine, wait for a condition, hold back a sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs ``coroutine`` on the kiosk's (qasync) loop, with the kiosk's own tasks alongside."""
    return asyncio.get_event_loop().run_until_complete(coroutine)


def run_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Runs the kiosk's event loop (its background tasks too: a staff call is sent by one) until ``condition``."""

    async def wait() -> None:
        async with asyncio.timeout(timeout):
            # Speakers, journals, staff calls and the central's tables signal nothing a test can await: look
            # again each turn of the loop.
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.02)

    run(wait())


class Pauses:
    """Waits between attempts (a staff call's retries, heartbeats): recorded, and over only when the test says
    so."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._go = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        await self._go.wait()
        self._go.clear()

    def release(self) -> None:
        self._go.set()
