"""How numbers, amounts, dates, times and codes are said: as a Vietnamese cashier (or an English speaker) says
them, in words, every character of a code in order, and nothing of what a mask hides."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.guidance import spoken
from kiosk.language.catalogs import Translator
from kiosk.language.codes import LANGUAGES, Language

TR = {language: Translator.load(language=language) for language in LANGUAGES}
VI, EN = TR["vi"], TR["en"]

# ---------------------------------------------------------------------------------------------- an independent ear
# A listener's reading of Vietnamese number words, written separately from kiosk.guidance.spoken, so that a round trip
# proves the words say the number (and not merely that the code agrees with itself).
_DIGIT = {
    "không": 0,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
}


def _hear_below_thousand(words: list[str]) -> int:
    value = 0
    if "trăm" in words:
        at = words.index("trăm")
        assert at == 1, words
        value, words = 100 * _DIGIT[words[0]], words[2:]
    match words:
        case []:
            return value
        case ["linh", unit]:
            assert value or unit, words
            return value + _DIGIT[unit]
        case ["mười"]:
            return value + 10
        case ["mười", "lăm"]:
            return value + 15
        case ["mười", unit]:
            assert unit not in ("năm", "không"), words  # fifteen is "mười lăm"
            return value + 10 + _DIGIT[unit]
        case [tens, "mươi"]:
            return value + 10 * _DIGIT[tens]
        case [tens, "mươi", unit]:
            assert unit not in ("một", "năm", "không"), words  # "mốt", "lăm"
            ones = {"mốt": 1, "lăm": 5}.get(unit)
            return value + 10 * _DIGIT[tens] + (ones if ones is not None else _DIGIT[unit])
        case [unit]:
            assert value == 0, words  # 105 is "một trăm linh năm", never "một trăm năm"
            return _DIGIT[unit]
        case _:
            raise AssertionError(words)


def _hear(words: list[str]) -> int:
    if "tỷ" in words:
        at = len(words) - 1 - words[::-1].index("tỷ")
        return _hear(words[:at]) * 10**9 + (_hear(words[at + 1 :]) if words[at + 1 :] else 0)
    total = 0
    for scale, word in ((10**6, "triệu"), (10**3, "nghìn")):
        if word in words:
            at = words.index(word)
            total += _hear_below_thousand(words[:at]) * scale
            words = words[at + 1 :]
    return total + (_hear_below_thousand(words) if words else 0)


def hear_vi(text: str) -> int:
    return _hear(text.split())


# Letters and digits back from their spoken names (a name may be two words: "vê kép", "i dài").
_VI_NAMES = {
    "a": "A", "bê": "B", "xê": "C", "dê": "D", "đê": "Đ", "e": "E", "ép": "F", "giê": "G", "hát": "H",
    "i": "I", "di": "J", "ca": "K", "e-lờ": "L", "em-mờ": "M", "en-nờ": "N", "o": "O", "pê": "P",
    "quy": "Q", "e-rờ": "R", "ét-xì": "S", "tê": "T", "u": "U", "vê": "V", "vê kép": "W", "ích-xì": "X",
    "i dài": "Y", "dét": "Z",
    **{word: str(digit) for word, digit in _DIGIT.items()},
}  # fmt: skip
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EN_NAMES = {
    **{word: str(digit) for digit, word in enumerate(_EN_DIGITS)},
    **{c: c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
}


def unspell(text: str, language: Language) -> list[str]:
    """The groups of characters a listener writes down."""
    names = _VI_NAMES if language == "vi" else _EN_NAMES
    groups = []
    for group in text.split(", "):
        words, characters = group.split(" "), []
        while words:
            pair = " ".join(words[:2])
            if len(words) > 1 and pair in names:
                characters.append(names[pair])
                words = words[2:]
            else:
                characters.append(names[words[0]])
                words = words[1:]
        groups.append("".join(characters))
    return groups


# ---------------------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (0, "không", "zero"),
        (15, "mười lăm", "fifteen"),
        (21, "hai mươi mốt", "twenty-one"),
        (24, "hai mươi bốn", "twenty-four"),
        (25, "hai mươi lăm", "twenty-five"),
        (105, "một trăm linh năm", "one hundred and five"),
        (1_010, "một nghìn không trăm mười", "one thousand and ten"),
        (2_026, "hai nghìn không trăm hai mươi sáu", "two thousand and twenty-six"),
        (1_005_000, "một triệu không trăm linh năm nghìn", "one million five thousand"),
        (1_000_500, "một triệu năm trăm", "one million five hundred"),
        (2_500_000_000, "hai tỷ năm trăm triệu", "two billion five hundred million"),
        (10**12, "một nghìn tỷ", "one trillion"),
    ],
)
def test_numbers_as_a_cashier_says_them(value: int, vi: str, en: str) -> None:
    assert spoken.number(value, VI) == vi
    assert spoken.number(value, EN) == en


@given(st.integers(min_value=0, max_value=10**15))
def test_vietnamese_number_words_say_the_number(value: int) -> None:
    words = spoken.number(value, VI)
    assert hear_vi(words) == value
    assert not re.search(
        r"\d|\blẻ\b|\bngàn\b|\btư\b", words
    )  # nghìn and linh, chosen in kiosk.guidance.spoken


@given(st.integers(min_value=0, max_value=10**15))
def test_english_number_words_have_no_figures_and_no_pauses(value: int) -> None:
    words = spoken.number(value, EN)
    assert re.fullmatch(r"[a-z\- ]+", words), words


def test_a_negative_number_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        spoken.number(-1, VI)


# ---------------------------------------------------------------------------------------------- amounts, units
def test_amounts_in_words() -> None:
    assert spoken.money(123_400, VI) == "một trăm hai mươi ba nghìn bốn trăm đồng"
    assert spoken.money(123_400, EN) == "one hundred and twenty-three thousand four hundred dong"
    assert spoken.money(1_234_000, VI) == "một triệu hai trăm ba mươi bốn nghìn đồng"


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(LANGUAGES))
def test_a_spoken_amount_leaves_no_figure_or_currency_sign(amount: int, language: Language) -> None:
    tr = TR[language]
    said = spoken.money(amount, tr)
    assert not re.search(r"\d|₫|VND", said), said
    assert tr.money(amount) not in said
    assert said.endswith("đồng" if language == "vi" else "dong")
    if language == "vi":
        assert hear_vi(said.removesuffix(" đồng")) == amount


def test_kilowatt_hours_are_said_not_spelled() -> None:
    assert spoken.kwh(150, VI) == "một trăm năm mươi ki-lô-oát giờ"
    assert spoken.kwh(150, EN) == "one hundred and fifty kilowatt hours"
    assert spoken.kwh(1, EN) == "one kilowatt hour"


def test_durations_in_seconds_then_whole_minutes() -> None:
    assert spoken.duration(17, VI) == "mười bảy giây"
    assert spoken.duration(1, EN) == "one second"
    assert spoken.duration(14 * 60 + 32, VI) == "mười lăm phút"  # rounded up: never less time than there is
    assert spoken.duration(60, EN) == "one minute"


# ---------------------------------------------------------------------------------------------- dates, times
def test_dates_as_people_say_them() -> None:
    day = dt.date(2026, 11, 5)
    assert spoken.date(day, VI) == "ngày mùng năm tháng mười một năm hai nghìn không trăm hai mươi sáu"
    assert spoken.date(day, EN) == "the fifth of November twenty twenty-six"
    assert spoken.date(dt.date(2026, 4, 24), VI, year=False) == "ngày hai mươi bốn tháng tư"
    assert spoken.date(dt.date(2026, 12, 31), EN, year=False) == "the thirty-first of December"


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from(LANGUAGES))
def test_every_date_is_said_in_words(day: dt.date, language: Language) -> None:
    said = spoken.date(day, TR[language])
    assert not re.search(r"\d|/", said), said
    if language == "vi":
        assert ("tháng tư" in said) == (day.month == 4)
        assert ("mùng" in said) == (day.day <= 10)


@pytest.mark.parametrize(
    ("hour", "minute", "vi", "en"),
    [
        (7, 30, "bảy giờ rưỡi sáng", "half past seven in the morning"),
        (17, 0, "năm giờ chiều", "five o'clock in the afternoon"),
        (12, 15, "mười hai giờ mười lăm phút trưa", "twelve fifteen in the afternoon"),
        (19, 5, "bảy giờ năm phút tối", "seven oh five in the evening"),
        (0, 0, "mười hai giờ đêm", "twelve o'clock at night"),
    ],
)
def test_times_with_the_part_of_the_day(hour: int, minute: int, vi: str, en: str) -> None:
    assert spoken.time(dt.time(hour, minute), VI) == vi
    assert spoken.time(dt.time(hour, minute), EN) == en


@given(st.times(), st.sampled_from(LANGUAGES))
def test_every_time_is_said_in_words(moment: dt.time, language: Language) -> None:
    said = spoken.time(moment, TR[language])
    assert not re.search(r"\d|:", said), said


def test_a_moment_is_said_in_vietnam_time() -> None:
    utc = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)  # 17:00 in Vietnam, a Thursday
    assert spoken.moment(utc, VI) == "năm giờ chiều Thứ Năm, ngày hai mươi sáu tháng mười một"
    assert spoken.moment(utc, EN) == "five o'clock in the afternoon on Thursday the twenty-sixth of November"


def test_a_bill_is_named_by_its_month() -> None:
    end = dt.date(2026, 4, 10)
    assert spoken.bill_name(end, VI) == "hóa đơn tháng tư năm hai nghìn không trăm hai mươi sáu"
    assert spoken.bill_name(end, EN) == "the bill for April twenty twenty-six"


# ---------------------------------------------------------------------------------------------- codes
def test_a_customer_code_in_the_groups_the_screen_shows() -> None:
    assert spoken.customer_code("PE01000123456", VI) == (
        "pê e, không một, không không, không một hai, ba bốn năm sáu"
    )
    assert (
        spoken.customer_code("PE01000123456", EN)
        == "P E, zero one, zero zero, zero one two, three four five six"
    )
    # A unit code with letters: its letters said by name, in pairs, so that they stand out from the digits.
    assert spoken.customer_code("PC05CC0123456", VI) == (
        "pê xê, không năm, xê xê, không một hai, ba bốn năm sáu"
    )
    assert spoken.customer_code("PE0100012", VI) == "pê e, không một, không không, không một hai"
    assert spoken.customer_code("PA02D", VI) == "pê a, không hai, dê"  # D is "dê"; "đê" is Đ


# Whole codes, and codes typed part of the way.
customer_codes = st.builds(
    lambda prefix, unit, digits, end: (prefix + unit + digits)[:end],
    st.sampled_from(["PA", "PB", "PC", "PD", "PE", "PH", "PK", "PM", "PN", "PP", "PQ"]),
    st.from_regex(r"[0-9A-Z]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{7}", fullmatch=True),
    st.integers(2, 13),
)


@given(customer_codes, st.sampled_from(LANGUAGES))
def test_every_character_of_a_customer_code_is_said_in_order(code: str, language: Language) -> None:
    groups = unspell(spoken.customer_code(code, TR[language]), language)
    assert "".join(groups) == code
    assert groups[0] == code[:2]
    assert all(1 <= len(group) <= 4 for group in groups)
    assert "".join(groups[:3]) == code[:6]  # the unit code, whole, before the digits


def test_tracking_codes_in_groups_to_write_down() -> None:
    assert spoken.reference("YCA7K3M9Q2", VI) == "i dài xê a, bảy ca ba, em-mờ chín quy hai"
    assert spoken.reference("YCA7K3M9Q2", EN) == "Y C A, seven K three, M nine Q two"
    assert spoken.reference("KQ7M2X9PA4", VI) == "ca quy bảy, em-mờ hai ích-xì, chín pê a bốn"


@given(
    st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=1, max_size=16),
    st.sampled_from(LANGUAGES),
)
def test_every_character_of_a_tracking_code_is_said_in_order(code: str, language: Language) -> None:
    groups = unspell(spoken.reference(code, TR[language]), language)
    assert "".join(groups) == code
    assert len(groups) == 1 or all(2 <= len(group) <= 4 for group in groups)  # no lone character at the end


def test_hotlines_in_the_groups_people_read_them_in() -> None:
    assert spoken.phone("19006769", VI) == "một chín không không, sáu bảy sáu chín"
    assert spoken.phone("1900545454", VI) == "một chín không không, năm bốn năm, bốn năm bốn"
    assert spoken.phone("0912345678", EN) == "zero nine one two, three four five, six seven eight"
    assert spoken.phone("114", VI) == "một một bốn"


# ---------------------------------------------------------------------------------------------- masked values
def test_only_what_follows_the_mask_is_said() -> None:
    assert spoken.masked_tail("091*****78", VI) == "bảy tám"
    assert spoken.masked_tail("079••••••234", EN) == "two three four"
    assert (
        spoken.masked_tail("0912345678", VI) == "sáu bảy tám"
    )  # unmasked by mistake: no more than a mask shows


@given(
    st.text(alphabet="0123456789", min_size=7, max_size=12),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=1, max_value=3),
    st.sampled_from(["•", "*"]),
    st.sampled_from(LANGUAGES),
)
def test_a_masked_number_is_never_spelled_beyond_its_visible_end(
    secret: str, shown_before: int, shown_after: int, mask: str, language: Language
) -> None:
    masked = secret[:shown_before] + mask * (len(secret) - shown_before - shown_after) + secret[-shown_after:]
    said = spoken.masked_tail(masked, TR[language])
    assert unspell(said, language) == [secret[-shown_after:]]
    assert len(said.split()) == shown_after
