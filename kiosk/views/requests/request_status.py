"""Where a service request is: the service, its code, its status in words, the date it is due, and what has
happened so far (newest first). A request still waiting on this kiosk says so, and that it will be sent."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.central.models import RequestStatus as Progress
from kiosk.central.models import ServiceRequest
from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import RequestStatus
from kiosk.language.catalogs import N_, Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.text import in_language
from kiosk.views.parts.widgets import Columns, button, column, drop_all, label, set_role, show_all, tag_label

# Status words, and the tag style that repeats them (the word is always there: never colour alone); then a
# sentence on what it means for the customer.
_STATUS: dict[Progress, tuple[str, str]] = {
    "received": (N_("request_status.received"), "tag"),
    "in_progress": (N_("request_status.in_progress"), "tag-warning"),
    "completed": (N_("request_status.completed"), "tag"),
    "rejected": (N_("request_status.rejected"), "tag-danger"),
}
_EXPLAINED: dict[Progress, str] = {
    "received": N_("request_status.received.body"),
    "in_progress": N_("request_status.in_progress.body"),
    "completed": N_("request_status.completed.body"),
    "rejected": N_("request_status.rejected.body"),
}


class RequestStatusScreen(Screen):
    another_requested = Signal()
    done_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: RequestStatus | None = None
        self._service = label("title")
        self._service.setObjectName("status-service")
        self._code = label("heading")
        self._code.setObjectName("status-code")
        self._status = tag_label()
        self._status.setObjectName("status-tag")
        self._explained = label()
        self._explained.setObjectName("status-body")
        self._due = label("heading")
        self._due.setObjectName("status-due")
        self._another = button()
        self._another.setObjectName("status-another")
        self._another.clicked.connect(self.another_requested)
        self._done = button("primary")
        self._done.setObjectName("status-done")
        self._done.clicked.connect(self.done_requested)
        summary = column(self._service, self._code, self._status, self._explained, self._due, spacing=16)

        self._history_heading = label("heading")
        self._history = QVBoxLayout()
        self._history.setContentsMargins(0, 0, 0, 0)
        self._history.setSpacing(12)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.setSpacing(16)
        history_layout.addWidget(self._history_heading)
        history_layout.addLayout(self._history)
        history_layout.addStretch()
        self._history_box = history

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(Columns(summary, history, stretch=(1, 1)))
        layout.addStretch()
        self.pin(self._another, self._done)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("request_status.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, RequestStatus):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        drop_all(self._history)
        for text in (self._service, self._code, self._status, self._explained, self._due):
            text.clear()

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._another.setText(tr._("request_status.another"))
        self._done.setText(tr._("request_status.done"))
        self._history_heading.setText(tr._("request_status.history"))
        if state is None:
            return
        request = state.request
        if state.service is not None:
            self._service.setText(
                tr._("request_status.service", service=in_language(tr, state.service.title))
            )
        else:
            self._service.setText(tr._("request_status.service_unknown"))
        self._code.setText(tr._("request_status.code", code=state.reference))
        self._due.setVisible(request is not None)
        self._history_box.setVisible(request is not None)
        if request is None:
            if state.refused:
                self._status.setText(tr._("request_status.refused"))
                self._explained.setText(tr._("request_status.refused.body"))
            else:
                self._status.setText(tr._("request_status.queued"))
                self._explained.setText(tr._("request_status.queued.body"))
            set_role(self._status, "tag-danger" if state.refused else "tag-warning")
            drop_all(self._history)
            return
        words, role = _STATUS[request.status]
        self._status.setText(tr._(words))
        set_role(self._status, role)
        self._explained.setText(tr._(_EXPLAINED[request.status]))
        self._due.setText(tr._("request_status.due", date=tr.date(request.due_by)))
        self._show_history(request)

    def _show_history(self, request: ServiceRequest) -> None:
        tr = self._tr
        drop_all(self._history)
        for event in sorted(request.history, key=lambda e: e.at, reverse=True):
            line = label()
            day = event.at.astimezone(VIETNAM).date()
            line.setText(tr._("request_status.event", date=tr.date(day), note=in_language(tr, event.note)))
            self._history.addWidget(line)
        show_all(self._history)
