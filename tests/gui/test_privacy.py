"""Canary data through real sessions: nothing personal is left behind on the kiosk's disk or in its widgets.

A made-up citizen ID card (its name, number and residence unlike any demo data) and a made-up phone go through
a service request confirmed by a code, delivered at once; a second request made while the central is down,
saved, then delivered by the courier; a payment to the end of its receipt; and requests left half done by the
idle wipe and by staff mode. Then: no widget, screen state or flow holds any of it, and no byte the kiosk wrote
holds any of it: the data directory with its SQLite files, their -wal and -shm, the printouts (the documents in
the print journal, and the QR codes in the printed images, decoded), the temporary directory and Qt's settings,
config, cache and data homes (pointed into the test's directory, so that all of them are searched), searched
while it runs as a kiosk in service always does, and neither does its log. A kiosk killed in the middle of a
delivery and restarted is searched by tests/faults/test_outbox_kill_restart.py. The canaries are ASCII, so that
they are found however a file encodes text (JSON escapes, UTF-8, UTF-16), and the account's unmasked details
(which the central never sends) are searched for as well."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pytestqt.qtbot import QtBot

from kiosk.demo.keys import DemoKeys
from kiosk.demo.simulator import DemoClient
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.frame import Home, PrintPreview
from kiosk.flows.states.payment import PayByQr
from kiosk.flows.states.requests import ConfirmOtp, RequestSubmitted
from kiosk.flows.states.staff import StaffHome
from kiosk.payments.records import PaymentState
from kiosk.requests.records import Delivery
from kiosk.shell.app import KioskApp
from tests.gui.test_staff_mode import PIN_HASH, RIGHT_PIN, enter_pin, staff_key
from tests.helpers.canaries import Search, search_files
from tests.helpers.central import RunningCentral
from tests.helpers.requests import fill_form, press, run, submit, to_form, type_digits
from tests.helpers.screens import open_account
from tests.helpers.widgets import held_anywhere, settle, tap

CANARY_ID = "079088654321"
CANARY_NAME = "Kanari Zephyrine Qwill"
CANARY_RESIDENCE = "77 Kanariweg Xyzzy"
CANARY_PHONES = ("0987650123", "0987650456", "0987650789", "0987650987")
CANARY_CARD = f"{CANARY_ID}||{CANARY_NAME}|15041988|Nữ|{CANARY_RESIDENCE}|20052021"
# The demo account paid: the central keeps these whole and sends them masked; the kiosk never has them.
PAYER = "PE01000123456"
PAYER_UNMASKED = ("Nguyễn Văn Hùng", "Đường Lê Lợi", "0912345678")
HOMES = ("temp", "config", "cache", "data")


def canaries() -> list[str]:
    return [CANARY_ID, CANARY_NAME, "Kanariweg", "Zephyrine", *CANARY_PHONES, *PAYER_UNMASKED]


@pytest.fixture
def private_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kiosk's temporary directory and the XDG homes Qt keeps settings, config, caches and data in, inside
    the test's directory: what the kiosk writes there is searched with the rest."""
    for name in HOMES:
        (tmp_path / name).mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "temp"))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    for variable, name in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_DATA_HOME", "data"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / name))
    return tmp_path


@pytest.fixture
def kiosk_overrides(private_homes: Path) -> dict[str, object]:
    """A staff PIN, for staff mode; after the homes, so that the kiosk is built with them."""
    return {"staff.pin_hash": PIN_HASH}


def the_kiosks_files(root: Path, values: list[str]) -> Search:
    """Every file under ``root`` but the central's database (it keeps requests for staff, as a central
    does), and the QR codes of the printed images, decoded."""
    search = search_files(root, values, skip=lambda path: path.name.startswith("central."))
    for image in sorted(root.rglob("*.png")):
        for code in zxingcpp.read_barcodes(Image.open(image)):
            search.hits += [f"{image.relative_to(root)} (QR): {v}" for v in values if v in code.text]
    return search


