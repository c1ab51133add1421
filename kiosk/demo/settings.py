"""The demo kiosk's configuration: what `kiosk run --demo` and the gallery set over the defaults."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_STAFF_PIN_HASH", "DEMO_UNITS", "demo_overrides"]

# The demo's staff PIN is 1234 (a hash at the lowest work factor the config accepts: start-up stays quick).
_DEMO_PIN_SALT = "0d18c269270e2245e75abaa65158e3d8"
_DEMO_PIN_DIGEST = "0912b47200812e200daf21384e2ecb40381c71945663ef5328e3d4f23435443f"
DEMO_STAFF_PIN_HASH = f"pbkdf2_sha256$100000${_DEMO_PIN_SALT}${_DEMO_PIN_DIGEST}"


# The units of the demo central's customers (kiosk_central.demo), each a one-tap choice on the code screen. A real
# kiosk lists the few units near it; the demo lists every unit it has customers of, so that each demo customer
# is two taps and seven digits away. Codes with letters (PC05CC, PA02DH) as most real EVNCPC units have.
DEMO_UNITS: tuple[tuple[str, str], ...] = (
    ("PE0100", "Điện lực Sài Gòn"),
    ("PD0200", "Điện lực Hai Bà Trưng"),
    ("PA1200", "Điện lực Tuyên Quang"),
    ("PB0500", "Điện lực Tây Ninh"),
    ("PC0300", "Điện lực Thừa Thiên Huế"),
    ("PQ0100", "Điện lực Khánh Hòa"),
    ("PC05CC", "Điện lực Hội An"),
    ("PA02DH", "Điện lực Đoan Hùng"),
)


def demo_overrides(central_url: str, token: str, demo_dir: Path) -> dict[str, object]:
    """Config keys of a demo kiosk against the demo central at ``central_url``, keeping its files in ``demo_dir``."""
    return {
        "kiosk_id": "DEMO-01",  # the kiosk the demo central's token belongs to (kiosk_central.demo)
        "location_name": "Demo",
        "central.url": central_url,
        "central.token": token,
        "data_dir": str(demo_dir / "data"),
        "printer.uri": f"preview://{demo_dir / 'printouts'}",
        "scanner.uri": "fake://",
        "hotline": "1900545454",  # the demo kiosk stands in Ho Chi Minh City
        "units": [{"code": code, "name": name} for code, name in DEMO_UNITS],
    }
