"""A journal write that fails, at each write of a customer's journey, and no promise breaks (issue 22, item 4).

The disk errs (``disk I/O error``), fills up (``database or disk is full``) or another process holds the
journal (``database is locked``): SQLite raises :class:`sqlite3.OperationalError` at one statement. Each
journey below is first run with a counting connection (:mod:`tests.faults.harness.storage`) to learn its write
points, then once per write point with that write failing; the three errors take turns. The journeys: a
payment (paid and printed, cancelled, cancelled as the money came, walked away from) with the payment journal
failing; the same paid payment with the print journal failing as its receipt prints; a request in the outbox
(delivered at once, delivered by the courier's retry, refused by the central) with the outbox failing.

What must hold, for every one of them:

- The customer is told something clear: the keeper and the courier answer as usual, or raise
  :class:`~kiosk.storage.journal_file.JournalWriteError` (which file, why and what to do, in words; never
  another exception), and what they answered is what the file holds (no "paid", "printed" or "saved" that is
  not on disk). The screens show that error as "please ask staff"; the courier never raises it once the
  request is saved: it stays queued, as the customer is told.
- After the fault clears and the kiosk restarts on the same files (payments: then reconciles; requests: the
  courier's next round), the invariants of :mod:`tests.faults.invariants` hold, settled: no payment lost or
  made twice, no bill collected twice, no receipt for an unconfirmed payment, no request lost or sent twice.
- Without a restart too (``live``): the customer's session ends as the app ends it after a fault, and the
  same keeper's reconcile settles what the fault left.

The recovery's own writes (the reconcile's, the courier's resend) are not faulted here.

Each family prints how many scenarios reached each write point (``-s`` shows it).
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
import pytest_asyncio

import kiosk.payments.journal
import kiosk.printing.journal
import kiosk.requests.outbox
from kiosk.demo.simulator import DemoClient
from kiosk.devices.paperless_printers import FakePrinter
from kiosk.payments.journal import JournalPayment, Order, PaymentState, ReceiptState
from kiosk.payments.keeper import ReceiptPrint
from kiosk.payments.receipt import RECEIPT_KIND
from kiosk.printing.document import Document, Text, Title
from kiosk.printing.journal import JobState, PrintJournal
from kiosk.printing.service import PrintService
from kiosk.requests.records import Delivery, OutboxItem, outage_report_payload
from kiosk.storage.journal_file import JournalWriteError
from tests.faults.harness.central import CentralSeed, FakeClock, no_wait
from tests.faults.harness.payments import Kiosk, ReceiptRoll, settle
from tests.faults.harness.requests import RequestKiosk, Submission, SubmitFaults, outage_report
from tests.faults.harness.storage import STORAGE_ERRORS, install
from tests.faults.invariants.payments import check as check_payments
from tests.faults.invariants.reading import (
    CentralMark,
    CentralSubmission,
    central_mark,
    read_central_payments,
    read_central_submissions,
    read_journal,
    read_outbox,
)
from tests.faults.invariants.requests import check as check_outbox
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import Fault, FaultyTransport

T = TypeVar("T")

CODE = "PE01000123456"
PAYMENT_JOURNAL = kiosk.payments.journal.__file__
PRINT_JOURNAL = kiosk.printing.journal.__file__
OUTBOX = kiosk.requests.outbox.__file__


def fault_points(points: list[str]) -> list[tuple[int, str, bool]]:
    """Each write of a clean run, failing; and each COMMIT once more, failing after it reached the disk."""
    failing = [(k, point, False) for k, point in enumerate(points, start=1)]
    return failing + [
        (k, point, True) for k, point in enumerate(points, start=1) if point.endswith("/COMMIT")
    ]


def _numbered(points: list[str]) -> list[str]:
    """Each write point as the n-th write of its journey: one method writes at more than one point."""
    return [f"{n:02d} {point}" for n, point in enumerate(points, start=1)]


def report(family: str, reached: Counter[str], cases: int, seconds: float) -> None:
    """The reach counts the issue asks for, one line per write point."""
    lines = [f"{family}: {cases} scenarios in {seconds:.1f} s; scenarios that reached each write point:"]
    lines += [f"  {point:<32} {count}" for point, count in sorted(reached.items())]
    print("\n".join(lines))


# ---------------------------------------------------------------------------------------------- payments


class JourneyStoppedError(Exception):
    """The journey stopped where the journal's error reached the customer's screen."""


@dataclass
class PaymentRun:
    """One journey on one kiosk: what its screen was told, and which QR it still shows."""

    kiosk: Kiosk
    client: DemoClient
    order: Order
    told: list[tuple[str, JournalPayment]] = field(default_factory=list)
    on_screen: set[int] = field(default_factory=set)
    stopped_at: str | None = None

    async def step(self, name: str, work: Awaitable[T]) -> T:
        """A step of the screen. The journal's error is the one failure it may meet here (the network
        works); anything else escapes as the bug it is. A row it answers must be what the file holds."""
        try:
            answer = await work
        except sqlite3.OperationalError as exc:
            told_in_words(exc)
            self.stopped_at = name
            raise JourneyStoppedError(name) from exc
        if isinstance(answer, JournalPayment):
            self.told.append((name, answer))
            on_disk = {row.id: row for row in read_journal(self.kiosk.journal_path)}[answer.id]
            assert (on_disk.state, on_disk.receipt) == (answer.state.value, _value(answer.receipt)), (
                f"{name}: the screen was told {answer.state}/{answer.receipt}, the journal holds"
                f" {on_disk.state}/{on_disk.receipt}"
            )
        return answer

    async def show_qr(self) -> JournalPayment:
        row = await self.step("show QR", self.kiosk.screen.show_qr(self.order))
        assert row is not None
        assert row.state is PaymentState.PENDING, row
        self.on_screen.add(row.id)
        return row

    async def customer_pays(self, row: JournalPayment) -> None:
        assert row.reference is not None
        assert (await self.client.sim_bank_transfer(row.reference, row.amount)).outcome == "applied"

    async def poll_until_paid(self, row: JournalPayment) -> JournalPayment:
        polled = await self.step("poll", self.kiosk.screen.poll(row.id, times=3))
        assert polled.state is PaymentState.CONFIRMED, polled
        return polled

    async def print_receipt(self, row: JournalPayment) -> None:
        try:
            await self.step("print receipt", self.kiosk.screen.print_if_confirmed(row.id))
        finally:
            # The payment flow lets go of a payment whose receipt it printed, or failed to print.
            self.leave(row.id)

    async def press_cancel(self, row: JournalPayment) -> JournalPayment:
        """As :meth:`PaymentFlow.cancel` does it: the QR is forgotten first (a cancel that fails leaves
        nothing on screen to let go of); money that had come is printed for the customer at the screen."""
        self.on_screen.discard(row.id)
        cancelled = await self.step("cancel", self.kiosk.keeper.cancel(row.id))
        if cancelled.state is PaymentState.CONFIRMED:
            await self.print_receipt(cancelled)
        else:
            self.leave(row.id)
        return cancelled

    async def walk_away(self, row: JournalPayment) -> None:
        self.on_screen.discard(row.id)
        await self.step("walk away", self.kiosk.screen.walk_away(row.id))

    def leave(self, row_id: int) -> None:
        self.on_screen.discard(row_id)
        self.kiosk.screen.leave(row_id)

    async def session_ends(self) -> None:
        """After the "please ask staff" screen the session ends, as :meth:`PaymentFlow.leave` ends it: a QR
        still in the screens' stack is cancelled in the background and let go of. Nothing else is."""
        for row_id in sorted(self.on_screen):
            with contextlib.suppress(sqlite3.OperationalError):
                await self.kiosk.screen.walk_away(row_id)
        self.on_screen.clear()


