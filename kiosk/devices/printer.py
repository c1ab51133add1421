"""The receipt printer: a small blocking :class:`Printer` protocol, an ESC/POS implementation on
python-escpos, and fake/preview printers behind the same interface.

Everything here blocks (sockets, USB, serial) and is called from a worker thread: the print service uses
``asyncio.to_thread``. A printer is opened per operation (:meth:`Printer.session`) and closed after it, so a
printer that was switched off and on, or a network printer that dropped the connection, costs nothing.

Status is asked with ``DLE EOT n`` and a read timeout. No answer is :attr:`PrinterState.UNKNOWN`, never
ready: python-escpos itself reports an empty read as "paper OK", so its ``is_online``/``paper_status`` are
not used. After a job, ``GS r 1`` is sent: unlike ``DLE EOT`` (real time, answered ahead of the print
buffer) it is answered only after the printer processed everything before it, so its reply confirms the job.
"""

from __future__ import annotations

import logging
import os
import socket
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeAlias

from kiosk.printing.printer import (
    CutPaper,
    Printer,
    PrinterIOError,
    PrinterSession,
    PrintJob,
    PrintOp,
    RasterBlock,
    TextLine,
)
from kiosk.printing.printer_status import (
    FaultKind,
    PrinterFault,
    PrinterState,
    PrinterStatus,
    decode_buffered_paper,
    decode_realtime,
    describe,
    is_printable,
)
from kiosk.storage.private import user_cache_dir

__all__ = [
    "NOMINAL_DOT_WIDTH",
    "CutPaper",
    "EscposPrinter",
    "FaultKind",
    "PrintJob",
    "PrintOp",
    "Printer",
    "PrinterFault",
    "PrinterIOError",
    "PrinterSession",
    "PrinterState",
    "PrinterStatus",
    "RasterBlock",
    "TextLine",
    "describe",
    "import_escpos",
    "is_printable",
]

_log = logging.getLogger(__name__)

NOMINAL_DOT_WIDTH: dict[Literal[58, 80], int] = {58: 384, 80: 576}
"""Printable dots across the paper at 203 dpi; a profile with a narrower head (TM-T88V: 512) wins."""

_DLE_EOT = b"\x10\x04"
_GS_R_PAPER = b"\x1dr\x01"
_ESC_T = b"\x1bt"


# ---------------------------------------------------------------------------------------------- escpos import
_escpos_lock = threading.Lock()


def _capabilities_cache_dir() -> Path:
    # python-escpos pickles its printer database into ESCPOS_CAPABILITIES_PICKLE_DIR, or into a *new*
    # mkdtemp() directory on every import. A per-user directory we create (mode 0700) keeps one cache and
    # also means nobody else can plant the pickle it loads (unpickling runs code).
    return user_cache_dir("escpos")


def import_escpos() -> ModuleType:
    """``escpos.printer``, imported with its import-time side effects contained.

    Sets ``ESCPOS_CAPABILITIES_PICKLE_DIR`` (unless already set, as the tests do) to a directory that
    exists, and keeps its ``logging.basicConfig()`` from installing a stderr handler on the root logger.
    """
    with _escpos_lock:
        configured = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
        if configured:
            Path(configured).mkdir(parents=True, exist_ok=True)
        else:
            cache = _capabilities_cache_dir()
            try:
                cache.mkdir(parents=True, exist_ok=True, mode=0o700)
                usable = cache.stat().st_uid == os.getuid() and not cache.stat().st_mode & (
                    stat.S_IWGRP | stat.S_IWOTH
                )
            except OSError:
                usable = False
            if not usable:
                cache = Path(tempfile.gettempdir()) / f"evn-kiosk-escpos-{os.getuid()}"
                cache.mkdir(exist_ok=True, mode=0o700)
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
        root = logging.getLogger()
        guard = logging.NullHandler()
        # basicConfig() does nothing when the root logger has a handler; the app configures logging itself.
        root.addHandler(guard)
        # WORKAROUND: escpos/capabilities.py reads `environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR", mkdtemp())`,
        # which calls mkdtemp() even when the variable is set, leaving an empty directory in /tmp on every
        # start. During the import, mkdtemp() hands back our cache directory instead.
        real_mkdtemp = tempfile.mkdtemp
        tempfile.mkdtemp = lambda *args, **kwargs: os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]  # type: ignore[assignment]
        try:
            import escpos.printer
        finally:
            tempfile.mkdtemp = real_mkdtemp
            root.removeHandler(guard)
    module: ModuleType = escpos.printer
    return module


