"""The code on a request slip, typed on a keyboard of large keys (digits, then the letters in alphabetical
order: many customers have never used a typewriter layout) or read from the slip's QR by the scanner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import TrackProblem, TrackRequest
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, column, label

_KEYS_PER_ROW = 10
_KEY_PADDING = "QPushButton[role='key'] { padding: 0px; }"
_ROWS = ("1234567890", "ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZ")
_EMPTY = "_ _ _ _ _ _ _ _ _ _"
_PROBLEMS = {
    TrackProblem.NOT_FOUND: N_("track_request.not_found"),
    TrackProblem.NOT_A_SLIP: N_("track_request.not_a_slip"),
}


class TrackRequestScreen(Screen):
    key_pressed = Signal(str)
    submit_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state = TrackRequest()
        self._prompt = label("heading")
        self._where = label("muted")
        self._code = label("code", wrap=False, data=True)
        self._code.setObjectName("track-code")
        self._code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._problem = label("notice")
        self._problem.setObjectName("track-problem")
        self._submit = button("primary")
        self._submit.setObjectName("track-submit")
        self._submit.clicked.connect(self.submit_requested)
        self._scan = label("muted")

        keys = QGridLayout()
        keys.setSpacing(10)
        for row, characters in enumerate(_ROWS):
            for col, character in enumerate(characters):
                keys.addWidget(self._key(character, character), row, col)
        # The correcting keys, in words, on a row of their own, each half the keyboard wide.
        self._backspace = self._key("backspace", "", role="")
        self._clear = self._key("clear", "", role="")
        half = _KEYS_PER_ROW // 2
        keys.addWidget(self._backspace, len(_ROWS), 0, 1, half)
        keys.addWidget(self._clear, len(_ROWS), half, 1, half)
        for col in range(_KEYS_PER_ROW):
            keys.setColumnStretch(col, 1)
        keys.setRowStretch(len(_ROWS) + 1, 1)  # spare height below the keys, not between them
        pad = QWidget()
        pad.setLayout(keys)
        # Ten keys to a row must fit a portrait panel: the theme's side padding would make them too wide to, and
        # a single character needs none. Only the padding is changed; sizes and colours stay the theme's.
        pad.setStyleSheet(_KEY_PADDING)
        keys.setContentsMargins(0, 0, 0, 0)

        reading = column(self._prompt, self._where, self._code, self._problem, self._scan, spacing=20)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(Columns(reading, pad, stretch=(4, 6)))
        self.pin(self._submit)
        self.retranslate()

    def _key(self, key: str, text: str, *, role: str = "key") -> QPushButton:
        widget = button(role)
        widget.setObjectName(f"track-key-{key}")
        if text:
            widget.setText(text)
            widget.setProperty("data", True)
        widget.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
        return widget

    def title(self) -> str:
        return self._tr._("track_request.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, TrackRequest):
            self._state = state
            self._refresh()

    def clear(self) -> None:
        self._state = TrackRequest()
        self._refresh()

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("track_request.prompt"))
        self._where.setText(tr._("track_request.where"))
        self._submit.setText(tr._("track_request.submit"))
        self._scan.setText(tr._("track_request.scan"))
        self._backspace.setText(tr._("track_request.backspace"))
        self._clear.setText(tr._("track_request.clear"))
        self._refresh()

    def _refresh(self) -> None:
        state = self._state
        self._code.setText(state.typed or _EMPTY)
        problem = state.problem
        self._problem.setVisible(problem is not None)
        self._problem.setText(self._tr._(_PROBLEMS[problem]) if problem is not None else "")
        self._submit.setEnabled(bool(state.typed))
        self.setAccessibleDescription(self._problem.text())
