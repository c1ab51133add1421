"""Writes ``staff-call.wav``, the chime the kiosk plays when a customer presses "Call staff".

A two-tone "ding-dong" (E5 then C5, a falling major third like a shop doorbell), about a second long,
mono 16-bit PCM at 22,050 Hz. Generated rather than recorded so that its licence is ours and anyone can
change it: edit the constants, run ``python3 resources/sounds/make_chime.py`` and commit both files.

Only the standard library (``wave``, ``math``), so it runs on a kiosk without extra packages. The output
is deterministic: the same script writes the same file.
"""

from __future__ import annotations

import math
import sys
import wave
from pathlib import Path

SAMPLE_RATE = 22_050
DURATION_SECONDS = 1.1
PEAK = 0.8
"""Peak level as a fraction of full scale: loud, with headroom so that no sample clips on resampling."""

# (start in seconds, fundamental in Hz). Both fundamentals sit where small kiosk speakers are efficient
# and where age-related hearing loss (which starts at the high frequencies) costs least.
_TONES = ((0.0, 659.25), (0.40, 523.25))
# Partials of a soft bell: (frequency multiple, relative level, extra decay per second). The 2nd and 3rd
# partials make it carry in a noisy hall without sounding like a beep; they die away faster than the
# fundamental, as in a struck bar.
_PARTIALS = ((1.0, 1.0, 0.0), (2.0, 0.35, 3.0), (3.0, 0.12, 6.0))
_ATTACK_SECONDS = 0.012  # a raised-cosine onset: an instant start would click
_DECAY_PER_SECOND = 3.2  # the "ding" is still ringing, softly, under the "dong"
_FADE_OUT_SECONDS = 0.08  # the file ends in silence, so stopping or looping it cannot click

OUTPUT = Path(__file__).with_name("staff-call.wav")


def _tone(t: float, fundamental: float) -> float:
    if t < 0.0:
        return 0.0
    attack = 0.5 - 0.5 * math.cos(math.pi * t / _ATTACK_SECONDS) if t < _ATTACK_SECONDS else 1.0
    value = 0.0
    for multiple, level, extra_decay in _PARTIALS:
        value += (
            level
            * math.exp(-(_DECAY_PER_SECOND + extra_decay) * t)
            * math.sin(2.0 * math.pi * fundamental * multiple * t)
        )
    return attack * value


def render() -> list[int]:
    """The chime as signed 16-bit samples."""
    count = round(DURATION_SECONDS * SAMPLE_RATE)
    fade_samples = round(_FADE_OUT_SECONDS * SAMPLE_RATE)
    raw: list[float] = []
    for n in range(count):
        t = n / SAMPLE_RATE
        value = sum(_tone(t - start, fundamental) for start, fundamental in _TONES)
        remaining = count - 1 - n
        if remaining < fade_samples:
            value *= 0.5 - 0.5 * math.cos(math.pi * remaining / fade_samples)
        raw.append(value)
    scale = PEAK * 32767 / max(abs(v) for v in raw)
    return [round(v * scale) for v in raw]


def write(path: Path) -> None:
    samples = render()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
