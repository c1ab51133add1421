"""The kiosk's voice: QtSpeaker on Qt's real "mock" text-to-speech engine (silent, English voices only,
100 ms a word), the silent "none" speaker, engines that are missing, and the fake.

The mock engine splits words at every letter outside ASCII, so these tests watch states, not words.
"""

from __future__ import annotations

import logging
import math
import shutil
import sys
from collections.abc import Iterator
from typing import cast

import pytest
from pytestqt.qtbot import QtBot

from kiosk.devices.silent_speakers import FakeSpeaker, SilentSpeaker
from kiosk.devices.speaker import Speaker, SpeechState, Utterance, VoiceSettings
from kiosk.devices.speech import QtSpeaker, SpeechEngine, choose_voice, speaker_for

# Loading Qt's multimedia stack (which QtTextToSpeech links) reports, once per process, the optional
# libraries it did not find. Harmless, and not ours to fix.
pytestmark = pytest.mark.qt_log_ignore(r"^Couldn't (load|resolve) .+ (library|symbols)$")

LONG = " ".join(["word"] * 60)  # six seconds on the mock engine
"""Far longer than any wait below: if it is heard to end, something did not interrupt it."""
QUICK_MS = 2000


def _states(speaker: Speaker) -> list[SpeechState]:
    """Typed against the protocol: every implementation must fit wherever a speaker is expected."""
    seen: list[SpeechState] = []
    speaker.subscribe(seen.append)
    return seen


@pytest.fixture
def mock_speaker(qtbot: QtBot) -> Iterator[QtSpeaker]:
    speaker = QtSpeaker("mock")
    qtbot.waitUntil(lambda: speaker.state is SpeechState.READY)
    yield speaker
    speaker.close()


# ---------------------------------------------------------------------------------------------- QtSpeaker
def test_the_mock_engine_loads_in_the_background_and_has_english_only(qtbot: QtBot) -> None:
    speaker = QtSpeaker("mock")
    try:
        # The engine loads in the speech thread: until it has, the speaker cannot speak.
        assert speaker.state is SpeechState.UNAVAILABLE
        assert not speaker.can_speak("en")
        states = _states(speaker)
        qtbot.waitUntil(lambda: speaker.state is SpeechState.READY)
        assert states == [SpeechState.READY]
        assert speaker.can_speak("en")
        assert not speaker.can_speak("vi")
        assert speaker.voices == {"en": "Bob"}  # the mock's first en_GB voice
    finally:
        speaker.close()


def test_say_speaks_then_returns_to_ready(qtbot: QtBot, mock_speaker: QtSpeaker) -> None:
    states = _states(mock_speaker)
    mock_speaker.say("Please scan the code on your bill", language="en")
    qtbot.waitUntil(lambda: states[-1:] == [SpeechState.READY])
    assert states == [SpeechState.SPEAKING, SpeechState.READY]


def test_rate_and_voice_reach_the_engine(qtbot: QtBot, mock_speaker: QtSpeaker) -> None:
    assert mock_speaker.applied is None
    mock_speaker.say("Slower, please", language="en", rate=-0.75)
    qtbot.waitUntil(lambda: mock_speaker.applied == VoiceSettings("Bob", "en_GB", -0.75))
    mock_speaker.say("And normal again", language="en")
    qtbot.waitUntil(lambda: mock_speaker.applied == VoiceSettings("Bob", "en_GB", 0.0))


def test_say_interrupts_what_is_being_said(qtbot: QtBot, mock_speaker: QtSpeaker) -> None:
    states = _states(mock_speaker)
    mock_speaker.say(LONG, language="en")
    qtbot.waitUntil(lambda: states == [SpeechState.SPEAKING])
    mock_speaker.say("Repeat", language="en")
    # Stopped (ready), then the new text, short enough to end well before the long one would have.
    qtbot.waitUntil(lambda: len(states) == 4, timeout=QUICK_MS)
    assert states == [SpeechState.SPEAKING, SpeechState.READY, SpeechState.SPEAKING, SpeechState.READY]