# ---------------------------------------------------------------------------------------------- ESC/POS
Connect: TypeAlias = Callable[[], Any]
"""Builds a fresh, unopened python-escpos printer object (Network, Usb, Serial, File, Dummy ...)."""


class EscposPrinter:
    """A real ESC/POS printer reached through a python-escpos connection."""

    def __init__(
        self,
        connect: Connect,
        *,
        dot_width: int,
        description: str,
        text_mode: bool = False,
        code_page: int | None = None,
    ) -> None:
        if text_mode and code_page is None:
            raise ValueError("text mode needs the ESC t number of the printer's CP1258 code page")
        self._connect = connect
        self.dot_width = dot_width
        self.description = description
        self.text_mode = text_mode
        self.code_page = code_page

    @contextmanager
    def session(self) -> Iterator[PrinterSession]:
        try:
            connection = self._connect()
            connection.open()
        except Exception as exc:
            # python-escpos reports a missing device as DeviceNotFoundError, a refused socket as OSError,
            # a missing pyusb as its own error: to the kiosk they all mean "cannot reach the printer".
            _log.info("cannot open printer %s: %s", self.description, exc)
            yield _UnreachableSession()
            return
        try:
            yield EscposSession(connection, self)
        finally:
            try:
                connection.close()
            except OSError:
                _log.debug("closing printer %s failed", self.description, exc_info=True)

    def status(self, *, timeout: float) -> PrinterStatus:
        with self.session() as session:
            return session.status(timeout=timeout)


class _UnreachableSession:
    def status(self, *, timeout: float) -> PrinterStatus:
        return PrinterState.OFFLINE

    def send(self, job: PrintJob) -> None:
        raise PrinterIOError("printer unreachable")

    def confirm(self, *, timeout: float, status_timeout: float) -> PrinterStatus:
        return PrinterState.OFFLINE


