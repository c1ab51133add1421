"""What the kiosk's application-wide event filters add to every Qt event, against the same events with no filter,
measured in the same run (GUI-thread CPU, ``time.thread_time()``).

Three measures, each as the median of interleaved rounds (a round with the filters, then one without):

- per event: N events sent to a widget, for events no filter has business with (``QEvent.Type.User``, a paint
  event, a polish) and for a key press (which the idle clocks and the lockdown both look at);
- per screen change: a screen-like page (rows of labels, buttons and fields in layouts, styled) built, shown in
  place of the last one and painted, as the kiosk does on every step; also how many events one change sends.

The filters are made the way ``kiosk/shell/app.py`` (the idle clocks) and ``kiosk/shell/run.py`` (the lockdown)
make them, so the same script measures an older checkout: ``PYTHONPATH=/path/to/checkout python3
bench/events.py``.

    QT_QPA_PLATFORM=offscreen python3 bench/events.py [--events 20000] [--rounds 7] [--changes 20]
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, Qt, qInstallMessageHandler
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.shell.input_watch import IdleClocks
from kiosk.shell.lockdown import install_lockdown

ROWS = 14
STYLE = "QLabel { font-size: 22px; } QPushButton { min-height: 64px; font-size: 24px; background: #0a5; }"


def _nothing() -> None:
    pass


@contextmanager
def kiosk_filters(app: QApplication, window: QWidget) -> Iterator[None]:
    """The idle clocks and the lockdown, installed as the kiosk installs them."""
    clocks = IdleClocks(
        app,
        customer_idle_ms=90_000,
        staff_idle_ms=60_000,
        on_customer_idle=_nothing,
        on_staff_idle=_nothing,
        on_tick=_nothing,
        on_customer_input=_nothing,
    )
    shared = {"watch": clocks.watch} if "watch" in inspect.signature(install_lockdown).parameters else {}
    lockdown = install_lockdown(app, window, staff_active=lambda: False, **shared)  # type: ignore[arg-type]
    try:
        yield
    finally:
        lockdown.uninstall()
        clocks.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _per_event_us(target: QWidget, event: QEvent, count: int) -> float:
    send = QCoreApplication.sendEvent
    start = time.thread_time()
    for _ in range(count):
        send(target, event)
    return (time.thread_time() - start) / count * 1e6


def _page() -> QWidget:
    page = QWidget()
    column = QVBoxLayout(page)
    title = QLabel("Tra cứu hóa đơn tiền điện")
    column.addWidget(title)
    grid = QGridLayout()
    for row in range(ROWS):
        grid.addWidget(QLabel(f"Kỳ {row + 1}/2026"), row, 0)
        grid.addWidget(QLabel(f"{(row + 1) * 187_000:,} ₫"), row, 1)
        grid.addWidget(QLineEdit(), row, 2)
        grid.addWidget(QPushButton("Thanh toán"), row, 3)
    column.addLayout(grid)
    column.addWidget(QPushButton("Quay lại"))
    return page


def _screen_change_ms(stack: QStackedWidget) -> float:
    start = time.thread_time()
    page = _page()
    stack.addWidget(page)
    old = stack.currentWidget()
    stack.setCurrentWidget(page)
    if old is not None:
        stack.removeWidget(old)
        old.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    stack.window().repaint()
    return (time.thread_time() - start) * 1000


class _Counter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.events = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.events += 1
        return False


class _Nothing(QObject):
    """The floor: one Python filter that lets everything through without looking."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return False


@contextmanager
def one_empty_filter(app: QApplication) -> Iterator[None]:
    nothing = _Nothing()
    app.installEventFilter(nothing)
    try:
        yield
    finally:
        app.removeEventFilter(nothing)


def _rounds(
    measure: Callable[[], float], arms: list[Callable[[], AbstractContextManager[None]]], rounds: int
) -> list[float]:
    """The median of ``measure`` under each arm (the first with no filter), over interleaved rounds."""
    results: list[list[float]] = [[] for _ in arms]
    for _ in range(rounds):
        for arm, found in zip(arms, results, strict=True):
            with arm():
                found.append(measure())
    return [statistics.median(found) for found in results]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    # Qt's chatter (the offscreen platform's size hints) would be measured and flood the terminal.
    qInstallMessageHandler(lambda *_: None)
    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setStyleSheet(STYLE)
    window.resize(1366, 768)
    stack = QStackedWidget()
    QVBoxLayout(window).addWidget(stack)
    window.show()
    _screen_change_ms(stack)
    target = QWidget()  # hidden and plain: what it does with an event is the same for both sides and small
    events: dict[str, QEvent] = {
        "User": QEvent(QEvent.Type.User),
        "Paint": QPaintEvent(QRect(0, 0, 10, 10)),
        "Polish": QEvent(QEvent.Type.Polish),
        "KeyPress 'a'": QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"),
    }

    arms: list[Callable[[], AbstractContextManager[None]]] = [
        nullcontext,
        lambda: kiosk_filters(app, window),
        lambda: one_empty_filter(app),
    ]
    print(
        f"{'per event':<14} {'no filter µs':>13} {'kiosk µs':>9} {'overhead µs':>12} {'x no filter':>12}"
        f" {'floor µs':>9}"
    )
    for name, event in events.items():
        bare, filtered, floor = _rounds(
            lambda event=event: _per_event_us(target, event, args.events),  # type: ignore[misc]
            arms,
            args.rounds,
        )
        print(
            f"{name:<14} {bare:>13.2f} {filtered:>9.2f} {filtered - bare:>12.2f} {filtered / bare:>12.2f}"
            f" {floor - bare:>9.2f}"
        )
    print("(floor: the overhead of one Python filter that returns False at once, whatever the event)")

    counter = _Counter()
    app.installEventFilter(counter)
    _screen_change_ms(stack)
    app.removeEventFilter(counter)

    def changes() -> float:
        return statistics.median(_screen_change_ms(stack) for _ in range(args.changes))

    bare, filtered, floor = _rounds(changes, arms, args.rounds)
    print(
        f"\nscreen change ({counter.events} events; GUI-thread CPU, median):\n"
        f"  no filter {bare:.2f} ms, kiosk filters {filtered:.2f} ms: +{filtered - bare:.2f} ms "
        f"({filtered / bare:.2f}x), {(filtered - bare) / counter.events * 1000:.2f} µs an event\n"
        f"  floor (one empty Python filter): +{floor - bare:.2f} ms ({floor / bare:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
