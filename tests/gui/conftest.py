"""The kiosk as `kiosk run --demo` builds it, against a real central server on loopback."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from kiosk.config import load_settings
from kiosk.demo.settings import demo_overrides
from kiosk.devices.chime import FakeChime
from kiosk.devices.silent_speakers import FakeSpeaker
from kiosk.shell.app import KioskApp
from kiosk.shell.event_loop import KioskEventLoop
from kiosk.shell.lifecycle import shut_down
from kiosk.views.panels import LANDSCAPE
from tests.helpers.central import RunningCentral
from tests.helpers.kiosks import demo_kiosk


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop: coroutines run on the Qt event loop, as in the kiosk (drive them with run_until_complete)."""
    loop = KioskEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def kiosk_overrides() -> dict[str, object]:
    """Config keys a test module sets for its kiosk (override this fixture in the module)."""
    return {}


@pytest.fixture
def kiosk(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    central: RunningCentral,
    tmp_path: Path,
    kiosk_overrides: dict[str, object],
) -> Iterator[KioskApp]:
    overrides = demo_overrides(central.url, central.token, tmp_path) | {"payment.poll_seconds": 0.5}
    settings = load_settings(None, {}, overrides=overrides | kiosk_overrides)
    # The kiosk's voice and chime are fakes that record what they were asked (tests/devices test the real ones).
    app = demo_kiosk(settings, qapp, speaker=FakeSpeaker(), chime=FakeChime())
    app.start_devices()
    app.window.resize(*LANDSCAPE)
    app.window.show()
    yield app
    close_kiosk(app, qloop, qapp)
    del app
    gc.collect()


def close_kiosk(app: KioskApp, qloop: asyncio.AbstractEventLoop, qapp: QApplication) -> None:
    """Stops a kiosk built for a test as `kiosk run` stops it: a QR left on screen is cancelled, background work
    awaited, journals closed, clocks stopped."""
    qloop.run_until_complete(shut_down(app))
    app.window.deleteLater()
    # Destroy this kiosk's Qt objects here, in the GUI thread (callers then collect the garbage): left to the
    # garbage collector, they could be destroyed in the central server's thread, which Qt refuses for objects
    # with timers.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
