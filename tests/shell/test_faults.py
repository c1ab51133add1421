"""Unexpected errors reach the log (with their traceback) and the app's fault screen, never the customer's screen
as a traceback: from a Qt slot, a Qt virtual override, a worker thread, and an asyncio callback or task.

The handlers are installed inside each test body, not in a fixture: pytest-qt and pytest put their own
``sys.excepthook`` and ``threading.excepthook`` in place at the start of each test phase, and would replace ours.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.shell.event_loop import KioskEventLoop
from kiosk.shell.faults import FaultHandlers, install_fault_handlers


class Emitter(QObject):
    poke = Signal()


class Faults:
    """``on_fault`` for the tests: counts calls, and when they came."""

    def __init__(self) -> None:
        self.at: list[float] = []

    def __call__(self) -> None:
        self.at.append(time.monotonic())

    @property
    def calls(self) -> int:
        return len(self.at)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = KioskEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@contextmanager
def installed(
    on_fault: Callable[[], None], *, loop: asyncio.AbstractEventLoop | None = None, min_interval: float = 1.0
) -> Iterator[FaultHandlers]:
    handlers = install_fault_handlers(on_fault, loop=loop, min_interval=min_interval)
    try:
        yield handlers
    finally:
        handlers.uninstall()


def _critical_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "kiosk.shell.faults" and r.levelno == logging.CRITICAL]


def _assert_logged_once_with_traceback(
    caplog: pytest.LogCaptureFixture, exc_type: type[BaseException]
) -> None:
    records = _critical_records(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].exc_info is not None
    assert records[0].exc_info[0] is exc_type
    assert "Traceback (most recent call last)" in caplog.text
    assert f"{exc_type.__name__}: " in caplog.text


def _assert_no_traceback_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    err = capfd.readouterr().err
    assert "Traceback" not in err, err


def test_an_exception_in_a_qt_slot_reaches_on_fault_once(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    on_fault = Faults()
    emitter = Emitter()

    def slot() -> None:
        raise LookupError("a bug in a slot")

    emitter.poke.connect(slot)
    with installed(on_fault) as handlers:
        emitter.poke.emit()  # PySide6 hands the exception to sys.excepthook; emit() itself returns
        assert on_fault.calls == 0  # never inside the hook: from the event loop
        qtbot.waitUntil(lambda: on_fault.calls == 1)
        QCoreApplication.processEvents()
        assert on_fault.calls == 1
        assert handlers.faults == 1
    _assert_logged_once_with_traceback(caplog, LookupError)
    _assert_no_traceback_on_stderr(capfd)


class BrokenPaint(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        raise ZeroDivisionError("a bug in a paint event")


def test_an_exception_in_a_virtual_override_called_by_the_event_loop_reaches_on_fault(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """Shiboken writes one line naming the override to the C stderr (no traceback) and calls sys.excepthook."""
    on_fault = Faults()
    widget = BrokenPaint()
    qtbot.addWidget(widget)
    with installed(on_fault):
        widget.show()
        qtbot.waitUntil(lambda: on_fault.calls == 1)
    assert widget.paints >= 1
    records = _critical_records(caplog)
    assert records[0].exc_info is not None
    assert records[0].exc_info[0] is ZeroDivisionError
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    assert "Error calling Python override of QWidget::paintEvent()" in err  # what shiboken itself writes


def test_an_override_called_from_python_raises_in_the_caller() -> None:
    """The other half of what PySide6 does (PYSIDE-2335): a C++ call made from Python re-raises in Python,
    where the caller's own handling (or one of the hooks) takes it."""
    widget = BrokenPaint()
    with pytest.raises(ZeroDivisionError, match="Error calling Python override of QWidget::paintEvent"):
        widget.grab()
    widget.deleteLater()


def test_an_exception_in_a_worker_thread_reaches_on_fault_on_the_gui_thread(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    on_fault = Faults()
    called_on: list[threading.Thread] = []

    def record() -> None:
        called_on.append(threading.current_thread())
        on_fault()

    def work() -> None:
        raise OSError("a bug in a worker")

    with installed(record):
        worker = threading.Thread(target=work, name="receipt-renderer")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: on_fault.calls == 1)
        QCoreApplication.processEvents()
    assert on_fault.calls == 1
    assert called_on == [threading.main_thread()]
    _assert_logged_once_with_traceback(caplog, OSError)
    assert "receipt-renderer" in _critical_records(caplog)[0].getMessage()
    _assert_no_traceback_on_stderr(capfd)


