"""Offline: the printer says so, or cannot be reached at all (nothing listening on the port)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kiosk.devices.printer import PrinterFault
from kiosk.printing.journal import JobState
from kiosk.printing.printer_status import PrinterState
from tests.printing._failure import assert_left_for_staff, assert_reprint_after_fix, print_receipt
from tests.printing.conftest import CUTTER_JAM, OFFLINE, FakeNetworkPrinter, escpos_service


@pytest.mark.asyncio
async def test_printer_reports_offline(net_printer: FakeNetworkPrinter, journal_path: Path) -> None:
    net_printer.script = OFFLINE
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    assert outcome.status is PrinterState.OFFLINE
    assert_left_for_staff(outcome, service, JobState.FAILED)
    await assert_reprint_after_fix(service, net_printer, outcome.job_id)


@pytest.mark.asyncio
async def test_printer_unreachable(journal_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    service = escpos_service(f"tcp://127.0.0.1:{port}", journal_path)  # nothing listens there any more
    outcome = await print_receipt(service)
    assert outcome.status is PrinterState.OFFLINE
    assert_left_for_staff(outcome, service, JobState.FAILED)


@pytest.mark.asyncio
async def test_cutter_jam_is_an_error_with_its_kind(
    net_printer: FakeNetworkPrinter, journal_path: Path
) -> None:
    net_printer.script = CUTTER_JAM
    service = escpos_service(net_printer.uri, journal_path)
    outcome = await print_receipt(service)
    assert outcome.status == PrinterFault("cutter")
    assert_left_for_staff(outcome, service, JobState.FAILED)
