"""The power cuts in the customer's area: those happening now first, with when power is expected back, then
those planned in the next 7 days. From here the customer prints the schedule or reports a power cut."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QVBoxLayout, QWidget

from kiosk.central.models import Customer, Outage
from kiosk.customer.code import group_code
from kiosk.flows.states import ScreenState
from kiosk.flows.states.outages import OutageOverview
from kiosk.language.catalogs import Translator
from kiosk.views.outages.parts import happening
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.text import in_language, when
from kiosk.views.parts.widgets import Columns, button, column, drop_all, label, set_role, show_all, tag_label


def outage_kind(tr: Translator, outage: Outage) -> str:
    return tr._("outage.kind.emergency") if outage.kind == "emergency" else tr._("outage.kind.planned")


class OutageCard(QWidget):
    """One power cut: its kind and whether it is happening now (in words), where, why, from and until when."""

    def __init__(self, tr: Translator, outage: Outage, index: int) -> None:
        super().__init__()
        self.setObjectName(f"outage-{index}")
        self.setProperty("role", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._tr = tr
        self._outage = outage
        self.kind = label("heading")
        self.status = tag_label()
        self.area = label()
        self.reason = label()
        self.start = label()
        self.end = label("heading")
        grid = QGridLayout(self)
        grid.setContentsMargins(24, 16, 24, 16)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.kind, 0, 0)
        grid.addWidget(self.status, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for row, text in enumerate((self.area, self.reason, self.start, self.end), start=1):
            grid.addWidget(text, row, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.retranslate()

    def retranslate(self) -> None:
        tr, outage = self._tr, self._outage
        self.kind.setText(outage_kind(tr, outage))
        now = happening(outage)
        # The words say it; the colour only repeats them.
        self.status.setText(tr._("outage.status.now") if now else tr._("outage.status.planned"))
        set_role(self.status, "tag-danger" if now else "tag")
        self.area.setText(tr._("outage.area", area=in_language(tr, outage.area)))
        self.reason.setText(tr._("outage.reason", reason=in_language(tr, outage.reason)))
        start = when(tr, outage.start_at)
        self.start.setText(tr._("outage.started", when=start) if now else tr._("outage.starts", when=start))
        self.end.setText(tr._("outage.expected_end", when=when(tr, outage.expected_end_at)))


class OutageOverviewScreen(Screen):
    print_requested = Signal()
    report_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: OutageOverview | None = None
        self._cards: list[OutageCard] = []
        self._printing = True

        self._code = label("title")
        self._code.setObjectName("outages-code")
        self._district = label("muted")
        self._covers = label()
        self._covers.setObjectName("outages-covers")
        self._report_hint = label()
        self._report_hint.setObjectName("outages-report-hint")
        self._report = button("primary")
        self._report.setObjectName("outages-report")
        self._report.clicked.connect(self.report_requested)
        self._print = button()
        self._print.setObjectName("outages-print")
        self._print.clicked.connect(self.print_requested)
        self._printed = label("notice")
        self._printed.setObjectName("outages-printed")
        summary = column(self._code, self._district, self._covers, self._report_hint, spacing=16)

        self._none = label("notice")
        self._none.setObjectName("outages-none")
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(16)
        outages = QWidget()
        outages_layout = QVBoxLayout(outages)
        outages_layout.setContentsMargins(0, 0, 0, 0)
        outages_layout.setSpacing(16)
        outages_layout.addWidget(self._none)
        outages_layout.addLayout(self._list)
        outages_layout.addStretch()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(Columns(summary, outages, stretch=(4, 5)))
        layout.addStretch()
        layout.addWidget(self._printed)
        self.pin(self._print, self._report)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("outages.title")

    def set_printing(self, available: bool) -> None:
        """Whether this kiosk has a printer (a kiosk without one does not offer paper)."""
        self._printing = available
        self._print.setVisible(available)

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, OutageOverview):
            if self._state is None or state.outages is not self._state.outages:
                self._fill(state.outages)
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._fill(())
        for text in (self._code, self._district, self._printed):
            text.clear()

    def _fill(self, outages: tuple[Outage, ...]) -> None:
        drop_all(self._list)
        self._cards = [OutageCard(self._tr, outage, i) for i, outage in enumerate(outages)]
        for card in self._cards:
            self._list.addWidget(card)
        show_all(self._list)

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._covers.setText(tr._("outages.covers"))
        self._none.setText(tr._("outages.none"))
        self._report.setText(tr._("outages.report"))
        self._print.setText(tr._("outages.print"))
        for card in self._cards:
            card.retranslate()
        if state is None:
            return
        self._show_customer(state.customer)
        now = any(happening(o) for o in state.outages)
        self._none.setVisible(not state.outages)
        # Someone without power learns first whether it is already known; if not, reporting is the next step.
        self._report_hint.setVisible(state.reporting)
        self._report_hint.setText(tr._("outages.known_hint") if now else tr._("outages.unknown_hint"))
        set_role(self._report, "primary" if state.reporting else "")
        set_role(self._print, "" if state.reporting else "primary")
        self._way_forward_last(self._report if state.reporting else self._print)
        self._print.setVisible(self._printing)
        self._printed.setVisible(state.printed is not None)
        if state.printed is None:
            self._printed.clear()
        else:
            self._printed.setText(tr._("outages.printed") if state.printed else tr._("outages.not_printed"))

    def _way_forward_last(self, forward: QWidget) -> None:
        """The pinned way forward is the last of the row: reporting for someone without power, else the paper."""
        bar = self.pinned_actions()
        row = bar.layout() if bar is not None else None
        if not isinstance(row, QBoxLayout) or row.indexOf(forward) == row.count() - 1:
            return
        row.removeWidget(forward)
        row.addWidget(forward)

    def _show_customer(self, customer: Customer) -> None:
        tr = self._tr
        self._code.setText(tr._("account.code", code=group_code(customer.code)))
        self._district.setText(
            tr._("account.district_unit", unit=in_language(tr, customer.district_unit.name))
        )
