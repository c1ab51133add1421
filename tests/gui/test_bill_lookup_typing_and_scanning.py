"""Finding the account: typing the code on the keypad, or scanning it off a paper bill."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.settings import DEMO_UNITS
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.bills import AccountOverview, EnterCode, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Home
from kiosk.shell.app import KioskApp
from kiosk.views.bills.enter_code import EnterCodeScreen
from tests.helpers.requests import press
from tests.helpers.screens import settle, type_code
from tests.helpers.widgets import tap, visible_texts


def _text(kiosk: KioskApp, name: str) -> str:
    widget = kiosk.window.current_screen.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def _submit(kiosk: KioskApp) -> QAbstractButton:
    button = kiosk.window.findChild(QAbstractButton, "code-submit")
    assert button is not None
    return button


def _keypad(kiosk: KioskApp, unit: str = "", digits: str = "", *, typing_unit: bool = False) -> EnterCode:
    return EnterCode(unit, digits, typing_unit=typing_unit, units=kiosk.bills.units)


def test_the_kiosks_units_are_offered_by_name_with_one_tap_each(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    assert kiosk.navigator.current == _keypad(kiosk)
    texts = visible_texts(kiosk.window)
    for code, name in DEMO_UNITS:  # the demo's configuration
        assert name in texts
        assert code in texts
    assert kiosk.tr._("enter_code.other_unit") in texts
    assert kiosk.tr._("enter_code.where") in texts  # the format: 13 characters, the unit code then 7 digits
    assert _text(kiosk, "code-display") == "______ ___ ____"
    assert not _submit(kiosk).isVisibleTo(kiosk.window)  # nothing to look up yet: one decision at a time
    # The demo kiosk has a scanner: the screen says where to hold the bill.
    assert kiosk.has_scanner
    assert kiosk.tr._("enter_code.scan_hint") in texts


def test_a_kiosk_without_a_scanner_does_not_offer_one(kiosk: KioskApp, qtbot: QtBot) -> None:
    screen = EnterCodeScreen(kiosk.tr)
    qtbot.addWidget(screen)
    screen.set_scanner(False)
    screen.show()
    assert not any("quét" in t or "scan" in t.lower() for t in visible_texts(screen))
    screen.set_scanner(True)
    assert kiosk.tr._("enter_code.scan_hint") in visible_texts(screen)


def test_clear_is_beside_the_code_and_not_beside_the_zero(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PE0100012")
    window = kiosk.window
    zero, clear, delete = (
        window.findChild(QAbstractButton, name) for name in ("key-0", "key-clear", "key-delete")
    )
    assert zero is not None
    assert clear is not None
    assert delete is not None
    assert clear.isVisible()

    def around(widget: QWidget, margin: int) -> QRect:
        return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()).adjusted(
            -margin, -margin, margin, margin
        )

    assert around(zero, 16).intersects(around(delete, 0))
    assert not around(zero, 48).intersects(around(clear, 0))


def test_typing_shows_the_code_in_its_groups_and_says_what_is_missing(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PE0100012")
    assert kiosk.navigator.current == _keypad(kiosk, "PE0100", "012")
    assert _text(kiosk, "code-display") == "PE0100 012 ____"
    assert _text(kiosk, "code-unit-name") == kiosk.tr._("enter_code.unit_name", name="Điện lực Sài Gòn")
    assert _text(kiosk, "code-status") == "Còn thiếu 4 chữ số."
    assert not _submit(kiosk).isEnabled()
    for digit in "3456":
        tap(qtbot, kiosk.window, f"key-{digit}")
    assert _text(kiosk, "code-display") == "PE0100 012 3456"
    assert _submit(kiosk).isEnabled()
    # An eighth digit does not fit a customer code: the keypad takes no more.
    tap(qtbot, kiosk.window, "key-7")
    assert kiosk.navigator.current == _keypad(kiosk, "PE0100", "0123456")


def test_another_units_code_is_typed_letter_by_letter_and_checked(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "unit-other")
    assert _text(kiosk, "code-status") == kiosk.tr._("enter_code.status.type_unit")
    for key in "pz":
        press(kiosk, qtbot, f"kb-{key}")
    # Not the start of any unit code: said in words, with the key that fixes it.
    assert _text(kiosk, "code-status") == kiosk.tr._(
        "enter_code.status.not_a_unit", button=kiosk.tr._("keyboard.backspace")
    )
    press(kiosk, qtbot, "kb-backspace")
    for key in "nhl0":
        press(kiosk, qtbot, f"kb-{key}")
    assert _text(kiosk, "code-display") == "PNHL0_ ___ ____"
    assert _text(kiosk, "code-status") == "Mã đơn vị còn thiếu 1 ký tự."
    press(kiosk, qtbot, "kb-0")  # Điện lực Hoa Lư, which this kiosk does not list: the digits come next
    assert kiosk.navigator.current == _keypad(kiosk, "PNHL00", typing_unit=True)
    assert _text(kiosk, "code-unit-name") == kiosk.tr._("enter_code.unit_name", name="PNHL00")
    tap(qtbot, kiosk.window, "key-1")
    tap(qtbot, kiosk.window, "key-delete")
    tap(qtbot, kiosk.window, "key-delete")  # back into the unit code, on its keyboard
    assert kiosk.navigator.current == _keypad(kiosk, "PNHL0", typing_unit=True)
    press(kiosk, qtbot, "unit-list")
    assert kiosk.navigator.current == _keypad(kiosk)


def test_delete_clear_and_changing_the_unit(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PA120012")
    tap(qtbot, kiosk.window, "key-clear")
    assert kiosk.navigator.current == _keypad(kiosk, "PA1200")
    tap(qtbot, kiosk.window, "key-5")
    tap(qtbot, kiosk.window, "unit-change")
    assert kiosk.navigator.current == _keypad(kiosk)
    tap(qtbot, kiosk.window, "unit-PD0200")
    tap(qtbot, kiosk.window, "key-1")
    tap(qtbot, kiosk.window, "key-delete")
    assert kiosk.navigator.current == _keypad(kiosk, "PD0200")
    tap(qtbot, kiosk.window, "key-delete")  # a unit chosen with one tap goes with one delete
    assert kiosk.navigator.current == _keypad(kiosk)


def test_a_typed_code_opens_the_account_with_what_the_central_says_is_owed(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    type_code(kiosk, qtbot, "PE01000123456")
    tap(qtbot, kiosk.window, "code-submit")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, AccountOverview)
    assert state.customer.code == "PE01000123456"
    texts = visible_texts(kiosk.window)
    assert state.customer.name in texts  # masked by the central: "Nguyễn V** H***"
    assert "*" in state.customer.name
    assert kiosk.tr.money(state.unpaid.total_due) == _text(kiosk, "account-total-due")
    assert kiosk.session.customer_code == "PE01000123456"


def test_back_from_the_account_returns_to_the_keypad_with_the_code_still_typed(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    type_code(kiosk, qtbot, "PE01000123456")
    tap(qtbot, kiosk.window, "code-submit")
    settle(kiosk)
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == _keypad(kiosk, "PE0100", "0123456")
    assert _text(kiosk, "code-display") == "PE0100 012 3456"


def _scanner(kiosk: KioskApp) -> FakeScanner:
    assert isinstance(kiosk.scanner, FakeScanner)
    return kiosk.scanner


def test_a_scan_on_the_home_screen_jumps_straight_to_the_account(kiosk: KioskApp, qtbot: QtBot) -> None:
    assert kiosk.navigator.current == Home()
    assert _scanner(kiosk).scan("PE01000123456\r\n")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, AccountOverview)
    assert state.customer.code == "PE01000123456"
    assert kiosk.session.active
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == Home()


def test_a_scan_on_the_keypad_looks_the_scanned_code_up(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PA12")
    _scanner(kiosk).scan("https://cskh.evn.example/tra-cuu?makh=PD02000234567")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, AccountOverview)
    assert state.customer.code == "PD02000234567"


def test_a_scan_in_the_middle_of_an_account_is_ignored(kiosk: KioskApp, qtbot: QtBot) -> None:
    _scanner(kiosk).scan("PE01000123456")
    settle(kiosk)
    before = kiosk.navigator.current
    _scanner(kiosk).scan("PD02000234567")
    settle(kiosk)
    assert kiosk.navigator.current is before


def test_scanning_an_id_card_or_something_else_says_what_to_scan(kiosk: KioskApp, qtbot: QtBot) -> None:
    _scanner(kiosk).scan("001089012345|012345678|Nguyễn Văn An|01011989|Nam|Hà Nội|01012021")
    settle(kiosk)
    assert kiosk.navigator.current == LookupFailed(LookupProblem.ID_CARD, None, can_retry=False)
    assert kiosk.tr._("failed.id_card") in visible_texts(kiosk.window)
    assert not any("Nguyễn Văn An" in t for t in visible_texts(kiosk.window))
    _scanner(kiosk).scan("8935049501234")  # a product barcode
    settle(kiosk)
    assert kiosk.navigator.current == LookupFailed(LookupProblem.NOT_A_BILL, None, can_retry=False)
    tap(qtbot, kiosk.window, "failed-retype")
    assert kiosk.navigator.current == _keypad(kiosk)
