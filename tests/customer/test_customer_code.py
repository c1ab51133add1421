"""Customer codes: checking what is typed, grouping for display, and finding the code in what a scanner read."""

from __future__ import annotations

import string
from typing import assert_never
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.customer.code import (
    CODE_LENGTH,
    CODE_RULE,
    CORPORATION_BY_PREFIX,
    DIGITS,
    PREFIXES,
    UNIT_LENGTH,
    CitizenId,
    CodeProblem,
    FoundCode,
    NotACustomerCode,
    check_code,
    code_from_scan,
    group_code,
    is_unit_code,
    normalise_code,
)
from kiosk.customer.vietqr import VietQR, encode
from kiosk_central import accounts
from kiosk_central.schemas.common import CORPORATION_PREFIXES, CustomerCode

CODE = "PE01000123456"
LETTERED = "PC05CC0123456"  # Điện lực Hội An: most real unit codes have letters
CITIZEN_ID_QR = (
    "001099012345|123456789|Nguyễn Văn A|01011990|Nam|12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội|01012021"
)

# Every code the rule allows: a known prefix, 4 letters or digits, 7 digits.
codes = st.builds(
    lambda prefix, unit, number: prefix + unit + number,
    st.sampled_from(PREFIXES),
    st.from_regex(r"[0-9A-Z]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{7}", fullmatch=True),
)
_CENTRAL_PATTERN = CustomerCode.__metadata__[0].metadata[0].pattern  # type: ignore[attr-defined]


def _vietqr(purpose: str | None, bill_number: str | None = None) -> str:
    qr = VietQR(
        bank_bin="970436",
        account_number="0071000888888",
        amount=356_400,
        purpose=purpose,
        bill_number=bill_number,
        dynamic=True,
    )
    return encode(qr)


def _corrupted(payload: str) -> str:
    last = "1" if payload[-1] != "1" else "2"
    return payload[:-1] + last


def _central_accepts(text: str) -> bool:
    try:
        accounts.corporation_of(text)
    except accounts.InvalidCustomerCodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- the rule
def test_the_prefixes_mirror_the_reference_server() -> None:
    assert {prefix: info.code for prefix, info in accounts.CORPORATION_BY_PREFIX.items()} == dict(
        CORPORATION_BY_PREFIX
    )
    assert PREFIXES == ("PA", "PB", "PC", "PD", "PE", "PH", "PK", "PM", "PN", "PP", "PQ")
    assert tuple(sorted(accounts.CORPORATION_BY_PREFIX)) == CORPORATION_PREFIXES == PREFIXES
    assert CODE_LENGTH == UNIT_LENGTH + DIGITS == len(CODE) == len(LETTERED) == 13


def test_the_rule_is_the_contracts() -> None:
    assert accounts.CODE_PATTERN.pattern == _CENTRAL_PATTERN == f"^{CODE_RULE}$"


@pytest.mark.parametrize(
    "code",
    # Real unit codes (DOMAIN.md): letters in the unit part in many places, all digits in others.
    ["PC05CC0123456", "PC12AA0000001", "PA02DH9999999", "PA23HY0123456", "PNHL000123456", "PNGV000000000",
     "PE01000123456", "PB11010123456", "PK01000123456", "PQ02000123456"],
)  # fmt: skip
def test_real_codes_are_accepted_by_kiosk_and_central(code: str) -> None:
    assert check_code(code).complete
    assert _central_accepts(code)
    assert code_from_scan(code) == FoundCode(code)


@given(st.from_regex(CODE_RULE, fullmatch=True))
def test_every_string_the_rule_allows_is_accepted_by_both(text: str) -> None:
    assert check_code(text).complete
    assert _central_accepts(text)


@given(st.from_regex(r"P[A-Z][0-9A-Z]{4}[0-9]{7}", fullmatch=True))
def test_every_string_of_the_codes_shape_is_accepted_by_both_when_its_prefix_is_known(text: str) -> None:
    known = text[:2] in CORPORATION_BY_PREFIX
    assert check_code(text).complete == known == _central_accepts(text)
    if not known:
        assert check_code(text).problem is CodeProblem.UNKNOWN_PREFIX


@given(codes)
def test_every_code_is_accepted_by_both(code: str) -> None:
    check = check_code(code)
    assert (check.complete, check.code, check.unit) == (True, code, code[:UNIT_LENGTH])
    assert _central_accepts(code)


@given(
    st.from_regex(r"[A-Z]{2}[0-9A-Z]{4}[0-9]{6,8}", fullmatch=True)
    | st.from_regex(r"[A-Z]{2}[0-9A-Z]{5}[0-9]{6}", fullmatch=True)
    | st.text(max_size=15)
)
def test_a_complete_code_is_one_the_reference_server_accepts(text: str) -> None:
    assert (check_code(text).complete and check_code(text).code == text) == _central_accepts(text)


