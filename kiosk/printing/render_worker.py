"""Rendering in a process of its own, so that drawing a receipt never makes the screen late.

Pillow draws text and converts images in single calls that hold the GIL for a millisecond or more each, tens
of milliseconds in all for a long receipt: from a worker thread that still delays every GUI-thread wake-up
(animations, taps) by up to the interpreter's switch interval each time. A separate process shares no GIL;
the printing thread only waits on a pipe for the job to come back (a pickled :class:`PrintJob`).

The process is started with ``spawn`` (a fresh interpreter: forking a process that runs Qt threads is
unsafe) the first time something is printed, and lives as long as the print service; it ends when the
kiosk does, or when its pipe is closed. If it dies, the document is rendered in the calling thread instead
and a new process is started for the next one: a receipt is never lost to the worker.

A plain process and pipe rather than a ``ProcessPoolExecutor``: the executor keeps threads of its own in
the kiosk process, and Qt objects collected on such a thread are destroyed on the wrong thread.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from kiosk.printing.document import Document
from kiosk.printing.printer import PrintJob
from kiosk.printing.render import RenderError, render

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["RenderWorker"]

_log = logging.getLogger(__name__)


def _serve(connection: Connection) -> None:
    """The render process: a document in, its job (or the RenderError) out, until the pipe closes."""
    while True:
        try:
            document, dot_width, text_mode = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("job", render(document, dot_width=dot_width, text_mode=text_mode))
        except RenderError as exc:
            reply = ("error", str(exc))
        connection.send(reply)


class RenderWorker:
    """:func:`kiosk.printing.render.render` in a separate process. Blocking: call from a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    @property
    def started(self) -> bool:
        return self._process is not None

    def __call__(self, document: Document, *, dot_width: int, text_mode: bool = False) -> PrintJob:
        with self._lock:
            try:
                connection = self._started()
                connection.send((document, dot_width, text_mode))
                kind, value = connection.recv()
            except (EOFError, OSError) as exc:
                _log.warning("the render process stopped (%r): rendering in this process", exc)
                self._stop()
                return render(document, dot_width=dot_width, text_mode=text_mode)
        if kind == "error":
            raise RenderError(value)
        job: PrintJob = value
        return job

    def close(self) -> None:
        """Ends the process (it is started again if something is printed after all)."""
        with self._lock:
            self._stop()

    def _started(self) -> Connection:
        if self._connection is None:
            # Imported here: the kiosk's start does not wait for multiprocessing.
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs,), name="kiosk-render", daemon=True)
            process.start()
            theirs.close()
            self._process, self._connection = process, ours
        return self._connection

    def _stop(self) -> None:
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()  # the process sees the pipe close and ends
        if process is not None:
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join()
