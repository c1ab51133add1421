"""A kiosk's payment side in a process of its own, for :mod:`tests.faults.test_kill_restart` to ``kill -9``.

It runs the real :class:`PaymentKeeper` against a central URL, with its journal and a receipt desk that
appends each printed receipt to a file (fsync'd) in a directory the test gives it::

    python -m tests.faults.kiosk_process --central URL --token TOKEN --dir DIR [--die-at POINT] pay \\
        --customer CODE --bills N --then {pay,cancel,leave}
    python -m tests.faults.kiosk_process --central URL --token TOKEN --dir DIR [--die-at POINT] resume

``pay`` is a customer at the screen: the QR is shown, then the customer's banking app sends the money (``pay``),
the customer presses Cancel (``cancel``) or goes (``leave``); a paid payment is polled until confirmed and its
receipt printed. ``resume`` is the kiosk starting again: ``reconcile(everything=True)``.

Progress is printed on stdout, one line each (``QR <reference> <amount>``, ``STATE <state>``, ``DONE``). With
``--die-at POINT`` the process prints ``AT POINT`` when it gets there and then stops dead, so that the test
can kill it at exactly that point:

``key_written``   the journal holds the key; the create request is about to leave
``create_sent``   the central made the payment; its answer has not reached the keeper
``qr_shown``      the payment is pending in the journal, its QR on screen
``money_polled``  the central answered a poll with ``paid``; the journal does not know yet
``confirmed``     confirmed and numbered in the journal; the receipt not printed
``printing``      the desk is about to print the receipt
``printed``       the receipt is printed (its record fsync'd); the journal does not know yet
``cancel_sent``   the central cancelled the payment; its answer has not reached the keeper
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path

# httpx imports these on first use; imported here, a fork server has them loaded before it forks a kiosk.
import anyio._backends._asyncio  # noqa: F401
import httpcore  # noqa: F401
import httpx

from kiosk.central.client import CentralClient
from kiosk.demo.simulator import DemoClient
from kiosk.payments.journal import PaymentJournal, PaymentState
from kiosk.payments.keeper import PaymentKeeper, order_for
from tests.faults.child import Say, Stop, to_stdout
from tests.faults.harness import KIOSK_ID, ReceiptRoll, Screen, no_wait
from tests.helpers.faulty_transport import Step, step_of

POINTS = (
    "key_written",
    "create_sent",
    "qr_shown",
    "money_polled",
    "confirmed",
    "printing",
    "printed",
    "cancel_sent",
)
JOURNAL = "payment-journal.sqlite3"
RECEIPTS = "receipts.jsonl"


class WatchedTransport(httpx.AsyncBaseTransport):
    """The real transport, with the stop points around the payment requests."""

    def __init__(self, stop: Stop) -> None:
        self.stop = stop
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        step = step_of(request)
        if step is Step.CREATE:
            self.stop("key_written")
        response = await self.inner.handle_async_request(request)
        if step is Step.CREATE:
            self.stop("create_sent")
        elif step is Step.CANCEL:
            self.stop("cancel_sent")
        elif step is Step.POLL:
            body = await response.aread()
            if response.status_code == 200 and json.loads(body).get("status") == "paid":
                self.stop("money_polled")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def pay(
    keeper: PaymentKeeper, client: CentralClient, stop: Stop, customer: str, bills: int, then: str
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


async def main_async(args: argparse.Namespace, say: Say) -> int:
    stop = Stop(args.die_at, say)
    directory = Path(args.dir)
    desk = ReceiptRoll(directory / RECEIPTS, hook=stop)
    journal = PaymentJournal(directory / JOURNAL, kiosk_id=KIOSK_ID)
    try:
        async with DemoClient(
            args.central, args.token, timeout=5.0, retries=2, transport=WatchedTransport(stop), sleep=no_wait
        ) as client:
            keeper = PaymentKeeper(client, journal, desk)
            if args.mode == "pay":
                code = await pay(keeper, client, stop, args.customer, args.bills, args.then)
            else:
                still_open = await keeper.reconcile(everything=True)
                say(f"OPEN {len(still_open)}")
                code = 0 if not still_open else 1
    finally:
        journal.close()
    say("DONE")
    return code


def main(argv: Sequence[str] | None = None, say: Say = to_stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.kiosk_process", description=__doc__)
    parser.add_argument("--central", required=True, help="the central's URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--dir", required=True, help="where the journal and the printed receipts are kept")
    parser.add_argument("--die-at", choices=POINTS, help="stop dead there, for the test to kill")
    modes = parser.add_subparsers(dest="mode", required=True)
    paying = modes.add_parser("pay", help="a customer pays (or not) at the screen")
    paying.add_argument("--customer", required=True)
    paying.add_argument("--bills", type=int, default=1)
    paying.add_argument("--then", choices=("pay", "cancel", "leave"), default="pay")
    modes.add_parser("resume", help="the kiosk starts again and reconciles")
    return asyncio.run(main_async(parser.parse_args(argv), say))


def run_forked(argv: Sequence[str], lines: Connection) -> None:
    """The entry point of a child made by a ``multiprocessing`` fork server (the test's fast way to start
    many of these): as ``python -m``, with its progress lines sent on ``lines`` instead of stdout."""
    sys.exit(main(argv, lines.send))


if __name__ == "__main__":
    sys.exit(main())
