"""The staff screens and the customer's "please ask staff" screen, each in a stand-in for the kiosk's frame (the
title bar, the finger-scrolled page, the navigation bar) at both panel orientations: nothing cut off, targets a
finger can hit, text an old eye can read, every word from the catalog, taps that send the right intent, a wipe
that leaves nothing behind, and a PIN keypad that never shows a digit typed."""

from __future__ import annotations

import asyncio
import os
import re
import types
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast, get_args

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.config import hash_pin
from kiosk.demo.scenarios import staff_screen_states
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import Contrast, TextSize
from kiosk.flows.staff import StaffDesk, StaffFlow
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Fault
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffNotice,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.language.catalogs import Translator
from kiosk.payments.receipt import RECEIPT_KIND
from kiosk.printing.printer_status import FaultKind, PrinterFault, PrinterState
from kiosk.staff.health import CentralState, KioskHealth, Printout
from kiosk.staff.pin_gate import PinCheck, PinGate, PinVerdict
from kiosk.views.frame.something_went_wrong import SomethingWentWrongScreen
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label, scroll_area
from kiosk.views.staff import staff_pin
from kiosk.views.staff.parts import ButtonGrid, Mark, StatusMark
from kiosk.views.staff.staff_day_report import StaffDayReportScreen
from kiosk.views.staff.staff_home import StaffHomeScreen
from kiosk.views.staff.staff_leave import StaffLeaveScreen
from kiosk.views.staff.staff_pending import StaffPendingScreen
from kiosk.views.staff.staff_pin import StaffPinScreen
from kiosk.views.staff.staff_printouts import PAGE_SIZE, StaffPrintoutsScreen
from kiosk.views.theme import Look, load_fonts, stylesheet
from tests.helpers.accessibility import MIN_TEXT_PX, widget_problems
from tests.helpers.widgets import all_texts, tap, visible_texts, visible_widgets

# The kiosk's panels (kiosk.shell.app's PORTRAIT and LANDSCAPE).
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
NOW = datetime(2026, 11, 23, 2, 40, tzinfo=UTC)  # 09:40 in Vietnam
KIOSK_ID = "HN-CG-03"
# Set to a directory to keep the PNGs of every screen (`KIOSK_STAFF_SHOTS=/tmp/staff-shots pytest ...`).
SHOTS_DIR = os.environ.get("KIOSK_STAFF_SHOTS")

SCREENS: dict[type[ScreenState], type[Screen]] = {
    Fault: SomethingWentWrongScreen,
    StaffPin: StaffPinScreen,
    StaffHome: StaffHomeScreen,
    StaffPrintouts: StaffPrintoutsScreen,
    StaffPending: StaffPendingScreen,
    StaffDayReport: StaffDayReportScreen,
    StaffLeave: StaffLeaveScreen,
}


# ---------------------------------------------------------------------------------------------- samples
@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ScreenState]:
    """The screenshot states (journals filled as a busy morning fills them), and the edge cases: every printer
    status, every notice, long lists, every PIN refusal."""
    states = staff_screen_states(tmp_path_factory.mktemp("staff"), kiosk_id=KIOSK_ID, now=NOW)
    home = states["staff-home"]
    assert isinstance(home, StaffHome)
    statuses: list[object] = [*PrinterState, *(PrinterFault(kind) for kind in get_args(FaultKind)), None]
    for status in statuses:
        states[f"printer-{status}"] = StaffHome(replace(home.health, printer=status))  # type: ignore[arg-type]
    for central in CentralState:
        states[f"central-{central}"] = StaffHome(replace(home.health, central=central, heartbeat_at=None))
    for notice in StaffNotice:
        states[f"notice-{notice}"] = StaffHome(
            home.health, notice, 1 if notice is StaffNotice.PAPER_READY else 0
        )
        states[f"printouts-notice-{notice}"] = StaffPrintouts(long_printouts(3), notice)
    states["home-english-default"] = StaffHome(replace(home.health, default_language="en"))
    states["printouts-long"] = StaffPrintouts(long_printouts(30))
    states["printouts-one-page"] = StaffPrintouts(long_printouts(PAGE_SIZE))
    pending = states["staff-pending"]
    assert isinstance(pending, StaffPending)
    states["pending-long"] = StaffPending(pending.payments * 3, pending.queued * 3, pending.refused * 3)
    states["pending-only-refused"] = StaffPending((), (), pending.refused)
    report = states["staff-day-report"]
    assert isinstance(report, StaffDayReport)
    states["report-empty-day"] = StaffDayReport(
        replace(report.report, paid=(), pending_payments=(), receipts_for_staff=(), requests_waiting=0)
    )
    states["pin-wait"] = StaffPin(4, PinCheck(PinVerdict.WAIT, wait_seconds=95, tries_before_lockout=3))
    states["pin-last-try"] = StaffPin(0, PinCheck(PinVerdict.WRONG, wait_seconds=300, tries_before_lockout=1))
    states["pin-long"] = StaffPin(12)
    return states


