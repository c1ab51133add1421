"""How a customer reaches each screen built so far, for tests that visit them all."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from kiosk.app import KioskApp
from tests.helpers.widgets import tap


def _staff(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-bills")
    tap(bot, kiosk.window, "nav-call-staff")


def _idle(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-outages")
    kiosk.idle.idle()


SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "home": lambda kiosk, bot: None,
    "coming-soon": lambda kiosk, bot: tap(bot, kiosk.window, "tile-requests"),
    "staff-called": _staff,
    "idle-warning": _idle,
}
