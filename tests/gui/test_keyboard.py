"""The on-screen keyboard and keypad, driven only by simulated touches on their keys: names and addresses typed
with tones, Shift and automatic capitals, codes, and keys a finger can hit at both panel orientations."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QRawFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.assets import FONT_FILES
from kiosk.flows.session import TextSize
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.language.tone_marks import press
from kiosk.views.panels import LANDSCAPE, PORTRAIT
from kiosk.views.parts.keyboard import VietnameseKeyboard
from kiosk.views.parts.keypad import Keypad
from kiosk.views.theme import MIN_TOUCH_PX, Look, load_fonts, stylesheet
from tests.helpers.widgets import tap, visible_widgets

MIN_TEXT_PX = 24
MARGINS_PX = 2 * 48
SIZES = {"portrait": PORTRAIT, "landscape": LANDSCAPE}


class Typist:
    """What a screen does with a keyboard: keeps the text, applies each key, tells the keyboard the new text."""

    def __init__(self, keyboard: VietnameseKeyboard | Keypad) -> None:
        self.text = ""
        self.keyboard = keyboard
        keyboard.key_pressed.connect(self._apply)
        if isinstance(keyboard, VietnameseKeyboard):
            keyboard.set_text_context(self.text)

    def _apply(self, key: str) -> None:
        self.text = press(self.text, key)
        if isinstance(self.keyboard, VietnameseKeyboard):
            self.keyboard.set_text_context(self.text)


class Panel(QWidget):
    """A stand-in for the kiosk's window: the app's style sheet and the keyboard across a screen's width."""

    def __init__(self, keyboard: QWidget, *, width: int, large_text: bool) -> None:
        super().__init__()
        self.setObjectName("screen")  # the screens' background
        self.setStyleSheet(stylesheet(Look(TextSize.LARGE if large_text else TextSize.NORMAL)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(keyboard)
        layout.addStretch()
        self.resize(width - MARGINS_PX, 1200)


Build = Callable[..., tuple[VietnameseKeyboard, Typist]]


@pytest.fixture
def fonts(qapp: QApplication) -> None:
    load_fonts()


@pytest.fixture
def build(qtbot: QtBot, fonts: None) -> Build:
    panels: list[Panel] = []  # qtbot closes them after the test, but only holds them weakly

    def build(
        *,
        tr: Translator | None = None,
        language: Language = "vi",
        code_mode: bool = False,
        width: int = PORTRAIT[0],
        large_text: bool = False,
    ) -> tuple[VietnameseKeyboard, Typist]:
        keyboard = VietnameseKeyboard(tr or Translator.load(language=language), code_mode=code_mode)
        panel = Panel(keyboard, width=width, large_text=large_text)
        qtbot.addWidget(panel)
        panels.append(panel)
        panel.show()
        qtbot.waitExposed(panel)
        return keyboard, Typist(keyboard)

    return build


def touch(qtbot: QtBot, keyboard: QWidget, *names: str) -> None:
    for name in names:
        tap(qtbot, keyboard, name)


def letters(word: str) -> list[str]:
    """The keys of a word typed in lower case: kb-n, kb-g, kb-u, ..."""
    return [f"kb-{c}" for c in word]


def test_typing_a_name_with_shift_and_tone_keys(qtbot: QtBot, build: Build) -> None:
    keyboard, typist = build()
    touch(qtbot, keyboard, "kb-shift", *letters("nguyên"), "kb-tone-tilde", "kb-space")
    touch(qtbot, keyboard, "kb-shift", *letters("thi"), "kb-tone-dot", "kb-space")
    touch(qtbot, keyboard, "kb-shift", *letters("hương"))
    assert typist.text == "Nguyễn Thị Hương"


def test_typing_an_address_with_automatic_capitals(qtbot: QtBot, build: Build) -> None:
    keyboard, typist = build()
    keyboard.set_auto_capital(True)
    touch(qtbot, keyboard, *letters("đinh"), "kb-tone-dot", "kb-space")
    touch(qtbot, keyboard, *letters("hoa"), "kb-tone-acute", "kb-comma", "kb-space")
    touch(qtbot, keyboard, *letters("thai"), "kb-tone-acute", "kb-space", *letters("nguyên"))
    assert typist.text == "Định Hóa, Thái Nguyên"


def test_shift_is_one_shot_and_says_so_in_words(qtbot: QtBot, build: Build) -> None:
    keyboard, typist = build()
    shift = keyboard.findChild(QAbstractButton, "kb-shift")
    key_a = keyboard.findChild(QAbstractButton, "kb-a")
    assert shift is not None
    assert key_a is not None
    assert (shift.text(), key_a.text(), shift.isChecked()) == ("Chữ hoa", "a", False)

    touch(qtbot, keyboard, "kb-shift")
    assert (shift.text(), key_a.text(), shift.isChecked()) == ("Chữ hoa: bật", "A", True)
    touch(qtbot, keyboard, "kb-a", "kb-a", "kb-1")
    assert typist.text == "Aa1"
    assert (shift.text(), key_a.text()) == ("Chữ hoa", "a")

    touch(qtbot, keyboard, "kb-shift", "kb-shift", "kb-ư")  # touched twice: off again
    assert typist.text == "Aa1ư"


def test_automatic_capitals_start_each_word_and_can_be_turned_off(qtbot: QtBot, build: Build) -> None:
    keyboard, typist = build()
    key_a = keyboard.findChild(QAbstractButton, "kb-a")
    assert key_a is not None
    keyboard.set_auto_capital(True)
    assert keyboard.shift
    assert key_a.text() == "A"
    touch(qtbot, keyboard, "kb-a", "kb-b")
    assert typist.text == "Ab"
    touch(qtbot, keyboard, "kb-space")
    assert keyboard.shift
    touch(qtbot, keyboard, "kb-backspace")  # back into the word: no capital
    assert not keyboard.shift
    touch(qtbot, keyboard, "kb-space", "kb-shift", "kb-c")  # Shift turns the automatic capital off
    assert typist.text == "Ab c"
    touch(qtbot, keyboard, "kb-hyphen", "kb-d", "kb-slash", "kb-period")
    assert typist.text == "Ab c-d/."
    keyboard.set_auto_capital(False)
    touch(qtbot, keyboard, "kb-space", "kb-e")
    assert typist.text == "Ab c-d/. e"


def test_a_tone_key_again_removes_the_tone_and_another_replaces_it(qtbot: QtBot, build: Build) -> None:
    keyboard, typist = build()
    touch(qtbot, keyboard, *letters("hoa"))
    shown = []
    for tone in ("acute", "acute", "grave", "hook", "tilde", "dot", "dot"):
        touch(qtbot, keyboard, f"kb-tone-{tone}")
        shown.append(typist.text)
    assert shown == ["hóa", "hoa", "hòa", "hỏa", "hõa", "họa", "hoa"]
    touch(qtbot, keyboard, "kb-tone-grave", "kb-backspace", "kb-backspace")
    assert typist.text == "h"


def test_code_mode_types_digits_and_capitals_only(qtbot: QtBot, build: Build) -> None:
    keyboard, typist = build(code_mode=True)
    keyboard.set_auto_capital(True)  # no effect on codes
    touch(qtbot, keyboard, *(f"kb-{c.lower()}" for c in "YC7K3M9PQ2X"), "kb-backspace")
    assert typist.text == "YC7K3M9PQ2"
    shown = {w.objectName() for w in visible_widgets(keyboard) if isinstance(w, QAbstractButton)}
    assert shown == {f"kb-{c}" for c in "1234567890qwertyuiopasdfghjklzxcvbnm"} | {"kb-backspace"}
    assert not any(name.startswith("kb-tone") for name in shown)
    assert keyboard.findChild(QAbstractButton, "kb-shift") is None
    assert keyboard.findChild(QAbstractButton, "kb-tone-acute") is None
    assert {w.text() for w in visible_widgets(keyboard) if w.objectName() == "kb-q"} == {"Q"}


def test_every_key_has_a_name_for_tests_and_for_screen_readers(build: Build) -> None:
    keyboard, _ = build()
    keys = [w for w in visible_widgets(keyboard) if isinstance(w, QAbstractButton)]
    assert len(keys) == 10 + 26 + 7 + 5 + 7 + 1  # digits, letters, Vietnamese letters, tones, bottom row, "@"
    assert all(key.objectName().startswith("kb-") for key in keys)
    assert all(key.accessibleName() for key in keys)
    # The screen's text field keeps the focus, and with it its cursor, while keys are touched.
    assert all(key.focusPolicy() == Qt.FocusPolicy.NoFocus for key in keys)
    names = {key.objectName(): key.accessibleName() for key in keys}
    assert names["kb-tone-acute"] == "dấu sắc"
    assert names["kb-ơ"] == "chữ ơ"
    assert names["kb-backspace"] == "Xóa chữ cuối"


def test_switching_language_retranslates_every_word_on_the_keys(qtbot: QtBot, build: Build) -> None:
    tr = Translator.load()
    keyboard, _ = build(tr=tr)
    tr.set_language("en")
    keyboard.retranslate()
    texts = {w.text() for w in visible_widgets(keyboard) if isinstance(w, QLabel | QAbstractButton)}
    assert {"acute", "grave", "hook", "tilde", "dot", "Space", "Delete", "Capital"} <= texts
    assert not texts & {"sắc", "Dấu cách", "Xóa", "Chữ hoa"}
    touch(qtbot, keyboard, "kb-shift")
    assert "Capital: on" in {w.text() for w in visible_widgets(keyboard) if isinstance(w, QAbstractButton)}


def text_px(widget: QWidget) -> int:
    font = widget.font()
    return font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * widget.logicalDpiY() / 72)


def problems(root: QWidget) -> list[str]:
    """Keys a finger cannot hit, text an old eye cannot read, labels cut off."""
    found = []
    for widget in visible_widgets(root):
        name = widget.objectName() or f"{type(widget).__name__} in {widget.parentWidget().objectName()}"
        if isinstance(widget, QAbstractButton) and min(widget.width(), widget.height()) < MIN_TOUCH_PX:
            found.append(f"key {name} is {widget.width()}x{widget.height()} px")
        if isinstance(widget, QLabel | QAbstractButton) and widget.text():
            if text_px(widget) < MIN_TEXT_PX:
                found.append(f"{name} text {widget.text()!r} is {text_px(widget)} px")
            room = (
                widget.contentsRect() if isinstance(widget, QLabel) else widget.rect().adjusted(8, 0, -8, 0)
            )
            text = widget.fontMetrics().boundingRect(widget.text())
            if text.width() > room.width() or widget.fontMetrics().height() > room.height():
                found.append(f"{name} cuts off {widget.text()!r} ({text.width()} px wide in {room.width()})")
        if not root.rect().contains(widget.mapTo(root, widget.rect().bottomRight())):
            found.append(f"{name} reaches outside the keyboard")
    return found


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("code_mode", [False, True], ids=["letters", "code"])
def test_keys_are_big_enough_at_both_orientations(
    qtbot: QtBot, build: Build, size: str, language: Language, large_text: bool, code_mode: bool
) -> None:
    width, height = SIZES[size]
    keyboard, _ = build(language=language, width=width, large_text=large_text, code_mode=code_mode)
    assert keyboard.width() == width - MARGINS_PX
    assert problems(keyboard) == []
    touch(qtbot, keyboard, "kb-1" if code_mode else "kb-shift")  # Shift's longer text must fit too
    assert problems(keyboard) == []
    # The keyboard leaves at least a third of a landscape panel for the screen's own words and text field.
    assert keyboard.height() <= height * 2 // 3


def key_texts(keyboard: QWidget) -> set[str]:
    """Every text on every key, shown or not: labels, and the keys' own."""
    labels = [w.text() for w in keyboard.findChildren(QLabel)]
    return {*labels, *(w.text() for w in keyboard.findChildren(QAbstractButton))}


@pytest.mark.parametrize("font_file", FONT_FILES, ids=lambda p: Path(p).stem)
def test_the_embedded_font_draws_every_character_on_the_keys(build: Build, font_file: Path) -> None:
    font = QRawFont(str(font_file), 26)
    texts: set[str] = set()
    for language in ("vi", "en"):
        keyboard, _ = build(language=language)
        texts |= key_texts(keyboard)
        keyboard.set_auto_capital(True)
        texts |= key_texts(keyboard)
    characters = {c for text in texts for c in text if not c.isspace()}
    assert len(characters) > 2 * (26 + 7)
    assert sorted(c for c in characters if not font.supportsCharacter(ord(c))) == []


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_keyboard_pictures(
    qtbot: QtBot, build: Build, tmp_path: Path, size: str, language: Language, large_text: bool
) -> None:
    """Pictures of the keyboards for people to look at: set KEYBOARD_SHOTS=DIR to keep them."""
    out = Path(os.environ.get("KEYBOARD_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    for code_mode in (False, True):
        keyboard, _ = build(
            language=language, width=SIZES[size][0], code_mode=code_mode, large_text=large_text
        )
        keyboard.set_auto_capital(True)
        touch(qtbot, keyboard, "kb-n")  # a word begun: lower-case letters, Shift off
        text = "large" if large_text else "normal"
        path = out / f"keyboard-{'code' if code_mode else 'letters'}-{language}-{size}-{text}.png"
        panel = keyboard.parentWidget()
        assert panel.grab(keyboard.geometry()).save(str(path))
        assert path.stat().st_size > 1000


# ------------------------------------------------------------------------------------------------ keypad
def test_clear_is_not_beside_the_zero(qtbot: QtBot, fonts: None) -> None:
    """A finger aiming at 0 must not throw away everything typed: Delete is beside 0, Clear is not."""
    keypad = Keypad(Translator.load())
    panel = Panel(keypad, width=PORTRAIT[0], large_text=False)
    qtbot.addWidget(panel)
    panel.show()
    zero, clear, delete = (keypad.findChild(QAbstractButton, f"pad-{n}") for n in ("0", "clear", "backspace"))
    assert zero is not None
    assert clear is not None
    assert delete is not None
    gap = 12 + 1  # the grid's spacing: what is closer than that touches the key

    def beside(a: QAbstractButton, b: QAbstractButton) -> bool:
        return a.geometry().adjusted(-gap, 0, gap, 0).intersects(b.geometry())

    assert beside(zero, delete)
    assert not beside(zero, clear)
    # Nor above or below it: in another column, the row below Delete.
    assert clear.geometry().left() > zero.geometry().right()
    assert clear.geometry().top() > delete.geometry().bottom()


def test_the_keypad_types_deletes_and_clears(qtbot: QtBot, fonts: None) -> None:
    keypad = Keypad(Translator.load())
    panel = Panel(keypad, width=PORTRAIT[0], large_text=False)
    qtbot.addWidget(panel)
    panel.show()
    typist = Typist(keypad)
    touch(qtbot, keypad, *(f"pad-{d}" for d in "0912345678"), "pad-backspace")
    assert typist.text == "091234567"
    touch(qtbot, keypad, "pad-clear", "pad-4")
    assert typist.text == "4"
    assert problems(keypad) == []
    keys = [w for w in visible_widgets(keypad) if isinstance(w, QAbstractButton)]
    assert {k.objectName() for k in keys} == {f"pad-{d}" for d in "0123456789"} | {
        "pad-backspace",
        "pad-clear",
    }
    assert all(k.accessibleName() for k in keys)
    assert all(k.focusPolicy() == Qt.FocusPolicy.NoFocus for k in keys)
