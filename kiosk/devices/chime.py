"""The chime the kiosk plays when a customer presses "Call staff": a :class:`Chime` protocol, a Qt Multimedia
implementation (:class:`QtChime`) and a fake that counts.

A chime is a courtesy on top of the call itself (which reaches staff through the central), so nothing here
raises or blocks: a missing sound file, a Qt without its multimedia module (``libpulse0`` missing) or a
machine without an audio output is logged once and the chime stays silent.

``QtMultimedia`` is imported when a :class:`QtChime` is made, not with this module: it fails to load without
``libpulse0``, and that must silence the chime, not stop the kiosk.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QUrl

from kiosk.assets import RESOURCES_DIR

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

__all__ = ["STAFF_CALL_SOUND", "Chime", "FakeChime", "QtChime"]

_log = logging.getLogger(__name__)

STAFF_CALL_SOUND = RESOURCES_DIR / "sounds" / "staff-call.wav"
"""A two-tone "ding-dong", made by ``resources/sounds/make_chime.py``."""


class Chime(Protocol):
    def ring(self) -> None:
        """Plays the chime once, from the start; returns at once and never raises."""
        ...


class FakeChime:
    """No sound: counts the rings in :attr:`rings`."""

    def __init__(self) -> None:
        self.rings = 0

    def ring(self) -> None:
        self.rings += 1


class QtChime:
    """Plays a WAV file through ``QSoundEffect``, at full volume (how loud that is, is the mixer's job).

    The sound is loaded as soon as there is an audio output (when the chime is made, on a working kiosk), so
    that the first ring plays at once. Use it on the GUI thread.
    """

    def __init__(self, path: Path = STAFF_CALL_SOUND, *, parent: QObject | None = None) -> None:
        self.path = path
        self._effect: QSoundEffect | None = None
        self._told: set[str] = set()
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:
            self._tell("no-module", "the staff-call chime is silent: Qt Multimedia does not load (%s)", exc)
            return
        if not path.is_file():
            self._tell("no-file", "the staff-call chime is silent: %s is missing", path)
            return
        effect = QSoundEffect(parent)
        effect.statusChanged.connect(self._status_changed)
        effect.setVolume(1.0)
        self._effect = effect
        self._prepare()

    def ring(self) -> None:
        effect = self._effect
        if effect is None or not self._prepare():
            return
        from PySide6.QtMultimedia import QSoundEffect

        if effect.status() is not QSoundEffect.Status.Error:  # an error was told in _status_changed
            effect.play()

    @property
    def loaded(self) -> bool:
        """Whether the sound is decoded for an audio output and ready to play (for ``kiosk doctor``, tests)."""
        if self._effect is None:
            return False
        from PySide6.QtMultimedia import QSoundEffect

        return self._effect.status() is QSoundEffect.Status.Ready

    @property
    def playing(self) -> bool:
        return self._effect is not None and self._effect.isPlaying()

    def _prepare(self) -> bool:
        """Points the effect at the current audio output, loading the sound the first time; whether there is
        an output. Asked at every ring: a USB speaker plugged in later, or a sound server that started after
        the kiosk, is then used."""
        from PySide6.QtMultimedia import QMediaDevices

        effect = self._effect
        assert effect is not None
        output = QMediaDevices.defaultAudioOutput()
        if output.isNull():
            # Without an output QSoundEffect fails to load the file (with a Qt warning) and never retries.
            self._tell("no-output", "the staff-call chime is silent: there is no audio output device")
            return False
        if effect.audioDevice() != output:
            effect.setAudioDevice(output)
        if effect.source().isEmpty():
            effect.setSource(QUrl.fromLocalFile(str(self.path)))
        return True

    def _status_changed(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if self._effect is not None and self._effect.status() is QSoundEffect.Status.Error:
            self._tell(
                "cannot-play",
                "the staff-call chime is silent: %s cannot be played on %s",
                self.path,
                self._effect.audioDevice().description(),
            )

    def _tell(self, problem: str, message: str, *args: object) -> None:
        # Once per problem: a chime that cannot sound is worth one line in the journal, not one per ring.
        if problem not in self._told:
            self._told.add(problem)
            _log.warning(message, *args)
