"""The on-screen keyboard for names, addresses and codes: every Vietnamese letter is a visible key, and five
labelled tone keys put a tone on the word just typed (see ``docs/typing.md`` for why not Qt Virtual Keyboard).

The keyboard only emits keys (:data:`key_pressed`, in the vocabulary of :func:`kiosk.language.tone_marks.press`); the
screen that shows it keeps the text, applies the keys and tells the keyboard the new text
(:meth:`VietnameseKeyboard.set_text_context`) so that it can capitalise the first letter of a word.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QMargins, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.language.catalogs import N_, Translator
from kiosk.language.tone_marks import BACKSPACE, SPACE, Tone
from kiosk.views.parts.widgets import button, label

DIGITS: Final = "1234567890"
LETTER_ROWS: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
VIETNAMESE_LETTERS: Final = "ăâđêôơư"
# The name in the key's objectName ("kb-comma": "kb-," would be hard to read), what it types, and the msgid of
# its name for a screen reader.
PUNCTUATION: Final = {
    "comma": (",", N_("keyboard.comma")),
    "hyphen": ("-", N_("keyboard.hyphen")),
    "slash": ("/", N_("keyboard.slash")),
    "period": (".", N_("keyboard.period")),
    "at": ("@", N_("keyboard.at")),  # forms ask for an e-mail address too
}
# (tone, the example letter on its key, its name on the key, its name for a screen reader)
TONE_KEYS: Final = (
    (Tone.ACUTE, "á", N_("keyboard.tone.acute"), N_("keyboard.tone.acute.name")),
    (Tone.GRAVE, "à", N_("keyboard.tone.grave"), N_("keyboard.tone.grave.name")),
    (Tone.HOOK, "ả", N_("keyboard.tone.hook"), N_("keyboard.tone.hook.name")),
    (Tone.TILDE, "ã", N_("keyboard.tone.tilde"), N_("keyboard.tone.tilde.name")),
    (Tone.DOT, "ạ", N_("keyboard.tone.dot"), N_("keyboard.tone.dot.name")),
)

# Rows are laid out on a grid of half-key columns, as on a typewriter: a key spans two columns, and a row with
# fewer keys starts one or three columns in. The bottom row has its own grid: wider keys with words on them.
_COLUMNS = 20
_KEY_SPAN = 2
_SPACING = 8
# Bottom row, in half-keys: Shift, comma, space, hyphen, slash, period, Delete.
_BOTTOM_SPANS = (6, 2, 5, 2, 2, 2, 4)
# On a landscape panel, keys as wide as a tenth of the screen would look like bars and spread a word over an
# arm's length: the keys keep to this width, centred.
MAX_WIDTH_PX = 1440


class _ToneKey(QPushButton):
    """A tone key: a large example letter with the mark ("á") beside the tone's name in smaller text ("sắc").

    Two sizes of text need two labels (which let touches through to the key); the key is sized by them, since a
    QPushButton without text of its own would not be."""

    def __init__(self, tone: Tone, example: str) -> None:
        super().__init__()
        self.setObjectName(f"kb-tone-{tone.value}")
        self.setProperty("role", "kb-tone")
        self.mark = label("kb-mark", wrap=False, data=True)
        self.mark.setText(example)
        self.name = label("kb-name", wrap=False)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(8, 0, 8, 0)
        self._row.setSpacing(12)
        self._row.addStretch()
        for text in (self.mark, self.name):
            text.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._row.addWidget(text, 0, Qt.AlignmentFlag.AlignVCenter)
        self._row.addStretch()

    def sizeHint(self) -> QSize:
        return super().sizeHint().expandedTo(self._row.totalSizeHint())

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(self._row.totalMinimumSize())


class VietnameseKeyboard(QWidget):
    """Letter, digit, tone and editing keys, emitting :data:`key_pressed` in :mod:`kiosk.language.tone_marks`'s key
    vocabulary: a character (already upper case when it should be), ``"space"``, ``"backspace"`` or
    ``"tone:<tone>"``.

    Shift capitalises the next letter only, and its key says in words whether it is on; the letter keys show
    the case they will type. With :meth:`set_auto_capital`, the first letter of every word is capitalised
    (names, addresses), and Shift can still turn that off for one letter.

    ``code_mode=True`` is for codes printed on paper ("YC7K3M9PQ2"): digits and capital A-Z, and Delete.

    Keys do not take the keyboard focus, so that the text field the screen shows keeps its cursor."""

    key_pressed = Signal(str)

    def __init__(self, tr: Translator, *, code_mode: bool = False) -> None:
        super().__init__()
        self.setObjectName("keyboard")
        self._tr = tr
        self.code_mode = code_mode
        self._shift = False
        self._shift_is_automatic = False
        self._auto_capital = False
        self._text: str | None = None
        self._letters: dict[str, QPushButton] = {}
        self._digits: dict[str, QPushButton] = {}
        self._punctuation: dict[str, QPushButton] = {}
        self._tones: dict[Tone, _ToneKey] = {}

        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(_SPACING)
        grid = QGridLayout()
        grid.setSpacing(_SPACING)
        for column in range(_COLUMNS):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)

        rows: list[str] = [DIGITS, *LETTER_ROWS] if code_mode else [DIGITS, *LETTER_ROWS, VIETNAMESE_LETTERS]
        for row, keys in enumerate(rows):
            first = (_COLUMNS - _KEY_SPAN * len(keys)) // 2
            for i, char in enumerate(keys):
                key = self._character_key(char)
                grid.addWidget(key, row, first + i * _KEY_SPAN, 1, _KEY_SPAN)
        if not code_mode:
            # "@" after the Vietnamese letters, where the row has room.
            first = (_COLUMNS - _KEY_SPAN * len(VIETNAMESE_LETTERS)) // 2
            at = self._punctuation_key("at")
            grid.addWidget(at, len(rows) - 1, first + len(VIETNAMESE_LETTERS) * _KEY_SPAN, 1, _KEY_SPAN)

        self._backspace = self._word_key("kb-backspace", BACKSPACE)
        self._shift_key: QPushButton | None = None
        self._space: QPushButton | None = None
        if code_mode:
            # Delete at the end of the Z row: a code has no spaces or punctuation to need a bottom row.
            last = len(rows) - 1
            grid.addWidget(self._backspace, last, _COLUMNS - 3, 1, 3)
        else:
            self._shift_key = self._word_key("kb-shift", "")
            self._shift_key.setCheckable(True)
            self._shift_key.clicked.connect(self._toggle_shift)
            self._space = self._word_key("kb-space", SPACE)
            tone_row = len(rows)
            span = _COLUMNS // len(TONE_KEYS)
            for i, (tone, example, _, _) in enumerate(TONE_KEYS):
                grid.addWidget(self._tone_key(tone, example), tone_row, i * span, 1, span)
            bottom = QGridLayout()
            bottom.setSpacing(_SPACING)
            for column in range(sum(_BOTTOM_SPANS)):
                bottom.setColumnStretch(column, 1)
            keys_in_bottom_row: list[QPushButton] = [
                self._shift_key,
                self._punctuation_key("comma"),
                self._space,
                self._punctuation_key("hyphen"),
                self._punctuation_key("slash"),
                self._punctuation_key("period"),
                self._backspace,
            ]
            column = 0
            for key, key_span in zip(keys_in_bottom_row, _BOTTOM_SPANS, strict=True):
                bottom.addWidget(key, 0, column, 1, key_span)
                column += key_span
            layout.addLayout(bottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.retranslate()

    # ------------------------------------------------------------------ building
    def _key(self, name: str, role: str, typed: str) -> QPushButton:
        key = button(role)
        key.setObjectName(name)
        # A key must not take the focus from the text field; touch screens have no Tab key to need it.
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Width comes from the grid's columns, the same for every key of a row, whatever its label.
        key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        if typed:
            key.clicked.connect(lambda _=False, k=typed: self.key_pressed.emit(k))
        return key

    def _character_key(self, char: str) -> QPushButton:
        if char.isdigit():
            key = self._key(f"kb-{char}", "kb-key", char)
            key.setText(char)
            self._digits[char] = key
        else:
            key = self._key(f"kb-{char}", "kb-key", "")
            key.clicked.connect(lambda _=False, c=char: self._type_letter(c))
            self._letters[char] = key
        key.setProperty("data", True)  # a letter or digit as it is, nothing to translate
        return key

    def _word_key(self, name: str, typed: str) -> QPushButton:
        return self._key(name, "kb-word", typed)

    def _punctuation_key(self, name: str) -> QPushButton:
        char, _ = PUNCTUATION[name]
        key = self._key(f"kb-{name}", "kb-key", char)
        key.setText(char)
        key.setProperty("data", True)
        self._punctuation[name] = key
        return key

    def _tone_key(self, tone: Tone, example: str) -> QPushButton:
        key = _ToneKey(tone, example)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        key.clicked.connect(lambda _=False, t=tone: self.key_pressed.emit(t.key))
        self._tones[tone] = key
        return key

    def resizeEvent(self, event: QResizeEvent) -> None:
        spare = max(0, event.size().width() - MAX_WIDTH_PX)
        margins = QMargins(spare // 2, 0, spare - spare // 2, 0)
        if margins != self._layout.contentsMargins():
            self._layout.setContentsMargins(margins)
            self._layout.activate()  # now, not on the next pass of the event loop: the keys are where they are
        super().resizeEvent(event)

    # ------------------------------------------------------------------ state
    @property
    def shift(self) -> bool:
        """Whether the next letter will be a capital (Shift touched, or the start of a word with auto-capital)."""
        return self._shift

    def set_auto_capital(self, on: bool) -> None:
        """Capitalise the first letter of the text and of every word after a space (names, addresses)."""
        self._auto_capital = on and not self.code_mode
        if self._auto_capital:
            text, self._text = self._text, None
            self.set_text_context(text or "")
        elif self._shift_is_automatic:
            self._set_shift(False)

    def set_text_context(self, text: str) -> None:
        """The text as it is now; the screen calls this after every change (and with "" when it starts).

        With auto-capital on, an empty text or one ending in a space turns Shift on, and a text ending
        otherwise turns that automatic Shift off again; Shift touched by the customer stays as they left it
        until a letter is typed."""
        if text == self._text:
            return
        self._text = text
        if not self._auto_capital:
            return
        word_starts = not text or text.endswith(" ")
        if word_starts and not self._shift:
            self._set_shift(True, automatic=True)
        elif not word_starts and self._shift and self._shift_is_automatic:
            self._set_shift(False)

    def _toggle_shift(self) -> None:
        self._set_shift(not self._shift)

    def _set_shift(self, on: bool, *, automatic: bool = False) -> None:
        self._shift = on and not self.code_mode
        self._shift_is_automatic = self._shift and automatic
        self._refresh()

    def _type_letter(self, char: str) -> None:
        typed = char.upper() if self._shift or self.code_mode else char
        # One-shot: off before the screen hears the key, so that the set_text_context() it calls while handling
        # the key decides from the new text.
        self._set_shift(False)
        self.key_pressed.emit(typed)

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        tr = self._tr
        for char, key in self._digits.items():
            key.setAccessibleName(tr._("keyboard.digit", digit=char))
        for name, key in self._punctuation.items():
            key.setAccessibleName(tr._(PUNCTUATION[name][1]))
        for tone, _, shown_name, spoken_name in TONE_KEYS:
            if tone in self._tones:  # not in code mode
                self._tones[tone].name.setText(tr._(shown_name))
                self._tones[tone].setAccessibleName(tr._(spoken_name))
        if self._space is not None:
            self._space.setText(tr._("keyboard.space"))
            self._space.setAccessibleName(tr._("keyboard.space"))
        self._backspace.setText(tr._("keyboard.backspace"))
        self._backspace.setAccessibleName(tr._("keyboard.backspace.name"))
        self._refresh()

    def _refresh(self) -> None:
        tr = self._tr
        capital = self._shift or self.code_mode
        for char, key in self._letters.items():
            shown = char.upper() if capital else char
            key.setText(shown)
            key.setAccessibleName(tr._("keyboard.letter", letter=shown))
        if self._shift_key is not None:
            # The state in words, not only in the key's colour.
            shift_text = tr._("keyboard.shift.on") if self._shift else tr._("keyboard.shift")
            self._shift_key.setText(shift_text)
            self._shift_key.setAccessibleName(shift_text)
            self._shift_key.setChecked(self._shift)
