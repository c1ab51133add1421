"""Building a kiosk from its configuration: the central's client, the printer with its print journal, the
scanner, the payment journal and the request outbox, then the application that wires them (:mod:`kiosk.shell.app`)."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.config import Settings
from kiosk.devices.chime import Chime
from kiosk.devices.printer_uri import printer_from_uri
from kiosk.devices.scanner import scanner_from_uri
from kiosk.devices.speaker import Speaker
from kiosk.language.catalogs import Translator
from kiosk.payments.journal import PaymentJournal
from kiosk.printing.journal import PrintJournal
from kiosk.printing.render_worker import RenderWorker
from kiosk.printing.service import PrintService
from kiosk.requests.outbox import Outbox
from kiosk.shell.app import KioskApp
from kiosk.views.theme import load_fonts

C = TypeVar("C", bound=CentralClient)


def central_client(settings: Settings, kind: type[C] = CentralClient) -> C:  # type: ignore[assignment]
    """The client for the configured central (``kind``: the demo's, with its simulation calls)."""
    return kind.for_settings(settings.central)


def build_kiosk(
    settings: Settings,
    qt_app: QApplication,
    *,
    client: CentralClient | None = None,
    speaker: Speaker | None = None,
    chime: Chime | None = None,
) -> KioskApp:
    """The kiosk as `kiosk run` builds it (tests use this too, with a recording speaker and chime, and the demo's
    client). Raises CatalogError / FileNotFoundError when an asset is missing."""
    load_fonts()
    tr = Translator.load(language=settings.ui.default_language)
    client = client if client is not None else central_client(settings)
    printing = None
    p = settings.printer
    if p.uri is not None:
        printer = printer_from_uri(p.uri, width_mm=p.width_mm, profile=p.profile, text_mode=p.text_mode)
        printing = PrintService(printer, PrintJournal.in_data_dir(settings.data_dir), renderer=RenderWorker())
    scanner = scanner_from_uri(settings.scanner.uri) if settings.scanner.uri is not None else None
    journal = PaymentJournal.in_data_dir(
        settings.data_dir, kiosk_id=settings.kiosk_id, watch=timedelta(hours=settings.payment.watch_hours)
    )
    outbox = Outbox.in_data_dir(settings.data_dir)
    return KioskApp(
        settings, tr, client, qt_app, journal, outbox, printing, scanner, speaker=speaker, chime=chime
    )
