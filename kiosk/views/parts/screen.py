"""What every screen module provides to the frame and the router."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QObject
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

    # Whether `fit_to_view` runs after every relayout too (a new text, a new text size), not only when the room in
    # view changes: off for a fit that relays the screen out itself whatever it decides.
    refits_on_relayout: ClassVar[bool] = True

    def title(self) -> str:
        raise NotImplementedError

    def fit_to_view(self) -> None:
        """Fits what the screen shows to the room in view (`view_height`): screens that give up details, key
        height or a code's size rather than push their main action to a second page override this. Called when
        the page's viewport resizes and after every relayout, so a second call must change nothing."""

    def view_height(self) -> int | None:
        """The height of the page's viewport this screen is shown in; None before the frame has taken it."""
        viewport = self.parentWidget()
        return viewport.height() if viewport is not None else None

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.ParentChange and (viewport := self.parentWidget()) is not None:
            # The page's viewport: it shrinks when the page shows its pager, and the screen may not resize.
            viewport.installEventFilter(self)
        elif event.type() == QEvent.Type.LayoutRequest and self.refits_on_relayout:
            self.fit_to_view()
        return handled

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.fit_to_view()
        return False

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
