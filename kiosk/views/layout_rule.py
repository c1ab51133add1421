"""The layout rule every screen keeps, measured on the rendered widgets (their real geometry after layout, and the
text they paint), not on the sizes they declare:

- the screen needs no scrolling: what does not fit is paged (the frame's "Xem tiếp"), so every widget of the
  screen is either wholly on the page in view or wholly on another;
- the screen's main action (widgets marked with :func:`mark_main_action`) and the frame's Back, Home and Call
  staff are wholly in view;
- no text is cut off, by its own box or by a box around it;
- nothing overlaps anything else.

`breaches(window)` lists what breaks the rule on the screen in view, in words a reviewer can act on; the tests and
`kiosk screenshots --check-layout` run it over every gallery state, text size, panel size, language and theme.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QScrollBar, QWidget

MAIN_ACTION = "main_action"
"""The dynamic property that marks a screen's main action."""

_TOLERANCE = 1  # px: rounding in Qt's layouts


def mark_main_action(*widgets: QWidget) -> None:
    """Marks what a customer came to this screen to touch (its main button, a keypad): the rule checks it is
    always wholly in view."""
    for widget in widgets:
        widget.setProperty(MAIN_ACTION, True)


def is_main_action(widget: QWidget) -> bool:
    """Marked, or the screen's primary button (the one drawn as the way forward)."""
    return bool(widget.property(MAIN_ACTION)) or widget.property("role") == "primary"


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    name = widget.objectName() or type(widget).__name__
    return f"{name} {text[:40]!r}" if text else name


def _rect_in(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())


def _contains(outer: QRect, inner: QRect) -> bool:
    return outer.adjusted(-_TOLERANCE, -_TOLERANCE, _TOLERANCE, _TOLERANCE).contains(inner)


def _overlap(a: QRect, b: QRect) -> bool:
    shared = a.intersected(b)
    return shared.width() > _TOLERANCE and shared.height() > _TOLERANCE


def text_cut_off(widget: QWidget) -> str | None:
    """Why the text this label or button paints does not fit its box, or None when it fits."""
    if isinstance(widget, QAbstractButton) and widget.text():
        needed = widget.fontMetrics().horizontalAdvance(widget.text())
        if needed > widget.contentsRect().width() + _TOLERANCE:
            return f"needs {needed} px of width, has {widget.contentsRect().width()}"
    if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
        room = widget.contentsRect()
        margin = 2 * widget.margin()
        if widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + _TOLERANCE:
                return f"needs {needed} px of height, has {widget.height()}"
        else:
            metrics = widget.fontMetrics()
            lines = widget.text().splitlines() or [""]
            width = max(metrics.horizontalAdvance(line) for line in lines) + margin
            if width > room.width() + _TOLERANCE:
                return f"needs {width} px of width, has {room.width()}"
            height = metrics.height() * len(lines) + margin
            if height > room.height() + _TOLERANCE:
                return f"needs {height} px of height, has {room.height()}"
    return None


def _shown(root: QWidget) -> list[QWidget]:
    """Every widget a customer can see, in the window's own tree (scroll bars are the page's, not content)."""
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root)
        and w.window() is root
        and not isinstance(w, QScrollBar)
        and not w.objectName().startswith("qt_scrollarea")
        and w.property("role") != "curtain"
    ]


def breaches(
    window: QWidget,
    screen: QWidget,
    in_view: QRect,
    frame_buttons: list[QWidget],
    *,
    paged: bool,
    pinned: QWidget | None = None,
    covered: list[QRect] | None = None,
) -> list[str]:
    """What breaks the layout rule on ``screen`` inside ``window``, of which ``in_view`` (window coordinates)
    is the part the customer sees; ``frame_buttons``, the Back/Home/Call staff buttons around it; ``paged``,
    whether the screen is shown a page at a time; ``pinned``, the screen's actions pinned below its pages;
    ``covered``, boxes in view hidden under curtains until the next page (window coordinates)."""
    found: list[str] = []
    window_rect = window.rect()
    shown = _shown(window)
    # What the screen shows, not its margins: a margin below the last widget may fall off the view.
    used = max(
        (
            _rect_in(w, window).bottom()
            for w in shown
            if screen.isAncestorOf(w)
            and (isinstance(w, QLabel | QAbstractButton) or not _has_shown_children(w, window))
        ),
        default=in_view.top(),
    )
    if used > in_view.bottom() + _TOLERANCE and not paged:
        found.append(f"the screen needs scrolling: {used - in_view.top() + 1} px in {in_view.height()} px")
    on_page: list[QWidget] = []
    for widget in shown:
        if widget is screen:
            continue  # taller than the page by design when paged; its widgets are what is checked
        rect = _rect_in(widget, window)
        inside_screen = screen.isAncestorOf(widget)
        if inside_screen and any(_contains(cover, rect.intersected(in_view)) for cover in covered or []):
            continue  # hidden here: it waits, whole, for the next page
        if inside_screen:
            if not _contains(in_view, rect):
                if rect.intersects(in_view) and not _has_shown_children(widget, window):
                    found.append(f"{_name(widget)} is cut by the edge of the page")
                if is_main_action(widget):
                    found.append(f"main action {_name(widget)} is not in view")
                continue
        elif not _contains(window_rect, rect):
            found.append(f"{_name(widget)} reaches outside the window")
            continue
        on_page.append(widget)
        parent = widget.parentWidget()
        stop = screen if inside_screen else window
        while parent is not None and parent is not stop:
            if not _contains(_rect_in(parent, window), rect):
                found.append(f"{_name(widget)} is cut by {_name(parent)}")
                break
            parent = parent.parentWidget()
        why = text_cut_off(widget)
        if why:
            found.append(f"{_name(widget)} cuts its text off: {why}")
    for button in frame_buttons:
        if button.isVisibleTo(window) and not _contains(window_rect, _rect_in(button, window)):
            found.append(f"{_name(button)} is not in view")
    own = [w for w in shown if screen.isAncestorOf(w) or (pinned is not None and pinned.isAncestorOf(w))]
    if not any(is_main_action(w) for w in own) and _wants_main_action(screen):
        found.append("the screen marks no main action")
    found += _overlaps(on_page, window)
    return found


def _has_shown_children(widget: QWidget, window: QWidget) -> bool:
    return any(child.isVisibleTo(window) for child in widget.findChildren(QWidget))


def _wants_main_action(screen: QWidget) -> bool:
    """A screen with buttons of its own has one the customer came for; a screen of text only (a loading
    spinner) has none."""
    return any(isinstance(w, QAbstractButton) and w.isVisibleTo(screen) for w in screen.findChildren(QWidget))


def _overlaps(widgets: list[QWidget], window: QWidget) -> list[str]:
    """Pairs of shown widgets, neither inside the other, whose boxes share more than a rounding pixel."""
    found = []
    rects = [(w, _rect_in(w, window)) for w in widgets]
    for i, (a, rect_a) in enumerate(rects):
        for b, rect_b in rects[i + 1 :]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if _overlap(rect_a, rect_b):
                found.append(f"{_name(a)} overlaps {_name(b)}")
    return found
