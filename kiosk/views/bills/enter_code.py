"""The customer-code keypad: the two letters as chips tapped once, digits below, the code shown large in the
groups it is printed in on the bill, and what is still missing said in words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.customer.code import DIGITS, PREFIXES, check_code, group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, column, label

_CHIPS_PER_ROW = 6
_MISSING = "_"


def shown_code(prefix: str, digits: str) -> str:
    """The code as typed so far, with a mark for every character still to come, in the bill's groups."""
    letters = prefix or _MISSING * 2
    return group_code(letters + digits + _MISSING * (DIGITS - len(digits)))


class EnterCodeScreen(Screen):
    prefix_chosen = Signal(str)
    digit_pressed = Signal(str)
    delete_requested = Signal()
    clear_requested = Signal()
    submit_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state = EnterCode()
        self._prompt = label("heading")
        self._where = label("muted")
        self._code = label("code", wrap=False, data=True)
        self._code.setObjectName("code-display")
        self._code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._status = label()
        self._status.setObjectName("code-status")
        self._submit = button("primary")
        self._submit.setObjectName("code-submit")
        self._submit.clicked.connect(self.submit_requested)

        self._letters_heading = label("heading")
        self._chips: dict[str, QPushButton] = {}
        chips = QGridLayout()
        chips.setSpacing(12)
        for i, prefix in enumerate(PREFIXES):
            chip = button("chip")
            chip.setObjectName(f"prefix-{prefix}")
            chip.setText(prefix)
            chip.setProperty("data", True)
            chip.setCheckable(True)
            # The flow decides what is chosen; a tap only asks.
            chip.clicked.connect(lambda _=False, p=prefix: self.prefix_chosen.emit(p))
            self._chips[prefix] = chip
            chips.addWidget(chip, i // _CHIPS_PER_ROW, i % _CHIPS_PER_ROW)
        self._digits_heading = label("heading")
        keys = QGridLayout()
        keys.setSpacing(12)
        for i, digit in enumerate("123456789"):
            keys.addWidget(self._key(digit), i // 3, i % 3)
        self._delete = button("key")
        self._delete.setObjectName("key-delete")
        self._delete.clicked.connect(self.delete_requested)
        self._clear = button("key")
        self._clear.setObjectName("key-clear")
        self._clear.clicked.connect(self.clear_requested)
        keys.addWidget(self._clear, 3, 0)
        keys.addWidget(self._key("0"), 3, 1)
        keys.addWidget(self._delete, 3, 2)

        pad = QWidget()
        pad_layout = QVBoxLayout(pad)
        pad_layout.setContentsMargins(0, 0, 0, 0)
        pad_layout.setSpacing(16)
        pad_layout.addWidget(self._letters_heading)
        pad_layout.addLayout(chips)
        pad_layout.addSpacing(8)
        pad_layout.addWidget(self._digits_heading)
        pad_layout.addLayout(keys)

        reading = column(self._prompt, self._where, self._code, self._status, self._submit, spacing=20)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(Columns(reading, pad, stretch=(5, 6)))
        self.retranslate()

    def _key(self, digit: str) -> QPushButton:
        key = button("key")
        key.setObjectName(f"key-{digit}")
        key.setText(digit)
        key.clicked.connect(lambda _=False, d=digit: self.digit_pressed.emit(d))
        return key

    def title(self) -> str:
        return self._tr._("enter_code.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, EnterCode):
            self._state = state
            self._refresh()

    def clear(self) -> None:
        self._state = EnterCode()
        self._refresh()

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("enter_code.prompt"))
        self._where.setText(tr._("enter_code.where"))
        self._letters_heading.setText(tr._("enter_code.letters"))
        self._digits_heading.setText(tr._("enter_code.digits"))
        self._delete.setText(tr._("enter_code.delete"))
        self._clear.setText(tr._("enter_code.clear"))
        self._submit.setText(tr._("enter_code.submit"))
        self._refresh()

    def _refresh(self) -> None:
        tr = self._tr
        prefix, digits = self._state.prefix, self._state.digits
        self._code.setText(shown_code(prefix, digits))
        for chip_prefix, chip in self._chips.items():
            chip.setChecked(chip_prefix == prefix)
        check = check_code(prefix + digits)
        if check.complete:
            status = tr._("enter_code.status.complete")
        elif not prefix and digits:
            status = tr._("enter_code.status.letters_first")
        elif not prefix:
            status = tr._("enter_code.status.start")
        else:
            status = tr.ngettext(
                "enter_code.status.digits_missing", check.digits_missing, n=check.digits_missing
            )
        self._status.setText(status)
        self._status.setProperty("role", "notice" if not prefix and digits else "")
        self._status.style().unpolish(self._status)
        self._status.style().polish(self._status)
        self._submit.setEnabled(check.complete)
        self.setAccessibleDescription(status)