class EscposSession:
    def __init__(self, connection: Any, printer: EscposPrinter) -> None:
        self._conn = connection
        self._printer = printer
        self._lost = False

    # ---- status
    def _set_read_timeout(self, timeout: float) -> None:
        device = getattr(self._conn, "_device", None)
        if isinstance(device, socket.socket):
            device.settimeout(timeout)
        elif device is not None and hasattr(device, "default_timeout"):  # pyusb: milliseconds
            device.default_timeout = max(1, int(timeout * 1000))
        elif device is not None and hasattr(device, "in_waiting"):  # pyserial
            device.timeout = timeout

    def _drain(self) -> None:
        # A reply that arrived after an earlier timeout must not be taken as the answer to the next query.
        device = getattr(self._conn, "_device", None)
        if not isinstance(device, socket.socket):
            return
        device.setblocking(False)
        try:
            while device.recv(64):
                pass
        except (BlockingIOError, OSError):
            pass

    def _query(self, command: bytes, timeout: float) -> int | None:
        if self._lost:
            return None
        self._drain()
        self._set_read_timeout(timeout)
        try:
            reply: bytes = self._conn.query_status(command)
        except (TimeoutError, NotImplementedError):
            # NotImplementedError: a one-way connection (File, LP, Dummy) cannot say; that is unknown too.
            return None
        except OSError as exc:
            _log.info("printer %s: connection lost during status query: %s", self._printer.description, exc)
            self._lost = True
            return None
        except Exception as exc:  # pyusb's USBTimeoutError/USBError do not derive from OSError
            if type(exc).__module__.startswith("usb"):
                return None
            raise
        return reply[-1] if reply else None

    def status(self, *, timeout: float) -> PrinterStatus:
        printer = self._query(_DLE_EOT + b"\x01", timeout)
        if self._lost:
            return PrinterState.OFFLINE
        offline_cause = error_cause = paper = None
        if printer is not None and printer & 0x08:
            offline_cause = self._query(_DLE_EOT + b"\x02", timeout)
            if offline_cause is not None and offline_cause & 0x40:
                error_cause = self._query(_DLE_EOT + b"\x03", timeout)
        elif printer is not None:
            paper = self._query(_DLE_EOT + b"\x04", timeout)
        return decode_realtime(printer, offline_cause, error_cause, paper)

    # ---- printing
    def send(self, job: PrintJob) -> None:
        conn = self._conn
        try:
            conn.hw("INIT")
            if self._printer.text_mode:
                conn._raw(_ESC_T + bytes((self._printer.code_page or 0,)))
            for op in job.ops:
                match op:
                    case RasterBlock(image=image):
                        _send_raster(conn, image)
                    case TextLine():
                        conn.set(
                            align=op.align, bold=op.bold, double_height=op.double, double_width=op.double
                        )
                        conn._raw(encode_cp1258(op.text) + b"\n")
                    case CutPaper():
                        conn.cut()
            conn.set_with_default()
            flush = getattr(conn, "flush", None)
            if callable(flush):
                flush()
        except OSError as exc:
            self._lost = True
            raise PrinterIOError(str(exc)) from exc

    def confirm(self, *, timeout: float, status_timeout: float) -> PrinterStatus:
        buffered = decode_buffered_paper(self._query(_GS_R_PAPER, timeout))
        if self._lost:
            return PrinterState.OFFLINE
        if buffered is PrinterState.PAPER_OUT:
            return buffered
        realtime = self.status(timeout=status_timeout)
        if buffered is PrinterState.UNKNOWN:
            # The printer stopped before our marker: the real-time status says why; if it says nothing is
            # wrong we still cannot claim the job printed.
            return realtime if not is_printable(realtime) else PrinterState.UNKNOWN
        return realtime


_GS_V0 = b"\x1dv0\x00"  # raster bit image, normal density
_RASTER_FRAGMENT_ROWS = 960  # python-escpos's fragment height: some printers' buffers hold no more
_INVERT = bytes(255 - i for i in range(256))


def _send_raster(conn: Any, image: Any) -> None:
    """``image`` as ``GS v 0`` blocks: the very bytes python-escpos's ``image(impl="bitImageRaster")`` sends,
    without its round trip through RGBA, RGB and greyscale. That round trip takes ~25 ms for a receipt in
    single Pillow calls that hold the GIL, which the GUI thread then waits for; a 1-bit image only needs
    its bits flipped (Pillow: 1 = white; the printer: 1 = black)."""
    width, height = image.size
    if image.mode != "1" or width % 8 or width > _profile_dots(conn):
        # Row padding would be flipped to black; python-escpos handles (or refuses) anything else, slowly.
        conn.image(image, impl="bitImageRaster", center=False)
        return
    row_bytes = width // 8
    bits = image.tobytes().translate(_INVERT)
    for top in range(0, height, _RASTER_FRAGMENT_ROWS):
        rows = min(_RASTER_FRAGMENT_ROWS, height - top)
        header = _GS_V0 + row_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        conn._raw(header + bits[top * row_bytes : (top + rows) * row_bytes])


def _profile_dots(conn: Any) -> float:
    """The paper's width in dots by the connection's profile (python-escpos refuses wider images)."""
    try:
        return int(conn.profile.profile_data["media"]["width"]["pixels"])
    except (AttributeError, KeyError, TypeError, ValueError):  # "Unknown": python-escpos prints anyway
        return float("inf")


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """``text`` in Windows-1258, which has the Vietnamese base letters (â ê ô ơ ư ă đ) precomposed but the
    five tone marks only as combining characters: so ``ễ`` is sent as ``ê`` + combining tilde."""
    import unicodedata

    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258", errors="replace")