def told_in_words(exc: Exception) -> None:
    """The journal's error, in words staff can act on: what happened to which file, and what to do."""
    assert isinstance(exc, JournalWriteError), f"SQLite's own {exc!r} reached the screen"
    assert exc.what.endswith(
        ("the disk is full", "another process holds it locked", "the disk failed the write")
    )
    assert exc.fix


def _value(receipt: ReceiptState | None) -> str | None:
    return None if receipt is None else receipt.value


async def pay_and_print(run: PaymentRun) -> None:
    row = await run.show_qr()
    await run.customer_pays(row)
    await run.print_receipt(await run.poll_until_paid(row))


async def cancel(run: PaymentRun) -> None:
    row = await run.show_qr()
    assert (await run.press_cancel(row)).state is PaymentState.CLOSED


async def cancel_after_paying(run: PaymentRun) -> None:
    """The money came just before Cancel: it is confirmed, and the customer still at the screen gets the
    receipt (press_cancel prints it)."""
    row = await run.show_qr()
    await run.customer_pays(row)
    assert (await run.press_cancel(row)).state is PaymentState.CONFIRMED


async def walk_away(run: PaymentRun) -> None:
    await run.walk_away(await run.show_qr())


JOURNEYS: dict[str, Callable[[PaymentRun], Awaitable[None]]] = {
    "pay": pay_and_print,
    "cancel": cancel,
    "cancel-after-paying": cancel_after_paying,
    "walk-away": walk_away,
}


