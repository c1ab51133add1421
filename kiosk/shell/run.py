"""`kiosk run`: the kiosk full screen (or in a window), until it is asked to stop.

The configuration is read once (``--config``, ``KIOSK_CONFIG``, the platform's config dir); an invalid one stops
the start with a message naming the key. The kiosk then runs on qasync's loop until a signal, staff or (in the
demo, :mod:`kiosk.demo.run`) Ctrl+Q asks it to stop, and exits with the status the supervisor reads
(:class:`~kiosk.shell.stopping.ExitStatus`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.config import ConfigError, Settings, config_path, load_settings
from kiosk.language.catalogs import CatalogError
from kiosk.payments.journal import PaymentJournalError
from kiosk.printing.journal import JournalError
from kiosk.requests.outbox import OutboxError
from kiosk.shell.app import KioskApp
from kiosk.shell.build import build_kiosk
from kiosk.shell.display_session import EXIT_STATUS_FILE_VARIABLE, write_exit_record
from kiosk.shell.event_loop import KioskEventLoop, qt_caught_up
from kiosk.shell.faults import install_fault_handlers
from kiosk.shell.lifecycle import check_central, show_fault, shut_down
from kiosk.shell.lockdown import install_lockdown
from kiosk.shell.logs import configure_logging
from kiosk.shell.stopping import ExitStatus
from kiosk.shell.warm_up import modules_to_warm, warm_up
from kiosk.storage.data_dir_lock import DataDirLockError, lock_data_dir
from kiosk.storage.journal_file import JournalFileError
from kiosk.storage.private import keep_files_private
from kiosk.views.panels import WINDOWED_LANDSCAPE

__all__ = ["READY", "Mode", "configure_run_parser", "fail", "run_gui", "run_kiosk", "serve"]

log = logging.getLogger(__name__)

READY = "ready: the kiosk is serving customers"
_IMPORTED_AT = time.monotonic()


@dataclass(frozen=True)
class Mode:
    """How this kiosk runs: ``windowed`` (a normal window), ``smoke`` (quit once ready), and what a demo adds:
    a way out for someone trying it on their own computer (``allow_quit``), and its keys (``on_shown``)."""

    windowed: bool = False
    smoke: bool = False
    allow_quit: bool = False
    hide_cursor: bool = True
    on_shown: Callable[[KioskApp], None] = lambda _kiosk: None
    client: Callable[[Settings], CentralClient] | None = None  # the central's client (default: the real one)


def configure_run_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the reference central server with demo data on loopback and use it",
    )
    parser.add_argument("--windowed", action="store_true", help="a normal window, for development")
    parser.add_argument(
        "--config",
        type=Path,
        help="the kiosk's TOML config (default: KIOSK_CONFIG, then the platform config dir)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="quit with status 0 as soon as the home screen is ready, printing 'ready in N ms'",
    )


def fail(message: str, status: int = ExitStatus.FAILED) -> int:
    print(f"kiosk: {message}", file=sys.stderr)  # noqa: T201 - the command line is the interface
    return status


def reporting_exit_status(run: Callable[[], int]) -> int:
    """Runs `kiosk run` and, under `kiosk display-session` (a compositor such as cage between systemd and the
    kiosk, which does not pass the kiosk's exit status on), tells its pid and then its exit status through the
    file named by ``KIOSK_EXIT_STATUS_FILE``."""
    configure_logging(os.environ)
    status_file = os.environ.get(EXIT_STATUS_FILE_VARIABLE)
    if status_file:
        write_exit_record(Path(status_file), f"running {os.getpid()}")
    status: int = ExitStatus.FAILED  # what an exception escaping from here (a crash) leaves in the file
    try:
        status = run()
    finally:
        if status_file:
            write_exit_record(Path(status_file), f"exited {int(status)}")
    return status


def run_kiosk(args: argparse.Namespace) -> int:
    """`kiosk run` for a real kiosk."""

    def run() -> int:
        try:
            settings = load_settings(config_path(args.config, os.environ), os.environ)
        except ConfigError as exc:
            return fail(str(exc), ExitStatus.CONFIG)
        # The client from the whole [central] table: its ca_file too.
        mode = Mode(windowed=args.windowed, smoke=args.smoke, client=_configured_client)
        return run_gui(settings, mode)

    return reporting_exit_status(run)


def _configured_client(settings: Settings) -> CentralClient:
    return CentralClient.for_settings(settings.central)


def run_gui(settings: Settings, mode: Mode) -> int:
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    if settings.central.sends_token_in_clear:
        log.warning(
            "central.allow_insecure_http: the token and customers' data go to %s unencrypted;"
            " give the central an https:// address",
            settings.central.url,
        )
    try:
        keep_files_private(settings.data_dir)
    except OSError as exc:
        return fail(f"data_dir {settings.data_dir}: {exc} — check data_dir, or run `kiosk doctor`")
    # Before any journal is opened, and held until this process ends: one kiosk per data directory.
    try:
        data_dir_lock = lock_data_dir(settings.data_dir)
    except DataDirLockError as exc:
        return fail(str(exc))
    with data_dir_lock:
        return _run_locked(settings, mode, qt_app)


def _run_locked(settings: Settings, mode: Mode, qt_app: QApplication) -> int:
    try:
        client = mode.client(settings) if mode.client is not None else None
        kiosk_app = build_kiosk(settings, qt_app, client=client)
    except (CatalogError, FileNotFoundError) as exc:
        return fail(f"{exc} — reinstall the kiosk or run `kiosk doctor`")
    except ValueError as exc:  # a printer URI the driver cannot use
        return fail(f"config key 'printer.uri': {exc}", ExitStatus.CONFIG)
    except JournalFileError as exc:  # says in words what happened to the file and what to do
        return fail(str(exc))
    except (JournalError, PaymentJournalError, OutboxError) as exc:
        return fail(f"{exc} — check data_dir, or run `kiosk doctor`")

    loop = KioskEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    # From here on an unexpected error is logged and shows "please ask staff", never a traceback.
    faults = install_fault_handlers(lambda: show_fault(kiosk_app), loop=loop)
    restore_signals = _stop_on_signals(kiosk_app, qt_app)
    try:
        with loop:
            status: int = loop.run_until_complete(serve(kiosk_app, qt_app, mode))
            loop.run_until_complete(_end_leftover_tasks())
    finally:
        restore_signals()
        faults.uninstall()
        asyncio.set_event_loop(None)
    return status


READY_WAIT_SECONDS = 2.0
"""How long "ready" waits for the window to be told it is active (a platform may never tell it)."""


async def window_ready(kiosk_app: KioskApp) -> None:
    """Returns once a customer's touch or a key would reach the window: shown, laid out (its pages too), and
    active where the platform activates windows. Before, a key typed the moment the window appeared was lost."""
    await qt_caught_up()
    window = kiosk_app.window
    if window.isActiveWindow() or QGuiApplication.platformName() == "offscreen":
        return
    activated = asyncio.Event()

    class Activation(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.WindowActivate:
                activated.set()
            return False

    watcher = Activation()
    window.installEventFilter(watcher)
    try:
        if not window.isActiveWindow():
            await asyncio.wait_for(activated.wait(), READY_WAIT_SECONDS)
    except TimeoutError:
        log.info("the window was not activated within %.0f s: ready all the same", READY_WAIT_SECONDS)
    finally:
        window.removeEventFilter(watcher)


async def serve(kiosk_app: KioskApp, qt_app: QApplication, mode: Mode) -> int:
    """Runs a built kiosk on the running event loop until it is asked to stop, then shuts it down; returns the
    exit status (:class:`ExitStatus`)."""
    # Only the kiosk decides when it stops (a signal, Ctrl+Q in the demo, staff): never Qt on its own when the
    # window closes, which would stop the event loop under the shutdown still running on it.
    qt_app.setQuitOnLastWindowClosed(False)
    # The window first, then everything that can wait for it: the central's answer (up to its timeout, and
    # retries, when it is slow or down), the chime and the speech engine, the scanner, the background work.
    # A customer sees the home screen at once; a tap that needs the central gets its own answer.
    show_kiosk_window(kiosk_app, mode)
    lockdown = install_lockdown(
        qt_app,
        kiosk_app.window,
        staff_active=lambda: kiosk_app.staff.unlocked,
        allow_quit=mode.allow_quit or mode.windowed,  # someone trying the kiosk must be able to leave
        watch=kiosk_app.clocks.watch,  # one application-wide filter for the clocks and the lockdown
    )
    kiosk_app.staff.on_close(lockdown.restore)
    try:
        await window_ready(kiosk_app)
        shown_at = _process_age_ms()
        kiosk_app.start_devices()
        problem = await check_central(kiosk_app)
        if problem is not None:
            if mode.smoke:
                return fail(problem + " — check central.url and central.token, or run `kiosk doctor`")
            log.warning("starting without the central system: %s", problem)
        kiosk_app.background.start_reconciling()
        kiosk_app.background.start_outbox()
        kiosk_app.background.start_heartbeat()
        log.info(READY)
        if mode.smoke:
            # Ready for input when the window was shown and the loop had handled everything queued by showing
            # it; the smoke waits for the central's answer only to fail when there is none.
            print(f"ready in {shown_at:.0f} ms")  # noqa: T201
            return ExitStatus.STOPPED
        warming = asyncio.ensure_future(warm_up(modules_to_warm()))
        try:
            status: ExitStatus = await kiosk_app.stop.wait()
        finally:
            warming.cancel()
        log.info(
            "stopping: %s", "closed by staff" if status is ExitStatus.CLOSED_BY_STAFF else "asked to stop"
        )
        return status
    finally:
        lockdown.uninstall()  # the window may close now
        await shut_down(kiosk_app)


def show_kiosk_window(kiosk_app: KioskApp, mode: Mode) -> None:
    window = kiosk_app.window
    mode.on_shown(kiosk_app)
    portrait = kiosk_app.settings.ui.orientation == "portrait"
    if mode.windowed:
        window.allow_close = True
        width, height = WINDOWED_LANDSCAPE
        window.resize(*((height, width) if portrait else (width, height)))
        window.show()
        return
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    if kiosk_app.settings.ui.hide_cursor and mode.hide_cursor:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        # Without a window manager, full screen alone does not place the window.
        window.setGeometry(screen.geometry())
    window.showFullScreen()


def _process_age_ms() -> float:
    """Milliseconds since this process started (from /proc where there is one), for `--smoke`."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError):
        return (time.monotonic() - _IMPORTED_AT) * 1000 + (time.process_time() * 1000)


async def _end_leftover_tasks() -> None:
    """Whatever still runs on the loop once the kiosk is shut down (a library's own task) is cancelled and
    awaited here: a loop closed over pending tasks loses them with a "Task was destroyed" complaint."""
    current = asyncio.current_task()
    leftovers = [task for task in asyncio.all_tasks() if task is not current]
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)


