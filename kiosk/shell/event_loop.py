"""The kiosk's event loop: asyncio on Qt's own loop (qasync), so that awaiting the network never blocks a tap.

Two rules come with it, both learnt the hard way:

- **Never ``processEvents()`` inside a coroutine.** It would step other tasks inside the running one, which
  asyncio refuses ("Cannot enter into task"), and their wake-up is lost for good: a task that never finishes.
  :func:`qt_caught_up` yields to Qt's loop instead.
- **No turn of Qt's loop outside the running asyncio loop.** qasync 0.28's ``run_until_complete`` takes one more
  turn of Qt's loop after the loop has stopped, with no running asyncio loop: a task woken in that turn (a
  thread's result coming back, a timer) fails with "no running event loop". :class:`KioskEventLoop` leaves what
  is pending for the next run instead, as asyncio's own loops do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import PySide6  # noqa: F401 - before qasync, so that qasync binds to PySide6 (qasync#23)
import qasync

# qasync's debug log quotes the arguments of every call it hands to a thread: a request's payload (a customer's
# name, ID number, phone) among them. Personal data is never logged, whatever level an operator chooses.
logging.getLogger("qasync").setLevel(logging.INFO)

__all__ = ["KioskEventLoop", "qt_caught_up"]

T = TypeVar("T")


class KioskEventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no type information
    def run_until_complete(self, future: Awaitable[T]) -> T:
        """Runs until ``future`` is done; unlike qasync's, without a last turn of Qt's loop once it stopped."""
        task: asyncio.Future[T] = asyncio.ensure_future(future, loop=self)

        def stop(_done: Any) -> None:
            self.stop()

        task.add_done_callback(stop)
        try:
            self.run_forever()
        finally:
            task.remove_done_callback(stop)
        if not task.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return task.result()


async def qt_caught_up(rounds: int = 3) -> None:
    """Lets Qt handle what is queued (window events, layouts, paints) by yielding to its loop: on this loop each
    turn of Qt's handles posted and window events before the timers that resume coroutines."""
    for _ in range(rounds):
        await asyncio.sleep(0)
