"""The demo's F3 ("the bank pays the QR on screen") pressed twice is the bank's notice of one transfer sent
twice, not a second payment: the central records the transaction once, so no phantom refund is made."""

from __future__ import annotations

import sqlite3

from pytestqt.qtbot import QtBot

from kiosk.demo.keys import DemoKeys
from kiosk.flows.states.payment import PayByQr
from kiosk.payments.records import PaymentState
from kiosk.shell.app import KioskApp
from tests.helpers.central import RunningCentral
from tests.helpers.loop import run
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import settle


def test_f3_pressed_twice_pays_once(kiosk: KioskApp, qtbot: QtBot, central: RunningCentral) -> None:
    SCREENS["pay-by-qr"](kiosk, qtbot)
    state = kiosk.navigator.current
    assert isinstance(state, PayByQr)
    keys = DemoKeys(kiosk)
    keys.pay()
    keys.pay()  # before the first notice is answered: the QR is still on screen
    settle(kiosk)
    run(kiosk.payments.followed())
    assert kiosk.keeper.journal.get(state.payment.id).state is PaymentState.CONFIRMED
    with sqlite3.connect(central.db_path) as conn:
        transfers = conn.execute("SELECT transaction_id, outcome FROM bank_transfers").fetchall()
    assert transfers == [(f"DEMO-{state.payment.reference}", "applied")]
