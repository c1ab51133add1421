"""The paper runs out half-way through the receipt: reported failed, never printed; reprinted whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.printing.journal import JobState
from kiosk.printing.printer_status import PrinterState
from tests.printing._failure import assert_left_for_staff, assert_reprint_after_fix, print_receipt
from tests.printing.conftest import PAPER_OUT, FakeNetworkPrinter, escpos_service
from tests.printing.escpos_stream import Raster, parse


@pytest.mark.asyncio
async def test_paper_out_in_the_middle_of_the_job(
    net_printer: FakeNetworkPrinter, journal_path: Path
) -> None:
    net_printer.switch_after(20_000, PAPER_OUT)  # the receipt's raster is ~70 kB at 80 mm
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    assert [e for e in parse(net_printer.received) if isinstance(e, Raster)]  # the job did go out
    assert outcome.status is PrinterState.PAPER_OUT
    assert_left_for_staff(outcome, service, JobState.FAILED)
    assert service.journal.attempts(outcome.job_id)[0][2] is JobState.FAILED
    await assert_reprint_after_fix(service, net_printer, outcome.job_id)
