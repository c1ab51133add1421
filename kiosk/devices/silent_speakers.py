"""Speakers that make no sound, behind the same interface as the real one: the silent speaker of a kiosk
without speech, and the tests' fake, which records what it was asked to say."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from kiosk.devices.speaker import Listeners, SpeechState, Utterance, check_rate
from kiosk.language.codes import LANGUAGES, Language


# ---------------------------------------------------------------------------------------------- no speech
class SilentSpeaker:
    """``speech.engine = "none"``: always unavailable, says nothing."""

    def say(self, text: str, *, language: Language, rate: float = 0.0) -> None:
        check_rate(rate)

    def stop(self) -> None:
        pass

    def can_speak(self, language: Language) -> bool:
        return False

    @property
    def state(self) -> SpeechState:
        return SpeechState.UNAVAILABLE

    def subscribe(self, on_state: Callable[[SpeechState], None]) -> None:
        pass  # the state never changes

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------- fake
class FakeSpeaker:
    """No engine: records what it was asked to say in :attr:`spoken`. Test controls: :meth:`set_available`
    (a voice for a language comes or goes), :meth:`finish` (the sentence ends), :meth:`fail`."""

    def __init__(self, *, languages: Iterable[Language] = LANGUAGES) -> None:
        self.spoken: list[Utterance] = []
        """Every utterance spoken, oldest first; a say() in a language without a voice is not."""
        self._available = set(languages)
        self._speaking = False
        self._failed = False
        self._closed = False
        self._listeners = Listeners()

    def say(self, text: str, *, language: Language, rate: float = 0.0) -> None:
        check_rate(rate)
        if not self.can_speak(language):
            return
        self.spoken.append(Utterance(text, language, rate))
        with self._reporting():
            self._speaking, self._failed = True, False

    def stop(self) -> None:
        with self._reporting():
            self._speaking = False

    def can_speak(self, language: Language) -> bool:
        return not self._closed and language in self._available

    @property
    def state(self) -> SpeechState:
        if self._closed or not self._available:
            return SpeechState.UNAVAILABLE
        if self._failed:
            return SpeechState.ERROR
        return SpeechState.SPEAKING if self._speaking else SpeechState.READY

    def subscribe(self, on_state: Callable[[SpeechState], None]) -> None:
        self._listeners.add(on_state)

    def close(self) -> None:
        with self._reporting():
            self._closed, self._speaking = True, False

    # Test controls.
    def set_available(self, language: Language, available: bool) -> None:
        with self._reporting():
            if available:
                self._available.add(language)
            else:
                self._available.discard(language)

    def finish(self) -> None:
        """The engine reaches the end of what it was saying."""
        with self._reporting():
            self._speaking = False

    def fail(self) -> None:
        """The engine reports an error, as speech-dispatcher does when it loses its output module."""
        with self._reporting():
            self._speaking, self._failed = False, True

    @contextmanager
    def _reporting(self) -> Iterator[None]:
        before = self.state
        yield
        if self.state is not before:
            self._listeners.notify(self.state)
