"""Kiosks for tests, built as `kiosk run --demo` builds them: with the demo's client, which can also play the
customer's bank and phone (the demo central's /v1/sim/)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk.config import Settings
from kiosk.demo.simulator import DemoClient
from kiosk.shell.app import KioskApp
from kiosk.shell.build import build_kiosk, central_client


def demo_kiosk(settings: Settings, qapp: QApplication, **parts: Any) -> KioskApp:
    return build_kiosk(settings, qapp, client=central_client(settings, DemoClient), **parts)


def simulator(kiosk: KioskApp) -> DemoClient:
    """The demo kiosk's client, as the simulation of the world around it."""
    assert isinstance(kiosk.client, DemoClient)
    return kiosk.client