def _stop_on_signals(kiosk_app: KioskApp, qt_app: QApplication) -> Callable[[], None]:
    """SIGTERM (systemd's stop) and SIGINT (Ctrl+C in a terminal) stop the kiosk cleanly, in any mode: the
    lockdown refuses to close the window, so a signal must not go through Qt's quit. Returns what puts the
    previous handlers back.

    The signal is handled as an event of Qt's loop, never inside the signal handler: Python writes each signal's
    number to a socket (``signal.set_wakeup_fd``) whose arrival wakes the loop at once. A handler that did the
    work itself ran wherever the main thread happened to be, in the middle of writing a log line for instance,
    where its own log line failed ("reentrant call") and took the stop request down with it."""
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    # Python's own handler must exist (the default one would kill the process at once); it has nothing to do.
    previous = {signum: signal.signal(signum, lambda *_: None) for signum in (signal.SIGTERM, signal.SIGINT)}
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, qt_app)

    def arrived() -> None:
        try:
            numbers = receiver.recv(64)
        except BlockingIOError:
            return
        for number in numbers:
            log.info("%s received", signal.Signals(number).name)
            kiosk_app.stop()

    notifier.activated.connect(arrived)

    def restore() -> None:
        notifier.setEnabled(False)
        notifier.deleteLater()
        signal.set_wakeup_fd(previous_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        receiver.close()
        sender.close()

    return restore
