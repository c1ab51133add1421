"""The staff PIN: a dot for each digit typed (never the digits), the keypad, "Open", and why the last PIN was
refused. A wait or a lockout counts down on the kiosk's own clock, so staff see when they may try again; the
gate decides, whatever the screen shows."""

from __future__ import annotations

import math
import time
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.flows.staff import MIN_PIN_DIGITS
from kiosk.flows.states import ScreenState
from kiosk.flows.states.staff import StaffPin
from kiosk.language.catalogs import Translator
from kiosk.staff.pin_gate import PinCheck, PinVerdict, pin_check_message
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.keypad import Keypad
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, column, label

QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" size
_SPARE_PX = 4  # rounding in Qt's layouts


def dots(entered: int) -> str:
    """``2`` → ``• • _ _``: a dot per digit typed, and how many more the shortest PIN needs."""
    return " ".join("•" * entered + "_" * max(0, MIN_PIN_DIGITS - entered))


class StaffPinScreen(Screen):
    key_pressed = Signal(str)  # the keypad's: "0" to "9", "backspace" or "clear" (StaffFlow.pin_key)
    submit_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: StaffPin | None = None
        self._check: PinCheck | None = None
        self._refused_at = 0.0  # time.monotonic() when the shown refusal arrived
        self._prompt = label("title")
        self._dots = label("code", wrap=False, data=True)
        self._dots.setObjectName("staff-pin-dots")
        self._dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._problem = label("notice")
        self._problem.setObjectName("staff-pin-problem")
        self._hint = label()
        self._hint.setObjectName("staff-pin-hint")
        self._open = button("primary")
        self._open.setObjectName("staff-pin-open")
        self._open.clicked.connect(self.submit_requested)
        self._keypad = Keypad(tr)
        self._keypad.key_pressed.connect(self.key_pressed)
        mark_main_action(self._keypad)  # what staff came to touch: always wholly in view
        # "Open" stays with the dots rather than pinned below the page: a bar below would take the height the
        # keypad needs on a small landscape panel, where the keypad is beside the dots and "Open" in view anyway.
        # "Clear" beside "Open", out of the keypad's grid: the keypad keeps four rows of keys, short enough to be
        # wholly in view beside the dots on a small landscape panel.
        clear = self._keypad.findChild(QPushButton, "pad-clear")
        assert clear is not None
        self._clear: QPushButton = clear
        grid = self._keypad.layout()
        assert grid is not None
        grid.removeWidget(self._clear)
        self._finish = finish = QWidget()
        finish_row = QHBoxLayout(finish)
        finish_row.setContentsMargins(0, 0, 0, 0)
        finish_row.setSpacing(24)
        finish_row.addWidget(self._clear, 1)
        finish_row.addWidget(self._open, 2)
        # Under the dots, above why the last PIN was refused (which may take a few lines): in view on any panel.
        reading = column(self._prompt, self._dots, finish, self._problem, self._hint)
        # Side by side on any landscape panel (the keypad must be wholly in view, and stacked below the
        # reading half it would not fit a small one), one above the other on a portrait one.
        self._halves = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._halves.setSpacing(48)
        self._halves.addWidget(reading)
        self._halves.addWidget(column(self._keypad))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 16, 48, 16)
        layout.addLayout(self._halves)
        layout.addStretch()
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._show_check)
        self.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_to_view()

    def fit_to_view(self) -> None:
        # The panel's orientation, not the screen's: a screen taller than its page is still on a landscape panel.
        panel = self.window()
        landscape = panel.width() > panel.height()
        direction = QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        if self._halves.direction() != direction:
            self._halves.setDirection(direction)
            self._halves.setStretch(0, 1 if landscape else 0)
            self._halves.setStretch(1, 1 if landscape else 0)
        # Beside the dots, the keypad is no taller than the page in view: its keys give up their spare height
        # (down to a finger's size) rather than push the keypad onto a second page.
        viewport = self.parentWidget()
        tallest = QWIDGETSIZE_MAX
        if landscape and viewport is not None:
            margins = self.contentsMargins().top() + self.contentsMargins().bottom()
            layout = self.layout()
            if layout is not None:
                margins = layout.contentsMargins().top() + layout.contentsMargins().bottom()
            tallest = max(self._keypad.minimumSizeHint().height(), viewport.height() - margins - _SPARE_PX)
        if self._keypad.maximumHeight() != tallest:
            self._keypad.setMaximumHeight(tallest)

    def title(self) -> str:
        return self._tr._("staff.pin.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, StaffPin):
            if state.check is not self._check:  # a new refusal (key presses keep the same one)
                self._check = state.check
                self._refused_at = time.monotonic()
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._check = None
        self._ticker.stop()
        self._dots.setText(dots(0))
        self._dots.setAccessibleName("")
        self._problem.clear()
        self._hint.clear()

    def hideEvent(self, event: QHideEvent) -> None:
        self._ticker.stop()
        super().hideEvent(event)

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("staff_pin.prompt"))
        self._open.setText(tr._("staff.pin.open"))
        self._keypad.retranslate()
        entered = self._state.entered if self._state is not None else 0
        self._dots.setText(dots(entered))
        self._dots.setAccessibleName(tr.ngettext("staff.pin.entered", entered, n=entered))
        self._show_check()

    def _now_check(self) -> PinCheck | None:
        """The shown refusal as it stands now: its wait counted down since it arrived, None once it is over
        (the keypad takes a PIN again)."""
        check = self._check
        if check is None or check.verdict is PinVerdict.NOT_SET:
            return check
        left = max(0, check.wait_seconds - math.floor(time.monotonic() - self._refused_at))
        if left > 0:
            return replace(check, wait_seconds=left)
        if check.verdict is PinVerdict.WRONG:
            return replace(check, wait_seconds=0)  # still says the PIN was wrong, and how many tries remain
        return None

    def _show_check(self) -> None:
        tr = self._tr
        check = self._now_check()
        waiting = check is not None and check.wait_seconds > 0
        if waiting:
            self._ticker.start()
        else:
            self._ticker.stop()
        self._problem.setVisible(check is not None)
        self._problem.setText(pin_check_message(tr, check) if check is not None else "")
        hint = ""
        if check is not None and check.verdict is PinVerdict.NOT_SET:
            hint = tr._("staff.pin.not_set_hint")
        elif (
            check is not None
            and check.tries_before_lockout is not None
            and (check.verdict is PinVerdict.WAIT or (check.verdict is PinVerdict.WRONG and waiting))
        ):
            # The gate's message for a wait says when to try again; how close the lockout is comes here.
            tries = check.tries_before_lockout
            hint = tr.ngettext("staff.pin.tries_before_lockout", tries, n=tries)
        self._hint.setText(hint)
        self._hint.setVisible(bool(hint))
        # Without a PIN configured there is nothing to type: only what to do about it is shown.
        not_set = check is not None and check.verdict is PinVerdict.NOT_SET
        for part in (self._prompt, self._dots, self._keypad, self._clear, self._open, self._finish):
            part.setVisible(not not_set)
        entered = self._state.entered if self._state is not None else 0
        locked = check is not None and check.verdict is PinVerdict.LOCKED
        self._open.setEnabled(not locked and not waiting and entered >= MIN_PIN_DIGITS)
