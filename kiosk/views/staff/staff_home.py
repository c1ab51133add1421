"""The first staff screen after the PIN: whether the kiosk can serve customers (printer, central, what is
waiting for staff), the outcome of the last staff action, and the staff actions.

Each line of the kiosk's health is said in words and marked with a drawn symbol (a tick, an exclamation mark,
a cross), so that nothing depends on colour. The symbols are drawn rather than typed because the kiosk's font
has none of them. The marks, the notice line, the button grid and the pair row (two texts side by side where
they fit, stacked at a large text size) are shared by the other staff screens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import assert_never

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.navigation import CentralState, KioskHealth, ScreenState, StaffHome, StaffNotice
from kiosk.language.catalogs import N_, Translator
from kiosk.views.outages.outage_overview import VIETNAM
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, label
from kiosk.views.theme import Look


# ---------------------------------------------------------------------------------------------- shared parts
class Mark(Enum):
    OK = "ok"  # a tick in a circle
    WARN = "warn"  # an exclamation mark in a triangle: works, but staff should look
    PROBLEM = "problem"  # a cross in a circle: does not work
    INFO = "info"  # an "i" in a circle: neither good nor bad


class StatusMark(QWidget):
    """A symbol as tall as a line of text, drawn in the text's colour (so it follows the contrast setting).
    It repeats what the words beside it say; it never says anything alone."""

    def __init__(self, mark: Mark | None = None) -> None:
        super().__init__()
        self._mark = mark
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    @property
    def mark(self) -> Mark | None:
        return self._mark

    def set_mark(self, mark: Mark | None) -> None:
        if mark is not self._mark:
            self._mark = mark
            self.update()

    def sizeHint(self) -> QSize:
        side = self.fontMetrics().height()
        return QSize(side, side)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        mark = self._mark
        if mark is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = float(min(self.width(), self.height()))
        stroke = max(2.0, side / 11)
        box = QRectF(
            (self.width() - side) / 2 + stroke / 2,
            (self.height() - side) / 2 + stroke / 2,
            side - stroke,
            side - stroke,
        )

        def at(x: float, y: float) -> QPointF:
            return QPointF(box.left() + x * box.width(), box.top() + y * box.height())

        colour = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(
            QPen(colour, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        )
        match mark:
            case Mark.OK:
                painter.drawEllipse(box)
                painter.drawPolyline(QPolygonF([at(0.27, 0.52), at(0.44, 0.69), at(0.74, 0.35)]))
            case Mark.PROBLEM:
                painter.drawEllipse(box)
                painter.drawLine(at(0.33, 0.33), at(0.67, 0.67))
                painter.drawLine(at(0.67, 0.33), at(0.33, 0.67))
            case Mark.WARN:
                painter.drawPolygon(QPolygonF([at(0.5, 0.04), at(0.98, 0.92), at(0.02, 0.92)]))
                painter.drawLine(at(0.5, 0.38), at(0.5, 0.62))
                painter.drawPoint(at(0.5, 0.78))
            case Mark.INFO:
                painter.drawEllipse(box)
                painter.drawPoint(at(0.5, 0.3))
                painter.drawLine(at(0.5, 0.47), at(0.5, 0.72))
            case _:
                assert_never(mark)
        painter.end()


def notice_text(tr: Translator, notice: StaffNotice, printed: int = 0) -> tuple[str, Mark]:
    """What the last staff action came to, in words, and its mark."""
    match notice:
        case StaffNotice.TEST_PRINTED:
            return tr._("staff.notice.test_printed"), Mark.OK
        case StaffNotice.PRINT_FAILED:
            return tr._("staff.notice.print_failed"), Mark.PROBLEM
        case StaffNotice.PAPER_READY if printed > 0:
            return tr.ngettext("staff.notice.paper_ready", printed, n=printed), Mark.OK
        case StaffNotice.PAPER_READY:
            return tr._("staff.notice.paper_ready_none"), Mark.OK
        case StaffNotice.PAPER_STILL_OUT:
            return tr._("staff.notice.paper_still_out"), Mark.PROBLEM
        case StaffNotice.REPRINTED:
            return tr._("staff.notice.reprinted"), Mark.OK
        case StaffNotice.SENDING:
            return tr._("staff.notice.sending"), Mark.INFO
        case StaffNotice.LANGUAGE_SET:
            return tr._("staff.notice.language_set"), Mark.OK
        case StaffNotice.REPORT_PRINTED:
            return tr._("staff.notice.report_printed"), Mark.OK
        case _:
            assert_never(notice)


class NoticeLine(QWidget):
    """The outcome of the last staff action, with its mark; hidden when there is none."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.mark = StatusMark()
        self.text = label("notice")
        self.text.setObjectName(f"{name}-text")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.text, 1)
        self.hide()

    def show_notice(self, tr: Translator, notice: StaffNotice | None, printed: int = 0) -> None:
        if notice is None:
            self.text.clear()
            self.mark.set_mark(None)
            self.hide()
            return
        text, mark = notice_text(tr, notice, printed)
        self.text.setText(text)
        self.mark.set_mark(mark)
        self.show()


