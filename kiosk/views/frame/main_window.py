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
from kiosk.views.frame.page import Page
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label
from kiosk.views.theme import Look, stylesheet

COMPACT_BELOW_PX = 900
"""Shorter than this (a 1366x768 panel), the frame's bars are compact."""

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
        self._staff_pages: set[Page] = set()
        self._staff_sheet = stylesheet(Look())
        self._assisted = False
        self._speech = False
        self._staff_mode = False
        self._pages: dict[type[Screen], Page] = {}
        self._compact = False
        self._restyle_bars_due = QTimer(self)
        self._restyle_bars_due.setSingleShot(True)
        self._restyle_bars_due.setInterval(0)
        self._restyle_bars_due.timeout.connect(self._restyle_bars)

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
        self._title_row = QHBoxLayout(self._title_bar)
        self._title_row.setContentsMargins(32, 16, 32, 16)
        self._title_row.setSpacing(16)
        self._title_row.addWidget(self._title, stretch=1)
        self._title_row.addWidget(self._location)

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
        # Where Repeat and Slower would be when the kiosk cannot speak: the customer is told, not left to wonder
        # why nothing is said.
        self._no_speech = label(wrap=False)
        self._no_speech.setObjectName("assist-no-speech")
        self._no_speech.hide()
        self._contrast = self._nav_button("assist-contrast", self.contrast_toggled)
        self._assist_end = self._nav_button("assist-end", self.assisted_end_requested)
        self._assist_row = QHBoxLayout(self._assist_bar)
        self._assist_row.setContentsMargins(24, 12, 24, 12)
        self._assist_row.setSpacing(16)
        self._assist_row.addStretch()
        self._assist_bar.hide()
        self._assist_in = "nav"
        # On a short panel with large text there is no row to spare for them: they wait behind one button of the
        # navigation bar, in a panel that opens above it.
        self._assist_menu = button()
        self._assist_menu.setObjectName("assist-menu")
        self._assist_menu.clicked.connect(self._toggle_assist_panel)
        self._assist_menu.hide()
        self._assist_panel = QWidget(self)
        self._assist_panel.setObjectName("assist-panel")
        self._assist_panel.setProperty("role", "assist-bar")
        self._assist_panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._panel_row = QHBoxLayout(self._assist_panel)
        self._panel_row.setContentsMargins(24, 12, 24, 12)
        self._panel_row.setSpacing(16)
        self._panel_close = button()
        self._panel_close.setObjectName("assist-panel-close")
        self._panel_close.clicked.connect(self._assist_panel.hide)
        self._panel_row.addStretch()
        self._panel_row.addWidget(self._panel_close)
        self._assist_panel.hide()
        for control in (self._repeat, self._slower, self._contrast, self._assist_end):
            # A control used closes the panel, as a menu does; what it did shows on the screen.
            control.clicked.connect(self._assist_panel.hide)

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
        self._arrange_nav(split=False, assist_in="own")

        layout = QVBoxLayout(self)
        # The window is the panel's size, whatever its parts ask for: were it to grow past the panel, the frame's
        # bottom bar would be off screen. What does not fit is the layout rule's to find.
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
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
        # The staff desk has its own language choice (for new customers) and its own plain look.
        self._large.setVisible(not warning and not self._staff_mode)
        self._language.setVisible(not self._staff_mode)
        self._refresh_frame()

    def layout_breaches(self) -> list[str]:
        """What breaks the layout rule (:mod:`kiosk.views.layout_rule`) on the screen in view, as laid out now."""
        page = self.current_page
        viewport = page.area.viewport()
        origin = viewport.mapTo(self, viewport.rect().topLeft())
        return layout_rule.breaches(
            self,
            self.current_screen,
            page.visible_rect().translated(origin),
            [self._back, self._home, self._staff],
            paged=page.paged,
            pinned=page.pinned,
            covered=[rect.translated(origin) for rect in page.covered_rects()],
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
            if page not in self._staff_pages:
                _screen_of(page).set_look(look)
        if self._stack.currentWidget() is not None and self._style_page(self.current_page):
            self._reflow_current()
        self._refresh_frame()

    @property
    def look(self) -> Look:
        return self._look

    def _style_page(self, page: Page) -> bool:
        """Gives the page the window's look; whether that changed it."""
        # The staff desk keeps its own plain look (normal text, standard contrast) whatever the customer before
        # chose: staff work at arm's length, and its actions must stay in view.
        staff = page in self._staff_pages
        look = Look() if staff else self._look
        if self._page_looks.get(page) == look:
            return False
        self._page_looks[page] = look
        page.setStyleSheet(self._staff_sheet if staff else self._sheet)
        if staff:
            page.content.set_look(look)
        return True

    def _reflow_current(self) -> None:
        """The screen in view changed its text size or contrast: paged anew from its first page, its halves side
        by side again where the new text leaves room. Left stacked, as the larger text needed them, they would
        keep the screen paged at a size where it fits on one page."""
        if self._stack.currentWidget() is not None:
            self.current_page.first_page()

    def set_assisted(self, assisted: bool, *, speech: bool) -> None:
        """Shows assisted mode's controls; Repeat and Slower only where the kiosk can speak."""
        self._assisted = assisted
        self._speech = speech
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
        self._no_speech.setText(tr._("frame.no_speech"))
        if self._look.contrast is Contrast.HIGH:
            self._contrast.setText(tr._("frame.contrast_high"))
        else:
            self._contrast.setText(tr._("frame.contrast_standard"))
        self._assist_end.setText(tr._("frame.assisted_end"))
        self._assist_menu.setText(tr._("frame.assist_menu"))
        self._panel_close.setText(tr._("frame.assist_menu_close"))
        self._fit_nav()
        self.setWindowTitle(tr._("app.name"))

    def _arrange_nav(self, *, split: bool, assist_in: str) -> None:
        """``assist_in``: where assisted mode's controls go: in the navigation bar's row (``"nav"``) or the title
        bar's (``"title"``) when there is room, each saving the screen a bar's height; else in their own bar
        above the navigation bar (``"own"``). ``split``: the right-hand group of the navigation bar on a second
        row."""
        assist = (self._repeat, self._slower, self._no_speech, self._contrast, self._assist_end)
        if assist_in != self._assist_in:
            self._assist_in = assist_in
            for widget in assist:
                # Re-adding a widget moves it out of the layout it was in.
                match assist_in:
                    case "menu":
                        self._panel_row.insertWidget(self._panel_row.count() - 2, widget)
                    case "nav":
                        at = self._nav_top.count() - (0 if self._nav_split else 4)
                        self._nav_top.insertWidget(at, widget)
                    case "title":
                        self._title_row.insertWidget(self._title_row.count() - 1, widget)
                    case _:
                        at = self._assist_row.count() - (0 if widget is self._assist_end else 1)
                        self._assist_row.insertWidget(at, widget)
        if split != self._nav_split:
            self._nav_split = split
            row = self._nav_bottom if split else self._nav_top
            for widget in (self._assist_menu, self._language, self._large, self._staff):
                row.addWidget(widget)
            self._nav_second.setVisible(split)
        on = self._assisted and not self._staff_mode
        self._assist_bar.setVisible(on and assist_in == "own")
        self._assist_menu.setVisible(on and assist_in == "menu")
        if not (on and assist_in == "menu"):
            self._assist_panel.hide()
        # A widget moved to another bar is hidden by the move until Qt's next turn: say now what is shown.
        for widget in (self._contrast, self._assist_end):
            widget.setVisible(on)
        for widget in (self._repeat, self._slower):
            widget.setVisible(on and self._speech)
        self._no_speech.setVisible(on and not self._speech)

    def _fit_nav(self) -> None:
        """Assisted mode's controls where they fit in a bar the window has anyway (the navigation bar's row,
        else the title bar's), else in a bar of their own; the navigation bar in one row when it fits the
        window's width, in two when it does not."""
        nav: list[QWidget] = [
            w for w in (self._back, self._home, self._language, self._large, self._staff) if not w.isHidden()
        ]
        assist: list[QWidget] = []
        if self._assisted and not self._staff_mode:
            speech = [self._repeat, self._slower] if self._speech else [self._no_speech]
            assist = [*speech, self._contrast, self._assist_end]
        margins = self._nav_rows.contentsMargins()

        def needed(widgets: list[QWidget]) -> int:
            return sum(w.sizeHint().width() + 16 for w in widgets) + margins.left() + margins.right()

        title = self._title.fontMetrics().horizontalAdvance(self._title.text()) + 32
        assist_in = "own"
        if assist and needed(nav + assist) <= self.width():
            assist_in = "nav"
        elif assist and needed([self._location, *assist]) + title <= self.width():
            assist_in = "title"
        elif assist and self._compact and needed([*nav, self._assist_menu]) <= self.width():
            assist_in = "menu"
        if assist_in == "menu":
            nav.append(self._assist_menu)
        self._arrange_nav(split=assist_in != "nav" and needed(nav) > self.width(), assist_in=assist_in)

    def _toggle_assist_panel(self) -> None:
        """Opens the panel of assisted mode's controls above the navigation bar, or closes it."""
        if self._assist_panel.isVisible():
            self._assist_panel.hide()
            return
        height = self._assist_panel.sizeHint().height()
        self._assist_panel.setGeometry(0, self._nav_bar.y() - height, self.width(), height)
        self._assist_panel.show()
        self._assist_panel.raise_()

    def _fit_height(self) -> None:
        """On a short panel (1366x768) the frame's bars take less height: less padding, titles at heading size,
        bar buttons at the touch minimum. Every row saved is a row of the customer's screen."""
        compact = self.height() < COMPACT_BELOW_PX
        if compact == self._compact:
            return
        self._compact = compact
        vertical = 6 if compact else 16
        for part in (self._title_bar, self._assist_bar, self._nav_bar):
            part.setProperty("compact", compact)
            row = part.layout()
            assert row is not None
            margins = row.contentsMargins()
            margins.setTop(vertical)
            margins.setBottom(vertical)
            row.setContentsMargins(margins)
        # Restyled on the next turn of the loop, not inside this resize (see Page.set_compact).
        self._restyle_bars_due.start()
        for page in self._pages.values():
            page.set_compact(compact)

    def _restyle_bars(self) -> None:
        for part in (self._title_bar, self._assist_bar, self._nav_bar):
            part.setStyleSheet("")  # a changed property restyles only when the sheet is set again
            part.setStyleSheet(self._sheet)
        self._fit_nav()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_height()
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
            self._pages[kind].set_compact(self._compact)
            if isinstance(state, STAFF_STATES):
                self._staff_pages.add(self._pages[kind])
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
    return page.content