def long_printouts(count: int) -> tuple[Printout, ...]:
    return tuple(
        Printout(100 - i, RECEIPT_KIND, f"pay_{i:016x}", NOW - timedelta(minutes=7 * i), i % 4 != 1)
        for i in range(count)
    )


# ---------------------------------------------------------------------------------------------- the frame
class Frame(QWidget):
    """A stand-in for the kiosk window around one screen: its title bar, the page that scrolls by finger when a
    screen cannot fit, and its navigation bar, all styled by the application's style sheet."""

    def __init__(self, screen: Screen, tr: Translator, look: Look) -> None:
        super().__init__()
        self.setObjectName("kiosk-window")
        self.shown = screen
        self._tr = tr
        title_bar = QWidget()
        title_bar.setProperty("role", "bar")
        self.title = label("title")
        title_row = QHBoxLayout(title_bar)
        title_row.setContentsMargins(32, 16, 32, 16)
        title_row.addWidget(self.title)
        self.page = scroll_area(screen, "page")
        nav_bar = QWidget()
        nav_bar.setProperty("role", "bar")
        self.back = button()
        self.language = button()
        nav_row = QHBoxLayout(nav_bar)
        nav_row.setContentsMargins(24, 16, 24, 16)
        nav_row.addWidget(self.back)
        nav_row.addStretch()
        nav_row.addWidget(self.language)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(title_bar)
        layout.addWidget(self.page, stretch=1)
        pinned = (
            screen.pinned_actions()
        )  # the screen's actions pinned below its page, as the kiosk shows them
        if pinned is not None:
            layout.addWidget(pinned)
        layout.addWidget(nav_bar)
        self.set_look(look)
        self.retranslate()

    def set_look(self, look: Look) -> None:
        self.setStyleSheet(stylesheet(look))
        self.shown.set_look(look)

    def retranslate(self) -> None:
        self.shown.retranslate()
        self.title.setText(self.shown.title())
        self.back.setText(self._tr._("frame.back"))
        self.language.setText(self._tr._("frame.language"))


def settle() -> None:
    # Layouts are redone on posted events, and a resize may move widgets between columns: twice is enough.
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QApplication.processEvents()


@pytest.fixture(scope="module")
def catalogs() -> Translator:
    return Translator.load()


@pytest.fixture
def tr(catalogs: Translator) -> Translator:
    return catalogs.in_language("vi")


@pytest.fixture
def fonts(qapp: QApplication) -> None:
    load_fonts()


Show = Callable[..., Frame]


@pytest.fixture
def show(qtbot: QtBot, tr: Translator, fonts: None) -> Show:
    """Builds a screen in a frame of a panel's size, showing ``state``."""

    def show(state: ScreenState, *, size: str = "portrait", look: Look | None = None) -> Frame:
        screen = SCREENS[type(state)](tr)
        screen.show_state(state)
        frame = Frame(screen, tr, look or Look())
        qtbot.addWidget(frame)
        frame.resize(*SIZES[size])
        frame.show()
        qtbot.waitExposed(frame)
        settle()
        return frame

    return show


