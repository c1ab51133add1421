"""A QR code drawn crisp on screen: whole pixels per module, a four-module quiet zone, black on white.

At the kiosk's QR size each module is several pixels (about 2.5 mm on a 21" panel), which phone cameras read
from 40 cm; error correction M leaves room for glare on the glass without making the modules smaller.
"""

from __future__ import annotations

import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_MODULES = 4


def qr_matrix(payload: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return [list(map(bool, row)) for row in code.get_matrix()]


class QrCodeView(QWidget):
    def __init__(self, side: int) -> None:
        super().__init__()
        self.setObjectName("payment-qr")
        self._matrix: list[list[bool]] = []
        self._side = side
        self._image = self._draw()
        self.setFixedSize(QSize(side, side))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_payload(self, payload: str | None, description: str = "") -> None:
        self._matrix = qr_matrix(payload) if payload else []
        self._image = self._draw()
        self.setAccessibleName(description)
        self.update()

    def _draw(self) -> QImage:
        """The whole code as one image, drawn once per payload (a repaint then copies it)."""
        image = QImage(self._side, self._side, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        px = self.module_px
        if px:
            offset = (self._side - len(self._matrix) * px) // 2
            painter = QPainter(image)
            black = QColor("#000000")
            for y, row in enumerate(self._matrix):
                for x, dark in enumerate(row):
                    if dark:
                        painter.fillRect(offset + x * px, offset + y * px, px, px, black)
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