@given(codes, st.data())
def test_near_misses_are_refused_with_the_right_problem(code: str, data: st.DataObject) -> None:
    """One character off a valid code: the kiosk refuses it and says what a typist should fix; so does the
    central (422 before it looks the account up)."""
    position = data.draw(st.integers(0, CODE_LENGTH - 1), label="position")
    unit_char = data.draw(st.sampled_from(["@", "Đ", "²", "a"]), label="not A-Z or 0-9")
    letter = data.draw(st.sampled_from(string.ascii_uppercase), label="letter")
    near_misses = {
        code[:-1]: CodeProblem.TOO_SHORT,
        code + "0": CodeProblem.TOO_LONG,
        code[: UNIT_LENGTH - 1]: CodeProblem.UNIT_INCOMPLETE,
        code[:UNIT_LENGTH] + letter + code[UNIT_LENGTH + 1 :]: CodeProblem.NOT_DIGITS,
        "PZ" + code[2:]: CodeProblem.UNKNOWN_PREFIX,
        "X" + code[1:]: CodeProblem.UNKNOWN_PREFIX,
        "1" + code[1:]: CodeProblem.NO_PREFIX,
    }
    if 2 <= position < UNIT_LENGTH and unit_char != "a":  # "a" is upper-cased: a typist's "a" is "A"
        near_misses[code[:position] + unit_char + code[position + 1 :]] = CodeProblem.BAD_UNIT_CHARACTER
    for text, problem in near_misses.items():
        check = check_code(text)
        assert check.problem is problem, text
        assert not _central_accepts(text), text


@pytest.mark.parametrize(
    ("text", "problem", "on_track", "unit_missing", "digits_missing"),
    [
        ("", CodeProblem.NO_PREFIX, True, 6, 7),
        ("p", CodeProblem.NO_PREFIX, True, 5, 7),
        ("1", CodeProblem.NO_PREFIX, False, 0, 0),
        ("P1", CodeProblem.NO_PREFIX, False, 0, 0),
        ("01000123456", CodeProblem.NO_PREFIX, False, 0, 0),
        ("X", CodeProblem.UNKNOWN_PREFIX, False, 0, 0),
        ("PZ", CodeProblem.UNKNOWN_PREFIX, False, 0, 0),
        ("PZ01000123456", CodeProblem.UNKNOWN_PREFIX, False, 0, 0),
        ("PE", CodeProblem.UNIT_INCOMPLETE, True, 4, 7),
        ("pc05c", CodeProblem.UNIT_INCOMPLETE, True, 1, 7),
        ("PC05CC", CodeProblem.TOO_SHORT, True, 0, 7),
        ("pe01 000 12", CodeProblem.TOO_SHORT, True, 0, 4),
        ("pc05cc 012 3", CodeProblem.TOO_SHORT, True, 0, 3),
        ("PC05C@0123456", CodeProblem.BAD_UNIT_CHARACTER, False, 0, 0),
        ("PA02ĐH0123456", CodeProblem.BAD_UNIT_CHARACTER, False, 0, 0),
        ("PE01O00123456", None, True, 0, 0),  # a letter O in the unit code is one (PE01O0)
        ("PE0100O123456", CodeProblem.NOT_DIGITS, False, 0, 0),  # in the 7 digits, it is not
        ("PC05CC012345O", CodeProblem.NOT_DIGITS, False, 0, 0),
        ("PE01000123456²", CodeProblem.NOT_DIGITS, False, 0, 0),
        ("PE010001234567", CodeProblem.TOO_LONG, False, 0, 0),
        ("PC05CC01234567", CodeProblem.TOO_LONG, False, 0, 0),
        ("PE01000123456", None, True, 0, 0),
        ("PC05CC0123456", None, True, 0, 0),
        (" pc05cc-012.3456\n", None, True, 0, 0),
    ],
)
def test_check_code_says_what_is_wrong(
    text: str, problem: CodeProblem | None, on_track: bool, unit_missing: int, digits_missing: int
) -> None:
    check = check_code(text)
    assert (check.problem, check.on_track, check.unit_missing, check.digits_missing) == (
        problem,
        on_track,
        unit_missing,
        digits_missing,
    )
    assert check.complete == (problem is None)


def test_check_code_normalises_and_names_the_corporation_and_the_unit() -> None:
    check = check_code("pd 01-000.123 456")
    assert check.code == "PD01000123456"
    assert check.corporation == "EVNHANOI"
    assert check.unit == "PD0100"
    assert check_code("pc05cc 012 3456").corporation == "EVNCPC"
    assert check_code("P").corporation is None
    assert check_code("PA0").corporation == "EVNNPC"
    assert check_code("PA0").unit is None
    assert check_code("PZ05CC").unit is None
    assert normalise_code("pe\u201301\u00a0000") == "PE01000"


