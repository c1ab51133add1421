"""The printer check that ``kiosk doctor`` shows."""

from __future__ import annotations

import pytest

from kiosk.config import PrinterSettings
from kiosk.devices.printer_check import check_printer
from kiosk.printing.printer_status import PrinterState
from tests.printing.conftest import PAPER_OUT, FakeNetworkPrinter


@pytest.mark.asyncio
async def test_no_printer_is_ok() -> None:
    check = await check_printer(PrinterSettings())
    assert check.ok
    assert check.detail == "no printer configured"


@pytest.mark.asyncio
async def test_ready_and_paper_out(net_printer: FakeNetworkPrinter) -> None:
    check = await check_printer(PrinterSettings(uri=net_printer.uri), timeout=0.3)
    assert check.ok
    assert check.status is PrinterState.READY
    net_printer.script = PAPER_OUT
    check = await check_printer(PrinterSettings(uri=net_printer.uri), timeout=0.3)
    assert not check.ok
    assert check.status is PrinterState.PAPER_OUT
    assert "new roll" in check.detail


@pytest.mark.asyncio
async def test_unusable_uri_is_not_ok() -> None:
    check = await check_printer(PrinterSettings(uri="tcp://printer:nine"), timeout=0.3)
    assert not check.ok
    assert "printer.uri unusable" in check.detail
