"""What assisted mode says about a bill across a price change: that it has parts, and each part's days, kWh and
amount before VAT, as the screen shows them; a bill at one price list says nothing of parts."""

from __future__ import annotations

import pytest

from kiosk.flows.states.bills import BillDetail
from kiosk.guidance.bills import bill_detail
from kiosk.language.catalogs import Translator
from tests.flows.fakes import customer
from tests.helpers.evn_bills import SAME_DAY, SPLIT, TARIFFS


@pytest.fixture(scope="module")
def vi() -> Translator:
    return Translator.load(language="vi")


@pytest.fixture(scope="module")
def en() -> Translator:
    return Translator.load(language="en")


def test_a_split_bill_is_said_part_by_part(vi: Translator, en: Translator) -> None:
    said = bill_detail(BillDetail(customer(), SPLIT, TARIFFS), vi)
    assert "hóa đơn chia thành hai phần theo số ngày" in said
    # Part 1: 67 x 1,893 + 67 x 1,956 + 133 x 2,271 + 13 x 2,860 = 597,106 before VAT.
    assert (
        "Phần một: hai mươi ngày, hai trăm tám mươi ki-lô-oát giờ, thành tiền năm trăm chín mươi bảy nghìn một trăm "
        "linh sáu đồng chưa có thuế." in said
    )
    # Part 2: 33 x 1,984 + 33 x 2,050 + 67 x 2,380 + 7 x 2,998 = 313,568.
    assert "Phần hai: mười ngày, một trăm bốn mươi ki-lô-oát giờ" in said
    english = bill_detail(BillDetail(customer(), SPLIT, TARIFFS), en)
    assert "split by days into two parts" in english
    assert "Part one: twenty days, two hundred and eighty kilowatt hours" in english
    assert "three hundred and thirteen thousand five hundred and sixty-eight dong before VAT" in english


def test_a_bill_at_one_price_says_nothing_of_parts(vi: Translator) -> None:
    said = bill_detail(BillDetail(customer(), SAME_DAY, TARIFFS), vi)
    assert "phần" not in said.lower()
