"""Rendering in a process of its own, so that drawing a receipt never makes the screen late.

Pillow draws text and converts images in single calls that hold the GIL for a millisecond or more each, tens
of milliseconds in all for a long receipt: from a worker thread that still delays every GUI-thread wake-up
(animations, taps) by up to the interpreter's switch interval each time. A separate process shares no GIL;
the printing thread only waits on a pipe for the job to come back (a pickled :class:`PrintJob`).

The process is a fresh interpreter (``python -m kiosk.printing.render_worker``; forking a process that runs
Qt threads is unsafe) started the first time something is printed; it lives as long as the print service
and ends when its pipe closes (the kiosk stopped, or :meth:`RenderWorker.close`). If it dies, the document
is rendered in the calling thread instead and a new process is started for the next one: a receipt is never
lost to the worker.

Not ``multiprocessing``'s ``spawn``: it re-runs the parent's main script in the child (the ``kiosk`` entry
point, which imports the whole kiosk and Qt) and fails when there is none. Not a ``ProcessPoolExecutor``:
it keeps threads of its own in the kiosk process, and Qt objects the garbage collector finds on such a
thread are destroyed on the wrong thread.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import kiosk
from kiosk.printing.document import Document, RenderError
from kiosk.printing.printer import PrintJob

__all__ = ["RenderWorker"]

_log = logging.getLogger(__name__)


def _serve(requests: Connection, replies: Connection) -> None:
    """The render process: a document in, its job (or the RenderError) out, until the pipe closes."""
    from kiosk.printing.render import render

    while True:
        try:
            document, dot_width, text_mode = requests.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("job", render(document, dot_width=dot_width, text_mode=text_mode))
        except RenderError as exc:
            reply = ("error", str(exc))
        replies.send(reply)


def main() -> None:
    requests, replies = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything printed goes to stderr, not into the replies
    _serve(requests, replies)


class RenderWorker:
    """:func:`kiosk.printing.render.render` in a separate process. Blocking: call from a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None

    @property
    def started(self) -> bool:
        return self._process is not None

    def __call__(self, document: Document, *, dot_width: int, text_mode: bool = False) -> PrintJob:
        with self._lock:
            try:
                requests, replies = self._started()
                requests.send((document, dot_width, text_mode))
                kind, value = replies.recv()
            except (EOFError, OSError) as exc:
                _log.warning("the render process stopped (%r): rendering in this process", exc)
                self._stop()
                from kiosk.printing.render import render  # with the first printout, as the process would

                return render(document, dot_width=dot_width, text_mode=text_mode)
        if kind == "error":
            raise RenderError(value)
        job: PrintJob = value
        return job

    def close(self) -> None:
        """Ends the process (it is started again if something is printed after all)."""
        with self._lock:
            self._stop()

    def _started(self) -> tuple[Connection, Connection]:
        if self._requests is None or self._replies is None:
            # The kiosk package wherever this one was imported from, installed or not.
            path = os.pathsep.join(
                filter(None, (str(Path(kiosk.__file__).parent.parent), os.environ.get("PYTHONPATH")))
            )
            # -P: not the working directory first on the path, where another checkout's kiosk/ would win.
            process = subprocess.Popen(  # this interpreter, a module of ours
                [sys.executable, "-P", "-m", "kiosk.printing.render_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=os.environ | {"PYTHONPATH": path},
                close_fds=True,
            )
            assert process.stdin is not None
            assert process.stdout is not None
            self._requests = Connection(os.dup(process.stdin.fileno()), readable=False)
            self._replies = Connection(os.dup(process.stdout.fileno()), writable=False)
            process.stdin.close()
            process.stdout.close()
            self._process = process
        return self._requests, self._replies

    def _stop(self) -> None:
        process, requests, replies = self._process, self._requests, self._replies
        self._process = self._requests = self._replies = None
        for connection in (requests, replies):
            if connection is not None:
                connection.close()  # the process sees its pipe close and ends
        if process is not None:
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    main()
