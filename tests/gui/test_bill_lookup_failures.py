"""Every way a lookup can fail has its own screen that says what to do next: never a traceback, never a frozen
screen, and a late answer never drags a customer back to where they left."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QProgressBar
from pytestqt.qtbot import QtBot

from kiosk.flows.states.bills import EnterCode, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Loading, Waiting
from kiosk.shell.app import KioskApp
from tests.gui.conftest import close_kiosk
from tests.gui.kiosk_factory import free_port, garbage_central, kiosk_against, silent_central
from tests.helpers.screens import settle, type_code
from tests.helpers.widgets import tap, visible_texts


def _look_up(kiosk: KioskApp, qtbot: QtBot, code: str) -> None:
    type_code(kiosk, qtbot, code)
    tap(qtbot, kiosk.window, "code-submit")


def _failed_with(kiosk: KioskApp, problem: LookupProblem) -> LookupFailed:
    state = kiosk.navigator.current
    assert isinstance(state, LookupFailed)
    assert state.problem is problem
    texts = visible_texts(kiosk.window)
    assert kiosk.tr._(f"failed.{problem.value}") in texts
    assert kiosk.tr._(f"failed.{problem.value}.body") in texts
    return state


@pytest.fixture
def closing(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> Iterator[list[KioskApp]]:
    kiosks: list[KioskApp] = []
    yield kiosks
    for app in kiosks:
        close_kiosk(app, qloop, qapp)
    kiosks.clear()
    gc.collect()


def test_an_unknown_code_says_to_check_the_bill_and_offers_to_type_it_again(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    _look_up(kiosk, qtbot, "PE99999999999")
    settle(kiosk)
    state = _failed_with(kiosk, LookupProblem.NOT_FOUND)
    assert not state.can_retry
    assert "PE9999 999 9999" in " ".join(visible_texts(kiosk.window))
    tap(qtbot, kiosk.window, "failed-retype")
    assert kiosk.navigator.current == EnterCode(
        "PE9999", "9999999", typing_unit=True, units=kiosk.bills.units
    )


def test_a_malformed_code_is_refused_before_asking_the_central(kiosk: KioskApp, qtbot: QtBot) -> None:
    asyncio.get_event_loop().run_until_complete(kiosk.bills.look_up("PE0100"))
    _failed_with(kiosk, LookupProblem.INVALID_CODE)
    tap(qtbot, kiosk.window, "failed-retype")
    assert kiosk.navigator.current == EnterCode("PE0100", units=kiosk.bills.units)


def test_an_unreachable_central_says_to_try_again_and_try_again_asks_again(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, closing: list[KioskApp]
) -> None:
    kiosk = kiosk_against(qapp, f"http://127.0.0.1:{free_port()}", tmp_path, retries=1, timeout_seconds=2.0)
    closing.append(kiosk)
    _look_up(kiosk, qtbot, "PE01000123456")
    settle(kiosk)
    assert _failed_with(kiosk, LookupProblem.UNREACHABLE).can_retry

    async def retry() -> None:
        tap(qtbot, kiosk.window, "failed-retry")
        await asyncio.sleep(0)
        assert kiosk.navigator.current == Loading(Waiting.ACCOUNT, "PE01000123456")
        await kiosk.settle()

    asyncio.get_event_loop().run_until_complete(retry())
    _failed_with(kiosk, LookupProblem.UNREACHABLE)
    # Back from the failure returns to the keypad, code intact, not to a dead progress screen.
    tap(qtbot, kiosk.window, "nav-back")
    assert kiosk.navigator.current == EnterCode("PE0100", "0123456", units=kiosk.bills.units)


def test_garbage_from_the_central_is_a_fault_of_the_system_not_of_the_customer(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, closing: list[KioskApp]
) -> None:
    with garbage_central() as url:
        kiosk = kiosk_against(qapp, url, tmp_path)
        closing.append(kiosk)
        _look_up(kiosk, qtbot, "PE01000123456")
        settle(kiosk)
    assert _failed_with(kiosk, LookupProblem.BAD_ANSWER).can_retry
    assert kiosk.session.customer is None


def test_a_central_that_never_answers_times_out_while_the_screen_shows_progress(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, closing: list[KioskApp]
) -> None:
    with silent_central() as url:
        kiosk = kiosk_against(qapp, url, tmp_path, retries=0, timeout_seconds=0.5)
        closing.append(kiosk)

        async def wait() -> None:
            _look_up(kiosk, qtbot, "PE01000123456")
            await asyncio.sleep(0)
            assert kiosk.navigator.current == Loading(Waiting.ACCOUNT, "PE01000123456")
            progress = kiosk.window.findChild(QProgressBar, "loading-progress")
            assert progress is not None
            assert progress.isVisible()
            assert (progress.minimum(), progress.maximum()) == (0, 0)  # busy: it moves on its own
            await kiosk.settle()

        asyncio.get_event_loop().run_until_complete(wait())
    _failed_with(kiosk, LookupProblem.UNREACHABLE)


def test_stop_waiting_goes_back_and_the_late_answer_is_dropped(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, closing: list[KioskApp]
) -> None:
    with silent_central() as url:
        kiosk = kiosk_against(qapp, url, tmp_path, retries=0, timeout_seconds=0.5)
        closing.append(kiosk)

        async def give_up() -> None:
            _look_up(kiosk, qtbot, "PE01000123456")
            await asyncio.sleep(0)
            tap(qtbot, kiosk.window, "loading-cancel")
            assert kiosk.navigator.current == EnterCode("PE0100", "0123456", units=kiosk.bills.units)
            await kiosk.settle()

        asyncio.get_event_loop().run_until_complete(give_up())
    assert kiosk.navigator.current == EnterCode("PE0100", "0123456", units=kiosk.bills.units)
    cancel = kiosk.window.findChild(QAbstractButton, "loading-cancel")
    assert cancel is not None
    assert not cancel.isVisible()
