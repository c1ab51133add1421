"""Assisted mode on the real kiosk against the real central: larger text, spoken guidance once per step (never
per digit or countdown tick), Repeat and Slower where a voice exists, high contrast, a longer idle time, and a
wipe that gives the next customer the plain kiosk again. The speech is heard through a FakeSpeaker, and once
through Qt's real "mock" engine; what staff-assisted visits record is checked in the journal and the outbox."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.demo.settings import demo_overrides
from kiosk.devices.chime import FakeChime
from kiosk.devices.silent_speakers import FakeSpeaker
from kiosk.devices.speaker import Speaker, SpeechState, Utterance
from kiosk.devices.speech import QtSpeaker
from kiosk.flows.session import (
    NORMAL_SPEECH_RATE,
    SLOWEST_SPEECH_RATE,
    SPEECH_RATE_STEP,
    Contrast,
    TextSize,
)
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import Home, IdleWarning
from kiosk.flows.states.payment import PayByQr
from kiosk.guidance import guidance
from kiosk.language.codes import Language
from kiosk.requests.records import ASSISTED_BY_STAFF
from kiosk.shell.app import KioskApp
from kiosk.shell.assisted import _step
from kiosk.views.frame.page import Page
from kiosk.views.panels import LANDSCAPE
from kiosk.views.theme import DEFAULT_PALETTE, HIGH_CONTRAST_PALETTE, LARGE_BODY_PX
from kiosk_central.accounts import mask_name
from kiosk_central.demo import CUSTOMERS
from tests.gui.conftest import close_kiosk
from tests.helpers.central import RunningCentral
from tests.helpers.kiosks import demo_kiosk
from tests.helpers.loop import run_until
from tests.helpers.requests import REQUEST_SCREENS
from tests.helpers.screens import OUTAGE_SCREENS, SCREENS, type_code
from tests.helpers.widgets import settle, tap, visible_texts

ASSISTED_IDLE_SECONDS = 300
IDLE_SECONDS = 45
# A figure left for the speech engine to read ("1.234.567", "1,234"), as tests/guidance/test_guidance.py defines it.
SEPARATED_DIGITS = re.compile(r"\d[.,\u00a0\u202f ]\d{3}")
ASSIST_BUTTONS = ("assist-repeat", "assist-slower", "assist-contrast", "assist-end")


@pytest.fixture
def kiosk_overrides() -> dict[str, object]:
    # Both idle times differ from the defaults, so that the test sees the configured ones being used.
    return {
        "idle.warning_after_seconds": IDLE_SECONDS,
        "idle.assisted_warning_after_seconds": ASSISTED_IDLE_SECONDS,
    }


# ---------------------------------------------------------------------------------------------- helpers
def speaker_of(kiosk: KioskApp) -> FakeSpeaker:
    speaker = kiosk.speaker
    assert isinstance(speaker, FakeSpeaker)
    return speaker


def shown(kiosk: KioskApp, name: str) -> bool:
    widget = kiosk.window.findChild(QWidget, name)
    assert widget is not None, name
    return widget.isVisibleTo(kiosk.window)


def button_text(kiosk: KioskApp, name: str) -> str:
    widget = kiosk.window.findChild(QAbstractButton, name)
    assert widget is not None, name
    return widget.text()


def state_of(speaker: Speaker) -> SpeechState:
    """The speaker's state now (a call, so that each assertion reads it afresh)."""
    return speaker.state


def contrast_of(kiosk: KioskApp) -> Contrast:
    return kiosk.session.contrast


def idle_interval_ms(kiosk: KioskApp) -> int:
    """The customer's idle time as the input watcher's timer has it (the timer is the watcher's child)."""
    timer = kiosk.clocks.customer.findChild(QTimer)
    assert timer is not None
    return timer.interval()


def stylesheet_background(kiosk: KioskApp) -> str:
    """The screens' background colour in the style sheet of the screen in view (each screen carries its own)."""
    sheet = kiosk.window.current_page.styleSheet()
    found = re.search(r"QStackedWidget\s*\{\s*background:\s*(#[0-9A-Fa-f]{6})", sheet)
    assert found is not None
    return found.group(1).upper()


def start_by_home_button(kiosk: KioskApp, qtbot: QtBot) -> None:
    assert isinstance(kiosk.navigator.current, Home)
    tap(qtbot, kiosk.window, "home-assisted")
    assert kiosk.session.assisted


