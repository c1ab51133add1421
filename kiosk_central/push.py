"""Payment news pushed: a kiosk's ``GET /v1/payments/{id}?wait=N`` is answered as soon as the payment changes.

Each worker process keeps the long polls it holds in a :class:`PaymentWatch`. A write that changes a payment's
status wakes them when it commits: at once when it ran in this process (kiosk_central.db calls back after
the commit); from any other worker through PostgreSQL's ``LISTEN``/``NOTIFY`` (:class:`PostgresListener`).
A waiter also looks at the payment again every ``recheck`` seconds, whatever it was told: on SQLite with several
workers that is how news from another process arrives (within a second), and on PostgreSQL it covers the
moments its listening connection is being re-made. Expiry needs no news: a waiter wakes at the payment's
``expires_at`` by the central's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from kiosk_central.db import PAYMENT_CHANNEL

log = logging.getLogger(__name__)


class PaymentWatch:
    """The long polls one worker holds, by payment id. Woken from any thread."""

    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        # The server is stopping: every long poll answers now, as things stand.
        self.stopping = False

    @contextlib.contextmanager
    def interest(self, payment_id: str) -> Iterator[asyncio.Event]:
        """An event set when ``payment_id`` changes; registered before the payment is read, so that a change
        committed between the read and the wait is not missed."""
        self._loop = asyncio.get_running_loop()
        event = asyncio.Event()
        self._waiters.setdefault(payment_id, set()).add(event)
        try:
            yield event
        finally:
            waiting = self._waiters.get(payment_id)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._waiters[payment_id]

    def wake(self, payment_id: str) -> None:
        """The payment changed (called after the commit, from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(self._wake_now, payment_id)

    def _wake_now(self, payment_id: str) -> None:
        for event in self._waiters.get(payment_id, ()):
            event.set()

    def stop(self) -> None:
        """Answer every long poll now (the server was told to stop: systemd waits for no 30-second poll)."""
        self.stopping = True
        for events in self._waiters.values():
            for event in events:
                event.set()

    @contextlib.contextmanager
    def stopped_by_signals(self) -> Iterator[None]:
        """While serving, a SIGTERM or SIGINT also stops the long polls, then goes on to the server's own handler.

        Only in the main thread (where signals are handled): a server run in a thread (tests) has none."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def handle(sig: int, frame: FrameType | None) -> None:
            self.stop()
            handler = previous[signal.Signals(sig)]
            if callable(handler):
                handler(sig, frame)

        for sig in previous:
            signal.signal(sig, handle)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                if signal.getsignal(sig) is handle:
                    signal.signal(sig, handler)


class PostgresListener:
    """A thread that LISTENs for payment news on its own connection and wakes this worker's long polls.

    The connection is made again after any failure (the database restarted, a network blip), with a pause;
    meanwhile the waiters' re-check keeps them right, only slower."""

    def __init__(self, url: str, watch: PaymentWatch) -> None:
        self._url = url
        self._watch = watch
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="payment-news", daemon=True)
        self.connected = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        pause = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {PAYMENT_CHANNEL}")
                    self.connected.set()
                    pause = 0.5
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._watch.wake(note.payload)
            except psycopg.Error as exc:
                self.connected.clear()
                log.warning(
                    "payment news: listening connection lost (%s); again in %.1f s", type(exc).__name__, pause
                )
                self._stop.wait(pause)
                pause = min(pause * 2, 10.0)
