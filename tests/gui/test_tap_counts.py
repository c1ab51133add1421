"""How many taps a customer needs, counted on the real window against the real central (issue 20, deliverable 4).

Every tap is a real mouse click on a button the customer can see; each journey's path of taps is written out
below as the buttons' object names, and the test asserts the clicks made were exactly that path and that the
journey's end was reached. The counts are printed and attached to the test report (``record_property``).

What the customer does not tap is done as the world does it: the scanner reads the bill or the ID card, the bank
says the money arrived (the demo central's bank simulation), the phone receives the confirmation code (the demo
central's SMS simulation). The demo's printer shows what it printed on screen; the receipt or slip is printed
when that preview comes up, so closing it is not counted (a real printer needs no tap)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.keys import DEMO_ID_CARD_SCAN
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.bills import AccountOverview
from kiosk.flows.states.frame import Home, PrintPreview
from kiosk.flows.states.payment import PayByQr
from kiosk.flows.states.requests import ConfirmOtp, FillField, RequestSubmitted, ReviewRequest, ScanIdCard
from kiosk.language.tone_marks import Tone, strip_tones, tone_of
from kiosk.payments.journal import PaymentState, ReceiptState
from kiosk.shell.app import KioskApp
from tests.helpers.kiosks import simulator
from tests.helpers.requests import run
from tests.helpers.widgets import settle

# ---------------------------------------------------------------------------------------------- the limits
SCANNED_LIMIT = 4
TYPED_LIMIT = 12
NEW_CONNECTION_LIMIT = 30

# The demo's customers (kiosk_central.demo): a unit code with letters (Điện lực Hội An) and one of digits only
# (Điện lực Sài Gòn), both one-tap units on the code screen.
LETTERED = "PC05CC0789012"
DIGITS_ONLY = "PE01000123456"
# A short place of use: house number, street, city.
SHORT_ADDRESS = "5 Lê Lợi, Huế"
PHONE = "0912345678"


# ---------------------------------------------------------------------------------------------- the paths
def code_path(code: str) -> list[str]:
    """Home to the account: the bills tile, the unit's one tap, the 7 digits, Look up."""
    return ["tile-bills", f"unit-{code[:6]}", *(f"key-{digit}" for digit in code[6:]), "code-submit"]


# From the account to the QR: Pay (every unpaid bill is chosen), Continue. The bank then pays; the receipt prints.
PAY_PATH = ["account-pay", "choose-continue"]


def keyboard_path(text: str) -> list[str]:
    """The letter keyboard's keys for ``text`` on a question that capitalises each word by itself (names,
    addresses): each letter without its tone, then the word's tone key, a space between words."""
    punctuation = {",": "kb-comma", "-": "kb-hyphen", "/": "kb-slash", ".": "kb-period"}
    keys: list[str] = []
    for word in unicodedata.normalize("NFC", text).split(" "):
        if keys:
            keys.append("kb-space")
        letters = word.rstrip("".join(punctuation))
        keys.extend(f"kb-{char.lower()}" for char in strip_tones(letters))
        if (tone := tone_of(letters)) is not Tone.LEVEL:
            keys.append(f"kb-tone-{tone.value}")  # after the word's last letter, before its comma
        keys.extend(punctuation[char] for char in word[len(letters) :])
    return keys


def pad_path(digits: str) -> list[str]:
    return [f"pad-{digit}" for digit in digits]


# Home to the form, the ID card chosen (then scanned: its name, document, number, issue date and address).
REQUEST_START_PATH = ["tile-requests", "service-new_connection_lv", "intro-start", "consent-scan"]
# What the new-connection form still asks once the card is read, by the question's field name: the phone for the
# code; the place of use, the residence read from the card (one tap); the purpose; the households sharing the meter
# (one, the usual answer, confirmed); the capacity (optional: skipped, the staff advise at the survey); the meter;
# the proof of the premises; the survey date (optional: skipped).
REQUEST_ANSWER_PATHS: dict[str, list[str]] = {
    "phone": [*pad_path(PHONE), "field-next"],
    "installation_address": ["option-same-address"],
    "purpose": ["option-household"],
    "household_count": ["field-next"],
    "capacity_kw": ["field-next"],
    "phase": ["option-one_phase"],
    "has_premises_proof": ["option-yes"],
    "preferred_survey_date": ["field-next"],
}
# The place of use typed instead, a short one: its keys and Next.
TYPED_ADDRESS_PATH = [*keyboard_path(SHORT_ADDRESS), "field-next"]
# Then the review's Confirm, the code from the SMS on the keypad (6 digits) and Confirm: the customer checks the
# code before it is sent (a wrong one costs one of five tries).
REQUEST_REVIEW_PATH = ["review-confirm"]


