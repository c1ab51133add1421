"""How long the kiosk's GUI thread is busy, and how soon a tap shows the next screen, over scripted customer
sessions driven by real taps against the demo's reference central server (a child process).

    QT_QPA_PLATFORM=offscreen python3 bench/gui.py [--sessions 8] [--profile out.prof]

Two figures per step of the scripts (a step is one tap, or the money arriving while the QR is shown):

- **block**: the GUI thread's CPU time (``time.thread_time()``) of each busy stretch of the event loop, from the
  dispatcher's ``awake`` to its ``aboutToBlock`` (a tap delivered by QTest counts as one stretch of its own). A
  step's block is its longest stretch. CPU time, not wall time, so that other work on a shared machine does not
  inflate it; the central's work is in another process and not counted either.
- **tap -> painted**: wall time from the tap to the end of the loop's stretch in which the step's final screen
  received its first paint, minus the time the central took to answer the requests made meanwhile (timed around
  the client's transport), beside the GUI thread's CPU over the same span.

Every script is run once unmeasured first, so that every screen exists and is styled (the first visit of a
screen builds it: a cost paid once a day, not per customer).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.config import load_settings
from kiosk.demo.central import DemoCentral
from kiosk.demo.settings import demo_overrides
from kiosk.demo.simulator import DemoClient
from kiosk.devices.chime import FakeChime
from kiosk.devices.silent_speakers import FakeSpeaker
from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import PrintPreview
from kiosk.flows.states.payment import PayByQr
from kiosk.shell.app import KioskApp
from kiosk.shell.build import build_kiosk, central_client
from kiosk.shell.event_loop import KioskEventLoop
from kiosk.shell.lifecycle import shut_down
from kiosk.views.panels import LANDSCAPE
from kiosk.views.parts.screen import Screen

FRAME_MS = 16.0
CUSTOMER = "PE01000123456"  # three unpaid bills in the demo
OUTAGE_CUSTOMER = "PD02000234567"  # an emergency outage in progress in the demo


@dataclass
class Visit:
    """One step of one session."""

    blocks_ms: list[float] = field(default_factory=list)
    painted_ms: float | None = None  # tap -> painted, central's time taken off
    central_ms: float = 0.0
    cpu_ms: float = 0.0  # GUI thread CPU from the tap to the paint


class CentralTimer(httpx.AsyncBaseTransport):
    """The client's transport, timed: when each request to the central started and its answer was read."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.spans: list[tuple[float, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.spans.append((start, time.perf_counter()))

    async def aclose(self) -> None:
        await self.inner.aclose()

    def busy_between(self, start: float, end: float) -> float:
        """Seconds within [start, end] during which at least one request was waiting for the central."""
        clipped = sorted((max(a, start), min(b, end)) for a, b in self.spans if b > start and a < end)
        total, reach = 0.0, start
        for a, b in clipped:
            a = max(a, reach)
            if b > a:
                total += b - a
                reach = b
        return total


class GuiThreadMeter(QObject):
    """The GUI thread's busy stretches (awake -> aboutToBlock) and the first paint of each screen."""

    def __init__(self) -> None:
        super().__init__()
        self.recording = False
        self.blocks: list[float] = []
        self._woke_cpu: float | None = None
        self._painting: set[QObject] = set()
        # When (wall clock, and the GUI thread's CPU clock) the stretch that first painted a screen ended.
        self.painted_at: dict[QObject, tuple[float, float]] = {}
        self._watched: set[QObject] = set()
        dispatcher = QAbstractEventDispatcher.instance()
        assert dispatcher is not None
        dispatcher.awake.connect(self._awake)
        dispatcher.aboutToBlock.connect(self._about_to_block)

    def _awake(self) -> None:
        if self._woke_cpu is None:
            self._woke_cpu = time.thread_time()

    def _about_to_block(self) -> None:
        if self._woke_cpu is not None and self.recording:
            self.blocks.append((time.thread_time() - self._woke_cpu) * 1000)
        self._woke_cpu = None
        self.end_of_stretch()

    def end_of_stretch(self) -> None:
        if self._painting:
            now = (time.perf_counter(), time.thread_time())
            for screen in self._painting:
                self.painted_at[screen] = now
            self._painting.clear()

    def restart(self) -> None:
        """Forget a stretch begun outside the measured work (the bench's own code between steps)."""
        self._woke_cpu = None

    def watch(self, screens: list[QObject]) -> None:
        for screen in screens:
            if screen not in self._watched:
                self._watched.add(screen)
                screen.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        # A screen's paint; for a step that stays on its screen, any repaint of the window (its backing store
        # is synced on the window's update request).
        screen = isinstance(watched, Screen)
        if (kind == QEvent.Type.Paint and screen) or (kind == QEvent.Type.UpdateRequest and not screen):
            self._painting.add(watched)
        return False


