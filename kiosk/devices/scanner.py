"""The barcode/QR scanner that reads customer codes off old bills: a small :class:`Scanner` protocol, drivers
for USB keyboard-wedge (HID) and serial scanners, and a fake for the demo and tests.

The drivers run on the kiosk's asyncio (qasync) loop without threads: each opens its device non-blocking
and registers it with ``loop.add_reader``, so a scan arrives as a loop callback like any other event.
A scanner that is unplugged goes :attr:`ScannerState.DISCONNECTED` and is reopened every few seconds, so
plugging it back in is all staff have to do.

What a scanner reads can be a citizen ID card (name, birth date, ID number): it is handed to ``on_scan``
and never logged, and half-read input is dropped when the device goes away or the driver stops.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import StrEnum
from types import ModuleType
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "BAUD_RATES",
    "HID_NOISE_GAP_SECONDS",
    "REOPEN_DELAY_SECONDS",
    "FakeScanner",
    "HidScanner",
    "Scanner",
    "ScannerState",
    "SerialScanner",
    "scanner_from_uri",
]

_log = logging.getLogger(__name__)

HID_NOISE_GAP_SECONDS = 0.5
"""A scanner types a whole code in a burst; keys further apart than this are not one scan."""
REOPEN_DELAY_SECONDS = 2.0
"""How often a scanner that went away is looked for again."""
BAUD_RATES = frozenset({1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200})
_MAX_SCAN_CHARACTERS = 4096  # the longest QR holds ~4,300 characters; anything longer is a stuck device


class ScannerState(StrEnum):
    """Whether scans can arrive. A closed set, so every screen that shows scanner state handles all of it."""

    NOT_STARTED = "not_started"
    READY = "ready"
    DISCONNECTED = "disconnected"
    """Started, but the device is missing, unreadable or was unplugged; it is being looked for again."""


class Scanner(Protocol):
    """A barcode/QR scanner. ``on_scan`` is called on the event loop once per complete scan, with the
    decoded text without its terminator (Enter, CR/LF)."""

    def start(self, on_scan: Callable[[str], None]) -> None: ...

    def stop(self) -> None: ...

    @property
    def status(self) -> ScannerState: ...


# ---------------------------------------------------------------------------------------------- fake
class FakeScanner:
    """No hardware: the demo and tests hand it scans with :meth:`scan`, and pull the plug with
    :meth:`set_status`."""

    description = "fake://"

    def __init__(self) -> None:
        self._on_scan: Callable[[str], None] | None = None
        self._device = ScannerState.READY

    def start(self, on_scan: Callable[[str], None]) -> None:
        if self._on_scan is not None:
            raise RuntimeError("the scanner is already started")
        self._on_scan = on_scan

    def stop(self) -> None:
        self._on_scan = None

    @property
    def status(self) -> ScannerState:
        return ScannerState.NOT_STARTED if self._on_scan is None else self._device

    # Test controls.
    def scan(self, text: str) -> bool:
        """Deliver ``text`` as one scan, as hardware would: only while started and connected.
        Returns whether it was delivered."""
        if self._on_scan is None or self._device is not ScannerState.READY:
            return False
        self._on_scan(text)
        return True

    def set_status(self, state: ScannerState) -> None:
        """Plug the simulated device in (READY) or out (DISCONNECTED); NOT_STARTED is :meth:`stop`'s."""
        if state is ScannerState.NOT_STARTED:
            raise ValueError("NOT_STARTED follows from stop(), not from the device")
        self._device = state


