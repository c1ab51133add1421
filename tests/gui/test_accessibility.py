"""Every screen at every supported size, in both text sizes and languages: targets a finger can hit, text an
old eye can read, nothing cut off."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app import LANDSCAPE, PORTRAIT, WINDOWED_LANDSCAPE, KioskApp
from kiosk.theme import DEFAULT_PALETTE, MIN_TOUCH_PX, contrast_ratio
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import tap, visible_widgets

MIN_TEXT_PX = 24
SIZES = {"portrait": PORTRAIT, "landscape": LANDSCAPE, "small-landscape": WINDOWED_LANDSCAPE}


def text_px(widget: QWidget) -> int:
    font = widget.font()
    return font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * widget.logicalDpiY() / 72)


def problems_on_screen(kiosk: KioskApp) -> list[str]:
    found = []
    screen = kiosk.window.current_screen
    for widget in visible_widgets(kiosk.window):
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QAbstractButton):
            if min(widget.width(), widget.height()) < MIN_TOUCH_PX:
                found.append(f"button {name} is {widget.width()}x{widget.height()} px")
            if widget.text() and widget.fontMetrics().horizontalAdvance(widget.text()) > widget.width():
                found.append(f"button {name} cuts off {widget.text()!r}")
        if isinstance(widget, QLabel | QAbstractButton) and widget.text() and text_px(widget) < MIN_TEXT_PX:
            found.append(f"{name} text {widget.text()!r} is {text_px(widget)} px")
        if isinstance(widget, QLabel) and widget.text():
            needed = (
                widget.heightForWidth(widget.width())
                if widget.wordWrap()
                else widget.fontMetrics().boundingRect(widget.text()).height()
            )
            if needed > widget.height() + 1:
                found.append(
                    f"label {widget.text()[:30]!r} needs {needed} px of height, has {widget.height()}"
                )
            if (
                not widget.wordWrap()
                and widget.fontMetrics().horizontalAdvance(widget.text()) > widget.width()
            ):
                found.append(f"label {widget.text()[:30]!r} is cut off at {widget.width()} px")
        scrolls = widget is screen or screen.isAncestorOf(widget)  # may extend below the fold, by design
        if not scrolls and not kiosk.window.rect().contains(
            widget.mapTo(kiosk.window, widget.rect().bottomRight())
        ):
            found.append(f"{name} reaches outside the window")
    return found


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_targets_text_and_fit(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication, screen: str, size: str
) -> None:
    kiosk.window.resize(*SIZES[size])
    SCREENS[screen](kiosk, qtbot)
    for language in ("vi", "en"):
        for large_text in (False, True):
            if kiosk.session.large_text != large_text and screen != "idle-warning":
                tap(qtbot, kiosk.window, "nav-large-text")
            qapp.processEvents()
            where = f"{screen} {size} {language} {'large' if kiosk.session.large_text else 'normal'} text"
            assert problems_on_screen(kiosk) == [], where
            if size != "small-landscape" and not kiosk.session.large_text:
                # As designed, on the panels kiosks have: everything in view without scrolling.
                assert not kiosk.window.current_page.verticalScrollBar().isVisible(), where
        if screen != "idle-warning" or language == "vi":
            tap(qtbot, kiosk.window, "nav-language")


def test_large_text_makes_text_larger(kiosk: KioskApp, qtbot: QtBot) -> None:
    tile = kiosk.window.findChild(QAbstractButton, "tile-bills")
    assert tile is not None
    normal = {w.text(): text_px(w) for w in tile.findChildren(QLabel)}
    tap(qtbot, kiosk.window, "nav-large-text")
    large = {w.text(): text_px(w) for w in tile.findChildren(QLabel)}
    assert all(large[text] >= normal[text] * 1.25 for text in normal)


@pytest.mark.parametrize("pair", DEFAULT_PALETTE.text_pairs())
def test_every_text_colour_pair_has_at_least_7_to_1_contrast(pair: str) -> None:
    foreground, background = DEFAULT_PALETTE.text_pairs()[pair]
    assert contrast_ratio(foreground, background) >= 7.0


def test_the_contrast_formula_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


def test_no_state_is_told_by_colour_alone(kiosk: KioskApp, qtbot: QtBot) -> None:
    """The large-text toggle says which size is on in words, not by a highlighted button."""
    toggle = kiosk.window.findChild(QAbstractButton, "nav-large-text")
    assert toggle is not None
    before = toggle.text()
    tap(qtbot, kiosk.window, "nav-large-text")
    assert toggle.text() != before