class Driver:
    """Taps buttons on the kiosk as a finger does, and measures each step."""

    def __init__(self, kiosk: KioskApp, loop: asyncio.AbstractEventLoop, timer: CentralTimer) -> None:
        self.kiosk = kiosk
        self.loop = loop
        self.timer = timer
        self.meter = GuiThreadMeter()
        self.measuring = False
        self.visits: dict[str, list[Visit]] = defaultdict(list)
        self.order: list[str] = []

    def _button(self, name: str) -> QAbstractButton:
        root = self.kiosk.window
        shown = [b for b in root.findChildren(QAbstractButton, name) if b.isVisibleTo(root)]
        if len(shown) != 1:
            raise RuntimeError(
                f"{len(shown)} visible buttons {name!r} on {type(self.kiosk.navigator.current).__name__}"
            )
        return shown[0]

    def tap(self, name: str, step: str | None = None) -> None:
        button = self._button(name)
        self._step(
            step or name, lambda: QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=_centre(button))
        )

    def happen(self, step: str, action: Callable[[], None]) -> None:
        """A step that is not a tap (the money arriving): its blocks count, its time to paint is not a tap's."""
        self._step(step, action, tapped=False)

    def _step(self, step: str, action: Callable[[], None], *, tapped: bool = True) -> None:
        meter = self.meter
        window = self.kiosk.window
        meter.watch([window, *window.findChildren(Screen)])
        before = window.current_screen
        meter.blocks = []
        meter.recording = self.measuring
        start = time.perf_counter()
        cpu_start = time.thread_time()
        action()
        # A tap is delivered at once (one stretch of its own); an action that runs the loop is measured by it.
        tap_cpu = [(time.thread_time() - cpu_start) * 1000] if tapped else []
        meter.end_of_stretch()  # a paint inside the tap (none expected: paints are posted)
        meter.restart()
        self.loop.run_until_complete(self.kiosk.settle())
        screen = window.current_screen
        target: QObject = window if screen is before else screen
        self._run_until(lambda: meter.painted_at.get(target, (0.0, 0.0))[0] > start)
        painted, painted_cpu = meter.painted_at.get(target, (0.0, 0.0))
        meter.recording = False
        if not self.measuring:
            return
        visit = Visit(blocks_ms=[*tap_cpu, *meter.blocks])
        if tapped and painted > start:
            visit.central_ms = self.timer.busy_between(start, painted) * 1000
            visit.painted_ms = (painted - start) * 1000 - visit.central_ms
            visit.cpu_ms = (painted_cpu - cpu_start) * 1000
        if step not in self.visits:
            self.order.append(step)
        self.visits[step].append(visit)

    def _run_until(self, condition: Callable[[], bool], timeout: float = 3.0) -> None:
        async def wait() -> None:
            deadline = time.monotonic() + timeout
            while not condition() and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.002)

        self.loop.run_until_complete(wait())

    def run(self, coroutine: object) -> object:
        return self.loop.run_until_complete(coroutine)  # type: ignore[arg-type]


