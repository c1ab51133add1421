"""Pictograms drawn with QPainter: the check on a success screen, the signs on the home tiles.

Drawn rather than bundled: the kiosk's font draws no ✓ or arrows, and a few strokes need no licence, no file and no
colour of their own. Each is drawn in the text colour of the look in force (the style sheet's ``color`` sets the
widget's palette), so it has the text's contrast in both themes. A pictogram never stands alone: the words beside
it say the same thing, and it is hidden from the screen reader's tree (it has no accessible name of its own).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

CHECK_PX = 80
"""The check beside a success screen's title: a little taller than the title's line, large enough to see at once."""


class Sign(Enum):
    CHECK = "check"  # done: a payment received, a request or a report sent
    BILL = "bill"  # a sheet with lines: bills
    OUTAGE = "outage"  # a lightning bolt: power cuts
    REQUEST = "request"  # a sheet with a plus: a new request
    TRACK = "track"  # a magnifying glass: where a request stands


class Pictogram(QWidget):
    """A square sign of ``size`` pixels, drawn in the text colour with strokes a tenth of its size."""

    def __init__(self, sign: Sign, size: int) -> None:
        super().__init__()
        self.sign = sign
        self.setObjectName(f"sign-{sign.value}")
        self.setFixedSize(QSize(size, size))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # a tap on it is the tile's

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = float(self.width())
        pen = QPen(self.palette().color(QPalette.ColorRole.WindowText), max(3.0, s / 10))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        inset = pen.widthF() / 2 + 1
        box = QRectF(inset, inset, s - 2 * inset, s - 2 * inset)
        match self.sign:
            case Sign.CHECK:
                painter.drawEllipse(box)
                path = QPainterPath(QPointF(s * 0.28, s * 0.52))
                path.lineTo(s * 0.44, s * 0.68)
                path.lineTo(s * 0.73, s * 0.35)
                painter.drawPath(path)
            case Sign.BILL | Sign.REQUEST:
                sheet = QRectF(s * 0.2, inset, s * 0.6, s - 2 * inset)
                painter.drawRoundedRect(sheet, s * 0.06, s * 0.06)
                if self.sign is Sign.BILL:
                    for y in (0.3, 0.5, 0.7):
                        painter.drawLine(QPointF(s * 0.34, s * y), QPointF(s * 0.66, s * y))
                else:
                    painter.drawLine(QPointF(s * 0.5, s * 0.32), QPointF(s * 0.5, s * 0.68))
                    painter.drawLine(QPointF(s * 0.32, s * 0.5), QPointF(s * 0.68, s * 0.5))
            case Sign.OUTAGE:
                bolt = QPainterPath(QPointF(s * 0.58, inset))
                for x, y in ((0.26, 0.56), (0.5, 0.56), (0.42, 1.0), (0.74, 0.44), (0.5, 0.44), (0.58, 0.0)):
                    bolt.lineTo(s * x, min(s - inset, max(inset, s * y)))
                painter.drawPath(bolt)
            case Sign.TRACK:
                lens = QRectF(inset, inset, s * 0.62, s * 0.62)
                painter.drawEllipse(lens)
                painter.drawLine(QPointF(s * 0.6, s * 0.6), QPointF(s - inset, s - inset))
        painter.end()


def with_sign(sign: Sign | Pictogram, text: QLabel, size: int = 0) -> QWidget:
    """``text`` with a sign (of ``size`` px, or one already made) before it, on one line: the sign adds little or
    no height to the screen."""
    pictogram = sign if isinstance(sign, Pictogram) else Pictogram(sign, size)
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(24)
    row.addWidget(pictogram, 0, Qt.AlignmentFlag.AlignVCenter)
    row.addWidget(text, 1)
    return holder
