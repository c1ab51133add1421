"""Cover open: not sent, left for staff, reprinted once the cover is closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.printing.journal import JobState
from kiosk.printing.printer_status import PrinterState
from tests.printing._failure import assert_left_for_staff, assert_reprint_after_fix, print_receipt
from tests.printing.conftest import COVER_OPEN, FakeNetworkPrinter, escpos_service


@pytest.mark.asyncio
async def test_cover_open(net_printer: FakeNetworkPrinter, journal_path: Path) -> None:
    net_printer.script = COVER_OPEN
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    assert outcome.status is PrinterState.COVER_OPEN
    assert "close the cover" in outcome.detail
    assert_left_for_staff(outcome, service, JobState.FAILED)
    await assert_reprint_after_fix(service, net_printer, outcome.job_id)
