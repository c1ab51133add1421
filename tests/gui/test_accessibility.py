"""Every screen at every supported size, in both text sizes and languages: targets a finger can hit, text an
old eye can read, nothing cut off."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.flows.session import Contrast, TextSize
from kiosk.shell.app import KioskApp
from kiosk.views.panels import LANDSCAPE, PORTRAIT, WINDOWED_LANDSCAPE
from kiosk.views.parts.widgets import Columns
from kiosk.views.theme import DEFAULT_PALETTE, HIGH_CONTRAST_PALETTE, Look, contrast_ratio, stylesheet
from tests.helpers.accessibility import text_px, widget_problems
from tests.helpers.screens import SCREENS
from tests.helpers.widgets import tap, visible_widgets

# A printout shown on screen is as long as its paper: a long slip takes pages at any size. The consumption
# screen's two charts (by month, by day) each take the room in view: a page each.
PAGED_BY_DESIGN = {"print-preview", "bill-notice-preview", "consumption"}

SIZES = {"portrait": PORTRAIT, "landscape": LANDSCAPE, "small-landscape": WINDOWED_LANDSCAPE}


def problems_on_screen(kiosk: KioskApp) -> list[str]:
    found = []
    screen = kiosk.window.current_screen
    for widget in visible_widgets(kiosk.window):
        name = widget.objectName() or type(widget).__name__
        found += widget_problems(widget)
        scrolls = widget is screen or screen.isAncestorOf(widget)  # may extend below the fold, by design
        if not scrolls and not kiosk.window.rect().contains(
            widget.mapTo(kiosk.window, widget.rect().bottomRight())
        ):
            found.append(f"{name} reaches outside the window")
    return found


def choose_text_size(kiosk: KioskApp, qtbot: QtBot, size: TextSize) -> None:
    """Taps the text-size button until ``size`` is on (the idle warning hides the button: set it directly)."""
    for _ in TextSize:
        if kiosk.session.text_size is size:
            return
        button = kiosk.window.findChild(QAbstractButton, "nav-text-size")
        assert button is not None
        if button.isVisible():
            tap(qtbot, kiosk.window, "nav-text-size")
        else:
            kiosk.session.text_size = size
            kiosk.assisted.restyle()
    assert kiosk.session.text_size is size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_targets_text_and_fit(
    kiosk: KioskApp, qtbot: QtBot, qapp: QApplication, screen: str, size: str
) -> None:
    """At normal size everything is in view without scrolling; in assisted mode, at the largest size and in
    high contrast, nothing is cut off and every target is still large enough (scrolling allowed)."""
    kiosk.window.resize(*SIZES[size])
    SCREENS[screen](kiosk, qtbot)
    for language in ("vi", "en"):
        for assisted in (False, True):
            if assisted:
                kiosk.assisted.start(by_staff=False)
                kiosk.session.contrast = Contrast.HIGH
            else:
                kiosk.assisted.end()
                kiosk.session.contrast = Contrast.STANDARD
            choose_text_size(kiosk, qtbot, TextSize.LARGEST if assisted else TextSize.NORMAL)
            kiosk.assisted.restyle()
            for _ in range(3):  # a restyle relayouts the frame, which posts a second layout pass
                qapp.processEvents()
            where = f"{screen} {size} {language} {kiosk.session.text_size} text, assisted={assisted}"
            assert problems_on_screen(kiosk) == [], where
            if size != "small-landscape" and not assisted and screen not in PAGED_BY_DESIGN:
                # As designed, on the panels kiosks have: everything on one page at the normal text size.
                assert not kiosk.window.current_page.paged, where
        if screen != "idle-warning" or language == "vi":
            tap(qtbot, kiosk.window, "nav-language")


def test_large_text_makes_text_larger(kiosk: KioskApp, qtbot: QtBot) -> None:
    tile = kiosk.window.findChild(QAbstractButton, "tile-bills")
    assert tile is not None
    sizes = []
    for _ in TextSize:
        sizes.append({w.text(): text_px(w) for w in tile.findChildren(QLabel)})
        tap(qtbot, kiosk.window, "nav-text-size")
    normal, large, largest = sizes
    assert all(large[text] >= normal[text] * 1.25 for text in normal)
    assert all(largest[text] >= large[text] * 1.1 for text in normal)
    assert kiosk.session.text_size is TextSize.NORMAL  # the button goes round to the start


PALETTES = {"standard": DEFAULT_PALETTE, "high contrast": HIGH_CONTRAST_PALETTE}


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("pair", DEFAULT_PALETTE.text_pairs())
def test_every_text_colour_pair_has_at_least_7_to_1_contrast(palette: str, pair: str) -> None:
    foreground, background = PALETTES[palette].text_pairs()[pair]
    assert contrast_ratio(foreground, background) >= 7.0


# Rules that paint a background no text is drawn on: a scroll bar's handle, a progress bar's chunk, and the
# bars behind the frame (whose labels and buttons have rules of their own, checked here).
_NO_TEXT_ON = ("::handle", "::chunk", 'QWidget[role="bar"] {')


@pytest.mark.parametrize("contrast", list(Contrast))
@pytest.mark.parametrize("text_size", list(TextSize))
def test_every_background_in_the_style_sheet_carries_text_at_7_to_1(
    contrast: Contrast, text_size: TextSize
) -> None:
    """Computed from the style sheet itself, so a new rule cannot slip past the palette's list of pairs: the
    text colour of each rule with a background is its own, else the sheet's default text colour."""
    look = Look(text_size, contrast)
    rules = re.findall(r"([^{}]+\{)([^{}]*)\}", stylesheet(look))
    checked = 0
    for selector, body in rules:
        background = re.search(r"background:\s*(#[0-9A-Fa-f]{6})", body)
        if background is None or any(part in selector for part in _NO_TEXT_ON):
            continue
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", body)
        foreground = colour.group(1) if colour else look.palette.text
        ratio = contrast_ratio(foreground, background.group(1))
        assert ratio >= 7.0, f"{selector.strip()}: {foreground} on {background.group(1)} is {ratio:.2f}:1"
        checked += 1
    assert checked >= 20


