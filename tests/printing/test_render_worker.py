"""The kiosk renders in a process of its own (no GIL shared with its GUI thread): the same job as rendering in
the printing thread, errors that come back as errors, and a receipt printed even when that process dies."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devices.paperless_printers import FakePrinter
from kiosk.printing.document import Document, QrCode
from kiosk.printing.journal import PrintJournal
from kiosk.printing.records import JobState
from kiosk.printing.render import RenderError, render
from kiosk.printing.render_worker import RenderWorker
from kiosk.printing.samples import sample_documents
from kiosk.printing.service import PrintService

DOCUMENTS = sample_documents()


@pytest.fixture(scope="module")
def worker() -> Iterator[RenderWorker]:
    worker = RenderWorker()
    yield worker
    worker.close()


@pytest.mark.parametrize("text_mode", [False, True], ids=["raster", "text"])
def test_the_render_process_gives_the_same_job(worker: RenderWorker, text_mode: bool) -> None:
    for name, document in DOCUMENTS.items():
        here = render(document, dot_width=384, text_mode=text_mode)
        there = worker(document, dot_width=384, text_mode=text_mode)
        assert there.height_dots == here.height_dots, name
        assert there.preview.tobytes() == here.preview.tobytes(), name
        assert [type(op) for op in there.ops] == [type(op) for op in here.ops], name
        for mine, theirs in zip(here.ops, there.ops, strict=True):
            if hasattr(mine, "image"):
                assert theirs.image.tobytes() == mine.image.tobytes(), name  # type: ignore[union-attr]
            else:
                assert theirs == mine, name
    assert worker.started


def test_a_document_too_big_for_the_paper_is_a_render_error(worker: RenderWorker) -> None:
    with pytest.raises(RenderError, match="too long"):
        worker(Document((QrCode("x" * 2000),)), dot_width=384)
    assert worker(DOCUMENTS["request_slip"], dot_width=384).height_dots > 0  # and the process goes on


def test_closing_ends_the_process() -> None:
    worker = RenderWorker()
    worker(DOCUMENTS["request_slip"], dot_width=384)
    process = worker._process
    assert process is not None
    assert process.poll() is None
    worker.close()
    assert process.poll() == 0  # it ended by itself when its pipe closed
    assert not worker.started


def test_a_receipt_prints_when_the_render_process_died(tmp_path: Path) -> None:
    worker = RenderWorker()
    printer = FakePrinter()
    service = PrintService(printer, PrintJournal(tmp_path / "print.sqlite3"), renderer=worker)
    try:
        first = asyncio.run(
            service.print_document(DOCUMENTS["payment_receipt"], kind="receipt", reference="A")
        )
        assert first.printed
        process = worker._process
        assert process is not None
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        second = asyncio.run(
            service.print_document(DOCUMENTS["payment_receipt"], kind="receipt", reference="B")
        )
        assert second.printed
        assert [e.state for e in service.journal.pending_for_staff()] == []
        assert service.journal.get(second.job_id).state is JobState.CONFIRMED
        assert len(printer.printed_jobs) == 2
        assert printer.printed_jobs[1].preview.tobytes() == printer.printed_jobs[0].preview.tobytes()
        # ... and the next one has a render process again.
        third = asyncio.run(service.print_document(DOCUMENTS["request_slip"], kind="slip", reference="C"))
        assert third.printed
        assert worker._process is not None
        assert worker._process is not process
        assert worker._process.poll() is None
    finally:
        worker.close()
        service.journal.close()


def test_the_render_process_is_this_kiosk_whatever_the_working_directory_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started from a directory with another kiosk/ in it (another checkout, a backup), the process still renders
    with the kiosk that started it: it fell back to rendering in the printing thread before."""
    (tmp_path / "kiosk" / "printing").mkdir(parents=True)
    (tmp_path / "kiosk" / "__init__.py").write_text("")
    (tmp_path / "kiosk" / "printing" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    worker = RenderWorker()
    try:
        assert worker(DOCUMENTS["request_slip"], dot_width=384).height_dots > 0
        assert worker._process is not None
        assert worker._process.poll() is None  # the process rendered it and lives on
    finally:
        worker.close()
