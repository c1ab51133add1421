"""What a receipt printer is to the rest of the kiosk: it takes a job (raster blocks, plain text lines, cuts),
says its status (:mod:`kiosk.printing.printer_status`), and fails with :class:`PrinterIOError` when the
connection does. The drivers (ESC/POS over USB, serial, TCP or a file; the demo's PNG preview; the tests' fake)
are in :mod:`kiosk.devices.printer`. Qt-free."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias

if TYPE_CHECKING:  # Pillow loads with the first printout, not with every kiosk that has no printer
    from PIL import Image

from kiosk.printing.printer_status import (
    PrinterStatus,
)


# ---------------------------------------------------------------------------------------------- jobs
@dataclass(frozen=True, eq=False)
class RasterBlock:
    """A 1-bit image (``mode "1"``, black = 0) printed with ``GS v 0``; at most the printer's dot width."""

    image: Image.Image


@dataclass(frozen=True)
class TextLine:
    """One line in the printer's own font (text mode only), already fitted to its column count."""

    text: str
    bold: bool = False
    align: Literal["left", "center", "right"] = "left"
    double: bool = False


@dataclass(frozen=True)
class CutPaper:
    pass


PrintOp: TypeAlias = RasterBlock | TextLine | CutPaper


@dataclass(frozen=True, eq=False)
class PrintJob:
    """What a printer is sent, built by :mod:`kiosk.printing.render`. ``preview`` is the page as a picture:
    in raster mode exactly the pixels of the raster blocks, in text mode an approximation."""

    ops: tuple[PrintOp, ...]
    preview: Image.Image
    height_dots: int


class PrinterIOError(Exception):
    """The connection failed while a job was being sent: the job did not (fully) reach the printer."""


# ---------------------------------------------------------------------------------------------- protocol
class PrinterSession(Protocol):
    """One open connection. Blocking; used from one worker thread at a time."""

    def status(self, *, timeout: float) -> PrinterStatus: ...

    def send(self, job: PrintJob) -> None:
        """Send the whole job; raises :class:`PrinterIOError` when the connection fails on the way."""
        ...

    def confirm(self, *, timeout: float, status_timeout: float) -> PrinterStatus:
        """After :meth:`send`: ready (or paper near end) only if the printer confirmed, within ``timeout``,
        that it processed the job; the failure it reports if it stopped; unknown if it could not tell."""
        ...


class Printer(Protocol):
    dot_width: int
    text_mode: bool
    description: str
    """Where the printer is, for logs and operator messages (no secrets in a printer URI)."""

    def session(self) -> AbstractContextManager[PrinterSession]: ...

    def status(self, *, timeout: float) -> PrinterStatus: ...
