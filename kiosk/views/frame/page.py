"""One screen in the frame, shown a page at a time: a screen that does not fit the panel (large text on a small
landscape panel, a long bill) is not scrolled, which elderly customers do not find, but paged with "Xem tiếp" and
"Xem lại", full-size buttons that say which page is in view. A page ends between two widgets, never across one,
and what lies beyond its end is hidden until its own page; the screen's pinned actions (its main button) stay in
view below the pages.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.language.catalogs import Translator
from kiosk.views.layout_rule import is_main_action
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import TOUCH_FIRST_FOCUS, Columns, RowOrColumn, button, label

MAX_PAGES = 30
_TOLERANCE = 1


@dataclass(frozen=True)
class PageSpan:
    """One page in the screen's own coordinates: scrolled to ``scroll``, showing ``top`` to ``bottom``."""

    scroll: int
    top: int
    bottom: int
    cut: bool = False  # it ends across a box: no place to end it between two did
    # Boxes across its end left for the next page: hidden here, each under a curtain of its own.
    covered: tuple[QRect, ...] = ()


def blocks(screen: QWidget) -> list[QRect]:
    """The boxes a page must not cut, in the screen's coordinates: every shown label, button and widget that
    holds no shown widgets of its own (a chart, a QR code), and every area that scrolls its own content."""
    return [rect for rect, _ in _blocks(screen)]


def main_blocks(screen: QWidget) -> list[QRect]:
    """The boxes of the screen's main action (see kiosk.views.layout_rule), as a whole: a page never ends
    across a keyboard, where it may end across a line of help beside it."""
    return [rect for rect, main in _blocks(screen) if main]


def _blocks(screen: QWidget) -> list[tuple[QRect, bool]]:
    found: list[tuple[QRect, bool]] = []

    def shown_children(parent: QWidget) -> list[QWidget]:
        return [
            child
            for child in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if child.isVisibleTo(screen)
        ]

    # Each widget's shown children are listed once (this walk runs after every relayout of the screen in view).
    def visit(children: list[QWidget], main: bool) -> None:
        for child in children:
            is_main = main or is_main_action(child)
            inner = (
                []
                if isinstance(child, QLabel | QAbstractButton | QAbstractScrollArea)
                else shown_children(child)
            )
            if not inner:
                found.append((QRect(child.mapTo(screen, QPoint(0, 0)), child.size()), is_main))
            else:
                visit(inner, is_main)
            if is_main and not main:
                found.append((QRect(child.mapTo(screen, QPoint(0, 0)), child.size()), True))

    visit(shown_children(screen), False)
    return found


def paginate(
    boxes: list[QRect], content_height: int, view_height: int, keep: list[QRect] | None = None
) -> list[PageSpan]:
    """Splits content of ``content_height`` into pages of at most ``view_height``. A page ends at the top of a
    box, as low as it can where no box of ``keep`` (the main action) lies across the end, boxes that do lie
    across it waiting whole for the next page (``covered``); failing that, where no box at all lies across; a
    box taller than a page is cut (the layout rule then reports it)."""
    # Each box's top and end read once: Qt's accessors cost a call into C++ each, and the search below looks at
    # every box for every place a page could end (on every relayout of a paged screen).
    spans = [(box.top(), box.bottom() + 1, box) for box in boxes]
    keep_spans = [(box.top(), box.bottom() + 1) for box in keep or []]

    def across(cut: int) -> list[QRect]:
        return [box for t, e, box in spans if t < cut < e - _TOLERANCE]

    def keep_across(cut: int) -> bool:
        return any(t < cut < e - _TOLERANCE for t, e in keep_spans)

    # The margin below the last box needs no page of its own.
    used = max([e for _, e, _ in spans], default=0)
    if min(content_height, used) <= view_height + _TOLERANCE or view_height <= 0:
        return [PageSpan(0, 0, content_height)]
    pages: list[PageSpan] = []
    top = 0
    while len(pages) < MAX_PAGES:
        scroll = min(top, content_height - view_height)
        end = scroll + view_height
        if end >= content_height:
            pages.append(PageSpan(scroll, top, content_height))
            break
        # A page holds at least one whole box: it ends no sooner than the first box below its top.
        first_end = min([e for t, e, _ in spans if t >= top] + [end])
        # (A row of boxes shares one top: each place is looked at once.)
        candidates = {t for t, _, _ in spans if first_end <= t <= end} | {end}
        lying = {c: across(c) for c in candidates}
        # Ends where what lies across is only boxes that start on this page (they wait whole for the next).
        waiting = [c for c in candidates if not keep_across(c) and all(b.top() > top for b in lying[c])]
        clean = [c for c in candidates if not lying[c]]
        if waiting:
            cut = max(waiting)
        elif clean:
            cut = max(clean)
        else:
            cut = end
        covered = tuple(lying[cut]) if waiting or clean else ()
        forced = not waiting and not clean
        pages.append(PageSpan(scroll, top, cut, cut=forced, covered=covered))
        if forced:
            top = cut  # after a box too tall for a page was cut: where the cut was
            continue
        # The next page starts where this one's last box ends (the gap above the next box shows, no more), or
        # at the first box left waiting.
        ended = [e for _, e, box in spans if top < e <= cut and box not in covered]
        start = max(ended) if ended else cut
        top = min([start] + [box.top() for box in covered])
    return pages


