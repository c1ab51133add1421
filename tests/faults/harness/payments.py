"""The payment side of a kiosk under test: the customers' orders, a receipt desk that records what it printed, and
the payment screen's use of the keeper written out."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk.central.errors import CentralError
from kiosk.config.settings import Settings
from kiosk.demo.simulator import DemoClient
from kiosk.devices.paperless_printers import FakePrinter
from kiosk.flows.navigation import Navigator
from kiosk.language.catalogs import Translator
from kiosk.payments.journal import JournalPayment, Order, PaymentJournal, PaymentState, ReceiptState
from kiosk.payments.keeper import (
    OutcomeUnknownError,
    PaymentKeeper,
    PaymentRefusedError,
    QrRejectedError,
    ReceiptPrint,
    order_for,
)
from kiosk.printing.journal import PrintJournal
from kiosk.printing.printer import PrintJob, TextLine
from kiosk.printing.printer_status import PrinterState
from kiosk.printing.service import PrintService
from kiosk.shell.printouts import PrintDesk
from tests.faults.harness.central import CUSTOMERS, KIOSK_ID
from tests.helpers.faulty_transport import FaultPlan

__all__ = [
    "AppDesk",
    "Kiosk",
    "PaperRoll",
    "ReceiptRoll",
    "Screen",
    "demo_orders",
    "settle",
]


async def demo_orders(client: DemoClient) -> dict[str, tuple[Order, ...]]:
    """For each demo customer, the orders for their 1, 2, ... oldest unpaid bills (as the seed has them)."""
    method = (await client.payment_methods()).methods[0]
    orders: dict[str, tuple[Order, ...]] = {}
    for code in CUSTOMERS:
        customer = await client.customer(code)
        bills = sorted((await client.bills(code)).bills, key=lambda b: b.period_start)
        orders[code] = tuple(order_for(customer, bills[:n], method, "vi") for n in range(1, len(bills) + 1))
    return orders


class ReceiptRoll:
    """A receipt desk that records each receipt it prints; with ``path``, durably, one line per receipt,
    fsync'd before it answers (a paper receipt cannot be taken back, so the record must survive a crash).

    Like the app's desk it prints a payment's receipt once: asked again, it answers the job it made.
    ``works=False`` is a printer that fails (nothing printed: the receipt is left for staff). ``hook`` is
    called with ``"printing"`` before the record is written and ``"printed"`` after.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        works: bool = True,
        hook: Callable[[str], None] | None = None,
        once: bool = True,
    ) -> None:
        """``once=False``: a desk without the app's print journal, which prints whatever it is asked to (to
        show that "printed twice" is caught when the keeper asks twice)."""
        self.path = path
        self.works = works
        self.once = once
        self.hook = hook
        self.printed: list[str] = self.read(path) if path is not None else []

    @staticmethod
    def read(path: Path) -> list[str]:
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["receipt_number"] for line in lines if line.strip()]

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        number = payment.receipt_number
        assert number is not None, "asked to print the receipt of an unconfirmed payment"
        if self.once and number in self.printed:
            return ReceiptPrint(True, self.printed.index(number) + 1)
        if not self.works:
            return ReceiptPrint(False, None)
        if self.hook is not None:
            self.hook("printing")
        if self.path is not None:
            record = json.dumps({"receipt_number": number, "payment_id": payment.payment_id})
            await asyncio.to_thread(_append_durably, self.path, record)
        self.printed.append(number)
        if self.hook is not None:
            self.hook("printed")
        return ReceiptPrint(True, len(self.printed))


# A receipt number as the journal makes it: the kiosk id, the day, the journal row.
RECEIPT_NUMBER = re.compile(r"[A-Z0-9]+-[0-9]{2}-[0-9]{6}-[0-9]{6}")


class PaperRoll(FakePrinter):
    """A printer (text mode, so the receipt's words reach the job as text) that keeps the receipt number
    of every receipt that came out of it, however many times."""

    def __init__(self, *, works: bool = True) -> None:
        super().__init__(text_mode=True, description="paper roll")
        self.receipts: list[str] = []
        if not works:
            self.set_status(PrinterState.PAPER_OUT)

    def _output(self, job: PrintJob) -> None:
        text = " ".join(op.text for op in job.ops if isinstance(op, TextLine))
        self.receipts.extend(dict.fromkeys(RECEIPT_NUMBER.findall(text)))


class AppDesk:
    """The app's own receipt desk (:class:`kiosk.shell.printouts.PrintDesk`, through the print journal's
    ``print_unique``) printing onto a :class:`PaperRoll`. Unlike :class:`ReceiptRoll` nothing here keeps a
    receipt from being printed twice but the app's code, so "printed twice" can happen if that code
    breaks. ``works=False``: the printer is out of paper (the receipt is left for staff)."""

    def __init__(
        self, settings: Settings, tr: Translator, print_journal: Path, *, works: bool = True
    ) -> None:
        self.paper = PaperRoll(works=works)
        self.print_journal = PrintJournal(print_journal)
        service = PrintService(self.paper, self.print_journal, status_timeout=0.1, confirm_timeout=0.1)
        self._desk = PrintDesk(settings, tr, service, Navigator())

    @property
    def printed(self) -> list[str]:
        return self.paper.receipts

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        return await self._desk.print_receipt(payment)

    def close(self) -> None:
        self.print_journal.close()