# ---------------------------------------------------------------------------------------------- devices
class _DeviceScanner(ABC):
    """What the HID and serial drivers share: open non-blocking, read on the loop, reopen when lost."""

    description: str

    def __init__(self, *, loop: asyncio.AbstractEventLoop | None, reopen_delay: float) -> None:
        self._given_loop = loop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reopen_delay = reopen_delay
        self._on_scan: Callable[[str], None] | None = None
        self._status = ScannerState.NOT_STARTED
        self._fd: int | None = None
        self._reopen: asyncio.TimerHandle | None = None

    @property
    def status(self) -> ScannerState:
        return self._status

    def start(self, on_scan: Callable[[str], None]) -> None:
        """Open the device and deliver scans to ``on_scan``. A missing device is not an error: the scanner
        goes DISCONNECTED and keeps looking for it. Needs a running loop, or ``loop=`` at construction."""
        if self._on_scan is not None:
            raise RuntimeError(f"scanner {self.description} is already started")
        try:
            self._loop = self._given_loop or asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                f"scanner {self.description}: start() needs a running event loop, or loop= when made"
            ) from None
        self._on_scan = on_scan
        self._connect()

    def stop(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
            self._reopen = None
        self._detach()
        self._on_scan = None
        self._status = ScannerState.NOT_STARTED

    # Driver-specific parts.
    @abstractmethod
    def _open_device(self) -> int:
        """Open the device non-blocking; return the file descriptor to watch. Raises OSError."""

    @abstractmethod
    def _close_device(self, fd: int) -> None: ...

    @abstractmethod
    def _read_scans(self, fd: int, now: float) -> list[str]:
        """Read what is waiting and return the scans it completes. Raises OSError or EOFError if the device
        is gone."""

    @abstractmethod
    def _forget_input(self) -> None:
        """Drop half-read input (it may be part of a citizen ID)."""

    # Shared machinery.
    def _connect(self) -> None:
        assert self._loop is not None
        self._reopen = None
        if self._on_scan is None:  # stopped while a reopen was pending
            return
        try:
            fd = self._open_device()
            try:
                self._loop.add_reader(fd, self._on_readable)
            except OSError:  # epoll refuses regular files: a wrong path in the config, not a device
                self._close_device(fd)
                raise
        except OSError as exc:
            if self._status is not ScannerState.DISCONNECTED:
                _log.warning(
                    "scanner %s cannot be opened (%s); trying again every %g s",
                    self.description,
                    exc.strerror or type(exc).__name__,
                    self._reopen_delay,
                )
            self._status = ScannerState.DISCONNECTED
            self._reopen = self._loop.call_later(self._reopen_delay, self._connect)
            return
        self._fd = fd
        if self._status is ScannerState.DISCONNECTED:
            _log.info("scanner %s is back", self.description)
        self._status = ScannerState.READY

    def _on_readable(self) -> None:
        assert self._fd is not None
        assert self._loop is not None
        try:
            scans = self._read_scans(self._fd, self._loop.time())
        except (OSError, EOFError) as exc:
            # Exception text only, never data: pyserial and the OS say "device disconnected", "I/O error".
            _log.warning("scanner %s went away (%s); looking for it again", self.description, exc)
            self._detach()
            self._status = ScannerState.DISCONNECTED
            self._reopen = self._loop.call_later(self._reopen_delay, self._connect)
            return
        for text in scans:
            if self._on_scan is None:  # an earlier scan's handler stopped the scanner
                break
            self._on_scan(text)

    def _detach(self) -> None:
        if self._fd is not None:
            assert self._loop is not None
            fd, self._fd = self._fd, None
            self._loop.remove_reader(fd)
            try:
                self._close_device(fd)
            except OSError as exc:  # closing a device that vanished can fail; it is closed either way
                _log.debug("closing scanner %s: %s", self.description, exc)
        self._forget_input()


# ---------------------------------------------------------------------------------------------- HID
# HID usage IDs (keyboard page 0x07) to characters with the US layout: (unshifted, shifted).
_US_KEYS: dict[int, tuple[str, str]] = {
    **{0x04 + i: (chr(ord("a") + i), chr(ord("A") + i)) for i in range(26)},
    **{
        0x1E + i: (digit, shifted)
        for i, (digit, shifted) in enumerate(zip("1234567890", "!@#$%^&*()", strict=True))
    },
    0x2C: (" ", " "),
    0x2D: ("-", "_"),
    0x2E: ("=", "+"),
    0x2F: ("[", "{"),
    0x30: ("]", "}"),
    0x31: ("\\", "|"),
    0x32: ("\\", "|"),  # "non-US #": Linux maps it to the backslash key, as US-layout scanners mean it
    0x33: (";", ":"),
    0x34: ("'", '"'),
    0x35: ("`", "~"),
    0x36: (",", "<"),
    0x37: (".", ">"),
    0x38: ("/", "?"),
    # The keypad, with Num Lock on as scanners assume; shift does not change it.
    0x54: ("/", "/"),
    0x55: ("*", "*"),
    0x56: ("-", "-"),
    0x57: ("+", "+"),
    **{0x59 + i: (str(i + 1), str(i + 1)) for i in range(9)},
    0x62: ("0", "0"),
    0x63: (".", "."),
}
_END_OF_SCAN = frozenset({0x28, 0x58, 0x2B})  # Enter, keypad Enter, Tab
_SHIFT = 0x02 | 0x20
_CTRL_ALT_GUI = 0x01 | 0x10 | 0x04 | 0x40 | 0x08 | 0x80
_ROLLOVER = 0x01  # "too many keys": the report says nothing about which
_REPORT_SIZE = 8


class _BootKeyboard:
    """Turns 8-byte boot-protocol keyboard reports into scans.

    A key counts when it appears in a report that the previous report did not have it in: a held key is
    repeated in every report until released, and scanners send an all-zero release report between keys,
    which is also what lets a repeated character ("00") through.
    """

    def __init__(self, noise_gap: float) -> None:
        self._noise_gap = noise_gap
        self._pending = b""
        self._held: frozenset[int] = frozenset()
        self._text: list[str] = []
        self._last_key_at = 0.0

    def feed(self, data: bytes, now: float) -> list[str]:
        self._pending += data
        scans: list[str] = []
        while len(self._pending) >= _REPORT_SIZE:
            report, self._pending = self._pending[:_REPORT_SIZE], self._pending[_REPORT_SIZE:]
            scans += self._report(report, now)
        return scans

    def forget(self) -> None:
        self._pending = b""
        self._held = frozenset()
        self._text.clear()

    def _report(self, report: bytes, now: float) -> list[str]:
        modifiers, keys = report[0], [usage for usage in report[2:] if usage]
        if _ROLLOVER in keys:
            return []
        new = [usage for usage in keys if usage not in self._held]
        self._held = frozenset(keys)
        scans: list[str] = []
        for usage in new:
            if self._text and now - self._last_key_at > self._noise_gap:
                self._text.clear()  # a stray key-press long ago, not the start of this scan
            self._last_key_at = now
            if usage in _END_OF_SCAN:
                if self._text:
                    scans.append("".join(self._text))
                    self._text.clear()
            elif usage in _US_KEYS and not modifiers & _CTRL_ALT_GUI:
                self._text.append(_US_KEYS[usage][1 if modifiers & _SHIFT else 0])
                if len(self._text) > _MAX_SCAN_CHARACTERS:
                    self._text.clear()
        return scans


class HidScanner(_DeviceScanner):
    """A USB scanner in keyboard ("HID keyboard wedge") mode, read from its ``/dev/hidrawN`` file.

    Reading hidraw rather than the keyboard input of the desktop keeps scans out of whatever widget has
    focus, and works when no keyboard layout or input method is configured. The scanner must be set to the
    US keyboard layout (the factory default of most). ``clock`` is for tests (default: the loop's time).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        noise_gap: float = HID_NOISE_GAP_SECONDS,
        reopen_delay: float = REOPEN_DELAY_SECONDS,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(loop=loop, reopen_delay=reopen_delay)
        self.path = os.fspath(path)
        self.description = f"hid://{self.path}"
        self._clock = clock
        self._keyboard = _BootKeyboard(noise_gap)

    def _open_device(self) -> int:
        return os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)

    def _close_device(self, fd: int) -> None:
        os.close(fd)

    def _read_scans(self, fd: int, now: float) -> list[str]:
        # hidraw gives one report per read: take all that are waiting, not one per trip round the loop.
        data = b""
        for _ in range(256):
            try:
                chunk = os.read(fd, 4096)
            except BlockingIOError:  # nothing (more) to read: not a loss
                break
            except OSError:
                if data:  # hand over what came before; the error comes back on the next read
                    break
                raise
            if not chunk:
                if data:
                    break
                raise EOFError("end of file")
            data += chunk
        return self._keyboard.feed(data, self._clock() if self._clock else now)

    def _forget_input(self) -> None:
        self._keyboard.forget()


# ---------------------------------------------------------------------------------------------- serial
def _import_serial() -> ModuleType:
    """pyserial, imported when a serial scanner is used (it ships no type information: ``Any`` it is)."""
    return importlib.import_module("serial")


class SerialScanner(_DeviceScanner):
    """A scanner on a serial port, or a USB scanner in serial (CDC-ACM) mode: one scan per line.

    Lines end with CR, LF or CR LF, whichever the scanner is set to; empty lines are skipped, so CR LF is
    one terminator. Text is UTF-8 (QR codes of Vietnamese text are); undecodable bytes become U+FFFD.
    """

    def __init__(
        self,
        port: str,
        baudrate: int = 9600,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        reopen_delay: float = REOPEN_DELAY_SECONDS,
    ) -> None:
        super().__init__(loop=loop, reopen_delay=reopen_delay)
        self.port = port
        self.baudrate = baudrate
        self.description = f"serial://{port}"
        self._serial: Any = None
        self._line = bytearray()

    def _open_device(self) -> int:
        serial = _import_serial()
        # timeout=0: read() returns what is waiting and never blocks the loop. SerialException is an OSError.
        self._serial = serial.Serial(self.port, self.baudrate, timeout=0)
        fd: int = self._serial.fileno()
        return fd

    def _close_device(self, fd: int) -> None:
        port, self._serial = self._serial, None
        port.close()

    def _read_scans(self, fd: int, now: float) -> list[str]:
        # pyserial raises SerialException when the port is readable yet gives nothing: unplugged.
        data: bytes = self._serial.read(4096)
        scans: list[str] = []
        for byte in data:
            if byte in b"\r\n":
                text = self._line.decode("utf-8", errors="replace").strip()
                self._line.clear()
                if text:
                    scans.append(text)
            elif len(self._line) < _MAX_SCAN_CHARACTERS * 4:  # UTF-8: up to 4 bytes a character
                self._line.append(byte)
            else:
                self._line.clear()  # no line end in sight: a wrong baud rate or a stuck device
        return scans

    def _forget_input(self) -> None:
        self._line.clear()


# ---------------------------------------------------------------------------------------------- URIs
def scanner_from_uri(uri: str, *, loop: asyncio.AbstractEventLoop | None = None) -> Scanner:
    """The scanner a ``scanner.uri`` config value names. Raises ``ValueError`` saying what is wrong.

    ``hid:///dev/hidraw0``, ``serial:///dev/ttyACM0`` (``?baudrate=115200``; default 9600), ``fake://``.
    The device need not exist yet: a scanner that is not plugged in is DISCONNECTED until it is.
    """
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    query = parse_qs(parts.query, keep_blank_values=True)
    path = unquote(parts.path)
    if scheme == "fake":
        if parts.netloc or path or parts.query:
            raise ValueError(f"{uri!r}: write just fake://")
        return FakeScanner()
    if scheme not in ("hid", "serial"):
        raise ValueError(f"{uri!r}: unknown scanner URI scheme; use hid://, serial:// or fake://")
    if parts.netloc or not path.startswith("/"):
        raise ValueError(f"{uri!r}: name the device file with three slashes, e.g. {scheme}:///dev/...")
    if scheme == "hid":
        if parts.query:
            raise ValueError(f"{uri!r}: hid:// takes no options")
        return HidScanner(path, loop=loop)
    try:
        _import_serial()
    except ImportError:
        raise ValueError(f"{uri!r}: serial:// needs the pyserial package (pip install pyserial)") from None
    if unknown := sorted(query.keys() - {"baudrate"}):
        raise ValueError(f"{uri!r}: unknown option {unknown[0]!r}; serial:// takes only baudrate")
    baudrate = 9600
    if "baudrate" in query:
        value = query["baudrate"][-1]
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"{uri!r}: baudrate must be a whole number")
        baudrate = int(value)
        if baudrate not in BAUD_RATES:
            raise ValueError(f"{uri!r}: baudrate must be one of {sorted(BAUD_RATES)}")
    return SerialScanner(path, baudrate, loop=loop)
