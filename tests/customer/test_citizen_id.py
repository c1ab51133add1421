"""Reading the citizen ID card's QR: real-shaped cards are read, anything else is told apart, nothing raises."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.customer.citizen_id import CitizenCard, IdCardProblem, read_citizen_id

TODAY = date(2026, 11, 23)
CARD = "079088001234|025123456|Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng, Phường Bến Nghé, TP Hồ Chí Minh|20052021"


def test_a_card_is_read_into_the_fields_a_request_needs() -> None:
    card = read_citizen_id(CARD, today=TODAY)
    assert card == CitizenCard(
        id_number="079088001234",
        full_name="Nguyễn Thị Hương",
        birth_date=date(1988, 4, 15),
        sex="female",
        address="12 Lý Tự Trọng, Phường Bến Nghé, TP Hồ Chí Minh",
        issue_date=date(2021, 5, 20),
    )
    assert "Hương" not in repr(card)  # a card never reaches a log line through its repr


@pytest.mark.parametrize(
    "text",
    [
        "]Q1" + CARD,  # the scanner's symbology prefix
        CARD + "\r\n",  # keyboard-mode scanners end the line
        CARD.replace("025123456", ""),  # no old ID number, as on most new cards
        CARD.replace("Nữ", "NAM"),
        "079088001234||Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031bng|15041988|Nữ|Hà Nội|20052021",  # decomposed
    ],
)
def test_what_scanners_and_cards_really_send_is_read(text: str) -> None:
    card = read_citizen_id(text, today=TODAY)
    assert isinstance(card, CitizenCard)
    assert card.full_name in ("Nguyễn Thị Hương",)
    assert card.id_number == "079088001234"


@pytest.mark.parametrize(
    "text",
    [
        CARD,  # the seven fields of the CCCD
        CARD + "|",  # a trailing separator
        CARD + "|Nguyễn Văn Ba|Trần Thị Tư",  # a newer card's further fields
        CARD + "|||",
        CARD + "|ghi chú|" + "x" * 500,  # whatever comes after the seventh field is not read
    ],
    ids=["seven-fields", "trailing-bar", "nine-fields", "empty-extras", "long-extras"],
)
def test_the_seven_field_layout_and_longer_ones_are_read_with_the_issue_date(text: str) -> None:
    card = read_citizen_id(text, today=TODAY)
    assert isinstance(card, CitizenCard)
    assert (card.id_number, card.full_name, card.issue_date) == (
        "079088001234",
        "Nguyễn Thị Hương",
        date(2021, 5, 20),
    )
    assert card.address == "12 Lý Tự Trọng, Phường Bến Nghé, TP Hồ Chí Minh"


@pytest.mark.parametrize(
    "old_id",
    ["025123456", "", "079088001234"],
    ids=["old-9-digit-cmnd", "none", "earlier-12-digit-card"],
)
def test_the_old_id_number_in_the_second_field_is_accepted_and_not_kept(old_id: str) -> None:
    card = read_citizen_id(CARD.replace("025123456", old_id), today=TODAY)
    assert isinstance(card, CitizenCard)
    assert card.id_number == "079088001234"
    assert "025123456" not in str(vars(card))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("PE01000123456", IdCardProblem.NOT_AN_ID_CARD),  # a bill
        ("https://cskh.evn.vn/track/YCA7K3M9Q2", IdCardProblem.NOT_AN_ID_CARD),
        ("00020101021238570010A000000727", IdCardProblem.NOT_AN_ID_CARD),  # a VietQR
        ("", IdCardProblem.NOT_AN_ID_CARD),
        ("079088001234", IdCardProblem.NOT_AN_ID_CARD),  # just digits, no card fields
        ("a|b|c", IdCardProblem.NOT_AN_ID_CARD),  # some other code with separators
        ("PE01000123456|PE01000123457", IdCardProblem.NOT_AN_ID_CARD),
        ("079088001234|x", IdCardProblem.UNREADABLE),  # cut short
        ("|".join(CARD.split("|")[:6]), IdCardProblem.UNREADABLE),  # the issue date cut off
        # The ID number: missing, not digits, or not 12 digits (an 11-digit one is a card, not "no card").
        (CARD.replace("079088001234", ""), IdCardProblem.NO_ID_NUMBER),
        (CARD.replace("079088001234", "07908800123X"), IdCardProblem.NO_ID_NUMBER),
        (CARD.replace("079088001234", "79088001234"), IdCardProblem.ID_NUMBER_LENGTH),
        (CARD.replace("079088001234", "0790880012345"), IdCardProblem.ID_NUMBER_LENGTH),
        (CARD.replace("079088001234", "025123456"), IdCardProblem.ID_NUMBER_LENGTH),  # an old CMND first
        # The dates.
        (CARD.replace("15041988", "31021988"), IdCardProblem.BIRTH_DATE),  # no 31 February
        (CARD.replace("15041988", "1504198"), IdCardProblem.BIRTH_DATE),
        (CARD.replace("15041988", "1988-04-15"), IdCardProblem.BIRTH_DATE),
        (CARD.replace("15041988", ""), IdCardProblem.BIRTH_DATE),
        (CARD.replace("15041988", "15042027"), IdCardProblem.BIRTH_DATE),  # born in the future
        (CARD.replace("15041988", "15040188"), IdCardProblem.BIRTH_DATE),  # the year 188
        (CARD.replace("20052021", "20052027"), IdCardProblem.ISSUE_DATE),  # issued in the future
        (CARD.replace("20052021", "20051980"), IdCardProblem.ISSUE_DATE),  # issued before birth
        (CARD.replace("20052021", "32052021"), IdCardProblem.ISSUE_DATE),
        (CARD.replace("20052021", ""), IdCardProblem.ISSUE_DATE),
        # The rest of the seven fields.
        (CARD.replace("Nữ", "X"), IdCardProblem.UNREADABLE),
        (CARD.replace("025123456", "12345"), IdCardProblem.UNREADABLE),
        (CARD.replace("Nguyễn Thị Hương", " "), IdCardProblem.UNREADABLE),
        (CARD.replace("Nguyễn Thị Hương", "Nguyễn 2"), IdCardProblem.UNREADABLE),
        (CARD.replace("Nguyễn Thị Hương", "Nguyễn\x00Thị"), IdCardProblem.UNREADABLE),
        (CARD.replace("12 Lý Tự Trọng", "x" * 300), IdCardProblem.UNREADABLE),
    ],
)
def test_anything_else_is_told_apart(text: str, problem: IdCardProblem) -> None:
    assert read_citizen_id(text, today=TODAY) is problem


@settings(max_examples=500)
@given(st.text())
def test_no_text_makes_it_raise(text: str) -> None:
    assert isinstance(read_citizen_id(text, today=TODAY), CitizenCard | IdCardProblem)


_FIELD = st.text(alphabet=st.characters(blacklist_characters="|"), max_size=40)


@settings(max_examples=500)
@given(st.lists(_FIELD, min_size=7, max_size=7), st.integers(0, 6))
def test_a_card_with_any_field_damaged_is_never_read_as_another_card(fields: list[str], damaged: int) -> None:
    """Replace one field of a good card with random text: either the result is still the same person's
    (the random text happened to be valid there) or it is refused; it is never a card with other data."""
    good = CARD.split("|")
    mixed = [*good]
    mixed[damaged] = fields[damaged]
    result = read_citizen_id("|".join(mixed), today=TODAY)
    if isinstance(result, CitizenCard):
        original = read_citizen_id(CARD, today=TODAY)
        assert isinstance(original, CitizenCard)
        changed = {
            0: result.id_number != original.id_number,
            2: result.full_name != original.full_name,
            5: result.address != original.address,
        }
        # Only the damaged field may differ, and only where the card's data is carried.
        assert not any(differs for index, differs in changed.items() if index != damaged)
    else:
        assert isinstance(result, IdCardProblem)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789|abc ", max_size=60))
def test_digit_and_separator_soup_is_never_a_card(text: str) -> None:
    result = read_citizen_id(text, today=TODAY)
    if isinstance(result, CitizenCard):
        # Only possible if the soup really has the seven fields with valid dates and a name without digits.
        assert text.count("|") >= 6
