"""The print service on the happy paths, off the event loop's thread, with the fake and preview printers."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from PIL import Image

from kiosk.devices.paperless_printers import SAVED_PAGES_KEPT, FakePrinter, PreviewPrinter
from kiosk.printing.journal import JobState, PrintJournal
from kiosk.printing.printer_status import PrinterState
from kiosk.printing.service import PrintResult, PrintService
from tests.printing._failure import RECEIPT, print_receipt
from tests.printing.conftest import PAPER_NEAR_END, FakeNetworkPrinter, escpos_service
from tests.printing.escpos_stream import Query, parse, raster_pages


@pytest.mark.asyncio
async def test_ready_printer_confirms_and_the_bytes_are_the_receipt(
    net_printer: FakeNetworkPrinter, journal_path: Path
) -> None:
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    assert outcome.result is PrintResult.PRINTED
    assert service.journal.get(outcome.job_id).state is JobState.CONFIRMED
    events = parse(net_printer.received)
    # Status before, the job, then the buffered GS r 1 that confirms it, then status after.
    queries = [e for e in events if isinstance(e, Query)]
    assert queries[:2] == [Query("dle_eot", 1), Query("dle_eot", 4)]
    assert Query("gs_r", 1) in queries
    assert len(raster_pages(events)) == 1
    assert await service.pending_for_staff() == []


@pytest.mark.asyncio
async def test_paper_near_end_still_prints(net_printer: FakeNetworkPrinter, journal_path: Path) -> None:
    net_printer.script = PAPER_NEAR_END
    outcome = await print_receipt(escpos_service(net_printer.uri, journal_path))
    assert outcome.printed
    assert outcome.status is PrinterState.PAPER_NEAR_END


@pytest.mark.asyncio
async def test_rendering_and_printing_happen_off_the_loop_thread(journal_path: Path) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    class Recording(FakePrinter):
        def _output(self, job: object) -> None:
            seen.append(threading.get_ident())

    printer = Recording(dot_width=384)
    service = PrintService(printer, PrintJournal(journal_path))
    outcomes = await asyncio.gather(*(print_receipt(service) for _ in range(3)))
    assert all(o.printed for o in outcomes)
    assert len(printer.printed_jobs) == 3
    assert seen
    assert loop_thread not in seen


@pytest.mark.asyncio
async def test_fake_printer_failing_mid_job_is_not_printed(journal_path: Path) -> None:
    printer = FakePrinter()
    printer.fail_during_next_job(PrinterState.PAPER_OUT)
    service = PrintService(printer, PrintJournal(journal_path))
    outcome = await print_receipt(service)
    assert outcome.result is PrintResult.FAILED
    assert printer.printed_jobs == []
    printer.set_status(PrinterState.READY)
    assert (await service.reprint(outcome.job_id)).printed
    assert len(printer.printed_jobs) == 1


@pytest.mark.asyncio
async def test_preview_png_is_the_printed_raster(tmp_path: Path) -> None:
    printer = PreviewPrinter(tmp_path / "previews", width_mm=58)
    printer.keep_jobs = True  # to compare the page with the job; the demo's printer keeps none
    service = PrintService(printer, PrintJournal(tmp_path / "journal.sqlite3"))
    outcome = await service.print_document(RECEIPT, kind="payment_receipt", reference="PAY-1")
    assert outcome.printed
    (saved,) = printer.saved
    with Image.open(saved) as png:
        assert png.convert("1").tobytes() == printer.printed_jobs[0].preview.tobytes()
        assert png.width == 384


@pytest.mark.asyncio
async def test_a_preview_printer_keeps_no_page_in_memory_however_many_it_prints(tmp_path: Path) -> None:
    """A demo left running for days prints a receipt per customer: each page is a file, not memory."""
    printer = PreviewPrinter(tmp_path / "previews", width_mm=58)
    service = PrintService(printer, PrintJournal(tmp_path / "journal.sqlite3"))
    for n in range(SAVED_PAGES_KEPT + 5):
        assert (await service.print_document(RECEIPT, kind="payment_receipt", reference=f"PAY-{n}")).printed
    assert printer.printed_jobs == []
    pages = sorted((tmp_path / "previews").iterdir())
    assert len(pages) == SAVED_PAGES_KEPT + 5
    assert list(printer.saved) == pages[-SAVED_PAGES_KEPT:]
