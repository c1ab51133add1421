"""Keeps a customer in a public hall inside the kiosk: no way out to the operating system from the touchscreen or
from a keyboard someone plugs in.

An application-wide event filter sees every key, context-menu, gesture and window event before any widget does,
so no screen can forget a rule. The kiosk runs it inside its one input watch (``InputWatch`` in
kiosk/shell/input_watch.py, which says why application-wide) rather than as a filter of its own: every Qt event
pays for each filter. Outside staff mode it swallows:

- every context menu (right-click, the Menu key, Shift+F10, a long press): none of our widgets has one to show,
  and a text widget's own menu is a way to a file dialog or a clipboard full of the last customer's data;
- the keys that close, switch or leave windows: Alt+F4, Ctrl+W, Ctrl+Q (unless ``allow_quit``, the demo's quit
  key), Escape, Alt+Tab, Alt+Shift+Tab, Ctrl+Tab, Alt+Space (the window menu), F11, Meta/Super alone or with
  anything, and anything with Ctrl+Alt (Ctrl+Alt+Delete, Ctrl+Alt+Backspace, Ctrl+Alt+F1...) where Qt sees them;
- tap-and-hold gestures;
- a close of the kiosk window, and, once the window has been shown full screen, any minimize, un-fullscreen or
  hide of it, which is undone.

Typing goes through untouched: letters, digits, Shift, Backspace, Enter, Tab, Space, the keypad, and function
keys without Alt (the demo's F2/F3/F4). A barcode scanner in keyboard-wedge mode types exactly these. (The
kiosk's own HID scanner driver reads ``/dev/hidraw*`` and never depends on Qt key events; its keystrokes still
also reach the window as ordinary keys.)

In staff mode nothing is blocked but context menus.

What no application can catch — the kernel's Ctrl+Alt+F1 VT switch, SysRq, a compositor's or X server's own
keys — is closed in the deployment: cage without ``-s``, or eglfs, plus the settings in docs/deployment.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QContextMenuEvent, QHideEvent, QKeyEvent, QWindowStateChangeEvent
from PySide6.QtWidgets import QApplication, QGestureEvent, QWidget

from kiosk.shell.input_watch import InputWatch, RelevantClasses

__all__ = ["WATCHDOG_MS", "Lockdown", "install_lockdown", "is_escape_key"]

log = logging.getLogger(__name__)

WATCHDOG_MS = 1000
"""How often a full-screen kiosk window checks that it still is: Wayland never tells a client that it was
minimized, and the end of staff mode is not an event this filter sees."""

_K = Qt.Key
_ALWAYS_BLOCKED_KEYS = frozenset(
    key.value
    for key in (
        _K.Key_Escape,
        _K.Key_F11,  # full screen on/off in window managers and browsers
        _K.Key_Meta,
        _K.Key_Super_L,
        _K.Key_Super_R,
        _K.Key_Hyper_L,
        _K.Key_Hyper_R,
        _K.Key_Menu,  # the keyboard's context-menu key
    )
)
# Modifiers pressed alone are harmless, and typing needs them (Shift for capitals, AltGr on some layouts).
_MODIFIER_KEYS = frozenset(
    key.value
    for key in (_K.Key_Shift, _K.Key_Control, _K.Key_Alt, _K.Key_AltGr, _K.Key_CapsLock, _K.Key_NumLock)
)
# With Ctrl alone: closing and switching windows and tabs. Other Ctrl combinations do nothing in the kiosk,
# and some scanners send Ctrl+letter for control characters (GS in GS1 codes): let them through.
_CTRL_BLOCKED_KEYS = frozenset(
    key.value for key in (_K.Key_W, _K.Key_F4, _K.Key_Tab, _K.Key_Backtab, _K.Key_PageUp, _K.Key_PageDown)
)
_KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride})
_GESTURE_EVENTS = frozenset({QEvent.Type.Gesture, QEvent.Type.GestureOverride})
_WINDOW_EVENTS = frozenset({QEvent.Type.WindowStateChange, QEvent.Type.Hide, QEvent.Type.Close})
# The classes the binding gives the events above (it resolves an event's class from its type): any other event
# is let through without asking its type, which costs more than the rest of the filter's call.
_EVENT_CLASSES: tuple[type[QEvent], ...] = (
    QKeyEvent,
    QContextMenuEvent,
    QGestureEvent,
    QCloseEvent,
    QHideEvent,
    QWindowStateChangeEvent,
)

_Mod = Qt.KeyboardModifier


def is_escape_key(key: int, modifiers: Qt.KeyboardModifier, *, allow_quit: bool = False) -> bool:
    """Whether a key press (``QKeyEvent.key()``, ``.modifiers()``) is a way out of the kiosk rather than typing."""
    if key in _ALWAYS_BLOCKED_KEYS:
        return True
    if key in _MODIFIER_KEYS:
        return False
    if modifiers & _Mod.MetaModifier:
        return True  # Super+anything belongs to a desktop, never to typing
    if modifiers & _Mod.AltModifier:
        return True  # Alt+Tab, Alt+F4, Alt+Space, Alt+F2, Ctrl+Alt+Delete/Backspace/F1..F12; typing never needs Alt
    if modifiers & _Mod.ControlModifier:
        if key == _K.Key_Q.value:
            return not allow_quit
        return key in _CTRL_BLOCKED_KEYS
    return False


class Lockdown(QObject):
    """The application-wide filter (see the module's docstring). Made by :func:`install_lockdown`.

    ``escapes_blocked`` counts what it stopped: key presses, context menus, long presses, closes, and the times
    it put the window back full screen (for the staff screen, and tests).
    """

    event_classes = _EVENT_CLASSES

    def __init__(
        self, window: QWidget, *, staff_active: Callable[[], bool], allow_quit: bool = False
    ) -> None:
        super().__init__(window)  # lives and dies with the window it guards
        self._window = window
        self._staff_active = staff_active
        self._allow_quit = allow_quit
        self.escapes_blocked = 0
        # Full screen is enforced only once the window has been shown full screen: tests and `--windowed`
        # use normal windows, which a developer must be able to minimize.
        self._keeps_full_screen = False
        self._closing = False
        self._restore_queued = False
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(WATCHDOG_MS)
        self._watchdog.timeout.connect(self.restore)
        self._relevant = RelevantClasses(_EVENT_CLASSES)
        self._watch: InputWatch | None = None
        if window.isFullScreen():
            self._keep_full_screen()

    @property
    def keeps_full_screen(self) -> bool:
        """Whether the window is kept full screen (it has been shown full screen since installation)."""
        return self._keeps_full_screen

    def uninstall(self) -> None:
        """Stops filtering (tests; the kiosk keeps its lockdown for its whole life)."""
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self._watch is not None:
            self.destroyed.disconnect(self._watch.drop_guard)
            self._watch.unguard(self)
            self._watch = None
        self._watchdog.stop()
        self._keeps_full_screen = False

    def join(self, watch: InputWatch) -> None:
        """Filters inside the kiosk's input watch instead of as a filter of its own (one filter for all)."""
        self._watch = watch
        watch.guard_with(self)
        self.destroyed.connect(watch.drop_guard)  # dies with its window: the watch must not call it then

    def restore(self) -> None:
        """Puts the window back full screen if it was minimized, un-fullscreened or hidden while it
        should not be. Runs by itself; call it when staff mode ends, since staff may have left it otherwise."""
        self._restore_queued = False
        if not self._must_restore():
            return
        window = self._window
        self.escapes_blocked += 1
        log.warning(
            "the kiosk window was %s; putting it back full screen",
            "hidden"
            if not window.isVisible()
            else "minimized"
            if window.isMinimized()
            else "not full screen",
        )
        # showFullScreen() also clears "minimized" and activates the window. No raise_(): under cage or eglfs the
        # kiosk is the only window, and the offscreen platform of the tests warns that it cannot raise.
        window.showFullScreen()

    # ------------------------------------------------------------------ the filter
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._relevant[type(event)]:
            return False
        return self.filter_event(watched, event, event.type())

    def filter_event(self, watched: QObject, event: QEvent, kind: QEvent.Type) -> bool:
        """The filter proper, for an event of one of :attr:`event_classes` (the input watch asks it this way)."""
        if kind == QEvent.Type.ContextMenu:
            # Even in staff mode: no widget of ours has a menu, and a stock one offers a way out.
            self.escapes_blocked += 1
            return True
        if kind in _KEY_EVENTS and isinstance(event, QKeyEvent):
            return self._key(event)
        if kind in _GESTURE_EVENTS and isinstance(event, QGestureEvent):
            return self._gesture(event)
        if kind in _WINDOW_EVENTS and watched is self._window:
            if isinstance(event, QCloseEvent):
                return self._close(event)
            self._window_changed(kind)
        return False

    def _key(self, event: QKeyEvent) -> bool:
        if self._staff_active() or not is_escape_key(
            event.key(), event.modifiers(), allow_quit=self._allow_quit
        ):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            # An accepted override keeps a shortcut bound to the key from firing; the key press that follows is
            # swallowed here too.
            event.accept()
        elif event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self.escapes_blocked += 1
        return True

    def _gesture(self, event: QGestureEvent) -> bool:
        gestures = event.gestures()
        # Only events holding nothing but tap-and-hold: finger scrolling (QScroller) arrives as gesture events too.
        if self._staff_active() or not gestures:
            return False
        if any(gesture.gestureType() != Qt.GestureType.TapAndHoldGesture for gesture in gestures):
            return False
        if event.type() == QEvent.Type.Gesture and any(
            gesture.state() == Qt.GestureState.GestureStarted for gesture in gestures
        ):
            self.escapes_blocked += 1
        return True

    def _close(self, event: QCloseEvent) -> bool:
        if self._allow_quit or self._staff_active():
            # A close on purpose (the demo's Ctrl+Q, staff): the hide that follows must not be undone.
            self._closing = True
            QTimer.singleShot(0, self, self._close_settled)
            return False
        # A swallowed close event that is still accepted closes the window anyway: it must be refused.
        event.ignore()
        self.escapes_blocked += 1
        return True

    def _close_settled(self) -> None:
        self._closing = False
        if not self._window.isVisible():
            self._stop_keeping_full_screen()  # it really closed: the kiosk is quitting

    def _window_changed(self, kind: QEvent.Type) -> None:
        state = self._window.windowState()
        if (
            kind == QEvent.Type.WindowStateChange
            and state & Qt.WindowState.WindowFullScreen
            and not state & Qt.WindowState.WindowMinimized
        ):
            self._keep_full_screen()
        elif self._must_restore() and not self._restore_queued:
            # Changing a window's state from inside its own state-change or hide event re-enters the platform
            # window: put it back once this event is done.
            self._restore_queued = True
            QTimer.singleShot(0, self, self.restore)

    def _must_restore(self) -> bool:
        if (
            not self._keeps_full_screen
            or self._closing
            or QCoreApplication.closingDown()
            or self._staff_active()
        ):
            return False
        window = self._window
        return not window.isVisible() or window.isMinimized() or not window.isFullScreen()

    def _keep_full_screen(self) -> None:
        self._keeps_full_screen = True
        self._watchdog.start()

    def _stop_keeping_full_screen(self) -> None:
        self._keeps_full_screen = False
        self._watchdog.stop()


def install_lockdown(
    qt_app: QApplication,
    window: QWidget,
    *,
    staff_active: Callable[[], bool],
    allow_quit: bool = False,
    watch: InputWatch | None = None,
) -> Lockdown:
    """Installs the lockdown on the whole application, guarding ``window`` (see :class:`Lockdown`): inside
    ``watch``, the kiosk's input watch on ``qt_app``, or else as a filter of its own.
    ``staff_active`` is asked on every guarded event: while it says True, only context menus are blocked.
    ``allow_quit`` lets Ctrl+Q and closing the window through (the demo)."""
    lockdown = Lockdown(window, staff_active=staff_active, allow_quit=allow_quit)
    if watch is None:
        qt_app.installEventFilter(lockdown)
    else:
        lockdown.join(watch)
    return lockdown
