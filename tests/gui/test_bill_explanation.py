"""The bill screen says why the tier limits are what they are, with EVN's numbers: for a normal bill the formula of
tier 1 (monthly size × the period's days ÷ the days of the month before the billing month × households), for a
bill across a price change each part's days, prices, kWh and tier 1 (bills from `tests/helpers/evn_bills.py`,
written by hand)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.central.models import Bill, Tariffs
from kiosk.flows.states.bills import BillDetail
from kiosk.shell.app import KioskApp
from kiosk.views.panels import WINDOWED_LANDSCAPE
from tests.flows.fakes import customer
from tests.helpers.evn_bills import SAME_DAY, SPLIT, TARIFFS, THREE_HOUSEHOLDS
from tests.helpers.widgets import tap


def _explanation(kiosk: KioskApp, bill: Bill, tariffs: Tariffs | None = TARIFFS) -> str:
    kiosk.navigator.go(BillDetail(customer(), bill, tariffs))
    shown = [w for w in kiosk.window.findChildren(QLabel, "bill-explanation") if w.isVisible()]
    assert len(shown) == 1
    return shown[0].text()


def test_a_split_bill_is_explained_part_by_part(kiosk: KioskApp, qtbot: QtBot) -> None:
    text = _explanation(kiosk, SPLIT)
    assert "420 kWh được chia theo số ngày thành 2 phần" in text
    assert "÷ 30 ngày của tháng 04/2025 × 2 hộ" in text
    assert "Phần 1: 20 ngày theo giá 2699/QĐ-BCT: 280 kWh, bậc 1 đến 67 kWh." in text
    assert "Phần 2: 10 ngày theo giá 1279/QĐ-BCT: 140 kWh, bậc 1 đến 33 kWh." in text
    tap(qtbot, kiosk.window, "nav-language")
    text = _explanation(kiosk, SPLIT)
    assert "its 420 kWh are split by days into 2 parts" in text
    assert "÷ the 30 days of Apr 2025 × 2 households" in text
    assert "Part 1: 20 days at the prices of 2699/QĐ-BCT: 280 kWh, tier 1 up to 67 kWh." in text
    assert "Part 2: 10 days at the prices of 1279/QĐ-BCT: 140 kWh, tier 1 up to 33 kWh." in text


def test_a_same_day_reading_shows_tier_1_is_the_whole_monthly_size(kiosk: KioskApp, qtbot: QtBot) -> None:
    text = _explanation(kiosk, SAME_DAY)
    assert "Bậc 1: 50 kWh × 30 ngày ÷ 30 ngày của tháng 06/2025 × 1 hộ = 50 kWh" in text
    tap(qtbot, kiosk.window, "nav-language")
    text = _explanation(kiosk, SAME_DAY)
    assert "Tier 1: 50 kWh × 30 days ÷ the 30 days of Jun 2025 × 1 household = 50 kWh" in text


def test_three_households_and_a_short_month_before(kiosk: KioskApp) -> None:
    text = _explanation(kiosk, THREE_HOUSEHOLDS)
    assert "Bậc 1: 50 kWh × 30 ngày ÷ 28 ngày của tháng 02/2026 × 3 hộ = 161 kWh" in text


def test_without_the_tariff_list_or_t_the_explanation_is_shorter_but_right(kiosk: KioskApp) -> None:
    assert "bậc 1 ở đây là 161 kWh" in _explanation(kiosk, THREE_HOUSEHOLDS, None)
    older_central = SPLIT.model_copy(update={"month_days": None})
    text = _explanation(kiosk, older_central)
    assert "thành 2 phần" in text
    assert "Phần 2: 10 ngày theo giá 1279/QĐ-BCT: 140 kWh, bậc 1 đến 33 kWh." in text


def test_on_a_small_panel_printing_is_in_view_without_scrolling(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication
) -> None:
    kiosk.window.resize(*WINDOWED_LANDSCAPE)
    kiosk.navigator.go(BillDetail(customer(), SPLIT, TARIFFS))
    for _ in range(3):
        qapp.processEvents()
    button = next(b for b in kiosk.window.findChildren(QAbstractButton, "bill-print") if b.isVisible())
    page = kiosk.window.current_page
    assert page.index == 0
    # Pinned below the pages: in view on the first page, inside the window.
    assert page.pinned is not None
    assert page.pinned.isAncestorOf(button)
    bottom = button.mapTo(kiosk.window, button.rect().bottomLeft()).y()
    assert 0 < bottom <= kiosk.window.height()