# ---------------------------------------------------------------------------------------------- what is wrong
def problems(frame: Frame) -> list[str]:
    """What tests/gui/test_accessibility.py looks for on a whole kiosk, on this frame."""
    found = []
    screen, viewport = frame.shown, frame.page.viewport()
    for widget in visible_widgets(frame):
        name = widget.objectName() or type(widget).__name__
        found += widget_problems(widget)
        if isinstance(widget, StatusMark) and widget.mark is not None and widget.height() < MIN_TEXT_PX:
            found.append(f"a mark is {widget.height()} px high")
        if screen.isAncestorOf(widget):
            # May extend below the fold (the page scrolls), never beside it.
            right = widget.mapTo(viewport, widget.rect().bottomRight()).x()
            if right > viewport.width():
                found.append(f"{name} reaches {right - viewport.width()} px beyond the right edge")
        elif not frame.rect().contains(widget.mapTo(frame, widget.rect().bottomRight())):
            found.append(f"{name} reaches outside the window")
    return found


# Texts shown as they are, not words: references, codes, a PIN's dots, error codes from the central.
DATA = re.compile(r"[A-Za-z0-9_• ]+")


def words_not_from_the_catalog(frame: Frame, tr: Translator) -> list[str]:
    return [
        widget.text()
        for widget in visible_widgets(frame)
        if isinstance(widget, QLabel | QAbstractButton)
        and widget.text()
        and not tr.is_catalog_text(widget.text())
        and not (widget.property("data") and DATA.fullmatch(widget.text()))
        and not tr.is_catalog_text(_without_method(widget.text()))
    ]


def _without_method(text: str) -> str:
    """The central names its payment methods in both languages; the report's table shows them as they are."""
    for method in ("Chuyển khoản VietQR", "VietQR transfer", "Ví DemoPay", "DemoPay wallet"):
        text = text.replace(method, "")
    return text


# ---------------------------------------------------------------------------------------------- fit
LOOKS = {
    "normal": Look(),
    "large": Look(text_size=TextSize.LARGE),
    "largest": Look(text_size=TextSize.LARGEST),
}


