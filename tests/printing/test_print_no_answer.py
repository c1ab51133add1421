"""A printer that never answers DLE EOT: status unknown (never ready), the job is not reported printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.devices.printer_uri import printer_from_uri
from kiosk.printing.journal import JobState
from kiosk.printing.printer_status import PrinterState
from tests.printing._failure import assert_left_for_staff, assert_reprint_after_fix, print_receipt
from tests.printing.conftest import SILENT, FakeNetworkPrinter, escpos_service
from tests.printing.escpos_stream import Query, Raster, parse


def test_status_of_a_silent_printer_is_unknown(net_printer: FakeNetworkPrinter) -> None:
    net_printer.script = SILENT
    assert printer_from_uri(net_printer.uri).status(timeout=0.2) is PrinterState.UNKNOWN


@pytest.mark.asyncio
async def test_job_to_a_silent_printer_is_unknown(
    net_printer: FakeNetworkPrinter, journal_path: Path
) -> None:
    net_printer.script = SILENT
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    events = parse(net_printer.received)
    assert [e for e in events if isinstance(e, Raster)]  # sent (the printer may be fine), but unconfirmed
    assert Query("gs_r", 1) in events
    assert outcome.status is PrinterState.UNKNOWN
    assert_left_for_staff(outcome, service, JobState.UNKNOWN)
    await assert_reprint_after_fix(service, net_printer, outcome.job_id)
