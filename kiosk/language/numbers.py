"""Numbers in words, in Vietnamese and English: the grammar both the amount in words on the payment screen
(:meth:`kiosk.language.catalogs.Translator.money_words`) and the spoken guidance (:mod:`kiosk.guidance.spoken`)
need. Words are chosen as a Vietnamese cashier says them:

- **nghìn**, not *ngàn*: both are understood everywhere; *nghìn* is the standard written form (banks print it
  under amounts, and :meth:`kiosk.language.catalogs.Translator.money_words` shows it on screen).
- **linh**, not *lẻ*, for a zero tens digit (*một trăm linh năm*): the standard form that goes with *nghìn*
  (*lẻ* is the southern one, as *ngàn* is). A zero hundreds digit inside a number is said, as banks write it:
  1,010 is *một nghìn không trăm mười*; num2words says *một nghìn lẻ mười*, which is wrong, and is why the
  Vietnamese words are made here rather than by num2words.
- **mốt** for a final 1 after twenty (*hai mươi mốt*) and **lăm** for a final 5 after ten (*mười lăm*): what
  every speaker says; *hai mươi một* and *mười năm* sound wrong.
- **bốn**, not *tư*, after twenty (*hai mươi bốn*): both are heard, *bốn* is the form written on invoices and
  cannot be misheard as *tư* ("private"). April, though, is always **tháng tư**, never *tháng bốn*.

num2words makes the English words. Qt-free.
"""

from __future__ import annotations

from typing import Final

from kiosk.language.codes import Language

__all__ = ["digit_word", "number_words"]

_VI_DIGITS: Final = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_EN_DIGITS: Final = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_VI_SCALES: Final = ("", "nghìn", "triệu")
_BILLION: Final = 1_000_000_000


def _vi_hundreds(value: int, *, inner: bool) -> list[str]:
    """0 < value < 1000. ``inner``: a higher group was said before, so a zero hundreds digit is said too
    (1,010,000 is *một triệu không trăm mười nghìn*: without it the listener hears 1,100,000... or 10,000)."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or inner:
        words += [_VI_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or inner:
                words.append("linh")
            words.append(_VI_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _VI_DIGITS[units])
    else:
        words += [_VI_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_VI_DIGITS[units])
    return words


def _vi_below_billion(value: int, *, inner: bool) -> list[str]:
    words: list[str] = []
    for scale in reversed(range(len(_VI_SCALES))):
        group = value // 1000**scale % 1000
        if not group:
            continue  # 1,000,500 is *một triệu năm trăm*: an all-zero group is not said at all
        words += _vi_hundreds(group, inner=inner or bool(words))
        if _VI_SCALES[scale]:
            words.append(_VI_SCALES[scale])
    return words


def _vi_number(value: int) -> str:
    if value == 0:
        return _VI_DIGITS[0]
    words: list[str] = []
    if value >= _BILLION:
        # *tỷ* repeats above a billion: 10^12 is *một nghìn tỷ*.
        words += [_vi_number(value // _BILLION), "tỷ"]
        value %= _BILLION
    if value:
        words += _vi_below_billion(value, inner=bool(words))
    return " ".join(words)


def _en_number(value: int) -> str:
    # num2words writes "one million, two hundred thousand": a comma makes the speech engine pause inside one
    # amount, and commas here separate the groups of a spelled code.
    from num2words import num2words  # at first use: importing it loads its ~60 languages (~50 ms)

    return str(num2words(value, lang="en")).replace(",", "")


def number_words(value: int, language: Language) -> str:
    """:func:`number` without a translator, for code that has only the language (the amount in words that
    :meth:`kiosk.language.catalogs.Translator.money_words` shows: num2words says 1,010 wrong in Vietnamese)."""
    if value < 0:
        raise ValueError(f"{value} is negative: say what it is the difference of instead")
    return _vi_number(value) if language == "vi" else _en_number(value)


def digit_word(digit: int, language: Language) -> str:
    """One digit as a word (*không* ... *chín*, *zero* ... *nine*): codes are spelled digit by digit."""
    return (_VI_DIGITS if language == "vi" else _EN_DIGITS)[digit]
