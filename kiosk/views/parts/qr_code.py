"""A QR code drawn crisp on screen: whole pixels per module, a four-module quiet zone, black on white.

At the kiosk's QR size each module is several pixels (about 2.5 mm on a 21" panel), which phone cameras read
from 40 cm; error correction M leaves room for glare on the glass without making the modules smaller.

Made on the GUI thread when the pay-by-QR screen is shown, so it must cost about a millisecond: the mask is
fixed rather than searched (see ``MASK_PATTERN``), the view keeps its payload's matrix for when it is shown again
(Back, a change of language or text size; nothing outside the view, which is wiped with its screen: the payload
carries the customer's code), and the image is one 1-pixel-a-module image scaled up whole, not a rectangle drawn
per module.
"""

from __future__ import annotations

import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_MODULES = 4

MASK_PATTERN = 6
"""The data mask, fixed: qrcode's search tries all eight and scores each by ISO 18004's penalty rules, which is
four fifths of the time it takes (19 ms a code on the kiosk's PC, in pure Python). Any mask is valid (a reader
learns it from the format information); the penalty only measures how much a mask leaves blocks and finder-like
runs that make reading harder. Over 120 payment payloads of the central's shape (128 characters, version 5, M),
mask 6 had the lowest mean penalty (924 against 952-1096 for the others), the lowest worst case (1153), and was
the best of the eight more often than any other (39 times). tests/gui/test_qr_code.py checks that such codes,
drawn at the screen's sizes, still scan."""


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of ``payload`` (UTF-8, error correction M, mask :data:`MASK_PATTERN`), dark = True, without
    the quiet zone."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1, mask_pattern=MASK_PATTERN
    )
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(map(bool, row)) for row in code.modules)


def module_image(matrix: tuple[tuple[bool, ...], ...]) -> QImage:
    """One grey pixel a module (black = dark), made from bytes in one go rather than module by module."""
    count = len(matrix)
    stride = (count + 3) & ~3  # QImage rows start on 32-bit boundaries
    pad = bytes(stride - count)
    rows = bytearray()
    for row in matrix:
        rows += bytes(0 if dark else 255 for dark in row)
        rows += pad
    # The image reads the buffer in place: copy() makes it own its pixels before `rows` goes away.
    return QImage(bytes(rows), count, count, stride, QImage.Format.Format_Grayscale8).copy()


class QrCodeView(QWidget):
    def __init__(self, side: int) -> None:
        super().__init__()
        self.setObjectName("payment-qr")
        self._matrix: tuple[tuple[bool, ...], ...] = ()
        self._payload: str | None = None
        self._side = side
        self._image = self._draw()
        self.setFixedSize(QSize(side, side))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_payload(self, payload: str | None, description: str = "") -> None:
        if payload != self._payload:
            self._payload = payload
            self._matrix = qr_matrix(payload) if payload else ()
        self._image = self._draw()
        self.setAccessibleName(description)
        self.update()

    def _draw(self) -> QImage:
        """The whole code as one image, drawn once per payload and size (a repaint then copies it)."""
        image = QImage(self._side, self._side, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        px = self.module_px
        if px:
            count = len(self._matrix)
            offset = (self._side - count * px) // 2
            # A whole number of pixels a module, and no smoothing: every module edge stays sharp.
            modules = module_image(self._matrix).scaled(
                count * px,
                count * px,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            painter = QPainter(image)
            painter.drawImage(offset, offset, modules)
            painter.end()
        return image

    @property
    def module_px(self) -> int:
        count = len(self._matrix) + 2 * QUIET_MODULES
        return self._side // count if self._matrix else 0

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self._image)
        painter.end()
