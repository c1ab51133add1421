"""Assisted mode, for elderly customers: a larger text size, a high-contrast theme on request, spoken guidance with
Repeat and Slower, and a longer wait before the idle question. With it, what any customer's settings change on
the window: the text size, the contrast and the language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import fields

from PySide6.QtWidgets import QApplication

from kiosk.config import Settings
from kiosk.devices.speaker import Speaker
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.guidance import guidance
from kiosk.language.catalogs import Translator
from kiosk.payments.records import JournalPayment
from kiosk.shell.input_watch import InputWatcher
from kiosk.views.frame.main_window import KioskWindow
from kiosk.views.theme import Look, stylesheet

__all__ = ["AssistedMode"]

log = logging.getLogger(__name__)

# Fields of a state that change while the customer stays on the same step (a countdown, digits typed): speaking
# the guidance again for each would drown the customer in repeats.
_UNSPOKEN_CHANGES = frozenset({"seconds_left", "digits", "unit", "typed", "entered"})


class AssistedMode:
    def __init__(
        self,
        settings: Settings,
        session: CustomerSession,
        tr: Translator,
        speaker: Speaker,
        window: KioskWindow,
        qt_app: QApplication,
        navigator: Navigator,
        input_watch: InputWatcher,
        *,
        activity: Callable[[], None],
    ) -> None:
        self._settings = settings
        self._session = session
        self._tr = tr
        self._speaker = speaker
        self._window = window
        self._qt_app = qt_app
        self._nav = navigator
        self._input_watch = input_watch
        self._activity = activity
        self._spoken: tuple[type, dict[str, object]] | None = None
        self._styled_look: Look | None = None

    # ------------------------------------------------------------------ on and off
    def start(self, *, by_staff: bool) -> None:
        self._activity()
        self._session.start_assisted(by_staff=by_staff)
        self._input_watch.set_interval(self._settings.idle.assisted_warning_after_seconds * 1000)
        self.restyle()
        self.show()
        self._spoken = None
        self.speak(self._nav.current)

    def end(self) -> None:
        self._session.assisted = False
        self._input_watch.set_interval(self._settings.idle.warning_after_seconds * 1000)
        self._speaker.stop()
        self.show()

    def show(self) -> None:
        """Assisted mode's controls on the window; Repeat and Slower only where the kiosk can speak."""
        speech = self._speaker.can_speak(self._session.language)
        self._window.set_assisted(self._session.assisted, speech=speech)

    def wiped(self) -> None:
        """The session ended: the next customer starts without assisted mode, in the default look and language."""
        self._speaker.stop()
        self._spoken = None
        self._input_watch.set_interval(self._settings.idle.warning_after_seconds * 1000)
        self.restyle()
        self.show()
        self.apply_language()

    # ------------------------------------------------------------------ speech
    def repeat(self) -> None:
        self._spoken = None
        self.speak(self._nav.current)

    def slower(self) -> None:
        self._session.slower()
        self.repeat()

    def speak(self, state: ScreenState) -> None:
        """Says what the screen is and what to do, once per step (see _UNSPOKEN_CHANGES)."""
        if not self._session.assisted or not self._speaker.can_speak(self._session.language):
            return
        step = _step(state)
        if step == self._spoken:
            return
        self._spoken = step
        self._speaker.say(
            guidance(state, self._tr), language=self._session.language, rate=self._session.speech_rate
        )

    # ------------------------------------------------------------------ look and language
    @property
    def look(self) -> Look:
        return Look(self._session.text_size, self._session.contrast)

    def restyle(self) -> None:
        """Applies the session's text size and contrast."""
        look = self.look
        if look == self._styled_look:
            return
        if self._styled_look is None:
            # Once, for anything shown outside the window's screens; the window styles its screens itself, one at
            # a time (`KioskWindow.set_look`): re-polishing the whole application took seconds.
            self._qt_app.setStyleSheet(stylesheet(Look()))
        self._styled_look = look
        self._window.set_look(look)

    def apply_language(self) -> None:
        if self._tr.language != self._session.language:
            self._tr.set_language(self._session.language)
            self._spoken = None
        self._window.retranslate()
        self.show()
        self.speak(self._nav.current)


def _step(state: ScreenState) -> tuple[type, dict[str, object]]:
    """What makes a state a new step for the customer: its type and the fields that are not mere progress. A
    payment's journal row counts by its id and state: each status check rewrites it (``updated_at``)."""
    values: dict[str, object] = {}
    for f in fields(state):
        if f.name in _UNSPOKEN_CHANGES:
            continue
        value = getattr(state, f.name)
        if isinstance(value, JournalPayment):
            value = (value.id, value.state, value.receipt)
        values[f.name] = value
    if isinstance(state, EnterCode):
        # The unit chosen or typed in full moves the customer on to the digits: a new step, said once, though
        # each character of a unit code typed on its keyboard is not.
        values["step"] = state.step
    return type(state), values