def test_high_contrast_is_light_on_dark(kiosk: KioskApp, qtbot: QtBot) -> None:
    kiosk.assisted.start(by_staff=False)
    seen = []
    for _ in range(2):
        tap(qtbot, kiosk.window, "assist-contrast")
        seen.append((kiosk.session.contrast, "background: #000000" in kiosk.window.current_page.styleSheet()))
    assert seen == [(Contrast.HIGH, True), (Contrast.STANDARD, False)]


def test_the_contrast_formula_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


def test_no_state_is_told_by_colour_alone(kiosk: KioskApp, qtbot: QtBot) -> None:
    """The text-size and contrast buttons say which is on in words, not by a highlighted button."""
    toggle = kiosk.window.findChild(QAbstractButton, "nav-text-size")
    assert toggle is not None
    seen = set()
    for _ in TextSize:
        seen.add(toggle.text())
        tap(qtbot, kiosk.window, "nav-text-size")
    assert len(seen) == len(TextSize)
    kiosk.assisted.start(by_staff=False)
    contrast = kiosk.window.findChild(QAbstractButton, "assist-contrast")
    assert contrast is not None
    before = contrast.text()
    tap(qtbot, kiosk.window, "assist-contrast")
    assert contrast.text() != before


def test_halves_stacked_for_larger_text_go_side_by_side_again_at_normal_text(
    kiosk: KioskApp, qtbot: QtBot
) -> None:
    """The largest text in assisted mode pages the account screen and stacks its halves; back at normal text
    (or in the other language) the halves go side by side again, as on a screen shown at normal text, rather
    than staying stacked and paged where one page holds it all."""
    kiosk.window.resize(*LANDSCAPE)
    SCREENS["account"](kiosk, qtbot)
    [halves] = kiosk.window.current_screen.findChildren(Columns)
    assert halves.side_by_side

    def settle(size: TextSize, side_by_side: bool, paged: bool) -> None:
        if size is TextSize.LARGEST:
            kiosk.assisted.start(by_staff=False)  # its bar takes room too
        else:
            kiosk.assisted.end()
        choose_text_size(kiosk, qtbot, size)
        kiosk.assisted.restyle()
        qtbot.waitUntil(
            lambda: (halves.side_by_side, kiosk.window.current_page.paged) == (side_by_side, paged),
            timeout=3000,
        )

    settle(TextSize.LARGEST, side_by_side=False, paged=True)
    settle(TextSize.NORMAL, side_by_side=True, paged=False)
    settle(TextSize.LARGEST, side_by_side=False, paged=True)
    tap(qtbot, kiosk.window, "nav-language")
    settle(TextSize.NORMAL, side_by_side=True, paged=False)
