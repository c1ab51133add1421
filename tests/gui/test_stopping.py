"""How a running kiosk stops: `serve` (what `kiosk run` runs on its loop) asked to stop every way it can be,
ending with the status the supervisor needs, its work awaited and its journals closed.

The signals (SIGTERM, SIGINT) and the demo's Ctrl+Q typed on a real X display are tested on the installed
command in tests/test_documented_commands.py; here each stop path is driven through the window.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.demo.keys import DemoKeys
from kiosk.demo.settings import DEMO_STAFF_PIN_HASH
from kiosk.flows.states.payment import PayByQr
from kiosk.flows.states.staff import StaffLeave
from kiosk.shell.app import KioskApp
from kiosk.shell.run import Mode, serve
from kiosk.shell.stopping import ExitStatus
from tests.helpers.central import RunningCentral
from tests.helpers.loop import run, run_until
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import settle, tap

READY = "ready: the kiosk is serving customers"


@pytest.fixture
def kiosk_overrides() -> dict[str, object]:
    return {"staff.pin_hash": DEMO_STAFF_PIN_HASH}  # staff mode needs a PIN: the demo's, 1234


def start(
    kiosk: KioskApp,
    qapp: QApplication,
    caplog: pytest.LogCaptureFixture,
    *,
    demo: bool,
    windowed: bool = False,
) -> asyncio.Task[int]:
    caplog.set_level(logging.INFO, logger="kiosk")
    if kiosk.scanner is not None:
        kiosk.scanner.stop()  # the fixture started it; serve starts it as `kiosk run` does
    mode = Mode(windowed=windowed)
    if demo:
        mode = Mode(allow_quit=True, on_shown=lambda k: DemoKeys(k).install())  # as kiosk.demo.run does
    task = asyncio.ensure_future(serve(kiosk, qapp, mode))
    run_until(lambda: READY in caplog.text or task.done())
    assert not task.done()
    return task


def stopped(task: asyncio.Task[int]) -> int:
    run_until(task.done, timeout=10.0)
    return task.result()


def journals_closed(kiosk: KioskApp) -> bool:
    data = kiosk.settings.data_dir
    return not list(data.glob("*-wal")) and kiosk.window.isHidden()


def test_staff_closing_the_program_ends_with_the_status_that_keeps_it_stopped(
    kiosk: KioskApp, qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    task = start(kiosk, qapp, caplog, demo=False)
    kiosk.staff.open()
    for digit in "1234":
        tap(qtbot, kiosk.window, f"pad-{digit}")
    tap(qtbot, kiosk.window, "staff-pin-open")
    settle(kiosk)
    assert kiosk.staff.unlocked
    tap(qtbot, kiosk.window, "staff-leave")
    assert kiosk.navigator.current == StaffLeave()
    tap(qtbot, kiosk.window, "staff-leave-stay")
    run(asyncio.sleep(0.2))
    assert not task.done()  # asking is not closing
    tap(qtbot, kiosk.window, "staff-leave")
    tap(qtbot, kiosk.window, "staff-leave-confirm")
    assert stopped(task) == ExitStatus.CLOSED_BY_STAFF == 10
    assert journals_closed(kiosk)
    assert "closed by staff" in caplog.text


def test_ctrl_q_stops_the_demo(kiosk: KioskApp, qapp: QApplication, caplog: pytest.LogCaptureFixture) -> None:
    task = start(kiosk, qapp, caplog, demo=True)
    QTest.keyClick(kiosk.window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert stopped(task) == ExitStatus.STOPPED
    assert journals_closed(kiosk)


def test_closing_the_window_of_a_windowed_kiosk_stops_it(
    kiosk: KioskApp, qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    task = start(kiosk, qapp, caplog, demo=False, windowed=True)
    kiosk.window.close()  # the window manager's close button
    assert stopped(task) == ExitStatus.STOPPED
    assert journals_closed(kiosk)


def test_a_production_kiosk_ignores_every_way_out_but_still_stops_when_asked(
    kiosk: KioskApp, qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    task = start(kiosk, qapp, caplog, demo=False)
    QTest.keyClick(kiosk.window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(kiosk.window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    kiosk.window.close()
    run(asyncio.sleep(0.2))
    assert not task.done()
    assert kiosk.window.isVisible()
    kiosk.stop()  # what SIGTERM does (kiosk.shell.run._stop_on_signals)
    assert stopped(task) == ExitStatus.STOPPED
    assert journals_closed(kiosk)


def test_a_qr_on_screen_when_the_kiosk_stops_is_cancelled_on_the_central(
    kiosk: KioskApp,
    qapp: QApplication,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    central: RunningCentral,
) -> None:
    task = start(kiosk, qapp, caplog, demo=False)
    SCREENS["pay-by-qr"](kiosk, qtbot)
    qr = kiosk.navigator.current
    assert isinstance(qr, PayByQr)
    kiosk.stop()
    assert stopped(task) == ExitStatus.STOPPED
    with sqlite3.connect(central.db_path) as db:
        (status,) = db.execute(
            "SELECT status FROM payments WHERE id = ?", (qr.payment.payment_id,)
        ).fetchone()
    assert status == "cancelled"  # nobody will scan it now: the bills are free for the next payment
    assert journals_closed(kiosk)
    # The journal remembers the payment as left by the customer: the next start settles it, if need be.
    with sqlite3.connect(kiosk.keeper.journal.path) as db:
        (state,) = db.execute("SELECT state FROM payments WHERE id = ?", (qr.payment.id,)).fetchone()
    assert state == "closed"  # cancelled, and still watched for late money
