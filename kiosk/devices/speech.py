"""The kiosk's voice in assisted mode: Qt Text to Speech (:class:`QtSpeaker`) behind the small
:class:`~kiosk.devices.speaker.Speaker` protocol, and :func:`speaker_for`, which picks it or the silent speaker
(:mod:`kiosk.devices.silent_speakers`, with the tests' fake).

:class:`QtSpeaker` keeps ``QTextToSpeech`` in a thread of its own and calls it only from Qt's event loop
there (queued ``QMetaObject.invokeMethod``). The ``speechd`` engine talks to speech-dispatcher over a socket
and waits for each answer: creating it (connecting, listing some 13,000 espeak-ng voices) took 1.5 s
against a healthy daemon, and never returned against one whose output module had hung for want of a sound
device. On the GUI thread that freezes the kiosk; and called from Python in another thread it still would,
because PySide6 holds the GIL through the call, so no Python callback of the GUI runs until it returns.

A machine without a working sound device can stay "speaking" for ever, so :meth:`Speaker.say` always stops
whatever is being said first: Repeat and Slower work even then.

What is said can hold a customer's name or an amount, so the text is never logged: only its length, at
debug level. (speech-dispatcher's own log records it at ``LogLevel 5``; see ``docs/speech.md``.)

Only ``PySide6.QtCore`` is imported here at module level: ``QtTextToSpeech`` links QtMultimedia, which
fails to load without ``libpulse0``, and a kiosk missing it must run silently rather than not start.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import Q_ARG, QCoreApplication, QLocale, QMetaObject, QObject, Qt, QThread, Signal, Slot

from kiosk.devices.silent_speakers import SilentSpeaker
from kiosk.devices.speaker import Listeners, Speaker, SpeechState, VoiceSettings, check_rate
from kiosk.language.catalogs import LOCALES
from kiosk.language.codes import LANGUAGES, Language

if TYPE_CHECKING:
    from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

__all__ = [
    "QtSpeaker",
    "SilentSpeaker",
    "SpeechEngine",
    "choose_voice",
    "may_start_an_engine",
    "speaker_for",
]

_log = logging.getLogger(__name__)

SpeechEngine = Literal["speechd", "mock", "none"]
"""The ``speech.engine`` setting: speech-dispatcher (real speech), Qt's silent mock engine, or no speech."""

_CLOSE_TIMEOUT_MS = 3000
"""How long :meth:`QtSpeaker.close` waits for the speech thread before terminating it (a hung daemon)."""


# ---------------------------------------------------------------------------------------------- Qt
def choose_voice(voices: Iterable[QVoice], language: Language) -> QVoice | None:
    """The voice to speak ``language`` with: the first of the kiosk's locale (``vi_VN``, ``en_GB``), else
    the first of any other locale of that language (``en_US``), else ``None``.

    "First" keeps the engine's order, in which espeak-ng lists a language's plain voice ("Vietnamese
    (Northern)") before its ~100 variants ("+Demonic", "+whisper") - which customers must not hear.
    """
    wanted = QLocale(LOCALES[language])
    fallback: QVoice | None = None
    for voice in voices:
        locale = voice.locale()
        if locale.language() != wanted.language():
            continue
        if locale.territory() == wanted.territory():
            return voice
        if fallback is None:
            fallback = voice
    return fallback


