"""A customer who walks away: warning, countdown, "I need more time", and a wipe that leaves nothing behind."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.demo.keys import DEMO_ID_CARD_SCAN
from kiosk.devices.scanner import FakeScanner
from kiosk.flows.session import Contrast, CustomerSession, TextSize
from kiosk.flows.states.bills import AccountOverview
from kiosk.flows.states.frame import Home, IdleWarning
from kiosk.flows.states.outages import OutageStart
from kiosk.flows.states.requests import ConfirmOtp, ReviewRequest
from kiosk.shell.app import KioskApp
from kiosk.shell.input_watch import InputWatcher
from kiosk.views.frame.idle_warning import IdleWarningScreen
from tests.helpers.requests import enter_code_on_keypad, fill_form, press, to_form, type_digits
from tests.helpers.widgets import all_texts, held_anywhere, settle, tap, visible_texts

CODE = "PE01000123456"


def test_idle_on_the_untouched_home_screen_warns_nobody(kiosk: KioskApp) -> None:
    kiosk.idle.idle()
    assert kiosk.navigator.current == Home()


def test_idle_during_a_journey_shows_a_full_screen_countdown(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    kiosk.idle.idle()
    countdown = kiosk.settings.idle.countdown_seconds
    assert kiosk.navigator.current == IdleWarning(countdown)
    assert isinstance(kiosk.window.current_screen, IdleWarningScreen)
    texts = visible_texts(kiosk.window)
    assert str(countdown) in texts
    assert kiosk.tr._("idle.more_time") in texts
    # The warning owns the screen: no way to wander off into the journey underneath.
    assert kiosk.tr._("frame.back") not in texts
    assert kiosk.tr._("frame.call_staff") not in texts
    kiosk.idle.tick()
    assert str(countdown - 1) in visible_texts(kiosk.window)


def test_i_need_more_time_returns_to_exactly_where_the_customer_was(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-outages")
    tap(qtbot, kiosk.window, "nav-text-size")
    kiosk.idle.idle()
    for _ in range(5):
        kiosk.idle.tick()
    tap(qtbot, kiosk.window, "idle-more-time")
    assert kiosk.navigator.current == OutageStart()
    assert kiosk.navigator.depth == 2
    assert kiosk.session.text_size is TextSize.LARGE


def fill_session(session: CustomerSession, kiosk: KioskApp, qloop: asyncio.AbstractEventLoop) -> str:
    customer = qloop.run_until_complete(kiosk.client.customer(CODE))
    session.customer_code = CODE
    session.customer = customer
    session.bills = qloop.run_until_complete(kiosk.client.bills(CODE))
    session.journey["draft"] = {"phone": "0912345678"}
    return customer.name


def test_the_countdown_ends_in_a_wipe_that_leaves_nothing_of_the_customer(
    kiosk: KioskApp, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "nav-language")
    tap(qtbot, kiosk.window, "nav-text-size")
    name = fill_session(kiosk.session, kiosk, qloop)
    kiosk.idle.idle()
    for _ in range(kiosk.settings.idle.countdown_seconds):
        kiosk.idle.tick()

    assert kiosk.navigator.current == Home()
    assert kiosk.navigator.depth == 1
    assert kiosk.session == CustomerSession(
        default_language=kiosk.settings.ui.default_language,
        default_text_size=TextSize(kiosk.settings.ui.text_size),
        default_contrast=Contrast(kiosk.settings.ui.contrast),
    )
    assert not kiosk.session.active
    assert kiosk.tr.language == "vi"
    texts = " ".join(all_texts(kiosk.window))
    for secret in (CODE, name, "0912345678"):
        assert secret not in texts
    assert kiosk.tr._("home.welcome") in visible_texts(kiosk.window)


def test_end_now_wipes_at_once(kiosk: KioskApp, qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    tap(qtbot, kiosk.window, "tile-requests")
    fill_session(kiosk.session, kiosk, qloop)
    kiosk.idle.idle()
    tap(qtbot, kiosk.window, "idle-end")
    assert kiosk.navigator.current == Home()
    assert kiosk.session.customer is None
    assert kiosk.session.journey == {}


def test_the_app_counts_down_by_itself_once_a_second(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    kiosk.idle.idle()
    start = kiosk.settings.idle.countdown_seconds
    qtbot.waitUntil(lambda: kiosk.navigator.current == IdleWarning(start - 1), timeout=3000)


def test_the_input_watcher_fires_after_quiet_and_not_while_the_customer_types(
    qapp: QApplication, qtbot: QtBot
) -> None:
    fired: list[datetime] = []
    watcher = InputWatcher(qapp, 500, lambda: fired.append(datetime.now(UTC)))
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    try:
        # Typing every 50 ms for 1.5 s keeps restarting the 500 ms wait: a margin of ten against a slow machine.
        typing = QTimer()
        typing.timeout.connect(lambda: qtbot.keyClick(field, "a"))
        typing.start(50)
        watcher.restart()
        qtbot.waitUntil(lambda: len(field.text()) >= 30, timeout=10_000)
        typing.stop()
        assert fired == []
        qtbot.waitUntil(lambda: len(fired) == 1, timeout=5000)
    finally:
        qapp.removeEventFilter(watcher)


# What the demo ID card and the request put on screen: name, ID number, residence, phone.
CARD_SECRETS = ("Nguyễn Thị Hương", "079088001234", "Lý Tự Trọng", "0912000042")


def test_home_from_a_request_wipes_what_the_screens_and_flows_held(kiosk: KioskApp, qtbot: QtBot) -> None:
    """Home mid-journey forgets the customer as the idle wipe does: nothing of the card, the form or the phone
    stays in any widget, screen state or flow; the visit's settings (assisted mode, text size) stay."""
    tap(qtbot, kiosk.window, "nav-text-size")
    to_form(kiosk, qtbot, "new_connection_lv")
    press(kiosk, qtbot, "consent-scan")
    assert isinstance(kiosk.scanner, FakeScanner)
    kiosk.scanner.scan(DEMO_ID_CARD_SCAN)
    settle(kiosk)
    fill_form(kiosk, qtbot, phone="0912000042")
    assert isinstance(kiosk.navigator.current, ReviewRequest)
    press(kiosk, qtbot, "review-confirm")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, ConfirmOtp)  # the code on its way to the phone
    type_digits(kiosk, qtbot, "123")
    assert held_anywhere(kiosk.window, CARD_SECRETS)  # the test can see them while they are there
    press(kiosk, qtbot, "nav-home")
    settle(kiosk)
    assert kiosk.navigator.current == Home()
    assert held_anywhere(kiosk.window, CARD_SECRETS) == []
    assert kiosk.session.journey == {}
    assert kiosk.session.text_size is TextSize.LARGE  # the visit's own choice stays for its next errand


def test_back_to_home_from_an_account_wipes_it(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    enter_code_on_keypad(kiosk, qtbot, CODE)
    press(kiosk, qtbot, "code-submit")
    settle(kiosk)
    account = kiosk.navigator.current
    assert isinstance(account, AccountOverview)
    secrets = (account.customer.name, account.customer.address, CODE)
    assert held_anywhere(kiosk.window, secrets)
    while kiosk.navigator.current != Home():
        press(kiosk, qtbot, "nav-back")
        settle(kiosk)
    assert held_anywhere(kiosk.window, secrets) == []
    assert (kiosk.session.customer, kiosk.session.customer_code, kiosk.session.bills) == (None, None, None)