class Curtain(QWidget):
    """Hides the part of the viewport that belongs to the next (or the last) page."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "curtain")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.hide()


class Dock(RowOrColumn):
    """Below the pages: the pager and the screen's pinned actions, side by side when they fit the width (one
    row of height saved for content on a small panel), else the pager above the actions."""

    def __init__(self, pager: QWidget, pinned: QWidget | None) -> None:
        super().__init__(row=False)
        self._pager = pager
        self._pinned = pinned
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(0)
        self._box.addWidget(pager)
        if pinned is not None:
            self._box.addWidget(pinned, stretch=1)

    def pager_has_own_row(self) -> bool:
        return self._pinned is None or not self.in_a_row

    def fits_in_a_row(self, width: int) -> bool:
        return (
            self._pinned is not None
            and not self._pager.isHidden()
            and self._pager.sizeHint().width() + _needed_width(self._pinned) <= width
        )


def _needed_width(pinned: QWidget) -> int:
    needed = getattr(pinned, "needed_width", None)
    return int(needed()) if callable(needed) else pinned.sizeHint().width()


class Page(QWidget):
    """A screen, its pager and its pinned actions."""

    page_changed = Signal()

    def __init__(self, screen: Screen, tr: Translator) -> None:
        super().__init__()
        self._tr = tr
        self.content = screen
        self.area = QScrollArea()
        self.area.setObjectName("page")
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setWidget(screen)
        self._curtains = (Curtain(self.area.viewport()), Curtain(self.area.viewport()))
        self._covers: list[Curtain] = []  # over boxes waiting for the next page

        self._pager = QWidget()
        self._pager.setObjectName("pager")
        self._pager.setProperty("role", "pager")
        self._previous = button()
        self._previous.setObjectName("page-previous")
        self._previous.clicked.connect(lambda: self.turn(-1))
        self._where = label(wrap=False)
        self._where.setObjectName("page-number")
        self._where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._next = button("primary")
        self._next.setObjectName("page-next")
        self._next.clicked.connect(lambda: self.turn(1))
        for widget in (self._previous, self._next):
            widget.setFocusPolicy(TOUCH_FIRST_FOCUS)
        row = QHBoxLayout(self._pager)
        row.setContentsMargins(24, 4, 8, 4)
        row.setSpacing(16)
        row.addWidget(self._previous)
        row.addWidget(self._where)
        row.addWidget(self._next)
        row.addStretch()
        self._pager.hide()
        self.pinned = screen.pinned_actions()
        self._dock = Dock(self._pager, self.pinned)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.area, stretch=1)
        layout.addWidget(self._dock)
        # Nothing to show below the pages (no pager, no actions): no empty bar taking the screen's room. (Hidden
        # once it has a parent: shown before, a widget opens as a window of its own.)
        self._dock.setVisible(self.pinned is not None)

        self._pages = [PageSpan(0, 0, 0)]
        self._index = 0
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.setInterval(0)
        self._due.timeout.connect(self.repaginate)
        self._restyle_due = QTimer(self)
        self._restyle_due.setSingleShot(True)
        self._restyle_due.setInterval(0)
        self._restyle_due.timeout.connect(self._restyle)
        screen.installEventFilter(self)
        self.area.viewport().installEventFilter(self)
        self.retranslate()

    # ------------------------------------------------------------------ what the frame asks
    @property
    def paged(self) -> bool:
        return len(self._pages) > 1

    @property
    def page_count(self) -> int:
        return len(self._pages)

    @property
    def index(self) -> int:
        return self._index

    def first_page(self) -> None:
        """A screen newly shown starts on its first page, its halves side by side again where there is room."""
        self._index = 0
        self._stack_halves(False)
        self.repaginate()

    def _stack_halves(self, stacked: bool) -> bool:
        """Stacks (or unstacks) the screen's side-by-side halves; whether any changed."""
        changed = False
        for halves in self.content.findChildren(Columns):
            before = (halves.side_by_side, halves.stacked_for_pages)
            if before[0] if stacked else before[1]:
                halves.stack_for_pages(stacked)
                changed |= (halves.side_by_side, halves.stacked_for_pages) != before
        if changed:
            self._due.start()
        return changed

    def visible_rect(self) -> QRect:
        """The part of the viewport the customer sees, in the viewport's coordinates."""
        view = self.area.viewport().rect()
        if not self.paged:
            return view
        span = self._pages[self._index]
        return QRect(0, span.top - span.scroll, view.width(), span.bottom - span.top)

    def set_compact(self, compact: bool) -> None:
        """On a short panel the pager's buttons are the frame's compact size, and keyboards and keypads the
        height of a finger rather than of their letters (the screen's own actions keep their size)."""
        if bool(self.property("compact")) != compact:
            self.setProperty("compact", compact)
            # Restyled on the next turn of the loop, not inside the window's resize that asked for it: Qt crashed
            # restyling a page's widgets while their layouts were being resized.
            self._restyle_due.start()

    def _restyle(self) -> None:
        sheet = self.styleSheet()
        if sheet:
            self.setStyleSheet("")  # a changed property restyles only when the sheet is set again
            self.setStyleSheet(sheet)

    def covered_rects(self) -> list[QRect]:
        """Boxes in view that wait for the next page, hidden under curtains, in the viewport's coordinates."""
        if not self.paged:
            return []
        span = self._pages[self._index]
        visible = self.visible_rect()
        return [
            rect.translated(0, -span.scroll).intersected(visible)
            for rect in span.covered
            if rect.translated(0, -span.scroll).intersects(visible)
        ]

    def retranslate(self) -> None:
        tr = self._tr
        self._previous.setText(tr._("frame.page_previous"))
        self._next.setText(tr._("frame.page_next"))
        self._where.setText(tr._("frame.page_of").format(page=self._index + 1, pages=len(self._pages)))

    def turn(self, step: int) -> None:
        self._index = max(0, min(len(self._pages) - 1, self._index + step))
        self._show_page()
        self.page_changed.emit()

    # ------------------------------------------------------------------ paging
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()  # read once: every event of the screen and its viewport passes here
        if kind == QEvent.Type.Resize:
            self.repaginate()
        elif kind == QEvent.Type.LayoutRequest:
            # Seen before the layout it asks for has run: paginate once it has.
            self._due.start()
        return False

    def repaginate(self) -> None:
        """Splits the screen into pages for the room it has now (called after every resize and relayout)."""
        view = self.area.viewport().height()
        content = self.content.height()
        if (content <= view + _TOLERANCE or self._fits(view)) and self._pager.isHidden():
            self._pages = [PageSpan(0, 0, content)]
        else:
            if self._pager.isHidden():
                # The pager takes room from the viewport: paginate again once the layout has given it.
                self._pager.show()
                self._dock.show()
                self._due.start()
                return
            freed = self._pager.height() if self._dock.pager_has_own_row() else 0
            found = _blocks(self.content)
            boxes, keep = [rect for rect, _ in found], [rect for rect, main in found if main]
            self._pages = paginate(boxes, content, view + freed, keep)
            if len(self._pages) == 1:
                self._pager.hide()  # the content fits the room the pager leaves: no pages
                self._dock.setVisible(self.pinned is not None)
                return
            self._pages = paginate(boxes, content, view, keep)
            if any(page.cut for page in self._pages) and self._stack_halves(True):
                return  # paginated again once the halves are stacked
        self._index = min(self._index, len(self._pages) - 1)
        self._show_page()

    def _fits(self, view: int) -> bool:
        return max([box.bottom() + 1 for box in blocks(self.content)], default=0) <= view + _TOLERANCE

    def _show_page(self) -> None:
        span = self._pages[self._index]
        self.area.verticalScrollBar().setValue(span.scroll)
        view = self.area.viewport().rect()
        top, bottom = self._curtains
        visible = self.visible_rect()
        top.setGeometry(0, 0, view.width(), max(0, visible.top()))
        bottom.setGeometry(0, visible.bottom() + 1, view.width(), max(0, view.bottom() - visible.bottom()))
        top.setVisible(self.paged and visible.top() > 0)
        bottom.setVisible(self.paged and visible.bottom() < view.bottom())
        covered = self.covered_rects()
        while len(self._covers) < len(covered):
            self._covers.append(Curtain(self.area.viewport()))
        for cover, rect in itertools.zip_longest(self._covers, covered):
            if rect is None:
                cover.hide()
            else:
                cover.setGeometry(rect)
                cover.show()
        for curtain in (*self._curtains, *self._covers):
            if curtain.isVisibleTo(self.area.viewport()):  # a hidden one is raised when it is next shown
                curtain.raise_()
        self._previous.setEnabled(self._index > 0)
        self._next.setEnabled(self._index < len(self._pages) - 1)
        self._where.setText(self._tr._("frame.page_of").format(page=self._index + 1, pages=len(self._pages)))
