"""Small building blocks every screen uses, so that sizes and roles stay consistent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def label(role: str = "", *, wrap: bool = True, data: bool = False, parent: QWidget | None = None) -> QLabel:
    """A text. ``data`` marks one that shows an identifier as it is (a customer code, a meter serial) rather
    than words, so the translation tests know it has nothing to translate."""
    widget = QLabel(parent)
    if role:
        widget.setProperty("role", role)
    if data:
        widget.setProperty("data", True)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # catalog text is never markup, customer data even less
    return widget


def height_at_width(widget: QWidget) -> int:
    """The height a widget takes at its present width (more lines when its words wrap)."""
    if widget.width() > 0 and widget.hasHeightForWidth():
        return max(widget.heightForWidth(widget.width()), widget.minimumSizeHint().height())
    return widget.sizeHint().height()


def text_height(text_label: QLabel, text: str) -> int:
    """The height ``text_label`` would take at its present width holding ``text`` instead of its own text:
    measured without setting it (a new text relays the screen out)."""

    def words(text: str) -> int:
        bounds = QRect(0, 0, max(1, text_label.contentsRect().width()), 1 << 20)
        return text_label.fontMetrics().boundingRect(bounds, Qt.TextFlag.TextWordWrap, text).height()

    return height_at_width(text_label) - words(text_label.text()) + words(text)


# Touch first: a tap must not leave a button holding the focus, or its focus ring makes it look chosen. Buttons
# take the focus from the keyboard's Tab only, so the ring shows for keyboard navigation and never after a touch.
TOUCH_FIRST_FOCUS = Qt.FocusPolicy.TabFocus


def button(role: str = "", *, parent: QWidget | None = None) -> QPushButton:
    widget = QPushButton(parent)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(TOUCH_FIRST_FOCUS)
    return widget


def scroll_area(content: QWidget, name: str) -> QScrollArea:
    """A vertical, finger-scrollable area without a frame around ``content``."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


