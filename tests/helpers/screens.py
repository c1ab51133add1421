"""How a customer reaches each screen built so far, for tests that visit them all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from kiosk.app import KioskApp
from kiosk.printing.samples import sample_documents
from tests.helpers.widgets import tap


def _staff(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-bills")
    tap(bot, kiosk.window, "nav-call-staff")


def _idle(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-outages")
    kiosk.idle.idle()


def _print_preview(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-bills")
    document = sample_documents(kiosk.settings.kiosk_id)["payment_receipt"]
    loop = asyncio.get_event_loop()
    loop.run_until_complete(kiosk.print_document(document, kind="payment_receipt", reference="test"))


SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "home": lambda kiosk, bot: None,
    "coming-soon": lambda kiosk, bot: tap(bot, kiosk.window, "tile-requests"),
    "staff-called": _staff,
    "idle-warning": _idle,
    "print-preview": _print_preview,
}
