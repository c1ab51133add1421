"""Demo mode has no printer: each printout is saved as a PNG and shown on screen, then the customer goes on."""

from __future__ import annotations

import asyncio
import io
import itertools
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import PrintPreview
from kiosk.printing.render import render_image
from kiosk.printing.samples import sample_documents
from kiosk.shell.app import KioskApp
from kiosk.views.frame import print_preview
from kiosk.views.frame.print_preview import PrintPreviewScreen, strip_rows
from tests.helpers.widgets import tap


def test_a_printout_is_saved_shown_and_closed(
    kiosk: KioskApp, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    document = sample_documents(kiosk.settings.kiosk_id)["payment_receipt"]
    outcome = qloop.run_until_complete(
        kiosk.printouts.print_document(document, kind="payment_receipt", reference="P1")
    )
    assert outcome is not None
    assert outcome.printed
    state = kiosk.navigator.current
    assert isinstance(state, PrintPreview)
    assert state.image.parent == kiosk.settings.data_dir.parent / "printouts"
    # The screen shows the very pixels the printer would get.
    saved = Image.open(state.image)
    assert saved.tobytes() == render_image(document, dot_width=saved.width).convert(saved.mode).tobytes()
    assert isinstance(kiosk.window.current_screen, PrintPreviewScreen)
    shown = shown_slip(kiosk, qtbot)
    assert (shown.width(), shown.height()) == saved.size
    assert shown == QImage(str(state.image)).convertToFormat(shown.format())  # every pixel, strip after strip
    tap(qtbot, kiosk.window, "print-preview-done")
    assert kiosk.navigator.current == EnterCode(units=kiosk.bills.units)


def shown_slip(kiosk: KioskApp, qtbot: QtBot) -> QImage:
    """The strips of the slip on screen, top to bottom, put back together."""
    paper = kiosk.window.findChild(QWidget, "print-preview-paper")
    assert paper is not None
    assert paper.isVisibleTo(kiosk.window)

    def strips() -> list[QLabel]:
        return sorted((s for s in paper.findChildren(QLabel) if s.isVisibleTo(paper)), key=lambda s: s.y())

    def one_slip() -> bool:
        """Each strip right under the one before: no gap, no overlap (once the layouts have run)."""
        shown = strips()
        return bool(shown) and all(
            below.y() == above.y() + above.pixmap().height() for above, below in itertools.pairwise(shown)
        )

    qtbot.waitUntil(one_slip, timeout=2000)
    shown = strips()
    width = shown[0].pixmap().width()
    assert all(s.pixmap().width() == width for s in shown)
    whole = QImage(width, sum(s.pixmap().height() for s in shown), QImage.Format.Format_RGB32)
    painter = QPainter(whole)
    top = 0
    for strip in shown:
        painter.drawPixmap(0, top, strip.pixmap())
        top += strip.pixmap().height()
    painter.end()
    return whole


def test_the_journal_records_the_printout(kiosk: KioskApp, qloop: asyncio.AbstractEventLoop) -> None:
    assert kiosk.printing is not None
    document = sample_documents(kiosk.settings.kiosk_id)["request_slip"]
    qloop.run_until_complete(kiosk.printouts.print_document(document, kind="request_slip", reference="YC1"))
    assert qloop.run_until_complete(kiosk.printing.pending_for_staff()) == []


def test_a_wipe_removes_the_printout_from_the_screen(
    kiosk: KioskApp, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    tap(qtbot, kiosk.window, "tile-bills")
    document = sample_documents(kiosk.settings.kiosk_id)["payment_receipt"]
    qloop.run_until_complete(kiosk.printouts.print_document(document, kind="payment_receipt", reference="P2"))
    kiosk.idle.end_session()
    paper = kiosk.window.findChild(QWidget, "print-preview-paper")
    assert paper is not None
    assert not paper.isVisibleTo(kiosk.window)
    assert all(
        strip.pixmap().isNull() for strip in paper.findChildren(QLabel)
    )  # no strip of the slip is left


def test_the_page_is_not_kept_in_the_pixmap_cache(
    kiosk: KioskApp, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pixmap loaded from a file goes into QPixmapCache (3-4 MiB for a receipt, and the customer's name with
    it), where it outlives the screen: the preview reads the 1-bit page as a QImage and keeps only the strips
    on screen."""
    loaded_from_files: list[str] = []

    class WatchedPixmap(QPixmap):
        def __init__(self, *args: object) -> None:
            loaded_from_files.extend(str(a) for a in args if isinstance(a, str | Path))
            super().__init__(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(print_preview, "QPixmap", WatchedPixmap)
    tap(qtbot, kiosk.window, "tile-bills")
    document = sample_documents(kiosk.settings.kiosk_id)["bill_notice"]
    qloop.run_until_complete(kiosk.printouts.print_document(document, kind="bill_notice", reference="N1"))
    state = kiosk.navigator.current
    assert isinstance(state, PrintPreview)
    shown = shown_slip(kiosk, qtbot)
    assert shown == QImage(str(state.image)).convertToFormat(shown.format())
    assert loaded_from_files == []
    screen = kiosk.window.current_screen
    assert isinstance(screen, PrintPreviewScreen)
    assert not [name for name, value in vars(screen).items() if isinstance(value, QImage | QPixmap)]


def test_blank_rows_of_a_one_bit_page_are_found_as_in_greys() -> None:
    """The fast path for the preview printer's 1-bit pages cuts where the grey path cuts (odd widths too)."""
    for name, document in sample_documents().items():
        page = render_image(document, dot_width=384)
        for width in (384, 381):
            mono = _as_qt_mono(page.crop((0, 0, width, page.height)))
            assert mono.format() is QImage.Format.Format_Mono, name
            assert strip_rows(mono) == strip_rows(mono.convertToFormat(QImage.Format.Format_RGB32)), name


def _as_qt_mono(image: Image.Image) -> QImage:  # reads as the conversion it is
    """A Pillow 1-bit image as Qt reads the preview printer's PNG: Format_Mono."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return QImage.fromData(buffer.getvalue(), "PNG")
