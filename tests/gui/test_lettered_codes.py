"""A customer code whose unit code has letters (``PC05CC``, Điện lực Hội An; most real unit codes have some), end to
end on the real kiosk against the real central: typed with the unit's one tap, typed with "another unit", or
scanned off the bill, then looked up, paid and printed on the receipt."""

from __future__ import annotations

import asyncio

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.devices.scanner import FakeScanner
from kiosk.devices.silent_speakers import FakeSpeaker
from kiosk.flows.states.bills import AccountOverview, EnterCode, EntryStep
from kiosk.flows.states.frame import PrintPreview
from kiosk.flows.states.payment import ChooseMethod, PayByQr, PaymentReceived
from kiosk.guidance import guidance
from kiosk.shell.app import KioskApp
from tests.helpers.central import RunningCentral
from tests.helpers.requests import press
from tests.helpers.widgets import settle, tap, visible_texts

CODE = "PC05CC0789012"  # the demo's customer in Hội An (kiosk_central.demo)
UNIT_NAME = "Điện lực Hội An"


def run(coroutine: object) -> object:
    return asyncio.get_event_loop().run_until_complete(coroutine)  # type: ignore[arg-type]


def _text(kiosk: KioskApp, name: str) -> str:
    widget = kiosk.window.current_screen.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def _type(kiosk: KioskApp, qtbot: QtBot, how: str) -> int:
    """Types CODE as a customer does; the number of taps it took, Look up included."""
    taps = 0

    def touch(name: str) -> None:
        nonlocal taps
        press(kiosk, qtbot, name)
        taps += 1

    touch("tile-bills")
    assert kiosk.navigator.current == EnterCode(units=kiosk.bills.units)
    assert UNIT_NAME in visible_texts(kiosk.window)  # the unit is offered by its name
    if how == "unit-choice":
        touch("unit-PC05CC")
    else:
        touch("unit-other")
        for key in "pc05c":
            touch(f"kb-{key}")
        assert _text(kiosk, "code-display") == "PC05C_ ___ ____"
        assert _text(kiosk, "code-status") == kiosk.tr.ngettext("enter_code.status.unit_missing", 1, n=1)
        touch("kb-c")
    state = kiosk.navigator.current
    assert isinstance(state, EnterCode)
    assert (state.unit, state.step) == ("PC05CC", EntryStep.NUMBER)
    assert _text(kiosk, "code-unit-name") == kiosk.tr._("enter_code.unit_name", name=UNIT_NAME)
    for digit in CODE[6:]:
        touch(f"key-{digit}")
    assert _text(kiosk, "code-display") == "PC05CC 078 9012"
    touch("code-submit")
    settle(kiosk)
    return taps


def _scan(kiosk: KioskApp) -> None:
    scanner = kiosk.scanner
    assert isinstance(scanner, FakeScanner)
    # The bill's barcode, read by a scanner that reports the symbology (]C0: Code 128), with its line end.
    assert scanner.scan(f"]C0{CODE}\r\n")
    settle(kiosk)


async def _transfer(kiosk: KioskApp, reference: str, amount: int) -> None:
    await kiosk.client.sim_bank_transfer(reference, amount)  # type: ignore[attr-defined]


def _pay_to_the_receipt(kiosk: KioskApp, qtbot: QtBot) -> Image.Image:
    """From the account: pay every unpaid bill, the bank says the money arrived; the receipt printed."""
    tap(qtbot, kiosk.window, "account-pay")
    tap(qtbot, kiosk.window, "choose-continue")
    settle(kiosk)
    if isinstance(kiosk.navigator.current, ChooseMethod):  # a central that offers more than one kind of QR
        tap(qtbot, kiosk.window, "method-vietqr")
        settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    assert state.payment.order.customer_code == CODE
    assert state.payment.reference is not None
    run(_transfer(kiosk, state.payment.reference, state.payment.amount))
    run(kiosk.payments.followed())
    preview = kiosk.navigator.current
    assert isinstance(preview, PrintPreview)  # the demo's printer shows the receipt on screen
    image = Image.open(preview.image)
    tap(qtbot, kiosk.window, "nav-back")
    assert isinstance(kiosk.navigator.current, PaymentReceived)
    return image


@pytest.mark.parametrize("how", ["unit-choice", "another-unit", "scan"])
def test_a_code_with_letters_goes_from_lookup_to_the_receipt(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral, how: str
) -> None:
    if how == "scan":
        _scan(kiosk)
    else:
        taps = _type(kiosk, qtbot, how)
        # The bills tile, the unit, 7 digits, Look up: 10 taps (it was 14, for two letters and 11 digits); with
        # "another unit", that and the 6 characters of the unit code in place of its one tap: 16.
        assert taps == (10 if how == "unit-choice" else 16)
    account = kiosk.navigator.current
    assert isinstance(account, AccountOverview)
    assert account.customer.code == CODE
    assert (account.customer.district_unit.code, account.customer.district_unit.name.vi) == (
        "PC05CC",
        UNIT_NAME,
    )
    assert account.customer.corporation.code == "EVNCPC"
    assert account.unpaid.bills
    assert kiosk.tr._("account.code", code="PC05CC 078 9012") in visible_texts(kiosk.window)

    receipt = _pay_to_the_receipt(kiosk, qtbot)
    barcodes = [
        (str(r.format).replace(" ", ""), r.text) for r in zxingcpp.read_barcodes(receipt.convert("L"))
    ]
    assert ("Code128", CODE) in barcodes  # the receipt's barcode carries the code, letters and all
    unpaid = run(kiosk.client.bills(CODE, "unpaid"))
    assert not unpaid.bills  # type: ignore[attr-defined]


def test_assisted_mode_says_each_step_of_the_code_once_not_each_character(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    speaker = kiosk.speaker
    assert isinstance(speaker, FakeSpeaker)
    tap(qtbot, kiosk.window, "home-assisted")
    press(kiosk, qtbot, "tile-bills")
    assert "Điện lực Hội An" in speaker.spoken[-1].text  # the units are said by name
    press(kiosk, qtbot, "unit-other")
    keyboard = len(speaker.spoken)
    assert speaker.spoken[-1].text == guidance(kiosk.navigator.current, kiosk.tr)  # type: ignore[arg-type]
    for key in "pc05c":
        press(kiosk, qtbot, f"kb-{key}")
    assert len(speaker.spoken) == keyboard  # typing is not read back at every key
    press(kiosk, qtbot, "kb-c")  # the whole unit code: on to the digits, a new step
    assert len(speaker.spoken) == keyboard + 1
    assert speaker.spoken[-1].text == kiosk.tr._("say.enter_code.unit_chosen", unit=UNIT_NAME)
    for digit in CODE[6:]:
        press(kiosk, qtbot, f"key-{digit}")
    assert len(speaker.spoken) == keyboard + 1
