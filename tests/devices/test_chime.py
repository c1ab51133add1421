"""The staff-call chime: the committed WAV is the pleasant, clearly audible "ding-dong" its script makes, and
QtChime plays it where there is sound and stays quiet (one log line, no exception) where there is none."""

from __future__ import annotations

import itertools
import logging
import math
import runpy
import sys
import wave
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.assets import RESOURCES_DIR
from kiosk.devices.chime import STAFF_CALL_SOUND, Chime, FakeChime, QtChime

# Loading Qt's multimedia stack reports, once per process, the optional libraries it did not find and,
# on a machine without a sound server (CI), that PulseAudio is not there. Harmless, and not ours to fix.
pytestmark = pytest.mark.qt_log_ignore(
    r"^Couldn't (load|resolve) .+ (library|symbols)$",
    r"^PulseAudioService: pa_context_connect\(\) failed$",
)

FULL_SCALE = 32767
RATE = 22050


def _samples(path: Path) -> list[int]:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    return [int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)]


def _window(samples: list[int], start: float, end: float) -> list[int]:
    return samples[round(start * RATE) : round(end * RATE)]


def _level(samples: list[int], frequency: float) -> float:
    """How much of ``frequency`` is in ``samples`` (Goertzel's algorithm: one bin of a DFT)."""
    coefficient = 2 * math.cos(2 * math.pi * frequency / RATE)
    before = earlier = 0.0
    for sample in samples:
        before, earlier = sample + coefficient * before - earlier, before
    return math.sqrt(max(before**2 + earlier**2 - coefficient * before * earlier, 0.0)) / len(samples)


@pytest.fixture(scope="module")
def chime_samples() -> list[int]:
    return _samples(STAFF_CALL_SOUND)


# ---------------------------------------------------------------------------------------------- the WAV
def test_the_wav_is_mono_16_bit_22050_hz_about_a_second() -> None:
    assert STAFF_CALL_SOUND == RESOURCES_DIR / "sounds" / "staff-call.wav"
    with wave.open(str(STAFF_CALL_SOUND), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        assert wav.getcomptype() == "NONE"
        assert 0.9 <= wav.getnframes() / RATE <= 1.3
    assert STAFF_CALL_SOUND.stat().st_size < 60_000


def test_it_is_loud_but_never_clips(chime_samples: list[int]) -> None:
    peak = max(abs(sample) for sample in chime_samples)
    assert 0.6 * FULL_SCALE <= peak <= 0.9 * FULL_SCALE
    ringing = _window(chime_samples, 0.0, 0.8)
    rms = math.sqrt(sum(sample * sample for sample in ringing) / len(ringing))
    assert rms >= 0.1 * FULL_SCALE  # -20 dBFS or louder while it rings


def test_it_starts_and_ends_in_silence_without_clicks(chime_samples: list[int]) -> None:
    peak = max(abs(sample) for sample in chime_samples)
    assert abs(chime_samples[0]) <= 0.001 * FULL_SCALE
    assert max(abs(sample) for sample in _window(chime_samples, 0.0, 0.002)) <= 0.1 * peak  # a soft attack
    assert max(abs(sample) for sample in chime_samples[-round(0.02 * RATE) :]) <= 0.01 * FULL_SCALE
    assert abs(chime_samples[-1]) <= 0.001 * FULL_SCALE
    # A click is a jump between neighbouring samples; the highest partial (~2 kHz) moves far less per sample.
    steps = [abs(after - before) for before, after in itertools.pairwise(chime_samples)]
    assert max(steps) <= 0.5 * peak


def test_it_is_a_ding_then_a_dong(chime_samples: list[int]) -> None:
    ding, dong = 659.25, 523.25  # E5 then C5
    first = _window(chime_samples, 0.05, 0.35)
    second = _window(chime_samples, 0.5, 0.8)
    assert _level(first, ding) > 5 * _level(first, dong)
    assert _level(second, dong) > 2 * _level(second, ding)


def test_the_committed_wav_is_what_the_script_makes(chime_samples: list[int]) -> None:
    script = runpy.run_path(str(RESOURCES_DIR / "sounds" / "make_chime.py"), run_name="make_chime")
    rendered: list[int] = script["render"]()
    assert len(rendered) == len(chime_samples)
    # Within one step of rounding: another libm may round a sine differently in the last bit.
    assert max(abs(a - b) for a, b in zip(rendered, chime_samples, strict=True)) <= 1


# ---------------------------------------------------------------------------------------------- QtChime
@pytest.fixture
def audio_output(qapp: object) -> bool:
    """Whether this machine has an audio output (CI has none: no sound server)."""
    from PySide6.QtMultimedia import QMediaDevices

    return not QMediaDevices.defaultAudioOutput().isNull()


def test_qtchime_plays_the_chime_or_stays_quiet_without_sound(
    qtbot: QtBot, audio_output: bool, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.chime"):
        chime = QtChime()
        if audio_output:
            qtbot.waitUntil(lambda: chime.loaded)
            chime.ring()
            qtbot.waitUntil(lambda: chime.playing)
            qtbot.waitUntil(lambda: not chime.playing, timeout=3000)
            assert caplog.records == []
        else:
            for _ in range(3):
                chime.ring()
            assert not chime.loaded
            assert not chime.playing
            assert [record.getMessage() for record in caplog.records] == [
                "the staff-call chime is silent: there is no audio output device"
            ]


def test_a_missing_sound_file_is_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "staff-call.wav"
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.chime"):
        chime = QtChime(missing)
        chime.ring()
        chime.ring()
    assert not chime.loaded
    assert [record.getMessage() for record in caplog.records] == [
        f"the staff-call chime is silent: {missing} is missing"
    ]


@pytest.mark.qt_log_ignore(r"^QSoundEffect: Error decoding source")  # Qt's own word on the file
def test_a_sound_file_qt_cannot_play_is_logged_once(
    qtbot: QtBot, tmp_path: Path, audio_output: bool, caplog: pytest.LogCaptureFixture
) -> None:
    if not audio_output:
        pytest.skip("without an audio output the file is never loaded (see the test above)")
    garbage = tmp_path / "staff-call.wav"
    garbage.write_bytes(b"RIFF" + bytes(range(256)) * 8)
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.chime"):
        chime = QtChime(garbage)
        qtbot.waitUntil(lambda: len(caplog.records) == 1)
        chime.ring()
        chime.ring()
    assert not chime.loaded
    assert (
        caplog.records[0]
        .getMessage()
        .startswith(f"the staff-call chime is silent: {garbage} cannot be played")
    )


def test_without_qt_multimedia_the_chime_is_silent(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # What a kiosk without libpulse0 sees: the module does not import.
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    with caplog.at_level(logging.WARNING, logger="kiosk.devices.chime"):
        chime = QtChime()
        chime.ring()
    assert "Qt Multimedia does not load" in caplog.text


# ---------------------------------------------------------------------------------------------- fake
def test_the_fake_counts_rings() -> None:
    fake = FakeChime()
    chime: Chime = fake  # typed against the protocol: the fake fits wherever a chime does
    chime.ring()
    chime.ring()
    assert fake.rings == 2
