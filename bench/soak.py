"""Memory over many customer sessions: does the kiosk keep anything of a customer once they are gone?

    python3 bench/soak.py [--sessions 200] [--config demo|production|both] [--every 100]

Each session is a customer at the real kiosk, built as `kiosk run` builds it (offscreen): they type their code
on the keypad, look at the account and one bill, pay the oldest bills by QR (the reference central's demo bank
sends the money), get the receipt printed, and leave (Done, or walking away until the idle wipe). Every tenth
session also reports an outage and every twenty-fifth submits a service request (with its SMS code), so their
screens and the outbox take part. After each payment the bench marks the bills unpaid again in the central's
database, so every session pays real bills (the demo has only about a dozen).

Two configurations: ``demo`` (the demo's preview printer, pages on disk) and ``production`` (a kiosk config
with a network ESC/POS printer: a listener on 127.0.0.1 in a thread that answers status queries and swallows
the bytes). The central runs in a child process in both, so that its own memory is not counted.

Reported after a full collection at session 0 and every ``--every`` sessions: RSS, the number of Python
objects the collector tracks, Qt objects (every widget of the application; every QObject under the window) and
the types whose number grew most since session 0; then the growth per 1,000 sessions from session 0 to the last.
A first session runs before session 0 is measured, so that what is made once (fonts, caches, a screen's first
build) is not counted as growth.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import itertools
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.helpers: the taps the GUI tests make

from PySide6.QtCore import QCoreApplication, QEvent, QObject  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.config import load_settings  # noqa: E402
from kiosk.demo.settings import demo_overrides  # noqa: E402
from kiosk.devices.chime import FakeChime  # noqa: E402
from kiosk.devices.silent_speakers import FakeSpeaker  # noqa: E402
from kiosk.flows.states.bills import ChooseBills  # noqa: E402
from kiosk.flows.states.frame import Home, PrintPreview  # noqa: E402
from kiosk.flows.states.payment import PayByQr, PaymentReceived  # noqa: E402
from kiosk.flows.states.requests import IdConsent  # noqa: E402
from kiosk.shell.app import KioskApp  # noqa: E402
from kiosk.shell.event_loop import KioskEventLoop  # noqa: E402
from kiosk.shell.lifecycle import shut_down  # noqa: E402
from kiosk.views.panels import LANDSCAPE  # noqa: E402
from tests.helpers.kiosks import demo_kiosk  # noqa: E402
from tests.helpers.requests import fill_form, submit, to_form  # noqa: E402
from tests.helpers.screens import OUTAGE_SCREENS, open_account  # noqa: E402
from tests.helpers.widgets import settle, tap  # noqa: E402
from tests.printing.escpos_stream import EscposStream, Query  # noqa: E402

# The demo customers with bills to pay (kiosk_central.demo), in turn.
PAYERS = (
    "PE01000123456",
    "PD02000234567",
    "PA12000345678",
    "PC03000567890",
    "PQ01000678901",
    "PC05CC0789012",
    "PA02DH0890123",
)
# A central in a child process, with the test servers' roomy limits on SMS codes: a soak sends more codes in a
# few minutes than a kiosk does in an hour.
CENTRAL = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.helpers.central import running_central
with running_central(Path(sys.argv[1])) as central:
    print(central.url, central.token, flush=True)
    sys.stdin.read()
"""


PHONES = itertools.count(1)
STOPPED: Counter[str] = Counter()  # sessions whose payment did not reach its QR, by the screen shown instead


class Finger:
    """What the GUI tests' helpers tap with (pytest-qt's qtbot, without pytest)."""

    mouseClick = staticmethod(QTest.mouseClick)  # noqa: N815 (qtbot's name)


@dataclass
class Central:
    url: str
    token: str
    db_path: Path


