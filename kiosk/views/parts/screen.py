"""What every screen module provides to the frame and the router."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.flows.states import ScreenState
from kiosk.language.catalogs import Translator
from kiosk.views.theme import Look


class Screen(QWidget):
    """A full screen inside the kiosk frame. Subclasses build widgets in `__init__`, fill all texts in
    `retranslate()` (called again on every language switch) and show a state in `show_state()`."""

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self.setObjectName("screen")
        self._tr = tr

    def title(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def show_state(self, state: ScreenState) -> None:
        """Most screens show the same thing whatever the state holds; those that do not override this."""

    def clear(self) -> None:
        """Drop anything of the customer shown here (called when a session is wiped)."""

    def set_look(self, look: Look) -> None:
        """The style sheet sizes and colours widgets; screens that paint their own (charts) override this."""
