"""Before a request: what the service is for, how long it takes, and the papers to have ready (a checklist)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import ServiceIntro
from kiosk.language.catalogs import Translator
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, clear_layout, column, label, show_all


class ServiceIntroScreen(Screen):
    start_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ServiceIntro | None = None
        self._name = label("title")
        self._name.setObjectName("intro-name")
        self._description = label()
        self._days = label("heading")
        self._needs = label()
        self._papers_heading = label("heading")
        self._papers = QVBoxLayout()
        self._papers.setSpacing(12)
        papers = QWidget()
        papers.setLayout(self._papers)
        self._start = button("primary")
        self._start.setObjectName("intro-start")
        self._start.clicked.connect(self.start_requested)
        about = column(self._name, self._description, self._days, self._needs)
        checklist = column(self._papers_heading, papers)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(Columns(about, checklist))
        self.pin(self._start)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("intro.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ServiceIntro):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        clear_layout(self._papers)

    def retranslate(self) -> None:
        tr = self._tr
        self._papers_heading.setText(tr._("intro.papers"))
        self._start.setText(tr._("intro.start"))
        clear_layout(self._papers)
        service = self._state.service if self._state is not None else None
        if service is None:
            return
        self._name.setText(tr.pick(service.title))
        self._description.setText(tr.pick(service.description))
        self._days.setText(tr.ngettext("intro.days", service.max_working_days, n=service.max_working_days))
        needs = [tr._("intro.needs.phone")]
        if service.requires_customer_code:
            needs.append(tr._("intro.needs.customer_code"))
        self._needs.setText("\n".join(needs))
        for number, paper in enumerate(service.documents, start=1):
            line = label()
            line.setText(tr._("intro.paper", number=number, paper=tr.pick(paper)))
            self._papers.addWidget(line)
        if not service.documents:
            none = label()
            none.setText(tr._("intro.no_papers"))
            self._papers.addWidget(none)
        show_all(self._papers)
