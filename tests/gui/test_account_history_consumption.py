"""The rest of the account: paid bills, consumption, choosing bills to pay, long data, and the wipe."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.central.models import BillList
from kiosk.customer.consumption import monthly_comparison
from kiosk.flows.states.bills import AccountOverview, ChooseBills, ConsumptionHistory, PaidHistory
from kiosk.flows.states.payment import PayByQr
from kiosk.shell.app import KioskApp
from kiosk.views.bills.choose_bills import ChoiceRow
from kiosk.views.panels import LANDSCAPE, PORTRAIT
from kiosk.views.parts.consumption_chart import ConsumptionChart
from tests.gui.test_accessibility import problems_on_screen
from tests.helpers.screens import open_account, settle
from tests.helpers.widgets import all_texts, tap, visible_texts


def test_paid_history_lists_the_last_12_months_newest_first(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot)
    tap(qtbot, kiosk.window, "account-history")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, PaidHistory)
    ends = [b.period_end for b in state.bills]
    assert ends == sorted(ends, reverse=True)
    assert all(b.status == "paid" for b in state.bills)
    assert 0 < len(state.bills) <= 12
    texts = visible_texts(kiosk.window)
    for bill in state.bills:
        assert kiosk.tr.money(bill.total) in texts


def test_consumption_shows_12_months_against_last_year_and_a_remote_meters_days(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    open_account(kiosk, qtbot, "PC03000567890")  # read remotely every day
    tap(qtbot, kiosk.window, "account-consumption")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, ConsumptionHistory)
    assert state.daily is not None
    monthly = kiosk.window.findChild(ConsumptionChart, "chart-monthly")
    assert monthly is not None
    months = monthly_comparison(state.monthly)
    assert [(b.value, b.previous) for b in monthly.bars()] == [(m.kwh, m.last_year) for m in months]
    assert len(months) == 12
    # The values are there as text too, for speech: every month's kWh and last year's.
    spoken = monthly.accessibleDescription()
    for m in months:
        assert kiosk.tr.kwh(m.kwh) in spoken
    daily = kiosk.window.findChild(ConsumptionChart, "chart-daily")
    assert daily is not None
    assert daily.isVisible()
    assert daily.bars()
    tap(qtbot, kiosk.window, "consumption-toggle")
    table = [w.text() for w in kiosk.window.findChildren(QLabel) if w.isVisible()]
    for m in months:
        assert kiosk.tr.month(m.month) in table


def test_a_meter_read_by_hand_has_no_daily_chart(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot, "PE01000123456")
    tap(qtbot, kiosk.window, "account-consumption")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, ConsumptionHistory)
    assert state.daily is None
    daily = kiosk.window.findChild(ConsumptionChart, "chart-daily")
    assert daily is not None
    assert not daily.isVisible()


def choices(kiosk: KioskApp) -> list[bool]:
    """Each bill's row as the customer reads it: its words and its check box must agree, and the bill's own
    status must not be shown in words that could be read as the choice ("unpaid" beside "leave for later")."""
    state = kiosk.navigator.current
    assert isinstance(state, ChooseBills)
    words = {kiosk.tr._("choose.chosen"): True, kiosk.tr._("choose.not_chosen"): False}
    unpaid = kiosk.tr._("bill.status.unpaid")
    shown = []
    for i in range(len(state.unpaid.bills)):
        row = kiosk.window.findChild(ChoiceRow, f"choice-row-{i}")
        assert row is not None
        assert row.isVisible()
        texts = visible_texts(row)
        chosen = [words[t] for t in texts if t in words]
        assert len(chosen) == 1, texts
        assert unpaid not in texts
        assert row.box.checked is chosen[0] is row.isChecked()
        shown.append(chosen[0])
    return shown


def test_bills_to_pay_are_chosen_oldest_first(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot)  # three unpaid bills
    tap(qtbot, kiosk.window, "account-pay")
    state = kiosk.navigator.current
    assert isinstance(state, ChooseBills)
    assert state.selected == 3
    bills = state.unpaid.bills
    assert [b.period_end for b in bills] == sorted(b.period_end for b in bills)
    assert choices(kiosk) == [True, True, True]
    tap(qtbot, kiosk.window, "choice-row-1")  # leaving out the second leaves out the newer third too
    assert isinstance(kiosk.navigator.current, ChooseBills)
    assert kiosk.navigator.current.selected == 1
    assert choices(kiosk) == [True, False, False]
    total = kiosk.tr.money(bills[0].total)
    assert any(total in t for t in visible_texts(kiosk.window))
    tap(qtbot, kiosk.window, "choice-row-0")  # the oldest cannot be left out
    assert kiosk.navigator.current.selected == 1
    tap(qtbot, kiosk.window, "choice-row-2")  # choosing the newest chooses the older ones
    assert kiosk.navigator.current.selected == 3
    assert choices(kiosk) == [True, True, True]
    tap(qtbot, kiosk.window, "choose-continue")
    settle(kiosk)
    # One VietQR on offer: the QR for the chosen bills at once, with no question of which app.
    shown = kiosk.navigator.current
    assert isinstance(shown, PayByQr)
    assert shown.payment.order.bill_ids == tuple(b.id for b in bills)
    assert isinstance(kiosk.navigator.states[-2], ChooseBills)


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_long_names_and_large_amounts_do_not_overflow(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication, size: tuple[int, int]
) -> None:
    loop = asyncio.get_event_loop()
    customer = loop.run_until_complete(kiosk.client.customer("PE01000123456"))
    unpaid = loop.run_until_complete(kiosk.client.bills("PE01000123456"))
    long_customer = customer.model_copy(
        update={
            "name": "Tôn Nữ H*** P****** Nguyễn Thị Hoàng Quỳnh Như Ý Bảo Ngọc",
            "address": "***, Thôn Khuổi Tát, Xã Phú Đình, Huyện Định Hóa, Tỉnh Thái Nguyên, gần trường Tiểu học",
        }
    )
    big = [b.model_copy(update={"total": 987_654_321}) for b in unpaid.bills]
    large = BillList(customer_code=unpaid.customer_code, bills=big, total_due=2_962_962_963)
    kiosk.window.resize(*size)
    kiosk.session.customer = long_customer
    kiosk.navigator.go(AccountOverview(long_customer, large))
    qapp.processEvents()
    for language in ("vi", "en"):
        assert problems_on_screen(kiosk) == [], language
        assert not kiosk.window.current_page.paged
        tap(qtbot, kiosk.window, "nav-language")
        qapp.processEvents()


def test_ending_the_session_wipes_the_account_from_every_widget(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot)
    tap(qtbot, kiosk.window, "bill-row-0")
    state = kiosk.navigator.current
    customer = kiosk.session.customer
    assert customer is not None
    secrets = {customer.name, customer.address, "PE0100 012 3456", "PE01000123456"}
    before = " ".join(all_texts(kiosk.window))
    assert all(secret in before for secret in secrets - {"PE01000123456"}), "shown before the wipe"
    assert state is not None
    kiosk.idle.end_session()
    QApplication.processEvents()
    everything = " ".join(all_texts(kiosk.window))
    for secret in secrets:
        assert secret not in everything
    assert kiosk.session.customer is None
    assert kiosk.session.customer_code is None
