"""Staff mode and the fault screen on the real kiosk, against the real central, by taps where a person taps.

Staff reach staff mode by holding the place name (or Ctrl+Shift+F12 on a USB keyboard), type the PIN on the
keypad, and look after the kiosk from the staff screens: the printer, the reprint list, the work left, the
end-of-day report, the default language, assisted mode, closing the program. The PIN accepted ends the
customer's session (staff screens never sit over a customer's data) and leaving staff mode opens a fresh home
screen; the PIN pad closed unopened returns to exactly the customer's screen. The PIN gate and the PIN
screen's countdown run on a fake clock here (the
gate is built by the app's own factory, given the test's clock), so that waits and lockouts cost no real time.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import hash_pin
from kiosk.config.staff_pin import MIN_PIN_HASH_ITERATIONS
from kiosk.demo.keys import DemoKeys
from kiosk.demo.simulator import DemoClient
from kiosk.devices.chime import FakeChime
from kiosk.devices.paperless_printers import PreviewPrinter
from kiosk.devices.silent_speakers import FakeSpeaker
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Fault, Home, PrintPreview, StaffCalled
from kiosk.flows.states.outages import OutageReported
from kiosk.flows.states.payment import PayByQr, PaymentReceived
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.payments.receipt import RECEIPT_KIND
from kiosk.payments.records import JournalPayment, PaymentState, ReceiptState
from kiosk.printing.printer_status import PrinterFault, PrinterState, PrinterStatus
from kiosk.printing.records import JobState
from kiosk.requests.records import Delivery
from kiosk.shell import app as app_module
from kiosk.shell.app import KioskApp
from kiosk.shell.faults import install_fault_handlers
from kiosk.shell.lifecycle import show_fault
from kiosk.shell.routes import STAFF_KEY
from kiosk.shell.stopping import ExitStatus
from kiosk.staff.day_report import DAY_REPORT_KIND
from kiosk.staff.pin_gate import (
    FREE_TRIES,
    LOCKOUT,
    LOCKOUT_AFTER,
    STATE_FILE_NAME,
    WAITS,
    PinGate,
    PinVerdict,
)
from kiosk.staff.preferences import PREFERENCES_FILE_NAME
from kiosk.views.bills.enter_code import EnterCodeScreen
from kiosk.views.frame.main_window import STAFF_HOLD_MS, HoldLabel
from kiosk.views.panels import LANDSCAPE
from kiosk.views.staff import staff_pin
from tests.gui.conftest import close_kiosk
from tests.gui.kiosk_factory import free_port
from tests.helpers.central import RunningCentral
from tests.helpers.kiosks import demo_kiosk
from tests.helpers.loop import run, run_until
from tests.helpers.screens import open_account, outage_area, type_code
from tests.helpers.widgets import all_texts, held_anywhere, settle, tap, visible_texts

LEFT = Qt.MouseButton.LeftButton
NO_KEYS = Qt.KeyboardModifier.NoModifier

RIGHT_PIN = "73915824"
# A typo of the right one. Eight digits: no port number, id or timestamp in a log line holds them by chance.
WRONG_PIN = "73915820"
PIN_HASH = hash_pin(RIGHT_PIN, iterations=MIN_PIN_HASH_ITERATIONS)
STAFF_TIMEOUT_SECONDS = 30
START = datetime(2026, 11, 23, 2, 40, tzinfo=UTC)  # 09:40 in Vietnam
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CUSTOMER = "PE01000123456"  # the demo customer with several unpaid bills
MOUNTAIN = "PA12000345678"  # Lâm Bình: no outage in progress, so a report of no power is just saved


# ---------------------------------------------------------------------------------------------- the harness
class FakeClock:
    """The PIN gate's clock (aware UTC) and the PIN screen's countdown clock (monotonic), moved together."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._monotonic = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, delta: timedelta) -> None:
        self._now += delta
        self._monotonic += delta.total_seconds()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every kiosk built in the test gets a PIN gate on this clock, through the app's own factory (the gate
    takes a clock; the app passes none, which means the real one)."""
    fake = FakeClock(START)
    gates = types.SimpleNamespace(in_data_dir=partial(PinGate.in_data_dir, clock=fake.now))
    monkeypatch.setattr(app_module, "PinGate", gates)
    monkeypatch.setattr(staff_pin, "time", types.SimpleNamespace(monotonic=fake.monotonic))
    return fake


@pytest.fixture
def kiosk_overrides(clock: FakeClock) -> dict[str, object]:
    """A PIN and a staff timeout; after the clock, so that the kiosk's gate is built on it."""
    return {"staff.pin_hash": PIN_HASH, "staff.timeout_seconds": STAFF_TIMEOUT_SECONDS}


def showing(kiosk: KioskApp) -> ScreenState:
    """The state on top (read afresh: taps change it)."""
    return kiosk.navigator.current


def language(kiosk: KioskApp) -> str:
    return kiosk.session.language


