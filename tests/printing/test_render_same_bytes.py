"""The faster printing path sends the printer the very bytes the plain one did: text lines drawn from memory,
the QR mask chosen with a faster penalty count, and raster blocks written without python-escpos's image
round trip. The plain path is kept here as the reference: Pillow's own fonts, python-qrcode's own mask
choice and module-by-module QR drawing, and python-escpos's ``image()``."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import lru_cache

import pytest
import qrcode
import qrcode.constants
import qrcode.util
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFont

from kiosk.assets import FONT_FILES
from kiosk.devices import printer as escpos_driver
from kiosk.devices.printer import EscposPrinter, import_escpos
from kiosk.printing import render as renderer
from kiosk.printing.document import Document, KeyValue, QrCode, Text, Title
from kiosk.printing.printer import PrintJob, RasterBlock
from kiosk.printing.render import forget_drawn_text, qr_penalty, render
from kiosk.printing.samples import sample_documents

DOCUMENTS = sample_documents()
PROFILES = {384: "POS-5890", 576: "TM-T20II"}


def _plain_render_qr(payload: str, *, max_width: int) -> Image.Image:
    """render_qr as it was: the library's mask choice, one putpixel a module."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    modules = len(matrix) + 2 * renderer.QR_QUIET_ZONE_MODULES
    module = min(7, max_width // modules)
    image = Image.new("1", (len(matrix), len(matrix)), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x, y), 0)
    image = image.resize((len(matrix) * module,) * 2, Image.Resampling.NEAREST)
    framed = Image.new("1", (modules * module,) * 2, 1)
    framed.paste(image, (renderer.QR_QUIET_ZONE_MODULES * module,) * 2)
    return framed


@lru_cache(maxsize=32)
def _plain_font(weight: renderer.Weight, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[renderer._FONT_BY_WEIGHT[weight]]), size)


def _plain_raster(conn: object, image: Image.Image) -> None:
    conn.image(image, impl="bitImageRaster", center=False)  # type: ignore[attr-defined]


def _escpos_bytes(job: PrintJob, dots: int, *, text_mode: bool) -> bytes:
    dummy = import_escpos().Dummy(profile=PROFILES[dots])
    printer = EscposPrinter(
        lambda: dummy, dot_width=dots, description="test", text_mode=text_mode, code_page=52
    )
    with printer.session() as session:
        session.send(job)
    output: bytes = dummy.output
    return output


@pytest.fixture
def plain() -> Callable[[Document, int, bool], bytes]:
    """The bytes the plain path sends for a document."""

    def plain_bytes(document: Document, dots: int, text_mode: bool) -> bytes:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(renderer, "_font", _plain_font)
            m.setattr(renderer, "render_qr", _plain_render_qr)
            m.setattr(escpos_driver, "_send_raster", _plain_raster)
            return _escpos_bytes(
                render(document, dot_width=dots, text_mode=text_mode), dots, text_mode=text_mode
            )

    return plain_bytes


@pytest.mark.parametrize("text_mode", [False, True], ids=["raster", "text"])
@pytest.mark.parametrize("dots", [384, 576])
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_printer_gets_the_same_bytes_first_time_and_from_memory(
    plain: Callable[[Document, int, bool], bytes], name: str, dots: int, text_mode: bool
) -> None:
    expected = plain(DOCUMENTS[name], dots, text_mode)
    forget_drawn_text()
    first = _escpos_bytes(
        render(DOCUMENTS[name], dot_width=dots, text_mode=text_mode), dots, text_mode=text_mode
    )
    again = _escpos_bytes(
        render(DOCUMENTS[name], dot_width=dots, text_mode=text_mode), dots, text_mode=text_mode
    )
    assert first == expected
    assert again == expected


def test_lines_drawn_at_other_places_and_sizes_come_out_the_same(
    plain: Callable[[Document, int, bool], bytes],
) -> None:
    """A remembered line is drawn wherever it lands (centred, right-aligned, wrapped, in a title)."""
    lines = ("Tiền điện", "Khách hàng", "Tổng cộng", "Mã khách hàng PA02DH0012345")
    document = Document(
        (
            Title(lines[0], subtitle=lines[1]),
            *(Text(line, align=align) for line in lines for align in ("left", "center", "right")),
            *(KeyValue(line, lines[0]) for line in lines),
            Text(" ".join(lines * 6), size="small"),
            QrCode("https://evn.example/r/123", caption=lines[2]),
        )
    )
    for dots in (384, 576):
        expected = plain(document, dots, False)
        assert _escpos_bytes(render(document, dot_width=dots), dots, text_mode=False) == expected
        assert _escpos_bytes(render(document, dot_width=dots), dots, text_mode=False) == expected


def test_the_memory_keeps_to_its_budget() -> None:
    memory = renderer._TextMemory(budget=100)
    with memory.fixed():
        for i in range(10):
            memory.put(i, f"line {i}", 30)
        assert memory.used <= 100
        assert memory.get(9) == "line 9"
        assert memory.get(0) is None  # the oldest went first
        memory.put("huge", "a line larger than the whole budget", 101)
        assert memory.get("huge") is None
    memory.put("a customer's line", "drawn outside fixed()", 10)
    assert memory.get("a customer's line") is None


@settings(max_examples=150, deadline=None)
@given(
    side=st.sampled_from([21, 25, 29, 45, 57]),
    seed=st.integers(0, 2**32),
    darkness=st.floats(0.05, 0.95),
)
def test_the_mask_penalty_is_the_libraries(side: int, seed: int, darkness: float) -> None:
    rng = random.Random(seed)
    modules = [[rng.random() < darkness for _ in range(side)] for _ in range(side)]
    assert qr_penalty(modules) == qrcode.util.lost_point(modules)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefgh:/.-?=&%", min_size=1, max_size=250))
def test_every_qr_code_gets_the_libraries_mask(payload: str) -> None:
    def matrix(code_type: type[qrcode.QRCode]) -> list[list[bool]]:
        qr = code_type(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
        qr.add_data(payload.encode("utf-8"))
        qr.make(fit=True)
        return qr.get_matrix()  # type: ignore[no-any-return]

    assert matrix(renderer._QRCode) == matrix(qrcode.QRCode)


@pytest.mark.parametrize("size", [(576, 2000), (384, 960), (384, 961), (576, 1)])
def test_raster_blocks_are_python_escpos_bytes(size: tuple[int, int]) -> None:
    """Cut in 960-row fragments as python-escpos cuts them; every dot where it was."""
    rng = random.Random(size[1])
    image = Image.frombytes("1", size, bytes(rng.getrandbits(8) for _ in range(size[0] // 8 * size[1])))
    job = PrintJob((RasterBlock(image),), image, size[1])
    with pytest.MonkeyPatch.context() as m:
        m.setattr(escpos_driver, "_send_raster", _plain_raster)
        expected = _escpos_bytes(job, 576, text_mode=False)
    assert _escpos_bytes(job, 576, text_mode=False) == expected


def test_an_image_python_escpos_must_convert_still_goes_through_it() -> None:
    """Greys, or a width that is no whole number of bytes: python-escpos's own conversion."""
    grey = Image.linear_gradient("L").resize((100, 40))
    job = PrintJob((RasterBlock(grey),), grey, 40)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(escpos_driver, "_send_raster", _plain_raster)
        expected = _escpos_bytes(job, 576, text_mode=False)
    assert _escpos_bytes(job, 576, text_mode=False) == expected
