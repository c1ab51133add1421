"""The layout rule (kiosk/views/layout_rule.py) on every screen state the gallery shows, in both languages, both
themes, every text size and every panel size: no scrolling (content that does not fit is paged), the main action
and Back/Home/Call staff wholly in view, no text cut off, nothing overlapping. Also the rule itself, on widgets
made to break it, and the pagination it relies on."""

from __future__ import annotations

import asyncio
import itertools
import os
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.demo.layout_audit import Case, audit_screen
from kiosk.shell.event_loop import KioskEventLoop
from kiosk.views.frame.page import MAX_PAGES, paginate
from kiosk.views.layout_rule import breaches, mark_main_action

SHARDS = 8


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_gallery_state_keeps_the_layout_rule(qapp: QApplication, shard: int) -> None:
    """Every gallery scenario, split into shards that run in parallel; each case is one screen state in one
    language, theme, text size and panel size."""
    from kiosk.demo.gallery import gallery_kiosk

    loop = KioskEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def audit() -> list[Case]:
        async with AsyncExitStack() as stack:
            kiosk_app, states = await stack.enter_async_context(gallery_kiosk())
            kiosk_app.window.show()
            cases: list[Case] = []
            for name in sorted(states)[shard::SHARDS]:
                cases += await audit_screen(kiosk_app, name, states[name])
        return cases

    try:
        cases = loop.run_until_complete(audit())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    assert len(cases) >= 10 * 36
    if os.environ.get("KIOSK_WRITE_LAYOUT_BREACHES"):
        out = Path(os.environ["KIOSK_WRITE_LAYOUT_BREACHES"]) / f"shard-{shard}.txt"
        out.write_text("".join(f"{case}\n" for case in cases if case.breaches), encoding="utf-8")
    assert [f"{case}: {breach}" for case in cases for breach in case.breaches] == []


# --------------------------------------------------------------------------------------------- the rule itself
def _window(*widgets: QWidget, height: int = 400) -> QWidget:
    window = QWidget()
    layout = QVBoxLayout(window)
    for widget in widgets:
        layout.addWidget(widget)
    window.resize(600, height)
    window.show()
    return window


def _rule(window: QWidget, screen: QWidget) -> list[str]:
    QApplication.processEvents()
    return breaches(window, screen, window.rect(), [], paged=False)


def test_a_clean_screen_keeps_the_rule(qapp: QApplication) -> None:
    screen = QWidget()
    go = QPushButton("Tiếp tục", screen)
    go.setGeometry(10, 10, 200, 80)
    mark_main_action(go)
    window = _window(screen)
    assert _rule(window, screen) == []


def test_overlapping_widgets_break_the_rule(qapp: QApplication) -> None:
    screen = QWidget()
    go = QPushButton("Tiếp tục", screen)
    go.setGeometry(10, 10, 200, 80)
    mark_main_action(go)
    text = QLabel("Số tiền", screen)
    text.setGeometry(100, 50, 200, 60)
    window = _window(screen)
    assert any("overlaps" in b for b in _rule(window, screen))


def test_text_cut_off_breaks_the_rule(qapp: QApplication) -> None:
    screen = QWidget()
    go = QPushButton("Đúng rồi, gửi mã xác nhận đến điện thoại này", screen)
    go.setGeometry(10, 10, 120, 80)
    mark_main_action(go)
    window = _window(screen)
    assert any("cuts its text off" in b for b in _rule(window, screen))


def test_a_main_action_out_of_view_breaks_the_rule(qapp: QApplication) -> None:
    screen = QWidget()
    screen.setMinimumHeight(900)
    go = QPushButton("Thanh toán", screen)
    go.setGeometry(10, 800, 200, 80)
    mark_main_action(go)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(screen)
    window = _window(area, height=400)
    QApplication.processEvents()
    viewport = area.viewport()
    in_view = QRect(viewport.mapTo(window, viewport.rect().topLeft()), viewport.size())
    found = breaches(window, screen, in_view, [], paged=False)
    assert any("main action" in b for b in found)
    assert any("needs scrolling" in b for b in found)


def test_a_screen_of_buttons_without_a_main_action_breaks_the_rule(qapp: QApplication) -> None:
    screen = QWidget()
    QPushButton("Một", screen).setGeometry(10, 10, 200, 80)
    window = _window(screen)
    assert "the screen marks no main action" in _rule(window, screen)


# --------------------------------------------------------------------------------------------- pagination
any_boxes = st.lists(st.tuples(st.integers(0, 3000), st.integers(10, 500)), max_size=40).map(
    lambda spans: [QRect(0, top, 100, height) for top, height in spans]
)


def _column(spans: list[tuple[int, int]]) -> list[QRect]:
    """Boxes one below the other (a screen's column): each a gap, then a height."""
    boxes, y = [], 0
    for gap, height in spans:
        boxes.append(QRect(0, y + gap, 100, height))
        y += gap + height
    return boxes


column_boxes = st.lists(st.tuples(st.integers(0, 60), st.integers(10, 500)), min_size=1, max_size=30).map(
    _column
)


@given(boxes=any_boxes, view=st.integers(80, 1200))
def test_pages_cover_the_content_in_order(boxes: list[QRect], view: int) -> None:
    content = max([box.bottom() + 1 for box in boxes] + [1])
    pages = paginate(boxes, content, view)
    assert 1 <= len(pages) <= MAX_PAGES
    assert pages[0].top == 0
    if len(pages) < MAX_PAGES:
        assert pages[-1].bottom == content
    for page, after in itertools.pairwise(pages):
        assert page.top < after.top <= page.bottom  # every page moves on; nothing is skipped
    if len(pages) > 1:
        for page in pages:
            # What a page shows is in the viewport at its scroll position.
            assert page.scroll <= page.top < page.bottom <= page.scroll + view


@given(boxes=column_boxes, view=st.integers(120, 1200))
def test_a_page_never_ends_across_a_box_that_fits_one(boxes: list[QRect], view: int) -> None:
    """A box across a page's end waits whole for the next page (hidden under a curtain here, and the next page
    starts no lower than its top): no box that fits a page is ever shown cut."""
    content = boxes[-1].bottom() + 1
    pages = paginate(boxes, content, view)
    tallest = max(box.height() for box in boxes)
    if tallest + 60 <= view and len(pages) < MAX_PAGES:
        for page, after in itertools.pairwise(pages):
            assert not page.cut
            for box in boxes:
                if box.top() < page.bottom < box.bottom():  # more than the rule's pixel of rounding
                    assert box in page.covered, (page, box)
                    assert after.top <= box.top(), (after, box)


@given(boxes=any_boxes, view=st.integers(120, 1200), main=st.integers(0, 39))
def test_a_page_never_ends_across_the_main_action(boxes: list[QRect], view: int, main: int) -> None:
    if not boxes:
        return
    keep = [boxes[main % len(boxes)]]
    content = max(box.bottom() + 1 for box in boxes)
    pages = paginate(boxes, content, view, keep)
    for page in pages:
        if not page.cut:
            assert not any(box.top() < page.bottom < box.bottom() + 1 - 1 for box in keep), (page, keep)
            assert not any(box in page.covered for box in keep)


def test_content_that_fits_is_one_page() -> None:
    assert len(paginate([QRect(0, 0, 100, 300)], 300, 400)) == 1