def _append_durably(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


class Screen:
    """The payment screens' use of the keeper, as :class:`kiosk.flows.payment.PaymentFlow` uses it, without
    the navigation: show a QR (asking again with the same key while the outcome is unknown), poll, cancel,
    print, leave. Expected failures never escape: the customer's screen shows them and the keeper's
    reconcile follows up."""

    def __init__(self, keeper: PaymentKeeper, *, attempts: int = 3) -> None:
        self.keeper = keeper
        self.attempts = attempts

    async def show_qr(self, order: Order) -> JournalPayment | None:
        """The payment whose QR is on screen (``pending``); one whose outcome is still unknown (``creating``),
        refused or rejected, the customer having been told; None when the keeper refused to start one."""
        journalled = len(self.keeper.journal.all())
        try:
            return await self.keeper.open(order)
        except OutcomeUnknownError as unknown:
            row_id = unknown.row.id
        except (PaymentRefusedError, QrRejectedError):
            # Refused before anything was journalled (its bills are in flight here), or after.
            rows = self.keeper.journal.all()
            return rows[-1] if len(rows) > journalled else None
        for _ in range(self.attempts - 1):
            try:
                return await self.keeper.create(row_id)
            except OutcomeUnknownError:
                continue
            except (PaymentRefusedError, QrRejectedError):
                break
        return self.keeper.journal.get(row_id)

    async def poll(self, row_id: int, times: int = 1) -> JournalPayment:
        """Ask up to ``times`` times, stopping once the payment is no longer pending."""
        row = self.keeper.journal.get(row_id)
        for _ in range(times):
            try:
                row = await self.keeper.refresh(row_id)
            except (CentralError, PaymentRefusedError, QrRejectedError):
                row = self.keeper.journal.get(row_id)
                continue
            if not row.in_flight:
                break
        return row

    async def press_cancel(self, row_id: int) -> JournalPayment:
        """Cancel (or Back) on the QR, as :meth:`kiosk.flows.payment.PaymentFlow.cancel` does it: money that had
        already come makes it confirmed, and the customer, still at the screen, gets the receipt; either way
        the screen lets go of it."""
        try:
            row = await self.keeper.cancel(row_id)
        except CentralError:
            row = self.keeper.journal.get(row_id)
        if row.state is PaymentState.CONFIRMED:
            row = await self.print_if_confirmed(row_id)
        self.leave(row_id)
        return row

    async def walk_away(self, row_id: int) -> JournalPayment:
        """Home, or the idle timeout, with the QR on screen (``PaymentFlow.leave``): cancelled in the
        background, let go of."""
        try:
            return await self.keeper.cancel(row_id)
        except CentralError:
            return self.keeper.journal.get(row_id)
        finally:
            self.leave(row_id)

    async def print_if_confirmed(self, row_id: int) -> JournalPayment:
        row = self.keeper.journal.get(row_id)
        if row.state is PaymentState.CONFIRMED and row.receipt is ReceiptState.DUE:
            row = await self.keeper.print_receipt(row_id)
        return row

    def leave(self, row_id: int) -> None:
        self.keeper.detach(row_id)


class Kiosk:
    """A kiosk's payment side: the journal file, the keeper and its screen; :meth:`restart` drops them and
    builds new ones on the same file, as a kiosk that lost power and came back does."""

    def __init__(
        self,
        client: DemoClient,
        journal_path: Path,
        desk: ReceiptRoll | AppDesk,
        *,
        kiosk_id: str = KIOSK_ID,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        """``wall``: the kiosk's wall clock, when the test moves it; the watch for late money then goes by
        the central's time, as in the app (the client's :class:`~kiosk.central.central_time.CentralTime`)."""
        self.client = client
        self.journal_path = journal_path
        self.desk: ReceiptRoll | AppDesk = desk
        self.kiosk_id = kiosk_id
        self.wall = wall
        self.restarts = 0
        self._build()

    def _build(self) -> None:
        self.journal = PaymentJournal(self.journal_path, kiosk_id=self.kiosk_id)
        if self.wall is None:
            self.keeper = PaymentKeeper(self.client, self.journal, self.desk)
        else:
            self.keeper = PaymentKeeper(
                self.client,
                self.journal,
                self.desk,
                now=self.wall,
                central_now=self.client.central_time.known,
            )
        self.screen = Screen(self.keeper)

    def restart(self) -> None:
        self.journal.close()
        self._build()
        self.restarts += 1

    def close(self) -> None:
        self.journal.close()
        if isinstance(self.desk, AppDesk):
            self.desk.close()


async def settle(keeper: PaymentKeeper, plan: FaultPlan | None = None) -> None:
    """Everyone has left and the network works again: the reconcile that the invariants judge."""
    if plan is not None:
        plan.off()
    for row in keeper.journal.all():
        keeper.detach(row.id)
    still_open = await keeper.reconcile(everything=True)
    assert still_open == [], f"reconcile with the network working left {still_open}"