class RowButton(QPushButton):
    """A tappable row of a list (a bill, a month): labels laid out in a grid, all read by one tap.

    Like the home tiles, it has no text of its own, so its height comes from the labels it holds, which wrap."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "row")
        self.setFocusPolicy(TOUCH_FIRST_FOCUS)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(24, 12, 24, 12)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(4)

    def put(self, widget: QWidget, row: int, column: int, alignment: Qt.AlignmentFlag | None = None) -> None:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        if alignment is None:
            self.grid.addWidget(widget, row, column)
        else:
            self.grid.addWidget(widget, row, column, alignment)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(MIN_ROW_PX, self.grid.totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self.grid.totalSizeHint()
        return QSize(hint.width(), max(MIN_ROW_PX, hint.height()))

    def minimumSizeHint(self) -> QSize:
        minimum = self.grid.totalMinimumSize()
        return QSize(minimum.width(), max(MIN_ROW_PX, minimum.height()))


MIN_ROW_PX = 80

# Wider than this, a screen puts its two halves side by side (a landscape panel); narrower, one above the other.
SIDE_BY_SIDE_PX = 1500


def room_width(widget: QWidget, width: int) -> int:
    """The width a layout choice (side by side or stacked) is made on: ``width`` (what the widget was given),
    never more than the window's. A widget stretched past the panel by its own side-by-side minimum would
    otherwise never see a width narrow enough to stack again."""
    window = widget.window()
    return width if window is widget else min(width, window.width())


class Columns(QWidget):
    """Two halves of a screen: side by side on a landscape panel, stacked on a portrait one, so that neither
    orientation needs scrolling for what fits the other. Stacked, the spare height goes below both halves."""

    def __init__(
        self,
        first: QWidget,
        second: QWidget,
        *,
        spacing: int = 48,
        stretch: tuple[int, int] = (1, 1),
        stacked_stretch: tuple[int, int] = (0, 0),
        wide_from: int = SIDE_BY_SIDE_PX,
    ) -> None:
        """``wide_from``: the width from which the halves go side by side (a screen of a few large choices
        puts them side by side on the small landscape panel too)."""
        super().__init__()
        self._wide_from = wide_from
        self._stretch = stretch
        self._stacked_stretch = stacked_stretch
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(spacing)
        self._box.addWidget(first)
        self._box.addWidget(second)
        self._box.addStretch()
        self._stacked_for_pages = False
        self._arrange(side_by_side=False)

    @property
    def side_by_side(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    @property
    def stacked_for_pages(self) -> bool:
        return self._stacked_for_pages

    def stack_for_pages(self, stacked: bool) -> None:
        """Stacked however wide the panel, while the screen is shown a page at a time and its halves side by
        side leave no place for a page to end between two rows (each half's rows fall across the other's)."""
        self._stacked_for_pages = stacked
        wide = room_width(self, self.width()) >= self._wide_from and not stacked
        if wide != self.side_by_side:
            self._arrange(side_by_side=wide)

    def _arrange(self, *, side_by_side: bool) -> None:
        self._box.setDirection(
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        )
        first, second = self._stretch if side_by_side else self._stacked_stretch
        self._box.setStretch(0, first)
        self._box.setStretch(1, second)
        self._box.setStretch(2, 0 if side_by_side or any(self._stacked_stretch) else 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        wide = room_width(self, event.size().width()) >= self._wide_from and not self._stacked_for_pages
        if wide != self.side_by_side:
            self._arrange(side_by_side=wide)
        super().resizeEvent(event)


class RowOrColumn(QWidget):
    """Widgets in one row when they fit the width, else one above the other: decided again on every resize and
    every relayout (a language switch or a larger text size may no longer fit the row)."""

    def __init__(self, *, row: bool) -> None:
        super().__init__()
        self._box = QBoxLayout(
            QBoxLayout.Direction.LeftToRight if row else QBoxLayout.Direction.TopToBottom, self
        )

    @property
    def in_a_row(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def fits_in_a_row(self, width: int) -> bool:
        raise NotImplementedError

    def arranged(self, row: bool) -> None:
        """Called after the direction changed: what else goes with it (a stretch)."""

    def arrange(self) -> None:
        row = self.fits_in_a_row(room_width(self, self.width()))
        if row != self.in_a_row:
            self._box.setDirection(
                QBoxLayout.Direction.LeftToRight if row else QBoxLayout.Direction.TopToBottom
            )
            self.arranged(row)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.arrange()
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.arrange()
        return super().event(event)


class ActionBar(RowOrColumn):
    """A screen's main actions, pinned below its pages (see `Screen.pin`): in one row, the way forward last,
    when they fit the width; one above the other, each the full width, when they do not (large text on a
    portrait panel)."""

    def __init__(self, *actions: QWidget, spacing: int = 24) -> None:
        super().__init__(row=True)
        self.setObjectName("pinned-actions")
        self.setProperty("role", "actions")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._actions = actions
        self._box.setContentsMargins(48, 8, 48, 8)
        self._box.setSpacing(spacing)
        self._box.addStretch()
        for action in actions:
            self._box.addWidget(action)

    def needed_width(self) -> int:
        """The width its shown actions need in one row."""
        shown = [a for a in self._actions if not a.isHidden()]
        margins = self._box.contentsMargins()
        return (
            sum(a.sizeHint().width() for a in shown)
            + self._box.spacing() * max(0, len(shown) - 1)
            + margins.left()
            + margins.right()
        )

    def fits_in_a_row(self, width: int) -> bool:
        return self.needed_width() <= width

    def arranged(self, row: bool) -> None:
        self._box.setStretch(0, 1 if row else 0)  # in a row, the actions at the right


def column(*widgets: QWidget, spacing: int = 24, stretch_at_end: bool = True) -> QWidget:
    """Widgets one above the other, with the spare height after them."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(spacing)
    for widget in widgets:
        box.addWidget(widget)
    if stretch_at_end:
        box.addStretch()
    return holder


def clear_layout(layout: QLayout) -> None:
    """Removes and deletes every widget in ``layout`` (rows rebuilt for a new customer or language)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()  # deleted only when the event loop next runs; until then it must not show
            widget.deleteLater()


def show_all(layout: QLayout) -> None:
    """Shows the widgets just put in ``layout``. Qt would show them on the next pass of the event loop; doing
    it now means the screen is complete the moment it is shown (and the tests see what a customer sees)."""
    for i in range(layout.count()):
        item = layout.itemAt(i)
        widget = item.widget() if item is not None else None
        if widget is not None and widget.parentWidget() is not None:
            widget.show()


def cell(text: str, role: str, *, right: bool = False) -> QLabel:
    """A table cell: text in a role, right-aligned for numbers."""
    widget = label(role)
    widget.setText(text)
    if right:
        widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return widget


def drop_all(layout: QLayout) -> None:
    """Removes every widget in ``layout`` from the screen at once: taken out of the widget tree now (a wipe must
    leave no customer text behind, even for the moment before Qt deletes them), deleted later."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


