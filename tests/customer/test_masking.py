"""One masking rule for the customer's identifiers, wherever the screen shows them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.customer.masking import MASK, MASK_CHARACTERS, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("0912345678", "09•• ••• 678"),
        ("091 234 5678", "09•• ••• 678"),  # however it was grouped
        ("091*****78", "09•• ••• •78"),  # the central's mask, masked again: the same shape
        ("090••••999", "09•• ••• 999"),
        ("0912", "••••"),  # too short to keep any end
        ("", ""),
    ],
)
def test_a_phone_keeps_its_first_two_and_last_three_digits_in_the_keypads_groups(
    phone: str, shown: str
) -> None:
    assert mask_phone(phone) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("079088001234", "079 ••• ••• 234"),
        ("079 088 001 234", "079 ••• ••• 234"),
        ("C1234567", "C••••567"),
        ("X12345678", "X•••••678"),
        ("1234", "••• •"),
    ],
)
def test_an_id_number_keeps_its_ends_as_the_document_prints_it(number: str, shown: str) -> None:
    assert mask_id_number(number) == shown


@given(st.text(alphabet="0123456789", min_size=7, max_size=15))
def test_a_masked_phone_shows_five_digits_at_most_all_from_its_ends(phone: str) -> None:
    shown = mask_phone(phone).replace(" ", "")
    assert len(shown) == len(phone)
    visible = [i for i, c in enumerate(shown) if c not in MASK_CHARACTERS]
    assert visible == [0, 1, *range(len(phone) - 3, len(phone))]
    assert all(shown[i] == phone[i] for i in visible)


@given(st.text(alphabet="0123456789ABCX", min_size=1, max_size=14))
def test_a_masked_id_number_never_shows_more_than_six_characters(number: str) -> None:
    shown = mask_id_number(number).replace(" ", "")
    assert len(shown) == len(number)
    assert sum(c != MASK for c in shown) <= 6
    assert sum(c != MASK for c in shown) < len(number) or not number
