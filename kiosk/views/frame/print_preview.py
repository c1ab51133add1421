"""A printout shown on screen, for kiosks without a printer (demo mode): the very pixels a printer would get."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout

from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import PrintPreview
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import button, label, scroll_area

# Paper is white whatever the theme; a frame shows where the slip ends.
_BORDER_PX, _PADDING_PX = 3, 12
_PAPER_STYLE = (
    "QLabel#print-preview-image "
    f"{{ background: #FFFFFF; border: {_BORDER_PX}px solid #111111; padding: {_PADDING_PX}px; }}"
)


class PrintPreviewScreen(Screen):
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._heading = label("title")
        self._body = label()
        self._image = QLabel()
        self._image.setObjectName("print-preview-image")
        self._image.setStyleSheet(_PAPER_STYLE)
        self._image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        # The slip scrolls inside its own area so that "Done" stays in view however long the slip is.
        self._paper = scroll_area(self._image, "print-preview-paper")
        self._paper.setMinimumHeight(240)
        self._paper.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._done = button("primary")
        self._done.setObjectName("print-preview-done")
        self._done.clicked.connect(self.done_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(24)
        layout.addWidget(self._heading)
        layout.addWidget(self._body)
        layout.addWidget(self._paper, stretch=1)
        layout.addWidget(self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("print_preview.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, PrintPreview):
            # Shown at its own size, one printer dot a pixel, as on paper; long slips scroll.
            pixmap = QPixmap(str(state.image))
            self._image.setPixmap(pixmap)
            # The frame hugs the paper.
            self._image.setFixedWidth(pixmap.width() + 2 * (_BORDER_PX + _PADDING_PX))
            self._paper.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        self._image.clear()  # a receipt carries the customer's code and name

    def retranslate(self) -> None:
        self._heading.setText(self._tr._("print_preview.heading"))
        self._body.setText(self._tr._("print_preview.body"))
        self._done.setText(self._tr._("print_preview.done"))