def _engine_problem(engine: str) -> str | None:
    """Why ``engine`` cannot be made, found without trying (trying logs Qt warnings)."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as exc:
        return f"Qt Text to Speech does not load ({exc}); is libpulse0 installed?"
    available = QTextToSpeech.availableEngines()
    if engine not in available:
        return f"there is no text-to-speech engine {engine!r} (this Qt has: {', '.join(available) or 'none'})"
    return None


def _post(target: QObject, method: str, *args: Any) -> None:
    """Calls ``target.method(*args)`` later, in ``target``'s thread, from Qt's event loop - not from Python,
    so that a call that blocks there does not hold the GIL (and with it every Python callback of the GUI)."""
    if not QMetaObject.invokeMethod(target, method, Qt.ConnectionType.QueuedConnection, *args):
        # The arguments' count only: one may be the text to say, which can hold a customer's amount.
        _log.error("cannot call %s.%s with %d arguments", type(target).__name__, method, len(args))


@dataclass(frozen=True)
class _Found:
    voices: Mapping[Language, QVoice]
    state: SpeechState
    applied: VoiceSettings | None = None
    problem: str | None = None


class _EngineHost(QObject):
    """Lives in the speech thread and makes the engine there, as its child. Its slots run Python (so hold
    the GIL) and only do quick things; the engine's slots are called through :func:`_post`."""

    created = Signal(object)  # QTextToSpeech
    found = Signal(object)  # _Found

    def __init__(self, engine: str) -> None:
        super().__init__()
        self._engine = engine
        self._tts: QTextToSpeech | None = None

    @Slot()
    def create(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        # The mock engine loads at once. speechd connects to the daemon in its constructor, which can take
        # seconds or, with a hung daemon, for ever: made by setEngine() from the event loop, it holds no GIL.
        placeholder = "mock" if "mock" in QTextToSpeech.availableEngines() else self._engine
        tts = QTextToSpeech(placeholder, self)
        self._tts = tts
        self.created.emit(tts)
        if self._engine != placeholder:
            _post(tts, "setEngine", Q_ARG(str, self._engine))
        # Full, so that loudness is set in one place, the mixer (docs/speech.md), and not also by engine
        # defaults that differ (mock: half; speechd: the daemon's DefaultVolume).
        _post(tts, "setVolume", Q_ARG(float, 1.0))
        _post(self, "find")

    @Slot()
    def find(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self._tts
        assert tts is not None, "create() runs first"
        if tts.engine() != self._engine or tts.state() is QTextToSpeech.State.Error:
            # speechd: "Connection to speech-dispatcher failed"; a plug-in whose libspeechd is missing:
            # "Text to speech engine not initialized" (after Qt's own "Error loading ..." message).
            problem = tts.errorString() or "it did not start"
            self.found.emit(_Found({}, SpeechState.UNAVAILABLE, problem=problem))
            return
        # These Python calls hold the GIL while speechd answers them: a few quick questions, asked just
        # after the daemon answered the engine's own.
        locales = tts.availableLocales()
        voices: dict[Language, QVoice] = {}
        for language in LANGUAGES:
            wanted = QLocale(LOCALES[language])
            candidates = sorted(
                (locale for locale in locales if locale.language() == wanted.language()),
                key=lambda locale: locale.territory() != wanted.territory(),
            )
            voice = choose_voice(
                chain.from_iterable(tts.allVoices(locale) for locale in candidates), language
            )
            if voice is not None:
                voices[language] = voice
        state = _state_of(tts.state()) if voices else SpeechState.UNAVAILABLE
        applied = VoiceSettings(tts.voice().name(), tts.locale().name(), tts.rate())
        self.found.emit(_Found(voices, state, applied))


def _state_of(state: QTextToSpeech.State) -> SpeechState:
    from PySide6.QtTextToSpeech import QTextToSpeech

    match state:
        case QTextToSpeech.State.Ready:
            return SpeechState.READY
        case QTextToSpeech.State.Error:
            return SpeechState.ERROR
        case _:
            # Speaking, and Paused/Synthesizing, which the kiosk never asks for.
            return SpeechState.SPEAKING


class QtSpeaker(QObject):
    """Speech through ``QTextToSpeech``: engine ``speechd`` (speech-dispatcher) or ``mock`` (Qt's silent
    test engine: English, Norwegian and Finnish voices, 100 ms a word at rate 0).

    The engine lives in a thread of its own and is only called through Qt's event loop (see the module
    docstring). It loads after construction: until it has, the speaker is :attr:`SpeechState.UNAVAILABLE`
    and says nothing; :meth:`subscribe` tells when it is ready. An engine that cannot load leaves the
    speaker unavailable, with a log line. Call :meth:`close` when done, before a ``parent`` goes (it is also
    connected to ``QCoreApplication.aboutToQuit``): Qt aborts the process when a running thread is destroyed.
    """

    def __init__(self, engine: str = "speechd", *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._state = SpeechState.UNAVAILABLE
        self._voices: dict[Language, QVoice] = {}
        self._applied = VoiceSettings("", "", 0.0)
        self._said = False
        self._errors_told: set[str] = set()
        self._listeners = Listeners()
        self._thread: QThread | None = None
        self._tts: QTextToSpeech | None = None
        self._host: _EngineHost | None = None  # Python deletes what it holds no reference to
        self._stuck_thread: QThread | None = None
        problem = _engine_problem(engine)
        if problem is not None:
            _log.warning("speech is unavailable: %s", problem)
            return
        thread = QThread()
        thread.setObjectName("speech")
        host = _EngineHost(engine)
        host.moveToThread(thread)
        host.created.connect(self._created)
        host.found.connect(self._found)
        # Destroys the engine in its own thread: speechd's destructor talks to the daemon too.
        thread.finished.connect(host.deleteLater)
        self._thread, self._host = thread, host
        thread.start()
        _post(host, "create")
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close)

    # ---- Speaker
    def say(self, text: str, *, language: Language, rate: float = 0.0) -> None:
        check_rate(rate)
        voice = self._voices.get(language)
        if self._thread is None or self._tts is None or voice is None:
            _log.debug("not saying %d characters: no voice for %s", len(text), language)
            return
        _log.debug("saying %d characters in %s at rate %.2f", len(text), language, rate)
        from PySide6.QtTextToSpeech import QVoice

        tts = self._tts
        # Stop first, always: with no sound device speech-dispatcher never reports the end of an utterance.
        _post(tts, "stop")
        _post(tts, "setLocale", Q_ARG(QLocale, voice.locale()))
        _post(tts, "setVoice", Q_ARG(QVoice, voice))
        _post(tts, "setRate", Q_ARG(float, rate))
        _post(tts, "say", Q_ARG(str, text))
        self._said = True

    def stop(self) -> None:
        if self._thread is not None and self._tts is not None:
            _post(self._tts, "stop")

    def can_speak(self, language: Language) -> bool:
        return language in self._voices

    @property
    def state(self) -> SpeechState:
        return self._state

    def subscribe(self, on_state: Callable[[SpeechState], None]) -> None:
        self._listeners.add(on_state)

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._voices = {}
        thread.quit()
        if thread.wait(_CLOSE_TIMEOUT_MS):
            self._tts = self._host = None
        else:
            # The engine is stuck in a call to speech-dispatcher that will not return, and a running thread
            # aborts the process when Qt destroys it: terminate it. Its finishing must not destroy the
            # engine, which would call the hung daemon again (~QTextToSpeech stops speech), and neither
            # may we: the engine's objects are left alive.
            _log.warning("the speech engine did not stop within %d ms; terminating it", _CLOSE_TIMEOUT_MS)
            thread.finished.disconnect()
            thread.terminate()
            if not thread.wait(_CLOSE_TIMEOUT_MS):
                _log.error("the speech thread did not terminate")
            self._stuck_thread = thread
        self._set_state(SpeechState.UNAVAILABLE)

    # ---- for logs, `kiosk doctor` and tests
    @property
    def voices(self) -> Mapping[Language, str]:
        """The name of the voice chosen for each language that has one (none until the engine has loaded)."""
        return {language: voice.name() for language, voice in self._voices.items()}

    @property
    def applied(self) -> VoiceSettings | None:
        """The voice, locale and rate the engine reported for the last say(); ``None`` before the first."""
        return self._applied if self._said else None

    # ---- signals from the speech thread, queued: these run on the GUI thread
    @Slot(object)
    def _created(self, tts: QTextToSpeech) -> None:
        if self._thread is None:
            return  # closed meanwhile
        self._tts = tts
        tts.stateChanged.connect(self._engine_state)
        tts.errorOccurred.connect(self._engine_error)
        tts.voiceChanged.connect(self._voice_changed)
        tts.localeChanged.connect(self._locale_changed)
        tts.rateChanged.connect(self._rate_changed)

    @Slot(object)
    def _found(self, found: _Found) -> None:
        if self._thread is None:
            return
        if found.problem is not None:
            _log.warning("speech is unavailable: engine %s: %s", self.engine, found.problem)
            self.close()
            return
        names = ", ".join(f"{language}={voice.name()}" for language, voice in found.voices.items())
        _log.info("speech engine %s; voices: %s", self.engine, names or "none")
        for language in LANGUAGES:
            if language not in found.voices:
                _log.warning("speech engine %s has no voice for %s: it is not spoken", self.engine, language)
        self._voices = dict(found.voices)
        if found.applied is not None:
            self._applied = found.applied
        self._set_state(found.state)

    # Not @Slot-decorated, as their types would need QtTextToSpeech at import. As methods of a QObject
    # they still run in its (the GUI) thread.
    def _engine_state(self, state: QTextToSpeech.State) -> None:
        if self._voices:  # before, the engine is a placeholder or still loading
            self._set_state(_state_of(state))
            if self._state is SpeechState.SPEAKING:
                self._errors_told.clear()

    def _engine_error(self, reason: QTextToSpeech.ErrorReason, message: str) -> None:
        # While loading, speechd reports a missing daemon once per call made to it; _found says it once.
        # Afterwards each error is told once until speech works again, not at every press of Repeat.
        if not self._voices or message in self._errors_told:
            return
        self._errors_told.add(message)
        # Qt's messages name the failure, never the text being spoken.
        _log.warning("speech engine %s failed: %s (%s)", self.engine, message, reason.name)

    def _voice_changed(self, voice: QVoice) -> None:
        self._applied = replace(self._applied, voice=voice.name())

    def _locale_changed(self, locale: QLocale) -> None:
        self._applied = replace(self._applied, locale=locale.name())

    def _rate_changed(self, rate: float) -> None:
        self._applied = replace(self._applied, rate=rate)

    def _set_state(self, state: SpeechState) -> None:
        if state is self._state:
            return
        _log.debug("speech %s -> %s", self._state, state)
        self._state = state
        self._listeners.notify(state)


SPEECH_DISPATCHER = "speech-dispatcher"


def may_start_an_engine(engine: SpeechEngine) -> bool:
    """Whether :func:`speaker_for` may start Qt's speech engine in its thread for ``engine`` (False where it
    gives a silent speaker without trying: no speech, or no speech-dispatcher)."""
    return engine != "none" and not (engine == "speechd" and shutil.which(SPEECH_DISPATCHER) is None)


def speaker_for(engine: SpeechEngine, *, parent: QObject | None = None) -> Speaker:
    """The speaker for the ``speech.engine`` setting. Never raises: an engine that is missing or does not
    load is logged and gives an unavailable speaker, and the kiosk runs without speech."""
    if engine == "none":
        _log.info("speech is off (speech.engine = none)")
        return SilentSpeaker()
    if engine == "speechd" and shutil.which(SPEECH_DISPATCHER) is None:
        # Without the daemon, libspeechd tries to start one and Qt's engine constructor can then block while
        # holding the GIL, freezing the whole kiosk (seen on a machine with libspeechd2 but no daemon).
        _log.warning("speech is off: %s is not installed (see docs/speech.md)", SPEECH_DISPATCHER)
        return SilentSpeaker()
    return QtSpeaker(engine, parent=parent)