def test_an_exception_in_an_asyncio_callback_reaches_on_fault(
    qloop: asyncio.AbstractEventLoop,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    on_fault = Faults()

    def callback() -> None:
        raise KeyError("a bug in a loop callback")

    with installed(on_fault, loop=qloop):
        qloop.call_soon(callback)
        qloop.run_until_complete(asyncio.sleep(0.01))
        qtbot.waitUntil(lambda: on_fault.calls == 1)
    _assert_logged_once_with_traceback(caplog, KeyError)
    _assert_no_traceback_on_stderr(capfd)


def test_an_exception_in_a_forgotten_asyncio_task_reaches_on_fault(
    qloop: asyncio.AbstractEventLoop,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    on_fault = Faults()

    async def job() -> None:
        raise ValueError("a bug in a task nobody awaits")

    async def start_and_forget() -> None:
        asyncio.ensure_future(job())  # noqa: RUF006 - forgetting it is the point
        await asyncio.sleep(0.01)

    with installed(on_fault, loop=qloop):
        qloop.run_until_complete(start_and_forget())
        gc.collect()  # "Task exception was never retrieved" is reported when the task is collected
        qtbot.waitUntil(lambda: on_fault.calls == 1)
    _assert_logged_once_with_traceback(caplog, ValueError)
    _assert_no_traceback_on_stderr(capfd)


def test_an_asyncio_notice_without_an_exception_is_not_a_fault(
    qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    on_fault = Faults()
    with installed(on_fault, loop=qloop) as handlers:
        qloop.call_exception_handler({"message": "something asyncio wants said"})
        QCoreApplication.processEvents()
        assert handlers.faults == 0
    assert on_fault.calls == 0
    assert "something asyncio wants said" in caplog.text


def test_a_flood_of_faults_calls_on_fault_at_most_once_per_interval(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    on_fault = Faults()
    emitter = Emitter()

    def slot() -> None:
        raise RuntimeError("the same bug, again and again")

    emitter.poke.connect(slot)
    interval = 0.2
    with installed(on_fault, min_interval=interval) as handlers:
        for _ in range(100):
            emitter.poke.emit()
        qtbot.waitUntil(lambda: on_fault.calls == 1)
        QCoreApplication.processEvents()
        assert on_fault.calls == 1  # a hundred faults, one fault screen
        for _ in range(100):  # more while the interval runs: one more call, once it has passed
            emitter.poke.emit()
        qtbot.waitUntil(lambda: on_fault.calls == 2)
        assert on_fault.at[1] - on_fault.at[0] >= interval
        assert handlers.faults == 200
    records = _critical_records(caplog)
    assert len(records) == 200  # every fault logged once...
    assert sum(r.exc_info is not None for r in records) == 1  # ...its traceback once


class PaintLoop(QWidget):
    """Every paint raises and asks for another: the worst flood a view can make."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        self.update()
        raise ArithmeticError("paint")


def test_a_paint_loop_neither_recurses_nor_spins(qapp: QApplication, qtbot: QtBot) -> None:
    on_fault = Faults()
    widget = PaintLoop()
    qtbot.addWidget(widget)
    depth: list[int] = []

    def fault_screen() -> None:
        depth.append(len(depth))
        on_fault()
        widget.update()  # showing the fault screen repaints: it must not come straight back here
        QCoreApplication.processEvents()
        depth.pop()

    interval = 0.1
    with installed(fault_screen, min_interval=interval) as handlers:
        started = time.monotonic()
        widget.show()
        qtbot.waitUntil(lambda: handlers.faults >= 30 and on_fault.calls >= 2, timeout=10_000)
        elapsed = time.monotonic() - started
        widget.hide()
    assert depth == []
    assert on_fault.calls <= 1 + elapsed / interval
    gaps = [later - earlier for earlier, later in zip(on_fault.at, on_fault.at[1:], strict=False)]
    assert min(gaps) >= interval


def test_on_fault_failing_is_logged_and_not_retried(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def broken_fault_screen() -> None:
        calls.append(1)
        raise RuntimeError("the fault screen is broken too")

    emitter = Emitter()
    emitter.poke.connect(lambda: 1 / 0)
    with installed(broken_fault_screen, min_interval=0.01) as handlers:
        emitter.poke.emit()
        qtbot.waitUntil(lambda: len(calls) == 1)
        qtbot.waitUntil(lambda: "on_fault failed" in caplog.text)
        QCoreApplication.processEvents()
        assert handlers.faults == 1
    assert len(calls) == 1


def test_uninstall_restores_the_previous_hooks(qloop: asyncio.AbstractEventLoop) -> None:
    reached: list[object] = []

    def previous_loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
        reached.append(context["message"])

    qloop.set_exception_handler(previous_loop_handler)
    before = (sys.excepthook, threading.excepthook)
    handlers = install_fault_handlers(lambda: None, loop=qloop)
    assert sys.excepthook != before[0]
    assert threading.excepthook != before[1]
    handlers.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    # qasync's get_exception_handler() always says None: ask the loop to use its handler instead.
    qloop.call_exception_handler({"message": "after uninstall"})
    assert reached == ["after uninstall"]
    handlers.uninstall()  # twice is harmless
    assert (sys.excepthook, threading.excepthook) == before


def test_keyboard_interrupt_goes_to_the_previous_hook(qapp: QApplication) -> None:
    seen: list[type[BaseException]] = []
    previous = sys.excepthook
    sys.excepthook = lambda exc_type, value, tb: seen.append(exc_type)
    try:
        with installed(lambda: None) as handlers:
            sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
            assert handlers.faults == 0
    finally:
        sys.excepthook = previous
    assert seen == [KeyboardInterrupt]