def card_on_screen(kiosk: KioskApp, bot: QtBot, phone: str) -> None:
    """A request filled in from the canary card, up to its review."""
    to_form(kiosk, bot, "new_connection_lv")
    press(kiosk, bot, "consent-scan")
    assert isinstance(kiosk.scanner, FakeScanner)
    kiosk.scanner.scan(CANARY_CARD)
    settle(kiosk)
    fill_form(kiosk, bot, phone=phone)


def request_with_the_card(kiosk: KioskApp, bot: QtBot, phone: str) -> RequestSubmitted:
    card_on_screen(kiosk, bot, phone)
    return submit(kiosk, bot)


def half_done_request(kiosk: KioskApp, bot: QtBot, phone: str) -> None:
    """A request confirmed up to its code, half typed: the card, the form and the phone all held."""
    card_on_screen(kiosk, bot, phone)
    press(kiosk, bot, "review-confirm")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, ConfirmOtp)
    type_digits(kiosk, bot, "12")
    assert held_anywhere(kiosk.window, canaries())


def pay_to_the_receipt(kiosk: KioskApp, bot: QtBot) -> None:
    """The demo customer pays all their bills by QR, the demo bank sends the money, the receipt prints."""
    open_account(kiosk, bot, PAYER)
    tap(bot, kiosk.window, "account-pay")
    tap(bot, kiosk.window, "choose-continue")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    DemoKeys(kiosk).pay()
    settle(kiosk)
    run(kiosk.payments.followed())
    assert kiosk.keeper.journal.get(state.payment.id).state is PaymentState.CONFIRMED


def test_canaries_leave_no_trace_in_widgets_on_disk_or_in_the_log(
    kiosk: KioskApp,
    qtbot: QtBot,
    central: RunningCentral,
    private_homes: Path,
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
    assert the_kiosks_files(private_homes, canaries()).hits  # waiting to be sent, it must be on disk
    press(kiosk, qtbot, "nav-home")
    settle(kiosk)
    assert run(kiosk.courier.deliver(queued.item.id)).state is Delivery.DELIVERED

    pay_to_the_receipt(kiosk, qtbot)
    assert any(image.suffix == ".png" for image in private_homes.rglob("*"))  # the receipt, printed
    if isinstance(kiosk.navigator.current, PrintPreview):
        kiosk.navigator.back()
    press(kiosk, qtbot, "paid-done")
    settle(kiosk)

    # Left half done: the idle wipe ends one, staff mode the other.
    half_done_request(kiosk, qtbot, CANARY_PHONES[2])
    # The code screen waits longer than the idle time (the customer is reading their phone): its countdown's
    # end, straight away.
    kiosk.idle.end_session()
    settle(kiosk)
    assert kiosk.navigator.current == Home()
    assert held_anywhere(kiosk.window, canaries()) == []
    half_done_request(kiosk, qtbot, CANARY_PHONES[3])
    staff_key(kiosk)
    enter_pin(kiosk, RIGHT_PIN)
    assert isinstance(kiosk.navigator.current, StaffHome)
    assert held_anywhere(kiosk.window, canaries()) == []
    tap(qtbot, kiosk.window, "nav-back")  # staff leave to a fresh home
    settle(kiosk)

    assert kiosk.navigator.current == Home()
    assert held_anywhere(kiosk.window, canaries()) == []
    # Searched with the kiosk still running, as a production kiosk always is: no clean close to tidy up.
    search = the_kiosks_files(private_homes, canaries())
    assert search.hits == []
    assert search.files >= 6  # the journals (and their -wal), the printouts: the search did read them
    print(f"canary search: {len(canaries())} canaries, {search.files} files, {search.size} bytes, 0 found")
    messages = [f"{record.name}: {record.getMessage()}" for record in caplog.records]
    leaked = [message[:300] for message in messages if any(value in message for value in canaries())]
    assert leaked == []