def test_stop_ends_speech_at_once(qtbot: QtBot, mock_speaker: QtSpeaker) -> None:
    mock_speaker.say(LONG, language="en")
    qtbot.waitUntil(lambda: mock_speaker.state is SpeechState.SPEAKING)
    mock_speaker.stop()
    qtbot.waitUntil(lambda: mock_speaker.state is SpeechState.READY, timeout=QUICK_MS)


def test_a_language_without_a_voice_is_not_spoken(qtbot: QtBot, mock_speaker: QtSpeaker) -> None:
    states = _states(mock_speaker)
    mock_speaker.say("Xin chào quý khách", language="vi")
    assert mock_speaker.applied is None  # nothing was sent to the engine
    mock_speaker.say("Hello", language="en")
    qtbot.waitUntil(lambda: states[-1:] == [SpeechState.READY])
    assert states == [SpeechState.SPEAKING, SpeechState.READY]


def test_the_text_is_never_logged(
    qtbot: QtBot, mock_speaker: QtSpeaker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="kiosk.devices.speech"):
        mock_speaker.say("Bill of Tran Van Binh: 1234567 dong", language="en")
        mock_speaker.say("Nguyễn Thị Hoa", language="vi")
        qtbot.waitUntil(lambda: mock_speaker.state is SpeechState.READY)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "saying 35 characters in en" in logged  # the debug line is there, with the length only
    for secret in ("Tran", "Binh", "1234567", "Nguyễn", "Hoa"):
        assert secret not in logged


def test_close_makes_it_unavailable_and_silent(qtbot: QtBot) -> None:
    speaker = QtSpeaker("mock")
    qtbot.waitUntil(lambda: speaker.state is SpeechState.READY)
    states = _states(speaker)
    speaker.close()
    assert states == [SpeechState.UNAVAILABLE]
    assert not speaker.can_speak("en")
    speaker.say("Hello", language="en")
    speaker.stop()
    speaker.close()  # twice is fine
    assert speaker.applied is None


@pytest.mark.parametrize("rate", [-1.01, 1.5, math.nan])
@pytest.mark.parametrize("make", [lambda: QtSpeaker("mock"), FakeSpeaker, SilentSpeaker])
def test_a_rate_outside_minus_one_to_one_is_a_bug(qtbot: QtBot, make: type[Speaker], rate: float) -> None:
    speaker = make()
    try:
        with pytest.raises(ValueError, match="rate"):
            speaker.say("Hello", language="en", rate=rate)
    finally:
        speaker.close()


def test_choose_voice_prefers_the_kiosk_locale_then_any_of_the_language(qtbot: QtBot) -> None:
    from PySide6.QtTextToSpeech import QTextToSpeech

    engine = QTextToSpeech("mock")
    voices = engine.allVoices(None)  # type: ignore[arg-type]
    us_first = sorted(voices, key=lambda voice: voice.locale().name() != "en_US")
    assert us_first[0].locale().name() == "en_US"
    chosen = choose_voice(us_first, "en")
    assert chosen is not None
    assert (chosen.name(), chosen.locale().name()) == ("Bob", "en_GB")
    only_us = [voice for voice in voices if voice.locale().name() == "en_US"]
    fallback = choose_voice(only_us, "en")
    assert fallback is not None
    assert (fallback.name(), fallback.locale().name()) == ("Charly", "en_US")
    assert choose_voice(voices, "vi") is None


# ---------------------------------------------------------------------------------------------- no engine
def test_none_is_unavailable_and_says_nothing() -> None:
    speaker = speaker_for("none")
    assert isinstance(speaker, SilentSpeaker)
    states = _states(speaker)
    assert speaker.state is SpeechState.UNAVAILABLE
    assert not speaker.can_speak("vi")
    assert not speaker.can_speak("en")
    speaker.say("Xin chào", language="vi")
    speaker.stop()
    speaker.close()
    assert states == []


