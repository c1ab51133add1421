"""The fake scanner's test controls behave like hardware, and scanner_from_uri refuses what it cannot use."""

from __future__ import annotations

import pytest

from kiosk.devices.scanner import FakeScanner, Scanner, ScannerState, scanner_from_uri


def _start(scanner: Scanner) -> list[str]:
    """Typed against the protocol: the fake must fit wherever a real scanner does."""
    seen: list[str] = []
    scanner.start(seen.append)
    return seen


def test_scans_arrive_only_while_started() -> None:
    scanner = FakeScanner()
    assert scanner.status is ScannerState.NOT_STARTED
    assert not scanner.scan("PE01000123456")
    seen = _start(scanner)
    assert scanner.status is ScannerState.READY
    assert scanner.scan("PE01000123456")
    scanner.stop()
    assert not scanner.scan("PD01000123456")
    assert scanner.status is ScannerState.NOT_STARTED
    assert seen == ["PE01000123456"]


def test_unplugged_scans_nothing_until_plugged_back() -> None:
    scanner = FakeScanner()
    seen = _start(scanner)
    scanner.set_status(ScannerState.DISCONNECTED)
    assert scanner.status is ScannerState.DISCONNECTED
    assert not scanner.scan("lost")
    scanner.set_status(ScannerState.READY)
    assert scanner.scan("found")
    assert seen == ["found"]


def test_the_device_state_survives_a_restart() -> None:
    scanner = FakeScanner()
    scanner.set_status(ScannerState.DISCONNECTED)
    assert scanner.status is ScannerState.NOT_STARTED
    _start(scanner)
    assert scanner.status is ScannerState.DISCONNECTED


def test_misuse_is_refused() -> None:
    scanner = FakeScanner()
    with pytest.raises(ValueError, match="stop"):
        scanner.set_status(ScannerState.NOT_STARTED)
    _start(scanner)
    with pytest.raises(RuntimeError, match="already started"):
        _start(scanner)


def test_fake_uri() -> None:
    assert isinstance(scanner_from_uri("fake://"), FakeScanner)
    assert isinstance(scanner_from_uri("FAKE://"), FakeScanner)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("", "unknown scanner URI scheme"),
        ("/dev/hidraw0", "unknown scanner URI scheme"),
        ("usb://0c2e:0b61", "unknown scanner URI scheme"),
        ("fake://scanner", "just fake://"),
        ("fake://?x=1", "just fake://"),
        ("hid://dev/hidraw0", "three slashes"),
        ("hid://", "three slashes"),
        ("serial://ttyACM0", "three slashes"),
        ("hid:///dev/hidraw0?baudrate=9600", "takes no options"),
        ("serial:///dev/ttyACM0?baudrate=fast", "whole number"),
        ("serial:///dev/ttyACM0?baudrate=%EF%BC%99600", "whole number"),
        ("serial:///dev/ttyACM0?baudrate=12345", "must be one of"),
        ("serial:///dev/ttyACM0?parity=N", "unknown option 'parity'"),
    ],
)
def test_bad_uris_say_what_is_wrong(uri: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scanner_from_uri(uri)
