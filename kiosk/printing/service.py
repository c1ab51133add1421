"""The print service: journal a document, print it off the GUI thread, and say honestly what happened.

``await service.print_document(doc, kind=..., reference=...)`` journals the document, then in a worker thread
renders it (the kiosk's through a render process), asks the printer's status, sends the job and asks the
printer to confirm it (see :mod:`kiosk.devices.printer`). The outcome is ``printed`` only when the printer
confirmed; otherwise the job stays in the journal for staff (:meth:`PrintService.pending_for_staff`), who
reprint it whole, marked ``BẢN IN LẠI`` (:meth:`PrintService.reprint`).

A flow that took a payment and gets ``failed`` or ``unknown`` back tells the customer the receipt could not
be printed, that the payment itself is safe, and that staff will print it (``outcome.left_for_staff``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.printing.document import Document, RenderError
from kiosk.printing.journal import PrintJournal
from kiosk.printing.printer import Printer, PrinterIOError, PrintJob
from kiosk.printing.printer_status import PrinterState, PrinterStatus, describe, is_printable
from kiosk.printing.records import JobState, JournalEntry

__all__ = [
    "REPRINT_MARK",
    "AttemptResult",
    "PrintOutcome",
    "PrintResult",
    "PrintService",
    "Renderer",
    "print_once",
]

_log = logging.getLogger(__name__)

REPRINT_MARK = "BẢN IN LẠI"
"""Printed on every reprint, top and bottom. Vietnamese whatever the customer's language: it is for the
power company's staff and auditors, who must tell a reprint from a second receipt."""


class PrintResult(StrEnum):
    PRINTED = "printed"  # the printer confirmed the whole job
    FAILED = "failed"  # the printer refused or stopped: not printed (whole)
    UNKNOWN = "unknown"  # sent, no confirmation: treat as not printed


@dataclass(frozen=True)
class AttemptResult:
    state: JobState  # confirmed, failed or unknown
    status: PrinterStatus  # the status that decided it
    detail: str  # one English line for the log and the staff screen
    job: PrintJob | None  # what was rendered (None when rendering failed)


@dataclass(frozen=True)
class PrintOutcome:
    job_id: int
    result: PrintResult
    status: PrinterStatus
    detail: str

    @property
    def printed(self) -> bool:
        return self.result is PrintResult.PRINTED

    @property
    def left_for_staff(self) -> bool:
        """The job waits in the journal for staff to reprint it."""
        return not self.printed


def render_here(document: Document, *, dot_width: int, text_mode: bool = False) -> PrintJob:
    """:func:`kiosk.printing.render.render` in this thread, imported at the first printout: Pillow, qrcode
    and python-barcode cost every start ~60 ms and several MiB, though most screens never print."""
    from kiosk.printing.render import render

    return render(document, dot_width=dot_width, text_mode=text_mode)


class Renderer(Protocol):
    """Turns a document into printer operations: :func:`kiosk.printing.render.render`, in this thread or in
    a :class:`~kiosk.printing.render_worker.RenderWorker` process."""

    def __call__(self, document: Document, *, dot_width: int, text_mode: bool = False) -> PrintJob: ...


def _confirm_timeout(job: PrintJob, base: float) -> float:
    # Thermal printers run at 100-250 mm/s at 8 dots/mm; allow for the slow end plus the transfer.
    return base + job.height_dots / 8 / 100


def print_once(
    printer: Printer,
    document: Document,
    *,
    status_timeout: float = 2.0,
    confirm_timeout: float = 5.0,
    on_sending: Callable[[], None] | None = None,
    renderer: Renderer = render_here,
) -> AttemptResult:
    """One blocking attempt: render, check status, send, confirm. Call it from a worker thread."""
    try:
        job = renderer(document, dot_width=printer.dot_width, text_mode=printer.text_mode)
    except RenderError as exc:
        return AttemptResult(
            JobState.FAILED, PrinterState.UNKNOWN, f"cannot render the document: {exc}", None
        )
    with printer.session() as session:
        before = session.status(timeout=status_timeout)
        if before is not PrinterState.UNKNOWN and not is_printable(before):
            return AttemptResult(JobState.FAILED, before, f"not sent: {describe(before)}", job)
        if on_sending is not None:
            on_sending()
        try:
            session.send(job)
        except PrinterIOError as exc:
            return AttemptResult(
                JobState.FAILED, PrinterState.OFFLINE, f"connection lost while sending: {exc}", job
            )
        after = session.confirm(timeout=_confirm_timeout(job, confirm_timeout), status_timeout=status_timeout)
    if is_printable(after):
        return AttemptResult(JobState.CONFIRMED, after, describe(after), job)
    if after is PrinterState.UNKNOWN:
        return AttemptResult(JobState.UNKNOWN, after, "sent, but the printer did not confirm it printed", job)
    return AttemptResult(JobState.FAILED, after, f"stopped while printing: {describe(after)}", job)


