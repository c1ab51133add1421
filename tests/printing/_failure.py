"""Shared assertions for the one-file-per-failure-mode tests."""

from __future__ import annotations

from kiosk.printing.journal import JobState
from kiosk.printing.render import render_image
from kiosk.printing.samples import sample_documents
from kiosk.printing.service import PrintOutcome, PrintResult, PrintService
from tests.printing.conftest import READY, FakeNetworkPrinter
from tests.printing.escpos_stream import parse, raster_pages

RECEIPT = sample_documents()["payment_receipt"]


async def print_receipt(service: PrintService) -> PrintOutcome:
    return await service.print_document(RECEIPT, kind="payment_receipt", reference="PAY-42")


def assert_left_for_staff(outcome: PrintOutcome, service: PrintService, state: JobState) -> None:
    assert not outcome.printed
    assert outcome.left_for_staff
    assert outcome.result is (PrintResult.UNKNOWN if state is JobState.UNKNOWN else PrintResult.FAILED)
    entry = service.journal.get(outcome.job_id)
    assert entry.state is state
    assert [e.id for e in service.journal.pending_for_staff()] == [outcome.job_id]


async def assert_reprint_after_fix(service: PrintService, printer: FakeNetworkPrinter, job_id: int) -> None:
    """Once the fault is cleared, the whole receipt prints again, marked as a reprint, and is confirmed."""
    printer.script = READY
    before = len(printer.connections)
    outcome = await service.reprint(job_id)
    assert outcome.printed
    assert service.journal.pending_for_staff() == []
    sent = b"".join(bytes(c) for c in printer.connections[before:])
    pages = raster_pages(parse(sent))
    expected = RECEIPT.with_banner(service.reprint_mark)
    assert pages[0].tobytes() == render_image(expected, dot_width=service.printer.dot_width).tobytes()
