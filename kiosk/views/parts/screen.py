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
        self._pinned: QWidget | None = None

    def title(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def show_state(self, state: ScreenState) -> None:
        """Most screens show the same thing whatever the state holds; those that do not override this."""

    def clear(self) -> None:
        """Drop anything of the customer shown here (called when a session is wiped)."""

    def pin(self, *actions: QWidget) -> None:
        """Puts these actions (the way forward last) in a bar below the screen's pages, always in view however
        many pages the screen needs. Called in `__init__`, before the frame first shows the screen."""
        from kiosk.views.parts.widgets import ActionBar

        self._pinned = ActionBar(*actions)
        # A child from the start: a bar without a parent that a screen shows before the frame has taken it would
        # open as a window of its own (and take the activation from the kiosk's).
        self._pinned.setParent(self)

    def pinned_actions(self) -> QWidget | None:
        """The bar of actions given to `pin`, which the frame shows below the screen's pages; None when the
        screen's actions are part of its content."""
        return self._pinned

    def set_look(self, look: Look) -> None:
        """The style sheet sizes and colours widgets; screens that paint their own (charts) override this."""
