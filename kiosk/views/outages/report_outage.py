"""What to report: only my home has no power, the whole street has none, or danger. One large button each, with
a line that says when to choose it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from kiosk.central.models import OutageReportKind
from kiosk.flows.states import ScreenState
from kiosk.flows.states.outages import ReportOutage
from kiosk.language.catalogs import N_, Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.outages.parts import ChoiceTile, TileRow, TileScreen, happening
from kiosk.views.parts.text import when
from kiosk.views.parts.widgets import label

# (kind, title, when to choose it): danger first, as on the outage start screen.
_KINDS: tuple[tuple[OutageReportKind, str, str], ...] = (
    ("danger", N_("report_outage.danger"), N_("report_outage.danger.hint")),
    ("my_house", N_("report_outage.my_house"), N_("report_outage.my_house.hint")),
    ("street", N_("report_outage.street"), N_("report_outage.street.hint")),
)


class ReportOutageScreen(TileScreen):
    kind_chosen = Signal(str)

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ReportOutage | None = None
        self._prompt = label("heading")
        self._known = label("notice")
        self._known.setObjectName("report-known")
        self._tiles: dict[OutageReportKind, ChoiceTile] = {}
        for kind, _, _ in _KINDS:
            tile = ChoiceTile(f"report-{kind.replace('_', '-')}", danger=kind == "danger")
            tile.clicked.connect(lambda _=False, k=kind: self.kind_chosen.emit(k))
            self._tiles[kind] = tile
        # The customer came to choose one of them: all three in view.
        mark_main_action(*self._tiles.values())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._prompt)
        # Equal in size here: the customer came about a power cut, and a danger report sets off an emergency.
        # The choices first (what the customer came to touch, in view however large the text), then what the
        # power company already knows.
        tiles = TileRow(*(self._tiles[kind] for kind, _, _ in _KINDS))
        layout.addWidget(tiles, stretch=1)
        self.fit_tiles(self._prompt, tiles)
        layout.addWidget(self._known)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("report_outage.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ReportOutage):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._known.clear()
        self._known.hide()

    def retranslate(self) -> None:
        tr = self._tr
        self._prompt.setText(tr._("report_outage.prompt"))
        for kind, title, hint in _KINDS:
            self._tiles[kind].set_texts(tr._(title), tr._(hint))
        known = next((o for o in self._state.outages if happening(o)), None) if self._state else None
        self._known.setVisible(known is not None)
        self._known.setText(
            tr._("report_outage.known", when=when(tr, known.expected_end_at)) if known else ""
        )
