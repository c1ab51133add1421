"""A kiosk in a process of its own, for the kill tests (:mod:`tests.faults.test_kill_restart`,
:mod:`tests.faults.test_outbox_kill_restart`) to ``kill -9``: its payment side (the real
:class:`PaymentKeeper`, its journal, and a receipt desk that appends each printed receipt to an fsync'd file)
or its request side (the real :class:`Outbox` and :class:`Courier`), against a central URL, with its files in a
directory the test gives it::

    python -m tests.faults.harness.kiosk_process --central URL --token TOKEN --dir DIR [--die-at POINT] pay \\
        --customer CODE --bills N --then {pay,cancel,leave}
    python -m tests.faults.harness.kiosk_process ... resume
    python -m tests.faults.harness.kiosk_process ... submit --submission FILE
    python -m tests.faults.harness.kiosk_process ... resume-outbox

``pay`` is a customer at the screen: the QR is shown, then the customer's banking app sends the money
(``pay``), the customer presses Cancel (``cancel``) or goes (``leave``); a paid payment is polled until
confirmed and its receipt printed. ``resume`` is the kiosk starting again: ``reconcile(everything=True)``.
``submit`` is a customer submitting a request or report (a JSON file with ``kind``, ``payload`` and
``summary``, as the screen hands them over): added to the outbox and delivered at once. ``resume-outbox`` is
the kiosk starting again: the courier's background loop runs until nothing is queued.

Progress is printed on stdout, one line each (``QR <reference> <amount>``, ``ADDED <reference>``, ``QUEUED
<n>``, ``STATE ...``, ``DONE``). With ``--die-at POINT`` the process prints ``AT POINT`` when it gets there and
then stops dead, so that the test can kill it at exactly that point:

payments:

``key_written``   the journal holds the key; the create request is about to leave
``create_sent``   the central made the payment; its answer has not reached the keeper
``qr_shown``      the payment is pending in the journal, its QR on screen
``money_polled``  the central answered a poll with ``paid``; the journal does not know yet
``confirmed``     confirmed and numbered in the journal; the receipt not printed
``printing``      the desk is about to print the receipt
``printed``       the receipt is printed (its record fsync'd); the journal does not know yet
``cancel_sent``   the central cancelled the payment; its answer has not reached the keeper

requests:

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
from kiosk.payments.journal import PaymentJournal, PaymentState
from kiosk.payments.keeper import PaymentKeeper, order_for
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import OutboxKind
from tests.faults.harness.central import KIOSK_ID, no_wait, wait_until
from tests.faults.harness.child import Say, Stop, to_stdout
from tests.faults.harness.payments import ReceiptRoll, Screen
from tests.faults.harness.requests import is_submission
from tests.helpers.faulty_transport import Step, step_of

PAYMENT_POINTS = (
    "key_written",
    "create_sent",
    "qr_shown",
    "money_polled",
    "confirmed",
    "printing",
    "printed",
    "cancel_sent",
)
OUTBOX_POINTS = ("added", "before_send", "after_commit", "delivered")
POINTS = PAYMENT_POINTS + OUTBOX_POINTS
JOURNAL = "payment-journal.sqlite3"
RECEIPTS = "receipts.jsonl"


class WatchedTransport(httpx.AsyncBaseTransport):
    """The real transport, with the stop points around the payment requests and the submissions."""

    def __init__(self, stop: Stop) -> None:
        self.stop = stop
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        step, submission = step_of(request), is_submission(request)
        if step is Step.CREATE:
            self.stop("key_written")
        if submission:
            self.stop("before_send")
        response = await self.inner.handle_async_request(request)
        if step is Step.CREATE:
            self.stop("create_sent")
        elif step is Step.CANCEL:
            self.stop("cancel_sent")
        elif step is Step.POLL:
            body = await response.aread()
            if response.status_code == 200 and json.loads(body).get("status") == "paid":
                self.stop("money_polled")
        if submission:
            await response.aread()
            self.stop("after_commit")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


# ---------------------------------------------------------------------------------------------- payments
async def pay(
    keeper: PaymentKeeper, client: DemoClient, stop: Stop, customer: str, bills: int, then: str
) -> int:
    say = stop.say
    person = await client.customer(customer)
    unpaid = sorted((await client.bills(customer)).bills, key=lambda b: b.period_start)
    method = (await client.payment_methods()).methods[0]
    screen = Screen(keeper)
    row = await screen.show_qr(order_for(person, unpaid[:bills], method, "vi"))
    reference = None if row is None else row.reference
    if row is None or row.state is not PaymentState.PENDING or reference is None:
        say(f"STATE {None if row is None else row.state}")
        return 1
    say(f"QR {reference} {row.amount}")
    stop("qr_shown")
    if then == "cancel":
        row = await screen.press_cancel(row.id)
    elif then == "pay":
        # The customer's banking app (the demo central's simulated bank) sends the money.
        await client.sim_bank_transfer(reference, row.amount)
        row = await screen.poll(row.id, times=20)
        if row.state is PaymentState.CONFIRMED:
            stop("confirmed")
            row = await screen.print_if_confirmed(row.id)
    screen.leave(row.id)
    say(f"STATE {row.state} {row.receipt}")
    return 0


# ---------------------------------------------------------------------------------------------- requests
async def submit(outbox: Outbox, courier: Courier, stop: Stop, given: dict[str, Any]) -> int:
    item = outbox.add(OutboxKind(given["kind"]), given["payload"], given["summary"])
    stop.say(f"ADDED {item.reference}")
    stop("added")
    item = await courier.deliver(item.id)
    stop("delivered")
    stop.say(f"STATE {item.state} {item.tracking_code}")
    return 0


async def resume_outbox(outbox: Outbox, courier: Courier, stop: Stop) -> int:
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
    directory = Path(args.dir)
    async with DemoClient(
        args.central, args.token, timeout=5.0, retries=2, transport=WatchedTransport(stop), sleep=no_wait
    ) as client:
        if args.mode in ("pay", "resume"):
            code = await _payments(args, client, stop, directory)
        else:
            code = await _requests(args, client, stop, directory)
    say("DONE")
    return code


async def _payments(args: argparse.Namespace, client: DemoClient, stop: Stop, directory: Path) -> int:
    desk = ReceiptRoll(directory / RECEIPTS, hook=stop)
    journal = PaymentJournal(directory / JOURNAL, kiosk_id=KIOSK_ID)
    try:
        keeper = PaymentKeeper(client, journal, desk)
        if args.mode == "pay":
            return await pay(keeper, client, stop, args.customer, args.bills, args.then)
        still_open = await keeper.reconcile(everything=True)
        stop.say(f"OPEN {len(still_open)}")
        return 0 if not still_open else 1
    finally:
        journal.close()


async def _requests(args: argparse.Namespace, client: DemoClient, stop: Stop, directory: Path) -> int:
    outbox = Outbox(directory / OUTBOX_FILE_NAME)
    try:
        # Retries come quickly here: the central is up; what is tested is the restart.
        courier = Courier(client, outbox, backoff=lambda _: 0.05)
        if args.mode == "submit":
            return await submit(outbox, courier, stop, args.given)
        return await resume_outbox(outbox, courier, stop)
    finally:
        outbox.close()


def main(argv: Sequence[str] | None = None, say: Say = to_stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.harness.kiosk_process", description=__doc__)
    parser.add_argument("--central", required=True, help="the central's URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--dir", required=True, help="where the journals and the printed receipts are kept")
    parser.add_argument("--die-at", choices=POINTS, help="stop dead there, for the test to kill")
    modes = parser.add_subparsers(dest="mode", required=True)
    paying = modes.add_parser("pay", help="a customer pays (or not) at the screen")
    paying.add_argument("--customer", required=True)
    paying.add_argument("--bills", type=int, default=1)
    paying.add_argument("--then", choices=("pay", "cancel", "leave"), default="pay")
    modes.add_parser("resume", help="the kiosk starts again and reconciles its payments")
    submitting = modes.add_parser("submit", help="a customer submits at the screen")
    submitting.add_argument("--submission", required=True, help="a JSON file: kind, payload, summary")
    modes.add_parser("resume-outbox", help="the kiosk starts again and sends what is queued")
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
