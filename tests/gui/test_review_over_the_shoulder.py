"""Over the customer's shoulder: the review shows identity data masked, whole only while "Xem đầy đủ" is held (a
finger, or Space for staff), and masked again when it is let go, the screen is left, Home is touched or the
session is wiped; the code screen keeps the phone masked and shows the digits typed (docs/privacy.md, "Over the
customer's shoulder").

The customer's data is a made-up card and phone, so that a hit can only be a leak; each value is searched for
as typed and as the keypad groups it, in every text of the screen and of its pinned actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.devices.scanner import FakeScanner
from kiosk.flows.states.frame import Home
from kiosk.flows.states.requests import ConfirmOtp, FillField, ReviewRequest
from kiosk.shell.app import KioskApp
from kiosk.views.parts.screen import Screen
from kiosk.views.requests.review_request import HoldToShow
from tests.helpers.requests import fill_form, press, to_form, type_digits
from tests.helpers.widgets import all_texts, held_anywhere, settle

ID_NUMBER = "079088654321"
NAME = "Kanari Zephyrine Qwill"
STREET = "77 Kanariweg Xyzzy"
PHONE = "0987650123"
CARD = f"{ID_NUMBER}||{NAME}|15041988|Nữ|{STREET}, Phường Bến Thành, TP Hồ Chí Minh|20052021"

WHOLE = {
    "ID number": ID_NUMBER,
    "given names": "Zephyrine Qwill",
    "house and street": STREET,
    "phone": PHONE,
    "issue date": "20/05/2021",
}
"""What a passer-by must not read; searched with and without the keypad's spaces."""


def texts_of(screen: QWidget) -> list[str]:
    """Every text the screen and its pinned actions hold, shown or not."""
    assert isinstance(screen, Screen)
    bar = screen.pinned_actions()
    return all_texts(screen) + (all_texts(bar) if bar is not None and bar.parent() is not screen else [])


def leaks(texts: list[str]) -> list[str]:
    """Which of `WHOLE` the texts hold, however the keypad spaced them."""
    squeezed = "".join(texts).replace(" ", "")
    return [what for what, value in WHOLE.items() if value.replace(" ", "") in squeezed]


def review_with_the_card(kiosk: KioskApp, bot: QtBot) -> QWidget:
    to_form(kiosk, bot, "new_connection_lv")
    press(kiosk, bot, "consent-scan")
    assert isinstance(kiosk.scanner, FakeScanner)
    kiosk.scanner.scan(CARD)
    settle(kiosk)
    fill_form(kiosk, bot, phone=PHONE)
    assert isinstance(kiosk.navigator.current, ReviewRequest)
    return kiosk.window.current_screen


def hold_button(kiosk: KioskApp, name: str) -> QAbstractButton:
    button = kiosk.window.findChild(QAbstractButton, name)
    assert button is not None
    assert button.isVisibleTo(kiosk.window), f"{name} is not offered"
    assert button.height() >= 64  # a finger's target, as every button
    return button


def centre(button: QAbstractButton) -> QPoint:
    return QPoint(button.width() // 2, button.height() // 2)


@pytest.fixture
def review(kiosk: KioskApp, qtbot: QtBot) -> QWidget:
    return review_with_the_card(kiosk, qtbot)


def test_the_review_masks_identity_data_until_held(kiosk: KioskApp, qtbot: QtBot, review: QWidget) -> None:
    assert leaks(texts_of(review)) == []
    texts = " ".join(texts_of(review))
    # The customer still recognises each answer: the family name, the ends of the numbers, the ward, the year.
    for kept in (
        "Kanari Z•••••••• Q••••",
        "079 ••• ••• 321",
        "09•• ••• 123",
        "Phường Bến Thành",
        "••/••/2021",
    ):
        assert kept in texts
    button = hold_button(kiosk, "review-show-full")
    assert button.text() == kiosk.tr._("hold_to_show.hold")

    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=centre(button))
    assert leaks(texts_of(review)) == list(WHOLE)  # every one of them, whole
    assert button.text() == kiosk.tr._("hold_to_show.showing")  # held, said in words
    assert isinstance(kiosk.navigator.current, ReviewRequest)  # nothing sent, nothing changed but the view

    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton, pos=centre(button))
    assert leaks(texts_of(review)) == []
    assert button.text() == kiosk.tr._("hold_to_show.hold")
    assert isinstance(kiosk.navigator.current, ReviewRequest)


