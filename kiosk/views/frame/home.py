"""The home screen: what the customer can do here, as a few large tiles."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.flows.states.frame import Feature
from kiosk.language.catalogs import N_, Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.pictograms import Sign, with_sign
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import TOUCH_FIRST_FOCUS, button, label
from kiosk.views.theme import Look

# (feature, title key, description key), in the order customers need them most.
TILES: tuple[tuple[Feature, str, str], ...] = (
    (Feature.BILLS, N_("home.tile.bills"), N_("home.tile.bills.hint")),
    (Feature.OUTAGES, N_("home.tile.outages"), N_("home.tile.outages.hint")),
    (Feature.REQUESTS, N_("home.tile.requests"), N_("home.tile.requests.hint")),
    (Feature.TRACK_REQUEST, N_("home.tile.track_request"), N_("home.tile.track_request.hint")),
)

_SIGN_PX = 56
_TILE_SPACING_PX = 24
_SIDE_MARGIN_PX = 48


@dataclass(frozen=True)
class Fit:
    """How roomy the home screen is laid out: the roomiest that fits the page is used, so that every tile and
    the way to assisted mode are in view together, without paging, even at a large text size on a small panel."""

    margin: int  # above and below the screen's content
    spacing: int  # between the welcome, the prompt and the tiles
    tile_margins: tuple[int, int]  # inside a tile: left and right, top and bottom
    tile_height: int  # a tile's least height
    hints: bool  # the line of explanation under each tile's title (also read out as its description)
    welcome: bool = True  # the greeting (the title bar names the screen too)
    prompt: bool = True  # "touch a tile" (assisted mode also says it aloud)


FITS = (
    Fit(40, 24, (28, 20), 160, hints=True),
    Fit(24, 16, (20, 12), 120, hints=True),
    Fit(16, 12, (16, 8), 96, hints=False),
    Fit(12, 12, (16, 8), 88, hints=False, welcome=False),
    Fit(12, 12, (16, 8), 88, hints=False, welcome=False, prompt=False),
)
_ROOM_TO_SPARE_PX = 8  # rounding in Qt's layouts: a fit that needs every last pixel is not taken
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
        self._min_height = FITS[0].tile_height
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(28, 20, 28, 20)
        self._layout.setSpacing(8)
        self._layout.addStretch()
        self._title_row = with_sign(_SIGNS[feature], self.title, _SIGN_PX)
        self._layout.addWidget(self._title_row)
        self._layout.addWidget(self.hint)
        self._layout.addStretch()
        for child in (self.title, self.hint):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_fit(self, fit: Fit) -> None:
        across, down = fit.tile_margins
        self._layout.setContentsMargins(across, down, across, down)
        self._min_height = fit.tile_height
        self.hint.setVisible(fit.hints)
        self.updateGeometry()

    def height_in(self, fit: Fit, width: int) -> int:
        """The height this tile needs at ``width`` when laid out as ``fit`` says (without laying it out so)."""
        across, down = fit.tile_margins
        inner = width - 2 * across
        needed = 2 * down + _height_for(self._title_row, inner)
        if fit.hints:
            needed += self._layout.spacing() + _height_for(self.hint, inner)
        return max(fit.tile_height, needed)

    # A QPushButton sizes itself by its own text; this one has none, so its size comes from the labels it holds,
    # which wrap and need more height when the text is large or the tile narrow.
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


def _height_for(widget: QWidget | None, width: int) -> int:
    if widget is None:
        return 0
    return widget.heightForWidth(width) if widget.hasHeightForWidth() else widget.sizeHint().height()


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
        mark_main_action(*self._tiles)  # what the customer came for: all of them in view
        self._assisted = button()
        self._assisted.setObjectName("home-assisted")
        self._assisted.clicked.connect(self.assisted_requested)
        self._grid = QGridLayout()
        self._grid.setSpacing(_TILE_SPACING_PX)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(_SIDE_MARGIN_PX, 40, _SIDE_MARGIN_PX, 40)
        layout.setSpacing(24)
        layout.addWidget(self._welcome)
        layout.addWidget(self._prompt)
        layout.addLayout(self._grid, stretch=1)
        # Below the page, always in view: a customer who needs larger text must find it whatever the panel.
        self.pin(self._assisted)
        self._columns = 0
        self._fit = FITS[0]
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

    def set_look(self, look: Look) -> None:
        self.fit_to_view()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Portrait panels stack the tiles so that each keeps a full-width, thumb-sized face; the panel's
        # orientation, not the screen's (a screen taller than its page is still on a landscape panel).
        panel = self.window()
        self._arrange(1 if panel.height() > panel.width() else 2)
        super().resizeEvent(event)
        self.fit_to_view()

    def _needed_height(self, fit: Fit, width: int) -> int:
        inner = width - 2 * _SIDE_MARGIN_PX
        tile_width = (inner - (self._columns - 1) * _TILE_SPACING_PX) // self._columns
        heights = [tile.height_in(fit, tile_width) for tile in self._tiles]
        rows = [max(heights[i : i + self._columns]) for i in range(0, len(heights), self._columns)]
        texts = [t for t, shown in ((self._welcome, fit.welcome), (self._prompt, fit.prompt)) if shown]
        return (
            2 * fit.margin
            + sum(_height_for(text, inner) + fit.spacing for text in texts)
            + sum(rows)
            + (len(rows) - 1) * _TILE_SPACING_PX
        )

    def fit_to_view(self) -> None:
        """The roomiest fit whose tiles all fit the page in view (the viewport the screen sits in)."""
        viewport = self.parentWidget()
        if viewport is None or self._columns == 0:
            return
        room, width = viewport.height() - _ROOM_TO_SPARE_PX, viewport.width()
        chosen = next((f for f in FITS if self._needed_height(f, width) <= room), FITS[-1])
        if chosen == self._fit:
            return
        self._fit = chosen
        self._layout.setContentsMargins(_SIDE_MARGIN_PX, chosen.margin, _SIDE_MARGIN_PX, chosen.margin)
        self._layout.setSpacing(chosen.spacing)
        self._welcome.setVisible(chosen.welcome)
        self._prompt.setVisible(chosen.prompt)
        for tile in self._tiles:
            tile.set_fit(chosen)