def test_an_unknown_engine_is_unavailable_with_a_log_line(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    # Asked for without a check, Qt would warn "Text-to-speech plug-in ... is not supported" (failing this
    # test through qt_log_level_fail) and leave an engine in its error state.
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.speech"):
        speaker = speaker_for(cast(SpeechEngine, "festival"))
    assert speaker.state is SpeechState.UNAVAILABLE
    assert not speaker.can_speak("en")
    speaker.say("Hello", language="en")
    speaker.close()
    [record] = caplog.records
    assert record.getMessage().startswith(
        "speech is unavailable: there is no text-to-speech engine 'festival'"
    )


def test_without_qt_text_to_speech_it_is_unavailable(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # What a kiosk without libpulse0 sees: the module does not import.
    monkeypatch.setitem(sys.modules, "PySide6.QtTextToSpeech", None)
    # As if speech-dispatcher were installed, so that the engine itself is tried.
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.speech"):
        speaker = speaker_for("speechd")
    assert speaker.state is SpeechState.UNAVAILABLE
    speaker.say("Hello", language="en")
    speaker.close()
    assert "is libpulse0 installed?" in caplog.text


@pytest.mark.skipif(
    shutil.which("speech-dispatcher") is not None,
    reason="speech-dispatcher is installed: the engine would connect to it (or start it)",
)
def test_speechd_without_a_speech_dispatcher_installed_is_silent_without_loading_the_engine(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.speech"):
        speaker = speaker_for("speechd")
    assert isinstance(speaker, SilentSpeaker)
    assert not speaker.can_speak("vi")
    assert [record.getMessage() for record in caplog.records] == [
        "speech is off: speech-dispatcher is not installed (see docs/speech.md)"
    ]


@pytest.mark.skipif(
    shutil.which("speech-dispatcher") is not None,
    reason="speech-dispatcher is installed: the engine would connect to it (or start it)",
)
def test_the_speechd_engine_without_a_speech_dispatcher_is_unavailable_with_a_log_line(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.speech"):
        speaker = QtSpeaker("speechd")
        qtbot.waitUntil(lambda: "speech is unavailable" in caplog.text)
    assert speaker.state is SpeechState.UNAVAILABLE
    assert not speaker.can_speak("vi")
    speaker.say("Xin chào", language="vi")
    speaker.close()
    # One line, though the engine reports the missing daemon once for each call made to it while loading.
    assert [record.getMessage() for record in caplog.records] == [
        "speech is unavailable: engine speechd: Connection to speech-dispatcher failed"
    ]


# ---------------------------------------------------------------------------------------------- fake
def test_the_fake_records_what_it_says() -> None:
    speaker = FakeSpeaker()
    states = _states(speaker)
    speaker.say("Xin chào", language="vi")
    speaker.say("Hello", language="en", rate=-0.5)
    assert speaker.spoken == [Utterance("Xin chào", "vi", 0.0), Utterance("Hello", "en", -0.5)]
    assert speaker.state is SpeechState.SPEAKING
    speaker.finish()
    assert states == [SpeechState.SPEAKING, SpeechState.READY]


def test_the_fake_says_nothing_in_a_language_without_a_voice() -> None:
    speaker = FakeSpeaker()
    speaker.set_available("vi", False)
    assert not speaker.can_speak("vi")
    assert speaker.state is SpeechState.READY  # English is still there
    speaker.say("Xin chào", language="vi")
    assert speaker.spoken == []
    assert speaker.state is SpeechState.READY
    states = _states(speaker)
    speaker.set_available("en", False)
    assert states == [SpeechState.UNAVAILABLE]
    speaker.set_available("vi", True)
    assert states == [SpeechState.UNAVAILABLE, SpeechState.READY]


def test_the_fake_fails_stops_and_closes_like_an_engine() -> None:
    speaker = FakeSpeaker(languages=["vi"])
    assert not speaker.can_speak("en")
    states = _states(speaker)
    speaker.say("Một", language="vi")
    speaker.fail()
    speaker.say("Hai", language="vi")  # the next say tries again
    speaker.stop()
    speaker.close()
    speaker.say("Ba", language="vi")
    assert states == [
        SpeechState.SPEAKING,
        SpeechState.ERROR,
        SpeechState.SPEAKING,
        SpeechState.READY,
        SpeechState.UNAVAILABLE,
    ]
    assert [utterance.text for utterance in speaker.spoken] == ["Một", "Hai"]
