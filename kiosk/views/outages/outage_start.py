"""Power cuts: three large choices, danger first and impossible to miss, then "no power at my home" and "planned
outages in my area"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QPushButton, QSizePolicy, QVBoxLayout

from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, column, label

WARNING_SIGN = "!"
_TILE_MIN_HEIGHT = 160


class ChoiceTile(QPushButton):
    """A large choice: a title and a line of explanation, read by one tap (like the home screen's tiles).
    ``danger`` paints it in the danger colour; ``sign`` puts a large warning sign above its title."""

    def __init__(
        self, name: str, *, danger: bool = False, sign: bool = False, min_height: int = _TILE_MIN_HEIGHT
    ) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "danger" if danger else "tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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
        if sign:
            # A warning sign as large as the hotline's digits, for those who read little. The font draws no ⚠
            # (nor ▲): an exclamation mark it is.
            mark = label("big-number", wrap=False)
            mark.setText(WARNING_SIGN)
            children.insert(0, mark)
        for child in children:
            self._layout.addWidget(child)
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._layout.addStretch()

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


class OutageStartScreen(Screen):
    danger_requested = Signal()
    no_power_requested = Signal()
    schedule_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._prompt = label("heading")
        self._danger = ChoiceTile("outage-danger", danger=True, sign=True, min_height=240)
        self._danger.clicked.connect(self.danger_requested)
        self._no_power = ChoiceTile("outage-no-power")
        self._no_power.clicked.connect(self.no_power_requested)
        self._schedule = ChoiceTile("outage-schedule")
        self._schedule.clicked.connect(self.schedule_requested)
        others = column(self._no_power, self._schedule, stretch_at_end=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._prompt)
        # Stacked on a portrait panel, the tiles share the height, danger the largest part.
        layout.addWidget(Columns(self._danger, others, spacing=24, stacked_stretch=(3, 4)), stretch=1)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("outage_start.title")

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("outage_start.prompt"))
        self._danger.set_texts(tr._("outage_start.danger"), tr._("outage_start.danger.hint"))
        self._no_power.set_texts(tr._("outage_start.no_power"), tr._("outage_start.no_power.hint"))
        self._schedule.set_texts(tr._("outage_start.schedule"), tr._("outage_start.schedule.hint"))
