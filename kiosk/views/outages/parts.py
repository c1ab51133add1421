"""What the outage screens share: the large choice tiles, the hotline written as it is dialled, a report's
reference, and whether an outage is happening now."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.central.models import Outage
from kiosk.requests.records import OutboxItem
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import TOUCH_FIRST_FOCUS, label, room_width


def happening(outage: Outage) -> bool:
    """Happening now: the flow set each outage's status by the kiosk's clock when it made the list."""
    return outage.status == "in_progress"


def phone_number(number: str) -> str:
    """``19006769`` → ``1900 6769``, ``1900545454`` → ``1900 545 454``: digits in groups, as they are read
    aloud and as bills print them. Short numbers (``114``) stay whole."""
    if len(number) <= 4:
        return number
    head, tail = number[:4], number[4:]
    if len(tail) <= 4:
        return f"{head} {tail}"
    return " ".join([head, *(tail[i : i + 3] for i in range(0, len(tail), 3))])


def report_reference(item: OutboxItem) -> str:
    """The reference a customer can quote: the kiosk's own (``K`` and 9 characters that cannot be misread),
    which the central keeps with the report; its own id (``out_…``) is not something to read out on a phone."""
    return item.reference


WARNING_SIGN = "!"


_TILE_MIN_HEIGHT = 160

TILES_SIDE_BY_SIDE_PX = 1200
"""From this width (any landscape panel) a screen's few large tiles stand side by side rather than stacked."""


class TileScreen(Screen):
    """A screen of a prompt above a row of choice tiles, the tiles fitted to the room in view (TileRow.fit)."""

    def fit_tiles(self, prompt: QWidget, tiles: TileRow) -> None:
        """Called once in the screen's ``__init__``: the prompt above ``tiles``."""
        self._fitted = (prompt, tiles)

    # TileRow.fit shows every tile's details to measure them, a relayout each time.
    refits_on_relayout = False

    def fit_to_view(self) -> None:
        viewport = self.parentWidget()
        layout = self.layout()
        if viewport is None or layout is None or not hasattr(self, "_fitted"):
            return
        prompt, tiles = self._fitted
        margins = layout.contentsMargins()
        room = (
            viewport.height()
            - margins.top()
            - margins.bottom()
            - prompt.heightForWidth(max(1, viewport.width() - margins.left() - margins.right()))
            - layout.spacing()
        )
        tiles.fit(room)


class TileRow(QWidget):
    """A few tiles side by side from TILES_SIDE_BY_SIDE_PX on, one above the other on a portrait panel."""

    def __init__(self, *tiles: QWidget, spacing: int = 24) -> None:
        super().__init__()
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(spacing)
        for tile in tiles:
            self._box.addWidget(tile, stretch=1)

    def fit(self, room: int) -> None:
        """The tiles' details (their hints, the warning sign) shown where the tiles fit ``room`` (px of height)
        with them, hidden where they do not: the choices themselves always in view (a tile keeps its hint as
        its accessible description)."""
        tiles = self.findChildren(ChoiceTile)
        for tile in tiles:
            tile.show_details(True)
        self._box.invalidate()
        if self._box.totalHeightForWidth(self.width()) > room:
            for tile in tiles:
                tile.show_details(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = room_width(self, event.size().width()) >= TILES_SIDE_BY_SIDE_PX
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if direction != self._box.direction():
            self._box.setDirection(direction)
        super().resizeEvent(event)


class ChoiceTile(QPushButton):
    """A large choice: a title and a line of explanation, read by one tap (like the home screen's tiles).
    ``danger`` paints it in the danger colour; ``sign`` puts a large warning sign above its title."""

    def __init__(
        self, name: str, *, danger: bool = False, sign: bool = False, min_height: int = _TILE_MIN_HEIGHT
    ) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "danger" if danger else "tile")
        self.setFocusPolicy(TOUCH_FIRST_FOCUS)
        self._min_height = min_height
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.title = label("title" if danger else "heading")
        self.hint = label("" if danger else "muted")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(28, 20, 28, 20)
        self._layout.setSpacing(8)
        self._layout.addStretch()
        children = [self.title, self.hint]
        self._sign: QLabel | None = None
        if sign:
            # A warning sign as large as the hotline's digits, for those who read little. The font draws no ⚠
            # (nor ▲): an exclamation mark it is.
            mark = label("big-number", wrap=False)
            mark.setText(WARNING_SIGN)
            children.insert(0, mark)
            self._sign = mark
        for child in children:
            self._layout.addWidget(child)
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._layout.addStretch()

    def show_details(self, shown: bool) -> None:
        """The hint and the warning sign, or the title alone (see TileRow.fit)."""
        for detail in (self.hint, self._sign):
            if detail is not None and detail.isHidden() == shown:
                detail.setVisible(shown)

    def set_texts(self, title: str, hint: str) -> None:
        self.title.setText(title)
        self.hint.setText(hint)
        self.setAccessibleName(title)
        self.setAccessibleDescription(hint)

    # Its size comes from the labels it holds, which wrap (see kiosk.views.frame.home.Tile).
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._min_height, self._layout.totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self._layout.totalSizeHint()
        return QSize(hint.width(), max(self._min_height, hint.height()))

    def minimumSizeHint(self) -> QSize:
        minimum = self._layout.totalMinimumSize()
        return QSize(minimum.width(), max(self._min_height, minimum.height()))
