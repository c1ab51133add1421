"""The real HidScanner, fed boot-keyboard reports through a FIFO standing in for /dev/hidraw0.

The reports are built here from the HID usage tables, independently of the driver's own key map.
"""

from __future__ import annotations

import array
import asyncio
import errno
import fcntl
import logging
import os
import string
import termios
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.devices.scanner import HidScanner, ScannerState, scanner_from_uri

CODE = "PE01000123456"
LEFT_SHIFT, RIGHT_SHIFT, LEFT_CTRL = 0x02, 0x20, 0x01
ENTER, KEYPAD_ENTER, TAB = 0x28, 0x58, 0x2B
RELEASE = bytes(8)

_SYMBOLS = {
    " ": (0x2C, False), "-": (0x2D, False), "_": (0x2D, True), "=": (0x2E, False), "+": (0x2E, True),
    "|": (0x31, True), "\\": (0x31, False), ";": (0x33, False), ":": (0x33, True), ".": (0x37, False),
    ",": (0x36, False), "/": (0x38, False), "?": (0x38, True), "&": (0x24, True), "!": (0x1E, True),
    "@": (0x1F, True), "%": (0x22, True), "'": (0x34, False), '"': (0x34, True),
}  # fmt: skip


def usage_of(char: str) -> tuple[int, bool]:
    """The key a US-layout keyboard presses for ``char``, and whether with shift."""
    if char in string.ascii_lowercase:
        return 0x04 + string.ascii_lowercase.index(char), False
    if char in string.ascii_uppercase:
        return 0x04 + string.ascii_uppercase.index(char), True
    if char in string.digits:
        return 0x1E + "1234567890".index(char), False
    return _SYMBOLS[char]


def report(*usages: int, modifiers: int = 0) -> bytes:
    return bytes([modifiers, 0, *usages, *[0] * (6 - len(usages))])


def typed(text: str, *, end: int | None = ENTER, shift: int = LEFT_SHIFT) -> bytes:
    """What a scanner sends for ``text``: press and release per character, then the terminator."""
    out = b""
    for char in text:
        usage, shifted = usage_of(char)
        out += report(usage, modifiers=shift if shifted else 0) + RELEASE
    if end is not None:
        out += report(end) + RELEASE
    return out


class Device:
    """The scanner's side of the FIFO: plug in (create), write reports, unplug (remove and close)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def plug_in(self) -> None:
        os.mkfifo(self.path)

    def connect(self) -> None:
        """Open the writing end (the scanner must have the FIFO open for reading by now)."""
        self.fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)

    def send(self, data: bytes) -> None:
        if self.fd is None:
            self.connect()
        assert self.fd is not None
        os.write(self.fd, data)

    async def drained(self) -> None:
        """Wait until the driver has read (and so handled) everything sent."""
        assert self.fd is not None
        waiting = array.array("i", [0])
        async with asyncio.timeout(5):
            while True:
                fcntl.ioctl(self.fd, termios.FIONREAD, waiting, True)
                if waiting[0] == 0:
                    return
                await asyncio.sleep(0.001)

    def unplug(self) -> None:
        self.path.unlink()
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


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


async def status_becomes(scanner: HidScanner, state: ScannerState) -> None:
    async with asyncio.timeout(5):
        # The protocol has no status callback (the app reads status when it draws): poll.
        while scanner.status is not state:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Device]:
    device = Device(tmp_path / "hidraw0")
    yield device
    device.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def start(device: Device, clock: Clock) -> AsyncIterator[Callable[..., tuple[HidScanner, Scans]]]:
    """Start a real HidScanner on the device's path; stopped at the end of the test."""
    started: list[HidScanner] = []

    def start_scanner(*, plugged: bool = True) -> tuple[HidScanner, Scans]:
        if plugged:
            device.plug_in()
        scanner = HidScanner(device.path, noise_gap=0.5, reopen_delay=0.01, clock=clock)
        scans = Scans()
        scanner.start(scans)
        started.append(scanner)
        return scanner, scans

    yield start_scanner
    for scanner in started:
        scanner.stop()


@pytest.mark.asyncio
async def test_a_code_scanned(start: Callable[..., tuple[HidScanner, Scans]], device: Device) -> None:
    scanner, scans = start()
    assert scanner.status is ScannerState.READY
    device.send(typed(CODE))
    assert await scans.next() == CODE