@contextmanager
def central_process(tmp: Path) -> Iterator[Central]:
    db_path = tmp / "central.sqlite3"
    with (tmp / "central.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", CENTRAL, str(db_path), str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    assert process.stdout is not None
    assert process.stdin is not None
    line = process.stdout.readline().split()
    if len(line) != 2:
        process.kill()
        raise SystemExit(f"the central did not start: {(tmp / 'central.log').read_text()[-500:]}")
    try:
        yield Central(line[0], line[1], db_path)
    finally:
        process.stdin.close()
        process.wait(timeout=10)


class SwallowingPrinter:
    """A network ESC/POS printer on 127.0.0.1 that is always ready: it answers status queries and keeps
    nothing of what it is sent."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.uri = f"tcp://127.0.0.1:{self._server.getsockname()[1]}"
        self.received = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(0.05)
                stream = EscposStream()
                while not self._stop.is_set():
                    try:
                        data = conn.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    self.received += len(data)
                    for event in stream.feed(data):
                        if isinstance(event, Query):
                            # Online, paper present (DLE EOT n); paper adequate (GS r 1).
                            conn.sendall(b"\x12" if event.kind == "dle_eot" else b"\x00")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


def run(loop: asyncio.AbstractEventLoop, coroutine: object) -> object:
    return loop.run_until_complete(coroutine)  # type: ignore[arg-type]


def unpay(central: Central, bill_ids: tuple[str, ...]) -> None:
    """The bills are owed again (as if next month's had come), so the next customer has something to pay."""
    with sqlite3.connect(central.db_path, timeout=10) as conn:
        conn.executemany(
            "UPDATE bills SET paid_at = NULL, paid_by = NULL WHERE id = ?", [(b,) for b in bill_ids]
        )
    conn.close()


def leave(kiosk: KioskApp, n: int) -> None:
    """Done on the last screen (or Home), or, every third customer, walking away until the idle wipe."""
    if n % 3 == 2:
        kiosk.idle.idle()
        for _ in range(600):
            if isinstance(kiosk.navigator.current, Home):
                break
            kiosk.idle.tick()
    elif isinstance(kiosk.navigator.current, PaymentReceived):
        tap(Finger, kiosk.window, "paid-done")  # type: ignore[arg-type]
    else:
        tap(Finger, kiosk.window, "nav-home")  # type: ignore[arg-type]
    assert isinstance(kiosk.navigator.current, Home), kiosk.navigator.current
    assert kiosk.session.customer is None


def one_session(kiosk: KioskApp, loop: asyncio.AbstractEventLoop, central: Central, n: int) -> None:
    bot = Finger
    code = PAYERS[n % len(PAYERS)]
    open_account(kiosk, bot, code)  # type: ignore[arg-type]
    tap(bot, kiosk.window, "bill-row-0")  # type: ignore[arg-type]
    tap(bot, kiosk.window, "nav-back")  # type: ignore[arg-type]
    tap(bot, kiosk.window, "account-pay")  # type: ignore[arg-type]
    assert isinstance(kiosk.navigator.current, ChooseBills), kiosk.navigator.current
    tap(bot, kiosk.window, "choose-continue")  # type: ignore[arg-type]
    settle(kiosk)
    qr = kiosk.navigator.current
    if not isinstance(qr, PayByQr):
        # Counted, not fatal: a soak is about memory (the stop screen says why, e.g. a bill still held).
        STOPPED[type(qr).__name__ + ":" + str(getattr(qr, "why", ""))] += 1
        leave(kiosk, 0)
        return
    assert qr.payment.reference is not None
    run(loop, kiosk.client.sim_bank_transfer(qr.payment.reference, qr.payment.amount))  # type: ignore[attr-defined]
    run(loop, kiosk.payments.followed())
    if isinstance(kiosk.navigator.current, PrintPreview):  # the demo's printer shows the receipt
        tap(bot, kiosk.window, "nav-back")  # type: ignore[arg-type]
    paid = kiosk.navigator.current
    assert isinstance(paid, PaymentReceived), paid
    assert paid.payment.receipt_number is not None
    unpay(central, paid.payment.order.bill_ids)
    leave(kiosk, n)
    if n % 10 == 5:
        OUTAGE_SCREENS["outage-reported"](kiosk, bot)  # type: ignore[arg-type]
        leave(kiosk, n)
    if n % 25 == 7:
        to_form(kiosk, bot, "contract_renewal")  # type: ignore[arg-type]
        if isinstance(kiosk.navigator.current, IdConsent):
            tap(bot, kiosk.window, "consent-type")  # type: ignore[arg-type]
        fill_form(kiosk, bot, phone=f"09{next(PHONES):08d}")  # one code per number and minute  # type: ignore[arg-type]
        submit(kiosk, bot)  # type: ignore[arg-type]
        leave(kiosk, n)


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # glibc's struct mallinfo2
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                     "fordblks", "keepcost")
    ]  # fmt: skip


