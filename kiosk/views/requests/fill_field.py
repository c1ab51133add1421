"""One question of a service's form per screen, with the input its type needs: the letter keyboard for names and
addresses (and passport numbers), the keypad for numbers, phones, citizen ID numbers and dates, large buttons for
choices and yes/no."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from kiosk.central.models import FormField
from kiosk.flows.states import ScreenState
from kiosk.flows.states.requests import FillField
from kiosk.language.catalogs import N_, Translator
from kiosk.requests.form import NO, YES, FieldProblem, IdDocument, shown
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.keyboard import VietnameseKeyboard
from kiosk.views.parts.keypad import Keypad
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import (
    button,
    clear_layout,
    column,
    height_at_width,
    label,
    room_width,
    set_role,
    show_all,
    text_height,
)

_PROBLEMS = {
    FieldProblem.REQUIRED: N_("field.problem.required"),
    FieldProblem.TOO_LONG: N_("field.problem.too_long"),
    FieldProblem.NOT_A_NUMBER: N_("field.problem.not_a_number"),
    FieldProblem.OUT_OF_RANGE: N_("field.problem.out_of_range"),
    FieldProblem.INVALID_CHOICE: N_("field.problem.invalid_choice"),
    FieldProblem.INVALID_DATE: N_("field.problem.invalid_date"),
    FieldProblem.INVALID_PHONE: N_("field.problem.invalid_phone"),
    FieldProblem.INVALID_ID_NUMBER: N_("field.problem.invalid_id_number"),
    FieldProblem.INVALID: N_("field.problem.invalid"),
}
# An ID number that is not one says the shape of the document chosen.
_ID_PROBLEMS = {
    IdDocument.CCCD: N_("field.problem.invalid_id_number"),
    IdDocument.PASSPORT_VN: N_("field.problem.invalid_passport_vn"),
    IdDocument.PASSPORT_FOREIGN: N_("field.problem.invalid_passport_foreign"),
}
# What an empty answer looks like, so the customer sees the shape expected (a date's slashes).
_EMPTY = {"date": N_("field.empty.date")}
_CURSOR = "▏"
_ASKING_SPACING_PX = 16
# Wide enough for the question beside the keys: every landscape panel, from the small 1366 px one.
_SIDE_BY_SIDE_PX = 1200


def problem_text(
    tr: Translator, spec: FormField, problem: FieldProblem, document: IdDocument = IdDocument.CCCD
) -> str:
    if problem is FieldProblem.INVALID_ID_NUMBER:
        return tr._(_ID_PROBLEMS[document])
    if problem is FieldProblem.OUT_OF_RANGE and spec.min_value is not None and spec.max_value is not None:
        return tr._("field.problem.between", low=spec.min_value, high=spec.max_value)
    if problem is FieldProblem.TOO_LONG and spec.max_length is not None:
        return tr.ngettext("field.problem.at_most", spec.max_length, n=spec.max_length)
    return tr._(_PROBLEMS[problem])


class FillFieldScreen(Screen):
    key_pressed = Signal(str)
    option_chosen = Signal(str)
    next_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: FillField | None = None
        self._progress = label("muted")
        self._progress.setObjectName("field-progress")
        self._question = label("title")
        self._question.setObjectName("field-question")
        self._help = label("muted")
        self._from_card = label("notice")
        self._from_card.setObjectName("field-from-card")
        self._answer = label("code", data=True)
        self._answer.setObjectName("field-answer")
        self._problem = label("notice")
        self._problem.setObjectName("field-problem")
        self._next = button("primary")
        self._next.setObjectName("field-next")
        self._next.clicked.connect(self.next_requested)
        # Where the power is used is most often where the customer lives: the residence already given (read
        # from the card) is one tap instead of a whole address typed again.
        self._same_address = button()
        self._same_address.setObjectName("option-same-address")
        self._same_address.clicked.connect(self._choose_residence)
        self._keyboard = VietnameseKeyboard(tr)
        self._keyboard.key_pressed.connect(self.key_pressed)
        self._keypad = Keypad(tr)
        self._keypad.key_pressed.connect(self.key_pressed)
        self._options = QVBoxLayout()
        self._options.setContentsMargins(0, 0, 0, 0)
        self._options.setSpacing(20)
        options = QWidget()
        options.setLayout(self._options)
        # The answer, the keys that type it and the way on are what the customer came for: always in view, the
        # keys beside the question on a landscape panel rather than paged away from the answer.
        mark_main_action(self._answer, self._next, self._keyboard, self._keypad)
        # The answer right under its question (in view beside the keys however large the text), then what may
        # follow it on a second page: where the answer came from, and the help.
        asking = column(
            self._progress,
            self._question,
            self._answer,
            self._problem,
            self._from_card,
            self._help,
            spacing=_ASKING_SPACING_PX,
        )
        inputs = column(self._keyboard, self._keypad, options, spacing=0)
        # Side by side on a landscape panel (the small one too: stacked, the keyboard would not fit below the
        # question), the question first; stacked on a portrait one, the question number first of all.
        self._body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._body.setSpacing(32)
        self._body.addWidget(asking, stretch=1)
        self._body.addWidget(inputs, stretch=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 8, 48, 8)
        layout.addLayout(self._body)
        self.pin(self._same_address, self._next)
        self.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        direction = (
            QBoxLayout.Direction.LeftToRight
            if room_width(self, event.size().width()) >= _SIDE_BY_SIDE_PX
            else QBoxLayout.Direction.TopToBottom
        )
        if direction != self._body.direction():
            self._body.setDirection(direction)
        super().resizeEvent(event)

    def title(self) -> str:
        return self._tr._("field.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, FillField):
            rebuilt = self._state is None or (self._state.form.service, self._state.index) != (
                state.form.service,
                state.index,
            )
            self._state = state
            self._refresh(rebuild=rebuilt)

    def clear(self) -> None:
        self._state = None
        self._answer.clear()
        clear_layout(self._options)
        self._keyboard.set_text_context("")

    def retranslate(self) -> None:
        self._next.setText(self._tr._("field.next"))
        self._same_address.setText(self._tr._("field.same_address"))
        self._keyboard.retranslate()
        self._keypad.retranslate()
        self._refresh(rebuild=True)

    def _refresh(self, *, rebuild: bool) -> None:
        tr, state = self._tr, self._state
        if state is None:
            return
        fields = state.form.service.fields
        spec = fields[state.index]
        # Optional questions say so on their Skip button (the central's wording may say it too).
        self._question.setText(tr.pick(spec.label))
        self._help.setText(tr.pick(spec.help) if spec.help is not None else "")
        self._from_card.setText(tr._("field.from_card"))
        self._from_card.setVisible(
            spec.name in state.form.from_card and state.typed == state.form.answer(spec.name)
        )
        tapped = spec.type in ("choice", "yes_no")
        self._answer.setVisible(not tapped)
        # Words (a name, an address) in heading size, which wraps less than a code's; digits as a code.
        set_role(self._answer, "heading" if spec.type == "text" else "code")
        if state.typed:
            self._answer.setText(shown(spec, state.typed) + _CURSOR)
        else:
            self._answer.setText(tr._(_EMPTY[spec.type]) if spec.type in _EMPTY else _CURSOR)
        problem = state.problem
        self._problem.setText(
            problem_text(tr, spec, problem, state.form.document) if problem is not None else ""
        )
        self._problem.setVisible(state.problem is not None)
        self._next.setText(
            tr._("field.skip") if not spec.required and not state.typed else tr._("field.next")
        )
        self._next.setVisible(not tapped or bool(state.typed))
        residence = self._residence()
        self._same_address.setVisible(bool(residence) and state.typed != residence)
        keypad = state.form.on_keypad(spec)
        self._keyboard.setVisible(not tapped and not keypad)
        self._keypad.setVisible(keypad)
        self._keyboard.set_auto_capital(spec.name == "full_name" or spec.type == "address")
        self._keyboard.set_text_context(state.typed)
        self.setAccessibleDescription(self._question.text())
        if rebuild:
            self._fill_options(spec)
        self.fit_to_view()

    def fit_to_view(self) -> None:
        """The question's number with the service's name where the question, the answer and what follows them
        fit the room in view; the number alone where they do not (large text on a 1366 x 768 panel, the keys
        beside them); and where even that is not enough (the largest text), the question's help given up: the
        question, the answer being typed and the keys are in view, never a page away."""
        tr, state = self._tr, self._state
        if state is None:
            return
        spec = state.form.service.fields[state.index]
        number, count = state.index + 1, len(state.form.service.fields)
        full = tr._("field.progress", number=number, count=count, service=tr.pick(state.form.service.title))
        short = tr._("field.progress.short", number=number, count=count)
        text, with_help = full, spec.help is not None
        view = self.view_height()
        layout = self.layout()
        width = self._question.width()
        if view is not None and layout is not None and width > 0:
            margins = layout.contentsMargins()
            room = view - margins.top() - margins.bottom()
            # Paged below the answer, what follows it would be cut by the page's edge with the keys beside it:
            # all of it is measured (the help at the column's width, whether it shows now or not).
            shown = [
                widget
                for widget in (self._question, self._answer, self._problem, self._from_card)
                if not widget.isHidden()
            ]
            rest = sum(height_at_width(widget) + _ASKING_SPACING_PX for widget in shown)
            help_height = self._help.heightForWidth(width) + _ASKING_SPACING_PX if with_help else 0
            if text_height(self._progress, full) + rest + help_height > room:
                text = short
                with_help = with_help and text_height(self._progress, short) + rest + help_height <= room
        if self._progress.text() != text:
            self._progress.setText(text)
        if self._help.isHidden() == with_help:
            self._help.setVisible(with_help)

    def _residence(self) -> str:
        state = self._state
        return state.form.residence_for(state.form.service.fields[state.index]) if state is not None else ""

    def _choose_residence(self) -> None:
        if residence := self._residence():
            self.option_chosen.emit(residence)

    def _fill_options(self, spec: FormField) -> None:
        clear_layout(self._options)
        tr = self._tr
        choices: list[tuple[str, str]] = []
        if spec.type == "choice":
            choices = [(option.value, tr.pick(option.label)) for option in spec.options]
        elif spec.type == "yes_no":
            choices = [(YES, tr._("field.yes")), (NO, tr._("field.no"))]
        current = self._state.typed if self._state is not None else ""
        for value, text in choices:
            choice = button("primary" if value == current else "")
            choice.setObjectName(f"option-{value}")
            # The chosen answer is said in words too, not by its colour alone.
            choice.setText(tr._("field.chosen", answer=text) if value == current else text)
            choice.clicked.connect(lambda _=False, v=value: self.option_chosen.emit(v))
            mark_main_action(choice)
            self._options.addWidget(choice)
        show_all(self._options)
