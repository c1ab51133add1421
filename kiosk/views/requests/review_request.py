"""Every answer before the code is sent: tap one to change it. ID and phone numbers show only their ends, masked
as everywhere else (:mod:`kiosk.customer.masking`: "09•• ••• 678"), as anyone passing can read the screen; the
customer sees them whole when they tap to change them. The name and address are shown whole: the customer typed
them a moment ago and can only check their spelling in full. The identity document and its number are one line,
named by the document ("Thẻ căn cước  079 ••• ••• 234"): a tap on it asks the document, then the number."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout

from kiosk.central.models import FormField
from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import ReviewRequest
from kiosk.language.catalogs import Translator
from kiosk.requests.form import ID_DOCUMENT_FIELD, YES, masked
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import (
    SIDE_BY_SIDE_PX,
    RowButton,
    button,
    clear_layout,
    label,
    room_width,
    show_all,
)


class ReviewRequestScreen(Screen):
    edit_requested = Signal(int)
    confirm_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ReviewRequest | None = None
        self._heading = label("heading")
        self._heading.setObjectName("review-heading")
        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        self._columns = 1
        self._code_note = label()
        self._confirm = button("primary")
        self._confirm.setObjectName("review-confirm")
        self._confirm.clicked.connect(self.confirm_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(16)
        layout.addWidget(self._heading)
        layout.addLayout(self._grid)
        layout.addStretch()
        layout.addWidget(self._code_note)
        self.pin(self._confirm)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("review.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ReviewRequest):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        clear_layout(self._grid)

    def _answer(self, spec: FormField, raw: str) -> str:
        tr = self._tr
        if not raw:
            return tr._("review.blank")
        if spec.type == "yes_no":
            return tr._("field.yes") if raw == YES else tr._("field.no")
        if spec.type == "choice":
            option = next((o for o in spec.options if o.value == raw), None)
            return tr.pick(option.label) if option is not None else raw
        return masked(spec, raw)

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("review.heading"))
        self._confirm.setText(tr._("review.confirm"))
        self._fill()

    def _fill(self) -> None:
        tr = self._tr
        clear_layout(self._grid)
        if self._state is None:
            return
        form = self._state.form
        phone = form.answer("phone")
        phone_spec = next((f for f in form.service.fields if f.name == "phone"), None)
        if phone and phone_spec is not None:
            self._code_note.setText(tr._("review.code_to", phone=masked(phone_spec, phone)))
        else:
            self._code_note.setText(tr._("review.code_to_account"))
        fields = form.service.fields
        index = {spec.name: i for i, spec in enumerate(fields)}
        document = fields[index[ID_DOCUMENT_FIELD]] if ID_DOCUMENT_FIELD in index else None
        shown = [
            (i, spec)
            for i, spec in enumerate(fields)
            if not (spec.name == ID_DOCUMENT_FIELD and "id_number" in index)
        ]
        for position, (i, spec) in enumerate(shown):
            row = RowButton(f"review-{spec.name}")
            question = label("muted")
            question.setText(tr.pick(spec.label))
            edit = i
            if spec.name == "id_number" and document is not None:
                # The number's line is named by its document, and changing it starts with the document.
                chosen = next(
                    (o for o in document.options if o.value == form.answer(ID_DOCUMENT_FIELD)), None
                )
                if chosen is not None:
                    question.setText(tr.pick(chosen.label))
                edit = index[ID_DOCUMENT_FIELD]
            answer = label("heading", data=True)
            answer.setText(self._answer(spec, form.answer(spec.name)))
            row.put(question, 0, 0)
            # The answer gets the card's whole width: wrapped over three lines, an address made the review
            # taller than the screen. The heading says a touch on a card changes it, so a card only adds where
            # its answer came from.
            answer.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the card takes the touch
            row.grid.addWidget(answer, 1, 0, 1, 2)
            if spec.name in form.from_card:
                tag = label("tag")
                tag.setText(tr._("review.from_card"))
                row.put(tag, 0, 1)
            row.grid.setColumnStretch(0, 1)
            row.clicked.connect(lambda _=False, at=edit: self.edit_requested.emit(at))
            self._grid.addWidget(row, position // self._columns, position % self._columns)
        show_all(self._grid)

    def resizeEvent(self, event: QResizeEvent) -> None:
        columns = 3 if room_width(self, event.size().width()) >= SIDE_BY_SIDE_PX else 1
        if columns != self._columns:
            self._columns = columns
            self._fill()
        super().resizeEvent(event)
