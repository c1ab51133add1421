"""A numeric keypad, for what has only digits (a phone number, a meter reading): 1-9 in three rows as on a
phone, then 0 (two keys wide) and Delete; Clear, which throws away everything typed, in a row of its own below
Delete, away from the 0 a finger aims at, as on the customer-code screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kiosk.language.catalogs import Translator
from kiosk.language.tone_marks import BACKSPACE, CLEAR
from kiosk.views.parts.widgets import button


class Keypad(QWidget):
    """Emits :data:`key_pressed` with ``"0"`` to ``"9"``, ``"backspace"`` or ``"clear"`` (the key vocabulary of
    :func:`kiosk.language.tone_marks.press`, so a screen can apply either keyboard's keys the same way).

    Keys do not take the keyboard focus, so that the text field the screen shows keeps its cursor."""

    key_pressed = Signal(str)

    def __init__(self, tr: Translator) -> None:
        super().__init__()
        self.setObjectName("keypad")
        self._tr = tr
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        for column in range(3):
            grid.setColumnStretch(column, 1)  # columns of equal width, whatever the words on Delete and Clear
        self._digits: dict[str, QPushButton] = {}
        for i, digit in enumerate("1234567890"):
            key = self._key(f"pad-{digit}", digit)
            key.setText(digit)
            key.setProperty("data", True)
            self._digits[digit] = key
            if digit != "0":
                grid.addWidget(key, i // 3, i % 3)
        self._clear = self._key("pad-clear", CLEAR)
        self._clear.setProperty(
            "role", ""
        )  # an ordinary button, not a key: it is not typed, and needs less height
        self._backspace = self._key("pad-backspace", BACKSPACE)
        grid.addWidget(self._digits["0"], 3, 0, 1, 2)
        grid.addWidget(self._backspace, 3, 2)
        grid.addWidget(self._clear, 4, 2)
        self.retranslate()

    def _key(self, name: str, typed: str) -> QPushButton:
        key = button("key")
        key.setObjectName(name)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        key.clicked.connect(lambda _=False, k=typed: self.key_pressed.emit(k))
        return key

    def retranslate(self) -> None:
        tr = self._tr
        for digit, key in self._digits.items():
            key.setAccessibleName(tr._("keyboard.digit", digit=digit))
        self._clear.setText(tr._("keypad.clear"))
        self._clear.setAccessibleName(tr._("keypad.clear.name"))
        self._backspace.setText(tr._("keypad.delete"))
        self._backspace.setAccessibleName(tr._("keypad.delete.name"))
