"""The printer check of ``kiosk doctor``: can the configured printer print right now?"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from kiosk.config import PrinterSettings
from kiosk.devices.printer_uri import printer_from_uri
from kiosk.printing.printer_status import PrinterState, PrinterStatus, describe, is_printable

__all__ = ["PrinterCheck", "check_printer"]


@dataclass(frozen=True)
class PrinterCheck:
    ok: bool
    status: PrinterStatus | None  # None: no printer configured, or its URI is unusable
    detail: str  # one English line for operators; says what to do when not ok


# ASYNC109: `timeout` bounds each status read inside the worker thread; it is the interface doctor calls.
async def check_printer(settings: PrinterSettings, *, timeout: float = 2.0) -> PrinterCheck:  # noqa: ASYNC109
    if settings.uri is None:
        return PrinterCheck(True, None, "no printer configured")
    uri = settings.uri

    def probe() -> tuple[str, PrinterStatus]:
        printer = printer_from_uri(
            uri,
            width_mm=settings.width_mm,
            profile=settings.profile,
            text_mode=settings.text_mode,
            timeout=timeout,
        )
        return printer.description, printer.status(timeout=timeout)

    try:
        # The thread cannot be cancelled, but doctor need not wait for a driver that hangs past its timeouts.
        where, status = await asyncio.wait_for(asyncio.to_thread(probe), timeout=4 * timeout + 2)
    except ValueError as exc:
        return PrinterCheck(False, None, f"printer.uri unusable: {exc}")
    except TimeoutError:
        return PrinterCheck(False, PrinterState.UNKNOWN, f"{uri}: {describe(PrinterState.UNKNOWN)}")
    return PrinterCheck(is_printable(status), status, f"{where}: {describe(status)}")