def test_staff_hold_space_to_show_it(kiosk: KioskApp, qtbot: QtBot, review: QWidget) -> None:
    button = hold_button(kiosk, "review-show-full")
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyPress(button, Qt.Key.Key_Space)
    assert leaks(texts_of(review)) == list(WHOLE)
    qtbot.keyRelease(button, Qt.Key.Key_Space)
    assert leaks(texts_of(review)) == []
    # The focus taken away while Space is down: Qt lifts the button without a release, the mask comes back.
    qtbot.keyPress(button, Qt.Key.Key_Space)
    assert leaks(texts_of(review)) == list(WHOLE)
    button.clearFocus()
    assert leaks(texts_of(review)) == []


def test_a_finger_slid_off_masks_it_again(kiosk: KioskApp, qtbot: QtBot, review: QWidget) -> None:
    button = hold_button(kiosk, "review-show-full")
    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=centre(button))
    assert leaks(texts_of(review)) != []
    qtbot.mouseMove(button, QPoint(-200, -200))
    assert leaks(texts_of(review)) == []


def test_leaving_the_review_while_held_masks_it_and_an_answer_still_opens_whole(
    kiosk: KioskApp, qtbot: QtBot, review: QWidget
) -> None:
    button = hold_button(kiosk, "review-show-full")
    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=centre(button))
    press(kiosk, qtbot, "review-phone")  # another finger: the phone's line, to change it
    state = kiosk.navigator.current
    assert isinstance(state, FillField)
    assert state.typed == PHONE  # the question opens with the answer whole, to correct it
    assert leaks(texts_of(review)) == []  # the review left behind is masked
    press(kiosk, qtbot, "pad-backspace")
    type_digits(kiosk, qtbot, "4")
    press(kiosk, qtbot, "field-next")
    assert isinstance(kiosk.navigator.current, ReviewRequest)
    assert kiosk.navigator.current.form.answer("phone") == PHONE[:-1] + "4"
    assert "09•• ••• 124" in " ".join(texts_of(review))
    assert leaks(texts_of(review)) == []
    assert button.text() == kiosk.tr._("hold_to_show.hold")


@pytest.mark.parametrize("leave", ["home", "idle"])
def test_home_and_the_idle_wipe_while_held_leave_nothing(
    kiosk: KioskApp, qtbot: QtBot, review: QWidget, leave: str
) -> None:
    button = hold_button(kiosk, "review-show-full")
    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=centre(button))
    if leave == "home":
        press(kiosk, qtbot, "nav-home")
    else:
        kiosk.idle.end_session()
    settle(kiosk)
    assert kiosk.navigator.current == Home()
    assert held_anywhere(kiosk.window, [*WHOLE.values(), "Zephyrine", "Kanariweg"]) == []
    assert button.text() == kiosk.tr._("hold_to_show.hold")


# ---------------------------------------------------------------------------------------------- the code
def code_screen(kiosk: KioskApp, bot: QtBot) -> QWidget:
    review_with_the_card(kiosk, bot)
    press(kiosk, bot, "review-confirm")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, ConfirmOtp)
    return kiosk.window.current_screen


def sent_to(kiosk: KioskApp) -> str:
    label = kiosk.window.current_screen.findChild(QWidget, "otp-sent-to")
    return label.text()  # type: ignore[attr-defined]


def test_the_code_screen_keeps_the_phone_masked_and_shows_the_digits_typed(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    screen = code_screen(kiosk, qtbot)
    assert leaks(texts_of(screen)) == []
    assert "09•• ••• 123" in sent_to(kiosk)
    # Nothing to hold here: the number is seen whole on the review, which Back returns to.
    assert not any(b.isVisibleTo(kiosk.window) for b in kiosk.window.findChildren(HoldToShow))
    # The digits typed are shown, to be compared with the text message one by one.
    type_digits(kiosk, qtbot, "407")
    assert screen.findChild(QWidget, "otp-code").text() == "4 0 7 _ _ _"  # type: ignore[attr-defined]
    press(kiosk, qtbot, "nav-back")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, ReviewRequest)
    button = hold_button(kiosk, "review-show-full")
    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=centre(button))
    assert "0987 650 123" in " ".join(texts_of(kiosk.window.current_screen))
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton, pos=centre(button))

    press(kiosk, qtbot, "review-confirm")  # the code sent a moment ago still stands
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, ConfirmOtp)
    type_digits(kiosk, qtbot, "407")
    press(kiosk, qtbot, "nav-home")
    settle(kiosk)
    assert kiosk.navigator.current == Home()
    assert held_anywhere(kiosk.window, [PHONE, "0987 650 123", "4 0 7"]) == []
