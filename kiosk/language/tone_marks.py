"""Vietnamese typing without an input method: letters are appended as they are, and a tone key puts its mark on
the right vowel of the word just typed.

This is the composition of Telex and VNI ("type the word, then its tone"), driven by labelled keys instead of
memorised letters or digits, so that a customer who has never used a phone can type "Nguyễn": N g u y ê n, then
the ngã key. See ``docs/typing.md`` for why the kiosk has its own keyboard.

Tones are placed by the traditional rules that names and place names use ("Hóa", "Thúy", "Hòa"):

1. a vowel with a diacritic (ă â ê ô ơ ư) takes the tone; of "ươ", the ơ;
2. otherwise, of three vowels the middle one;
3. of two vowels, the second if a consonant ends the syllable (hoàng, toán), else the first (hóa, thúy, mái);
4. "qu" and "gi" before a vowel are consonants (quá, giá, giữ), but "gi" alone is g + i (gì, gìn).

Keys, as :func:`press` takes them (and the on-screen keyboards emit them):

- any single printable character (``"a"``, ``"Ư"``, ``"7"``, ``","``): appended;
- ``"space"``: appends a space;
- ``"backspace"``: removes the last letter with its marks (the last code point of the NFC text; every Vietnamese
  letter, tone and all, is one code point in NFC);
- ``"clear"``: removes everything;
- ``"tone:level"``, ``"tone:acute"``, ``"tone:grave"``, ``"tone:hook"``, ``"tone:tilde"``, ``"tone:dot"``:
  :func:`add_tone` on the last word.

Qt-free and pure, so that every rule is tested without widgets.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Final


class Tone(StrEnum):
    """The six tones; every one but LEVEL is written as a mark on one vowel."""

    LEVEL = "level"  # ngang: no mark
    ACUTE = "acute"  # sắc: á
    GRAVE = "grave"  # huyền: à
    HOOK = "hook"  # hỏi: ả
    TILDE = "tilde"  # ngã: ã
    DOT = "dot"  # nặng: ạ

    @property
    def key(self) -> str:
        """The key :func:`press` takes for this tone."""
        return f"{TONE_KEY_PREFIX}{self.value}"


TONE_KEY_PREFIX: Final = "tone:"
SPACE: Final = "space"
BACKSPACE: Final = "backspace"
CLEAR: Final = "clear"

_MARKS: Final = {
    Tone.ACUTE: "\u0301",
    Tone.GRAVE: "\u0300",
    Tone.HOOK: "\u0309",
    Tone.TILDE: "\u0303",
    Tone.DOT: "\u0323",
}
_TONE_OF_MARK: Final = {mark: tone for tone, mark in _MARKS.items()}
# Breve (ă), circumflex (â ê ô) and horn (ơ ư): part of the letter, not of the tone.
_DIACRITICS: Final = frozenset("\u0306\u0302\u031b")
_VOWELS: Final = frozenset("aeiouy")


def _decompose(letter: str) -> tuple[str, Tone]:
    """A letter as (the letter without its tone mark, NFC; the tone it carried)."""
    tone = Tone.LEVEL
    kept = []
    for part in unicodedata.normalize("NFD", letter):
        if part in _TONE_OF_MARK:
            if tone is Tone.LEVEL:
                tone = _TONE_OF_MARK[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _is_vowel(letter: str) -> bool:
    return unicodedata.normalize("NFD", letter)[:1].lower() in _VOWELS


def _has_diacritic(letter: str) -> bool:
    return any(part in _DIACRITICS for part in unicodedata.normalize("NFD", letter))


def _with_tone(letter: str, tone: Tone) -> str:
    if tone is Tone.LEVEL:
        return letter
    return unicodedata.normalize("NFC", letter + _MARKS[tone])


def strip_tones(text: str) -> str:
    """``text`` with every tone mark removed (letters keep their ă â ê ô ơ ư đ), NFC."""
    return "".join(_decompose(letter)[0] for letter in unicodedata.normalize("NFC", text))


def tone_of(word: str) -> Tone:
    """The tone a word is written with: the first tone mark in it, LEVEL if none."""
    for letter in unicodedata.normalize("NFC", word):
        tone = _decompose(letter)[1]
        if tone is not Tone.LEVEL:
            return tone
    return Tone.LEVEL


def tone_position(word: str) -> int | None:
    """Where the tone of a toneless ``word`` goes (an index into it), or None when it has no vowel.

    A word that is not one syllable (a loanword, two syllables typed together) gets its tone in its last group
    of vowels."""
    end = len(word)
    while end > 0 and not _is_vowel(word[end - 1]):
        end -= 1
    if end == 0:
        return None
    start = end
    while start > 0 and _is_vowel(word[start - 1]):
        start -= 1
    # "qu" and "gi" before another vowel: the u and the i belong to the consonant.
    if start == 1 and end - start > 1 and (word[:2].lower() in ("qu", "gi")):
        start += 1
    vowels = word[start:end]
    with_diacritic = [i for i, letter in enumerate(vowels) if _has_diacritic(letter)]
    if with_diacritic:
        chosen = with_diacritic[-1]  # of "ươ", the ơ
    elif len(vowels) >= 3:
        chosen = 1
    elif len(vowels) == 2:
        chosen = 1 if end < len(word) else 0
    else:
        chosen = 0
    return start + chosen


def _last_word(text: str) -> tuple[int, int]:
    """Start and end of the last run of letters in ``text`` (equal when it has none)."""
    end = len(text)
    while end > 0 and not text[end - 1].isalpha():
        end -= 1
    start = end
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return start, end


def _toned_word(word: str, tone: Tone) -> str:
    bare = strip_tones(word)
    position = tone_position(bare)
    if position is None or tone is Tone.LEVEL:
        return bare
    return bare[:position] + _with_tone(bare[position], tone) + bare[position + 1 :]


def add_tone(text: str, tone: Tone) -> str:
    """``text`` (NFC) with its last word written in ``tone``.

    The same tone again removes it, as Telex's "ss" does; another tone replaces it; LEVEL removes any tone. A
    word without a vowel, or text without a word, is left as it is."""
    text = unicodedata.normalize("NFC", text)
    start, end = _last_word(text)
    word = text[start:end]
    if tone_position(strip_tones(word)) is None:
        return text
    wanted = Tone.LEVEL if tone_of(word) is tone else tone
    return text[:start] + _toned_word(word, wanted) + text[end:]


def _retoned(text: str) -> str:
    """``text`` with the tone of its last word moved to where the rules put it, if that word ends the text."""
    start, end = _last_word(text)
    if end != len(text):
        return text
    word = text[start:end]
    tone = tone_of(word)
    return text if tone is Tone.LEVEL else text[:start] + _toned_word(word, tone)


def press(text: str, key: str) -> str:
    """``text`` after the key ``key`` (see the module's docstring for the keys), NFC.

    A letter typed onto, or deleted from, a word that has a tone moves the tone to where the rules put it in the
    changed word, as Telex input methods do: a customer who touches a tone key early ("tó", then "a n") still
    gets "toán". Raises ValueError for a key that is not one of these."""
    text = unicodedata.normalize("NFC", text)
    if key == SPACE:
        return text + " "
    if key == BACKSPACE:
        return _retoned(text[:-1]) if text[-1:].isalpha() else text[:-1]
    if key == CLEAR:
        return ""
    if key.startswith(TONE_KEY_PREFIX):
        try:
            tone = Tone(key.removeprefix(TONE_KEY_PREFIX))
        except ValueError:
            raise ValueError(f"no such tone key: {key!r}") from None
        return add_tone(text, tone)
    key = unicodedata.normalize("NFC", key)
    if len(key) != 1 or not key.isprintable():
        raise ValueError(f"not a key: {key!r}")
    return _retoned(text + key) if key.isalpha() else text + key
