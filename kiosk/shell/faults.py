"""Unexpected errors (bugs) never reach the customer as a traceback window or a frozen screen.

Every way Python reports an exception nobody caught is routed here: ``sys.excepthook`` (Qt slots and virtual
overrides, see below), ``threading.excepthook`` (worker threads) and the asyncio loop's exception handler
(callbacks and tasks). Each fault is logged once at CRITICAL with its traceback (the journal has it, the screen
never does), then ``on_fault`` is called on the GUI thread, from the event loop, so that the app can show the
"please ask staff" screen. A flood of faults (a paint that raises on every frame) calls ``on_fault`` at most
once per ``min_interval`` and never re-enters it.

How PySide6 6.11 reports an exception raised in Python code that Qt called (verified by experiment, see
tests/shell/test_faults.py, which fails if it changes):

- a slot (a signal emitted from C++ or from Python): the exception goes to ``sys.excepthook``; ``emit()``
  returns normally;
- a virtual override (``paintEvent``, ``eventFilter``, ...) called by the event loop: shiboken writes
  "Error calling Python override of QWidget::paintEvent(): " to the C-level stderr (not through Python, not
  through Qt's message handler), then calls ``sys.excepthook`` with the original exception;
- a virtual override called while Python code is waiting on the C++ call (``widget.grab()``,
  ``QCoreApplication.sendEvent``, anything a coroutine or a slot calls into): since PYSIDE-2335 the exception is
  re-raised in that Python caller, with the message prefixed as above; it then reaches one of the three hooks
  as the caller's own exception.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

__all__ = ["MIN_FAULT_INTERVAL_SECONDS", "FaultHandlers", "install_fault_handlers"]

log = logging.getLogger(__name__)

MIN_FAULT_INTERVAL_SECONDS = 1.0
"""``on_fault`` is called at most this often, however many faults arrive."""
REPEAT_TRACEBACK_SECONDS = 60.0
"""The same fault (type and place) again within this long of its last logged traceback is logged as one line:
a paint that raises 60 times a second must not fill the journal with identical tracebacks."""

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class FaultHandlers(QObject):
    """The installed hooks. :meth:`uninstall` puts back what was there before (tests install and remove them)."""

    # Always connected queued: on_fault then runs from the event loop with a clean stack, never inside a hook
    # (which may sit deep in a paint event) and never on a worker thread.
    _raised = Signal()

    def __init__(
        self,
        on_fault: Callable[[], None],
        *,
        loop: asyncio.AbstractEventLoop | None,
        min_interval: float,
        clock: Callable[[], float],
    ) -> None:
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("install_fault_handlers() needs the QApplication to exist first")
        super().__init__()
        # The hooks may first run on any thread; the object that takes faults to on_fault must live on the GUI one.
        self.moveToThread(app.thread())
        self._on_fault = on_fault
        self._min_interval = min_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._faults = 0
        self._pending = False
        self._delivering = False
        self._delivered_at: float | None = None
        self._last_traceback: tuple[tuple[object, ...], float] | None = None
        self._in_hook = threading.local()
        self._installed = True
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        # A coarse timer may fire up to 5 % early, which would break the promised minimum interval.
        self._later.setTimerType(Qt.TimerType.PreciseTimer)
        self._later.timeout.connect(self._deliver)
        self._raised.connect(self._arrived, Qt.ConnectionType.QueuedConnection)

        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        self._loop = loop
        self._previous_loop_handler = _exception_handler_of(loop) if loop is not None else None
        sys.excepthook = self._excepthook
        threading.excepthook = self._threading_hook
        if loop is not None:
            loop.set_exception_handler(self._loop_handler)

    @property
    def faults(self) -> int:
        """How many faults arrived since installation (the staff screen may show it)."""
        return self._faults

    def uninstall(self) -> None:
        """Puts back the hooks that were installed before these (only those these replaced)."""
        if not self._installed:
            return
        self._installed = False
        self._later.stop()
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_excepthook
        if threading.excepthook == self._threading_hook:
            threading.excepthook = self._previous_threading_hook
        if self._loop is not None and _exception_handler_of(self._loop) == self._loop_handler:
            self._loop.set_exception_handler(self._previous_loop_handler)

    # ------------------------------------------------------------------ the hooks (any thread)
    def _excepthook(
        self, exc_type: type[BaseException], exc_value: BaseException, traceback: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            # Ctrl+C at a developer's terminal is not a fault (the kiosk itself quits on SIGINT before this).
            self._previous_excepthook(exc_type, exc_value, traceback)
            return
        self._fault(f"thread {threading.current_thread().name!r}", (exc_type, exc_value, traceback))
        # PyErr_Print keeps the last error in sys.last_*: that would keep the failing frames, and whatever
        # customer data their locals hold, alive until the next fault.
        if getattr(sys, "last_value", None) is exc_value:
            for name in ("last_type", "last_value", "last_traceback", "last_exc"):
                if hasattr(sys, name):
                    delattr(sys, name)

    def _threading_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return  # as the default hook: a thread that ends itself on purpose
        # exc_value may be None by the hook's contract; some exception types cannot be made without arguments.
        exc_value = args.exc_value or RuntimeError(f"{args.exc_type.__name__} without a value")
        name = args.thread.name if args.thread is not None else "?"
        self._fault(f"thread {name!r}", (args.exc_type, exc_value, args.exc_traceback))

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exception = context.get("exception")
        if not isinstance(exception, BaseException):
            # asyncio's own notices without an exception ("Task was destroyed but it is pending!"): logged as
            # asyncio logs them; they are not a customer-facing fault.
            loop.default_exception_handler(context)
            return
        message = context.get("message") or "an asyncio callback"
        self._fault(f"the event loop ({message})", (type(exception), exception, exception.__traceback__))

    def _fault(self, where: str, exc_info: _ExcInfo) -> None:
        if getattr(self._in_hook, "active", False):
            return  # a fault while reporting a fault (a broken log handler): nothing sane is left to do
        self._in_hook.active = True
        try:
            now = self._clock()
            with self._lock:
                self._faults += 1
                repeated = self._repeats_last_traceback(exc_info, now)
                schedule = self._installed and not self._pending
                if schedule:
                    self._pending = True
            if repeated:
                log.critical(
                    "unexpected error in %s, again: %s: %s (traceback logged before)",
                    where,
                    exc_info[0].__name__,
                    exc_info[1],
                )
            else:
                log.critical("unexpected error in %s", where, exc_info=exc_info)
            if schedule:
                self._raised.emit()
        finally:
            self._in_hook.active = False

    def _repeats_last_traceback(self, exc_info: _ExcInfo, now: float) -> bool:
        """Whether this fault is the one whose traceback was logged less than REPEAT_TRACEBACK_SECONDS ago
        (same type, raised at the same place); if not, it becomes the one. Called under the lock."""
        place: tuple[object, ...] = ()
        traceback = exc_info[2]
        while traceback is not None:
            place = (traceback.tb_frame.f_code.co_filename, traceback.tb_lineno)
            traceback = traceback.tb_next
        key = (exc_info[0], *place)
        if self._last_traceback is not None:
            last_key, logged_at = self._last_traceback
            if last_key == key and now - logged_at < REPEAT_TRACEBACK_SECONDS:
                return True
        self._last_traceback = (key, now)
        return False

    # ------------------------------------------------------------------ on the GUI thread
    def _arrived(self) -> None:
        if not self._installed:
            return
        if self._delivered_at is not None:
            wait = self._min_interval - (self._clock() - self._delivered_at)
            if wait > 0:
                self._later.start(math.ceil(wait * 1000))
                return
        self._deliver()

    def _deliver(self) -> None:
        if not self._installed:
            return
        if self._delivering:
            # on_fault ran the event loop (processEvents) and a fault raised meanwhile came back here: finish the
            # current call first, then come back once the interval has passed.
            self._later.start(math.ceil(self._min_interval * 1000))
            return
        with self._lock:
            self._pending = False
        self._delivered_at = self._clock()
        self._delivering = True
        try:
            self._on_fault()
        except Exception:
            # The fault screen itself failing must not become a fault that calls it again, once a second, forever.
            log.critical("on_fault failed while handling an unexpected error", exc_info=True)
        finally:
            self._delivering = False


_LoopHandler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], object]


def _exception_handler_of(loop: asyncio.AbstractEventLoop) -> _LoopHandler | None:
    """The loop's exception handler. WORKAROUND: qasync 0.28's QEventLoop.set_exception_handler() keeps the
    handler in a private attribute that get_exception_handler() (inherited from asyncio) never reads, so that
    always answers None there."""
    handler: _LoopHandler | None = loop.get_exception_handler()
    if handler is None:
        handler = getattr(loop, "_QEventLoop__exception_handler", None)
    return handler


def install_fault_handlers(
    on_fault: Callable[[], None],
    *,
    loop: asyncio.AbstractEventLoop | None = None,
    min_interval: float = MIN_FAULT_INTERVAL_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> FaultHandlers:
    """Routes every uncaught exception (Qt slots and overrides, worker threads, and ``loop``'s callbacks and
    tasks) to the log at CRITICAL, and then to ``on_fault`` on the GUI thread, at most once per
    ``min_interval`` seconds. Call it on the GUI thread, after the QApplication is made; ``uninstall()`` the
    result to put the previous hooks back."""
    return FaultHandlers(on_fault, loop=loop, min_interval=min_interval, clock=clock)
