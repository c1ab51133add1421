"""Every answer before the code is sent: tap one to change it. Anyone passing can read the screen, so what would
let them find, call or pass for the customer is masked (:func:`kiosk.requests.form.masked`: "09•• ••• 678",
"Nguyễn T•• H••••"), and shown whole only while the customer holds "Xem đầy đủ" down: let go, the screen left
or the session wiped, it is masked again (docs/privacy.md, "Over the customer's shoulder"). A tap on an answer
still opens it whole, to change it. The identity document and its number are one line, named by the document
("Thẻ căn cước  079 ••• ••• 234"): a tap on it asks the document, then the number."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QHideEvent, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout

from kiosk.central.models import FormField
from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import ReviewRequest
from kiosk.language.catalogs import Translator
from kiosk.requests.form import ID_DOCUMENT_FIELD, YES, masked, shown
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import (
    SIDE_BY_SIDE_PX,
    TOUCH_FIRST_FOCUS,
    RowButton,
    button,
    clear_layout,
    label,
    room_width,
    show_all,
)


class HoldToShow(QPushButton):
    """Shows what a screen masks only while it is held down: by a finger, the mouse, or Space for staff at a
    keyboard. Let go, slid off, its focus lost or its screen hidden, ``held(False)`` masks it again, so nothing is
    ever left whole on the screen for the next person. Its text says which it is (a colour alone is not seen by
    everyone), and it keeps the width of its longer text so the bar of actions does not move while it is held.

    Showing in full is how the screen shows the same state, like a page turned: the flow does not know."""

    held = Signal(bool)

    def __init__(self, tr: Translator, name: str) -> None:
        super().__init__()
        self._tr = tr
        self._showing = False
        self.setObjectName(name)
        self.setFocusPolicy(TOUCH_FIRST_FOCUS)
        self.pressed.connect(lambda: self._show(True))
        self.released.connect(lambda: self._show(False))
        self.retranslate()

    @property
    def showing(self) -> bool:
        return self._showing

    def retranslate(self) -> None:
        self.setText(self._texts()[self._showing])

    def _texts(self) -> tuple[str, str]:
        """What it says when let go, and while held."""
        return self._tr._("hold_to_show.hold"), self._tr._("hold_to_show.showing")

    def let_go(self) -> None:
        self.setDown(False)  # Qt emits no ``released`` for this: the mask is put back here
        self._show(False)

    def _show(self, showing: bool) -> None:
        if showing != self._showing:
            self._showing = showing
            self.retranslate()
            self.held.emit(showing)

    def sizeHint(self) -> QSize:
        hint, metrics = super().sizeHint(), self.fontMetrics()
        longest = max(metrics.horizontalAdvance(text) for text in self._texts())
        return QSize(hint.width() + max(0, longest - metrics.horizontalAdvance(self.text())), hint.height())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Whether Qt says ``released`` when a button held with Space loses the focus has changed between
        # versions: the mask is put back here either way.
        super().focusOutEvent(event)
        self.let_go()

    def hideEvent(self, event: QHideEvent) -> None:
        self.let_go()
        super().hideEvent(event)


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
        self._code_note.setObjectName("review-code-to")
        self._wait_note = label("notice")
        self._wait_note.setObjectName("review-code-wait")
        self._wait_note.hide()
        self._answers: list[tuple[QLabel, FormField, str]] = []
        self._show_full = HoldToShow(tr, "review-show-full")
        self._show_full.held.connect(self._show_answers)
        self._confirm = button("primary")
        self._confirm.setObjectName("review-confirm")
        self._confirm.clicked.connect(self.confirm_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(16)
        layout.addWidget(self._heading)
        # First, under the heading: on a review paged over several screens, at the end it would go unseen.
        layout.addWidget(self._wait_note)
        layout.addLayout(self._grid)
        layout.addStretch()
        layout.addWidget(self._code_note)
        self.pin(self._show_full, self._confirm)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("review.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ReviewRequest):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._show_full.let_go()
        self._state = None
        self._answers = []
        clear_layout(self._grid)
        self._code_note.clear()
        self._wait_note.clear()
        self._wait_note.hide()

    def hideEvent(self, event: QHideEvent) -> None:
        self._show_full.let_go()
        super().hideEvent(event)

    def _answer(self, spec: FormField, raw: str, *, whole: bool) -> str:
        tr = self._tr
        if not raw:
            return tr._("review.blank")
        if spec.type == "yes_no":
            return tr._("field.yes") if raw == YES else tr._("field.no")
        if spec.type == "choice":
            option = next((o for o in spec.options if o.value == raw), None)
            return tr.pick(option.label) if option is not None else raw
        return shown(spec, raw) if whole else masked(spec, raw)

    def retranslate(self) -> None:
        tr = self._tr
        self._heading.setText(tr._("review.heading"))
        self._confirm.setText(tr._("review.confirm"))
        self._show_full.retranslate()
        wait = self._state.code_wait if self._state is not None else None
        if wait is not None and wait.this_phone:
            self._wait_note.setText(tr.ngettext("review.code_wait.phone", wait.minutes, n=wait.minutes))
        elif wait is not None:
            self._wait_note.setText(tr.ngettext("review.code_wait.kiosk", wait.minutes, n=wait.minutes))
        self._wait_note.setVisible(wait is not None)
        self._fill()

    def _show_answers(self) -> None:
        """The answers masked, or whole while "Xem đầy đủ" is held."""
        tr, whole = self._tr, self._show_full.showing
        for answer, spec, raw in self._answers:
            answer.setText(self._answer(spec, raw, whole=whole))
        form = self._state.form if self._state is not None else None
        phone_spec = next((f for f in form.service.fields if f.name == "phone"), None) if form else None
        if form is not None and phone_spec is not None and (phone := form.answer("phone")):
            number = shown(phone_spec, phone) if whole else masked(phone_spec, phone)
            self._code_note.setText(tr._("review.code_to", phone=number))
        elif form is not None:
            self._code_note.setText(tr._("review.code_to_account"))

    def _fill(self) -> None:
        tr = self._tr
        clear_layout(self._grid)
        self._answers = []
        if self._state is None:
            return
        form = self._state.form
        fields = form.service.fields
        index = {spec.name: i for i, spec in enumerate(fields)}
        document = fields[index[ID_DOCUMENT_FIELD]] if ID_DOCUMENT_FIELD in index else None
        lines = [
            (i, spec)
            for i, spec in enumerate(fields)
            if not (spec.name == ID_DOCUMENT_FIELD and "id_number" in index)
        ]
        for position, (i, spec) in enumerate(lines):
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
            self._answers.append((answer, spec, form.answer(spec.name)))
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
        # Offered only when something is masked: a form of choices and dates has nothing more to show.
        self._show_full.setVisible(
            any(masked(spec, raw) != shown(spec, raw) for _, spec, raw in self._answers)
        )
        self._show_answers()
        show_all(self._grid)

    def resizeEvent(self, event: QResizeEvent) -> None:
        columns = 3 if room_width(self, event.size().width()) >= SIDE_BY_SIDE_PX else 1
        if columns != self._columns:
            self._columns = columns
            self._fill()
        super().resizeEvent(event)
