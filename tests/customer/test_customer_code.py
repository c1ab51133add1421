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
    CORPORATION_BY_PREFIX,
    DIGITS,
    PREFIXES,
    CitizenId,
    CodeProblem,
    FoundCode,
    NotACustomerCode,
    check_code,
    code_from_scan,
    group_code,
    normalise_code,
)
from kiosk.customer.vietqr import VietQR, encode
from kiosk_central import accounts

CODE = "PE01000123456"
CITIZEN_ID_QR = (
    "001099012345|123456789|Nguyễn Văn A|01011990|Nam|12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội|01012021"
)

codes = st.builds(
    str.__add__, st.sampled_from(PREFIXES), st.from_regex(rf"[0-9]{{{DIGITS}}}", fullmatch=True)
)


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


# ---------------------------------------------------------------------------------------------- the rule
def test_the_prefixes_mirror_the_reference_server() -> None:
    assert {prefix: info.code for prefix, info in accounts.CORPORATION_BY_PREFIX.items()} == dict(
        CORPORATION_BY_PREFIX
    )
    assert PREFIXES == ("PA", "PB", "PC", "PD", "PE", "PH", "PK", "PM", "PN", "PP", "PQ")
    assert CODE_LENGTH == len(CODE) == 13


@given(st.from_regex(r"[A-Z]{2}[0-9]{10,12}", fullmatch=True) | st.text(max_size=15))
def test_a_complete_code_is_one_the_reference_server_accepts(text: str) -> None:
    try:
        accounts.corporation_of(text)
    except accounts.InvalidCustomerCodeError:
        server_accepts = False
    else:
        server_accepts = True
    assert (check_code(text).complete and check_code(text).code == text) == server_accepts


@pytest.mark.parametrize(
    ("text", "problem", "on_track", "missing"),
    [
        ("", CodeProblem.NO_PREFIX, True, 11),
        ("p", CodeProblem.NO_PREFIX, True, 11),
        ("1", CodeProblem.NO_PREFIX, False, 0),
        ("P1", CodeProblem.NO_PREFIX, False, 0),
        ("01000123456", CodeProblem.NO_PREFIX, False, 0),
        ("X", CodeProblem.UNKNOWN_PREFIX, False, 0),
        ("PZ", CodeProblem.UNKNOWN_PREFIX, False, 0),
        ("PZ01000123456", CodeProblem.UNKNOWN_PREFIX, False, 0),
        ("PE", CodeProblem.TOO_SHORT, True, 11),
        ("pe01 000 12", CodeProblem.TOO_SHORT, True, 4),
        ("PE01O00123456", CodeProblem.NOT_DIGITS, False, 0),
        ("PE01000123456²", CodeProblem.NOT_DIGITS, False, 0),
        ("PE010001234567", CodeProblem.TOO_LONG, False, 0),
        ("PE01000123456", None, True, 0),
        (" pe01-000.123 456\n", None, True, 0),
    ],
)
def test_check_code_says_what_is_wrong(
    text: str, problem: CodeProblem | None, on_track: bool, missing: int
) -> None:
    check = check_code(text)
    assert (check.problem, check.on_track, check.digits_missing) == (problem, on_track, missing)
    assert check.complete == (problem is None)


def test_check_code_normalises_and_names_the_corporation() -> None:
    check = check_code("pd 01-000.123 456")
    assert check.code == "PD01000123456"
    assert check.corporation == "EVNHANOI"
    assert check_code("P").corporation is None
    assert check_code("PA0").corporation == "EVNNPC"
    assert normalise_code("pe\u201301\u00a0000") == "PE01000"


@given(codes)
def test_typing_a_code_stays_on_track_and_counts_down(code: str) -> None:
    for end in range(CODE_LENGTH):
        check = check_code(code[:end])
        assert check.on_track
        assert check.problem in (CodeProblem.NO_PREFIX, CodeProblem.TOO_SHORT)
        assert check.digits_missing == DIGITS - max(0, end - 2)
    assert check_code(code).complete
    assert check_code(code).digits_missing == 0


@given(st.text(alphabet=string.ascii_letters + string.digits + " -.", max_size=20))
def test_off_track_text_cannot_become_a_code(text: str) -> None:
    check = check_code(text)
    if not check.on_track:
        assert not check_code(text + "0" * DIGITS).complete
        assert check.digits_missing == 0


# ---------------------------------------------------------------------------------------------- grouping
@pytest.mark.parametrize(
    ("code", "grouped"),
    [
        ("", ""),
        ("PE0", "PE0"),
        ("PE01", "PE01"),
        ("PE010", "PE01 0"),
        ("PE0100012", "PE01 000 12"),
        (CODE, "PE01 000 123 456"),
        ("PE010001234567", "PE01 000 123 456 7"),
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
        "PE01 000 123 456",
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
        "",
        "   \r\n",
        "8934567890123",  # an EAN-13 product barcode
        "PZ01000123456",
        "PE0100012345",
        "PE010001234567",
        "XPE01000123456",  # glued to a letter: part of something else
        "PE01000123456789",
        "PE01 000 123 456 789",
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
    text = separator.join([code[:4], code[4:7], code[7:10], code[10:]])
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
