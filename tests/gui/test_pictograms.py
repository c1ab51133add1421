"""Pictograms: a sign on each home tile and a large check on the success screens, drawn in the look's text colour
(so with the text's contrast in both themes), never instead of words."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.flows.session import Contrast
from kiosk.language.catalogs import Translator
from kiosk.shell.app import KioskApp
from kiosk.views.outages.outage_reported import OutageReportedScreen
from kiosk.views.parts.pictograms import Pictogram, Sign
from kiosk.views.payment.payment_received import PaymentReceivedScreen
from kiosk.views.requests.request_submitted import RequestSubmittedScreen
from kiosk.views.theme import DEFAULT_PALETTE, HIGH_CONTRAST_PALETTE, Look, stylesheet


def ink(widget: QWidget, colour: str) -> int:
    """How many of the widget's pixels are painted in ``colour``."""
    image = widget.grab().toImage()
    wanted = QColor(colour)
    return sum(
        image.pixelColor(x, y) == wanted
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    )


@pytest.mark.parametrize("contrast", list(Contrast))
@pytest.mark.parametrize("sign", list(Sign))
def test_a_sign_is_drawn_in_the_text_colour(qtbot: QtBot, sign: Sign, contrast: Contrast) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    look = Look(contrast=contrast)
    holder.setStyleSheet(stylesheet(look))
    pictogram = Pictogram(sign, 80)
    pictogram.setParent(holder)
    holder.show()
    assert ink(pictogram, look.palette.text) > 20
    other = HIGH_CONTRAST_PALETTE if contrast is Contrast.STANDARD else DEFAULT_PALETTE
    assert ink(pictogram, other.text) == 0


def test_every_home_tile_has_its_own_sign_beside_its_words(kiosk: KioskApp) -> None:
    tiles = [
        t for t in kiosk.window.current_screen.findChildren(QWidget) if t.objectName().startswith("tile-")
    ]
    assert len(tiles) == 4
    signs = set()
    for tile in tiles:
        (pictogram,) = tile.findChildren(Pictogram)
        assert pictogram.isVisible()
        assert pictogram.width() >= 48
        signs.add(pictogram.sign)
        assert any(label.text() for label in tile.findChildren(QLabel))  # the words are still there
    assert len(signs) == 4


@pytest.mark.parametrize("screen", [PaymentReceivedScreen, RequestSubmittedScreen, OutageReportedScreen])
def test_success_screens_have_a_large_check_beside_their_heading(qtbot: QtBot, screen: type[QWidget]) -> None:
    built = screen(Translator.load())  # type: ignore[call-arg]
    qtbot.addWidget(built)
    (check,) = [p for p in built.findChildren(Pictogram) if p.sign is Sign.CHECK]
    assert check.width() >= 64
    # Beside the title's words, in one row.
    row = check.parentWidget()
    assert row is not None
    assert any(label.property("role") == "title" for label in row.findChildren(QLabel))
