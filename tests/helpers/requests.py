"""Driving a service request through the kiosk's screens by taps, as a customer does (tests and screen checks)."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from kiosk.central.models import FormField, Service
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import PrintPreview
from kiosk.flows.states.requests import ConfirmOtp, FillField, IdConsent, RequestSubmitted
from kiosk.language.tone_marks import Tone, strip_tones, tone_of
from kiosk.shell.app import KioskApp
from tests.helpers.widgets import settle, tap

CUSTOMER = "PE01000123456"


def run(coroutine: Any) -> Any:
    return asyncio.get_event_loop().run_until_complete(coroutine)


def press(kiosk: KioskApp, bot: QtBot, name: str) -> None:
    """A tap on the screen the customer sees, or on its actions pinned below it (several screens have keys of
    the same name, and buttons of a question just answered wait hidden for deletion)."""
    root = kiosk.window
    shown = [b for b in root.findChildren(QAbstractButton, name) if b.isVisibleTo(root)]
    assert len(shown) == 1, f"{len(shown)} visible buttons {name!r}"
    bot.mouseClick(
        shown[0], Qt.MouseButton.LeftButton, pos=QPoint(shown[0].width() // 2, shown[0].height() // 2)
    )


def enter_code_on_keypad(kiosk: KioskApp, bot: QtBot, code: str) -> None:
    """On the customer-code screen: the unit with one tap if the kiosk offers it, else "another unit" and its
    code on the letter and digit keyboard; then each digit (as much of ``code`` as is given)."""
    state = kiosk.navigator.current
    assert isinstance(state, EnterCode), state
    unit, digits = code[:6], code[6:]
    if any(choice.code == unit for choice in state.units):
        press(kiosk, bot, f"unit-{unit}")
    else:
        if state.units:
            press(kiosk, bot, "unit-other")
        for key in unit:
            press(kiosk, bot, f"kb-{key.lower()}")
    for digit in digits:
        press(kiosk, bot, f"key-{digit}")


def type_text(kiosk: KioskApp, bot: QtBot, text: str) -> None:
    """Types ``text`` on the letter keyboard as a person does: each letter without its tone (capitals with
    Shift when the keyboard is not already on capitals), then the word's tone key after its last letter."""
    from kiosk.views.parts.keyboard import VietnameseKeyboard

    keyboard = kiosk.window.current_screen.findChild(VietnameseKeyboard)
    assert keyboard is not None
    punctuation = {",": "kb-comma", "-": "kb-hyphen", "/": "kb-slash", ".": "kb-period", " ": "kb-space"}
    for word in unicodedata.normalize("NFC", text).split(" "):
        for char in strip_tones(word):
            if char in punctuation:
                press(kiosk, bot, punctuation[char])
            elif char.isdigit():
                press(kiosk, bot, f"kb-{char}")
            else:
                if char.isupper() != keyboard.shift:
                    press(kiosk, bot, "kb-shift")
                press(kiosk, bot, f"kb-{char.lower()}")
        tone = tone_of(word)
        if tone is not Tone.LEVEL:
            press(kiosk, bot, f"kb-tone-{tone.value}")
        press(kiosk, bot, "kb-space")
    press(kiosk, bot, "kb-backspace")  # the space after the last word


def type_digits(kiosk: KioskApp, bot: QtBot, digits: str) -> None:
    for digit in digits:
        press(kiosk, bot, f"pad-{digit}")


def answer(kiosk: KioskApp, bot: QtBot, spec: FormField, index: int) -> None:
    """A valid answer for any field of the catalogue, typed or tapped."""
    match spec.type:
        case "text":
            type_text(kiosk, bot, "Nguyễn Thị Hương" if spec.name == "full_name" else "Cần thêm ổ cắm")
        case "address":
            type_text(kiosk, bot, "Xóm 3, Định Hóa, Thái Nguyên")
        case "phone":
            type_digits(kiosk, bot, f"09{index:02d}{abs(hash(spec.name)) % 10**6:06d}")
        case "id_number":
            type_digits(kiosk, bot, "001088012345")
        case "date":
            type_digits(kiosk, bot, "15122026")
        case "number" | "household_count":
            state = kiosk.navigator.current
            if isinstance(state, FillField) and state.typed:  # the usual answer, offered: typed over
                press(kiosk, bot, "pad-clear")
            type_digits(kiosk, bot, str(spec.min_value if spec.min_value is not None else 2))
        case "choice":
            press(kiosk, bot, f"option-{spec.options[0].value}")
            return
        case "yes_no":
            press(kiosk, bot, "option-yes")
            return
    press(kiosk, bot, "field-next")