def _centre(button: QAbstractButton) -> QPoint:
    return QPoint(button.width() // 2, button.height() // 2)


# ---------------------------------------------------------------------------------------------- the scripts
def enter_code(d: Driver, code: str, where: str) -> None:
    state = d.kiosk.navigator.current
    assert isinstance(state, EnterCode), state
    unit, digits = code[:6], code[6:]
    if any(choice.code == unit for choice in state.units):
        d.tap(f"unit-{unit}", f"{where}: unit")
    else:
        if state.units:
            d.tap("unit-other", f"{where}: other unit")
        for key in unit:
            d.tap(f"kb-{key.lower()}", f"{where}: letter key")
    for digit in digits:
        d.tap(f"key-{digit}", f"{where}: digit key")
    d.tap("code-submit", f"{where}: submit -> result")


def pay_bills(d: Driver) -> None:
    """Look up, read a bill, back, choose bills, pay by QR, the money arrives, home."""
    d.tap("tile-bills", "home -> enter code")
    enter_code(d, CUSTOMER, "bills")
    d.tap("bill-row-0", "account -> bill detail")
    d.tap("nav-back", "bill detail -> back to account")
    d.tap("bill-row-1", "account -> bill detail (another)")
    d.tap("nav-back", "bill detail -> back to account")
    d.tap("account-pay", "account -> choose bills")
    d.tap("choice-row-1", "choose bills: leave one for later")
    d.tap("choice-row-1", "choose bills: take it again")
    d.tap("choose-continue", "choose bills -> pay by QR")

    def money_arrives() -> None:
        state = d.kiosk.navigator.current
        assert isinstance(state, PayByQr), state
        assert state.payment.reference is not None
        d.run(d.kiosk.client.sim_bank_transfer(state.payment.reference, state.payment.amount))  # type: ignore[attr-defined]
        d.run(d.kiosk.payments.followed())

    d.happen("pay by QR -> money received (not a tap)", money_arrives)
    if isinstance(d.kiosk.navigator.current, PrintPreview):  # the demo's printer shows the receipt
        d.tap("print-preview-done", "receipt preview -> payment received")
    d.tap("nav-home", "payment received -> home")


def read_bills_in_both_languages(d: Driver) -> None:
    """A bill read in English and at each text size, then home."""
    d.tap("tile-bills", "home -> enter code")
    enter_code(d, CUSTOMER, "bills")
    d.tap("bill-row-2", "account -> bill detail")
    d.tap("nav-language", "bill detail: language switch")
    d.tap("nav-back", "bill detail -> back to account")
    d.tap("nav-text-size", "account: text size")
    # The first showing of a screen after a change of look restyles it (see MainWindow.set_look).
    d.tap("bill-row-2", "account -> bill detail (new text size)")
    d.tap("nav-text-size", "bill detail: text size")
    d.tap("nav-text-size", "bill detail: text size")
    d.tap("nav-language", "bill detail: language switch")
    d.tap("nav-home", "bill detail -> home")


def assisted_visit(d: Driver) -> None:
    """Assisted mode (larger text, the bar, the voice) through a bill lookup, then ended."""
    d.tap("home-assisted", "home: assisted mode")
    d.tap("tile-bills", "home -> enter code")
    enter_code(d, CUSTOMER, "bills")
    d.tap("bill-row-0", "account -> bill detail (new text size)")
    d.tap("nav-back", "bill detail -> back to account")
    d.tap("nav-home", "account -> home")
    if d._button("assist-end") is not None:
        d.tap("assist-end", "home: assisted mode ends")


def report_outage(d: Driver) -> None:
    d.tap("tile-outages", "home -> outages")
    d.tap("outage-no-power", "outages -> enter code")
    enter_code(d, OUTAGE_CUSTOMER, "outage")
    d.tap("outages-report", "outage overview -> report")
    d.tap("report-my-house", "report -> reported")
    d.tap("nav-home", "outage reported -> home")


def service_request(d: Driver) -> None:
    d.tap("tile-requests", "home -> services")
    d.tap("service-new_connection_lv", "services -> service intro")
    d.tap("intro-start", "service intro -> next")
    d.tap("nav-back", "service step -> back")
    d.tap("nav-back", "service intro -> back to services")
    d.tap("service-capacity_change", "services -> service intro")
    d.tap("nav-home", "service -> home")


# Paying last: the others need the demo customer's three unpaid bills (each round has a fresh central).
SCRIPTS = (read_bills_in_both_languages, assisted_visit, report_outage, service_request, pay_bills)


# ---------------------------------------------------------------------------------------------- running
class Centrals:
    """A fresh demo central for each round of the scripts: paying a bill settles it for good, and each round's
    customer must have the demo's three unpaid bills again. The kiosk's client is pointed at the new one."""

    def __init__(self, tmp: Path) -> None:
        self._tmp = tmp
        self._count = 0
        self.current = self._start()

    def _start(self) -> DemoCentral:
        self._count += 1
        central = DemoCentral(self._tmp / f"central-{self._count}.sqlite3")
        central.start()
        return central

    def renew(self, kiosk: KioskApp) -> None:
        old, self.current = self.current, self._start()
        http = kiosk.client._http
        http.base_url = httpx.URL(self.current.url)
        http.headers["Authorization"] = f"Bearer {self.current.token}"
        old.stop()

    def stop(self) -> None:
        self.current.stop()


@contextmanager
def demo_kiosk(tmp: Path) -> Iterator[tuple[KioskApp, KioskEventLoop, CentralTimer, Centrals]]:
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    loop = KioskEventLoop(qapp)
    asyncio.set_event_loop(loop)
    centrals = Centrals(tmp)
    central = centrals.current
    try:
        overrides = demo_overrides(central.url, central.token, tmp) | {"payment.poll_seconds": 0.5}
        settings = load_settings(None, {}, overrides=overrides)
        client = central_client(settings, DemoClient)
        timer = CentralTimer(client._http._transport)
        client._http._transport = timer
        kiosk = build_kiosk(settings, qapp, client=client, speaker=FakeSpeaker(), chime=FakeChime())
        kiosk.start_devices()
        kiosk.window.resize(*LANDSCAPE)
        kiosk.window.show()
        try:
            yield kiosk, loop, timer, centrals
        finally:
            loop.run_until_complete(shut_down(kiosk))
            kiosk.window.deleteLater()
            loop.close()
            asyncio.set_event_loop(None)
    finally:
        centrals.stop()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(d: Driver) -> None:
    head = (
        f"{'step':<44} {'n':>4} {'block p50':>9} {'p99':>6} {'max':>6} {'>=16':>5} "
        f"{'paint p50':>9} {'p90':>6} {'cpu p50':>7} {'p90':>6} {'central':>7}"
    )
    print(head)
    print("-" * len(head))
    all_max: list[float] = []
    over = 0
    for step in d.order:
        visits = d.visits[step]
        worst = [max(v.blocks_ms) for v in visits]
        all_max += worst
        over += sum(w >= FRAME_MS for w in worst)
        painted = [v.painted_ms for v in visits if v.painted_ms is not None]
        cpu = [v.cpu_ms for v in visits if v.painted_ms is not None] or [0.0]
        central = [v.central_ms for v in visits]
        paint_cols = (
            f"{percentile(painted, 50):>9.1f} {percentile(painted, 90):>6.1f}"
            if painted
            else f"{'-':>9} {'-':>6}"
        )
        print(
            f"{step[:44]:<44} {len(visits):>4} {percentile(worst, 50):>9.1f} {percentile(worst, 99):>6.1f} "
            f"{max(worst):>6.1f} {sum(w >= FRAME_MS for w in worst):>5} {paint_cols} "
            f"{percentile(cpu, 50):>7.1f} {percentile(cpu, 90):>6.1f} {statistics.median(central):>7.1f}"
        )
    print("-" * len(head))
    print(
        f"all visits: {len(all_max)}; longest block per visit p50 {percentile(all_max, 50):.1f} ms, "
        f"p99 {percentile(all_max, 99):.1f} ms, max {max(all_max):.1f} ms; visits with a block >= 16 ms: {over}"
    )
    print(
        "block: GUI-thread CPU ms of a step's longest event-loop stretch; paint: tap -> first paint of the "
        "step's screen, wall ms minus the central's answer time (central, median); cpu: GUI-thread CPU ms "
        "from the tap to that paint"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=6, help="times each script is run, measured")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the measured sessions here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, demo_kiosk(Path(tmp)) as (kiosk, loop, timer, centrals):
        driver = Driver(kiosk, loop, timer)
        for script in SCRIPTS:  # unmeasured: every screen built and styled once
            script(driver)
        driver.measuring = True
        profile = cProfile.Profile() if args.profile else None
        if profile is not None:
            profile.enable()
        for _ in range(args.sessions):
            if profile is not None:
                profile.disable()
            centrals.renew(kiosk)
            if profile is not None:
                profile.enable()
            for script in SCRIPTS:
                script(driver)
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        report(driver)
    return 0


if __name__ == "__main__":
    sys.exit(main())
