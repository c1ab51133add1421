"""What a speaker is to the kiosk: it says a text in a language at a rate, stops, and reports its state; what
it can say depends on the voices it found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.language.codes import Language


class SpeechState(StrEnum):
    """Whether the kiosk can speak now. A closed set: every screen that shows speech handles all of it."""

    READY = "ready"
    SPEAKING = "speaking"
    UNAVAILABLE = "unavailable"
    """No engine (``none``, not installed, speech-dispatcher not reachable, still loading), or no voice for
    either language. :meth:`Speaker.can_speak` tells the languages apart."""
    ERROR = "error"
    """The engine reported a failure while speaking; the next :meth:`Speaker.say` tries again."""


@dataclass(frozen=True)
class Utterance:
    """One :meth:`Speaker.say` that a :class:`FakeSpeaker` spoke."""

    text: str
    language: Language
    rate: float


@dataclass(frozen=True)
class VoiceSettings:
    """What a :class:`QtSpeaker`'s engine reported it was using for the last :meth:`~QtSpeaker.say`."""

    voice: str
    locale: str
    """Qt's locale name, e.g. ``vi_VN``."""
    rate: float


class Speaker(Protocol):
    """Speaks short guidance texts, one at a time. Called on the GUI thread; nothing here blocks."""

    def say(self, text: str, *, language: Language, rate: float = 0.0) -> None:
        """Interrupts whatever is being said and says ``text`` in ``language``; nothing if
        :meth:`can_speak` is false for it. ``rate`` is -1.0 (slowest) to 1.0, 0.0 the voice's normal
        speed, as ``QTextToSpeech.setRate``; a rate outside that range is a bug (``ValueError``)."""
        ...

    def stop(self) -> None: ...

    def can_speak(self, language: Language) -> bool:
        """Whether there is an engine and a voice for ``language``; if not, hide Repeat and Slower."""
        ...

    @property
    def state(self) -> SpeechState: ...

    def subscribe(self, on_state: Callable[[SpeechState], None]) -> None:
        """Calls ``on_state`` on the GUI thread after each change of :attr:`state`, e.g. when a
        :class:`QtSpeaker` has finished loading its engine and :meth:`can_speak` changes with it."""
        ...

    def close(self) -> None:
        """Stops speaking and releases the engine; the speaker is then unavailable. Idempotent."""
        ...


def check_rate(rate: float) -> None:
    if not -1.0 <= rate <= 1.0:  # also refuses NaN
        raise ValueError(f"a speech rate is -1.0 to 1.0, not {rate!r}")


class Listeners:
    def __init__(self) -> None:
        self._callbacks: list[Callable[[SpeechState], None]] = []

    def add(self, on_state: Callable[[SpeechState], None]) -> None:
        self._callbacks.append(on_state)

    def notify(self, state: SpeechState) -> None:
        for callback in list(self._callbacks):
            callback(state)
