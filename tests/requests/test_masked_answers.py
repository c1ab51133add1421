"""What the review shows of each answer while "Xem đầy đủ" is not held (docs/privacy.md, "Over the customer's
shoulder"): enough for the customer to recognise it, not enough for a passer-by to find, call or pass for them;
and the same length as the whole answer, so that the screen does not move when it is shown in full."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.central.models import FormField, Service
from kiosk.customer.masking import MASK
from kiosk.requests.form import masked, shown
from kiosk_central import services_catalog

SERVICES = [Service.model_validate_json(s.model_dump_json()) for s in services_catalog.SERVICES]
SPECS = {spec.name: spec for service in SERVICES for spec in service.fields}


@pytest.mark.parametrize(
    ("name", "raw", "on_review"),
    [
        ("full_name", "Nguyễn Thị Hương", "Nguyễn T•• H••••"),
        ("address", "12 Lý Tự Trọng, Bến Thành, TP Hồ Chí Minh", "•• L• T• T••••, Bến Thành, TP Hồ Chí Minh"),
        (
            "address",
            "Số 12, ngõ 34, phố Huế, Hai Bà Trưng, Hà Nội",
            "S• ••, n•• ••, p•• H••, Hai Bà Trưng, Hà Nội",
        ),
        ("installation_address", "Xóm 3, Định Hóa, Thái Nguyên", "X•• •, Định Hóa, Thái Nguyên"),
        ("new_contact_address", "Thôn Đông", "T••• Đ•••"),  # one part: nothing of it kept
        ("new_invoice_name", "Trần Văn An", "Trần V•• A•"),
        ("id_issue_date", "20052021", "••/••/2021"),
        ("phone", "0912345678", "09•• ••• 678"),
        ("new_phone", "0912345678", "09•• ••• 678"),
        ("id_number", "079088001234", "079 ••• ••• 234"),
        ("bank_account_number", "0071000123456", "••••••••••456"),
        ("new_tax_code", "8012345678", "•••••••678"),
        ("new_email", "huong.nguyen@gmail.com", "h••••.••••••@gmail.com"),
        # Not personal: what the customer must read as typed.
        ("preferred_survey_date", "15122026", "15/12/2026"),
        ("reason", "Mất điện 3 ngày", "Mất điện 3 ngày"),
        ("organization_name", "Công ty TNHH Ánh Dương", "Công ty TNHH Ánh Dương"),
    ],
)
def test_each_answer_keeps_what_the_customer_recognises(name: str, raw: str, on_review: str) -> None:
    spec = SPECS[name]
    assert masked(spec, raw) == on_review
    assert len(masked(spec, raw)) == len(shown(spec, raw))


PERSONAL = [SPECS[n] for n in ("full_name", "address", "installation_address", "bank_account_number")]


@given(
    st.sampled_from(PERSONAL),
    st.lists(st.text(alphabet="abcdefghiklmnoprstuvxyĐđươăâêôàáạảãờớợởỡ0123456789", min_size=4), min_size=3),
)
def test_a_personal_answer_keeps_its_length_and_hides_its_first_words(
    spec: FormField, words: list[str]
) -> None:
    raw = " ".join(words)
    hidden = masked(spec, raw)
    assert len(hidden) == len(shown(spec, raw))
    # The second word (a given name, a street) never shows more than its initial.
    second = hidden.split(" ")[1]
    assert set(second[1:]) == {MASK}
