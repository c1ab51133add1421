"""Paying by QR on the real kiosk against the real central: every screen of the journey, both languages."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.central.models import Label, PaymentMethodInfo, PaymentMethods
from kiosk.demo.simulator import DemoClient
from kiosk.flows.states.bills import ChooseBills
from kiosk.flows.states.frame import PrintPreview
from kiosk.flows.states.payment import (
    ChooseMethod,
    PayByQr,
    PaymentEnd,
    PaymentReceived,
    PaymentStopped,
    ReceiptProgress,
)
from kiosk.payments.journal import PaymentState, ReceiptState
from kiosk.payments.keeper import order_for
from kiosk.payments.methods import VIETQR_APP_EXAMPLES
from kiosk.shell.app import KioskApp
from tests.helpers.central import RunningCentral
from tests.helpers.screens import open_account, settle
from tests.helpers.widgets import tap, visible_texts

CODE = "PE01000123456"


def run(coroutine: object) -> object:
    return asyncio.get_event_loop().run_until_complete(coroutine)  # type: ignore[arg-type]


def to_bills(kiosk: KioskApp, bot: QtBot) -> ChooseBills:
    open_account(kiosk, bot)
    tap(bot, kiosk.window, "account-pay")
    state = kiosk.navigator.current
    assert isinstance(state, ChooseBills)
    return state


def to_qr(kiosk: KioskApp, bot: QtBot) -> PayByQr:
    to_bills(kiosk, bot)
    tap(bot, kiosk.window, "choose-continue")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    return state


def decode_widget(widget: QWidget) -> list[str]:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    image = Image.open(BytesIO(bytes(buffer.data())))
    return [r.text for r in zxingcpp.read_barcodes(image)]


async def transfer(central: RunningCentral, reference: str, amount: int) -> None:
    async with DemoClient(central.url, central.token) as client:
        await client.sim_bank_transfer(reference, amount)


def central_status(central: RunningCentral, payment_id: str | None) -> str:
    with sqlite3.connect(central.db_path) as conn:
        return str(conn.execute("SELECT status FROM payments WHERE id = ?", (payment_id,)).fetchone()[0])


def test_one_qr_any_app_scans_comes_straight_after_the_bills_with_apps_named_only_as_examples(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    seen: list[object] = []
    kiosk.navigator.subscribe(seen.append)
    state = to_qr(kiosk, qtbot)  # from the account: Pay, Continue, and the QR is up
    assert not any(isinstance(s, ChooseMethod) for s in seen)
    assert state.payment.order.method == "vietqr"
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("pay_qr.any_app") in texts
    assert kiosk.tr._("pay_qr.app_examples", apps=", ".join(VIETQR_APP_EXAMPLES)) in texts
    assert not kiosk.window.current_screen.findChildren(QAbstractButton, "method-vietqr")
    # Back (or Cancel) from the QR leaves the chosen bills, where Continue makes a new one.
    assert isinstance(kiosk.navigator.states[-2], ChooseBills)


def test_a_central_offering_a_wallets_own_code_makes_a_choice_named_as_the_central_names_it(
    kiosk: KioskApp, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered = run(kiosk.client.payment_methods())
    assert isinstance(offered, PaymentMethods)
    wallet = PaymentMethodInfo(
        method="demo_wallet", label=Label(vi="Ví DemoPay", en="DemoPay wallet"), payload_kind="provider_qr"
    )

    async def with_a_wallet() -> PaymentMethods:
        return PaymentMethods(methods=[*offered.methods, wallet])

    monkeypatch.setattr(kiosk.client, "payment_methods", with_a_wallet)
    to_bills(kiosk, qtbot)
    tap(qtbot, kiosk.window, "choose-continue")
    settle(kiosk)
    state = kiosk.navigator.current
    assert isinstance(state, ChooseMethod)
    texts = visible_texts(kiosk.window)
    assert {"Chuyển khoản VietQR", "Ví DemoPay", kiosk.tr._("pay_method.hint")} <= set(texts)
    assert (
        kiosk.tr.ngettext(
            "pay_method.summary", 3, n=3, amount=kiosk.tr.money(sum(b.total for b in state.bills))
        )
        in texts
    )


def test_the_qr_on_screen_scans_to_the_checked_payload_with_amount_words_and_steps(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    state = to_qr(kiosk, qtbot)
    payment = state.payment
    qr = kiosk.window.findChild(QWidget, "payment-qr")
    assert decode_widget(qr) == [payment.qr_payload]
    # Whole pixels per module and big enough for a phone at 40 cm.
    assert qr.width() >= 560
    assert qr.module_px >= 8
    texts = visible_texts(kiosk.window)
    assert kiosk.tr.money(payment.amount) in texts
    assert kiosk.tr.money_words(payment.amount) in texts
    assert any(t.startswith("1. ") for t in texts)
    assert any(t.startswith("4. ") for t in texts)
    assert any(payment.reference in t for t in texts if payment.reference)
    assert any(t.startswith(("Mã hết hạn sau 15:00", "Mã hết hạn sau 14:")) for t in texts)
    assert kiosk.keeper.in_flight_bill_ids() == set(payment.order.bill_ids)


def test_money_arriving_shows_received_and_prints_the_receipt_once(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    state = to_qr(kiosk, qtbot)
    run(transfer(central, state.payment.reference or "", state.payment.amount))
    run(kiosk.payments.followed())
    preview = kiosk.navigator.current
    assert isinstance(preview, PrintPreview)  # the demo's printer shows the receipt on screen
    image = Image.open(preview.image)
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    assert f"{central.url}/receipts/{state.payment.reference}" in codes
    tap(qtbot, kiosk.window, "nav-back")
    received = kiosk.navigator.current
    assert isinstance(received, PaymentReceived)
    assert received.receipt is ReceiptProgress.PRINTED
    assert kiosk.tr._("paid.printed") in visible_texts(kiosk.window)
    row = kiosk.keeper.journal.get(state.payment.id)
    assert (row.state, row.receipt) == (PaymentState.CONFIRMED, ReceiptState.PRINTED)
    assert kiosk.printing is not None
    jobs = list(kiosk.printing.journal.pending_for_staff())
    assert jobs == []
    tap(qtbot, kiosk.window, "paid-done")
    assert kiosk.session.customer is None


@pytest.mark.parametrize("how", [("pay-cancel",), ("nav-back", "pay-confirm-cancel")], ids=["cancel", "back"])
def test_cancel_or_back_cancels_the_payment_on_the_central(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral, how: tuple[str, ...]
) -> None:
    state = to_qr(kiosk, qtbot)
    for name in how:
        tap(qtbot, kiosk.window, name)
    settle(kiosk)
    assert kiosk.navigator.current == PaymentStopped(PaymentEnd.CANCELLED, state.customer)
    assert central_status(central, state.payment.payment_id) == "cancelled"
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()


def test_back_on_the_qr_asks_first_and_continue_paying_keeps_the_payment(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    state = to_qr(kiosk, qtbot)
    tap(qtbot, kiosk.window, "nav-back")
    asked = kiosk.navigator.current
    assert isinstance(asked, PayByQr)
    assert asked.asking_cancel
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._("pay_qr.ask_cancel") in texts
    assert kiosk.tr._("pay_qr.keep_paying") in texts
    assert central_status(central, state.payment.payment_id) != "cancelled"
    tap(qtbot, kiosk.window, "pay-keep-paying")
    back = kiosk.navigator.current
    assert isinstance(back, PayByQr)
    assert not back.asking_cancel
    assert back.payment.id == state.payment.id
    assert central_status(central, state.payment.payment_id) != "cancelled"


def test_an_expired_qr_is_replaced_only_once_the_central_says_it_expired(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    state = to_qr(kiosk, qtbot)
    central.clock.advance(timedelta(minutes=16))
    run(kiosk.payments.followed())
    stopped = kiosk.navigator.current
    assert isinstance(stopped, PaymentStopped)
    assert stopped.why is PaymentEnd.EXPIRED
    assert kiosk.tr._("stopped.expired") in visible_texts(kiosk.window)
    tap(qtbot, kiosk.window, "stopped-new-qr")
    settle(kiosk)
    again = kiosk.navigator.current
    assert isinstance(again, PayByQr)
    assert again.payment.reference != state.payment.reference
    assert again.payment.order.bill_ids == state.payment.order.bill_ids


def test_the_idle_warning_waits_while_the_customer_pays_on_their_phone(kiosk: KioskApp, qtbot: QtBot) -> None:
    state = to_qr(kiosk, qtbot)
    kiosk.idle.idle()
    assert kiosk.navigator.current == state


def test_going_home_from_the_qr_cancels_it(kiosk: KioskApp, qtbot: QtBot, central: RunningCentral) -> None:
    state = to_qr(kiosk, qtbot)
    tap(qtbot, kiosk.window, "nav-home")
    run(kiosk.payments.followed())
    assert central_status(central, state.payment.payment_id) == "cancelled"


def test_an_unreachable_central_keeps_the_key_and_try_again_uses_it(
    kiosk: KioskApp, qtbot: QtBot, central: RunningCentral
) -> None:
    to_bills(kiosk, qtbot)
    working, closed_port = kiosk.keeper.central, DemoClient("http://127.0.0.1:9", central.token, retries=0)
    kiosk.keeper.central = closed_port
    tap(qtbot, kiosk.window, "choose-continue")
    settle(kiosk)
    run(closed_port.aclose())
    stopped = kiosk.navigator.current
    assert isinstance(stopped, PaymentStopped)
    assert stopped.why is PaymentEnd.UNKNOWN
    [row] = kiosk.keeper.journal.all()
    assert row.state is PaymentState.CREATING
    kiosk.keeper.central = working
    tap(qtbot, kiosk.window, "stopped-try-again")
    settle(kiosk)
    shown = kiosk.navigator.current
    assert isinstance(shown, PayByQr)
    assert shown.payment.idempotency_key == row.idempotency_key
    assert len(kiosk.keeper.journal.all()) == 1


def test_bills_with_a_payment_in_flight_await_confirmation_and_cannot_be_paid_again(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    state = to_bills(kiosk, qtbot)
    method = run(kiosk.client.payment_methods()).methods[0]  # type: ignore[attr-defined]
    # A payment whose request may have reached the central (the kiosk lost power before the answer).
    order = order_for(state.customer, state.unpaid.bills[: state.selected], method, "vi")
    kiosk.keeper.journal.begin(order, "key-of-a-lost-request", datetime.now(UTC))
    kiosk.idle.end_session()
    open_account(kiosk, qtbot)
    assert visible_texts(kiosk.window).count(kiosk.tr._("bill.status.pending_payment")) == 3
    tap(qtbot, kiosk.window, "account-pay")
    tap(qtbot, kiosk.window, "choose-continue")
    settle(kiosk)
    assert isinstance(kiosk.navigator.current, PaymentStopped)
    assert kiosk.navigator.current.why is PaymentEnd.IN_PROGRESS
