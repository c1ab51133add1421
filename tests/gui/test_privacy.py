"""Canary data through real sessions: nothing personal is left behind on the kiosk's disk or in its widgets.

A made-up citizen ID card (its name, number and residence unlike any demo data) and a made-up phone go through
a service request confirmed by a code, delivered at once; a second request made while the central is down,
saved, then delivered by the courier; and a payment to the end of its receipt. Then the customer goes home:
no widget, screen state or flow holds any of it, and no byte it wrote holds any of it (the data
directory with its SQLite files, their -wal and -shm, the printouts), searched while it runs as a kiosk in
service always does, and neither does its log. The canaries
are ASCII, so that they are found however a file encodes text (JSON escapes, UTF-8, UTF-16)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.demo.simulator import DemoClient
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.frame import Home, PrintPreview
from kiosk.flows.states.requests import RequestSubmitted
from kiosk.requests.records import Delivery
from kiosk.shell.app import KioskApp
from tests.helpers.central import RunningCentral
from tests.helpers.requests import fill_form, press, run, submit, to_form
from tests.helpers.widgets import held_anywhere, settle

CANARY_ID = "079088654321"
CANARY_NAME = "Kanari Zephyrine Qwill"
CANARY_RESIDENCE = "77 Kanariweg Xyzzy"
CANARY_PHONES = ("0987650123", "0987650456")
CANARY_CARD = f"{CANARY_ID}||{CANARY_NAME}|15041988|Nữ|{CANARY_RESIDENCE}|20052021"


def canaries() -> list[str]:
    return [CANARY_ID, CANARY_NAME, "Kanariweg", "Zephyrine", *CANARY_PHONES]


def encodings(value: str) -> list[bytes]:
    return [value.encode("utf-8"), value.encode("utf-16-le"), value.encode("utf-16-be")]


def found_in_files(root: Path, values: list[str]) -> list[str]:
    """Which of ``values`` the kiosk's files under ``root`` hold (the central's database there is not the
    kiosk's: it keeps requests for staff, as a central does)."""
    found = []
    kiosks = (p for p in root.rglob("*") if p.is_file() and not p.name.startswith("central."))
    for path in sorted(kiosks):
        raw = path.read_bytes()
        found += [f"{path.relative_to(root)}: {v}" for v in values if any(e in raw for e in encodings(v))]
    return found


def request_with_the_card(kiosk: KioskApp, bot: QtBot, phone: str) -> RequestSubmitted:
    to_form(kiosk, bot, "new_connection_lv")
    press(kiosk, bot, "consent-scan")
    assert isinstance(kiosk.scanner, FakeScanner)
    kiosk.scanner.scan(CANARY_CARD)
    settle(kiosk)
    fill_form(kiosk, bot, phone=phone)
    return submit(kiosk, bot)


def test_canaries_leave_no_trace_in_widgets_on_disk_or_in_the_log(
    kiosk: KioskApp,
    qtbot: QtBot,
    central: RunningCentral,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    first = request_with_the_card(kiosk, qtbot, CANARY_PHONES[0])
    assert first.item.state is Delivery.DELIVERED
    assert held_anywhere(kiosk.window, canaries())  # while the customer is on it, the test sees it
    press(kiosk, qtbot, "nav-home")
    settle(kiosk)

    # The central down: the request is saved on the kiosk, then the courier delivers it.
    real = kiosk.courier.client
    kiosk.courier.client = DemoClient("http://127.0.0.1:9", central.token, timeout=0.5, retries=0)
    try:
        queued = request_with_the_card(kiosk, qtbot, CANARY_PHONES[1])
    finally:
        run(kiosk.courier.client.aclose())  # type: ignore[attr-defined]
        kiosk.courier.client = real
    assert queued.item.state is Delivery.QUEUED
    assert found_in_files(tmp_path, canaries())  # waiting to be sent, it must be on disk
    press(kiosk, qtbot, "nav-home")
    settle(kiosk)
    assert run(kiosk.courier.deliver(queued.item.id)).state is Delivery.DELIVERED

    assert kiosk.navigator.current == Home()
    assert not isinstance(kiosk.navigator.current, PrintPreview)
    assert held_anywhere(kiosk.window, canaries()) == []
    # Searched with the kiosk still running, as a production kiosk always is: no clean close to tidy up.
    assert found_in_files(tmp_path, canaries()) == []
    messages = [f"{record.name}: {record.getMessage()}" for record in caplog.records]
    leaked = [message[:300] for message in messages if any(value in message for value in canaries())]
    assert leaked == []