@pytest.mark.parametrize(
    ("text", "unit"),
    [("PC05CC", True), ("PNHL00", True), ("PE0100", True), ("PC05C", False), ("PC05CCC", False),
     ("PZ05CC", False), ("pc05cc", False), ("PC05Đ0", False)],
)  # fmt: skip
def test_is_unit_code(text: str, unit: bool) -> None:
    assert is_unit_code(text) is unit


@given(codes)
def test_typing_a_code_stays_on_track_and_counts_down(code: str) -> None:
    for end in range(CODE_LENGTH):
        check = check_code(code[:end])
        assert check.on_track
        assert check.problem in (CodeProblem.NO_PREFIX, CodeProblem.UNIT_INCOMPLETE, CodeProblem.TOO_SHORT)
        assert check.unit_missing == max(0, UNIT_LENGTH - end)
        assert check.digits_missing == DIGITS - max(0, end - UNIT_LENGTH)
    assert check_code(code).complete
    assert (check_code(code).unit_missing, check_code(code).digits_missing) == (0, 0)


@given(st.text(alphabet=string.ascii_letters + string.digits + " -.", max_size=20))
def test_off_track_text_cannot_become_a_code(text: str) -> None:
    check = check_code(text)
    if not check.on_track:
        for tail in ("0" * CODE_LENGTH, "A" * UNIT_LENGTH + "0" * DIGITS):
            assert not check_code(text + tail).complete
        assert check.unit_missing == check.digits_missing == 0


# ---------------------------------------------------------------------------------------------- grouping
@pytest.mark.parametrize(
    ("code", "grouped"),
    [
        ("", ""),
        ("PE0", "PE0"),
        ("PE0100", "PE0100"),
        ("PE01000", "PE0100 0"),
        ("PE0100012", "PE0100 012"),
        ("PE01000123", "PE0100 012 3"),
        (CODE, "PE0100 012 3456"),
        (LETTERED, "PC05CC 012 3456"),
        ("PE010001234567", "PE0100 012 34567"),
    ],
)
def test_group_code(code: str, grouped: str) -> None:
    assert group_code(code) == grouped


@given(st.text(alphabet=string.ascii_uppercase + string.digits, max_size=20))
def test_group_code_only_adds_spaces(text: str) -> None:
    grouped = group_code(text)
    assert grouped.replace(" ", "") == text
    assert "  " not in grouped
    assert grouped == grouped.strip()


# ---------------------------------------------------------------------------------------------- scans
@pytest.mark.parametrize(
    "scanned",
    [
        CODE,
        "pe01000123456",
        "  PE01000123456\r\n",
        "PE01-000-123-456",
        "PE01 000 123 456",  # as earlier versions of this kiosk printed it
        "PE0100 012 3456",  # as this kiosk shows it
        "PE0100 0123456",
        "pe0100.012.3456",
        "]Q1PE01000123456",
        "\x02PE01000123456\x03",
        "https://cskh.evnhcmc.vn/tra-cuu?makh=PE01000123456",
        "https://example.vn/tra-cuu?lang=vi&ma_kh=pe01+000+123+456",
        "HTTPS://example.vn/?customer_code=PE01%2D000%2D123%2D456",
        "https://example.vn/khach-hang/PE01000123456/hoa-don",
        "https://example.vn/?q=ma+kh+PE01000123456",
        "https://[::1/?makh=PE01000123456",  # not a URL urlsplit accepts: read as text
        "Mã KH: PE01000123456 - Kỳ 01/2024",
        "Ma khach hang: PE01 000 123 456\nSo tien: 356.400",
        "Mã KH: PE0100 012 3456\nKỳ: 05/2026",
        "PE01000123456 PE01000123456",  # the same code twice (text and QR on one label) is not ambiguous
        "AB01000123456 PE01000123456",  # a code-shaped token with no known prefix is not a code
        _vietqr("TT PE01000123456"),
        _vietqr("EVN", bill_number="PE01000123456"),
    ],
)
def test_scans_holding_the_code(scanned: str) -> None:
    assert code_from_scan(scanned) == FoundCode(CODE)


@pytest.mark.parametrize(
    "scanned",
    [
        LETTERED,
        "pc05cc0123456",
        "]Q1PC05CC0123456\r\n",
        "PC05CC 012 3456",
        "PC05CC-0123456",
        "https://cskh.cpc.vn/tra-cuu?makh=PC05CC0123456",
        "https://example.vn/khach-hang/pc05cc0123456/hoa-don",
        "Mã KH: PC05CC 012 3456 - Kỳ 05/2026",
        "Điện lực Hội An PC05CC0123456",
        "AB12CD0123456 PC05CC0123456",  # code-shaped, but no corporation's prefix
        _vietqr("TT PC05CC0123456"),
        _vietqr("EVN", bill_number="PC05CC 012 3456"),
    ],
)
def test_scans_holding_a_code_with_letters(scanned: str) -> None:
    assert code_from_scan(scanned) == FoundCode(LETTERED)