def otp_path(code: str) -> list[str]:
    return [*pad_path(code), "otp-confirm"]


# ---------------------------------------------------------------------------------------------- the counting
class Taps:
    """Taps buttons of the real window as a finger does, and keeps the path of taps made."""

    def __init__(self, kiosk: KioskApp, bot: QtBot) -> None:
        self.kiosk = kiosk
        self.bot = bot
        self.path: list[str] = []

    def __call__(self, names: Iterable[str]) -> None:
        for name in names:
            self._tap(name)

    def _tap(self, name: str) -> None:
        window = self.kiosk.window
        # The screen's own buttons first (buttons of a question just answered may wait hidden for deletion),
        # then the frame's (Back, Home, Call staff).
        shown: list[QWidget] = []
        for root in (window.current_screen, window):
            shown = [b for b in root.findChildren(QAbstractButton, name) if b.isVisibleTo(window)]
            if shown:
                break
        assert len(shown) == 1, f"tap {len(self.path) + 1}: {len(shown)} visible buttons {name!r}"
        button = shown[0]
        assert button.isEnabled(), f"tap {len(self.path) + 1}: {name!r} is disabled"
        centre = QPoint(button.width() // 2, button.height() // 2)
        # Where a finger can reach it: not scrolled out of view nor covered.
        assert button.visibleRegion().contains(centre), f"tap {len(self.path) + 1}: {name!r} is out of view"
        self.bot.mouseClick(button, Qt.MouseButton.LeftButton, pos=centre)
        self.path.append(name)
        settle(self.kiosk)


class TapLimitError(AssertionError):
    """A journey took more taps than its limit (and only that: an xfail for it lets no other failure pass)."""


def within(taps: Taps, limit: int) -> None:
    if len(taps.path) > limit:
        raise TapLimitError(f"{len(taps.path)} taps, limit {limit}: {' '.join(taps.path)}")


def report(record_property: Callable[[str, object], None], journey: str, taps: Taps, limit: int) -> None:
    record_property(f"taps[{journey}]", len(taps.path))
    record_property(f"tap_path[{journey}]", " ".join(taps.path))
    print(f"\n{journey}: {len(taps.path)} taps (limit {limit}): {' '.join(taps.path)}")


def scan(kiosk: KioskApp, scanned: str) -> None:
    scanner = kiosk.scanner
    assert isinstance(scanner, FakeScanner)
    assert scanner.scan(scanned)
    settle(kiosk)


def pay_and_print(kiosk: KioskApp, taps: Taps) -> None:
    """From the account: Pay, Continue; the bank pays the QR; the receipt is printed."""
    assert isinstance(kiosk.navigator.current, AccountOverview)
    taps(PAY_PATH)
    qr = kiosk.navigator.current
    assert isinstance(qr, PayByQr), qr
    assert qr.payment.reference is not None
    run(simulator(kiosk).sim_bank_transfer(qr.payment.reference, qr.payment.amount))
    run(kiosk.payments.followed())
    assert isinstance(kiosk.navigator.current, PrintPreview)  # the demo's printer shows what it printed
    row = kiosk.keeper.journal.get(qr.payment.id)
    assert (row.state, row.receipt) == (PaymentState.CONFIRMED, ReceiptState.PRINTED)


# ---------------------------------------------------------------------------------------------- the journeys
def test_a_scanned_bill_is_paid_and_its_receipt_printed_within_4_taps(
    kiosk: KioskApp, qtbot: QtBot, record_property: Callable[[str, object], None]
) -> None:
    assert kiosk.navigator.current == Home()
    taps = Taps(kiosk, qtbot)
    scan(kiosk, f"]C0{LETTERED}\r\n")  # the bill's Code 128, as the scanner reports it, from home
    account = kiosk.navigator.current
    assert isinstance(account, AccountOverview)
    assert account.customer.code == LETTERED
    pay_and_print(kiosk, taps)
    report(record_property, "scanned bill", taps, SCANNED_LIMIT)
    assert taps.path == PAY_PATH
    within(taps, SCANNED_LIMIT)


@pytest.mark.parametrize("code", [LETTERED, DIGITS_ONLY], ids=["lettered-unit", "digit-unit"])
def test_a_typed_code_is_paid_and_its_receipt_printed_within_12_taps(
    kiosk: KioskApp, qtbot: QtBot, record_property: Callable[[str, object], None], code: str
) -> None:
    assert kiosk.navigator.current == Home()
    taps = Taps(kiosk, qtbot)
    taps(code_path(code))
    account = kiosk.navigator.current
    assert isinstance(account, AccountOverview), account
    assert account.customer.code == code
    pay_and_print(kiosk, taps)
    report(record_property, f"typed code {code}", taps, TYPED_LIMIT)
    assert taps.path == [*code_path(code), *PAY_PATH]
    within(taps, TYPED_LIMIT)


@pytest.mark.parametrize(
    ("place_of_use", "limit"),
    # Typed, the short address alone is 16 taps: measured and kept from growing, above the journey's limit.
    [("residence", NEW_CONNECTION_LIMIT), ("typed", NEW_CONNECTION_LIMIT - 1 + len(TYPED_ADDRESS_PATH))],
)
def test_a_new_connection_with_the_id_card_scanned_is_submitted_and_its_slip_printed_within_30_taps(
    kiosk: KioskApp,
    qtbot: QtBot,
    record_property: Callable[[str, object], None],
    place_of_use: str,
    limit: int,
) -> None:
    assert kiosk.navigator.current == Home()
    taps = Taps(kiosk, qtbot)
    taps(REQUEST_START_PATH)
    assert isinstance(kiosk.navigator.current, ScanIdCard), kiosk.navigator.current
    scan(kiosk, DEMO_ID_CARD_SCAN)
    expected = list(REQUEST_START_PATH)
    asked: list[str] = []
    while isinstance(state := kiosk.navigator.current, FillField):
        spec = state.form.service.fields[state.index]
        assert spec.name in REQUEST_ANSWER_PATHS, f"{spec.name!r} asked again though the card gave it"
        assert spec.name not in asked, f"{spec.name!r} asked twice"
        asked.append(spec.name)
        path = REQUEST_ANSWER_PATHS[spec.name]
        if spec.name == "installation_address" and place_of_use == "typed":
            path = TYPED_ADDRESS_PATH
        taps(path)
        expected += path
        after = kiosk.navigator.current
        assert not (isinstance(after, FillField) and after.problem is not None), (spec.name, after.problem)
    assert isinstance(state, ReviewRequest), state
    form = state.form
    place = SHORT_ADDRESS if place_of_use == "typed" else form.answer("address")
    assert form.answer("installation_address") == place
    assert form.answer("address") == "12 Lý Tự Trọng, Phường Bến Nghé, TP Hồ Chí Minh"  # from the card
    assert (form.answer("household_count"), form.answer("capacity_kw")) == ("1", "")
    assert form.answer("full_name") == "Nguyễn Thị Hương"  # from the card
    taps(REQUEST_REVIEW_PATH)
    confirm = kiosk.navigator.current
    assert isinstance(confirm, ConfirmOtp), confirm
    sms = run(simulator(kiosk).sim_otp(confirm.otp_id))  # the code the customer's phone received
    taps(otp_path(sms.code))
    assert isinstance(kiosk.navigator.current, PrintPreview), kiosk.navigator.current  # the slip, printed
    submitted = kiosk.navigator.states[-2]
    assert isinstance(submitted, RequestSubmitted), submitted
    assert kiosk.printing is not None
    assert kiosk.printing.journal.find("request_slip", submitted.item.reference) is not None
    expected += [*REQUEST_REVIEW_PATH, *otp_path(sms.code)]
    report(record_property, f"new connection, place of use {place_of_use}", taps, limit)
    assert taps.path == expected
    within(taps, limit)
