"""The kiosk window: the same frame on every screen (title bar, navigation bar) around the current screen.

The window shows what it is told (`show_state`) and turns taps into intents (signals); what an intent does is
decided in `kiosk.app`, where flows live.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QContextMenuEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.navigation import Feature, Home, IdleWarning, ScreenState, StaffCalled
from kiosk.i18n import Translator
from kiosk.views.home import HomeScreen
from kiosk.views.idle_warning import IdleWarningScreen
from kiosk.views.print_preview import PrintPreviewScreen
from kiosk.views.router import screen_for
from kiosk.views.screen import Screen
from kiosk.views.staff_called import StaffCalledScreen
from kiosk.views.widgets import button, label, scroll_area


class KioskWindow(QWidget):
    back_requested = Signal()
    home_requested = Signal()
    language_toggled = Signal()
    large_text_toggled = Signal()
    staff_requested = Signal()
    feature_chosen = Signal(Feature)
    more_time_requested = Signal()
    end_session_requested = Signal()
    staff_continue_requested = Signal()
    # A journey's screen was built: the app connects its intents to the journey's flow.
    screen_created = Signal(Screen)

    def __init__(self, tr: Translator, *, location_name: str) -> None:
        super().__init__()
        self.setObjectName("kiosk-window")
        self.allow_close = False
        self._tr = tr
        self._large_text = False
        self._pages: dict[type[Screen], QScrollArea] = {}

        self._title_bar = QWidget()
        self._title_bar.setProperty("role", "bar")
        self._title = label("title")
        self._title.setObjectName("screen-title")
        self._location = label("muted", wrap=False)
        self._location.setText(location_name)
        self._location.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        title_row = QHBoxLayout(self._title_bar)
        title_row.setContentsMargins(32, 16, 32, 16)
        title_row.addWidget(self._title, stretch=1)
        title_row.addWidget(self._location)

        self._stack = QStackedWidget()

        self._nav_bar = QWidget()
        self._nav_bar.setProperty("role", "bar")
        self._back = self._nav_button("nav-back", self.back_requested)
        self._home = self._nav_button("nav-home", self.home_requested)
        self._language = self._nav_button("nav-language", self.language_toggled)
        self._large = self._nav_button("nav-large-text", self.large_text_toggled)
        self._staff = self._nav_button("nav-call-staff", self.staff_requested)
        nav_row = QHBoxLayout(self._nav_bar)
        nav_row.setContentsMargins(24, 16, 24, 16)
        nav_row.setSpacing(16)
        for widget in (self._back, self._home):
            nav_row.addWidget(widget)
        nav_row.addStretch()
        for widget in (self._language, self._large, self._staff):
            nav_row.addWidget(widget)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._title_bar)
        layout.addWidget(self._stack, stretch=1)
        layout.addWidget(self._nav_bar)
        self.show_state(Home())

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
    def current_page(self) -> QScrollArea:
        page = self._stack.currentWidget()
        assert isinstance(page, QScrollArea)
        return page

    def show_state(self, state: ScreenState) -> None:
        page = self._page(screen_for(state))
        _screen_of(page).show_state(state)
        self._stack.setCurrentWidget(page)
        at_home = isinstance(state, Home)
        warning = isinstance(state, IdleWarning)
        self._back.setVisible(not at_home and not warning)
        self._home.setVisible(not at_home and not warning)
        self._staff.setVisible(not warning and not isinstance(state, StaffCalled))
        self._large.setVisible(not warning)
        self._refresh_frame()

    def set_large_text(self, large: bool) -> None:
        self._large_text = large
        for page in self._pages.values():
            _screen_of(page).set_large_text(large)
        self._refresh_frame()

    def retranslate(self) -> None:
        for page in self._pages.values():
            _screen_of(page).retranslate()
        self._refresh_frame()

    def wipe(self) -> None:
        """Clear every screen that may hold customer data (each screen knows what it showed)."""
        for page in self._pages.values():
            _screen_of(page).clear()

    def _refresh_frame(self) -> None:
        tr = self._tr
        self._title.setText(self.current_screen.title())
        self._back.setText(tr._("frame.back"))
        self._home.setText(tr._("frame.home"))
        self._language.setText(tr._("frame.language"))
        self._large.setText(tr._("frame.normal_text") if self._large_text else tr._("frame.large_text"))
        self._staff.setText(tr._("frame.call_staff"))
        self.setWindowTitle(tr._("app.name"))

    def _page(self, kind: type[Screen]) -> QScrollArea:
        if kind not in self._pages:
            screen = kind(self._tr)
            screen.set_large_text(self._large_text)
            self._connect(screen)
            self._pages[kind] = _scrolling(screen)
            self._stack.addWidget(self._pages[kind])
        return self._pages[kind]

    def _connect(self, screen: Screen) -> None:
        if isinstance(screen, HomeScreen):
            screen.feature_chosen.connect(self.feature_chosen)
        elif isinstance(screen, IdleWarningScreen):
            screen.more_time_requested.connect(self.more_time_requested)
            screen.end_requested.connect(self.end_session_requested)
        elif isinstance(screen, StaffCalledScreen):
            screen.continue_requested.connect(self.staff_continue_requested)
        elif isinstance(screen, PrintPreviewScreen):
            screen.done_requested.connect(self.back_requested)
        else:
            self.screen_created.emit(screen)

    # ------------------------------------------------------------------ kiosk behaviour
    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 or a stray close request must not leave a customer facing a desktop.
        if self.allow_close:
            event.accept()
        else:
            event.ignore()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        event.accept()


def _screen_of(page: QScrollArea) -> Screen:
    screen = page.widget()
    assert isinstance(screen, Screen)
    return screen


def _scrolling(screen: Screen) -> QScrollArea:
    """Screens fit the panel as designed; when they cannot (large text on a small landscape panel, a long
    translation) they scroll by finger rather than cut text off."""
    return scroll_area(screen, "page")
