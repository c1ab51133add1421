"""The kiosk's side of staff mode: what each staff screen asks of the printer, the journals, the outbox and the
central (the :class:`~kiosk.flows.staff.StaffDesk` the staff flow is given).

Qt-free: the application hands in what only it has (how to quit, how to set the session's language) as
callables, so tests drive a whole desk with a real printer journal, payment journal, outbox and central.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk import __version__
from kiosk.central.errors import CentralError, Unauthorized
from kiosk.central.heartbeat import HeartbeatSender
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.language.time_zone import VIETNAM
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.receipt import RECEIPT_KIND
from kiosk.payments.records import JournalPayment
from kiosk.printing.printer_status import PrinterState, is_printable
from kiosk.printing.records import JobState
from kiosk.printing.service import PrintService
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import OutboxItem
from kiosk.requests.slip import SLIP_KIND
from kiosk.staff.day_report import DAY_REPORT_KIND, DayReport, day_report, day_report_document
from kiosk.staff.health import CentralState, KioskHealth, Printout
from kiosk.staff.preferences import StaffPreferences

REPRINTABLE_KINDS = (RECEIPT_KIND, SLIP_KIND)
REPRINT_LIST_LENGTH = 30  # a day's receipts and slips at a busy office; older ones are on the central
TEST_PAGE_KIND = "test_page"


@dataclass(frozen=True)
class DeskParts:
    """What the desk works with; ``printing`` is None on a kiosk without a printer."""

    kiosk_id: str
    location: str
    printing: PrintService | None
    payments: PaymentJournal
    outbox: Outbox
    courier: Courier
    heartbeat: HeartbeatSender
    preferences: StaffPreferences


class KioskStaffDesk:
    def __init__(
        self,
        parts: DeskParts,
        tr: Translator,
        *,
        check_central: Callable[[], Awaitable[CentralState]],
        default_language: Callable[[], Language],
        on_default_language: Callable[[Language], None],
        on_staff_arrived: Callable[[], None],
        on_leave: Callable[[], None],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._parts = parts
        self._tr = tr
        self._check_central = check_central
        self._default_language = default_language
        self._on_default_language = on_default_language
        self._on_staff_arrived = on_staff_arrived
        self._on_leave = on_leave
        self._now = now

    async def health(self) -> KioskHealth:
        p = self._parts
        printer = await p.printing.status() if p.printing is not None else None
        central = await self._check_central()
        depth = await asyncio.to_thread(p.outbox.depth)
        refused = await asyncio.to_thread(p.outbox.refusals)
        following = await asyncio.to_thread(p.payments.to_follow, self._now())
        waiting = await p.printing.pending_for_staff() if p.printing is not None else []
        return KioskHealth(
            kiosk_id=p.kiosk_id,
            version=__version__,
            printer=printer,
            central=central,
            heartbeat_at=p.heartbeat.last_ack_at,
            outbox_depth=depth,
            pending_payments=len(following),
            prints_for_staff=len(waiting),
            refused_requests=len(refused),
            default_language=self._default_language(),
        )

    async def test_print(self) -> bool:
        printing = self._parts.printing
        if printing is None:
            return False
        # With the first test page: the printouts' 16 dataclasses would cost every start ~15 ms.
        from kiosk.printing.documents import PrintTestPage, print_test_page
        from kiosk.printing.samples import PRINT_TEST_LABELS_VI, print_test_qr_payload, sample_header

        status = await printing.status()
        now = self._now()
        page = print_test_page(
            PrintTestPage(
                header=sample_header(self._parts.kiosk_id, self._parts.location),
                printed_at=now.astimezone(VIETNAM).replace(tzinfo=None),
                printer=printing.printer.description,
                width_mm=self._paper_mm(printing),
                dot_width=printing.printer.dot_width,
                status=str(status),
                qr_payload=print_test_qr_payload(self._parts.kiosk_id),
            ),
            PRINT_TEST_LABELS_VI,
        )
        outcome = await printing.print_document(page, kind=TEST_PAGE_KIND, reference=now.isoformat())
        return outcome.printed

    @staticmethod
    def _paper_mm(printing: PrintService) -> int:
        # 8 dots per mm on every thermal printer the kiosk drives: 384 dots on 58 mm paper, 576 on 80 mm.
        return 58 if printing.printer.dot_width <= 384 else 80

    async def paper_replaced(self) -> tuple[bool, int]:
        """The printer is asked again; when it is ready, what waited for staff prints now, oldest first."""
        printing = self._parts.printing
        if printing is None:
            return False, 0
        status = await printing.status()
        if status is not PrinterState.UNKNOWN and not is_printable(status):
            return False, 0
        printed = 0
        for entry in await printing.pending_for_staff():
            outcome = await printing.reprint(entry.id)
            if not outcome.printed:
                return False, printed  # out again, or another fault: stop and show it
            await self._settle_receipt(entry.kind, entry.reference, entry.id)
            printed += 1
        return True, printed

    async def _settle_receipt(self, kind: str, reference: str, job_id: int) -> None:
        """A receipt that waited for staff and is now printed no longer waits (the payment journal and the
        end-of-day report say so)."""
        if kind == RECEIPT_KIND:
            await asyncio.to_thread(
                self._parts.payments.receipt_printed_by_staff, reference, job_id, self._now()
            )

    async def printouts(self) -> tuple[Printout, ...]:
        printing = self._parts.printing
        if printing is None:
            return ()
        entries = await asyncio.to_thread(printing.journal.recent, REPRINTABLE_KINDS, REPRINT_LIST_LENGTH)
        # A receipt's job is filed under the central's payment id; staff read the receipt number printed on it.
        receipts = [e.reference for e in entries if e.kind == RECEIPT_KIND]
        numbers = await asyncio.to_thread(self._parts.payments.receipt_numbers, receipts)
        return tuple(
            Printout(
                e.id,
                e.kind,
                numbers.get(e.reference, e.reference) if e.kind == RECEIPT_KIND else e.reference,
                e.created_at,
                e.state is JobState.CONFIRMED,
            )
            for e in entries
        )

    async def reprint(self, job_id: int) -> bool:
        printing = self._parts.printing
        if printing is None:
            return False
        try:
            entry = await asyncio.to_thread(printing.journal.get, job_id)
            outcome = await printing.reprint(job_id)
        except KeyError:
            return False
        if outcome.printed:
            await self._settle_receipt(entry.kind, entry.reference, job_id)
        return outcome.printed

    async def pending(
        self,
    ) -> tuple[tuple[JournalPayment, ...], tuple[OutboxItem, ...], tuple[OutboxItem, ...]]:
        p = self._parts
        payments = await asyncio.to_thread(p.payments.to_follow, self._now())
        queued = await asyncio.to_thread(p.outbox.pending)
        refused = await asyncio.to_thread(p.outbox.refusals)
        return tuple(payments), tuple(queued), tuple(refused)

    def send_now(self) -> None:
        self._parts.courier.send_now()

    async def day_report(self) -> DayReport:
        p = self._parts
        payments = await asyncio.to_thread(p.payments.all)
        items = await asyncio.to_thread(p.outbox.all)
        prints = await p.printing.pending_for_staff() if p.printing is not None else []
        return day_report(
            self._now().astimezone(VIETNAM).date(),
            kiosk_id=p.kiosk_id,
            payments=payments,
            outbox=items,
            prints=prints,
        )

    async def print_day_report(self, report: DayReport) -> bool:
        printing = self._parts.printing
        if printing is None:
            return False
        now = self._now()
        document = day_report_document(self._tr, report, location=self._parts.location, printed_at=now)
        outcome = await printing.print_document(document, kind=DAY_REPORT_KIND, reference=now.isoformat())
        return outcome.printed

    async def set_default_language(self, language: Language) -> None:
        await asyncio.to_thread(self._parts.preferences.set_default_language, language)
        self._on_default_language(language)

    def staff_arrived(self) -> None:
        self._on_staff_arrived()

    def leave_kiosk(self) -> None:
        self._on_leave()


async def central_state(check: Callable[[], Awaitable[object]]) -> CentralState:
    """How the central answers ``check`` (the kiosk's access check), for the staff screen."""
    try:
        await check()
    except Unauthorized:
        return CentralState.REFUSED
    except CentralError:
        return CentralState.UNREACHABLE
    return CentralState.REACHABLE
