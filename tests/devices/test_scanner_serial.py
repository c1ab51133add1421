"""The real SerialScanner (pyserial) on a pseudo-terminal: the test writes to the master side as a serial
scanner would; the driver opens the slave side by a symlink, which the test removes to "unplug" it."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.devices.scanner import ScannerState, SerialScanner, scanner_from_uri

CODE = "PE01000123456"


class Port:
    """A serial line: the scanner's end is a pty master, the kiosk's end the slave, reached via ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.master: int | None = None
        self.slave: int | None = None

    def plug_in(self) -> None:
        self.master, self.slave = os.openpty()
        self.path.symlink_to(os.ttyname(self.slave))

    def send(self, data: bytes) -> None:
        assert self.master is not None
        os.write(self.master, data)

    def unplug(self) -> None:
        self.path.unlink()
        self.close()

    def close(self) -> None:
        for fd in (self.master, self.slave):
            if fd is not None:
                os.close(fd)
        self.master = self.slave = None


class Scans:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def __call__(self, text: str) -> None:
        self.queue.put_nowait(text)

    async def next(self) -> str:
        async with asyncio.timeout(5):
            return await self.queue.get()

    def pending(self) -> list[str]:
        return [self.queue.get_nowait() for _ in range(self.queue.qsize())]


async def status_becomes(scanner: SerialScanner, state: ScannerState) -> None:
    async with asyncio.timeout(5):
        # The protocol has no status callback (the app reads status when it draws): poll.
        while scanner.status is not state:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


@pytest.fixture
def port(tmp_path: Path) -> Iterator[Port]:
    port = Port(tmp_path / "ttyACM0")
    port.plug_in()
    yield port
    port.close()


@pytest_asyncio.fixture
async def scanner(port: Port) -> AsyncIterator[tuple[SerialScanner, Scans]]:
    scanner = SerialScanner(str(port.path), 115200, reopen_delay=0.01)
    scans = Scans()
    scanner.start(scans)
    yield scanner, scans
    scanner.stop()


@pytest.mark.asyncio
async def test_one_scan_per_line(scanner: tuple[SerialScanner, Scans], port: Port) -> None:
    serial_scanner, scans = scanner
    assert serial_scanner.status is ScannerState.READY
    port.send(b"PE01000123456\r\n")
    assert await scans.next() == CODE
    port.send(b"cr\rlf\ncrlf\r\n\r\n\n  spaced  \r\n")
    assert [await scans.next() for _ in range(4)] == ["cr", "lf", "crlf", "spaced"]
    port.send(b"last\r")
    assert await scans.next() == "last"
    assert scans.pending() == []  # empty lines (the LF of CR LF) are no scans


@pytest.mark.asyncio
async def test_a_line_split_across_reads(scanner: tuple[SerialScanner, Scans], port: Port) -> None:
    _, scans = scanner
    port.send(b"PE01000")
    await asyncio.sleep(0.01)  # most likely read on its own; the result must be the same either way
    port.send(b"123456\n")
    assert await scans.next() == CODE


@pytest.mark.asyncio
async def test_utf8_and_undecodable_bytes(scanner: tuple[SerialScanner, Scans], port: Port) -> None:
    _, scans = scanner
    qr = "001099012345|123456789|Nguyễn Văn A|01011990|Nam|Hà Nội|01012021"
    port.send(qr.encode() + b"\r\n" + b"PE01\xff\xfe000\n")
    assert await scans.next() == qr
    assert await scans.next() == "PE01\ufffd\ufffd000"


@pytest.mark.asyncio
async def test_unplugged_and_plugged_back_in(
    scanner: tuple[SerialScanner, Scans], port: Port, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.devices.scanner")
    serial_scanner, scans = scanner
    port.send(b"PE01000123456\r\nPD01")  # a scan, then half of one when the cable is pulled
    assert await scans.next() == CODE

    port.unplug()
    await status_becomes(serial_scanner, ScannerState.DISCONNECTED)
    assert any(r.levelno == logging.WARNING and "went away" in r.getMessage() for r in caplog.records)

    port.plug_in()
    await status_becomes(serial_scanner, ScannerState.READY)
    port.send(b"000123456\r\n")  # the half-read line was dropped, not joined to this
    assert await scans.next() == "000123456"
    assert "is back" in caplog.text
    assert "PE01" not in caplog.text
    assert "PD01" not in caplog.text


@pytest.mark.asyncio
async def test_a_missing_port_is_waited_for(tmp_path: Path) -> None:
    port = Port(tmp_path / "ttyUSB0")
    scanner = SerialScanner(str(port.path), reopen_delay=0.01)
    scans = Scans()
    scanner.start(scans)
    try:
        assert scanner.status is ScannerState.DISCONNECTED
        port.plug_in()
        await status_becomes(scanner, ScannerState.READY)
        port.send(b"PE01000123456\n")
        assert await scans.next() == CODE
    finally:
        scanner.stop()
        port.close()
    assert scanner.status is ScannerState.NOT_STARTED


@pytest.mark.parametrize(
    ("uri", "baudrate"),
    [("serial:///dev/ttyACM0", 9600), ("serial:///dev/ttyUSB1?baudrate=115200", 115200)],
)
def test_serial_uri(uri: str, baudrate: int) -> None:
    scanner = scanner_from_uri(uri)
    assert isinstance(scanner, SerialScanner)
    assert scanner.port == uri.removeprefix("serial://").split("?")[0]
    assert scanner.baudrate == baudrate
    assert scanner.status is ScannerState.NOT_STARTED
