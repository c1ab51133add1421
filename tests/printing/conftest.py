"""Fixtures for the printing tests: a fake network printer speaking ESC/POS on 127.0.0.1, scripted status
answers, and python-escpos kept out of the real cache directory."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from kiosk.devices.printer_uri import printer_from_uri
from kiosk.printing.journal import PrintJournal
from kiosk.printing.service import PrintService
from tests.printing.escpos_stream import EscposStream, Query, Raster


@pytest.fixture(scope="session", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """python-escpos writes its capabilities pickle at import: into a test directory, not ~/.cache."""
    previous = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(tmp_path_factory.mktemp("escpos-cache"))
    yield
    if previous is None:
        os.environ.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    else:
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = previous


@dataclass(frozen=True)
class Script:
    """How the fake printer answers: a byte per ``DLE EOT n``, and the ``GS r 1`` reply (None: no reply,
    as a printer that stopped never reaches it in its buffer). ``silent``: answers nothing at all."""

    dle_eot: dict[int, int] = field(default_factory=lambda: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12})
    gs_r: int | None = 0x00
    silent: bool = False


READY = Script()
PAPER_NEAR_END = Script({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}, gs_r=0x03)
# Offline (bit 3 of DLE EOT 1) with its cause in DLE EOT 2: paper end stop (bit 5), cover (bit 2).
PAPER_OUT = Script({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}, gs_r=None)
COVER_OPEN = Script({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, gs_r=None)
OFFLINE = Script({1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}, gs_r=None)
CUTTER_JAM = Script({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, gs_r=None)
SILENT = Script(silent=True)


class FakeNetworkPrinter:
    """A TCP listener on 127.0.0.1 that records every byte and answers status queries from a :class:`Script`.

    ``switch_after(n, script)`` changes the script once ``n`` more bytes arrived: the paper runs out in the
    middle of a job.
    """

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.port: int = self._server.getsockname()[1]
        self.uri = f"tcp://127.0.0.1:{self.port}"
        self.script = READY
        self.connections: list[bytearray] = []
        self.queries: list[Query] = []
        self.raster: list[Raster] = []
        self._switch: tuple[int, Script] | None = None
        self._n_bytes = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def switch_after(self, n_bytes: int, script: Script) -> None:
        with self._lock:
            self._switch = (n_bytes, script)
            self._n_bytes = 0

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(bytes(c) for c in self.connections)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        stream = EscposStream()
        with self._lock:
            record = bytearray()
            self.connections.append(record)
        while not self._stop.is_set():
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            with self._lock:
                record += data
            # Count raster bytes as they arrive, before the command is complete: paper runs out mid-image.
            for event in stream.feed(data):
                self._on_event(conn, event)
            self._count(len(data))

    def _count(self, n: int) -> None:
        with self._lock:
            if self._switch is None:
                return
            self._n_bytes += n
            limit, script = self._switch
            if self._n_bytes >= limit:
                self.script, self._switch = script, None

    def _on_event(self, conn: socket.socket, event: object) -> None:
        with self._lock:
            script = self.script
            if isinstance(event, Raster):
                self.raster.append(event)
            if isinstance(event, Query):
                self.queries.append(event)
        if not isinstance(event, Query) or script.silent:
            return
        reply = script.dle_eot.get(event.n) if event.kind == "dle_eot" else script.gs_r
        if reply is not None:
            try:
                conn.sendall(bytes((reply,)))
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


@pytest.fixture
def net_printer() -> Iterator[FakeNetworkPrinter]:
    printer = FakeNetworkPrinter()
    yield printer
    printer.close()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "print-journal.sqlite3"


def escpos_service(uri: str, journal: Path, *, width_mm: Literal[58, 80] = 80) -> PrintService:
    """A print service on the real python-escpos driver, with timeouts short enough for tests."""
    printer = printer_from_uri(uri, width_mm=width_mm, timeout=2.0)
    return PrintService(printer, PrintJournal(journal), status_timeout=0.3, confirm_timeout=0.3)
