"""What the staff screens share: status marks that do not rely on colour, notice lines, button grids, pairs of
name and value that wrap, and sections."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import assert_never

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
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

from kiosk.flows.states.staff import StaffNotice
from kiosk.language.catalogs import Translator
from kiosk.views.parts.widgets import label


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
