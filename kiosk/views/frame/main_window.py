"""The kiosk window: the same frame on every screen (title bar, navigation bar) around the current screen.

The window shows what it is told (`show_state`) and turns taps on the frame into intents (signals). Which screen
shows a state, and what a screen's taps do, is the shell's routing table (`kiosk.shell.routes`): the window is
given it, builds each screen the first time it is needed, and hands it over to be bound.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QContextMenuEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.session import Contrast, TextSize
from kiosk.flows.staff import STAFF_STATES
from kiosk.flows.states import ScreenState, offers_back
from kiosk.flows.states.frame import Home, IdleWarning, StaffCalled
from kiosk.language.catalogs import Translator
from kiosk.views import layout_rule
from kiosk.views.parts.screen import Screen
from kiosk.views.frame.page import Page
from kiosk.views.parts.widgets import button, label
from kiosk.views.theme import Look, stylesheet

STAFF_HOLD_MS = 3000
"""How long staff hold the place name in the title bar to open staff mode: longer than any customer's tap."""


class HoldLabel(QLabel):
    """A label that emits ``held`` when pressed for ``hold_ms`` without release: the discreet way into staff
    mode. Touches reach it as mouse presses (Qt synthesises them), and a customer's tap is far shorter."""

    held = Signal()

    def __init__(self, hold_ms: int) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.held)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._timer.stop()
        event.accept()


