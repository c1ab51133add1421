"""The embedded font draws every Vietnamese letter and tone mark, and the kiosk really uses it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo, QRawFont
from PySide6.QtWidgets import QLabel

from kiosk.assets import FONT_FAMILY, FONT_FILES, RESOURCES_DIR
from kiosk.language.catalogs import Translator
from kiosk.shell.app import KioskApp

BASE_VOWELS = "aăâeêioôơuưy"
TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def vietnamese_letters() -> set[str]:
    letters = set(BASE_VOWELS + "đbcdghklmnpqrstvx")
    for vowel in BASE_VOWELS:
        for tone in TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return letters | {c.upper() for c in letters}


def test_the_letter_set_is_complete() -> None:
    # 12 vowels x 6 tones (incl. none) + 17 other letters, in both cases.
    assert len(vietnamese_letters()) == 2 * (12 * 6 + 17)


@pytest.mark.parametrize("font_file", FONT_FILES, ids=lambda p: Path(p).stem)
def test_every_letter_tone_mark_and_catalog_character_is_in_the_font(qapp: object, font_file: Path) -> None:
    font = QRawFont(str(font_file), 26)
    assert font.isValid()
    catalog_chars = {
        c for language in ("vi", "en") for c in "".join(_catalog_texts(language)) if not c.isspace()
    }
    wanted = vietnamese_letters() | catalog_chars | set("₫0123456789.,:%/-")
    missing = sorted(c for c in wanted if not font.supportsCharacter(ord(c)))
    assert missing == []


def _catalog_texts(language: str) -> list[str]:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    return list(tr.templates())


def test_widgets_are_drawn_in_the_embedded_font(kiosk: KioskApp) -> None:
    labels = kiosk.window.findChildren(QLabel)
    assert labels
    for widget in labels:
        assert QFontInfo(widget.font()).family() == FONT_FAMILY


def test_the_font_licence_ships_with_the_font() -> None:
    licence = (RESOURCES_DIR / "fonts" / "OFL-BeVietnamPro.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in licence.upper()
