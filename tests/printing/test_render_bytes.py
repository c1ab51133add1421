"""What reaches the printer, parsed back: raster blocks rebuilt into images equal to the rendering, QR codes
and barcodes in them decoded by an independent decoder (zxing-cpp), text mode in CP1258."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.customer import vietqr
from kiosk.devices.printer import EscposPrinter, import_escpos
from kiosk.printing.document import Document, QrCode, Text, Title
from kiosk.printing.printer import PrintJob, RasterBlock
from kiosk.printing.render import QR_QUIET_ZONE_MODULES, render, render_image, render_qr
from kiosk.printing.samples import print_test_qr_payload, sample_documents
from tests.printing.escpos_stream import Command, Query, TextBytes, parse, raster_pages

DOCUMENTS = sample_documents()


def _send_through(connection: object, printer_dots: int, job: PrintJob, *, text_mode: bool = False) -> None:
    printer = EscposPrinter(
        lambda: connection, dot_width=printer_dots, description="test", text_mode=text_mode, code_page=52
    )
    with printer.session() as session:
        session.send(job)


def _decode(image: Image.Image) -> list[tuple[str, str]]:
    return [(str(r.format).replace(" ", ""), r.text) for r in zxingcpp.read_barcodes(image.convert("L"))]


@pytest.mark.parametrize("dots", [384, 576])
def test_dummy_raster_round_trip_and_qr_decodes(dots: int) -> None:
    escpos = import_escpos()
    job = render(DOCUMENTS["bill_notice"], dot_width=dots)
    dummy = escpos.Dummy(profile="TM-T20II")
    _send_through(dummy, dots, job)

    pages = raster_pages(parse(dummy.output))
    assert len(pages) == 1
    assert pages[0].size == job.preview.size
    assert pages[0].tobytes() == job.preview.convert("1").tobytes()  # the preview is what the printer got
    decoded = _decode(pages[0])
    payloads = [text for fmt, text in decoded if "QR" in fmt]
    assert len(payloads) == 1
    qr = vietqr.decode(payloads[0])
    assert qr.amount == 708_000
    assert qr.purpose == "EVN PA02DH0012345 0625"


def test_file_connection_bytes_decode_to_the_receipt_barcode(tmp_path: Path) -> None:
    escpos = import_escpos()
    device = tmp_path / "lp0"
    job = render(DOCUMENTS["payment_receipt"], dot_width=384)
    connection = escpos.File(devfile=str(device), profile="POS-5890")
    _send_through(connection, 384, job)
    connection.close()

    pages = raster_pages(parse(device.read_bytes()))
    assert pages[0].tobytes() == job.preview.tobytes()
    assert ("Code128", "PA02DH0012345") in _decode(pages[0])


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("dots", [384, 576])
def test_every_document_fits_the_paper_and_its_codes_scan(name: str, dots: int) -> None:
    image = render_image(DOCUMENTS[name], dot_width=dots)
    assert image.width == dots
    assert image.mode == "1"
    # Nothing drawn into the outermost column of dots: text and boxes stay inside the margins.
    assert all(image.getpixel((x, y)) for x in (0, dots - 1) for y in range(image.height))
    formats = {fmt for fmt, _ in _decode(image)}
    if name in ("bill_notice", "request_slip", "print_test_page"):
        assert "QRCode" in formats
    if name == "print_test_page":
        assert ("QRCode", print_test_qr_payload("KIOSK-DH-01")) in _decode(image)


def test_qr_has_a_four_module_quiet_zone_and_large_modules() -> None:
    image = render_qr("00020101021238570010A000000727", max_width=368)
    pixels = image.load()
    assert pixels is not None
    # Find the module size from the first dark row, then check the white margin is 4 modules wide.
    first_dark = next(y for y in range(image.height) if any(pixels[x, y] == 0 for x in range(image.width)))
    module = first_dark // QR_QUIET_ZONE_MODULES
    assert module >= 3
    assert first_dark == QR_QUIET_ZONE_MODULES * module


def test_reprint_banner_is_in_the_raster() -> None:
    document = Document((Title("Biên nhận"), Text("Nội dung")))
    plain = render_image(document, dot_width=384)
    marked = render_image(document.with_banner("BẢN IN LẠI"), dot_width=384)
    assert marked.height > plain.height
    # A banner is white on black: a band of mostly black rows at the top.
    top = marked.crop((0, 0, 384, 40))
    assert top.histogram()[0] > 0.5 * 384 * 40 * 0.5


def test_vietnamese_tone_marks_are_drawn() -> None:
    plain = render_image(Document((Text("e e e e e"),)), dot_width=384)
    marked = render_image(Document((Text("ễ ệ ế ề ể"),)), dot_width=384)
    assert plain.size == marked.size  # the line height already leaves room for stacked marks
    assert plain.tobytes() != marked.tobytes()
    decomposed = render_image(Document((Text("e\u0302\u0303"),)), dot_width=384)
    assert decomposed.tobytes() == render_image(Document((Text("ễ"),)), dot_width=384).tobytes()


def test_text_mode_sends_cp1258_and_keeps_codes_raster() -> None:
    escpos = import_escpos()
    document = Document((Title("Biên nhận"), Text("Nguyễn Văn Ặ"), QrCode("PA02DH0012345")))
    job = render(document, dot_width=576, text_mode=True)
    dummy = escpos.Dummy(profile="TM-T20II")
    _send_through(dummy, 576, job, text_mode=True)
    events = parse(dummy.output)
    assert Command(b"\x1bt\x34") in events  # ESC t 52: the profile's CP1258
    text = b"".join(e.raw for e in events if isinstance(e, TextBytes))
    # ễ goes as ê (0xEA, precomposed in CP1258) + combining tilde (0xDE); Ặ as Ă (0xC3) + dot below (0xF2).
    assert b"Nguy\xea\xden V\xe3n \xc3\xf2" in text
    assert any(isinstance(op, RasterBlock) for op in job.ops)
    assert not [e for e in events if isinstance(e, Query)]
    assert [p for p in raster_pages(events) if ("QRCode", "PA02DH0012345") in _decode(p)]
