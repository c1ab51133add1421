"""Screens that show a customer's bills keep their labels from one showing to the next: Back, the same list
shown again or a language switch sets the texts in place, and only a list of another shape makes labels. (A label
made and polished under the style sheet costs about half a millisecond of the GUI thread: rebuilt on every
showing, a bill's fifty of them held up the screen for more than a frame; see bench/gui.py.)"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.central.models import Bill, BillList
from kiosk.customer.bill_name import bill_name
from kiosk.flows.states.bills import AccountOverview, BillDetail, ChooseBills
from kiosk.flows.states.payment import PayByQr
from kiosk.shell.app import KioskApp
from kiosk.views.bills.account import AccountScreen
from kiosk.views.bills.bill_detail import BillDetailScreen
from kiosk.views.bills.choose_bills import ChooseBillsScreen
from kiosk.views.payment.pay_by_qr import QR_MIN_SIDE_PX, FittedQr, PayByQrScreen
from kiosk.views.requests.choose_service import ChooseServiceScreen
from tests.flows.fakes import customer
from tests.helpers.evn_bills import SAME_DAY, SPLIT, TARIFFS, THREE_HOUSEHOLDS
from tests.helpers.screens import SCREENS, open_account
from tests.helpers.widgets import settle, tap, visible_texts


def labels(screen: QWidget) -> list[QLabel]:
    return screen.findChildren(QLabel)


def same_objects(first: list[QLabel], second: list[QLabel]) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second, strict=True))


def shown(screen: QWidget, name: str) -> str:
    found = [w for w in screen.findChildren(QLabel, name) if w.isVisibleTo(screen)]
    assert len(found) == 1, name
    return found[0].text()


def unpaid(*bills: Bill) -> BillList:
    return BillList(
        customer_code=bills[0].customer_code, bills=list(bills), total_due=sum(b.total for b in bills)
    )


# ---------------------------------------------------------------------------------------------- one bill
def test_the_bill_screen_keeps_its_labels_on_back_and_a_bill_of_the_same_shape(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    open_account(kiosk, qtbot)
    tap(qtbot, kiosk.window, "bill-row-0")
    screen = kiosk.window.current_screen
    assert isinstance(screen, BillDetailScreen)
    state = kiosk.navigator.current
    assert isinstance(state, BillDetail)
    before, texts = labels(screen), [w.text() for w in labels(screen)]
    tap(qtbot, kiosk.window, "nav-back")
    tap(qtbot, kiosk.window, "bill-row-0")
    assert same_objects(labels(screen), before)
    assert [w.text() for w in labels(screen)] == texts
    # Another bill of the same shape: the same labels, its own figures.
    other = state.bill.model_copy(update={"closing_index": state.bill.closing_index + 7, "total": 123_456})
    kiosk.navigator.go(BillDetail(state.customer, other, state.tariffs, state.payable))
    assert same_objects(labels(screen), before)
    assert shown(screen, "fact-closing") == kiosk.tr.number(other.closing_index)
    assert shown(screen, "sum-total") == kiosk.tr.money(123_456)


def test_a_bill_of_another_shape_is_shown_whole_and_the_first_again_as_before(kiosk: KioskApp) -> None:
    kiosk.navigator.go(BillDetail(customer(), SAME_DAY, TARIFFS))
    screen = kiosk.window.current_screen
    assert isinstance(screen, BillDetailScreen)
    same_day = sorted(visible_texts(screen))
    kiosk.navigator.go(BillDetail(customer(), SPLIT, TARIFFS))  # two parts: part headings, other tiers
    texts = visible_texts(screen)
    assert kiosk.tr.money(SPLIT.total) in texts
    assert any(text.startswith("Phần 2") for text in texts), texts
    assert kiosk.tr.money(SAME_DAY.total) not in texts
    kiosk.navigator.go(BillDetail(customer(), SAME_DAY, TARIFFS))
    assert sorted(visible_texts(screen)) == same_day
    assert not [w for w in labels(screen) if kiosk.tr.money(SPLIT.total) in w.text()]  # shown or waiting


def test_a_language_switch_translates_the_bill_screen_in_place(kiosk: KioskApp, qtbot: QtBot) -> None:
    kiosk.navigator.go(BillDetail(customer(), THREE_HOUSEHOLDS, TARIFFS))
    screen = kiosk.window.current_screen
    before = labels(screen)
    assert shown(screen, "sum-subtotal") == kiosk.tr.money(THREE_HOUSEHOLDS.subtotal)
    assert "Tổng cộng" in visible_texts(screen)
    tap(qtbot, kiosk.window, "nav-language")
    assert same_objects(labels(screen), before)
    assert "Total" in visible_texts(screen)
    assert "Tổng cộng" not in visible_texts(screen)


def test_a_wipe_empties_the_bill_screen_labels_it_keeps(kiosk: KioskApp) -> None:
    kiosk.navigator.go(BillDetail(customer(), SAME_DAY, TARIFFS))
    screen = kiosk.window.current_screen
    kiosk.window.wipe()
    assert not any(
        w.text() for w in screen.findChildren(QLabel) if w.objectName().startswith(("fact-", "tier-"))
    )


# ---------------------------------------------------------------------------------------------- the account
def test_the_account_keeps_its_rows_for_as_many_bills_and_shows_the_new_ones(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    who = customer()
    kiosk.navigator.go(AccountOverview(who, unpaid(SPLIT, SAME_DAY)))
    screen = kiosk.window.current_screen
    assert isinstance(screen, AccountScreen)
    before = labels(screen)
    kiosk.navigator.go(AccountOverview(who, unpaid(THREE_HOUSEHOLDS, SPLIT)))
    assert same_objects(labels(screen), before)
    assert kiosk.tr.money(THREE_HOUSEHOLDS.total) in visible_texts(screen)
    assert kiosk.tr.money(SAME_DAY.total) not in visible_texts(screen)
    # The row's tap opens the bill it shows now, not the one it was made for.
    with qtbot.waitSignal(screen.bill_chosen) as chosen:
        tap(qtbot, kiosk.window, "bill-row-0")
    assert chosen.args == [THREE_HOUSEHOLDS.id]
    tap(qtbot, kiosk.window, "nav-back")
    kiosk.navigator.go(AccountOverview(who, unpaid(SAME_DAY)))  # one bill fewer: rows anew
    assert len([w for w in screen.findChildren(QWidget) if w.objectName().startswith("bill-row-")]) >= 1
    assert kiosk.tr.money(SAME_DAY.total) in visible_texts(screen)
    assert not any(w.isVisibleTo(screen) for w in screen.findChildren(QWidget, "bill-row-1"))


def test_the_account_translates_in_place(kiosk: KioskApp, qtbot: QtBot) -> None:
    open_account(kiosk, qtbot)
    screen = kiosk.window.current_screen
    before, vietnamese = labels(screen), visible_texts(screen)
    tap(qtbot, kiosk.window, "nav-language")
    assert same_objects(labels(screen), before)
    assert visible_texts(screen) != vietnamese
    tap(qtbot, kiosk.window, "bill-row-0")
    tap(qtbot, kiosk.window, "nav-back")
    assert same_objects(labels(screen), before)


# ---------------------------------------------------------------------------------------------- choosing bills
def test_choosing_bills_keeps_its_rows_for_as_many_bills(kiosk: KioskApp, qtbot: QtBot) -> None:
    who = customer()
    kiosk.navigator.go(ChooseBills(who, unpaid(SPLIT, SAME_DAY), selected=2))
    screen = kiosk.window.current_screen
    assert isinstance(screen, ChooseBillsScreen)
    before = labels(screen)
    kiosk.navigator.go(ChooseBills(who, unpaid(SPLIT, SAME_DAY), selected=1))
    assert same_objects(labels(screen), before)
    kiosk.navigator.go(ChooseBills(who, unpaid(THREE_HOUSEHOLDS, SAME_DAY), selected=2))
    assert same_objects(labels(screen), before)
    texts = visible_texts(screen)
    assert kiosk.tr.money(THREE_HOUSEHOLDS.total) in texts
    assert kiosk.tr.money(SPLIT.total) not in texts
    tap(qtbot, kiosk.window, "nav-language")
    assert same_objects(labels(screen), before)
    assert kiosk.tr.money(THREE_HOUSEHOLDS.total) in visible_texts(screen)


# ---------------------------------------------------------------------------------------------- paying
def test_the_qr_screen_translates_its_bill_lines_in_place(kiosk: KioskApp, qtbot: QtBot) -> None:
    SCREENS["pay-by-qr"](kiosk, qtbot)
    screen = kiosk.window.current_screen
    assert isinstance(screen, PayByQrScreen)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    before, vietnamese = labels(screen), visible_texts(screen)
    tap(qtbot, kiosk.window, "nav-language")
    assert same_objects(labels(screen), before)
    english = visible_texts(screen)
    assert english != vietnamese
    for bill in state.payment.order.bills:
        line = kiosk.tr._(
            "pay_qr.bill_line", name=bill_name(kiosk.tr, bill.period_end), amount=kiosk.tr.money(bill.amount)
        )
        assert line in english, (line, english)
        assert line not in vietnamese


# ---------------------------------------------------------------------------------------------- services
def test_the_services_keep_their_rows_on_back_and_translate_in_place(kiosk: KioskApp, qtbot: QtBot) -> None:
    tap(qtbot, kiosk.window, "tile-requests")
    settle(kiosk)
    screen = kiosk.window.current_screen
    assert isinstance(screen, ChooseServiceScreen)
    before, vietnamese = labels(screen), visible_texts(screen)
    tap(qtbot, kiosk.window, "service-new_connection_lv")
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.window.current_screen is screen
    assert same_objects(labels(screen), before)
    assert visible_texts(screen) == vietnamese
    tap(qtbot, kiosk.window, "nav-language")
    assert same_objects(labels(screen), before)
    assert "New connection from the low-voltage grid" in visible_texts(screen)


def test_the_qr_code_settles_on_one_size_while_the_countdown_ticks(kiosk: KioskApp, qtbot: QtBot) -> None:
    """At the large text size on a 1920 x 1080 panel, the code's size and the lines beside it fed back into each
    other: the code went round three sizes, redrawn at every tick of the countdown."""
    tap(qtbot, kiosk.window, "nav-text-size")
    SCREENS["pay-by-qr"](kiosk, qtbot)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    qr = kiosk.window.current_screen.findChild(FittedQr)
    assert qr is not None
    sides = []
    for left in range(state.seconds_left - 1, state.seconds_left - 13, -1):
        kiosk.window.show_state(dataclasses.replace(state, seconds_left=left))
        for _ in range(3):
            QApplication.processEvents()
        sides.append(qr.side)
    assert len(set(sides[4:])) == 1, sides
    assert sides[-1] >= QR_MIN_SIDE_PX
