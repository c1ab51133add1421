"""Printers without paper, behind the same interface as the real one: the tests' fake, which records every
job and says whatever status a test sets, and the demo's preview printer, which saves each job as a PNG."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal

from kiosk.devices.printer import NOMINAL_DOT_WIDTH
from kiosk.printing.printer import (
    PrintJob,
)
from kiosk.printing.printer_status import (
    PrinterState,
    PrinterStatus,
    is_printable,
)

# The preview printer's pages it remembers (the newest last); older ones stay in its directory.
SAVED_PAGES_KEPT = 16


# ---------------------------------------------------------------------------------------------- fakes
class FakePrinter:
    """A printer with test controls: :meth:`set_status`, :meth:`fail_during_next_job`, :attr:`printed_jobs`."""

    def __init__(
        self,
        *,
        dot_width: int = NOMINAL_DOT_WIDTH[80],
        text_mode: bool = False,
        description: str = "fake printer",
        keep_jobs: bool = True,
    ) -> None:
        """``keep_jobs``: record every job in :attr:`printed_jobs` (a test's fake reads them; a printer that
        runs for days must not keep each page's image)."""
        self.dot_width = dot_width
        self.keep_jobs = keep_jobs
        self.text_mode = text_mode
        self.description = description
        self.printed_jobs: list[PrintJob] = []
        self._status: PrinterStatus = PrinterState.READY
        self._status_during_job: PrinterStatus | None = None
        self._lock = threading.Lock()

    def set_status(self, status: PrinterStatus) -> None:
        with self._lock:
            self._status = status

    def fail_during_next_job(self, status: PrinterStatus) -> None:
        """The next job stops half-way with ``status`` (paper runs out, the cover is opened)."""
        with self._lock:
            self._status_during_job = status

    @contextmanager
    def session(self) -> Iterator[_FakeSession]:
        yield _FakeSession(self)

    def status(self, *, timeout: float) -> PrinterStatus:
        with self._lock:
            return self._status

    def _received(self, job: PrintJob) -> None:
        with self._lock:
            if self._status_during_job is not None:
                self._status, self._status_during_job = self._status_during_job, None
                return
            if not is_printable(self._status):
                return
            if self.keep_jobs:
                self.printed_jobs.append(job)
        self._output(job)

    def _output(self, job: PrintJob) -> None:
        pass


class _FakeSession:
    def __init__(self, printer: FakePrinter) -> None:
        self._printer = printer
        self._sent = False

    def status(self, *, timeout: float) -> PrinterStatus:
        return self._printer.status(timeout=timeout)

    def send(self, job: PrintJob) -> None:
        self._printer._received(job)
        self._sent = True

    def confirm(self, *, timeout: float, status_timeout: float) -> PrinterStatus:
        return self._printer.status(timeout=status_timeout)


class PreviewPrinter(FakePrinter):
    """``preview://DIR``: "prints" each job as a PNG in ``DIR`` - the very pixels a printer would get."""

    def __init__(self, directory: Path, *, width_mm: Literal[58, 80] = 80) -> None:
        super().__init__(
            dot_width=NOMINAL_DOT_WIDTH[width_mm], description=f"preview://{directory}", keep_jobs=False
        )
        self.directory = directory
        # The pages are on disk; the screen shows the last one. A list of every page would grow with each
        # customer of a demo left running for days.
        self.saved: deque[Path] = deque(maxlen=SAVED_PAGES_KEPT)

    def _output(self, job: PrintJob) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.directory / f"receipt-{stamp}.png"
        job.preview.save(path)
        self.saved.append(path)
