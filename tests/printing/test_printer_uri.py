"""printer_from_uri: each scheme, the dot width from the profile, and clear errors for bad URIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.devices.paperless_printers import PreviewPrinter
from kiosk.devices.printer import EscposPrinter
from kiosk.devices.printer_uri import printer_from_uri


def test_tcp_defaults_to_port_9100_and_80mm_576_dots() -> None:
    printer = printer_from_uri("tcp://192.0.2.10", width_mm=80)
    assert isinstance(printer, EscposPrinter)
    assert printer.description == "tcp://192.0.2.10:9100"
    assert printer.dot_width == 576


@pytest.mark.parametrize(
    ("width", "profile", "dots"),
    [(58, None, 384), (80, "TM-T88V", 512), (80, "POS-5890", 384), (58, "TM-T20II", 384)],
)
def test_dot_width_never_exceeds_the_profile_or_the_paper(width: int, profile: str | None, dots: int) -> None:
    assert printer_from_uri("tcp://192.0.2.10:9100", width_mm=width, profile=profile).dot_width == dots  # type: ignore[arg-type]


def test_file_and_preview(tmp_path: Path) -> None:
    assert printer_from_uri(f"file://{tmp_path}/lp0").description == f"file://{tmp_path}/lp0"
    preview = printer_from_uri(f"preview://{tmp_path}/previews", width_mm=58)
    assert isinstance(preview, PreviewPrinter)
    assert preview.directory == tmp_path / "previews"
    assert preview.dot_width == 384


def test_text_mode_finds_the_profiles_cp1258_code_page() -> None:
    printer = printer_from_uri("tcp://192.0.2.10", profile="POS-5890", width_mm=58, text_mode=True)
    assert isinstance(printer, EscposPrinter)
    assert printer.code_page == 27  # POS-5890 lists CP1258 at both 27 and 94; the first is used


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("lpt://1", "unknown printer URI scheme"),
        ("tcp://", "tcp://HOST:PORT"),
        ("tcp://printer:port", "port must be a number"),
        ("usb://04b8", "usb://VID:PID"),
        ("usb://zzzz:0202", "usb://VID:PID"),
        ("serial://dev/ttyUSB0", "three slashes"),
        ("serial:///dev/ttyUSB0?baudrate=fast", "baudrate must be a whole number"),
        ("serial:///dev/ttyUSB0?baudrate=12345", "baudrate must be one of"),
        ("file://lp0", "absolute path"),
        ("cups://", "name the CUPS queue"),
        ("preview://", "needs a directory"),
    ],
)
def test_bad_uris_say_what_is_wrong(uri: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        printer_from_uri(uri)


def test_unknown_profile_and_text_mode_without_cp1258_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown printer profile"):
        printer_from_uri("tcp://192.0.2.10", profile="NO-SUCH-PRINTER")
    with pytest.raises(ValueError, match="no Vietnamese code page"):
        printer_from_uri("tcp://192.0.2.10", profile="TM-T88IV", text_mode=True)