def finger(widget: QWidget) -> QPoint:
    return QPoint(widget.width() // 2, widget.height() // 2)


def press(kiosk: KioskApp, name: str) -> None:
    """A tap on a button of the screen shown (several screens have keys of the same name, e.g. ``pad-1``)."""
    screen = kiosk.window.current_screen
    shown = [b for b in screen.findChildren(QAbstractButton, name) if b.isVisibleTo(screen)]
    pinned = kiosk.window.current_page.pinned  # the screen's actions pinned below its page
    if pinned is not None:
        shown += [b for b in pinned.findChildren(QAbstractButton, name) if b.isVisibleTo(kiosk.window)]
    assert len(shown) == 1, f"{len(shown)} visible buttons {name!r} on {type(screen).__name__}"
    QTest.mouseClick(shown[0], LEFT, NO_KEYS, finger(shown[0]))


def button(kiosk: KioskApp, name: str) -> QAbstractButton:
    widget = kiosk.window.findChild(QAbstractButton, name)
    assert widget is not None, name
    return widget


def text_of(kiosk: KioskApp, name: str) -> str:
    widget = kiosk.window.findChild(QLabel, name)
    assert widget is not None, name
    assert widget.isVisibleTo(kiosk.window), f"{name!r} is hidden"
    return widget.text()


def staff_key(kiosk: KioskApp) -> None:
    """Ctrl+Shift+F12 on a keyboard plugged into the kiosk (the shortcut map sees it first, as with a real
    key; sent to the widget, so that no events are processed outside the kiosk's running loop)."""
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(kiosk.window, Qt.Key.Key_F12, modifiers)


def type_pin(kiosk: KioskApp, pin: str) -> None:
    for digit in pin:
        press(kiosk, f"pad-{digit}")


def enter_pin(kiosk: KioskApp, pin: str) -> None:
    type_pin(kiosk, pin)
    press(kiosk, "staff-pin-open")
    settle(kiosk)


def unlock(kiosk: KioskApp) -> StaffHome:
    """From any screen: the staff key, the PIN, the staff home."""
    staff_key(kiosk)
    assert isinstance(showing(kiosk), StaffPin)
    enter_pin(kiosk, RIGHT_PIN)
    home = showing(kiosk)
    assert isinstance(home, StaffHome), home
    assert kiosk.staff.unlocked
    return home


def pin_problem(kiosk: KioskApp) -> str:
    return text_of(kiosk, "staff-pin-problem")


def notice(kiosk: KioskApp, name: str = "staff-notice-text") -> str:
    return text_of(kiosk, name)


def preview_printer(kiosk: KioskApp) -> PreviewPrinter:
    assert kiosk.printing is not None
    printer = kiosk.printing.printer
    assert isinstance(printer, PreviewPrinter)
    return printer


def pngs(printer: PreviewPrinter) -> list[Path]:
    return sorted(printer.directory.glob("*.png")) if printer.directory.exists() else []


def to_qr(kiosk: KioskApp, bot: QtBot) -> PayByQr:
    """A customer chooses to pay all their bills: the one QR any bank or wallet app scans is on screen."""
    open_account(kiosk, bot, CUSTOMER)
    tap(bot, kiosk.window, "account-pay")
    tap(bot, kiosk.window, "choose-continue")
    settle(kiosk)
    state = showing(kiosk)
    assert isinstance(state, PayByQr)
    return state


def pay(kiosk: KioskApp, bot: QtBot) -> JournalPayment:
    """A customer pays all their bills by QR and the demo bank sends the money (the demo's F3); the receipt
    prints (a preview printer's page is then on screen). The payment as the journal has it."""
    state = to_qr(kiosk, bot)
    DemoKeys(kiosk).pay()
    settle(kiosk)
    run(kiosk.payments.followed())
    payment = kiosk.keeper.journal.get(state.payment.id)
    assert payment.state is PaymentState.CONFIRMED
    return payment


@contextmanager
def restarted(kiosk: KioskApp, qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> Iterator[KioskApp]:
    """The kiosk started again on the same data directory (the first one is switched off: its window hidden,
    its staff key gone, so that the key is not ambiguous between the two)."""
    for shortcut in kiosk.window.findChildren(QShortcut):
        shortcut.setEnabled(False)
    kiosk.window.hide()
    again = demo_kiosk(kiosk.settings, qapp, speaker=FakeSpeaker(), chime=FakeChime())
    again.start_devices()
    again.window.resize(*LANDSCAPE)
    again.window.show()
    try:
        yield again
    finally:
        close_kiosk(again, qloop, qapp)
        del again
        gc.collect()


# ---------------------------------------------------------------------------------------------- the gesture
def test_holding_the_place_name_for_3_seconds_opens_the_pin_screen(kiosk: KioskApp, qtbot: QtBot) -> None:
    place = kiosk.window.findChild(HoldLabel, "staff-entry")
    assert place is not None
    assert place.isVisible()
    assert place.text() == kiosk.settings.location_name
    started = asyncio.get_event_loop().time()
    with qtbot.waitSignal(kiosk.window.staff_mode_requested, timeout=STAFF_HOLD_MS + 2000):
        QTest.mousePress(place, LEFT, NO_KEYS, finger(place))
    held = asyncio.get_event_loop().time() - started
    QTest.mouseRelease(place, LEFT, NO_KEYS, finger(place))
    assert held >= 0.9 * STAFF_HOLD_MS / 1000  # a hold, not a tap (a coarse timer may be 5 % early)
    assert showing(kiosk) == StaffPin()
    assert pin_problem_hidden(kiosk)
    assert kiosk.tr._("staff_pin.prompt") in visible_texts(kiosk.window)


def pin_problem_hidden(kiosk: KioskApp) -> bool:
    problem = kiosk.window.findChild(QLabel, "staff-pin-problem")
    assert problem is not None
    return not problem.isVisibleTo(kiosk.window)


def test_a_customers_tap_on_the_place_name_does_nothing(kiosk: KioskApp, qtbot: QtBot) -> None:
    place = kiosk.window.findChild(HoldLabel, "staff-entry")
    assert place is not None
    hold = place.findChild(QTimer)
    assert hold is not None
    assert hold.interval() == STAFF_HOLD_MS == 3000
    with qtbot.assertNotEmitted(kiosk.window.staff_mode_requested, wait=300):
        QTest.mouseClick(place, LEFT, NO_KEYS, finger(place))
    # Released: the hold is off, so it cannot fire later either.
    assert not hold.isActive()
    assert showing(kiosk) == Home()


def test_ctrl_shift_f12_opens_the_pin_screen(kiosk: KioskApp, qtbot: QtBot) -> None:
    assert STAFF_KEY == "Ctrl+Shift+F12"  # as docs/ tell staff
    staff_key(kiosk)
    assert showing(kiosk) == StaffPin()
    assert isinstance(kiosk.window.current_screen, staff_pin.StaffPinScreen)
    # On staff screens the frame offers no Home and no Call staff; Back leaves.
    assert button(kiosk, "nav-back").isVisible()
    assert not button(kiosk, "nav-home").isVisible()
    assert not button(kiosk, "nav-call-staff").isVisible()
    staff_key(kiosk)  # again: still one PIN screen, not a second on top
    assert kiosk.navigator.depth == 2


def test_the_pin_pad_over_a_customers_journey_left_unopened_returns_to_exactly_their_screen(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    type_code(kiosk, qtbot, "PE0100012")
    customer_screen = showing(kiosk)
    assert customer_screen == EnterCode("PE0100", "012", units=kiosk.bills.units)
    depth = kiosk.navigator.depth
    typed = visible_texts(kiosk.window)
    staff_key(kiosk)
    type_pin(kiosk, RIGHT_PIN[:3])
    tap(qtbot, kiosk.window, "nav-back")
    assert showing(kiosk) == customer_screen
    assert kiosk.navigator.depth == depth
    assert not kiosk.staff.showing
    assert isinstance(kiosk.window.current_screen, EnterCodeScreen)
    assert visible_texts(kiosk.window) == typed
    assert kiosk.session.active  # the customer's session goes on
    # And the customer carries on typing where they were.
    tap(qtbot, kiosk.window, "key-3")
    assert showing(kiosk) == EnterCode("PE0100", "0123", units=kiosk.bills.units)


@pytest.mark.parametrize("how", ["back-from-staff-home", "home"])
def test_staff_mode_opened_ends_the_customers_session_and_leaves_to_a_fresh_home(
    kiosk: KioskApp, qtbot: QtBot, how: str
) -> None:
    """The PIN accepted, the customer's visit ends as an idle one does: no staff screen sits over a customer's
    data, and leaving staff mode, however, opens a fresh home screen (issue 21: staff mode entry wipes)."""
    type_code(kiosk, qtbot, "PE0100012")
    staff_key(kiosk)
    enter_pin(kiosk, RIGHT_PIN)
    assert isinstance(showing(kiosk), StaffHome)
    assert not kiosk.session.active
    assert held_anywhere(kiosk.window, ["PE0100012", "PE0100 012"]) == []
    tap(qtbot, kiosk.window, "staff-printouts")
    settle(kiosk)
    tap(qtbot, kiosk.window, "nav-back")  # one staff screen back
    assert isinstance(showing(kiosk), StaffHome)
    if how == "home":
        # The frame hides Home on staff screens; any Home intent (a screen's own) closes staff mode too.
        assert not button(kiosk, "nav-home").isVisible()
        kiosk.window.home_requested.emit()
    else:
        tap(qtbot, kiosk.window, "nav-back")
    assert showing(kiosk) == Home()
    assert kiosk.navigator.depth == 1
    assert not kiosk.staff.unlocked
    assert not kiosk.staff.showing


def test_a_qr_left_on_screen_under_staff_mode_is_still_followed_when_staff_leave(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    qr = to_qr(kiosk, qtbot)
    # Staff look in (the key on the QR screen), then leave; the customer is still paying.
    staff_key(kiosk)
    assert showing(kiosk) == StaffPin()
    # Staff stay a moment, on the kiosk's own clock: long enough for the QR's follower to tick (every second).
    loop = asyncio.get_event_loop()
    looked_in = loop.time()
    run_until(lambda: loop.time() - looked_in > 2.5, timeout=5)
    tap(qtbot, kiosk.window, "nav-back")
    back = showing(kiosk)
    assert isinstance(back, PayByQr)
    assert back.payment.id == qr.payment.id
    # The QR counts down again, and the money arriving is seen.
    run_until(lambda: showing(kiosk) != back, timeout=3)
    now = showing(kiosk)
    assert isinstance(now, PayByQr)
    assert now.seconds_left < back.seconds_left
    DemoKeys(kiosk).pay()
    run_until(lambda: isinstance(showing(kiosk), PaymentReceived | PrintPreview), timeout=10)
    run(kiosk.payments.followed())


# ---------------------------------------------------------------------------------------------- the PIN
def test_the_right_pin_opens_the_staff_home(kiosk: KioskApp, qtbot: QtBot) -> None:
    staff_key(kiosk)
    type_pin(kiosk, RIGHT_PIN[:3])
    assert not button(kiosk, "staff-pin-open").isEnabled()  # too short for any PIN
    type_pin(kiosk, RIGHT_PIN[3:])
    assert showing(kiosk) == StaffPin(len(RIGHT_PIN))
    press(kiosk, "staff-pin-open")
    settle(kiosk)
    home = showing(kiosk)
    assert isinstance(home, StaffHome)
    assert home.health.kiosk_id == kiosk.settings.kiosk_id
    assert kiosk.tr._("staff.home.title") == text_of(kiosk, "screen-title")
    assert text_of(kiosk, "staff-health-printer") == kiosk.tr._("staff.printer.ready")
    assert text_of(kiosk, "staff-health-central") == kiosk.tr._("staff.central.reachable")
    assert kiosk.pin_gate.status().tries_before_lockout == LOCKOUT_AFTER


def test_three_wrong_pins_are_free_then_each_costs_a_wait_said_in_words(
    kiosk: KioskApp, qtbot: QtBot, clock: FakeClock
) -> None:
    tr = kiosk.tr
    staff_key(kiosk)
    for wrong in range(1, FREE_TRIES + 1):
        enter_pin(kiosk, WRONG_PIN)
        assert pin_problem(kiosk) == tr.ngettext("staff_pin.wrong", LOCKOUT_AFTER - wrong)
        type_pin(kiosk, WRONG_PIN[:4])
        assert button(kiosk, "staff-pin-open").isEnabled()  # no wait: the next try at once
        press(kiosk, "pad-clear")

    enter_pin(kiosk, WRONG_PIN)  # the 4th: now it costs a wait
    first_wait = int(WAITS[0].total_seconds())
    assert pin_problem(kiosk) == tr.ngettext("staff_pin.wrong_wait_seconds", first_wait)
    tries = LOCKOUT_AFTER - FREE_TRIES - 1
    assert text_of(kiosk, "staff-pin-hint") == tr.ngettext("staff.pin.tries_before_lockout", tries, n=tries)
    type_pin(kiosk, RIGHT_PIN)
    assert not button(kiosk, "staff-pin-open").isEnabled()  # even the right PIN waits
    assert not any(RIGHT_PIN in text or WRONG_PIN in text for text in all_texts(kiosk.window))

    # Back, and the gesture again: the gate still refuses, and says for how long, in words.
    tap(qtbot, kiosk.window, "nav-back")
    assert showing(kiosk) == Home()
    staff_key(kiosk)
    state = showing(kiosk)
    assert isinstance(state, StaffPin)
    assert state.check is not None
    assert state.check.verdict is PinVerdict.WAIT
    assert pin_problem(kiosk) == tr.ngettext("staff_pin.wait_seconds", first_wait)
    # The screen counts down on the kiosk's clock.
    clock.advance(timedelta(seconds=3))
    qtbot.waitUntil(lambda: pin_problem(kiosk) == tr.ngettext("staff_pin.wait_seconds", first_wait - 3))
    clock.advance(timedelta(seconds=first_wait - 3))
    type_pin(kiosk, RIGHT_PIN)
    assert button(kiosk, "staff-pin-open").isEnabled()
    press(kiosk, "staff-pin-open")
    settle(kiosk)
    assert isinstance(showing(kiosk), StaffHome)
    # The right PIN starts the count again.
    assert kiosk.pin_gate.status().tries_before_lockout == LOCKOUT_AFTER


def test_ten_wrong_pins_lock_even_the_right_one_and_the_lockout_survives_a_restart(
    kiosk: KioskApp, qtbot: QtBot, clock: FakeClock, qapp: QApplication, qloop: asyncio.AbstractEventLoop
) -> None:
    tr = kiosk.tr
    staff_key(kiosk)
    for wrong in range(1, LOCKOUT_AFTER + 1):
        enter_pin(kiosk, WRONG_PIN)
        check = showing(kiosk)
        assert isinstance(check, StaffPin)
        assert check.check is not None
        if wrong < LOCKOUT_AFTER:
            assert check.check.verdict is PinVerdict.WRONG
            assert check.check.wait_seconds == (
                0 if wrong <= FREE_TRIES else WAITS[wrong - FREE_TRIES - 1].total_seconds()
            )
            clock.advance(timedelta(seconds=check.check.wait_seconds))
    locked_until = clock.now() + LOCKOUT
    locked = tr._("staff_pin.locked", time=tr.time(locked_until.astimezone(VIETNAM)))
    assert pin_problem(kiosk) == locked
    assert "10:" in locked  # 09:40 + the waits + 15 minutes, in Vietnam time

    # The right PIN now: the screen does not take it, and the gate would not either.
    type_pin(kiosk, RIGHT_PIN)
    assert not button(kiosk, "staff-pin-open").isEnabled()
    run(kiosk.staff.submit_pin())  # what "Open" would do, if it were pressed anyway
    refused = showing(kiosk)
    assert isinstance(refused, StaffPin)
    assert refused.check is not None
    assert refused.check.verdict is PinVerdict.LOCKED
    assert not kiosk.staff.unlocked
    assert pin_problem(kiosk) == locked

    clock.advance(LOCKOUT - timedelta(minutes=1))
    tap(qtbot, kiosk.window, "nav-back")
    with restarted(kiosk, qapp, qloop) as again:
        # Pulling the plug gives a guesser no fresh tries.
        staff_key(again)
        state = showing(again)
        assert isinstance(state, StaffPin)
        assert state.check is not None
        assert state.check.verdict is PinVerdict.LOCKED
        assert pin_problem(again) == locked
        assert not button(again, "staff-pin-open").isEnabled()
        tap(qtbot, again.window, "nav-back")
        # Once the lockout is over, the right PIN opens staff mode.
        clock.advance(timedelta(minutes=1))
        unlock(again)


@pytest.mark.parametrize("kiosk_overrides", [{"staff.timeout_seconds": STAFF_TIMEOUT_SECONDS}])
def test_without_a_pin_configured_the_screen_says_staff_mode_is_not_set_up(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    assert kiosk.settings.staff.pin_hash is None
    staff_key(kiosk)
    assert pin_problem(kiosk) == kiosk.tr._("staff_pin.not_set")
    assert text_of(kiosk, "staff-pin-hint") == kiosk.tr._("staff.pin.not_set_hint")
    keypad = kiosk.window.current_screen.findChild(QWidget, "keypad")
    assert keypad is not None
    assert not keypad.isVisibleTo(kiosk.window)  # nothing to type
    assert not button(kiosk, "staff-pin-open").isVisibleTo(kiosk.window)
    tap(qtbot, kiosk.window, "nav-back")
    assert showing(kiosk) == Home()


def test_the_typed_pin_is_never_shown_logged_or_kept_in_a_screen_state(
    kiosk: KioskApp, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    states: list[ScreenState] = []
    kiosk.navigator.subscribe(states.append)
    staff_key(kiosk)
    enter_pin(kiosk, WRONG_PIN)
    type_pin(kiosk, RIGHT_PIN)
    texts_while_typing = all_texts(kiosk.window)
    press(kiosk, "staff-pin-open")
    settle(kiosk)
    assert isinstance(showing(kiosk), StaffHome)

    for pin in (RIGHT_PIN, WRONG_PIN):
        assert not any(pin in text for text in texts_while_typing)
        assert not any(pin in text for text in all_texts(kiosk.window))
        assert pin not in caplog.text
        assert not any(pin in repr(state) for state in states)
        assert pin not in (kiosk.settings.data_dir / STATE_FILE_NAME).read_text()
    assert any("staff PIN refused" in r.getMessage() for r in caplog.records)  # the log did see the checks
    assert any(isinstance(state, StaffPin) and state.entered == len(RIGHT_PIN) for state in states)


# ---------------------------------------------------------------------------------------------- the printer
PRINTER_WORDS: dict[str, tuple[PrinterStatus, Callable[[KioskApp], str]]] = {
    "paper-out": (PrinterState.PAPER_OUT, lambda k: k.tr._("staff.printer.paper_out")),
    "cover-open": (PrinterState.COVER_OPEN, lambda k: k.tr._("staff.printer.cover_open")),
    "offline": (PrinterState.OFFLINE, lambda k: k.tr._("staff.printer.offline")),
    "unknown": (PrinterState.UNKNOWN, lambda k: k.tr._("staff.printer.not_answering")),
    "cutter": (
        PrinterFault("cutter"),
        lambda k: k.tr._("staff.printer.error", kind=k.tr._("staff.printer.fault.cutter")),
    ),
}


@pytest.mark.parametrize("name", list(PRINTER_WORDS))
def test_the_staff_home_says_the_printers_state_in_words(kiosk: KioskApp, qtbot: QtBot, name: str) -> None:
    status, words = PRINTER_WORDS[name]
    preview_printer(kiosk).set_status(status)
    home = unlock(kiosk)
    assert home.health.printer == status
    shown = text_of(kiosk, "staff-health-printer")
    assert shown == words(kiosk)
    assert str(status) not in shown  # words, not the status code
    assert shown != kiosk.tr._("staff.printer.ready")
    # Fixed: "Refresh" asks the printer again.
    preview_printer(kiosk).set_status(PrinterState.READY)
    tap(qtbot, kiosk.window, "staff-refresh")
    settle(kiosk)
    assert text_of(kiosk, "staff-health-printer") == kiosk.tr._("staff.printer.ready")
    assert kiosk.navigator.depth == 2  # refreshed in place, no extra Back step


def test_test_print_prints_a_page_and_says_so(kiosk: KioskApp, qtbot: QtBot) -> None:
    printer = preview_printer(kiosk)
    before = pngs(printer)
    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-test-print")
    settle(kiosk)
    assert notice(kiosk) == kiosk.tr._("staff.notice.test_printed")
    assert len(pngs(printer)) == len(before) + 1
    assert kiosk.printing is not None
    [page] = kiosk.printing.journal.recent(("test_page",), 5)
    assert page.state is JobState.CONFIRMED
    assert isinstance(showing(kiosk), StaffHome)


def test_test_print_without_paper_says_printing_failed(kiosk: KioskApp, qtbot: QtBot) -> None:
    printer = preview_printer(kiosk)
    printer.set_status(PrinterState.PAPER_OUT)
    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-test-print")
    settle(kiosk)
    assert notice(kiosk) == kiosk.tr._("staff.notice.print_failed")
    assert pngs(printer) == []
    assert kiosk.printing is not None
    [page] = kiosk.printing.journal.recent(("test_page",), 5)
    assert page.state is JobState.FAILED


def test_paper_replaced_prints_the_receipt_that_waited_and_says_how_many(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    printer = preview_printer(kiosk)
    printer.set_status(PrinterState.PAPER_OUT)
    payment = pay(kiosk, qtbot)
    assert payment.receipt is ReceiptState.FOR_STAFF  # no paper: the receipt waits for staff
    assert pngs(printer) == []
    assert kiosk.printing is not None
    receipt = kiosk.printing.journal.find(RECEIPT_KIND, payment.payment_id or "")
    assert receipt is not None
    assert receipt.state is JobState.FAILED

    home = unlock(kiosk)
    assert home.health.prints_for_staff == 1
    assert text_of(kiosk, "staff-health-printer") == kiosk.tr._("staff.printer.paper_out")
    # Paper replaced before the printer is ready again: still out, nothing printed.
    tap(qtbot, kiosk.window, "staff-paper-replaced")
    settle(kiosk)
    assert notice(kiosk) == kiosk.tr._("staff.notice.paper_still_out")
    assert pngs(printer) == []

    printer.set_status(PrinterState.READY)
    tap(qtbot, kiosk.window, "staff-paper-replaced")
    settle(kiosk)
    assert notice(kiosk) == kiosk.tr.ngettext("staff.notice.paper_ready", 1, n=1)
    assert len(pngs(printer)) == 1
    assert kiosk.printing.journal.get(receipt.id).state is JobState.CONFIRMED
    assert [(n, reprint, state) for n, reprint, state, _ in kiosk.printing.journal.attempts(receipt.id)] == [
        (1, False, JobState.FAILED),
        (2, True, JobState.CONFIRMED),
    ]
    after = showing(kiosk)
    assert isinstance(after, StaffHome)
    assert after.health.prints_for_staff == 0
    assert text_of(kiosk, "staff-health-printouts") == kiosk.tr.number(0)
    # The payment's receipt is no longer waiting for staff, in the journal and in the end-of-day report.
    assert kiosk.keeper.journal.get(payment.id).receipt is ReceiptState.PRINTED
    tap(qtbot, kiosk.window, "staff-report")
    settle(kiosk)
    report = showing(kiosk)
    assert isinstance(report, StaffDayReport)
    assert report.report.receipts_for_staff == ()


def test_a_receipt_from_a_real_payment_is_reprinted_marked_as_a_reprint(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    printer = preview_printer(kiosk)
    payment = pay(kiosk, qtbot)
    assert payment.receipt is ReceiptState.PRINTED
    assert isinstance(showing(kiosk), PrintPreview)
    [original] = pngs(printer)
    assert kiosk.printing is not None
    receipt = kiosk.printing.journal.find(RECEIPT_KIND, payment.payment_id or "")
    assert receipt is not None

    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-printouts")
    settle(kiosk)
    listed = showing(kiosk)
    assert isinstance(listed, StaffPrintouts)
    # Staff read the receipt number printed on the paper, not the central's payment id.
    assert payment.receipt_number is not None
    assert [(p.job_id, p.kind, p.reference, p.printed) for p in listed.items] == [
        (receipt.id, RECEIPT_KIND, payment.receipt_number, True)
    ]
    assert payment.payment_id is not None
    shown = "\n".join(visible_texts(kiosk.window))
    assert payment.receipt_number in shown
    assert payment.payment_id not in shown
    tap(qtbot, kiosk.window, f"staff-reprint-{receipt.id}")
    settle(kiosk)
    assert notice(kiosk, "staff-printouts-notice-text") == kiosk.tr._("staff.notice.reprinted")
    assert isinstance(showing(kiosk), StaffPrintouts)
    assert kiosk.navigator.depth == 3  # home, the staff home, the list (refreshed in place, no extra step)
    attempts = kiosk.printing.journal.attempts(receipt.id)
    assert [(n, reprint, state) for n, reprint, state, _ in attempts] == [
        (1, False, JobState.CONFIRMED),
        (2, True, JobState.CONFIRMED),
    ]
    [_, reprinted] = pngs(printer)
    # The reprint mark is printed top and bottom: the same receipt, taller.
    with Image.open(original) as first, Image.open(reprinted) as again:
        assert again.width == first.width
        assert again.height > first.height


# ---------------------------------------------------------------------------------------------- work left
def test_a_report_saved_while_the_central_was_down_is_listed_and_send_now_delivers_it(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    outage_area("outage-no-power", MOUNTAIN)(kiosk, qtbot)
    tap(qtbot, kiosk.window, "outages-report")
    live = kiosk.courier.client
    dead = DemoClient(f"http://127.0.0.1:{free_port()}", central.token, timeout=1.0, retries=0)
    kiosk.courier.client = dead
    try:
        tap(qtbot, kiosk.window, "report-my-house")
        settle(kiosk)
        reported = showing(kiosk)
        assert isinstance(reported, OutageReported)
        item = reported.item
        assert item.state is Delivery.QUEUED
        # The central stays away for a while: the courier's tries space out (minutes by now).
        for _ in range(7):
            item = run(kiosk.courier.deliver(item.id))
        assert item.state is Delivery.QUEUED
        assert item.next_attempt_at > datetime.now(UTC) + timedelta(seconds=60)
    finally:
        kiosk.courier.client = live
        run(dead.aclose())

    unlock(kiosk)
    assert text_of(kiosk, "staff-health-outbox") == kiosk.tr.number(1)
    tap(qtbot, kiosk.window, "staff-pending")
    settle(kiosk)
    pending = showing(kiosk)
    assert isinstance(pending, StaffPending)
    assert [queued.reference for queued in pending.queued] == [item.reference]
    card = kiosk.window.findChild(QWidget, f"staff-queued-{item.id}")
    assert card is not None
    assert card.isVisibleTo(kiosk.window)
    assert item.reference in visible_texts(kiosk.window)

    # The network is back; staff do not wait minutes for the courier's next try.
    async def send_now() -> None:
        # Inside the running loop, as in the kiosk: the courier's task must not be stepped by a test's own
        # event processing (a key click), where no loop runs.
        kiosk.background.start_outbox()  # the kiosk's background courier, as `kiosk run` starts it
        tap(qtbot, kiosk.window, "staff-send-now")
        await kiosk.settle()
        assert notice(kiosk, "staff-pending-notice-text") == kiosk.tr._("staff.notice.sending")
        async with asyncio.timeout(10):
            while kiosk.outbox.depth():  # noqa: ASYNC110 - the outbox signals nothing
                await asyncio.sleep(0.02)

    run(send_now())
    assert kiosk.outbox.get(item.id).state is Delivery.DELIVERED


def test_the_end_of_day_report_shows_the_days_payment_and_prints(kiosk: KioskApp, qtbot: QtBot) -> None:
    printer = preview_printer(kiosk)
    payment = pay(kiosk, qtbot)
    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-report")
    settle(kiosk)
    texts = visible_texts(kiosk.window)
    method_name = payment.order.method  # e.g. "vietqr"
    report_state = showing(kiosk)
    assert isinstance(report_state, StaffDayReport)
    [method] = report_state.report.paid
    assert method.method == method_name
    assert (method.count, method.amount) == (1, payment.amount)
    assert method.method_vi in texts  # the central's name for it, in the screen's language
    assert kiosk.tr.money(payment.amount) in texts
    assert text_of(kiosk, "staff-report-total-2") == kiosk.tr.number(1)
    assert text_of(kiosk, "staff-report-total-3") == kiosk.tr.money(payment.amount)

    before = len(pngs(printer))
    tap(qtbot, kiosk.window, "staff-report-print")
    settle(kiosk)
    assert notice(kiosk, "staff-report-notice-text") == kiosk.tr._("staff.notice.report_printed")
    assert len(pngs(printer)) == before + 1
    assert kiosk.printing is not None
    [printed] = kiosk.printing.journal.recent((DAY_REPORT_KIND,), 5)
    assert printed.state is JobState.CONFIRMED


# ---------------------------------------------------------------------------------------------- language
def test_english_as_default_language_survives_a_restart_and_a_wipe_returns_to_it(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication, qloop: asyncio.AbstractEventLoop
) -> None:
    english = kiosk.tr.in_language("en")
    assert language(kiosk) == "vi"
    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-language-en")
    settle(kiosk)
    assert notice(kiosk) == kiosk.tr._("staff.notice.language_set")
    assert text_of(kiosk, "staff-language") == kiosk.tr._("staff.language.default_en")
    assert button(kiosk, "staff-language-en").isChecked()
    assert not button(kiosk, "staff-language-vi").isChecked()
    assert (kiosk.settings.data_dir / PREFERENCES_FILE_NAME).exists()

    # The customer of now keeps their language; the next one starts in English.
    tap(qtbot, kiosk.window, "nav-back")
    assert showing(kiosk) == Home()
    assert language(kiosk) == "vi"
    tap(qtbot, kiosk.window, "tile-bills")
    kiosk.idle.idle()
    tap(qtbot, kiosk.window, "idle-end")
    assert showing(kiosk) == Home()
    assert language(kiosk) == "en"
    assert kiosk.tr.language == "en"
    assert button(kiosk, "nav-call-staff").text() == english._("frame.call_staff")

    with restarted(kiosk, qapp, qloop) as again:
        assert language(again) == "en"
        assert again.tr.language == "en"
        assert button(again, "nav-call-staff").text() == english._("frame.call_staff")
        home_texts = visible_texts(again.window)
        assert english._("frame.language") in home_texts


def test_closing_the_program_asks_first_then_stops_the_kiosk(kiosk: KioskApp, qtbot: QtBot) -> None:
    def stop_asked() -> bool:
        return run(asyncio.wait_for(asyncio.shield(kiosk.stop.wait()), 0.05)) is not None

    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-leave")
    assert showing(kiosk) == StaffLeave()
    assert kiosk.tr._("staff.leave.body") in visible_texts(kiosk.window)
    with pytest.raises(TimeoutError):
        stop_asked()
    tap(qtbot, kiosk.window, "staff-leave-stay")
    assert isinstance(showing(kiosk), StaffHome)
    with pytest.raises(TimeoutError):
        stop_asked()
    tap(qtbot, kiosk.window, "staff-leave")
    tap(qtbot, kiosk.window, "staff-leave-confirm")
    # `kiosk run` then shuts the kiosk down and exits with the status the units leave stopped
    # (tests/gui/test_stopping.py runs it whole).
    assert run(kiosk.stop.wait()) is ExitStatus.CLOSED_BY_STAFF


# ---------------------------------------------------------------------------------------------- timeout
def test_the_staff_timeout_is_the_configured_one(kiosk: KioskApp) -> None:
    timer = kiosk.clocks.staff.findChild(QTimer)
    assert timer is not None
    assert timer.interval() == STAFF_TIMEOUT_SECONDS * 1000


def test_staff_mode_left_alone_closes_to_a_fresh_home(kiosk: KioskApp, qtbot: QtBot) -> None:
    type_code(kiosk, qtbot, "PE0100012")
    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-printouts")
    settle(kiosk)
    assert isinstance(showing(kiosk), StaffPrintouts)
    # The staff member walks away: the staff watcher's time runs out (shortened here from the configured one).
    kiosk.clocks.staff.set_interval(50)
    qtbot.waitUntil(lambda: not kiosk.staff.showing, timeout=3000)
    assert showing(kiosk) == Home()
    assert not kiosk.staff.unlocked
    # Back in staff mode takes the PIN again.
    staff_key(kiosk)
    assert showing(kiosk) == StaffPin()


def test_the_pin_screen_left_alone_closes_too(kiosk: KioskApp, qtbot: QtBot) -> None:
    staff_key(kiosk)
    type_pin(kiosk, RIGHT_PIN[:5])
    kiosk.staff.timed_out()  # what the staff watcher calls when its time runs out
    assert showing(kiosk) == Home()
    # The digits typed went with it.
    staff_key(kiosk)
    assert showing(kiosk) == StaffPin()


# ---------------------------------------------------------------------------------------------- helping
def test_help_a_customer_starts_assisted_mode_marked_by_staff_and_the_payment_records_it(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    unlock(kiosk)
    tap(qtbot, kiosk.window, "staff-assist")
    assert showing(kiosk) == Home()
    assert kiosk.navigator.depth == 1
    assert not kiosk.staff.unlocked
    assert kiosk.session.assisted
    assert kiosk.session.assisted_by_staff
    assert button(kiosk, "assist-end").isVisible()

    payment = pay(kiosk, qtbot)
    [recorded] = [p for p in kiosk.keeper.journal.all() if p.id == payment.id]
    assert recorded.order.assisted is True


def test_a_customer_paying_alone_is_not_recorded_as_assisted(kiosk: KioskApp, qtbot: QtBot) -> None:
    payment = pay(kiosk, qtbot)
    assert [p.order.assisted for p in kiosk.keeper.journal.all() if p.id == payment.id] == [False]


def test_call_staff_shows_the_banner_rings_and_staff_arriving_answers_it(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    chime = kiosk.chime
    assert isinstance(chime, FakeChime)
    banner = kiosk.window.findChild(QWidget, "staff-call-banner")
    assert banner is not None
    assert not banner.isVisible()
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "nav-call-staff")
    run_until(lambda: kiosk.staff_calls.delivered)  # the call reaches the office
    assert banner.isVisible()
    assert kiosk.tr._("frame.staff_coming") in visible_texts(kiosk.window)
    assert chime.rings == 1
    assert showing(kiosk) == StaffCalled()
    assert call_open(kiosk)

    unlock(kiosk)
    assert not banner.isVisible()
    assert not call_open(kiosk)  # staff_calls.open_since is None
    run_until(lambda: central_call_answered(central))
    tap(qtbot, kiosk.window, "nav-back")
    assert showing(kiosk) == Home()  # staff arrived: the visit that called them ended with staff mode
    assert not banner.isVisible()


def call_open(kiosk: KioskApp) -> bool:
    return kiosk.staff_calls.open_since is not None


def has_customer(kiosk: KioskApp) -> bool:
    return kiosk.session.customer is not None


def central_call_answered(central: RunningCentral) -> bool:
    with sqlite3.connect(central.db_path) as db:
        rows = db.execute("SELECT answered_at FROM staff_calls").fetchall()
    return len(rows) == 1 and rows[0][0] is not None


# ---------------------------------------------------------------------------------------------- faults
def test_the_fault_screen_sends_the_customer_to_staff_and_start_again_wipes(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    open_account(kiosk, qtbot, CUSTOMER)
    assert has_customer(kiosk)
    show_fault(kiosk)
    assert showing(kiosk) == Fault()
    texts = visible_texts(kiosk.window)
    for msgid in ("fault.heading", "fault.ask_staff", "fault.safe"):
        assert kiosk.tr._(msgid) in texts
    assert button(kiosk, "nav-call-staff").isVisible()
    assert not button(kiosk, "nav-back").isVisible()
    show_fault(kiosk)  # a second fault while it shows: still one fault screen
    assert showing(kiosk) == Fault()
    depth = kiosk.navigator.depth

    press(kiosk, "fault-start-again")
    assert showing(kiosk) == Home()
    assert kiosk.navigator.depth == 1 < depth
    assert not has_customer(kiosk)
    assert not kiosk.session.active
    assert CUSTOMER[2:] not in "\n".join(all_texts(kiosk.window))


def test_an_unexpected_error_in_a_customer_action_ends_on_the_fault_screen_and_is_logged(
    kiosk: KioskApp,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bug = RuntimeError("a bug in the lookup")

    async def broken() -> None:
        raise bug

    monkeypatch.setattr(kiosk.bills, "submit", broken)
    faults = install_fault_handlers(lambda: show_fault(kiosk), loop=qloop)
    try:
        type_code(kiosk, qtbot, CUSTOMER)
        tap(qtbot, kiosk.window, "code-submit")
        settle(kiosk)
        qtbot.waitUntil(lambda: showing(kiosk) == Fault(), timeout=3000)
    finally:
        faults.uninstall()
    assert faults.faults == 1
    [record] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert record.exc_info is not None
    assert record.exc_info[1] is bug
    assert "a customer action failed" in record.getMessage()
    assert not button(kiosk, "nav-back").isVisible()
    assert button(kiosk, "nav-call-staff").isVisible()