@pytest.mark.parametrize(
    "scanned",
    [
        "",
        "   \r\n",
        "8934567890123",  # an EAN-13 product barcode
        "PZ01000123456",
        "PE0100012345",
        "PE010001234567",
        "XPE01000123456",  # glued to a letter: part of something else
        "PE01000123456789",
        "PE01 000 123 456 789",
        "PE0100 012 3456 789",  # runs on into another group: part of a longer number
        "XPC05CC0123456",
        "PC05CC01234567",
        "PC05CC0123456 PA02DH0123456",  # two different codes, lettered: ambiguous
        "PE01000123456 PD01000123456",  # two different codes: ambiguous
        "https://example.vn/?a=PE01000123456&b=PD01000123456",
        "https://example.vn/tra-cuu?makh=",
        _vietqr("thanh toan tien dien"),
        _corrupted(_vietqr("TT PE01000123456")),  # the CRC no longer matches
        "Hello, world",
    ],
)
def test_scans_without_a_code(scanned: str) -> None:
    assert code_from_scan(scanned) == NotACustomerCode()


@pytest.mark.parametrize(
    "scanned",
    [
        CITIZEN_ID_QR,
        "001099012345||Nguyen Van A|01011990|Nam|Ha Noi|01012021\r\n",
        "]Q1001099012345|123456789",
    ],
)
def test_a_citizen_id_card_is_recognised(scanned: str) -> None:
    assert code_from_scan(scanned) == CitizenId()


def test_a_citizen_id_carries_nothing_from_the_card() -> None:
    assert "001099012345" not in repr(code_from_scan(CITIZEN_ID_QR))


def test_readings_match_exhaustively() -> None:
    def describe(scanned: str) -> str:
        match code_from_scan(scanned):
            case FoundCode(code):
                return code
            case CitizenId():
                return "id card"
            case NotACustomerCode():
                return "nothing"
            case unexpected:
                assert_never(unexpected)

    assert [describe(s) for s in (CODE, CITIZEN_ID_QR, "x")] == [CODE, "id card", "nothing"]


# ---------------------------------------------------------------------------------------------- properties
@settings(max_examples=500)
@given(
    st.text(st.characters(exclude_categories=()))
    | st.builds(
        str.__add__,
        st.sampled_from(["000201", "http://", "https://x/?a=", "]Q1", "001099012345|"]),
        st.text(),
    )
)
def test_code_from_scan_never_raises(text: str) -> None:
    assert isinstance(code_from_scan(text), FoundCode | NotACustomerCode | CitizenId)


# Noise that cannot hold a code or pass for an ID card: no ASCII digits.
noise = st.text(st.characters(exclude_characters=string.digits, exclude_categories=("Cs",)), max_size=30)
separators = st.sampled_from(["", " ", "-", "."])


@given(codes, separators, st.sampled_from(["", " ", "\r\n", "\t"]), st.booleans())
def test_every_code_round_trips_bare(code: str, separator: str, edge: str, lower: bool) -> None:
    text = separator.join([code[:6], code[6:9], code[9:]])
    assert code_from_scan(edge + (text.lower() if lower else text) + edge) == FoundCode(code)


@given(
    codes,
    st.sampled_from(["makh", "ma_kh", "customer_code", "code", "x"]),
    st.dictionaries(st.sampled_from(["lang", "ky", "t"]), st.text(max_size=10), max_size=2),
    st.booleans(),
)
def test_every_code_round_trips_in_a_url(code: str, name: str, others: dict[str, str], grouped: bool) -> None:
    value = group_code(code) if grouped else code
    query = "&".join(f"{k}={quote(v)}" for k, v in [*others.items(), (name, value)])
    assert code_from_scan(f"https://cskh.example.vn/tra-cuu?{query}") == FoundCode(code)


@given(codes, st.sampled_from(["", "TT ", "EVN ", "TTTD "]), st.sampled_from(["", " T01"]))
def test_every_code_round_trips_in_a_vietqr(code: str, before: str, after: str) -> None:
    assert code_from_scan(_vietqr(before + code + after)) == FoundCode(code)


@given(codes, noise, noise, st.booleans())
def test_every_code_round_trips_with_noise(code: str, left: str, right: str, grouped: bool) -> None:
    text = group_code(code) if grouped else code
    assert code_from_scan(f"{left} {text} {right}") == FoundCode(code)


@given(codes, codes, noise)
def test_two_different_codes_are_never_guessed_between(first: str, second: str, between: str) -> None:
    expected = FoundCode(first) if first == second else NotACustomerCode()
    assert code_from_scan(f"{first} {between} {second}") == expected
