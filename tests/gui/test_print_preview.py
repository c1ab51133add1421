"""Demo mode has no printer: each printout is saved as a PNG and shown on screen, then the customer goes on."""

from __future__ import annotations

import asyncio

from PIL import Image
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.flows.states.bills import EnterCode
from kiosk.flows.states.frame import PrintPreview
from kiosk.printing.render import render_image
from kiosk.printing.samples import sample_documents
from kiosk.shell.app import KioskApp
from kiosk.views.frame.print_preview import PrintPreviewScreen
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
    image = kiosk.window.findChild(QLabel, "print-preview-image")
    assert image is not None
    assert (image.pixmap().width(), image.pixmap().height()) == saved.size
    tap(qtbot, kiosk.window, "print-preview-done")
    assert kiosk.navigator.current == EnterCode(units=kiosk.bills.units)


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
    image = kiosk.window.findChild(QLabel, "print-preview-image")
    assert image is not None
    assert image.pixmap().isNull()