# ---------------------------------------------------------------------------------------------- starting
def test_the_home_button_starts_assisted_mode_large_text_the_bar_and_the_home_guidance(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    speaker = speaker_of(kiosk)
    assert not any(shown(kiosk, name) for name in ASSIST_BUTTONS)
    start_by_home_button(kiosk, qtbot)
    assert kiosk.session.text_size is TextSize.LARGE
    assert button_text(kiosk, "nav-text-size") == kiosk.tr._("frame.text_size.large")
    assert all(shown(kiosk, name) for name in ASSIST_BUTTONS)
    assert speaker.spoken == [Utterance(guidance(Home(), kiosk.tr), "vi", NORMAL_SPEECH_RATE)]
    assert "quý khách" in speaker.spoken[0].text
    assert not kiosk.session.assisted_by_staff


def test_a_customer_already_on_the_largest_text_keeps_it(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "nav-text-size")
    tap(qtbot, kiosk.window, "nav-text-size")
    assert kiosk.session.text_size is TextSize.LARGEST
    start_by_home_button(kiosk, qtbot)
    assert kiosk.session.text_size is TextSize.LARGEST


def test_repeat_and_slower_show_only_where_the_speaker_has_a_voice(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    # No voice at all yet (the engine still loading, or speech-dispatcher not started).
    speaker.set_available("vi", False)
    speaker.set_available("en", False)
    assert speaker.state is SpeechState.UNAVAILABLE
    start_by_home_button(kiosk, qtbot)
    assert speaker.spoken == []
    assert not shown(kiosk, "assist-repeat")
    assert not shown(kiosk, "assist-slower")
    assert shown(kiosk, "assist-contrast")
    assert shown(kiosk, "assist-end")
    # The customer is told that nothing will be said, where Repeat and Slower would be.
    assert shown(kiosk, "assist-no-speech")
    assert kiosk.tr._("frame.no_speech") in visible_texts(kiosk.window)
    # A Vietnamese voice coming shows them: the app listens to the speaker's state.
    speaker.set_available("vi", True)
    assert shown(kiosk, "assist-repeat")
    assert shown(kiosk, "assist-slower")
    assert not shown(kiosk, "assist-no-speech")
    tap(qtbot, kiosk.window, "assist-repeat")
    assert [u.language for u in speaker.spoken] == ["vi"]
    # English has no voice: in English they go again, and nothing is said.
    tap(qtbot, kiosk.window, "nav-language")
    assert kiosk.session.language == "en"
    assert not shown(kiosk, "assist-repeat")
    assert not shown(kiosk, "assist-slower")
    assert kiosk.tr._("frame.no_speech") in visible_texts(kiosk.window)
    assert all(u.language == "vi" for u in speaker.spoken)


# ---------------------------------------------------------------------------------------------- speaking
def test_each_new_screen_is_said_once_and_typing_is_not_read_back(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    start_by_home_button(kiosk, qtbot)
    tap(qtbot, kiosk.window, "tile-bills")
    keypad = kiosk.navigator.current
    assert isinstance(keypad, EnterCode)
    assert [u.text for u in speaker.spoken] == [guidance(Home(), kiosk.tr), guidance(keypad, kiosk.tr)]
    # Each digit changes the keypad's state, but the customer is still on the same step.
    tap(qtbot, kiosk.window, "unit-PE0100")
    assert len(speaker.spoken) == 3  # a new step: the digits, after the unit
    for digit in "0123":
        tap(qtbot, kiosk.window, f"key-{digit}")
    typed = kiosk.navigator.current
    assert isinstance(typed, EnterCode)
    assert typed.digits == "0123"
    assert len(speaker.spoken) == 3
    # Repeat says where the customer is now, with what was typed.
    tap(qtbot, kiosk.window, "assist-repeat")
    assert speaker.spoken[-1] == Utterance(guidance(typed, kiosk.tr), "vi", NORMAL_SPEECH_RATE)
    assert speaker.spoken[-1].text != speaker.spoken[1].text
    # Back to home is a new step again.
    tap(qtbot, kiosk.window, "nav-back")
    assert speaker.spoken[-1].text == guidance(Home(), kiosk.tr)
    assert len(speaker.spoken) == 5  # home, the units, the digits, the repeat, home


def test_the_qr_is_said_once_not_again_at_each_tick_or_status_check(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    start_by_home_button(kiosk, qtbot)
    SCREENS["pay-by-qr"](kiosk, qtbot)
    qr = kiosk.navigator.current
    assert isinstance(qr, PayByQr)
    assert speaker.spoken[-1].text == guidance(qr, kiosk.tr)
    said = len(speaker.spoken)
    # The payment follower counts down and asks the central (every payment.poll_seconds), replacing the
    # state each time: the customer is still on the same step, and a new say() would cut off the last.
    run_until(
        lambda: isinstance(now := kiosk.navigator.current, PayByQr) and now.seconds_left < qr.seconds_left
    )
    assert speaker.spoken[said:] == []


def test_the_idle_warning_is_said_once_not_at_each_second(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    start_by_home_button(kiosk, qtbot)
    tap(qtbot, kiosk.window, "tile-outages")
    said = len(speaker.spoken)
    kiosk.idle.idle()
    assert isinstance(kiosk.navigator.current, IdleWarning)
    assert len(speaker.spoken) == said + 1
    for _ in range(3):
        kiosk.idle.tick()
    assert len(speaker.spoken) == said + 1


def test_repeat_says_it_again_and_slower_slows_down_to_the_floor(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    start_by_home_button(kiosk, qtbot)
    tap(qtbot, kiosk.window, "tile-outages")
    first = speaker.spoken[-1]
    tap(qtbot, kiosk.window, "assist-repeat")
    assert speaker.spoken[-1] == first
    rates = []
    for _ in range(round((NORMAL_SPEECH_RATE - SLOWEST_SPEECH_RATE) / SPEECH_RATE_STEP) + 2):
        tap(qtbot, kiosk.window, "assist-slower")
        assert speaker.spoken[-1].text == first.text
        rates.append(speaker.spoken[-1].rate)
    assert rates == [-0.25, -0.5, -0.75, -0.75, -0.75]
    assert min(rates) == SLOWEST_SPEECH_RATE
    # The next screen keeps the customer's pace.
    tap(qtbot, kiosk.window, "outage-danger")
    assert speaker.spoken[-1].text == guidance(kiosk.navigator.current, kiosk.tr)
    assert speaker.spoken[-1].rate == SLOWEST_SPEECH_RATE


def test_switching_language_says_the_screen_again_in_english(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    start_by_home_button(kiosk, qtbot)
    tap(qtbot, kiosk.window, "tile-requests")
    settle(kiosk)
    state = kiosk.navigator.current
    vietnamese = speaker.spoken[-1]
    assert vietnamese.language == "vi"
    tap(qtbot, kiosk.window, "nav-language")
    english = speaker.spoken[-1]
    assert english == Utterance(guidance(state, kiosk.tr.in_language("en")), "en", NORMAL_SPEECH_RATE)
    assert english.text != vietnamese.text
    tap(qtbot, kiosk.window, "nav-language")
    assert speaker.spoken[-1] == vietnamese


# ---------------------------------------------------------------------------------------------- the frame
def test_assisted_mode_waits_longer_before_the_idle_warning(kiosk: KioskApp, qtbot: QtBot) -> None:
    assert idle_interval_ms(kiosk) == IDLE_SECONDS * 1000
    start_by_home_button(kiosk, qtbot)
    assert idle_interval_ms(kiosk) == ASSISTED_IDLE_SECONDS * 1000
    tap(qtbot, kiosk.window, "tile-bills")
    assert idle_interval_ms(kiosk) == ASSISTED_IDLE_SECONDS * 1000  # a tap restarts the wait, not shortens it
    tap(qtbot, kiosk.window, "assist-end")
    assert idle_interval_ms(kiosk) == IDLE_SECONDS * 1000
    timer = kiosk.clocks.customer.findChild(QTimer)
    assert timer is not None
    assert timer.isActive()  # counting from now


def test_a_change_of_look_restyles_the_screen_in_view_and_the_others_when_shown(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication
) -> None:
    """Restyling every screen ever built at once took seconds with no feedback: only the screen in view and the
    frame are restyled at once, the others when they are next shown, and the application's sheet not at all."""
    tap(qtbot, kiosk.window, "tile-bills")
    tap(qtbot, kiosk.window, "nav-home")
    bills = next(p for p in kiosk.window.findChildren(Page) if type(p.content).__name__ == "EnterCodeScreen")
    app_sheet = qapp.styleSheet()
    start_by_home_button(kiosk, qtbot)
    large = f"font-size: {LARGE_BODY_PX}px"
    assert large in kiosk.window.current_page.styleSheet()
    assert large not in bills.styleSheet()  # out of sight: not yet
    assert qapp.styleSheet() == app_sheet
    tap(qtbot, kiosk.window, "tile-bills")
    assert kiosk.window.current_page is bills
    assert large in bills.styleSheet()
    assert kiosk.window.current_screen.font().pixelSize() == LARGE_BODY_PX


def test_high_contrast_changes_the_palette_and_says_its_state_in_words(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication
) -> None:
    start_by_home_button(kiosk, qtbot)
    assert stylesheet_background(kiosk) == DEFAULT_PALETTE.background.upper()
    assert button_text(kiosk, "assist-contrast") == kiosk.tr._("frame.contrast_standard")
    tap(qtbot, kiosk.window, "assist-contrast")
    assert contrast_of(kiosk) is Contrast.HIGH
    assert stylesheet_background(kiosk) == HIGH_CONTRAST_PALETTE.background.upper()
    assert button_text(kiosk, "assist-contrast") == kiosk.tr._("frame.contrast_high")
    tap(qtbot, kiosk.window, "nav-language")
    assert button_text(kiosk, "assist-contrast") == "High contrast: on"
    tap(qtbot, kiosk.window, "assist-contrast")
    assert contrast_of(kiosk) is Contrast.STANDARD
    assert stylesheet_background(kiosk) == DEFAULT_PALETTE.background.upper()
    assert button_text(kiosk, "assist-contrast") == "High contrast: off"


def test_ending_assisted_mode_stops_the_voice_and_hides_the_bar(kiosk: KioskApp, qtbot: QtBot) -> None:
    speaker = speaker_of(kiosk)
    states: list[SpeechState] = []
    speaker.subscribe(states.append)
    start_by_home_button(kiosk, qtbot)
    tap(qtbot, kiosk.window, "tile-outages")
    assert state_of(speaker) is SpeechState.SPEAKING
    said = len(speaker.spoken)
    tap(qtbot, kiosk.window, "assist-end")
    assert state_of(speaker) is SpeechState.READY
    assert states[-1] is SpeechState.READY
    assert not kiosk.session.assisted
    assert not any(shown(kiosk, name) for name in ASSIST_BUTTONS)
    # Nothing more is said on the next screens.
    tap(qtbot, kiosk.window, "outage-danger")
    tap(qtbot, kiosk.window, "nav-language")
    assert len(speaker.spoken) == said


def test_the_idle_wipe_gives_the_next_customer_the_plain_kiosk(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication
) -> None:
    speaker = speaker_of(kiosk)
    start_by_home_button(kiosk, qtbot)
    tap(qtbot, kiosk.window, "nav-text-size")  # large → largest
    tap(qtbot, kiosk.window, "assist-contrast")
    tap(qtbot, kiosk.window, "assist-slower")
    tap(qtbot, kiosk.window, "tile-bills")
    kiosk.idle.idle()
    for _ in range(kiosk.settings.idle.countdown_seconds):
        kiosk.idle.tick()
    assert kiosk.navigator.current == Home()
    assert not kiosk.session.assisted
    assert kiosk.session.text_size is TextSize.NORMAL
    assert kiosk.session.contrast is Contrast.STANDARD
    assert kiosk.session.speech_rate == NORMAL_SPEECH_RATE
    assert stylesheet_background(kiosk) == DEFAULT_PALETTE.background.upper()
    assert button_text(kiosk, "nav-text-size") == kiosk.tr._("frame.text_size.normal")
    assert not any(shown(kiosk, name) for name in ASSIST_BUTTONS)
    assert idle_interval_ms(kiosk) == IDLE_SECONDS * 1000
    assert speaker.state is SpeechState.READY
    said = len(speaker.spoken)
    tap(qtbot, kiosk.window, "tile-bills")
    assert len(speaker.spoken) == said


# ---------------------------------------------------------------------------------------------- every screen
_SCREEN_NAMES = list(SCREENS)
# Every other screen in English, so that both languages are heard across the set.
_SCREEN_CASES = [(name, "en" if i % 2 else "vi") for i, name in enumerate(_SCREEN_NAMES)]
_SECRETS = [text for c in CUSTOMERS for text in (c.name, mask_name(c.name), c.address, c.phone)]


@pytest.mark.parametrize(
    ("screen", "language"), _SCREEN_CASES, ids=[f"{s}-{lang}" for s, lang in _SCREEN_CASES]
)
def test_every_screen_says_its_guidance_in_the_customers_language_without_figures_or_names(
    kiosk: KioskApp, qtbot: QtBot, screen: str, language: Language
) -> None:
    speaker = speaker_of(kiosk)
    if language == "en":
        tap(qtbot, kiosk.window, "nav-language")
    start_by_home_button(kiosk, qtbot)
    # Which state each utterance was for: the app hears the navigator first, so when this listener runs
    # the app has already spoken (or not) for the new state.
    said_for: list[tuple[ScreenState, Utterance]] = [(kiosk.navigator.current, speaker.spoken[-1])]

    def heard(state: ScreenState) -> None:
        if speaker.spoken and speaker.spoken[-1] is not said_for[-1][1]:
            said_for.append((state, speaker.spoken[-1]))

    kiosk.navigator.subscribe(heard)
    SCREENS[screen](kiosk, qtbot)
    # A staff call is delivered in the background; it is let finish before the loop stops (qasync runs what
    # is queued once more after run_until_complete, outside the loop, where an HTTP request fails).
    run_until(lambda: kiosk.staff_calls.open_since is None or kiosk.staff_calls.delivered)
    settle(kiosk)

    current = kiosk.navigator.current
    spoken_for, utterance = said_for[-1]
    # The last thing said was for the step the customer is on (which digits typed or a countdown may have
    # changed since, without a new word: see test_each_new_screen_is_said_once_and_typing_is_not_read_back).
    assert _step(spoken_for) == _step(current), (spoken_for, current)
    assert kiosk.session.language == language
    assert utterance.language == language
    assert utterance.text.strip()
    assert utterance.text == guidance(spoken_for, kiosk.tr.in_language(language))
    other: Language = "vi" if language == "en" else "en"
    assert utterance.text != guidance(spoken_for, kiosk.tr.in_language(other))
    assert not SEPARATED_DIGITS.search(utterance.text), utterance.text
    assert "₫" not in utterance.text
    assert "*" not in utterance.text  # nothing masked is read out, mask and all
    for secret in _SECRETS:
        assert secret.casefold() not in utterance.text.casefold(), secret
    customer = kiosk.session.customer
    if customer is not None:
        for shown_on_screen in (customer.name, customer.address, customer.phone):
            assert not shown_on_screen or shown_on_screen not in utterance.text


# ---------------------------------------------------------------------------------------------- the real engine
@pytest.fixture
def mock_speech_kiosk(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, central: RunningCentral, tmp_path: Path
) -> Iterator[Callable[[Language], KioskApp]]:
    """Builds a kiosk as `kiosk run` does with ``speech.engine = "mock"``: its own QtSpeaker, no fake."""
    built: list[KioskApp] = []

    def build(language: Language) -> KioskApp:
        overrides = demo_overrides(central.url, central.token, tmp_path) | {
            "speech.engine": "mock",
            "ui.default_language": language,
        }
        app = demo_kiosk(load_settings(None, {}, overrides=overrides), qapp, chime=FakeChime())
        built.append(app)
        app.start_devices()
        app.window.resize(*LANDSCAPE)
        app.window.show()
        return app

    yield build
    for app in built:
        close_kiosk(app, qloop, qapp)
        assert app.speaker.state is SpeechState.UNAVAILABLE  # the shutdown closed it
        assert not app.speaker.can_speak("en")
    built.clear()
    gc.collect()


def test_the_mock_engine_loads_in_the_background_then_speaks_each_screen(
    mock_speech_kiosk: Callable[[Language], KioskApp], qtbot: QtBot
) -> None:
    kiosk = mock_speech_kiosk("en")
    speaker = kiosk.speaker
    assert isinstance(speaker, QtSpeaker)
    assert speaker.state is SpeechState.UNAVAILABLE
    kiosk.assisted.start(by_staff=False)
    assert kiosk.session.assisted
    assert not shown(kiosk, "assist-repeat")
    assert not shown(kiosk, "assist-slower")
    assert shown(kiosk, "assist-end")
    # Repeat and Slower come as soon as the engine has loaded: the app listens to the speaker's state.
    qtbot.waitUntil(lambda: speaker.can_speak("en"))
    assert state_of(speaker) is SpeechState.READY
    assert shown(kiosk, "assist-repeat")
    assert shown(kiosk, "assist-slower")
    states: list[SpeechState] = []
    speaker.subscribe(states.append)
    tap(qtbot, kiosk.window, "tile-outages")
    qtbot.waitUntil(lambda: states[-1:] == [SpeechState.READY], timeout=10_000)
    assert states[0] is SpeechState.SPEAKING
    assert speaker.applied is not None
    assert speaker.applied.locale.startswith("en")
    assert speaker.applied.rate == NORMAL_SPEECH_RATE
    states.clear()
    tap(qtbot, kiosk.window, "assist-slower")
    qtbot.waitUntil(lambda: states[-1:] == [SpeechState.READY], timeout=10_000)
    assert SpeechState.SPEAKING in states
    assert speaker.applied.rate == pytest.approx(NORMAL_SPEECH_RATE - SPEECH_RATE_STEP)


def test_the_mock_engine_has_no_vietnamese_voice_so_vietnamese_is_not_sent_to_it(
    mock_speech_kiosk: Callable[[Language], KioskApp], qtbot: QtBot
) -> None:
    kiosk = mock_speech_kiosk("vi")
    speaker = kiosk.speaker
    assert isinstance(speaker, QtSpeaker)
    qtbot.waitUntil(lambda: speaker.can_speak("en"))
    assert not speaker.can_speak("vi")
    states: list[SpeechState] = []
    speaker.subscribe(states.append)
    tap(qtbot, kiosk.window, "home-assisted")
    assert kiosk.session.assisted
    assert not shown(kiosk, "assist-repeat")
    assert not shown(kiosk, "assist-slower")
    assert shown(kiosk, "assist-contrast")
    tap(qtbot, kiosk.window, "tile-outages")
    qapp = QApplication.instance()
    assert qapp is not None
    qapp.processEvents()
    assert speaker.applied is None  # nothing was ever sent to the engine
    assert states == []
    # In English the same kiosk speaks.
    tap(qtbot, kiosk.window, "nav-language")
    assert shown(kiosk, "assist-repeat")
    qtbot.waitUntil(lambda: states[-1:] == [SpeechState.READY], timeout=10_000)
    assert SpeechState.SPEAKING in states
    assert speaker.applied is not None


# ---------------------------------------------------------------------------------------------- staff-assisted
@pytest.mark.parametrize("by_staff", [False, True], ids=["by-the-customer", "by-staff"])
def test_a_payment_records_staff_assistance_only_when_staff_started_it(
    kiosk: KioskApp, qtbot: QtBot, by_staff: bool
) -> None:
    if by_staff:
        kiosk.assisted.start(by_staff=True)
    else:
        start_by_home_button(kiosk, qtbot)
    assert kiosk.session.assisted_by_staff is by_staff
    SCREENS["pay-by-qr"](kiosk, qtbot)
    [row] = kiosk.keeper.journal.all()
    assert row.order.assisted is by_staff


@pytest.mark.parametrize(
    "reach",
    [REQUEST_SCREENS["request-submitted"], OUTAGE_SCREENS["outage-reported"]],
    ids=["service-request", "outage-report"],
)
@pytest.mark.parametrize("by_staff", [False, True], ids=["by-the-customer", "by-staff"])
def test_a_submission_records_staff_assistance_only_when_staff_started_it(
    kiosk: KioskApp, qtbot: QtBot, by_staff: bool, reach: Callable[[KioskApp, QtBot], None]
) -> None:
    if by_staff:
        kiosk.assisted.start(by_staff=True)
    else:
        start_by_home_button(kiosk, qtbot)
    reach(kiosk, qtbot)
    settle(kiosk)
    [item] = kiosk.outbox.all()
    if by_staff:
        assert item.summary["assisted"] == ASSISTED_BY_STAFF
    else:
        assert "assisted" not in item.summary


def test_staff_assistance_lasts_the_visit_and_the_wipe_ends_it(kiosk: KioskApp, qtbot: QtBot) -> None:
    kiosk.assisted.start(by_staff=True)
    # The customer ends assisted mode themself: staff helped all the same.
    tap(qtbot, kiosk.window, "assist-end")
    assert kiosk.session.assisted_by_staff
    type_code(kiosk, qtbot, "PE01000123456")
    kiosk.idle.end_session()
    assert not kiosk.session.assisted_by_staff
