"""Tone placement and the keyboard's composition: real names and words, rules as properties, and PyPI `bogo`
(a Telex engine written independently) as an oracle over every onset and rhyme of the language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.language.tone_marks import (
    BACKSPACE,
    CLEAR,
    SPACE,
    Tone,
    add_tone,
    press,
    strip_tones,
    tone_of,
    tone_position,
)

A, G, H, T, D, L = Tone.ACUTE, Tone.GRAVE, Tone.HOOK, Tone.TILDE, Tone.DOT, Tone.LEVEL

# (the word as typed without its tone, the tone key, what the customer must see), traditional placement.
WORDS: list[tuple[str, Tone, str]] = [
    # a
    ("Thai", A, "Thái"),
    ("Hoang", G, "Hoàng"),
    ("Hai", H, "Hải"),
    ("Ma", T, "Mã"),
    ("Pham", D, "Phạm"),
    # ă
    ("Băc", A, "Bắc"),
    ("Hăng", G, "Hằng"),
    ("thăng", H, "thẳng"),
    ("Năng", T, "Nẵng"),
    ("Đăng", D, "Đặng"),
    # â
    ("Tuân", A, "Tuấn"),
    ("Cân", G, "Cần"),
    ("Thâm", H, "Thẩm"),
    ("Mân", T, "Mẫn"),
    ("Hâu", D, "Hậu"),
    # e
    ("xe", A, "xé"),
    ("che", G, "chè"),
    ("tre", H, "trẻ"),
    ("ve", T, "vẽ"),
    ("me", D, "mẹ"),
    # ê
    ("Huê", A, "Huế"),
    ("Thiên", G, "Thiền"),
    ("thê", H, "thể"),
    ("Nguyên", T, "Nguyễn"),
    ("Lê", D, "Lệ"),
    # i
    ("Tri", A, "Trí"),
    ("gin", G, "gìn"),
    ("Tinh", H, "Tỉnh"),
    ("Nghia", T, "Nghĩa"),
    ("Thi", D, "Thị"),
    # o
    ("Hoa", A, "Hóa"),
    ("Hoa", G, "Hòa"),
    ("khoe", H, "khỏe"),
    ("Vo", T, "Võ"),
    ("Ngoc", D, "Ngọc"),
    # ô
    ("Quôc", A, "Quốc"),
    ("Hô", G, "Hồ"),
    ("Phô", H, "Phổ"),
    ("Đô", T, "Đỗ"),
    ("Lôc", D, "Lộc"),
    # ơ
    ("Lơn", A, "Lớn"),
    ("Thơi", G, "Thời"),
    ("thuơ", H, "thuở"),
    ("vơ", T, "vỡ"),
    ("Chơ", D, "Chợ"),
    # u
    ("Thuy", A, "Thúy"),
    ("Bui", G, "Bùi"),
    ("Thuy", H, "Thủy"),
    ("Vu", T, "Vũ"),
    ("Luc", D, "Lục"),
    # ư
    ("Thưc", A, "Thức"),
    ("Tư", G, "Từ"),
    ("Cưa", H, "Cửa"),
    ("Giưa", T, "Giữa"),
    ("Tư", D, "Tự"),
    # y
    ("quy", A, "quý"),
    ("Quynh", G, "Quỳnh"),
    ("khuyu", H, "khuỷu"),
    ("My", T, "Mỹ"),
    ("My", D, "Mỵ"),
    # the rules, one by one
    ("gia", A, "giá"),  # gi + vowel is a consonant
    ("gi", G, "gì"),  # gi alone is g + i
    ("giơ", G, "giờ"),
    ("giêng", A, "giếng"),
    ("qua", A, "quá"),  # qu is a consonant
    ("Quang", H, "Quảng"),
    ("Quyên", G, "Quyền"),
    ("Hương", G, "Hường"),  # of ươ, the ơ
    ("ngươi", G, "người"),
    ("rươu", D, "rượu"),
    ("đương", G, "đường"),
    ("muôi", A, "muối"),  # the vowel with a diacritic
    ("khuây", A, "khuấy"),
    ("Tuyêt", A, "Tuyết"),
    ("Hiêu", A, "Hiếu"),
    ("yêu", A, "yếu"),
    ("Thuân", D, "Thuận"),
    ("ngoai", G, "ngoài"),  # three vowels: the middle one
    ("xoay", A, "xoáy"),
    ("ngoeo", D, "ngoẹo"),
    ("toan", A, "toán"),  # two vowels and a final consonant: the second
    ("hoach", D, "hoạch"),
    ("Huynh", G, "Huỳnh"),
    ("mai", A, "mái"),  # two vowels, no final consonant: the first
    ("mua", A, "múa"),
    ("mia", A, "mía"),
    ("cua", H, "của"),
    ("Đinh", D, "Định"),
    ("Trân", G, "Trần"),
]

BASE_VOWELS = "aăâeêioôơuưy"
TONED = {tone: unicodedata.normalize("NFC", "".join(v + mark for v in BASE_VOWELS)) for tone, mark in (
    (A, "\u0301"), (G, "\u0300"), (H, "\u0309"), (T, "\u0303"), (D, "\u0323"),
)}  # fmt: skip


def test_the_table_has_every_vowel_with_every_tone() -> None:
    shown = {c for _, _, expected in WORDS for c in expected.lower()}
    missing = [c for tone in TONED for c in TONED[tone] if c not in shown]
    assert len(WORDS) >= 60
    assert missing == []


@pytest.mark.parametrize("case", [str, str.upper], ids=["as-written", "upper"])
@pytest.mark.parametrize(("typed", "tone", "expected"), WORDS, ids=[f"{w[2]}" for w in WORDS])
def test_real_words(typed: str, tone: Tone, expected: str, case: Callable[[str], str]) -> None:
    assert add_tone(case(typed), tone) == case(expected)


@pytest.mark.parametrize(("typed", "tone", "expected"), WORDS, ids=[f"{w[2]}" for w in WORDS])
def test_the_same_tone_again_removes_it_and_another_replaces_it(
    typed: str, tone: Tone, expected: str
) -> None:
    assert add_tone(expected, tone) == typed
    other = Tone.DOT if tone is Tone.ACUTE else Tone.ACUTE
    assert add_tone(expected, other) == add_tone(typed, other)
    assert add_tone(expected, Tone.LEVEL) == typed


def test_the_tone_goes_on_the_last_word_only() -> None:
    assert add_tone("Định Hoa", A) == "Định Hóa"
    assert add_tone("Thái Nguyên", T) == "Thái Nguyễn"
    assert add_tone("Hoa, ", A) == "Hóa, "  # a space after the word: still the word just typed
    assert add_tone("Tổ 12", A) == "Tố 12"  # hỏi replaced by sắc, the number left as it is
    assert add_tone("xã Đông-Hoa", G) == "xã Đông-Hòa"


def test_words_without_a_vowel_and_texts_without_words_are_unchanged() -> None:
    for text in ("", "đ", "Nh", "12", " , ", "Hà Nội 1"):
        for tone in Tone:
            if text != "Hà Nội 1":
                assert add_tone(text, tone) == text
    assert add_tone("Hà Nội 1", L) == "Hà Nôi 1"


def test_words_that_are_not_one_syllable_get_the_tone_in_their_last_vowels() -> None:
    assert add_tone("Hanoi", A) == "Hanói"
    assert tone_position("xyz") == 1
    assert tone_position("bcd") is None


def test_nfd_input_gives_nfc_output() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyên")
    assert add_tone(nfd, T) == "Nguyễn"
    assert unicodedata.is_normalized("NFC", add_tone(nfd, T))


def test_tone_of_and_strip_tones() -> None:
    assert tone_of("Nguyễn") is T
    assert tone_of("Nguyên") is L
    assert strip_tones("Định Hóa, Thái Nguyên") == "Đinh Hoa, Thai Nguyên"
    assert Tone.DOT.key == "tone:dot"


# ------------------------------------------------------------------------------------------------ press()
def typed(*keys: str) -> str:
    text = ""
    for key in keys:
        text = press(text, key)
    return text


def keys_for(text: str) -> list[str]:
    return [SPACE if c == " " else c for c in text]


def test_typing_a_name_letter_by_letter_then_its_tones() -> None:
    keys = [*keys_for("Nguyên"), T.key, SPACE, *keys_for("Thi"), D.key, SPACE, *keys_for("Hương")]
    assert typed(*keys) == "Nguyễn Thị Hương"


def test_a_tone_pressed_early_moves_as_the_word_grows_or_shrinks() -> None:
    assert typed("t", "o", A.key, "a", "n") == "toán"
    assert typed("t", "o", A.key, "a", "n", BACKSPACE) == "tóa"
    assert typed("g", "i", G.key, "a") == "già"
    assert typed("H", "o", A.key, "a") == "Hóa"


def test_backspace_space_clear_and_punctuation() -> None:
    assert typed(*keys_for("Nguyên"), T.key, BACKSPACE) == "Nguyễ"
    assert typed("a", SPACE, BACKSPACE, BACKSPACE, BACKSPACE) == ""
    assert typed("H", "à", ",", SPACE, "1", "/", "2", "-", "3", ".") == "Hà, 1/2-3."
    assert typed("a", "b", CLEAR) == ""
    assert typed("A", " ") == "A "


@pytest.mark.parametrize("key", ["", "ab", "tone:rising", "\n", "enter"])
def test_unknown_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="key"):
        press("a", key)


# ------------------------------------------------------------------------------------------------ properties
_LETTERS = sorted(
    {
        unicodedata.normalize("NFC", c + m)
        for c in BASE_VOWELS
        for m in ("", *"\u0301\u0300\u0309\u0303\u0323")
    }
    | set("bcdđghklmnpqrstvx")
)
LETTERS = "".join(_LETTERS) + "".join(c.upper() for c in _LETTERS)
SEPARATORS = " ,-./0123456789"
tones = st.sampled_from(list(Tone))
marks = st.sampled_from([t for t in Tone if t is not Tone.LEVEL])
words = st.text(alphabet=LETTERS, min_size=1, max_size=8)
bare_words = words.map(strip_tones)
separators = st.text(alphabet=SEPARATORS, min_size=1, max_size=3)


@st.composite
def sentences(draw: st.DrawFn) -> tuple[str, str, str]:
    """(everything before the last word, the last word, the non-letters after it)."""
    before = "".join(draw(words) + draw(separators) for _ in range(draw(st.integers(0, 3))))
    return before, draw(words), draw(st.text(alphabet=SEPARATORS, max_size=3))


def tone_marks(word: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in "\u0301\u0300\u0309\u0303\u0323")


@given(sentences(), tones)
@example(("Định ", "Hoa", ", "), Tone.ACUTE)
def test_only_the_last_word_changes_and_gets_at_most_one_mark(
    parts: tuple[str, str, str], tone: Tone
) -> None:
    before, word, after = parts
    result = add_tone(before + word + after, tone)
    assert unicodedata.is_normalized("NFC", result)
    assert result.startswith(before)
    assert result.endswith(after)
    changed = result[len(before) : len(result) - len(after)]
    assert strip_tones(changed) == strip_tones(word)
    assert tone_marks(changed) <= 1


@given(bare_words, marks)
def test_a_tone_then_level_gives_the_word_back(word: str, tone: Tone) -> None:
    toned = add_tone(word, tone)
    assert strip_tones(toned) == word
    assert add_tone(toned, Tone.LEVEL) == word
    assert add_tone(toned, tone) == word  # pressed twice: off again
    if tone_position(word) is not None:
        assert tone_of(toned) is tone
        assert tone_marks(toned) == 1
    else:
        assert toned == word


@given(bare_words, marks, st.integers(0, 8))
def test_the_tone_key_may_come_before_the_words_end(word: str, tone: Tone, split: int) -> None:
    head, tail = word[:split], word[split:]
    if tone_position(head) is None:
        return  # a tone on a word without a vowel does nothing: nothing to move later
    assert typed(*head, tone.key, *tail) == add_tone(word, tone)


@given(st.lists(st.sampled_from([*LETTERS, *",-./0123456789", SPACE, BACKSPACE, *(t.key for t in Tone)])))
def test_any_key_sequence_gives_nfc_text_with_at_most_one_mark_per_word(keys: list[str]) -> None:
    text = typed(*keys)
    assert unicodedata.is_normalized("NFC", text)
    for word in re.findall(r"[^\W\d_]+", text):
        assert tone_marks(word) <= 1, word


# ------------------------------------------------------------------------------------------------ oracle
def listed(text: str) -> list[str]:
    return text.split()


ONSETS = ["", *listed("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x")]
RHYMES = listed("""a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu i ia ich iêc iêm iên iêng iêp iêt iêu im in inh ip it iu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet oi om on ong oc op ot
ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt u ua uân uâng uât uây uc uê uêch uênh ui um un ung uôc uôi uôm uôn uông
uôt up ut uy uya uych uyên uyêt uynh uyp uyt uyu ư ưa ưc ưi ưng ươc ươi ươm ươn ương ươp ươt ươu ưt ưu ưm ưn
y yêm yên yêng yêt yêu""")
# Rhymes left out: "oong"/"ooc" (boong, soóc) and "uơ" (thuở) cannot be typed in Telex, where "oo" is ô and
# "uo…w" is ươ; they are in WORDS above.
TELEX_LETTERS = {"ă": "aw", "â": "aa", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}
TELEX_TONES = {Tone.ACUTE: "s", Tone.GRAVE: "f", Tone.HOOK: "r", Tone.TILDE: "x", Tone.DOT: "j"}


def syllables() -> list[str]:
    return [
        onset + rhyme
        for onset in ONSETS
        for rhyme in RHYMES
        if not (onset == "qu" and rhyme[0] in "uư") and not (onset == "gi" and rhyme[0] in "iy")
    ]


def test_every_syllable_of_the_language_agrees_with_bogo() -> None:
    bogo = pytest.importorskip("bogo")
    disagree = []
    for syllable in syllables():
        for tone, telex_key in TELEX_TONES.items():
            telex = "".join(TELEX_LETTERS.get(c, c) for c in syllable) + telex_key
            theirs = bogo.process_sequence(telex)
            for case in (str, str.title, str.upper):  # bogo itself mishandles capitals ("OÁo")
                ours = add_tone(case(syllable), tone)
                if ours != case(theirs):
                    disagree.append(f"{case(syllable)} + {tone}: {ours} (bogo {case(theirs)})")
    assert len(syllables()) > 3000
    assert disagree == []
