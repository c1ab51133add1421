"""``kiosk print-test``: print a test page and report the printer's status.

Exit status: 0 when the printer confirmed the page; 1 when it is out of paper, offline, not answering or
did not confirm the page; 2 when the printer URI or the config file is unusable.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Literal, cast

from kiosk.config import ConfigError, PrinterSettings, Settings, config_path, load_settings
from kiosk.devices.paperless_printers import PreviewPrinter
from kiosk.devices.printer_uri import printer_from_uri
from kiosk.printing.documents import PrintTestPage, print_test_page
from kiosk.printing.printer_status import PrinterState, describe, is_printable
from kiosk.printing.records import JobState
from kiosk.printing.samples import PRINT_TEST_LABELS_VI, print_test_qr_payload, sample_header
from kiosk.printing.service import print_once

__all__ = ["configure_parser", "run"]

EXIT_OK, EXIT_PRINTER, EXIT_USAGE = 0, 1, 2


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print a test page (Vietnamese text with every tone mark, the kiosk id, a QR code, a barcode and the "
        "printer's status) and report whether the printer confirmed it. Without --printer, the configured "
        "printer is used."
    )
    parser.add_argument(
        "--printer",
        metavar="URI",
        help="usb://VID:PID, serial:///dev/ttyUSB0?baudrate=9600, tcp://HOST:9100, file:///dev/usb/lp0, "
        "cups://QUEUE or preview://DIR",
    )
    parser.add_argument(
        "--width", type=int, choices=(58, 80), help="paper width in mm (default: config, else 80)"
    )
    parser.add_argument("--profile", help="python-escpos printer profile, e.g. TM-T20II (default: config)")
    parser.add_argument(
        "--text-mode", action="store_true", help="print text in the printer's CP1258 code page"
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="config file (default: the kiosk's own)")
    parser.add_argument("--kiosk-id", help="kiosk id on the page (default: config)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how long to wait for each status answer",
    )
    parser.set_defaults(handler=run)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _fail(line: str) -> None:
    sys.stderr.write(f"kiosk print-test: {line}\n")


def run(args: argparse.Namespace) -> int:
    settings: Settings | None = None
    try:
        settings = load_settings(config_path(args.config, os.environ))
    except ConfigError as exc:
        if args.config is not None or args.printer is None:
            _fail(f"{exc}")
            return EXIT_USAGE
    configured = settings.printer if settings else PrinterSettings()
    uri = args.printer or configured.uri
    if uri is None:
        _fail("no printer configured: give --printer URI or set printer.uri in the config")
        return EXIT_USAGE
    width = cast(Literal[58, 80], args.width or configured.width_mm)
    try:
        printer = printer_from_uri(
            uri,
            width_mm=width,
            profile=args.profile or configured.profile,
            text_mode=args.text_mode or configured.text_mode,
            timeout=max(args.timeout, 2.0),
        )
    except ValueError as exc:
        _fail(str(exc))
        return EXIT_USAGE

    _say(f"printer: {printer.description} ({width} mm, {printer.dot_width} dots)")
    status = printer.status(timeout=args.timeout)
    _say(f"status: {describe(status)}")
    if status is not PrinterState.UNKNOWN and not is_printable(status):
        _fail(f"test page not printed: {describe(status)}")
        return EXIT_PRINTER

    kiosk_id = args.kiosk_id or (settings.kiosk_id if settings else "unconfigured")
    header = sample_header(kiosk_id, settings.location_name if settings and settings.location_name else "")
    page = print_test_page(
        PrintTestPage(
            header=header,
            printed_at=datetime.now(),
            printer=printer.description,
            width_mm=width,
            dot_width=printer.dot_width,
            status=str(status),
            qr_payload=print_test_qr_payload(kiosk_id),
        ),
        PRINT_TEST_LABELS_VI,
    )
    result = print_once(printer, page, status_timeout=args.timeout, confirm_timeout=max(args.timeout, 3.0))
    if isinstance(printer, PreviewPrinter) and printer.saved:
        _say(f"preview saved: {printer.saved[-1]}")
    if result.state is JobState.CONFIRMED:
        _say(f"test page printed and confirmed by the printer ({describe(result.status)})")
        return EXIT_OK
    _fail(f"test page not confirmed: {result.detail}")
    if result.status is PrinterState.UNKNOWN:
        _fail(describe(result.status))
    return EXIT_PRINTER