@pytest.mark.parametrize("text", LOOKS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", SCREENS, ids=lambda k: k.__name__)
def test_every_state_fits_the_panel_in_both_languages(
    show: Show, samples: dict[str, ScreenState], tr: Translator, kind: type, size: str, text: str
) -> None:
    states = {name: state for name, state in samples.items() if type(state) is kind}
    assert states
    frame: Frame | None = None
    for name, state in states.items():
        if frame is None:
            frame = show(state, size=size, look=LOOKS[text])
        frame.shown.show_state(state)
        for language in ("vi", "en"):
            tr.set_language(language)
            frame.retranslate()
            frame.shown.show_state(state)
            settle()
            where = f"{name} {size} {language} {text} text"
            assert problems(frame) == [], where
            assert words_not_from_the_catalog(frame, tr) == [], where
            if text == "normal" and name != "pending-long":
                # Staff screens may scroll at larger sizes, and a long list by finger; the rest fits as designed.
                assert not frame.page.verticalScrollBar().isVisible(), where
        tr.set_language("vi")


def test_screenshots_of_every_screen(
    show: Show, samples: dict[str, ScreenState], tr: Translator, tmp_path: Path
) -> None:
    """The PNGs reviewed by eye; kept when KIOSK_STAFF_SHOTS names a directory."""
    out = Path(SHOTS_DIR) if SHOTS_DIR else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    names = [n for n in samples if n.startswith(("staff-", "something-")) or n.endswith("-long")]
    names += ["printer-error(cutter)", "central-refused", "notice-print_failed", "report-empty-day"]
    looks = {
        "": Look(),
        "-largest": Look(text_size=TextSize.LARGEST),
        "-contrast": Look(contrast=Contrast.HIGH),
    }
    for name in names:
        for suffix, look in looks.items():
            if suffix and name not in ("staff-home-problems", "staff-pin-wait", "staff-printouts"):
                continue
            for size in SIZES:
                frame = show(samples[name], size=size, look=look)
                for language in ("vi", "en"):
                    tr.set_language(language)
                    frame.retranslate()
                    settle()
                    assert frame.grab().save(str(out / f"{name}{suffix}-{language}-{size}.png"))
                tr.set_language("vi")
                frame.close()


# ---------------------------------------------------------------------------------------------- the fault screen
def test_the_fault_screen_sends_the_customer_to_staff_and_starts_again(show: Show, qtbot: QtBot) -> None:
    frame = show(Fault())
    screen = cast(SomethingWentWrongScreen, frame.shown)
    texts = visible_texts(frame)
    tr = screen._tr
    assert tr._("fault.ask_staff") in texts
    assert tr._("fault.safe") in texts
    with qtbot.waitSignal(screen.start_over_requested):
        tap(qtbot, frame, "fault-start-again")


# ---------------------------------------------------------------------------------------------- PIN
@pytest.fixture
def desk() -> StaffDesk:
    return cast(StaffDesk, types.SimpleNamespace())


def test_typing_a_pin_shows_dots_never_digits(
    show: Show, qtbot: QtBot, tmp_path: Path, desk: StaffDesk
) -> None:
    navigator = Navigator()
    gate = PinGate(hash_pin("2580", iterations=100_000), tmp_path / "pin.json", clock=lambda: NOW)
    flow = StaffFlow(navigator, gate, desk, start_assisting=lambda: None)
    flow.open()
    frame = show(navigator.current)
    screen = cast(StaffPinScreen, frame.shown)
    navigator.subscribe(screen.show_state)
    screen.key_pressed.connect(flow.pin_key)
    keys: list[str] = []
    screen.key_pressed.connect(keys.append)

    for digit in "258":
        tap(qtbot, frame, f"pad-{digit}")
    dots = frame.findChild(QLabel, "staff-pin-dots")
    assert dots is not None
    assert dots.text() == "• • • _"
    open_button = frame.findChild(QAbstractButton, "staff-pin-open")
    assert open_button is not None
    assert not open_button.isEnabled()  # 3 digits: too short for any PIN
    tap(qtbot, frame, "pad-0")
    assert dots.text() == "• • • •"
    assert open_button.isEnabled()
    assert keys == ["2", "5", "8", "0"]
    assert navigator.current == StaffPin(4, None)  # the state holds a count, not the digits

    typed = "2580"
    for widget in frame.findChildren(QWidget):
        if widget.objectName().startswith("pad-"):
            continue  # the keys' own digits
        texts = [widget.accessibleName(), widget.toolTip()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        assert not any(typed in text or "258" in text for text in texts)
    assert not any(c.isdigit() for c in dots.text())

    tap(qtbot, frame, "pad-backspace")
    tap(qtbot, frame, "pad-clear")
    assert keys[-2:] == ["backspace", "clear"]
    assert dots.text() == "_ _ _ _"
    assert not open_button.isEnabled()

    for digit in "1111":
        tap(qtbot, frame, f"pad-{digit}")
    with qtbot.waitSignal(screen.submit_requested):
        tap(qtbot, frame, "staff-pin-open")
    asyncio.run(flow.submit_pin())
    tr = screen._tr
    assert tr.ngettext("staff_pin.wrong", 9) in visible_texts(frame)
    assert dots.text() == "_ _ _ _"


def test_a_wait_counts_down_then_the_keypad_takes_a_pin_again(
    show: Show, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(staff_pin, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    frame = show(StaffPin(4, PinCheck(PinVerdict.WRONG, wait_seconds=30, tries_before_lockout=4)))
    screen = cast(StaffPinScreen, frame.shown)
    tr = screen._tr
    open_button = frame.findChild(QAbstractButton, "staff-pin-open")
    assert open_button is not None
    texts = visible_texts(frame)
    assert tr.ngettext("staff_pin.wrong_wait_seconds", 30) in texts
    assert tr.ngettext("staff.pin.tries_before_lockout", 4, n=4) in texts
    assert not open_button.isEnabled()
    clock[0] += 12
    qtbot.waitUntil(lambda: tr.ngettext("staff_pin.wrong_wait_seconds", 18) in visible_texts(frame))
    clock[0] += 18
    qtbot.waitUntil(open_button.isEnabled)
    assert tr.ngettext("staff_pin.wrong", 4) in visible_texts(frame)


def test_a_lockout_says_until_when_in_vietnam_time(show: Show) -> None:
    until = datetime(2026, 11, 23, 3, 5, tzinfo=UTC)
    frame = show(StaffPin(0, PinCheck(PinVerdict.LOCKED, wait_seconds=900, locked_until=until)))
    problem = frame.findChild(QLabel, "staff-pin-problem")
    assert problem is not None
    assert "10:05" in problem.text()
    open_button = frame.findChild(QAbstractButton, "staff-pin-open")
    assert open_button is not None
    assert not open_button.isEnabled()


def test_without_a_pin_configured_the_screen_names_the_setting(show: Show) -> None:
    frame = show(StaffPin(0, PinCheck(PinVerdict.NOT_SET)))
    assert any("staff.pin_hash" in text for text in visible_texts(frame))
    pad = frame.findChild(QWidget, "keypad")
    assert pad is not None
    assert pad.isHidden()  # nothing to type


# ---------------------------------------------------------------------------------------------- staff home
@pytest.mark.parametrize(
    ("name", "signal"),
    [
        ("staff-test-print", "test_print_requested"),
        ("staff-paper-replaced", "paper_replaced_requested"),
        ("staff-printouts", "printouts_requested"),
        ("staff-pending", "pending_requested"),
        ("staff-report", "report_requested"),
        ("staff-assist", "assist_requested"),
        ("staff-refresh", "refresh_requested"),
        ("staff-leave", "leave_requested"),
    ],
)
def test_each_staff_button_sends_its_intent(
    show: Show, qtbot: QtBot, samples: dict[str, ScreenState], name: str, signal: str
) -> None:
    frame = show(samples["staff-home"])
    with qtbot.waitSignal(getattr(frame.shown, signal)):
        tap(qtbot, frame, name)


def test_the_default_language_is_said_in_words_and_chosen_by_chip(
    show: Show, qtbot: QtBot, samples: dict[str, ScreenState]
) -> None:
    frame = show(samples["staff-home"])
    screen = cast(StaffHomeScreen, frame.shown)
    tr = screen._tr
    assert tr._("staff.language.default_vi") in visible_texts(frame)
    english = frame.findChild(QAbstractButton, "staff-language-en")
    assert english is not None
    with qtbot.waitSignal(screen.language_chosen, check_params_cb=lambda language: language == "en"):
        tap(qtbot, frame, "staff-language-en")
    assert not english.isChecked()  # until the flow says it was saved
    home = samples["staff-home"]
    assert isinstance(home, StaffHome)
    screen.show_state(StaffHome(replace(home.health, default_language="en"), StaffNotice.LANGUAGE_SET))
    assert english.isChecked()
    assert tr._("staff.language.default_en") in visible_texts(frame)
    assert tr._("staff.notice.language_set") in visible_texts(frame)


def test_every_printer_status_has_its_own_words_and_a_mark(
    show: Show, samples: dict[str, ScreenState]
) -> None:
    frame = show(samples["staff-home"])
    words: dict[str, str] = {}
    for name, state in samples.items():
        if name.startswith("printer-"):
            frame.shown.show_state(state)
            value = frame.findChild(QLabel, "staff-health-printer")
            assert value is not None
            words[name] = value.text()
            assert not re.search(r"error\(|_", value.text()), "a status code instead of words"
            pair = value.parentWidget()  # the pair of texts, then their line with its mark
            line = pair.parentWidget() if pair is not None else None
            assert line is not None
            marks = [w for w in line.findChildren(StatusMark) if w.mark is not None]
            assert marks
    assert len(set(words.values())) == len(words)


def test_problems_are_marked_by_shape_not_colour(show: Show, samples: dict[str, ScreenState]) -> None:
    frame = show(samples["staff-home-problems"])
    marks = {w.mark for w in frame.findChildren(StatusMark)}
    assert {Mark.PROBLEM, Mark.WARN} <= marks
    frame.shown.show_state(samples["staff-home"])
    assert Mark.PROBLEM not in {w.mark for w in frame.findChildren(StatusMark)}


def test_the_buttons_use_one_column_when_two_would_cut_their_words(show: Show) -> None:
    wide = show(StaffHome(_health()), size="portrait")
    assert wide.findChild(ButtonGrid).columns == 2  # type: ignore[union-attr]
    large = show(StaffHome(_health()), size="portrait", look=Look(text_size=TextSize.LARGEST))
    assert large.findChild(ButtonGrid).columns == 1  # type: ignore[union-attr]


def _health() -> KioskHealth:
    return KioskHealth(KIOSK_ID, "1.4.0", PrinterState.READY, CentralState.REACHABLE, NOW, 0, 0, 0, 0, "vi")


# ---------------------------------------------------------------------------------------------- printouts
def test_reprint_sends_the_job_and_pages_go_newest_first(show: Show, qtbot: QtBot) -> None:
    items = long_printouts(13)
    frame = show(StaffPrintouts(items))
    screen = cast(StaffPrintoutsScreen, frame.shown)
    shown = [
        w.objectName()
        for w in frame.findChildren(QAbstractButton)
        if w.objectName().startswith("staff-reprint-")
    ]
    assert sorted(shown) == sorted(f"staff-reprint-{p.job_id}" for p in items[:PAGE_SIZE])
    with qtbot.waitSignal(screen.reprint_requested, check_params_cb=lambda job: job == items[2].job_id):
        tap(qtbot, frame, f"staff-reprint-{items[2].job_id}")

    tap(qtbot, frame, "staff-printouts-older")
    texts = visible_texts(frame)
    assert screen._tr._("staff.printouts.showing", first=9, last=13, total=13) in texts
    with qtbot.waitSignal(screen.reprint_requested, check_params_cb=lambda job: job == items[12].job_id):
        tap(qtbot, frame, f"staff-reprint-{items[12].job_id}")
    # The flow shows the list again after a reprint: staff stay on the older page.
    screen.show_state(StaffPrintouts(items, StaffNotice.REPRINTED))
    assert frame.findChild(QAbstractButton, f"staff-reprint-{items[12].job_id}").isVisible()  # type: ignore[union-attr]
    assert screen._tr._("staff.notice.reprinted") in visible_texts(frame)
    newer = frame.findChild(QAbstractButton, "staff-printouts-newer")
    assert newer is not None
    assert newer.isEnabled()


def test_not_printed_is_said_in_words(show: Show) -> None:
    frame = show(StaffPrintouts(long_printouts(3)))
    tr = frame.shown._tr
    texts = visible_texts(frame)
    assert texts.count(tr._("staff.printout.not_printed")) == 1
    assert texts.count(tr._("staff.printout.printed")) == 2


def test_an_empty_list_says_so(show: Show) -> None:
    frame = show(StaffPrintouts(()))
    assert frame.shown._tr._("staff.printouts.none") in visible_texts(frame)
    assert frame.findChild(QAbstractButton, "staff-printouts-older").isHidden()  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------- pending
def test_pending_work_lists_each_item_and_sends_now(
    show: Show, qtbot: QtBot, samples: dict[str, ScreenState]
) -> None:
    state = samples["staff-pending"]
    assert isinstance(state, StaffPending)
    frame = show(state)
    tr = frame.shown._tr
    texts = visible_texts(frame)
    for payment in state.payments:
        assert payment.reference in texts
        assert tr.money(payment.amount) in texts
    for item in state.queued + state.refused:
        assert item.reference in texts
    refused = state.refused[0]
    assert refused.refusal == "invalid_fields"
    reason = tr._("staff.refusal.invalid_fields")
    assert tr._("staff.pending.refusal", reason=reason) in texts
    waiting = [item for item in state.queued if item.last_error == "unreachable"]
    assert waiting
    error = tr._("staff.problem.unreachable")
    assert (
        tr.ngettext("staff.pending.attempts_error", waiting[0].attempts, n=waiting[0].attempts, error=error)
        in texts
    )
    # Words, never the codes the outbox keeps.
    assert not [text for text in texts if "invalid_fields" in text or "unreachable" in text]
    assert tr._("staff.pending.customer", code="PD0200 023 4567") in texts
    with qtbot.waitSignal(cast(StaffPendingScreen, frame.shown).send_now_requested):
        tap(qtbot, frame, "staff-send-now")


def test_send_now_is_gone_when_nothing_waits(show: Show, samples: dict[str, ScreenState]) -> None:
    frame = show(samples["staff-pending-empty"])
    send = frame.findChild(QAbstractButton, "staff-send-now")
    assert send is not None
    assert send.isHidden()
    assert frame.shown._tr._("staff.pending.nothing") in visible_texts(frame)


# ---------------------------------------------------------------------------------------------- report
def test_the_report_shows_the_days_figures_and_prints(
    show: Show, qtbot: QtBot, samples: dict[str, ScreenState]
) -> None:
    state = samples["staff-day-report"]
    assert isinstance(state, StaffDayReport)
    report = state.report
    frame = show(state)
    tr = frame.shown._tr
    texts = visible_texts(frame)
    assert tr.money(report.paid_amount) in texts
    for method in report.paid:
        assert method.method_vi in texts
        assert tr.money(method.amount) in texts
    assert tr._("staff.report.heading", day=tr.date(report.day), kiosk=KIOSK_ID) in texts
    assert report.paid_count == 4
    assert report.assisted == 1
    assert report.requests_refused == 1
    with qtbot.waitSignal(cast(StaffDayReportScreen, frame.shown).print_requested):
        tap(qtbot, frame, "staff-report-print")


# ---------------------------------------------------------------------------------------------- leave
@pytest.mark.parametrize(
    ("name", "signal"), [("staff-leave-confirm", "leave_requested"), ("staff-leave-stay", "stay_requested")]
)
def test_leaving_asks_first(show: Show, qtbot: QtBot, name: str, signal: str) -> None:
    frame = show(StaffLeave())
    with qtbot.waitSignal(getattr(frame.shown, signal)):
        tap(qtbot, frame, name)
    confirm = frame.findChild(QAbstractButton, "staff-leave-confirm")
    stay = frame.findChild(QAbstractButton, "staff-leave-stay")
    assert confirm is not None
    assert stay is not None
    assert (confirm.property("role"), stay.property("role")) == ("danger", "primary")


# ---------------------------------------------------------------------------------------------- wipe
def test_a_wipe_leaves_nothing_of_what_was_shown(show: Show, samples: dict[str, ScreenState]) -> None:
    pending = samples["staff-pending"]
    report = samples["staff-day-report"]
    assert isinstance(pending, StaffPending)
    assert isinstance(report, StaffDayReport)
    private = {p.reference or "" for p in pending.payments} | {
        i.reference for i in pending.queued + pending.refused
    }
    printouts = samples["staff-printouts"]
    assert isinstance(printouts, StaffPrintouts)
    private |= {"PD0200 023 4567", KIOSK_ID} | {p.reference for p in printouts.items[:PAGE_SIZE]}
    for name in (
        "staff-pending",
        "staff-day-report",
        "staff-printouts",
        "staff-home-problems",
        "staff-pin-wait",
    ):
        frame = show(samples[name])
        tr = frame.shown._tr
        amounts = {tr.money(p.amount) for p in pending.payments} | {tr.money(report.report.paid_amount)}
        before = " ".join(all_texts(frame.shown))
        assert name == "staff-pin-wait" or any(text in before for text in private | amounts), name
        frame.shown.clear()
        settle()
        after = " ".join(all_texts(frame.shown))
        assert not [text for text in private | amounts if text in after], name
        assert not [
            m for m in frame.shown.findChildren(StatusMark) if m.mark is not None and m.isVisible()
        ], name
