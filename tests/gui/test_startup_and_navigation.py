"""From start to the home screen, and around the frame's navigation."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.demo.settings import demo_overrides
from kiosk.flows.states.frame import Home, StaffCalled
from kiosk.flows.states.outages import OutageStart
from kiosk.flows.states.requests import ChooseService, TrackRequest
from kiosk.shell.app import KioskApp
from kiosk.shell.lifecycle import check_central
from kiosk.views.frame.home import HomeScreen
from tests.helpers.central import RunningCentral
from tests.helpers.kiosks import demo_kiosk
from tests.helpers.widgets import tap, visible_texts


def test_starts_on_home_with_the_central_reachable(kiosk: KioskApp, qloop: asyncio.AbstractEventLoop) -> None:
    assert qloop.run_until_complete(check_central(kiosk)) is None
    assert kiosk.central_reachable is True
    assert isinstance(kiosk.window.current_screen, HomeScreen)
    texts = visible_texts(kiosk.window)
    for key in ("home.tile.bills", "home.tile.requests", "home.tile.outages", "home.tile.track_request"):
        assert kiosk.tr._(key) in texts
    # Nowhere to go back to from home.
    assert kiosk.tr._("frame.back") not in texts


def test_a_wrong_token_is_reported_not_crashed(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, central: RunningCentral, tmp_path: Path
) -> None:
    overrides = demo_overrides(central.url, "not-the-token", tmp_path)
    kiosk = demo_kiosk(load_settings(None, {}, overrides=overrides), qapp)
    problem = qloop.run_until_complete(check_central(kiosk))
    qloop.run_until_complete(kiosk.client.aclose())
    assert problem is not None
    assert "refused" in problem
    assert "not-the-token" not in problem
    assert kiosk.central_reachable is False


def test_each_tile_opens_its_journey_and_back_returns_home(kiosk: KioskApp, qtbot: QtBot) -> None:
    for tile, first in (
        ("outages", OutageStart),
        ("requests", ChooseService),
        ("track_request", TrackRequest),
    ):
        tap(qtbot, kiosk.window, f"tile-{tile}")
        asyncio.get_event_loop().run_until_complete(kiosk.settle())
        assert isinstance(kiosk.navigator.current, first)
        tap(qtbot, kiosk.window, "nav-back")
        assert kiosk.navigator.current == Home()


def test_home_from_anywhere(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "nav-call-staff")
    assert kiosk.navigator.current == StaffCalled()
    assert kiosk.navigator.depth == 3
    tap(qtbot, kiosk.window, "nav-home")
    assert kiosk.navigator.current == Home()
    assert kiosk.navigator.depth == 1


def test_calling_staff_keeps_the_customers_place(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-track_request")
    tap(qtbot, kiosk.window, "nav-call-staff")
    assert kiosk.tr._("staff_called.heading") in visible_texts(kiosk.window)
    tap(qtbot, kiosk.window, "staff-called-continue")
    assert kiosk.navigator.current == TrackRequest()


def test_close_requests_are_ignored_outside_staff_mode(kiosk: KioskApp) -> None:
    kiosk.window.close()
    assert kiosk.window.isVisible()
    kiosk.window.allow_close = True
    kiosk.window.close()
    assert not kiosk.window.isVisible()