class PrintService:
    """Prints documents one at a time through ``printer``, journalled in ``journal``.

    ``renderer`` draws the documents: in the printing thread by default; the kiosk passes a
    :class:`~kiosk.printing.render_worker.RenderWorker`, so that drawing never holds the GIL its GUI thread
    needs."""

    def __init__(
        self,
        printer: Printer,
        journal: PrintJournal,
        *,
        reprint_mark: str = REPRINT_MARK,
        status_timeout: float = 2.0,
        confirm_timeout: float = 5.0,
        renderer: Renderer | None = None,
    ) -> None:
        self.printer = printer
        self.renderer: Renderer = renderer if renderer is not None else render_here
        self.journal = journal
        self.reprint_mark = reprint_mark
        self.status_timeout = status_timeout
        self.confirm_timeout = confirm_timeout
        # One job at a time: interleaved jobs would mix on the paper, and the confirmation of one job would
        # be read as the other's.
        self._lock = asyncio.Lock()
        self._unique = asyncio.Lock()

    async def status(self) -> PrinterStatus:
        async with self._lock:
            return await asyncio.to_thread(self.printer.status, timeout=self.status_timeout)

    async def print_document(self, document: Document, *, kind: str, reference: str) -> PrintOutcome:
        job_id = await asyncio.to_thread(self.journal.add, document, kind=kind, reference=reference)
        return await self._attempt(job_id, document, reprint=False)

    async def print_unique(self, document: Document, *, kind: str, reference: str) -> PrintOutcome:
        """Like :meth:`print_document`, but at most one job per ``(kind, reference)`` ever: a receipt asked
        for again (after a crash between printing it and recording that) is not printed a second time; the
        existing job's outcome is returned, and if it did not print, staff reprint it."""
        async with self._unique:
            existing = await asyncio.to_thread(self.journal.find, kind, reference)
            if existing is None:
                return await self.print_document(document, kind=kind, reference=reference)
        printer_state = PrinterState.UNKNOWN
        result = PrintResult.PRINTED if existing.state is JobState.CONFIRMED else PrintResult.UNKNOWN
        if existing.state is JobState.FAILED:
            result = PrintResult.FAILED
        return PrintOutcome(existing.id, result, printer_state, "already in the print journal")

    async def reprint(self, job_id: int) -> PrintOutcome:
        """Print job ``job_id`` again, whole, marked as a reprint. Raises ``KeyError`` for an unknown id."""
        entry = await asyncio.to_thread(self.journal.get, job_id)
        return await self._attempt(job_id, entry.document.with_banner(self.reprint_mark), reprint=True)

    async def pending_for_staff(self) -> list[JournalEntry]:
        return await asyncio.to_thread(self.journal.pending_for_staff)

    async def _attempt(self, job_id: int, document: Document, *, reprint: bool) -> PrintOutcome:
        async with self._lock:
            attempt = await asyncio.to_thread(self.journal.start_attempt, job_id, reprint=reprint)
            result = await asyncio.to_thread(
                print_once,
                self.printer,
                document,
                status_timeout=self.status_timeout,
                confirm_timeout=self.confirm_timeout,
                on_sending=lambda: self.journal.mark_sent(job_id, attempt),
                renderer=self.renderer,
            )
            await asyncio.to_thread(
                self.journal.finish,
                job_id,
                attempt,
                result.state,
                status=str(result.status),
                detail=result.detail,
            )
        if result.state is not JobState.CONFIRMED:
            _log.warning("print job %d (attempt %d) not printed: %s", job_id, attempt, result.detail)
        outcome = {
            JobState.CONFIRMED: PrintResult.PRINTED,
            JobState.FAILED: PrintResult.FAILED,
        }.get(result.state, PrintResult.UNKNOWN)
        return PrintOutcome(job_id, outcome, result.status, result.detail)
