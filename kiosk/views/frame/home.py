"""The home screen: what the customer can do here, as a few large tiles."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QVBoxLayout

from kiosk.flows.states.frame import Feature
from kiosk.language.catalogs import N_, Translator
from kiosk.views.parts.pictograms import Sign, with_sign
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import TOUCH_FIRST_FOCUS, button, label

# (feature, title key, description key), in the order customers need them most.
TILES: tuple[tuple[Feature, str, str], ...] = (
    (Feature.BILLS, N_("home.tile.bills"), N_("home.tile.bills.hint")),
    (Feature.OUTAGES, N_("home.tile.outages"), N_("home.tile.outages.hint")),
    (Feature.REQUESTS, N_("home.tile.requests"), N_("home.tile.requests.hint")),
    (Feature.TRACK_REQUEST, N_("home.tile.track_request"), N_("home.tile.track_request.hint")),
)

_TILE_MIN_HEIGHT = 160
_SIGN_PX = 56
# A sign beside each tile's title, for customers who read little; the title still says it in words.
_SIGNS = {
    Feature.BILLS: Sign.BILL,
    Feature.OUTAGES: Sign.OUTAGE,
    Feature.REQUESTS: Sign.REQUEST,
    Feature.TRACK_REQUEST: Sign.TRACK,
}


class Tile(QPushButton):
    """A large button with a title and a line of explanation, both read by the same tap."""

    def __init__(self, feature: Feature) -> None:
        super().__init__()
        self.feature = feature
        self.setProperty("role", "tile")
        self.setObjectName(f"tile-{feature.value}")
        self.setFocusPolicy(TOUCH_FIRST_FOCUS)
        # Tiles share out the screen's spare height: bigger faces are easier to hit and to read.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.title = label("heading")
        self.hint = label("muted")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(28, 20, 28, 20)
        self._layout.setSpacing(8)
        self._layout.addStretch()
        self._layout.addWidget(with_sign(_SIGNS[feature], self.title, _SIGN_PX))
        self._layout.addWidget(self.hint)
        self._layout.addStretch()
        for child in (self.title, self.hint):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    # A QPushButton sizes itself by its own text; this one has none, so its size comes from the labels it holds,
    # which wrap and need more height when the text is large or the tile narrow.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(_TILE_MIN_HEIGHT, self._layout.totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self._layout.totalSizeHint()
        return QSize(hint.width(), max(_TILE_MIN_HEIGHT, hint.height()))

    def minimumSizeHint(self) -> QSize:
        minimum = self._layout.totalMinimumSize()
        return QSize(minimum.width(), max(_TILE_MIN_HEIGHT, minimum.height()))


class HomeScreen(Screen):
    feature_chosen = Signal(Feature)
    assisted_requested = Signal()  # larger text and spoken guidance, for customers who need them

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._welcome = label("title")
        self._prompt = label()
        self._tiles = [Tile(feature) for feature, _, _ in TILES]
        for tile in self._tiles:
            tile.clicked.connect(lambda _=False, f=tile.feature: self.feature_chosen.emit(f))
        self._assisted = button()
        self._assisted.setObjectName("home-assisted")
        self._assisted.clicked.connect(self.assisted_requested)
        self._grid = QGridLayout()
        self._grid.setSpacing(24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(24)
        layout.addWidget(self._welcome)
        layout.addWidget(self._prompt)
        layout.addLayout(self._grid, stretch=1)
        layout.addWidget(self._assisted)
        self._columns = 0
        self._arrange(2)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("home.title")

    def retranslate(self) -> None:
        self._welcome.setText(self._tr._("home.welcome"))
        self._prompt.setText(self._tr._("home.prompt"))
        self._assisted.setText(self._tr._("home.assisted"))
        for tile, (_, title_key, hint_key) in zip(self._tiles, TILES, strict=True):
            tile.title.setText(self._tr._(title_key))
            tile.hint.setText(self._tr._(hint_key))
            tile.setAccessibleName(tile.title.text())
            tile.setAccessibleDescription(tile.hint.text())

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for i, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Portrait panels stack the tiles so that each keeps a full-width, thumb-sized face.
        portrait = event.size().height() > event.size().width()
        self._arrange(1 if portrait else 2)
        super().resizeEvent(event)
