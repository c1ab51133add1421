"""The panels the kiosk is designed for, as (width, height) in pixels: a standing portrait panel, a landscape one,
and the small landscape panel of many collection points (and of `kiosk run --windowed`)."""

from __future__ import annotations

__all__ = ["LANDSCAPE", "PORTRAIT", "WINDOWED_LANDSCAPE"]

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
WINDOWED_LANDSCAPE = (1366, 768)
