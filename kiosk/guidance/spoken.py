"""How the kiosk says numbers, amounts, dates, times and codes aloud, in Vietnamese and English.

The spoken guidance (:mod:`kiosk.guidance`) is read by a speech engine (espeak-ng through speech-dispatcher on
the kiosks we know, but a site may configure another). Everything here is said **in words**, never left to the
engine's number rules: espeak-ng reads ``1.234.000`` and ``2026`` well enough, but it reads ``05092025`` or
``PE01000123456`` as one enormous number, drops the hour word from ``07:30``, and spells ``kWh`` as letters;
another engine would make other mistakes. Words also let us choose the forms a Vietnamese cashier says:

- Numbers are made by :mod:`kiosk.language.numbers` (*nghìn*, *linh*, *mốt*, *lăm*, *bốn*: the standard
  forms; see there).
- Days 1 to 10 of a month are **mùng một** ... **mùng mười**, as people say dates.

Codes are spelled one character at a time in groups, with a pause (a comma) between groups, so that a
customer can write them down: letters by their Vietnamese names (*pê*, *e*), digits as words (*không*, *một*).
A masked value (``091*****78``, ``079••••••234``) is never spelled out; only what follows the mask is said
(:func:`masked_tail`), and only that is ever spoken of an ID or phone number.

Sentence frames (the unit after an amount, the order of day and month) come from the catalog (``say.*``), so a
translator can reword them; how a number becomes words is grammar, and lives here, per language. Qt-free.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Final

from babel.dates import format_date

from kiosk.customer.masking import MASK_CHARACTERS
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.language.numbers import digit_word, number_words
from kiosk.language.time_zone import VIETNAM

__all__ = [
    "MASK_CHARACTERS",
    "bill_name",
    "customer_code",
    "date",
    "digits",
    "duration",
    "kwh",
    "masked_tail",
    "moment",
    "money",
    "month_name",
    "number",
    "phone",
    "reference",
    "spell",
    "time",
]

_TAIL_MAX: Final = 4
"""At most this many characters are said after a mask: "ending in 7 8", never more of the number."""


def number(value: int, tr: Translator) -> str:
    """A whole number ≥ 0 in words: *một trăm hai mươi ba nghìn bốn trăm*, *one hundred and twenty-three
    thousand four hundred* (British, as the kiosk's English is)."""
    return number_words(value, tr.language)


def money(amount: int, tr: Translator) -> str:
    """*một trăm hai mươi ba nghìn bốn trăm đồng* / *one hundred and twenty-three thousand four hundred dong*."""
    return tr._("say.money", amount=number(amount, tr))


def kwh(value: int, tr: Translator) -> str:
    """*một trăm năm mươi ki-lô-oát giờ* / *one hundred and fifty kilowatt hours* (engines spell "kWh")."""
    return tr.ngettext("say.kwh", value, amount=number(value, tr))


def duration(seconds: int, tr: Translator) -> str:
    """How long, as a person says it: seconds under a minute, whole minutes (rounded up) from there."""
    seconds = max(seconds, 0)
    if seconds < 60:
        return tr.ngettext("say.seconds", seconds, amount=number(seconds, tr))
    minutes = math.ceil(seconds / 60)
    return tr.ngettext("say.minutes", minutes, amount=number(minutes, tr))


# ---------------------------------------------------------------------------------------------- dates and times
def _english(value: int, to: str) -> str:
    from num2words import num2words  # at first use: importing it loads its ~60 languages (~50 ms)

    return str(num2words(value, lang="en", to=to))


def _day(day: int, language: Language) -> str:
    if language == "vi":
        return f"mùng {number_words(day, 'vi')}" if day <= 10 else number_words(day, "vi")
    return _english(day, "ordinal")


def _month(value: dt.date, language: Language) -> str:
    if language == "vi":
        return "tư" if value.month == 4 else number_words(value.month, "vi")
    return format_date(value, "MMMM", locale="en_GB")


def _year(year: int, language: Language) -> str:
    # "twenty twenty-six", as English speakers say years; Vietnamese say the number.
    return number_words(year, "vi") if language == "vi" else _english(year, "year")


def date(value: dt.date, tr: Translator, *, year: bool = True) -> str:
    """*ngày mùng năm tháng mười một năm hai nghìn không trăm hai mươi sáu* / *the fifth of November twenty
    twenty-six*. Without the year for dates a few days away (an outage, a code's expiry)."""
    language = tr.language
    day, month = _day(value.day, language), _month(value, language)
    if year:
        return tr._("say.date", day=day, month=month, year=_year(value.year, language))
    return tr._("say.date.no_year", day=day, month=month)


def month_name(value: dt.date, tr: Translator) -> str:
    """The month alone, as it follows *tháng*: *mười một*, *tư* / *November*."""
    return _month(value, tr.language)


def bill_name(period_end: dt.date, tr: Translator) -> str:
    """A bill, named after the month its reading was taken in, as on paper: *hóa đơn tháng mười một năm hai
    nghìn không trăm hai mươi sáu* / *the bill for November twenty twenty-six*."""
    language = tr.language
    return tr._("say.bill_name", month=_month(period_end, language), year=_year(period_end.year, language))


def _part_of_day(hour: int, tr: Translator) -> str:
    # The words people put after a time ("5 giờ chiều"): clearer to an elderly listener than a 24-hour clock.
    if hour < 4 or hour >= 22:
        return tr._("say.part.night")
    if hour < 12:
        return tr._("say.part.morning")
    if hour < 13:
        return tr._("say.part.noon")
    if hour < 18:
        return tr._("say.part.afternoon")
    return tr._("say.part.evening")


def time(value: dt.datetime | dt.time, tr: Translator) -> str:
    """*năm giờ rưỡi chiều* / *half past five in the afternoon*; an aware datetime is said in Vietnamese time."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    hour12 = value.hour % 12 or 12
    part = _part_of_day(value.hour, tr)
    hour = number(hour12, tr)
    if value.minute == 0:
        return tr._("say.time.o_clock", hour=hour, part=part)
    if value.minute == 30:
        return tr._("say.time.half", hour=hour, part=part)
    minute = number(value.minute, tr)
    if tr.language == "en" and value.minute < 10:
        minute = f"oh {minute}"  # "seven oh five": "seven five" is not how English speakers say 07:05
    return tr._("say.time", hour=hour, minute=minute, part=part)


def moment(value: dt.datetime, tr: Translator) -> str:
    """When something happens in the next days: *năm giờ chiều Thứ Năm, ngày hai mươi sáu tháng mười một* /
    *five o'clock in the afternoon on Thursday the twenty-sixth of November*. Aware datetimes only."""
    local = value.astimezone(VIETNAM)
    weekday = format_date(local.date(), "EEEE", locale=tr.locale)
    return tr._("say.moment", time=time(local, tr), weekday=weekday, date=date(local.date(), tr, year=False))


# ---------------------------------------------------------------------------------------------- codes
# The names Vietnamese use when spelling a code aloud (the ones a call centre uses). J is written "di": it
# sounds as "gi" does, and espeak-ng reads a bare "gi" as a lone consonant.
_VI_LETTERS: Final[Mapping[str, str]] = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "di", "K": "ca", "L": "e-lờ", "M": "em-mờ", "N": "en-nờ", "O": "o", "P": "pê",
    "Q": "quy", "R": "e-rờ", "S": "ét-xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích-xì",
    "Y": "i dài", "Z": "dét",
}  # fmt: skip