def heap_in_use_mib() -> float:
    """Bytes malloc has handed out and not had back (every arena, and its own mmaps): C and C++ libraries'
    memory as well as Python's, without the free pages RSS also counts."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20


def sqlite_in_use_mib() -> float:
    import _sqlite3

    lib = ctypes.CDLL(_sqlite3.__file__)
    current, highest = ctypes.c_int64(), ctypes.c_int64()
    lib.sqlite3_status64(0, ctypes.byref(current), ctypes.byref(highest), 0)
    return current.value / 2**20


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class Sample:
    session: int
    rss: float
    heap: float
    sqlite: float
    objects: int
    widgets: int
    qobjects: int
    types: Counter[str]


def sample(kiosk: KioskApp, session: int, *, trim: bool = False) -> Sample:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    if trim:
        # Heap pages that are free but still mapped are handed back first: what is left is in use.
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    objects = gc.get_objects()
    types = Counter(type(o).__name__ for o in objects)
    count = len(objects)
    del objects
    return Sample(
        session,
        rss_mib(),
        heap_in_use_mib(),
        sqlite_in_use_mib(),
        count,
        len(QApplication.allWidgets()),
        len(kiosk.window.findChildren(QObject)),
        types,
    )


def soak(
    name: str,
    qapp: QApplication,
    sessions: int,
    every: int,
    *,
    production: bool,
    trace: bool,
    trim: bool,
    warmup: int,
) -> list[Sample]:
    with tempfile.TemporaryDirectory() as tmp_dir, central_process(Path(tmp_dir)) as central:
        tmp = Path(tmp_dir)
        overrides = demo_overrides(central.url, central.token, tmp) | {"payment.poll_seconds": 0.5}
        printer = None
        if production:
            printer = SwallowingPrinter()
            overrides |= {"printer.uri": printer.uri, "scanner.uri": None}
        settings = load_settings(None, {}, overrides=overrides)
        loop = KioskEventLoop(qapp)
        asyncio.set_event_loop(loop)
        kiosk = demo_kiosk(settings, qapp, speaker=FakeSpeaker(), chime=FakeChime())
        # As `kiosk run` starts it: the reconciler, the outbox's courier and the heartbeat run between taps.
        kiosk.start_devices()
        kiosk.background.start_reconciling()
        kiosk.background.start_outbox()
        kiosk.background.start_heartbeat()
        kiosk.window.resize(*LANDSCAPE)
        kiosk.window.show()
        samples: list[Sample] = []
        snapshot = None
        try:
            # Warm-up: every kind of session, until what is made once is made (screens built the first time,
            # library code paged in, bounded caches such as urllib's 128 parsed URLs filled).
            for n in (*(0, 1, 2, 5, 7), *range(warmup)):
                one_session(kiosk, loop, central, n)
            if trace:
                tracemalloc.start(12)
            samples.append(sample(kiosk, 0, trim=trim))
            if trace:
                snapshot = tracemalloc.take_snapshot()
            report(name, samples[-1], samples[0])
            for n in range(1, sessions + 1):
                one_session(kiosk, loop, central, n + 7)
                if n % every == 0 or n == sessions:
                    samples.append(sample(kiosk, n, trim=trim))
                    report(name, samples[-1], samples[0])
            if snapshot is not None:
                grown = tracemalloc.take_snapshot().compare_to(snapshot, "traceback")
                print(f"[{name}] tracemalloc: biggest growth since session 0")
                for stat in grown[:12]:
                    print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks")
                    for line in stat.traceback.format()[-8:]:
                        print("     ", line)
        finally:
            run(loop, shut_down(kiosk))
            kiosk.window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            loop.close()
            asyncio.set_event_loop(None)
            if printer is not None:
                printer.close()
    return samples


def report(name: str, now: Sample, first: Sample) -> None:
    grown = [(t, c - first.types.get(t, 0)) for t, c in now.types.items()]
    top = sorted((g for g in grown if g[1] > 0), key=lambda g: -g[1])[:6]
    print(
        f"[{name}] session {now.session:>5}: RSS {now.rss:7.1f} MiB (malloc'd {now.heap:6.1f},"
        f" SQLite {now.sqlite:4.1f})  objects {now.objects:>8}"
        f"  widgets {now.widgets:>5}  window QObjects {now.qobjects:>5}"
        f"  grown: {', '.join(f'{t} +{c}' for t, c in top) or '-'}",
        flush=True,
    )


def summary(name: str, samples: list[Sample]) -> None:
    first, last = samples[0], samples[-1]
    per = 1000 / max(last.session, 1)
    print(
        f"[{name}] growth per 1,000 sessions (0 -> {last.session}): "
        f"RSS {(last.rss - first.rss) * per:+.2f} MiB, malloc'd {(last.heap - first.heap) * per:+.2f} MiB, "
        f"SQLite {(last.sqlite - first.sqlite) * per:+.2f} MiB, objects {(last.objects - first.objects) * per:+.0f}, "
        f"widgets {(last.widgets - first.widgets) * per:+.0f}, "
        f"window QObjects {(last.qobjects - first.qobjects) * per:+.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=60, help="sessions before session 0 is measured")
    parser.add_argument("--every", type=int, default=100, help="measure every N sessions")
    parser.add_argument("--config", choices=["demo", "production", "both"], default="both")
    parser.add_argument("--trace", action="store_true", help="tracemalloc: where the growth was allocated")
    parser.add_argument(
        "--trim", action="store_true", help="malloc_trim(0) before each RSS reading: only the heap in use"
    )
    args = parser.parse_args()
    if not re.fullmatch(r"\d+", str(args.sessions)) or args.sessions < 1:
        parser.error("--sessions must be a positive number")
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    results = {}
    for name in ("demo", "production"):
        if args.config in (name, "both"):
            results[name] = soak(
                name,
                qapp,
                args.sessions,
                args.every,
                production=name == "production",
                trace=args.trace,
                trim=args.trim,
                warmup=args.warmup,
            )
    for name, samples in results.items():
        summary(name, samples)
    if STOPPED:
        print(f"payments that did not reach their QR: {dict(STOPPED)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
