"""A printout shown on screen, for kiosks without a printer (demo mode): the very pixels a printer would get."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap, qGray
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import PrintPreview
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, drop_all, label

# Paper is white whatever the theme; a frame shows where the slip ends.
_BORDER_PX, _PADDING_PX = 3, 12
_PAPER_STYLE = f"QWidget#print-preview-paper {{ background: #FFFFFF; border: {_BORDER_PX}px solid #111111; }}"
_WHITE = 0xF0  # a printer dot lighter than this is no dot: the row is blank paper
_INK = bytes(int(grey < _WHITE) for grey in range(256))  # a grey level to 1 where it is a printed dot


def strip_rows(image: QImage) -> list[tuple[int, int]]:
    """The slip cut into strips (top, height) across its blank rows, so that a page ends between two lines of
    print, never through one: the middle of each run of blank rows ends a strip."""
    blank = _blank_rows(image)
    height = len(blank)
    cuts = [0]
    y = 0
    while y < height:
        if blank[y]:
            run = y
            while y < height and blank[y]:
                y += 1
            middle = (run + y) // 2
            if 0 < middle < height and middle > cuts[-1]:
                cuts.append(middle)
        else:
            y += 1
    cuts.append(height)
    return [(top, bottom - top) for top, bottom in itertools.pairwise(cuts) if bottom > top]


def _blank_rows(image: QImage) -> list[bool]:
    """For each row of ``image``, whether it is blank paper. Work in C over whole rows: a Python min() per
    row took ~15 ms of GUI thread for a receipt, and converting the 1-bit page to greys another ~5 ms."""
    height = image.height()
    if image.format() is QImage.Format.Format_Mono and image.colorCount() == 2:
        # The preview printer's PNGs: 1 bit a dot, most significant bit first.
        paper = [qGray(image.color(i)) >= _WHITE for i in (0, 1)]
        if paper[0] != paper[1]:
            stride, full, rest = image.bytesPerLine(), image.width() // 8, image.width() % 8
            white = 0xFF if paper[1] else 0x00
            data = bytes(image.constBits())[: stride * height]
            row_white = bytes((white,)) * full
            mask = (0xFF << (8 - rest)) & 0xFF
            return [
                data[y * stride : y * stride + full] == row_white
                and (not rest or (data[y * stride + full] ^ white) & mask == 0)
                for y in range(height)
            ]
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, stride = grey.width(), grey.bytesPerLine()
    ink = bytes(grey.constBits())[: stride * height].translate(_INK)
    return [ink.find(1, y * stride, y * stride + width) < 0 for y in range(height)]


class PrintPreviewScreen(Screen):
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._body = label()
        # The paper: white, framed, as wide as the slip; its strips follow each other without a gap, so it
        # reads as one slip, and a long slip goes on to the next page ("Xem tiếp") between two lines of print.
        self._paper = QWidget()
        self._paper.setObjectName("print-preview-paper")
        self._paper.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._paper.setStyleSheet(_PAPER_STYLE)
        self._strips = QVBoxLayout(self._paper)
        inset = _BORDER_PX + _PADDING_PX
        self._strips.setContentsMargins(inset, inset, inset, inset)
        self._strips.setSpacing(0)
        centred = QHBoxLayout()
        centred.addStretch()
        centred.addWidget(self._paper)
        centred.addStretch()
        self._done = button("primary")
        self._done.setObjectName("print-preview-done")
        self._done.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(24)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addLayout(centred)
        layout.addStretch()
        self.pin(self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("print_preview.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, PrintPreview):
            # Shown at its own size, one printer dot a pixel, as on paper; a long slip is paged. A QImage, not
            # QPixmap(path): a pixmap loaded from a file is put in QPixmapCache, where the customer's receipt
            # (3-4 MiB as a 32-bit pixmap) would stay after the screen let it go. The 1-bit page read here is
            # ~120 KiB and dropped once its strips are made.
            self._show_strips(QImage(str(state.image)))

    def _show_strips(self, page: QImage) -> None:
        drop_all(self._strips)
        if page.isNull():
            self._paper.hide()
            return
        for i, (top, height) in enumerate(strip_rows(page)):
            strip = QLabel()
            strip.setObjectName(f"print-preview-strip-{i}")
            strip.setProperty("role", "paper")
            strip.setPixmap(QPixmap.fromImage(page.copy(0, top, page.width(), height)))
            strip.setFixedSize(page.width(), height)
            self._strips.addWidget(strip)
            strip.show()
        self._paper.show()
        # The paper as tall as its strips, now: a layout laid out before the strips came must not squeeze them.
        inset = _BORDER_PX + _PADDING_PX
        self._paper.setFixedSize(page.width() + 2 * inset, page.height() + 2 * inset)

    def clear(self) -> None:
        self._show_strips(QImage())  # a receipt carries the customer's code and name

    def retranslate(self) -> None:
        self._heading.setText(self._tr._("print_preview.heading"))
        self._body.setText(self._tr._("print_preview.body"))
        self._done.setText(self._tr._("print_preview.done"))