def to_form(kiosk: KioskApp, bot: QtBot, code: str) -> Service:
    tap(bot, kiosk.window, "tile-requests")
    settle(kiosk)
    press(kiosk, bot, f"service-{code}")
    press(kiosk, bot, "intro-start")
    state = kiosk.navigator.current
    if isinstance(state, EnterCode):
        enter_code_on_keypad(kiosk, bot, CUSTOMER)
        press(kiosk, bot, "code-submit")
        settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, IdConsent | FillField), state
    return state.form.service


def fill_form(kiosk: KioskApp, bot: QtBot, *, phone: str | None = None) -> None:
    while isinstance(state := kiosk.navigator.current, FillField):
        spec = state.form.service.fields[state.index]
        if spec.type == "phone" and phone is not None:
            type_digits(kiosk, bot, phone)
            press(kiosk, bot, "field-next")
        else:
            answer(kiosk, bot, spec, state.index)
        after = kiosk.navigator.current
        assert not (isinstance(after, FillField) and after.problem is not None), (spec.name, after.problem)


def type_sms_code(kiosk: KioskApp, bot: QtBot) -> ConfirmOtp:
    state = kiosk.navigator.current
    assert isinstance(state, ConfirmOtp)
    sms = run(kiosk.client.sim_otp(state.otp_id))
    type_digits(kiosk, bot, sms.code)
    return state


def submit(kiosk: KioskApp, bot: QtBot) -> RequestSubmitted:
    press(kiosk, bot, "review-confirm")
    settle(kiosk)
    type_sms_code(kiosk, bot)
    press(kiosk, bot, "otp-confirm")
    settle(kiosk)
    if isinstance(kiosk.navigator.current, PrintPreview):  # the demo's printer shows the slip
        kiosk.navigator.back()
    state = kiosk.navigator.current
    assert isinstance(state, RequestSubmitted), state
    return state


# ---------------------------------------------------------------------------------------------- every screen
def _to_consent(kiosk: KioskApp, bot: QtBot) -> None:
    to_form(kiosk, bot, "new_connection_lv")


def _then(first: Callable[[KioskApp, QtBot], None], *names: str) -> Callable[[KioskApp, QtBot], None]:
    def reach(kiosk: KioskApp, bot: QtBot) -> None:
        first(kiosk, bot)
        for name in names:
            press(kiosk, bot, name)
            settle(kiosk)

    return reach


def _to_question(kind: str) -> Callable[[KioskApp, QtBot], None]:
    """The first question of a type ("text", "id_number", "choice"...) of the new-connection form."""

    def reach(kiosk: KioskApp, bot: QtBot) -> None:
        _then(_to_consent, "consent-type")(kiosk, bot)
        while isinstance(state := kiosk.navigator.current, FillField):
            spec = state.form.service.fields[state.index]
            if spec.type == kind:
                return
            answer(kiosk, bot, spec, state.index)
        raise AssertionError(f"no {kind} question")

    return reach


def _to_review(kiosk: KioskApp, bot: QtBot) -> None:
    _then(_to_consent, "consent-type")(kiosk, bot)
    fill_form(kiosk, bot)


def _to_submitted(kiosk: KioskApp, bot: QtBot) -> None:
    _to_review(kiosk, bot)
    submit(kiosk, bot)


def _to_catalogue(kiosk: KioskApp, bot: QtBot) -> None:
    tap(bot, kiosk.window, "tile-requests")
    settle(kiosk)


REQUEST_SCREENS: dict[str, Callable[[KioskApp, QtBot], None]] = {
    "choose-service": _to_catalogue,
    "service-intro": _then(_to_catalogue, "service-new_connection_lv"),
    "id-consent": _to_consent,
    "scan-id-card": _then(_to_consent, "consent-scan"),
    "fill-field-text": _to_question("text"),
    "fill-field-digits": _to_question("id_number"),
    "fill-field-choice": _to_question("choice"),
    "review-request": _to_review,
    "confirm-otp": _then(_to_review, "review-confirm"),
    "request-submitted": _to_submitted,
}