@dataclass(frozen=True)
class PaymentOutcome:
    points: list[str]
    failed: str | None
    stopped_at: str | None


@pytest.fixture
def seed(seeded_central: tuple[RunningCentral, CentralSeed]) -> CentralSeed:
    return seeded_central[1]


async def one_payment(
    central: RunningCentral,
    client: DemoClient,
    order: Order,
    directory: Path,
    journey: Callable[[PaymentRun], Awaitable[None]],
    *,
    fail_at: int | None,
    restart: bool,
    lands: bool = False,
) -> PaymentOutcome:
    """The journey with write ``fail_at`` failing, the recovery, and the four promises checked."""
    desk = ReceiptRoll()
    kiosk = Kiosk(client, directory / "payment-journal.sqlite3", desk)
    try:
        faulty = install(
            kiosk.journal,
            PAYMENT_JOURNAL,
            fail_at=fail_at,
            error=STORAGE_ERRORS[(fail_at or 0) % len(STORAGE_ERRORS)],
            lands=lands,
        )
        run = PaymentRun(kiosk, client, order)
        try:
            await journey(run)
        except JourneyStoppedError:
            await run.session_ends()
        if run.stopped_at is not None:
            assert faulty.failed is not None
        elif faulty.failed is not None:
            # Only the copy of a committed write into the file may fail unseen: the next write makes it.
            assert faulty.failed.endswith("/checkpoint"), (
                f"the write {faulty.failed} failed, and the screen was told {run.told[-1:]}"
            )
        faulty.fail_at = None  # the disk is fine again
        points = list(faulty.points)  # the journey's; the recovery's own writes are not faulted
        # Nothing was told that the journal does not hold, whatever happened next.
        assert not check_payments(
            read_central_payments(central),
            read_journal(kiosk.journal_path),
            desk.printed,
            settled=False,
        )
        if restart:
            kiosk.restart()
            await settle(kiosk.keeper)
        else:
            still_open = await kiosk.keeper.reconcile(everything=True)
            assert still_open == [], still_open
        violations = check_payments(
            read_central_payments(central),
            read_journal(kiosk.journal_path),
            desk.printed,
            settled=True,
        )
        assert violations == [], f"write {faulty.failed} failed ({run.stopped_at}): {violations}"
        return PaymentOutcome(points, faulty.failed, run.stopped_at)
    finally:
        kiosk.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("restart", [True, False], ids=["restart", "live"])
