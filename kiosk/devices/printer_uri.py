"""The printer a ``printer.uri`` names (``usb://``, ``serial://``, ``tcp://``, ``file://``, ``cups://``,
``preview://``), with the profile's dot width and, in text mode, its Vietnamese code page."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from kiosk.devices.paperless_printers import PreviewPrinter
from kiosk.devices.printer import NOMINAL_DOT_WIDTH, Connect, EscposPrinter, import_escpos
from kiosk.printing.printer import (
    Printer,
)

_DEFAULT_PROFILE: dict[Literal[58, 80], str] = {58: "POS-5890", 80: "TM-T20II"}


_BAUD_RATES = frozenset({2400, 4800, 9600, 19200, 38400, 57600, 115200})


# ---------------------------------------------------------------------------------------------- URIs
def printer_from_uri(
    uri: str,
    *,
    width_mm: Literal[58, 80] = 80,
    profile: str | None = None,
    text_mode: bool = False,
    timeout: float = 5.0,
) -> Printer:
    """The printer a config URI names. Raises ``ValueError`` saying what is wrong with the URI.

    ``timeout`` bounds connecting and writing (network and USB); status reads take their own timeout.
    """
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    if scheme == "preview":
        if text_mode:
            raise ValueError("preview:// shows raster output only; set printer.text_mode = false")
        directory = Path(unquote(parts.netloc + parts.path))
        if not str(directory) or str(directory) == ".":
            raise ValueError(f"{uri!r}: preview:// needs a directory, e.g. preview:///var/lib/kiosk/previews")
        return PreviewPrinter(directory, width_mm=width_mm)

    escpos = import_escpos()
    profile_name = profile or _DEFAULT_PROFILE[width_mm]
    try:
        escpos.Dummy(profile=profile_name)
    except Exception as exc:
        raise ValueError(
            f"unknown printer profile {profile_name!r} (see python-escpos's printer database)"
        ) from exc
    profile_data = escpos.Dummy(profile=profile_name).profile.profile_data
    dot_width = _dot_width(profile_data, width_mm)
    code_page = _vietnamese_code_page(profile_data, profile_name) if text_mode else None
    common: dict[str, Any] = {"profile": profile_name}
    connect: Connect
    if scheme == "tcp":
        host, port = _host_port(uri, parts)
        description = f"tcp://{host}:{port}"

        def connect() -> Any:
            return escpos.Network(host, port=port, timeout=timeout, **common)

    elif scheme == "usb":
        vendor, product = _usb_ids(uri, parts.netloc + parts.path)
        _require(escpos.Usb, uri, "the pyusb package (pip install pyusb) and libusb")
        description = f"usb://{vendor:04x}:{product:04x}"

        def connect() -> Any:
            return escpos.Usb(vendor, product, timeout=int(timeout * 1000), **common)

    elif scheme == "serial":
        devfile = unquote(parts.path)
        if parts.netloc or not devfile.startswith("/"):
            raise ValueError(f"{uri!r}: write serial:///dev/ttyUSB0?baudrate=9600 (three slashes)")
        baudrate = _int_param(uri, query, "baudrate", 9600)
        if baudrate not in _BAUD_RATES:
            raise ValueError(f"{uri!r}: baudrate must be one of {sorted(_BAUD_RATES)}")
        _require(escpos.Serial, uri, "the pyserial package (pip install pyserial)")
        description = f"serial://{devfile}"

        def connect() -> Any:
            return escpos.Serial(devfile=devfile, baudrate=baudrate, timeout=timeout, **common)

    elif scheme == "file":
        devfile = unquote(parts.path)
        if parts.netloc or not devfile.startswith("/"):
            raise ValueError(f"{uri!r}: write file:///dev/usb/lp0 (an absolute path, three slashes)")
        description = f"file://{devfile}"

        def connect() -> Any:
            return escpos.File(devfile=devfile, **common)

    elif scheme == "cups":
        queue = unquote(parts.netloc + parts.path).strip("/")
        if not queue:
            raise ValueError(f"{uri!r}: name the CUPS queue, e.g. cups://receipt")
        description = f"cups://{queue}"
        if escpos.CupsPrinter.is_usable():

            def connect() -> Any:
                return escpos.CupsPrinter(printer_name=queue, **common)

        elif escpos.LP.is_usable() and shutil.which("lp"):

            def connect() -> Any:
                return escpos.LP(printer_name=queue, **common)

        else:
            raise ValueError(f"{uri!r}: cups:// needs the pycups package or the lp command")
    else:
        raise ValueError(f"{uri!r}: unknown printer URI scheme; use usb, serial, tcp, file, cups or preview")
    return EscposPrinter(
        connect, dot_width=dot_width, description=description, text_mode=text_mode, code_page=code_page
    )


def _require(cls: Any, uri: str, what: str) -> None:
    if not cls.is_usable():
        raise ValueError(f"{uri!r} needs {what}")


def _host_port(uri: str, parts: Any) -> tuple[str, int]:
    try:
        host, port = parts.hostname, parts.port or 9100
    except ValueError:
        raise ValueError(f"{uri!r}: the port must be a number, e.g. tcp://192.168.1.50:9100") from None
    if not host or parts.path not in ("", "/"):
        raise ValueError(f"{uri!r}: write tcp://HOST:PORT, e.g. tcp://192.168.1.50:9100")
    return str(host), int(port)


def _usb_ids(uri: str, ids: str) -> tuple[int, int]:
    vendor, sep, product = ids.strip("/").partition(":")
    hex_digits = set("0123456789abcdefABCDEF")
    if not sep or len(vendor) != 4 or len(product) != 4 or not set(vendor + product) <= hex_digits:
        raise ValueError(f"{uri!r}: write usb://VID:PID in hex, e.g. usb://04b8:0202 (see lsusb)")
    return int(vendor, 16), int(product, 16)


def _int_param(uri: str, query: dict[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        raise ValueError(f"{uri!r}: {name} must be a whole number") from None


def _dot_width(profile_data: dict[str, Any], width_mm: Literal[58, 80]) -> int:
    nominal = NOMINAL_DOT_WIDTH[width_mm]
    try:
        pixels = int(profile_data["media"]["width"]["pixels"])
    except (KeyError, TypeError, ValueError):
        return nominal
    return min(pixels, nominal)


def _vietnamese_code_page(profile_data: dict[str, Any], profile_name: str) -> int:
    pages = sorted(
        int(number) for number, name in profile_data.get("codePages", {}).items() if name == "CP1258"
    )
    if not pages:
        raise ValueError(
            f"printer profile {profile_name!r} has no Vietnamese code page (CP1258): set printer.text_mode = false "
            "to print Vietnamese as images"
        )
    return pages[0]