def _character(character: str, language: Language) -> str | None:
    if character.isascii() and character.isdigit():
        return digit_word(int(character), language)
    upper = character.upper()
    if language == "vi":
        return _VI_LETTERS.get(upper)
    # A capital letter alone is read by its name ("P E" is "pee ee") by English engines.
    return upper if upper.isascii() and upper.isalpha() else None


def digits(text: str, tr: Translator) -> str:
    """Each letter and digit of ``text`` by its name, in order, one group (anything else is not said)."""
    said = (_character(c, tr.language) for c in text)
    return " ".join(word for word in said if word is not None)


def spell(groups: Iterable[str], tr: Translator) -> str:
    """Groups spelled one character at a time, a pause between groups: *pê e, không một, ...*."""
    return ", ".join(words for words in (digits(group, tr) for group in groups) if words)


def _in_threes(text: str) -> list[str]:
    groups = [text[i : i + 3] for i in range(0, len(text), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2] + groups[-1]]  # no lone last character: "…, 9 Q 2", not "…, 2"
    return groups


def customer_code(code: str, tr: Translator) -> str:
    """``PC05CC0123456`` in the groups the screen shows it in (``PC05CC 012 3456``), the unit code in pairs so
    that its letters stand out: *pê xê, không năm, xê xê, không một hai, ba bốn năm sáu*. Works on half-typed
    codes."""
    unit, number = code[:6], code[6:]
    return spell([unit[:2], unit[2:4], unit[4:], number[:3], number[3:]], tr)


def reference(code: str, tr: Translator) -> str:
    """A tracking code or kiosk reference (``YCA7K3M9Q2``) in groups of three to write down:
    *i dài xê a, bảy ca ba, em-mờ chín quy hai*."""
    return spell(_in_threes(code.replace(" ", "")), tr)


def phone(number_text: str, tr: Translator) -> str:
    """A hotline in the groups people read it in: ``19006769`` as *một chín không không, sáu bảy sáu chín*,
    ``1900545454`` as 1900 545 454, ``114`` whole. Only for public numbers (hotlines): a customer's phone
    number is said with :func:`masked_tail` only."""
    text = "".join(c for c in number_text if c.isdigit())
    if len(text) <= 4:
        return spell([text], tr)
    head, tail = text[:4], text[4:]
    return spell([head, tail] if len(tail) <= 4 else [head, *_in_threes(tail)], tr)


def masked_tail(masked: str, tr: Translator) -> str:
    """What may be said of a masked value: the characters after its last mask, at most four
    (``091*****78`` → *bảy tám*). A value with no mask at all gives only its last three, so that passing a
    whole number here by mistake still says no more than a masked one would."""
    positions = [i for i, c in enumerate(masked) if c in MASK_CHARACTERS]
    visible = [c for c in masked[positions[-1] + 1 :] if c.isalnum()] if positions else []
    if not positions:
        visible = [c for c in masked if c.isalnum()][-3:]
    return digits("".join(visible[-_TAIL_MAX:]), tr)
