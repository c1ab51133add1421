"""A kiosk's request side in a process of its own, for :mod:`tests.faults.test_outbox_kill_restart` to
``kill -9``.

It runs the real :class:`Outbox` and :class:`Courier` against a central URL, with the outbox file in a
directory the test gives it::

    python -m tests.faults.outbox_kiosk_process --central URL --token TOKEN --dir DIR [--die-at POINT] \\
        submit --submission FILE
    python -m tests.faults.outbox_kiosk_process --central URL --token TOKEN --dir DIR [--die-at POINT] resume

``submit`` is a customer at the screen: the submission (a JSON file with ``kind``, ``payload`` and ``summary``,
as the screen hands them over) is added to the outbox and delivered at once. ``resume`` is the kiosk starting
again: the courier's background loop runs until nothing is queued.

Progress is printed on stdout, one line each (``ADDED <reference>``, ``QUEUED <n>``, ``STATE <state>
<tracking code>``, ``DONE``). With ``--die-at POINT`` the process prints ``AT POINT`` when it gets there and
then stops dead, so that the test can kill it at exactly that point:

``added``         the submission is committed to the outbox; nothing was sent
``before_send``   the courier's request is about to leave the kiosk
``after_commit``  the central committed the submission; its answer has not reached the courier
``delivered``     the outbox recorded the delivery
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# httpx imports these on first use; imported here, a fork server has them loaded before it forks a kiosk.
import anyio._backends._asyncio  # noqa: F401
import httpcore  # noqa: F401
import httpx

from kiosk.demo.simulator import DemoClient
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import OutboxKind
from tests.faults.child import Say, Stop, to_stdout
from tests.faults.harness import no_wait
from tests.faults.outbox_harness import is_submission, wait_until

POINTS = ("added", "before_send", "after_commit", "delivered")


class WatchedTransport(httpx.AsyncBaseTransport):
    """The real transport, with the stop points around the submissions."""

    def __init__(self, stop: Stop) -> None:
        self.stop = stop
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if is_submission(request):
            self.stop("before_send")
        response = await self.inner.handle_async_request(request)
        if is_submission(request):
            await response.aread()
            self.stop("after_commit")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def submit(outbox: Outbox, courier: Courier, stop: Stop, given: dict[str, Any]) -> int:
    item = outbox.add(OutboxKind(given["kind"]), given["payload"], given["summary"])
    stop.say(f"ADDED {item.reference}")
    stop("added")
    item = await courier.deliver(item.id)
    stop("delivered")
    stop.say(f"STATE {item.state} {item.tracking_code}")
    return 0


async def resume(outbox: Outbox, courier: Courier, stop: Stop) -> int:
    stop.say(f"QUEUED {outbox.depth()}")
    halt = asyncio.Event()
    loop = asyncio.ensure_future(courier.run(halt))
    await wait_until(lambda: outbox.depth() == 0, seconds=20, what="the outbox drained")
    for item in outbox.all():
        stop.say(f"STATE {item.state} {item.tracking_code}")
    halt.set()
    await loop
    return 0


async def main_async(args: argparse.Namespace, say: Say) -> int:
    stop = Stop(args.die_at, say)
    outbox = Outbox(Path(args.dir) / OUTBOX_FILE_NAME)
    try:
        async with DemoClient(
            args.central, args.token, timeout=5.0, retries=2, transport=WatchedTransport(stop), sleep=no_wait
        ) as client:
            # Retries come quickly here: the central is up; what is tested is the restart.
            courier = Courier(client, outbox, backoff=lambda _: 0.05)
            if args.mode == "submit":
                code = await submit(outbox, courier, stop, args.given)
            else:
                code = await resume(outbox, courier, stop)
    finally:
        outbox.close()
    say("DONE")
    return code


def main(argv: Sequence[str] | None = None, say: Say = to_stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.outbox_kiosk_process", description=__doc__)
    parser.add_argument("--central", required=True, help="the central's URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--dir", required=True, help="where the outbox file is kept")
    parser.add_argument("--die-at", choices=POINTS, help="stop dead there, for the test to kill")
    modes = parser.add_subparsers(dest="mode", required=True)
    submitting = modes.add_parser("submit", help="a customer submits at the screen")
    submitting.add_argument("--submission", required=True, help="a JSON file: kind, payload, summary")
    modes.add_parser("resume", help="the kiosk starts again and sends what is queued")
    args = parser.parse_args(argv)
    if args.mode == "submit":
        args.given = json.loads(Path(args.submission).read_text(encoding="utf-8"))
    return asyncio.run(main_async(args, say))


def run_forked(argv: Sequence[str], lines: Connection) -> None:
    """The entry point of a child made by a ``multiprocessing`` fork server (the test's fast way to start
    many of these): as ``python -m``, with its progress lines sent on ``lines`` instead of stdout."""
    sys.exit(main(argv, lines.send))


if __name__ == "__main__":
    sys.exit(main())
