"""The customer-code screen: the kiosk's units as one tap each (or another unit's code typed on a letter and
digit keyboard), then the 7 digits on a keypad; the code shown large in the groups it is read in (``PC05CC 012
3456``), and what is still missing said in words. A scan of the bill needs none of it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.customer.code import DIGITS, UNIT_LENGTH, CodeProblem, UnitChoice, check_code, group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode, EntryStep
from kiosk.language.catalogs import Translator
from kiosk.language.tone_marks import BACKSPACE
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.keyboard import VietnameseKeyboard
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import (
    RowButton,
    button,
    clear_layout,
    column,
    height_at_width,
    label,
    show_all,
)
from kiosk.views.theme import MIN_TOUCH_PX

_MISSING = "_"
_UNIT_COLUMNS = 2
# From this width the code and the keys sit side by side: a 1366 x 768 panel has no height to stack them, and
# the keys are the screen's main action, which must be in view without scrolling.
_SIDE_BY_SIDE_PX = 1200


def shown_code(unit: str, digits: str) -> str:
    """The code as typed so far, with a mark for every character still to come, in the groups it is read in."""
    unit = unit + _MISSING * (UNIT_LENGTH - len(unit))
    return group_code(unit + digits + _MISSING * (DIGITS - len(digits)))


class EnterCodeScreen(Screen):
    unit_chosen = Signal(str)
    other_unit_requested = Signal()
    change_unit_requested = Signal()
    unit_key_pressed = Signal(str)
    digit_pressed = Signal(str)
    delete_requested = Signal()
    clear_requested = Signal()
    submit_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state = EnterCode()
        self._scanner = False
        self._shown_units: tuple[UnitChoice, ...] | None = None
        self._prompt = label("heading")
        self._where = label("muted")
        # Only on a kiosk with a scanner, and only before typing starts: where to hold the bill.
        self._scan_hint = label()
        self._scan_hint.setObjectName("code-scan-hint")
        self._scan_hint.hide()
        self._code = label("code", wrap=False, data=True)
        self._code.setObjectName("code-display")
        self._code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._unit_name = label()
        self._unit_name.setObjectName("code-unit-name")
        # Beside the unit it changes, not under the keypad: the keys fill a 1366 x 768 panel's height.
        self._change_unit = button()
        self._change_unit.setObjectName("unit-change")
        self._change_unit.clicked.connect(self.change_unit_requested)
        self._unit_row = QWidget()
        unit_row = QHBoxLayout(self._unit_row)
        unit_row.setContentsMargins(0, 0, 0, 0)
        unit_row.setSpacing(16)
        unit_row.addWidget(self._unit_name, 1)
        unit_row.addWidget(self._change_unit, 0)
        self._status = label()
        self._status.setObjectName("code-status")
        self._submit = button("primary")
        self._submit.setObjectName("code-submit")
        self._submit.clicked.connect(self.submit_requested)
        # Clear throws away every digit: beside the code it clears, not on the keypad beside the 0 a finger aims
        # at (the keypad has no spare height for a row of its own on a 1366 x 768 panel).
        self._clear = button()
        self._clear.setObjectName("key-clear")
        self._clear.clicked.connect(self.clear_requested)
        self._clear_row = QWidget()
        clear_row = QHBoxLayout(self._clear_row)
        clear_row.setContentsMargins(0, 0, 0, 0)
        clear_row.setSpacing(16)
        # What is still missing beside it, in the one row: on a 1366 x 768 panel with large text, the code, the
        # unit and the keys have no height to spare.
        clear_row.addWidget(self._status, 1)
        clear_row.addWidget(self._clear, 0, Qt.AlignmentFlag.AlignTop)
        self._reading = reading = column(
            self._prompt,
            self._where,
            self._scan_hint,
            self._code,
            self._clear_row,
            self._unit_row,
            spacing=16,
        )

        # Step 1: the kiosk's units, one tap each, and "another unit".
        self._units_heading = label("heading")
        self._unit_grid = QGridLayout()
        self._unit_grid.setSpacing(12)
        for i in range(_UNIT_COLUMNS):
            self._unit_grid.setColumnStretch(i, 1)
        self._other_unit = button()
        self._other_unit.setObjectName("unit-other")
        self._other_unit.clicked.connect(self.other_unit_requested)
        self._choose = self._page(self._units_heading, self._unit_grid, self._other_unit)

        # Step 1, another unit: its code on a keyboard of capital letters and digits.
        self._keyboard_heading = label("heading")
        self._keyboard = VietnameseKeyboard(tr, code_mode=True)
        self._keyboard.key_pressed.connect(self._keyboard_key)
        mark_main_action(self._keyboard)
        self._unit_list = button()
        self._unit_list.setObjectName("unit-list")
        self._unit_list.clicked.connect(self.change_unit_requested)
        # The list again is pinned below the pages with Look up: the keyboard takes the height there is.
        self._type_unit = self._page(self._keyboard_heading, self._keyboard)

        # Step 2: the 7 digits.
        self._digits_heading = label("heading")
        keys = QGridLayout()
        keys.setSpacing(10)
        digit_keys = [self._key(digit) for digit in "123456789"]
        for i, key in enumerate(digit_keys):
            keys.addWidget(key, i // 3, i % 3)
        self._delete = button("key")
        self._delete.setObjectName("key-delete")
        self._delete.clicked.connect(self.delete_requested)
        # 0 two keys wide and Delete beside it; Clear sits by the code instead (see above).
        zero = self._key("0")
        keys.addWidget(zero, 3, 0, 1, 2)
        keys.addWidget(self._delete, 3, 2)
        self._keys_grid = keys
        self._keys = [*digit_keys, zero, self._delete]
        # The keys are what the customer came to touch: wholly in view on the first page, whatever the panel.
        mark_main_action(*self._keys)
        self._number = self._page(self._digits_heading, keys)

        self._pad = pad = QWidget()
        pad_layout = QVBoxLayout(pad)
        pad_layout.setContentsMargins(0, 0, 0, 0)
        for page in (self._choose, self._type_unit, self._number):
            pad_layout.addWidget(page)
        pad_layout.addStretch()

        self._halves = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._halves.setSpacing(32)
        self._halves.addWidget(reading)
        self._halves.addWidget(pad)
        self._halves.addStretch()
        self._arrange(side_by_side=False)
        self._outer = QVBoxLayout(self)
        # Little above and below: on a 1366 x 768 panel the keypad takes every pixel of the height there is.
        # And little at the sides: with the largest text, the code and the keys only just fit beside each other.
        self._outer.setContentsMargins(40, 16, 40, 12)
        self._outer.addLayout(self._halves)
        # Look up, below the pages: in view beside the keys whatever room the code and the keys take.
        self.pin(self._unit_list, self._submit)
        self.retranslate()

    @staticmethod
    def _page(heading: QWidget, keys: QWidget | QGridLayout, below: QPushButton | None = None) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        box.addWidget(heading)
        if isinstance(keys, QGridLayout):
            box.addLayout(keys)
        else:
            box.addWidget(keys)
        if below is not None:
            box.addWidget(below)
        return page

    def _key(self, digit: str) -> QPushButton:
        key = button("key")
        key.setObjectName(f"key-{digit}")
        key.setText(digit)
        key.clicked.connect(lambda _=False, d=digit: self.digit_pressed.emit(d))
        return key

    def _keyboard_key(self, key: str) -> None:
        if key == BACKSPACE:
            self.delete_requested.emit()
        else:
            self.unit_key_pressed.emit(key)

    def _arrange(self, *, side_by_side: bool) -> None:
        """Side by side, the keys get the wider half; one above the other, the spare height goes below both."""
        if side_by_side:
            self._halves.setDirection(QBoxLayout.Direction.LeftToRight)
            stretches = (4, 6, 0)
        else:
            self._halves.setDirection(QBoxLayout.Direction.TopToBottom)
            stretches = (0, 0, 1)
        for index, stretch in enumerate(stretches):
            self._halves.setStretch(index, stretch)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # By the window's width, not this screen's: side by side, the screen is at least as wide as both halves
        # need, so a panel turned to portrait would never be narrow enough here to stack them again.
        # And only if both halves fit beside each other: with the largest text, the keys alone are wider than
        # half a 1366 px panel. The digit keys at their own width, not their minimum: the style sheet's min-width
        # lets a layout squeeze a key below its label ("Xóa hết" cut to "Xóa h"). Whichever step is showing, so
        # that the screen keeps one arrangement from the unit to the digits.
        window = self.window()
        width = window.width() if window is not self else event.size().width()
        margins = self._outer.contentsMargins()
        pad = max(self._pad.minimumSizeHint().width(), self._number.sizeHint().width())
        both = self._reading.minimumSizeHint().width() + pad
        needed = both + self._halves.spacing() + margins.left() + margins.right() + self._scroll_bar_width()
        wide = width >= max(_SIDE_BY_SIDE_PX, needed)
        if wide != (self._halves.direction() == QBoxLayout.Direction.LeftToRight):
            self._arrange(side_by_side=wide)
        super().resizeEvent(event)

    def fit_to_view(self) -> None:
        # After every relayout too: a new text size re-polishes the keys to their full height.
        self._fit_letter_keys()
        self._fit_digit_keys()

    def _room_below_code(self) -> int | None:
        """The height in view for a step's keys and their heading, or None before the screen is in view."""
        view = self.view_height()
        if view is None:
            return None
        margins = self._outer.contentsMargins()
        room = view - margins.top() - margins.bottom()
        if self._halves.direction() == QBoxLayout.Direction.TopToBottom:
            room -= height_at_width(self._reading) + self._halves.spacing()
        return room

    def _fit_letter_keys(self) -> None:
        """The letter keys cannot be shorter than they are: their heading gives way when they would not be in
        view with it (large text on a 1366 x 768 panel); the words under the code say what to type then."""
        room = self._room_below_code()
        if room is None or not self._type_unit.isVisibleTo(self):
            return
        box = self._type_unit.layout()
        heading = height_at_width(self._keyboard_heading) + (box.spacing() if box is not None else 0)
        with_heading = room >= heading + self._keyboard.sizeHint().height()
        if with_heading != self._keyboard_heading.isVisibleTo(self._type_unit):
            self._keyboard_heading.setVisible(with_heading)

    def _fit_digit_keys(self) -> None:
        """The digit keys as tall as the style makes them when the room in view allows, shorter (never below a
        touch target) when it does not: with large text on a 1366 x 768 panel, four rows of keys at their full
        height are taller than the room there is, and the keys must be wholly in view without turning a page."""
        room = self._room_below_code()
        if room is None or not self._number.isVisibleTo(self):
            return
        box = self._number.layout()
        heading = height_at_width(self._digits_heading) + (box.spacing() if box is not None else 0)
        rows = self._keys_grid.rowCount()

        def per_row(height: int) -> int:
            return (height - self._keys_grid.verticalSpacing() * (rows - 1)) // rows

        natural = max(key.sizeHint().height() for key in self._keys)
        # The heading over the keys only where it leaves them a comfortable height: without it, the words under
        # the code still say how many digits are missing.
        with_heading = per_row(room - heading) >= min(natural, round(MIN_TOUCH_PX * 1.25))
        if with_heading != self._digits_heading.isVisibleTo(self._number):
            self._digits_heading.setVisible(with_heading)
        height = per_row(room - heading if with_heading else room)
        for key in self._keys:
            fitted = max(MIN_TOUCH_PX, min(key.sizeHint().height(), height))
            if key.minimumHeight() != fitted or key.maximumHeight() != fitted:
                key.setFixedHeight(fitted)

    def _scroll_bar_width(self) -> int:
        """The width the frame's scroll bar takes from this screen, when it shows (the screen is taller than the
        panel): side by side, the halves must fit beside it."""
        viewport = self.parentWidget()
        area = viewport.parentWidget() if viewport is not None else None
        if isinstance(area, QScrollArea) and area.verticalScrollBar().isVisible():
            return area.verticalScrollBar().width()
        return 0

    def set_scanner(self, present: bool) -> None:
        """Whether this kiosk has a barcode scanner: the screen says where to hold the bill only when it has."""
        self._scanner = present
        self._refresh()

    def title(self) -> str:
        return self._tr._("enter_code.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, EnterCode):
            self._state = state
            self._refresh()

    def clear(self) -> None:
        self._state = EnterCode(units=self._state.units)
        self._refresh()

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("enter_code.prompt"))
        self._where.setText(tr._("enter_code.where"))
        self._scan_hint.setText(tr._("enter_code.scan_hint"))
        self._units_heading.setText(tr._("enter_code.units"))
        self._other_unit.setText(tr._("enter_code.other_unit"))
        self._keyboard_heading.setText(tr._("enter_code.unit_keyboard"))
        self._unit_list.setText(tr._("enter_code.unit_list"))
        self._keyboard.retranslate()
        self._digits_heading.setText(tr._("enter_code.digits"))
        self._change_unit.setText(tr._("enter_code.change_unit"))
        self._delete.setText(tr._("enter_code.delete"))
        self._clear.setText(tr._("enter_code.clear"))
        self._submit.setText(tr._("enter_code.submit"))
        self._refresh()

    def _show_units(self, units: tuple[UnitChoice, ...]) -> None:
        """One button per unit the kiosk serves: its name as its bills print it, its code beneath."""
        if units == self._shown_units:
            return
        self._shown_units = units
        clear_layout(self._unit_grid)
        for i, unit in enumerate(units):
            choice = RowButton(f"unit-{unit.code}")
            # Tight: eight units and "another unit" must fit a 1366 x 768 panel without scrolling.
            choice.grid.setContentsMargins(16, 6, 16, 6)
            choice.grid.setVerticalSpacing(0)
            name = label("choice")
            name.setText(unit.name)
            code = label("muted", data=True)
            code.setText(unit.code)
            choice.put(name, 0, 0)
            choice.put(code, 1, 0)
            choice.setAccessibleName(f"{unit.name}, {unit.code}")
            choice.clicked.connect(lambda _=False, c=unit.code: self.unit_chosen.emit(c))
            if i == 0:
                # The first unit of the list in view (the rest may be a page on, with the largest text).
                mark_main_action(choice)
            self._unit_grid.addWidget(choice, i // _UNIT_COLUMNS, i % _UNIT_COLUMNS)
        show_all(self._unit_grid)

    def _refresh(self) -> None:
        tr, state = self._tr, self._state
        step = state.step
        self._show_units(state.units)
        self._choose.setVisible(step is EntryStep.UNIT)
        self._type_unit.setVisible(step is EntryStep.UNIT_KEYBOARD)
        self._number.setVisible(step is EntryStep.NUMBER)
        self._unit_list.setVisible(step is EntryStep.UNIT_KEYBOARD and bool(state.units))
        # One decision at a time: the format hint where it helps, while choosing a unit (once it is typed, the
        # words under the code say the same of the unit).
        self._where.setVisible(step is EntryStep.UNIT)
        # The keys' own heading says what to type: the room goes to the keys.
        self._prompt.setVisible(step is EntryStep.UNIT)
        self._scan_hint.setVisible(self._scanner and not state.digits and not state.unit)
        self._submit.setVisible(step is EntryStep.NUMBER)
        bar = self.pinned_actions()
        # No empty bar while a unit is being chosen (and never shown as a window of its own before the frame
        # has taken it).
        pinned = step is EntryStep.NUMBER or (step is EntryStep.UNIT_KEYBOARD and bool(state.units))
        if bar is not None and (bar.parentWidget() is not None or not pinned):
            bar.setVisible(pinned)
        self._code.setText(shown_code(state.unit, state.digits))
        # The unit's name when it is one of the kiosk's, so that the customer sees the choice was theirs.
        name = state.unit_name or state.unit
        self._unit_name.setText(tr._("enter_code.unit_name", name=name))
        self._unit_row.setVisible(step is EntryStep.NUMBER)
        self._clear.setVisible(step is EntryStep.NUMBER)
        check = check_code(state.typed)
        status, problem = self._status_text(state, check.problem, check.unit_missing, check.digits_missing)
        self._status.setText(status)
        self._status.setProperty("role", "notice" if problem else "")
        self._status.style().unpolish(self._status)
        self._status.style().polish(self._status)
        self._submit.setEnabled(check.complete)
        self.setAccessibleDescription(status)

    def _status_text(
        self, state: EnterCode, problem: CodeProblem | None, unit_missing: int, digits_missing: int
    ) -> tuple[str, bool]:
        """What to say under the code, and whether it is a problem to fix rather than progress."""
        tr = self._tr
        match state.step:
            case EntryStep.UNIT:
                return tr._("enter_code.status.choose_unit"), False
            case EntryStep.UNIT_KEYBOARD if not state.unit:
                return tr._("enter_code.status.type_unit"), False
            case EntryStep.UNIT_KEYBOARD if problem is CodeProblem.UNIT_INCOMPLETE or problem is None:
                return tr.ngettext("enter_code.status.unit_missing", unit_missing, n=unit_missing), False
            case EntryStep.UNIT_KEYBOARD:
                # Not the start of any unit code (PZ..., X...): say how one starts, and how to fix it.
                return tr._("enter_code.status.not_a_unit", button=tr._("keyboard.backspace")), True
        if problem is None:
            return tr._("enter_code.status.complete"), False
        return tr.ngettext("enter_code.status.digits_missing", digits_missing, n=digits_missing), False