class ButtonGrid(QWidget):
    """Buttons in two columns of equal width when every label fits half the width, else in one column.

    A button's text never wraps, so a label that is long in one language, or at a large text size, would be
    cut off in a half-width column: then the grid uses the full width instead."""

    def __init__(self, buttons: Sequence[QPushButton], *, spacing: int = 16) -> None:
        super().__init__()
        self._buttons = tuple(buttons)
        self._spacing = spacing
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(spacing)
        # The grid's own minimum (two columns) must not become the widget's: it may need one column instead.
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        for widget in self._buttons:
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._columns = 0
        self._arrange(2)

    @property
    def columns(self) -> int:
        return self._columns

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        for widget in self._buttons:
            self._grid.removeWidget(widget)
        for i, widget in enumerate(self._buttons):
            self._grid.addWidget(widget, i // columns, i % columns)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._columns = columns
        self.updateGeometry()

    def _widest(self) -> int:
        return max((b.sizeHint().width() for b in self._buttons if not b.isHidden()), default=0)

    def refit(self) -> None:
        """Chooses the columns again (after the labels changed language or size)."""
        half = (self.width() - self._spacing) // 2
        self._arrange(2 if self._widest() <= half else 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def minimumSizeHint(self) -> QSize:
        return QSize(self._widest(), self._grid.totalMinimumSize().height())

    def sizeHint(self) -> QSize:
        return QSize(self._widest(), self._grid.totalSizeHint().height())


def one_line_width(widget: QWidget) -> int:
    """How wide ``widget`` must be to show its text on one line: a word-wrapped label's own size hint is
    narrower than its text, so ask for the hint it would have unwrapped."""
    widget.ensurePolished()  # measured in the style sheet's font, not the default one
    if isinstance(widget, QLabel) and widget.wordWrap():
        widget.setWordWrap(False)
        width = widget.sizeHint().width()
        widget.setWordWrap(True)
        return width
    return widget.sizeHint().width()


class PairRow(QWidget):
    """Two things side by side (a reference and its amount, a kind and its status) where they fit on one line,
    else one above the other: at a large text size a reference does not wrap, and must not be cut off.

    ``column``: the rows of a list line their second parts up at this x (see :meth:`set_column`), and the second
    part wraps there rather than the row stacking; without it the second part sits at the right."""

    def __init__(self, first: QWidget, second: QWidget, *, spacing: int = 16, column: bool = False) -> None:
        super().__init__()
        self._first, self._second, self._spacing = first, second, spacing
        self._column = column
        self._first_width = 0
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(spacing)
        # The side-by-side minimum (both widths) must not become the widget's: it may stack instead.
        self._box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._box.addWidget(first, 0 if column else 1)
        self._box.addWidget(second, 1 if column else 0)
        self._align()

    @property
    def side_by_side(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def set_column(self, width: int) -> None:
        """Where the second part starts, as the widest first part of the list needs (``first_width``)."""
        self._first_width = width
        self.refit()

    def first_width(self) -> int:
        return one_line_width(self._first)

    def _fits(self, width: int) -> bool:
        first = max(self.first_width(), self._first_width)
        second = self._second.minimumSizeHint().width() if self._column else one_line_width(self._second)
        return first + self._spacing + second <= width

    def _align(self) -> None:
        wide = self.side_by_side
        self._box.setSpacing(self._spacing if wide else 0)
        self._first.setMinimumWidth(self._first_width if wide and self._column else 0)
        # Side by side, both start on the same line however many lines the other one takes.
        self._box.setAlignment(self._first, Qt.AlignmentFlag.AlignTop if wide else Qt.AlignmentFlag(0))
        if self._column:
            self._box.setAlignment(self._second, Qt.AlignmentFlag.AlignTop if wide else Qt.AlignmentFlag(0))
        else:
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
            self._box.setAlignment(self._second, right if wide else Qt.AlignmentFlag.AlignLeft)
            # Sized to its one line: a word-wrapped label's own hint is narrower than its text.
            self._second.setMinimumWidth(one_line_width(self._second) if wide else 0)

    def refit(self) -> None:
        wide = self._fits(self.width())
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)
        self._align()
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def minimumSizeHint(self) -> QSize:
        first, second = self._first.minimumSizeHint(), self._second.minimumSizeHint()
        return QSize(max(first.width(), second.width()), self._box.totalMinimumSize().height())

    def sizeHint(self) -> QSize:
        return QSize(self.minimumSizeHint().width(), self._box.totalSizeHint().height())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        first, second = self._first, self._second
        if not self._fits(width):
            return _height_for(first, width) + _height_for(second, width)
        if self._column:
            first_width = max(self.first_width(), self._first_width)
            return max(
                _height_for(first, first_width), _height_for(second, width - first_width - self._spacing)
            )
        return max(_height_for(first, width), _height_for(second, width))


def _height_for(widget: QWidget, width: int) -> int:
    return widget.heightForWidth(width) if widget.hasHeightForWidth() else widget.sizeHint().height()


def section(*widgets: QWidget | QLayout, spacing: int = 16) -> QWidget:
    """Widgets and layouts one above the other, with the spare height after them (beside a taller half)."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(spacing)
    for item in widgets:
        if isinstance(item, QLayout):
            box.addLayout(item)
        else:
            box.addWidget(item)
    box.addStretch()
    return holder


# ---------------------------------------------------------------------------------------------- health
# Keyed by the printer status's text (``str(status)``): views may not import the device layer, and that text is
# the status type's stable form (``ready``, ``paper_out``, ``error(cutter)`` ...).
_PRINTER: dict[str, tuple[str, Mark]] = {
    "ready": (N_("staff.printer.ready"), Mark.OK),
    "paper_near_end": (N_("staff.printer.paper_low"), Mark.WARN),
    "paper_out": (N_("staff.printer.paper_out"), Mark.PROBLEM),
    "cover_open": (N_("staff.printer.cover_open"), Mark.PROBLEM),
    "offline": (N_("staff.printer.offline"), Mark.PROBLEM),
    "unknown": (N_("staff.printer.not_answering"), Mark.PROBLEM),
}
_PRINTER_FAULTS: dict[str, str] = {
    "cutter": N_("staff.printer.fault.cutter"),
    "mechanical": N_("staff.printer.fault.mechanical"),
    "unrecoverable": N_("staff.printer.fault.unrecoverable"),
    "overheat": N_("staff.printer.fault.overheat"),
    "driver": N_("staff.printer.fault.driver"),
}
_FAULT = re.compile(r"error\((\w+)\)")


def printer_words(tr: Translator, status: object | None) -> tuple[str, Mark]:
    """The printer's status in words: ``status`` is a ``PrinterStatus`` (None: no printer configured)."""
    if status is None:
        return tr._("staff.printer.none"), Mark.INFO
    text = str(status)
    if text in _PRINTER:
        key, mark = _PRINTER[text]
        return tr._(key), mark
    fault = _FAULT.fullmatch(text)
    kind = fault.group(1) if fault else text
    # A fault kind added to the device layer later still shows, by its code, until it has words here.
    words = tr._(_PRINTER_FAULTS[kind]) if kind in _PRINTER_FAULTS else kind
    return tr._("staff.printer.error", kind=words), Mark.PROBLEM


def central_words(tr: Translator, central: CentralState) -> tuple[str, Mark]:
    match central:
        case CentralState.REACHABLE:
            return tr._("staff.central.reachable"), Mark.OK
        case CentralState.UNREACHABLE:
            return tr._("staff.central.unreachable"), Mark.PROBLEM
        case CentralState.REFUSED:
            return tr._("staff.central.refused"), Mark.PROBLEM
        case _:
            assert_never(central)


class HealthLine(QWidget):
    """One line of the health card: a mark, what it is about, and its state in words (beside it where they
    fit, in line with the other lines' states; below it at a large text size)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.mark = StatusMark()
        self.name = label("cell-strong")
        self.name.setIndent(0)  # a padded label also indents its text; the value beside it does not
        self.value = label()
        self.value.setObjectName(name)
        self.value.setContentsMargins(8, 4, 8, 4)  # the name's cell padding: both lines start level
        self.pair = PairRow(self.name, self.value, spacing=8, column=True)
        beside = QVBoxLayout()
        beside.addSpacing(4)  # the cell padding above the name's first line: the mark sits level with it
        beside.addWidget(self.mark)
        beside.addStretch()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addLayout(beside)
        row.addWidget(self.pair, 1)

    def show_line(self, name: str, value: str, mark: Mark | None) -> None:
        self.name.setText(name)
        self.value.setText(value)
        self.mark.set_mark(mark)

    def clear(self) -> None:
        self.value.clear()
        self.mark.set_mark(None)


class HealthCard(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("staff-health")
        self.setProperty("role", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 16, 24, 16)
        box.setSpacing(8)
        names = ("printer", "central", "heartbeat", "outbox", "payments", "printouts", "refused", "kiosk")
        self.lines = {n: HealthLine(f"staff-health-{n}") for n in names}
        for line in self.lines.values():
            box.addWidget(line)

    def show_health(self, tr: Translator, health: KioskHealth) -> None:
        lines = self.lines
        printer, printer_mark = printer_words(tr, health.printer)
        lines["printer"].show_line(tr._("staff.health.printer"), printer, printer_mark)
        central, central_mark = central_words(tr, health.central)
        lines["central"].show_line(tr._("staff.health.central"), central, central_mark)
        heartbeat = tr._("staff.health.heartbeat")
        if health.heartbeat_at is None:
            lines["heartbeat"].show_line(heartbeat, tr._("staff.health.heartbeat_never"), Mark.WARN)
        else:
            lines["heartbeat"].show_line(
                heartbeat, tr.datetime(health.heartbeat_at.astimezone(VIETNAM)), Mark.INFO
            )
        outbox = health.outbox_depth
        lines["outbox"].show_line(
            tr._("staff.health.outbox"), tr.number(outbox), Mark.WARN if outbox else Mark.OK
        )
        payments = health.pending_payments
        lines["payments"].show_line(
            tr._("staff.health.payments"), tr.number(payments), Mark.INFO if payments else Mark.OK
        )
        prints = health.prints_for_staff
        lines["printouts"].show_line(
            tr._("staff.health.printouts"), tr.number(prints), Mark.WARN if prints else Mark.OK
        )
        refused = health.refused_requests
        if refused:
            words = tr.ngettext("staff.health.refused_call_back", refused, n=refused)
            lines["refused"].show_line(tr._("staff.health.refused"), words, Mark.PROBLEM)
        else:
            lines["refused"].show_line(tr._("staff.health.refused"), tr.number(0), Mark.OK)
        lines["kiosk"].show_line(
            tr._("staff.health.kiosk"),
            tr._("staff.health.kiosk_version", kiosk=health.kiosk_id, version=health.version),
            None,
        )
        self.fit_names()

    def clear(self) -> None:
        for line in self.lines.values():
            line.clear()

    def fit_names(self) -> None:
        """The states start in line, after the longest name, up to 60% of the card (past that, lines whose
        name and state do not fit side by side put the state below)."""
        widest = max(line.pair.first_width() for line in self.lines.values())
        room = min(line.pair.width() for line in self.lines.values())
        for line in self.lines.values():
            line.pair.set_column(min(widest, int(room * 0.6)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_names()


# ---------------------------------------------------------------------------------------------- the screen
class StaffHomeScreen(Screen):
    test_print_requested = Signal()
    paper_replaced_requested = Signal()
    printouts_requested = Signal()
    pending_requested = Signal()
    report_requested = Signal()
    assist_requested = Signal()
    language_chosen = Signal(str)  # "vi" or "en": the language new customers start in
    refresh_requested = Signal()
    leave_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: StaffHome | None = None
        self._notice = NoticeLine("staff-notice")
        self._health_heading = label("heading")
        self._health = HealthCard()
        self._refresh = self._action("staff-refresh", self.refresh_requested)

        self._test_print = self._action("staff-test-print", self.test_print_requested)
        self._paper = self._action("staff-paper-replaced", self.paper_replaced_requested)
        self._printouts = self._action("staff-printouts", self.printouts_requested)
        self._pending = self._action("staff-pending", self.pending_requested)
        self._report = self._action("staff-report", self.report_requested)
        self._assist = self._action("staff-assist", self.assist_requested)
        self._actions = ButtonGrid(
            (
                self._test_print,
                self._paper,
                self._printouts,
                self._pending,
                self._report,
                self._assist,
                self._refresh,
            )
        )
        self._language = label()
        self._language.setObjectName("staff-language")
        self._chips: dict[str, QPushButton] = {}
        chips = QHBoxLayout()
        chips.setSpacing(16)
        for language in ("vi", "en"):
            chip = button("chip")
            chip.setObjectName(f"staff-language-{language}")
            chip.setCheckable(True)
            chip.clicked.connect(lambda _=False, lang=language: self._choose(lang))
            self._chips[language] = chip
            chips.addWidget(chip)
        chips.addStretch()
        self._leave = self._action("staff-leave", self.leave_requested, role="danger")

        health = section(self._health_heading, self._health)
        actions = QWidget()
        actions_box = QVBoxLayout(actions)
        actions_box.setContentsMargins(0, 0, 0, 0)
        actions_box.setSpacing(16)
        actions_box.addWidget(self._actions)
        actions_box.addWidget(self._language)
        actions_box.addLayout(chips)
        # Apart from the everyday actions: at the foot of its half on a landscape panel, after a gap on a portrait one.
        actions_box.addStretch()
        actions_box.addSpacing(32)
        actions_box.addWidget(self._leave, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._notice)
        # The actions get the wider half: two columns of buttons whose words must not be cut.
        layout.addWidget(Columns(health, actions, stretch=(5, 7)))
        layout.addStretch()
        self.retranslate()

    def _action(self, name: str, intent: SignalInstance, *, role: str = "") -> QPushButton:
        widget = button(role)
        widget.setObjectName(name)
        widget.clicked.connect(intent)
        return widget

    def _choose(self, language: str) -> None:
        # The chip shows the saved language until the flow says it changed, not what was just tapped.
        self._show_language()
        self.language_chosen.emit(language)

    def title(self) -> str:
        return self._tr._("staff.home.title")

    def set_look(self, look: Look) -> None:
        # A new text size changes what fits, whether or not the screen changes size.
        self._actions.refit()
        self._health.fit_names()
        for row in self.findChildren(PairRow):
            row.refit()

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, StaffHome):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._health.clear()
        self._notice.show_notice(self._tr, None)
        self._show_language()

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._health_heading.setText(tr._("staff.home.health"))
        self._refresh.setText(tr._("staff.home.refresh"))
        self._test_print.setText(tr._("staff.home.test_print"))
        self._paper.setText(tr._("staff.home.paper_replaced"))
        self._printouts.setText(tr._("staff.home.printouts"))
        self._pending.setText(tr._("staff.home.pending"))
        self._report.setText(tr._("staff.home.report"))
        self._assist.setText(tr._("staff.home.assist"))
        self._leave.setText(tr._("staff.home.leave"))
        self._chips["vi"].setText(tr._("staff.language.vi"))
        self._chips["en"].setText(tr._("staff.language.en"))
        self._actions.refit()
        self._show_language()
        if state is None:
            return
        self._health.show_health(tr, state.health)
        self._notice.show_notice(tr, state.notice, state.printed)

    def _show_language(self) -> None:
        tr = self._tr
        chosen = self._state.health.default_language if self._state is not None else None
        for language, chip in self._chips.items():
            chip.setChecked(language == chosen)
        if chosen == "vi":
            self._language.setText(tr._("staff.language.default_vi"))
        elif chosen == "en":
            self._language.setText(tr._("staff.language.default_en"))
        else:
            self._language.setText(tr._("staff.language.default"))