class KioskWindow(QWidget):
    back_requested = Signal()
    home_requested = Signal()
    language_toggled = Signal()
    text_size_requested = Signal()
    staff_requested = Signal()
    staff_mode_requested = Signal()  # the discreet gesture
    assisted_requested = Signal()
    repeat_requested = Signal()
    slower_requested = Signal()
    contrast_toggled = Signal()
    assisted_end_requested = Signal()
    # The window was closed where that is allowed (the demo, --windowed): the kiosk stops.
    closed = Signal()

    def __init__(
        self,
        tr: Translator,
        *,
        location_name: str,
        screen_for: Callable[[ScreenState], type[Screen]],
        on_screen_created: Callable[[Screen, ScreenState], None],
    ) -> None:
        """``screen_for`` names the screen that shows a state; ``on_screen_created`` binds a screen's intents
        when the window first builds it (for the state it is built for)."""
        super().__init__()
        self._screen_for = screen_for
        self._on_screen_created = on_screen_created
        self.setObjectName("kiosk-window")
        self.allow_close = False
        self._tr = tr
        self._look = Look()
        self._sheet = stylesheet(self._look)
        # The look each page was last styled in: pages out of sight are restyled when next shown (see set_look).
        self._page_looks: dict[Page, Look] = {}
        self._assisted = False
        self._speech = False
        self._staff_mode = False
        self._pages: dict[type[Screen], Page] = {}

        self._title_bar = QWidget()
        self._title_bar.setProperty("role", "bar")
        self._title = label("title")
        self._title.setObjectName("screen-title")
        self._location = HoldLabel(STAFF_HOLD_MS)
        self._location.setObjectName("staff-entry")
        self._location.setProperty("role", "muted")
        self._location.held.connect(self.staff_mode_requested)
        self._location.setText(location_name or " ")
        self._location.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        title_row = QHBoxLayout(self._title_bar)
        title_row.setContentsMargins(32, 16, 32, 16)
        title_row.addWidget(self._title, stretch=1)
        title_row.addWidget(self._location)

        # While a staff call is open: the customer (and staff walking up) see that help is on its way.
        self._banner = QWidget()
        self._banner.setObjectName("staff-call-banner")
        self._banner.setProperty("role", "banner")
        self._banner_text = label()
        banner_row = QHBoxLayout(self._banner)
        banner_row.setContentsMargins(32, 12, 32, 12)
        banner_row.addWidget(self._banner_text)
        self._banner.hide()

        self._stack = QStackedWidget()

        # Assisted mode's own controls, above the navigation bar so that the bar stays where customers learnt it.
        self._assist_bar = QWidget()
        self._assist_bar.setProperty("role", "assist-bar")
        self._repeat = self._nav_button("assist-repeat", self.repeat_requested)
        self._slower = self._nav_button("assist-slower", self.slower_requested)
        self._contrast = self._nav_button("assist-contrast", self.contrast_toggled)
        self._assist_end = self._nav_button("assist-end", self.assisted_end_requested)
        assist_row = QHBoxLayout(self._assist_bar)
        assist_row.setContentsMargins(24, 12, 24, 12)
        assist_row.setSpacing(16)
        for widget in (self._repeat, self._slower, self._contrast):
            assist_row.addWidget(widget)
        assist_row.addStretch()
        assist_row.addWidget(self._assist_end)
        self._assist_bar.hide()

        self._nav_bar = QWidget()
        self._nav_bar.setProperty("role", "bar")
        self._back = self._nav_button("nav-back", self.back_requested)
        self._home = self._nav_button("nav-home", self.home_requested)
        self._language = self._nav_button("nav-language", self.language_toggled)
        self._large = self._nav_button("nav-text-size", self.text_size_requested)
        self._staff = self._nav_button("nav-call-staff", self.staff_requested)
        # Back and Home on the left, the customer's settings and Call staff on the right; when large text makes
        # them too wide for a portrait panel, the right-hand group moves to a second row (see _arrange_nav).
        self._nav_rows = QVBoxLayout(self._nav_bar)
        self._nav_rows.setContentsMargins(24, 16, 24, 16)
        self._nav_rows.setSpacing(12)
        self._nav_top = QHBoxLayout()
        self._nav_top.setSpacing(16)
        # A widget, not a bare layout: hidden, it takes no height in the bar.
        self._nav_second = QWidget()
        self._nav_bottom = QHBoxLayout(self._nav_second)
        self._nav_bottom.setContentsMargins(0, 0, 0, 0)
        self._nav_bottom.setSpacing(16)
        for widget in (self._back, self._home):
            self._nav_top.addWidget(widget)
        self._nav_top.addStretch()
        self._nav_bottom.addStretch()
        self._nav_rows.addLayout(self._nav_top)
        self._nav_rows.addWidget(self._nav_second)
        self._nav_split = True
        self._arrange_nav(split=False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._title_bar)
        layout.addWidget(self._banner)
        layout.addWidget(self._stack, stretch=1)
        layout.addWidget(self._assist_bar)
        layout.addWidget(self._nav_bar)

    def _nav_button(self, name: str, intent: SignalInstance) -> QPushButton:
        widget = button()
        widget.setObjectName(name)
        widget.clicked.connect(intent)
        return widget

    # ------------------------------------------------------------------ what the app tells the window
    @property
    def current_screen(self) -> Screen:
        return _screen_of(self.current_page)

    @property
    def current_page(self) -> Page:
        page = self._stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def show_state(self, state: ScreenState) -> None:
        page = self._page(state)
        self._style_page(page)
        _screen_of(page).show_state(state)
        self._stack.setCurrentWidget(page)
        page.first_page()
        self._rest_focus()
        at_home = isinstance(state, Home)
        warning = isinstance(state, IdleWarning)
        self._staff_mode = isinstance(state, STAFF_STATES)
        # Back only where there is a step to go back to (not after a fault, a finished journey, the idle question).
        self._back.setVisible(offers_back(state))
        self._home.setVisible(not at_home and not warning and not self._staff_mode)
        self._staff.setVisible(not warning and not self._staff_mode and not isinstance(state, StaffCalled))
        self._large.setVisible(not warning)
        self._assist_bar.setVisible(self._assisted and not self._staff_mode)
        self._refresh_frame()

    def layout_breaches(self) -> list[str]:
        """What breaks the layout rule (:mod:`kiosk.views.layout_rule`) on the screen in view, as laid out now."""
        page = self.current_page
        viewport = page.area.viewport()
        visible = page.visible_rect().translated(viewport.mapTo(self, viewport.rect().topLeft()))
        return layout_rule.breaches(
            self,
            self.current_screen,
            visible,
            [self._back, self._home, self._staff],
            paged=page.paged,
            pinned=page.pinned,
        )

    def current_page_is_paged(self) -> bool:
        return self.current_page.paged

    def _rest_focus(self) -> None:
        """A new screen starts with the focus on the window itself, where it draws no ring: left to Qt, the focus
        of a button on the screen just hidden moves to the next button in the chain (the frame's "Tương phản
        cao"), which then looks chosen. The keyboard's Tab still goes from here to the screen's first button."""
        focused = self.focusWidget()
        if focused is not self:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_look(self, look: Look) -> None:
        """Restyles the frame and the screen in view now, and every other screen only when it is next shown.

        A style sheet set on the whole application re-polishes every widget of every screen ever built, some
        forty screens by the end of a day: about a second on a fast PC, 2 to 4 s on a kiosk's, with nothing to
        show for it on screen. Each page carries the sheet itself instead, so a change of look costs one
        screen's widgets."""
        if look != self._look:
            self._look = look
            self._sheet = stylesheet(look)
        for part in (self._title_bar, self._banner, self._assist_bar, self._nav_bar):
            if part.styleSheet() != self._sheet:
                part.setStyleSheet(self._sheet)
        for page in self._pages.values():
            _screen_of(page).set_look(look)
        if self._stack.currentWidget() is not None:
            self._style_page(self.current_page)
        self._refresh_frame()

    @property
    def look(self) -> Look:
        return self._look

    def _style_page(self, page: Page) -> None:
        if self._page_looks.get(page) != self._look:
            self._page_looks[page] = self._look
            page.setStyleSheet(self._sheet)

    def set_assisted(self, assisted: bool, *, speech: bool) -> None:
        """Shows assisted mode's controls; Repeat and Slower only where the kiosk can speak."""
        self._assisted = assisted
        self._speech = speech
        self._assist_bar.setVisible(assisted and not self._staff_mode)
        self._repeat.setVisible(speech)
        self._slower.setVisible(speech)
        self._refresh_frame()

    def set_staff_call(self, open_call: bool) -> None:
        self._banner.setVisible(open_call)

    def retranslate(self) -> None:
        for page in self._pages.values():
            _screen_of(page).retranslate()
            page.retranslate()
        self._refresh_frame()

    def wipe(self) -> None:
        """Clear every screen that may hold customer data (each screen knows what it showed)."""
        for page in self._pages.values():
            _screen_of(page).clear()

    def _refresh_frame(self) -> None:
        tr = self._tr
        # Nothing shown yet (the window is being built): no title.
        self._title.setText(self.current_screen.title() if self._stack.currentWidget() is not None else "")
        self._back.setText(tr._("frame.back"))
        self._home.setText(tr._("frame.home"))
        self._language.setText(tr._("frame.language"))
        self._large.setText(self._text_size_label())
        self._staff.setText(tr._("frame.call_staff"))
        self._banner_text.setText(tr._("frame.staff_coming"))
        self._repeat.setText(tr._("frame.repeat"))
        self._slower.setText(tr._("frame.slower"))
        if self._look.contrast is Contrast.HIGH:
            self._contrast.setText(tr._("frame.contrast_high"))
        else:
            self._contrast.setText(tr._("frame.contrast_standard"))
        self._assist_end.setText(tr._("frame.assisted_end"))
        self._fit_nav()
        self.setWindowTitle(tr._("app.name"))

    def _arrange_nav(self, *, split: bool) -> None:
        if split == self._nav_split:
            return
        self._nav_split = split
        row = self._nav_bottom if split else self._nav_top
        for widget in (self._language, self._large, self._staff):
            row.addWidget(widget)  # re-adding moves the widget out of the other row
        self._nav_second.setVisible(split)

    def _fit_nav(self) -> None:
        """One row when it fits the window's width, two when it does not."""
        visible = [
            w
            for w in (self._back, self._home, self._language, self._large, self._staff)
            if w.isVisibleTo(self)
        ]
        margins = self._nav_rows.contentsMargins()
        needed = (
            sum(w.sizeHint().width() for w in visible) + 16 * len(visible) + margins.left() + margins.right()
        )
        self._arrange_nav(split=needed > self.width())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_nav()
        super().resizeEvent(event)

    def _text_size_label(self) -> str:
        """The text-size button says which size is on, in words (not by a highlight)."""
        tr = self._tr
        match self._look.text_size:
            case TextSize.NORMAL:
                return tr._("frame.text_size.normal")
            case TextSize.LARGE:
                return tr._("frame.text_size.large")
            case TextSize.LARGEST:
                return tr._("frame.text_size.largest")

    def _page(self, state: ScreenState) -> Page:
        kind = self._screen_for(state)
        if kind not in self._pages:
            screen = kind(self._tr)
            screen.set_look(self._look)
            self._on_screen_created(screen, state)
            self._pages[kind] = Page(screen, self._tr)
            self._stack.addWidget(self._pages[kind])
        return self._pages[kind]

    # ------------------------------------------------------------------ kiosk behaviour
    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 or a stray close request must not leave a customer facing a desktop.
        if self.allow_close:
            event.accept()
            self.closed.emit()
        else:
            event.ignore()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        event.accept()


def _screen_of(page: Page) -> Screen:
    return page.screen
