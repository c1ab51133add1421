"""Paper out before the job: nothing is sent, the receipt is left for staff, a reprint after refilling works."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.printing.journal import JobState
from kiosk.printing.printer_status import PrinterState
from tests.printing._failure import assert_left_for_staff, assert_reprint_after_fix, print_receipt
from tests.printing.conftest import PAPER_OUT, FakeNetworkPrinter, escpos_service
from tests.printing.escpos_stream import Raster, parse


@pytest.mark.asyncio
async def test_paper_out_before_the_job(net_printer: FakeNetworkPrinter, journal_path: Path) -> None:
    net_printer.script = PAPER_OUT
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    assert outcome.status is PrinterState.PAPER_OUT
    assert_left_for_staff(outcome, service, JobState.FAILED)
    assert not [e for e in parse(net_printer.received) if isinstance(e, Raster)]  # nothing was sent
    await assert_reprint_after_fix(service, net_printer, outcome.job_id)