@pytest.mark.asyncio
async def test_shifted_characters_and_symbols(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    url = "https://Cskh.example.vn/tra-cuu?makh=PE01000123456&a=b_c+d|e;f:g,h.i'j\"k!@%\\"
    device.send(typed(url) + typed("RIGHT-shift", shift=RIGHT_SHIFT))
    assert await scans.next() == url
    assert await scans.next() == "RIGHT-shift"


@pytest.mark.asyncio
async def test_a_citizen_id_qr_comes_through_whole(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    qr = "001099012345|123456789|Nguyen Van A|01011990|Nam|12 Ly Thuong Kiet, Ha Noi|01012021"
    device.send(typed(qr))
    assert await scans.next() == qr


@pytest.mark.asyncio
async def test_repeated_characters_count_once_per_press(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    one, zero = usage_of("1")[0], usage_of("0")[0]
    held = report(zero) * 3  # a held key is repeated in each report until released: one character
    device.send(report(one) + RELEASE + held + RELEASE + report(zero) + RELEASE + report(ENTER) + RELEASE)
    assert await scans.next() == "100"
    device.send(typed("1000000000"))
    assert await scans.next() == "1000000000"


@pytest.mark.asyncio
async def test_keys_in_one_report_and_without_releases(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    a, b, c = (usage_of(char)[0] for char in "abc")
    # Two new keys at once; a key added while others are held; keys let go of (nothing new); then a key
    # pressed again with no all-zero release report before it.
    device.send(report(a, b) + report(a, b, c) + report(b) + report(a) + RELEASE + report(ENTER) + RELEASE)
    assert await scans.next() == "abca"


@pytest.mark.asyncio
@pytest.mark.parametrize("end", [ENTER, KEYPAD_ENTER, TAB])
async def test_enter_keypad_enter_and_tab_end_a_scan(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device, end: int
) -> None:
    _, scans = start()
    device.send(typed("PE01", end=end) + typed("PD02", end=end))
    assert [await scans.next(), await scans.next()] == ["PE01", "PD02"]


@pytest.mark.asyncio
async def test_keypad_digits_control_keys_and_rollover(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    keypad_1, keypad_0, keypad_dot = 0x59, 0x62, 0x63
    x, f1, caps_lock = usage_of("x")[0], 0x3A, 0x39
    device.send(
        report(keypad_1) + RELEASE + report(keypad_0) + RELEASE + report(keypad_dot) + RELEASE
        + report(x, modifiers=LEFT_CTRL) + RELEASE  # ctrl+x is not a character
        + report(f1) + RELEASE + report(caps_lock) + RELEASE  # keys with no character
        + bytes([0, 0, 1, 1, 1, 1, 1, 1]) + RELEASE  # "too many keys pressed": says nothing
        + report(ENTER) + RELEASE
    )  # fmt: skip
    assert await scans.next() == "10."


@pytest.mark.asyncio
async def test_a_terminator_alone_is_not_a_scan(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    device.send(report(ENTER) + RELEASE + report(TAB) + RELEASE + typed("ok"))
    assert await scans.next() == "ok"
    assert scans.pending() == []


@pytest.mark.asyncio
async def test_reports_split_across_reads(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    _, scans = start()
    data = typed(CODE)
    for cut in (3, 8, 21, 40):
        device.send(data[:cut])
        await device.drained()
        device.send(data[cut:])
        assert await scans.next() == CODE


@pytest.mark.asyncio
async def test_stale_partial_input_is_dropped_as_noise(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device, clock: Clock
) -> None:
    _, scans = start()
    device.send(typed("zz", end=None))  # someone brushed the trigger; nothing ended the scan
    await device.drained()
    clock.now += 0.6
    device.send(typed(CODE))
    assert await scans.next() == CODE

    device.send(typed("PE01", end=None))  # a pause inside one scan shorter than the gap is fine
    await device.drained()
    clock.now += 0.3
    device.send(typed("000123456"))
    assert await scans.next() == CODE

    device.send(typed("PE01", end=None))
    await device.drained()
    clock.now += 0.6
    device.send(report(ENTER) + RELEASE + typed("after"))  # a late Enter ends nothing
    assert await scans.next() == "after"
    assert scans.pending() == []


@pytest.mark.asyncio
async def test_unplugged_and_plugged_back_in(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.devices.scanner")
    scanner, scans = start()
    device.send(typed(CODE) + typed("PD01", end=None))  # a scan, then half of one when the cable is pulled
    assert await scans.next() == CODE
    await device.drained()

    device.unplug()
    await status_becomes(scanner, ScannerState.DISCONNECTED)
    assert any(r.levelno == logging.WARNING and "went away" in r.getMessage() for r in caplog.records)

    device.plug_in()
    await status_becomes(scanner, ScannerState.READY)
    device.send(typed("000123456"))  # the half-read input was dropped, not joined to this
    assert await scans.next() == "000123456"
    assert scans.pending() == []
    assert not any("PE01" in r.getMessage() or "PD01" in r.getMessage() for r in caplog.records)


@pytest.mark.asyncio
async def test_a_missing_device_is_waited_for(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device, caplog: pytest.LogCaptureFixture
) -> None:
    scanner, scans = start(plugged=False)
    assert scanner.status is ScannerState.DISCONNECTED
    assert "cannot be opened" in caplog.text
    device.plug_in()
    await status_becomes(scanner, ScannerState.READY)
    device.send(typed(CODE))
    assert await scans.next() == CODE
    # One warning for the outage, not one per retry.
    assert sum("cannot be opened" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.asyncio
async def test_stop_closes_the_device_and_stops_looking_for_it(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    scanner, _ = start(plugged=False)
    scanner.stop()
    assert scanner.status is ScannerState.NOT_STARTED
    device.plug_in()
    await asyncio.sleep(0.1)  # ten reopen delays: a pending reopen would have opened the FIFO by now
    with pytest.raises(OSError, match="No such device") as raised:
        device.connect()  # opening a FIFO to write fails with ENXIO while nobody has it open to read
    assert raised.value.errno == errno.ENXIO
    assert scanner.status is ScannerState.NOT_STARTED


@pytest.mark.asyncio
async def test_a_scan_handler_may_stop_the_scanner(device: Device) -> None:
    device.plug_in()
    scanner = HidScanner(device.path)
    seen: list[str] = []

    def on_scan(text: str) -> None:
        seen.append(text)
        scanner.stop()

    scanner.start(on_scan)
    try:
        device.send(typed("first") + typed("second"))
        await device.drained()
        assert seen == ["first"]
        assert scanner.status is ScannerState.NOT_STARTED
    finally:
        scanner.stop()


@pytest.mark.asyncio
async def test_start_needs_a_loop_and_happens_once(device: Device) -> None:
    device.plug_in()
    scanner = HidScanner(device.path, loop=asyncio.get_running_loop())
    scanner.start(print)
    try:
        with pytest.raises(RuntimeError, match="already started"):
            scanner.start(print)
    finally:
        scanner.stop()
    assert scanner.status is ScannerState.NOT_STARTED


def test_start_outside_a_loop_says_so(device: Device) -> None:
    with pytest.raises(RuntimeError, match="needs a running event loop"):
        HidScanner(device.path).start(print)


def test_hid_uri() -> None:
    scanner = scanner_from_uri("hid:///dev/hidraw3")
    assert isinstance(scanner, HidScanner)
    assert scanner.path == "/dev/hidraw3"
    assert scanner.status is ScannerState.NOT_STARTED
    assert isinstance(scanner_from_uri("HID:///dev/input%20by-id"), HidScanner)


@pytest.mark.asyncio
async def test_a_scan_just_before_the_unplug_still_arrives(
    start: Callable[..., tuple[HidScanner, Scans]], device: Device
) -> None:
    scanner, scans = start()
    device.send(typed(CODE))
    device.unplug()  # before the driver has read anything: the data and the end of file come together
    assert await scans.next() == CODE
    await status_becomes(scanner, ScannerState.DISCONNECTED)


@pytest.mark.asyncio
async def test_a_regular_file_is_no_device(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "hidraw0"
    path.write_bytes(typed(CODE))
    scanner = HidScanner(path, reopen_delay=60)
    scanner.start(print)
    try:
        assert scanner.status is ScannerState.DISCONNECTED
        assert "cannot be opened" in caplog.text
    finally:
        scanner.stop()
