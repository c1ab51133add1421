"""The bill as a customer checks it by hand: every tier line on screen is the central's own numbers."""

from __future__ import annotations

import asyncio

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from kiosk.central.models import Bill
from kiosk.customer.bill_parts import bill_parts
from kiosk.flows.bill_lookup import PAYABLE
from kiosk.flows.states.bills import AccountOverview, BillDetail, ChooseBills
from kiosk.flows.states.frame import PrintPreview
from kiosk.shell.app import KioskApp
from tests.helpers.screens import open_account, settle
from tests.helpers.widgets import tap, visible_texts

DEMO_CUSTOMERS = ("PE01000123456", "PD02000234567", "PA12000345678", "PC03000567890", "PQ01000678901")


def _cell(kiosk: KioskApp, name: str) -> str:
    shown = [w for w in kiosk.window.findChildren(QLabel, name) if w.isVisible()]
    assert len(shown) == 1, name
    return shown[0].text()


def assert_table_shows(kiosk: KioskApp, bill: Bill) -> None:
    tr = kiosk.tr
    for number, part in enumerate(bill_parts(bill), start=1):
        for line in part.lines:
            row = f"tier-{number}-{line.tier}"
            assert _cell(kiosk, f"{row}-2") == tr.number(line.kwh)
            assert _cell(kiosk, f"{row}-3") == f"× {tr.money(line.unit_price)}"
            assert _cell(kiosk, f"{row}-4") == f"= {tr.money(line.amount)}"
            limit = tr.number(line.limit_kwh) if line.limit_kwh is not None else tr._("bill.no_limit")
            assert _cell(kiosk, f"{row}-1") == limit
    assert _cell(kiosk, "sum-subtotal") == tr.money(bill.subtotal)
    for i, vat in enumerate(bill.vat_lines):
        assert _cell(kiosk, f"sum-vat-{i}") == tr.money(vat.amount)
    assert _cell(kiosk, "sum-total") == tr.money(bill.total)
    assert _cell(kiosk, "fact-opening") == tr.number(bill.opening_index)
    assert _cell(kiosk, "fact-closing") == tr.number(bill.closing_index)
    assert _cell(kiosk, "fact-multiplier") == tr.number(bill.multiplier)


@pytest.mark.parametrize("code", DEMO_CUSTOMERS)
def test_every_unpaid_bills_tier_table_is_the_centrals_numbers(
    kiosk: KioskApp, qtbot: QtBot, code: str
) -> None:
    open_account(kiosk, qtbot, code)
    account = kiosk.navigator.current
    assert isinstance(account, AccountOverview)
    assert account.unpaid.bills, "every demo customer here owes something"
    for index, bill in enumerate(account.unpaid.bills):
        tap(qtbot, kiosk.window, f"bill-row-{index}")
        payable = index + 1 if bill.status in PAYABLE else 0  # this bill and every older one
        assert kiosk.navigator.current == BillDetail(account.customer, bill, kiosk.bills._tariffs, payable)
        assert_table_shows(kiosk, bill)
        tap(qtbot, kiosk.window, "nav-language")
        assert_table_shows(kiosk, bill)
        tap(qtbot, kiosk.window, "nav-language")
        tap(qtbot, kiosk.window, "nav-back")


def test_the_explanation_gives_the_days_and_the_households_sharing_the_meter(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    open_account(kiosk, qtbot, "PD02000234567")  # three households share this meter
    tap(qtbot, kiosk.window, "bill-row-0")
    state = kiosk.navigator.current
    assert isinstance(state, BillDetail)
    text = _cell(kiosk, "bill-explanation")
    assert f"{state.bill.days} ngày" in text
    assert "3 hộ" in text
    assert "50 kWh" in text  # the standard size of tier 1, from the central's tariff list
    first = next(line for line in state.bill.tiers if line.tier == 1)
    assert f"{first.limit_kwh} kWh" in text


def test_a_period_that_spans_a_price_change_shows_both_parts(kiosk: KioskApp, qtbot: QtBot) -> None:
    everything = asyncio.get_event_loop().run_until_complete(kiosk.client.bills("PQ01000678901", "all"))
    split = next(b for b in everything.bills if len({s.decision for s in b.segments}) > 1)
    customer = asyncio.get_event_loop().run_until_complete(kiosk.client.customer("PQ01000678901"))
    kiosk.navigator.go(BillDetail(customer, split, None))
    parts = bill_parts(split)
    assert len(parts) == 2
    texts = visible_texts(kiosk.window)
    for number, part in enumerate(parts, start=1):
        assert any(t.startswith(f"Phần {number}: ") and part.decision in t for t in texts)
    assert sum(p.amount for p in parts) == split.subtotal
    assert_table_shows(kiosk, split)
    # Without the tariff list the explanation is shorter, but still there.
    assert "2 phần" in _cell(kiosk, "bill-explanation")


def test_printing_a_bill_notice_prints_the_centrals_bill_qr(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot)
    tap(qtbot, kiosk.window, "bill-row-0")
    state = kiosk.navigator.current
    assert isinstance(state, BillDetail)
    tap(qtbot, kiosk.window, "bill-print")
    settle(kiosk)
    preview = kiosk.navigator.current
    assert isinstance(preview, PrintPreview)
    expected = asyncio.get_event_loop().run_until_complete(kiosk.client.bill_payment_qr(state.bill.id))
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(preview.image))]
    assert expected.qr_payload in decoded
    tap(qtbot, kiosk.window, "print-preview-done")
    assert kiosk.navigator.current == state


def test_a_paid_bill_has_nothing_to_print(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot)
    tap(qtbot, kiosk.window, "account-history")
    settle(kiosk)
    tap(qtbot, kiosk.window, "paid-row-0")
    state = kiosk.navigator.current
    assert isinstance(state, BillDetail)
    assert state.bill.status == "paid"
    button = kiosk.window.findChild(QAbstractButton, "bill-print")
    assert button is not None
    assert not button.isVisible()


def test_pay_this_bill_opens_the_choice_with_it_and_the_older_bills_chosen(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    open_account(kiosk, qtbot, DEMO_CUSTOMERS[0])
    account = kiosk.navigator.current
    assert isinstance(account, AccountOverview)
    newest = len(account.unpaid.bills) - 1
    tap(qtbot, kiosk.window, f"bill-row-{newest}")
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("bill.pay") in texts
    if newest:
        assert kiosk.tr.ngettext("bill.pay_with_older", newest, n=newest) in texts
    tap(qtbot, kiosk.window, "bill-pay")
    assert kiosk.navigator.current == ChooseBills(account.customer, account.unpaid, selected=newest + 1)