@pytest.mark.parametrize("name", JOURNEYS)
async def test_a_payment_journal_write_that_fails_breaks_no_promise(
    central: RunningCentral,
    seed: CentralSeed,
    client: DemoClient,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
    name: str,
    restart: bool,
) -> None:
    started = time.perf_counter()
    journey = JOURNEYS[name]
    order = orders[CODE][0]
    clean = await one_payment(
        central, client, order, tmp_path / "clean", journey, fail_at=None, restart=restart
    )
    assert clean.failed is None
    reached: Counter[str] = Counter()
    for k, point, lands in fault_points(clean.points):
        seed.restore()
        outcome = await one_payment(
            central,
            client,
            order,
            tmp_path / f"at-{k}-{lands}",
            journey,
            fail_at=k,
            restart=restart,
            lands=lands,
        )
        assert outcome.failed == point, f"write {k}: {outcome.failed}, not {point} as in the clean run"
        reached.update(_numbered(outcome.points[:k]))
    assert len(clean.points) >= 6
    family = f"payments/{name} ({'restart' if restart else 'live'})"
    report(family, reached, len(fault_points(clean.points)), time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------- the reconcile


async def paid_then_power_cut(kiosk: Kiosk, client: DemoClient, order: Order) -> None:
    """The QR is shown, the customer pays, and the kiosk loses power before it heard of the money."""
    run = PaymentRun(kiosk, client, order)
    await run.customer_pays(await run.show_qr())


async def cut_before_the_answer(kiosk: Kiosk, client: DemoClient, order: Order) -> None:
    """The key is journalled and the central makes the payment; the power goes before its answer is
    recorded (the row stays ``creating``)."""
    row = kiosk.journal.begin(order, "kiosk-storage-" + order.bill_ids[0], datetime.now(UTC))
    await client.create_payment(order.customer_code, order.bill_ids, order.method, row.idempotency_key)


LEFT_FOR_RECONCILE: dict[str, Callable[[Kiosk, DemoClient, Order], Awaitable[None]]] = {
    "paid-then-power-cut": paid_then_power_cut,
    "cut-before-the-answer": cut_before_the_answer,
}


async def one_reconcile(
    central: RunningCentral,
    client: DemoClient,
    order: Order,
    directory: Path,
    before: Callable[[Kiosk, DemoClient, Order], Awaitable[None]],
    *,
    fail_at: int | None,
    lands: bool = False,
) -> tuple[list[str], str | None]:
    """What ``before`` left, then the restart's reconcile with its write ``fail_at`` failing, then the next
    periodic reconcile with the disk fine again: settled."""
    desk = ReceiptRoll()
    kiosk = Kiosk(client, directory / "payment-journal.sqlite3", desk)
    try:
        await before(kiosk, client, order)
        kiosk.restart()
        faulty = install(
            kiosk.journal,
            PAYMENT_JOURNAL,
            fail_at=fail_at,
            error=STORAGE_ERRORS[(fail_at or 0) % len(STORAGE_ERRORS)],
            lands=lands,
        )
        try:
            await kiosk.keeper.reconcile(everything=True)
        except sqlite3.OperationalError as exc:
            # The background task logs it and goes on (kiosk.shell.background); nobody is at the screen.
            told_in_words(exc)
            assert faulty.failed is not None
        else:
            assert faulty.failed is None or faulty.failed.endswith("/checkpoint"), faulty.failed
        points = list(faulty.points)
        faulty.fail_at = None
        await settle(kiosk.keeper)
        violations = check_payments(
            read_central_payments(central),
            read_journal(kiosk.journal_path),
            desk.printed,
            settled=True,
        )
        assert violations == [], f"write {faulty.failed} failed: {violations}"
        return points, faulty.failed
    finally:
        kiosk.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("name", LEFT_FOR_RECONCILE)
async def test_a_journal_write_that_fails_in_the_reconcile_breaks_no_promise(
    central: RunningCentral,
    seed: CentralSeed,
    client: DemoClient,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
    name: str,
) -> None:
    started = time.perf_counter()
    before = LEFT_FOR_RECONCILE[name]
    order = orders[CODE][0]
    clean, failed = await one_reconcile(central, client, order, tmp_path / "clean", before, fail_at=None)
    assert failed is None
    reached: Counter[str] = Counter()
    for k, point, lands in fault_points(clean):
        seed.restore()
        points, failed = await one_reconcile(
            central, client, order, tmp_path / f"at-{k}-{lands}", before, fail_at=k, lands=lands
        )
        assert failed == point, f"write {k}: {failed}, not {point} as in the clean run"
        reached.update(_numbered(points[:k]))
    assert len(clean) >= 8
    report(f"reconcile/{name}", reached, len(fault_points(clean)), time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------- receipts


class JournalledDesk:
    """The app's receipt desk (:meth:`kiosk.shell.printouts.PrintDesk.print_receipt`) without its Qt parts:
    each receipt through the real print service and its print journal, at most one job per payment, on a
    fake printer. ``paper`` is what came out of it, by receipt number."""

    def __init__(self, path: Path, printer: FakePrinter, paper: list[str]) -> None:
        self.journal = PrintJournal(path)
        self.service = PrintService(printer, self.journal)
        self.printer = printer
        self.paper = paper

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        number = payment.receipt_number
        assert number is not None, "asked to print the receipt of an unconfirmed payment"
        document = Document((Title("BIÊN NHẬN THANH TOÁN"), Text(number)))
        before = len(self.printer.printed_jobs)
        try:
            outcome = await self.service.print_unique(
                document, kind=RECEIPT_KIND, reference=payment.payment_id or ""
            )
        finally:
            self.paper += [number] * (len(self.printer.printed_jobs) - before)
        return ReceiptPrint(printed=outcome.printed, job_id=outcome.job_id)


async def one_receipt(
    central: RunningCentral,
    client: DemoClient,
    order: Order,
    directory: Path,
    *,
    fail_at: int | None,
    restart: bool,
    lands: bool = False,
) -> tuple[list[str], str | None]:
    """A payment and its receipt, with write ``fail_at`` of the print journal failing; then the kiosk (both
    journals) restarts and reconciles, or reconciles live; then the four promises, and the print journal's
    own: one receipt job per payment, confirmed only if it came out of the printer."""
    # Text mode: the raster of a receipt is not what is tested here, and takes most of the time.
    printer, paper = FakePrinter(text_mode=True), list[str]()
    desk = JournalledDesk(directory / "print-journal.sqlite3", printer, paper)
    kiosk = Kiosk(client, directory / "payment-journal.sqlite3", ReceiptRoll())
    kiosk.desk = desk  # type: ignore[assignment]
    kiosk.keeper.receipts = desk
    try:
        faulty = install(
            desk.journal,
            PRINT_JOURNAL,
            fail_at=fail_at,
            error=STORAGE_ERRORS[(fail_at or 0) % len(STORAGE_ERRORS)],
            lands=lands,
        )
        run = PaymentRun(kiosk, client, order)
        with contextlib.suppress(JourneyStoppedError):
            await pay_and_print(run)
        if faulty.failed is not None and not faulty.failed.endswith("/checkpoint"):
            assert run.stopped_at == "print receipt", (faulty.failed, run.told[-1:])
        faulty.fail_at = None
        points = list(faulty.points)
        if restart:
            desk.journal.close()
            desk = JournalledDesk(directory / "print-journal.sqlite3", printer, paper)
            kiosk.desk = desk  # type: ignore[assignment]
            kiosk.restart()
            await settle(kiosk.keeper)
        else:
            assert await kiosk.keeper.reconcile(everything=True) == []
        violations = check_payments(
            read_central_payments(central), read_journal(kiosk.journal_path), paper, settled=True
        )
        assert violations == [], f"write {faulty.failed} failed ({run.stopped_at}): {violations}"
        jobs = desk.journal.recent((RECEIPT_KIND,), 10)
        assert len(jobs) <= 1, jobs
        assert len(paper) <= 1, paper
        for job in jobs:
            if job.state is JobState.CONFIRMED:
                assert paper, f"job {job.id} confirmed in the print journal, nothing came out of the printer"
            if paper and job.state is JobState.FAILED:
                raise AssertionError(f"job {job.id} journalled as failed, yet its receipt came out")
        [row] = read_journal(kiosk.journal_path)
        # Whatever happened, the payment is confirmed and its receipt printed, or left for staff.
        assert (row.state, row.receipt in ("printed", "for_staff")) == ("confirmed", True), row
        return points, faulty.failed
    finally:
        desk.journal.close()
        kiosk.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("restart", [True, False], ids=["restart", "live"])
async def test_a_print_journal_write_that_fails_breaks_no_promise(
    central: RunningCentral,
    seed: CentralSeed,
    client: DemoClient,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
    restart: bool,
) -> None:
    started = time.perf_counter()
    order = orders[CODE][0]
    clean, failed = await one_receipt(
        central, client, order, tmp_path / "clean", fail_at=None, restart=restart
    )
    assert failed is None
    reached: Counter[str] = Counter()
    for k, point, lands in fault_points(clean):
        seed.restore()
        points, failed = await one_receipt(
            central, client, order, tmp_path / f"at-{k}-{lands}", fail_at=k, restart=restart, lands=lands
        )
        assert failed == point, f"write {k}: {failed}, not {point} as in the clean run"
        reached.update(_numbered(points[:k]))
    assert len(clean) >= 8
    family = f"receipts/pay ({'restart' if restart else 'live'})"
    report(family, reached, len(fault_points(clean)), time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------- requests


@pytest.fixture
def line() -> SubmitFaults:
    return SubmitFaults()


@pytest_asyncio.fixture
async def courier_client(central: RunningCentral, line: SubmitFaults) -> AsyncIterator[DemoClient]:
    async with DemoClient(
        central.url,
        central.token,
        timeout=5.0,
        retries=0,
        transport=FaultyTransport(line, slow_seconds=0.001),
        sleep=no_wait,
    ) as client:
        yield client


@dataclass(frozen=True)
class Submitting:
    """A customer's submission, and whether the first send is lost (the courier's retry then sends it)."""

    submission: Submission
    first_send_lost: bool = False
    refused: bool = False


def _submissions() -> dict[str, Submitting]:
    unknown_customer = Submission(
        outage_report(random.Random(1)).kind,
        outage_report_payload("PZ99000999999", "my_house", "Mất điện"),
        {"customer_code": "PZ99000999999", "outage_kind": "my_house", "language": "vi"},
    )
    return {
        "delivered": Submitting(outage_report(random.Random(2))),
        "retried": Submitting(outage_report(random.Random(3)), first_send_lost=True),
        "refused": Submitting(unknown_customer, refused=True),
    }


SUBMITTING = _submissions()


@dataclass(frozen=True)
class OutboxOutcome:
    points: list[str]
    failed: str | None


async def one_submission(
    central: RunningCentral,
    client: DemoClient,
    line: SubmitFaults,
    path: Path,
    submitting: Submitting,
    *,
    fail_at: int | None,
    lands: bool = False,
) -> OutboxOutcome:
    """Add and deliver as the request screen does, with write ``fail_at`` failing; then a restart and the
    courier's rounds; then the outbox's promises."""
    mark = central_mark(central.db_path)
    clock = FakeClock()
    kiosk = RequestKiosk(client, path, clock)
    try:
        faulty = install(
            kiosk.outbox,
            OUTBOX,
            fail_at=fail_at,
            error=STORAGE_ERRORS[(fail_at or 0) % len(STORAGE_ERRORS)],
            lands=lands,
        )
        told: list[str] = []
        s = submitting.submission
        if submitting.first_send_lost:
            line.queue(Fault.LOSE_REQUEST)
        try:
            item = kiosk.outbox.add(s.kind, s.payload, s.summary)
        except sqlite3.OperationalError as exc:
            # Not saved, and the screen says so: nothing was promised, nothing may be on either side.
            told_in_words(exc)
            assert faulty.failed is not None
            # The screen says it was not saved, and it was not: a commit that reached the disk before its
            # error (``lands``) is found by its key and reported saved, with its reference.
            assert read_outbox(path) == ()
        else:
            assert _on_disk(path, item)
            # Saved: from here the customer holds its reference, whatever the send does.
            told.append(item.reference)
            answered = await kiosk.courier.deliver(item.id)
            assert _on_disk(path, answered), f"the screen was told {answered.state}; the file holds otherwise"
            if answered.state is Delivery.QUEUED:
                # The courier's next round, in the same process: it keeps to the backoff, so time passes.
                clock.advance(600)
                rounds = await kiosk.courier.deliver_due()
                for later in rounds:
                    assert _on_disk(path, later)
        line.clear()
        faulty.fail_at = None
        await kiosk.restart()
        await kiosk.drain()
        if not told and not submitting.refused:
            assert [row.state for row in read_outbox(path)] in ([], ["delivered"])
        if submitting.refused:
            # A refusal is told on the screen, not on a slip: the item waits for staff, payload erased.
            [row] = read_outbox(path) or [None]
            assert row is None or (row.state, row.has_payload) == ("refused", False), row
            told = []
        violations = check_outbox(_central_since(central, mark), read_outbox(path), told)
        assert violations == [], f"write {faulty.failed} failed: {violations}"
        return OutboxOutcome(faulty.points, faulty.failed)
    finally:
        line.clear()
        await kiosk.close()


def _on_disk(path: Path, item: OutboxItem) -> bool:
    rows = {row.reference: row for row in read_outbox(path)}
    row = rows.get(item.reference)
    return row is not None and row.state == item.state.value


def _central_since(central: RunningCentral, mark: CentralMark) -> tuple[CentralSubmission, ...]:
    return tuple(read_central_submissions(central.db_path, mark))


@pytest.mark.asyncio
@pytest.mark.parametrize("name", SUBMITTING)
async def test_an_outbox_write_that_fails_breaks_no_promise(
    central: RunningCentral, courier_client: DemoClient, line: SubmitFaults, tmp_path: Path, name: str
) -> None:
    started = time.perf_counter()
    submitting = SUBMITTING[name]
    clean = await one_submission(
        central, courier_client, line, tmp_path / "clean.sqlite3", submitting, fail_at=None
    )
    reached: Counter[str] = Counter()
    for k, point, lands in fault_points(clean.points):
        outcome = await one_submission(
            central,
            courier_client,
            line,
            tmp_path / f"at-{k}-{lands}.sqlite3",
            submitting,
            fail_at=k,
            lands=lands,
        )
        assert outcome.failed == point, f"write {k}: {outcome.failed}, not {point} as in the clean run"
        reached.update(_numbered(outcome.points[:k]))
    assert len(clean.points) >= 3
    report(f"outbox/{name}", reached, len(fault_points(clean.points)), time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------- the checks can fail


@pytest.mark.asyncio
async def test_without_the_reconcile_the_settled_check_finds_what_the_fault_left(
    central: RunningCentral,
    seed: CentralSeed,
    client: DemoClient,
    orders: dict[str, tuple[Order, ...]],
    tmp_path: Path,
) -> None:
    """The write that records the central's payment fails: the customer is told of the error, and the payment
    the central made is only a key in the journal. Judged before any restart or reconcile, the settled check
    says so; the check of every moment holds."""
    kiosk = Kiosk(client, tmp_path / "payment-journal.sqlite3", ReceiptRoll())
    try:
        probe = install(kiosk.journal, PAYMENT_JOURNAL)
        run = PaymentRun(kiosk, client, orders[CODE][0])
        await run.show_qr()
        created_at = probe.points.index("created/UPDATE") + 1
    finally:
        kiosk.close()
    kiosk = Kiosk(client, tmp_path / "again" / "payment-journal.sqlite3", ReceiptRoll())
    try:
        seed.restore()
        install(kiosk.journal, PAYMENT_JOURNAL, fail_at=created_at)
        with pytest.raises(JourneyStoppedError):
            await PaymentRun(kiosk, client, orders[CODE][0]).show_qr()
        central_view, journal = read_central_payments(central), read_journal(kiosk.journal_path)
        assert check_payments(central_view, journal, [], settled=False) == []
        found = check_payments(central_view, journal, [], settled=True)
        assert any("still pending after the kiosk reconciled" in v.message for v in found), found
        assert any("still creating after a reconcile" in v.message for v in found), found
    finally:
        kiosk.close()


@pytest.mark.asyncio
async def test_without_the_couriers_next_round_the_outbox_check_finds_the_unsent_request(
    central: RunningCentral, courier_client: DemoClient, tmp_path: Path
) -> None:
    """The write that records the central's answer fails: the request is on the central, and queued in the
    outbox, as the customer was told ("saved, it will be sent"). Until the courier's next round the outbox's
    check says it is not delivered; after it, nothing."""
    mark = central_mark(central.db_path)
    path = tmp_path / "outbox.sqlite3"
    kiosk = RequestKiosk(courier_client, path, FakeClock())
    try:
        s = outage_report(random.Random(4))
        faulty = install(kiosk.outbox, OUTBOX)
        item = kiosk.outbox.add(s.kind, s.payload, s.summary)
        faulty.fail_at = len(faulty.points) + 2  # delivered/UPDATE: after its BEGIN
        answered = await kiosk.courier.deliver(item.id)
        assert (faulty.failed, answered.state) == ("delivered/UPDATE", Delivery.QUEUED)
        [made] = _central_since(central, mark)
        found = check_outbox([made], read_outbox(path), [item.reference])
        assert any("queued" in v.message and "neither delivered" in v.message for v in found), found
        await kiosk.drain()
        assert check_outbox(_central_since(central, mark), read_outbox(path), [item.reference]) == []
    finally:
        await kiosk.close()