def tag_label() -> QLabel:
    """A status word in a tag, as wide as the word. Made a tag from the start: Qt sets a label's padding when
    it is first polished, and every tag role has the same padding."""
    tag = label("tag", wrap=False)
    tag.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return tag


def set_role(widget: QWidget, role: str) -> None:
    """Gives a shown widget another look from the style sheet (a tag's colour follows its words)."""
    if widget.property("role") != role:
        widget.setProperty("role", role)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        widget.updateGeometry()  # a role may change the font, and so the size the text needs


@dataclass(frozen=True)
class Cell:
    """A text to show at a place of a grid: where it goes, in which role, and the text."""

    text: str
    role: str
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1
    right: bool = False
    name: str = ""
    data: bool = False  # an identifier shown as it is (see `label`)

    @property
    def shape(self) -> tuple[object, ...]:
        return (
            self.role,
            self.row,
            self.column,
            self.row_span,
            self.column_span,
            self.right,
            self.name,
            self.data,
        )


class CellGrid:
    """The labels of a grid of texts (a bill's tiers, its facts), kept from one showing to the next. A grid of the
    same shape takes the new texts in place; one of another shape (another number of tiers, of parts, of VAT
    rates) puts the labels it has at their new places, by role, and makes only the ones it lacks. A label made
    and polished under the kiosk's style sheet costs about half a millisecond of the GUI thread, and a bill's
    table has some fifty of them: rebuilt on every Back or language switch, they held up the screen for a
    frame or more."""

    def __init__(self, grid: QGridLayout) -> None:
        self.grid = grid
        self._shape: tuple[tuple[object, ...], ...] = ()
        self.labels: list[QLabel] = []

    def show_cells(self, cells: Sequence[Cell]) -> None:
        shape = tuple(c.shape for c in cells)
        if shape != self._shape:
            self._arrange(cells)
            self._shape = shape
        for shown, c in zip(self.labels, cells, strict=True):
            if shown.text() != c.text:
                shown.setText(c.text)

    def _arrange(self, cells: Sequence[Cell]) -> None:
        # Pooled by role and data mark, which the style sheet reads: a label keeps its polish in its new place.
        spare: dict[tuple[str, bool], list[QLabel]] = {}
        for shown in self.labels:
            self.grid.removeWidget(shown)
            spare.setdefault((str(shown.property("role") or ""), bool(shown.property("data"))), []).append(
                shown
            )
        self.labels = []
        for c in cells:
            pool = spare.get((c.role, c.data))
            shown = pool.pop(0) if pool else label(c.role, data=c.data)
            shown.setObjectName(c.name)
            left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            shown.setAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter if c.right else left
            )
            self.grid.addWidget(shown, c.row, c.column, c.row_span, c.column_span)
            self.labels.append(shown)
        for pool in spare.values():
            for shown in pool:
                shown.clear()  # nothing of the last grid left in a label waiting for deletion
                shown.hide()
                shown.deleteLater()
        show_all(self.grid)

    def blank(self) -> None:
        """Empties every label but keeps them (a wipe): the next customer's grid is filled in place, and
        nothing of this one is left behind."""
        for shown in self.labels:
            shown.clear()


class LabelList:
    """Lines of text one above the other in ``layout`` (the bills a payment pays), one label a line, kept while
    the number of lines stays: a language switch or the next payment of as many bills sets the texts in place
    (see `CellGrid`)."""

    def __init__(self, layout: QBoxLayout) -> None:
        self.layout = layout
        self.labels: list[QLabel] = []

    def show_texts(self, texts: Sequence[str]) -> None:
        if len(self.labels) != len(texts):
            clear_layout(self.layout)
            self.labels = [label() for _ in texts]
            for line in self.labels:
                self.layout.addWidget(line)
            show_all(self.layout)
        for line, text in zip(self.labels, texts, strict=True):
            line.setText(text)

    def blank(self) -> None:
        """Empties every line but keeps the labels (a wipe)."""
        for line in self.labels:
            line.clear()
