"""Documents to printer operations: Vietnamese text drawn with the embedded font into a 1-bit image at the
printer's dot width, printed raster (``GS v 0``).

Why raster: Vietnamese code-page support differs between printer models (TCVN-3, CP1258 at different
``ESC t`` numbers, tone marks printed apart), while an image prints the same everywhere. The text mode is
there for printers whose profile has CP1258 and that are too slow for raster; QR codes and barcodes are
images in both modes.

Pillow, not Qt: the embedded font has every Vietnamese letter precomposed, which Pillow's basic layout
draws correctly (text is NFC-normalised first), and it keeps this module free of Qt, safe in any thread.
Rendering takes tens of milliseconds for a long receipt (a few when its lines were drawn before): the kiosk
runs it in a process of its own (:mod:`kiosk.printing.render_worker`), whose GIL its GUI thread never waits
for.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, assert_never

# Untyped libraries; the pyproject override list is not this module's to grow, so the ignores sit here.
import barcode as python_barcode  # type: ignore[import-untyped]
import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from kiosk.assets import FONT_FILES
from kiosk.printing.document import (
    Align,
    Banner,
    Barcode,
    Block,
    Cut,
    Divider,
    Document,
    KeyValue,
    Note,
    QrCode,
    RenderError,
    Table,
    Text,
    Title,
    Total,
)
from kiosk.printing.printer import CutPaper, PrintJob, PrintOp, RasterBlock, TextLine

__all__ = ["QR_QUIET_ZONE_MODULES", "RenderError", "render", "render_barcode", "render_image", "render_qr"]

QR_QUIET_ZONE_MODULES = 4
"""ISO/IEC 18004's quiet zone. python-escpos's ``qr()`` draws one module, too little for phones from paper."""
_QR_MAX_MODULE_DOTS = 7  # 0.875 mm at 203 dpi: a VietQR code comes out 4-5 cm wide, easy for any phone
_QR_MIN_MODULE_DOTS = 3  # below 0.375 mm cheap phone cameras start to fail on thermal paper
_BARCODE_QUIET_MODULES = 10
_BARCODE_HEIGHT_DOTS = 72  # 9 mm
_BLACK_THRESHOLD = 150  # grey levels below this print black; a little above half keeps thin strokes whole
_CUT_FEED_DOTS = 24
_LEFT: tuple[Align] = ("left",)

Weight = Literal["regular", "semibold", "bold"]
_FONT_BY_WEIGHT: dict[Weight, int] = {"regular": 0, "semibold": 1, "bold": 2}

# One FreeType face per (weight, size) is shared; FreeType faces are not safe for concurrent use, and the
# GIL makes parallel rendering pointless anyway.
_render_lock = threading.Lock()


@dataclass(frozen=True)
class _Metrics:
    margin: int
    small: int
    normal: int
    large: int
    title: int
    gap: int  # vertical space between blocks


def _metrics(dot_width: int) -> _Metrics:
    if dot_width < 480:  # 58 mm paper
        return _Metrics(margin=4, small=19, normal=23, large=29, title=31, gap=10)
    return _Metrics(margin=8, small=21, normal=26, large=33, title=37, gap=12)


_TEXT_CACHE_BYTES = 4 * 2**20  # ~400 lines of receipt text: every label a kiosk prints, many times over


class _RememberingFont(ImageFont.FreeTypeFont):
    """A face that keeps the lines it drew (``getmask2``, which ``ImageDraw.text`` calls) and measured.

    FreeType draws each glyph anew on every call - half a millisecond a line, most of a receipt's render time
    - while most lines on a receipt (labels, titles, footers) are the same on every receipt. Pillow's own
    results are kept, so a line drawn from memory is the very same pixels. The masks are only read
    (``draw_bitmap`` blends them into the page), never changed. Used under ``_render_lock``."""

    def __init__(self, path: str, size: int, memory: _TextMemory) -> None:
        super().__init__(path, size)
        self._memory = memory

    def getmask2(self, text: Any, mode: str = "", *args: Any, **kwargs: Any) -> Any:
        key = (
            "mask",
            id(self),
            text,
            mode,
            *map(_hashable, args),
            *sorted((k, _hashable(v)) for k, v in kwargs.items()),
        )
        found = self._memory.get(key)
        if found is None:
            found = super().getmask2(text, mode, *args, **kwargs)
            mask, _ = found
            self._memory.put(key, found, mask.size[0] * mask.size[1] + 64)
        return found

    def getlength(self, text: Any, *args: Any, **kwargs: Any) -> float:
        key = (
            "length",
            id(self),
            text,
            *map(_hashable, args),
            *sorted((k, _hashable(v)) for k, v in kwargs.items()),
        )
        found = self._memory.get(key)
        if found is None:
            found = super().getlength(text, *args, **kwargs)
            self._memory.put(key, found, 64)
        return float(found)


def _hashable(value: Any) -> Hashable:
    return tuple(value) if isinstance(value, list) else value


class _TextMemory:
    """Least recently used first out, within a byte budget. Keeps only what is drawn inside :meth:`fixed`: the
    printouts' own words (titles, labels, headers, notes), never a customer's (names, codes, amounts), which
    must not outlive their session in the kiosk's memory (docs/privacy.md)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.keeping = False
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()

    @contextmanager
    def fixed(self) -> Iterator[None]:
        """What is drawn and measured meanwhile is the same on every printout: it may be kept."""
        self.keeping = True
        try:
            yield
        finally:
            self.keeping = False

    def get(self, key: Hashable) -> Any:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.budget or not self.keeping:
            return
        self._items[key] = (value, size)
        self.used += size
        while self.used > self.budget:
            _, (_, dropped) = self._items.popitem(last=False)
            self.used -= dropped

    def clear(self) -> None:
        self._items.clear()
        self.used = 0


_text_memory = _TextMemory(_TEXT_CACHE_BYTES)


def forget_drawn_text() -> None:
    """Drops the lines kept for the next render: the first receipt after a start, as a benchmark wants it."""
    with _render_lock:
        _text_memory.clear()


@lru_cache(maxsize=32)
def _font(weight: Weight, size: int) -> ImageFont.FreeTypeFont:
    return _RememberingFont(str(FONT_FILES[_FONT_BY_WEIGHT[weight]]), size, _text_memory)


def _nfc(text: str) -> str:
    # Decomposed input (e + U+0302 + U+0303) would draw the marks as separate, misplaced glyphs.
    return unicodedata.normalize("NFC", text)


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return ascent + descent + 2


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` dots, at spaces where possible."""
    lines: list[str] = []
    for paragraph in _nfc(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while font.getlength(word) > width:  # a word longer than the line: break it anywhere
                cut = max(1, next(i for i in range(len(word), 0, -1) if font.getlength(word[:i]) <= width))
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


class _Canvas:
    """A greyscale strip the width of the paper that grows downwards."""

    def __init__(self, width: int, metrics: _Metrics) -> None:
        self.width = width
        self.m = metrics
        self.inner = width - 2 * metrics.margin
        self.parts: list[Image.Image] = []

    def strip(self, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        image = Image.new("L", (self.width, max(1, height)), 255)
        self.parts.append(image)
        return image, ImageDraw.Draw(image)

    def space(self, height: int) -> None:
        self.strip(height)

    def lines(
        self,
        lines: Sequence[str],
        font: ImageFont.FreeTypeFont,
        align: Align = "left",
        *,
        left: int | None = None,
        width: int | None = None,
        fill: int = 0,
        background: int = 255,
    ) -> None:
        left = self.m.margin if left is None else left
        width = self.inner if width is None else width
        height = _line_height(font)
        image, draw = self.strip(height * len(lines))
        if background != 255:
            draw.rectangle((self.m.margin, 0, self.width - self.m.margin - 1, image.height), fill=background)
        for i, line in enumerate(lines):
            draw.text((_x(line, font, align, left, width), i * height), line, font=font, fill=fill)

    def image(self) -> Image.Image:
        total = sum(part.height for part in self.parts)
        page = Image.new("L", (self.width, total), 255)
        y = 0
        for part in self.parts:
            page.paste(part, (0, y))
            y += part.height
        return page


def _x(line: str, font: ImageFont.FreeTypeFont, align: Align, left: int, width: int) -> int:
    match align:
        case "left":
            return left
        case "center":
            return left + (width - round(font.getlength(line))) // 2
        case "right":
            return left + width - round(font.getlength(line))
        case _:
            assert_never(align)


# ---------------------------------------------------------------------------------------------- blocks
def _draw_block(canvas: _Canvas, block: Block) -> None:
    m = canvas.m
    match block:
        case Title(text=text, subtitle=subtitle):
            font = _font("bold", m.title)
            with _text_memory.fixed():
                canvas.lines(wrap(text, font, canvas.inner), font, "center")
                if subtitle:
                    small = _font("regular", m.small)
                    canvas.lines(wrap(subtitle, small, canvas.inner), small, "center")
        case Banner(text=text):
            font = _font("bold", m.large)
            # Padding inside the black band: a stacked mark on a capital (Ả, Ạ) must not touch its edge.
            _, draw = canvas.strip(8)
            draw.rectangle((m.margin, 0, canvas.width - m.margin - 1, 8), fill=0)
            with _text_memory.fixed():
                canvas.lines(wrap(text, font, canvas.inner - 16), font, "center", fill=255, background=0)
            _, draw = canvas.strip(4)
            draw.rectangle((m.margin, 0, canvas.width - m.margin - 1, 4), fill=0)
        case Text(text=text, bold=bold, align=align, size=size):
            font = _font(
                "bold" if bold else "regular", {"small": m.small, "normal": m.normal, "large": m.large}[size]
            )
            canvas.lines(wrap(text, font, canvas.inner), font, align)
        case KeyValue(key=key, value=value, bold=bold):
            _key_value(canvas, key, value, _font("bold" if bold else "regular", m.normal))
        case Table():
            _table(canvas, block)
        case Total(label=label, value=value):
            _, draw = canvas.strip(8)
            draw.rectangle((m.margin, 2, canvas.width - m.margin, 4), fill=0)
            _key_value(canvas, label, value, _font("bold", m.large))
        case QrCode(payload=payload, caption=caption):
            _paste_centered(canvas, render_qr(payload, max_width=canvas.inner))
            if caption:
                font = _font("semibold", m.normal)
                with _text_memory.fixed():
                    canvas.lines(wrap(caption, font, canvas.inner), font, "center")
        case Barcode(data=data):
            _paste_centered(canvas, render_barcode(data, max_width=canvas.inner))
            font = _font("regular", m.normal)
            canvas.lines([data], font, "center")
        case Note(text=text):
            font = _font("regular", m.small)
            pad = 8
            with _text_memory.fixed():
                lines = wrap(text, font, canvas.inner - 2 * pad - 4)
                height = _line_height(font) * len(lines) + 2 * pad
                _, draw = canvas.strip(height)
                draw.rectangle((m.margin, 0, canvas.width - m.margin - 1, height - 1), outline=0, width=2)
                for i, line in enumerate(lines):
                    draw.text((m.margin + pad + 2, pad + i * _line_height(font)), line, font=font, fill=0)
        case Divider():
            _, draw = canvas.strip(6)
            for x in range(m.margin, canvas.width - m.margin, 12):
                draw.rectangle((x, 2, min(x + 6, canvas.width - m.margin), 3), fill=0)
        case Cut():
            pass
        case _:
            assert_never(block)


def _key_value(canvas: _Canvas, key: str, value: str, font: ImageFont.FreeTypeFont) -> None:
    key, value = _nfc(key), _nfc(value)
    gap = 16
    with _text_memory.fixed():
        key_length = font.getlength(key)
    if key_length + gap + font.getlength(value) <= canvas.inner:
        height = _line_height(font)
        _, draw = canvas.strip(height)
        with _text_memory.fixed():
            draw.text((canvas.m.margin, 0), key, font=font, fill=0)
        draw.text((_x(value, font, "right", canvas.m.margin, canvas.inner), 0), value, font=font, fill=0)
        return
    with _text_memory.fixed():
        canvas.lines(wrap(key, font, canvas.inner), font, "left")
    canvas.lines(wrap(value, font, canvas.inner), font, "right")


def _table(canvas: _Canvas, table: Table) -> None:
    m = canvas.m
    n = len(table.headers)
    weights = table.weights or (1,) * n
    align: tuple[Align, ...] = table.align or _LEFT * n
    gap = 10
    usable = canvas.inner - gap * (n - 1)
    widths = [usable * w // sum(weights) for w in weights]
    widths[-1] = usable - sum(widths[:-1])
    lefts = [m.margin + sum(widths[:i]) + gap * i for i in range(n)]

    def row(cells: Sequence[str], font: ImageFont.FreeTypeFont) -> None:
        wrapped = [wrap(cell, font, widths[i]) for i, cell in enumerate(cells)]
        height = _line_height(font)
        _, draw = canvas.strip(height * max(len(w) for w in wrapped))
        for i, lines in enumerate(wrapped):
            for j, line in enumerate(lines):
                draw.text(
                    (_x(line, font, align[i], lefts[i], widths[i]), j * height), line, font=font, fill=0
                )

    with _text_memory.fixed():
        row(table.headers, _font("semibold", m.small))
    _, draw = canvas.strip(5)
    draw.rectangle((m.margin, 1, canvas.width - m.margin, 2), fill=0)
    for cells in table.rows:
        row(cells, _font("regular", m.small))
        canvas.space(3)


def _paste_centered(canvas: _Canvas, image: Image.Image) -> None:
    strip, _ = canvas.strip(image.height)
    strip.paste(image.convert("L"), ((canvas.width - image.width) // 2, 0))


def render_qr(payload: str, *, max_width: int) -> Image.Image:
    """The QR code of ``payload`` with its 4-module quiet zone, as large as fits ``max_width`` (up to
    0.875 mm a module): a 1-bit image, black = 0."""
    side, dots = _qr_matrix(payload)
    modules = side + 2 * QR_QUIET_ZONE_MODULES
    module = min(_QR_MAX_MODULE_DOTS, max_width // modules)
    if module < _QR_MIN_MODULE_DOTS:
        raise RenderError(f"QR payload of {len(payload)} characters is too long for {max_width} dots")
    image = Image.frombytes("L", (side, side), dots).convert("1", dither=Image.Dither.NONE)
    image = image.resize((side * module,) * 2, Image.Resampling.NEAREST)
    framed = Image.new("1", (modules * module,) * 2, 1)
    framed.paste(image, (QR_QUIET_ZONE_MODULES * module,) * 2)
    return framed


_FINDER_LIKE = (
    b"\x01\x00\x01\x01\x01\x00\x01\x00\x00\x00\x00",
    b"\x00\x00\x00\x00\x01\x00\x01\x01\x01\x00\x01",
)
_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def qr_penalty(modules: Sequence[Sequence[bool]]) -> int:
    """python-qrcode's ``util.lost_point`` (ISO/IEC 18004's four mask penalties, as that library counts
    them), computed over whole rows with bytes and integer operations in C rather than module by module:
    the same number in a fraction of the time (the library scores all eight masks of every code)."""
    count = len(modules)
    rows = [bytes(row) for row in modules]  # True/False as 1/0
    lines = rows + [bytes(column) for column in zip(*rows, strict=True)]
    # Runs of five or more alike: 3 points, and one more for each module beyond five.
    runs = sum(
        len(run) - 2
        for line in lines
        for dark in (b"\x00", b"\x01")
        for run in line.split(dark)
        if len(run) >= 5
    )
    # 1:1:3:1:1 with four light modules before or after; neither pattern overlaps itself or the other.
    finders = sum(line.count(pattern) for line in lines for pattern in _FINDER_LIKE)
    # 2x2 blocks of one colour: rows as integers, a bit a module.
    bits = [int(row.translate(_AS_DIGITS), 2) for row in rows]
    pairs = (1 << (count - 1)) - 1
    squares = 0
    for above, below in itertools.pairwise(bits):
        squares += (~(above ^ (above >> 1)) & ~(below ^ (below >> 1)) & ~(above ^ below) & pairs).bit_count()
    dark = b"".join(rows).count(1)
    balance = int(abs(float(dark) / (count**2) * 100 - 50) / 5)
    return runs + 3 * squares + 40 * finders + 10 * balance


class _QRCode(qrcode.QRCode):  # type: ignore[misc]  # untyped library
    def best_mask_pattern(self) -> int:
        """The library's choice of mask (the first of the lowest penalty), with a faster penalty count."""
        penalties = []
        for mask in range(8):
            self.makeImpl(True, mask)
            penalties.append(qr_penalty(self.modules))
        return penalties.index(min(penalties))


def _qr_matrix(payload: str) -> tuple[int, bytes]:
    """The QR code's modules as (side, one grey byte each: 0 dark, 255 light). Not kept for a reprint: the
    payload carries the customer's code (docs/privacy.md)."""
    qr = _QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    return len(matrix), bytes(0 if dark else 255 for row in matrix for dark in row)


def render_barcode(data: str, *, max_width: int) -> Image.Image:
    """A Code 128 barcode of ``data`` with its quiet zones, 2-3 dots a module: a 1-bit image."""
    pattern = python_barcode.get("code128", data).build()[0]
    modules = len(pattern) + 2 * _BARCODE_QUIET_MODULES
    module = min(3, max_width // modules)
    if module < 2:
        raise RenderError(f"barcode {data!r} is too long for {max_width} dots")
    image = Image.new("1", (modules * module, _BARCODE_HEIGHT_DOTS), 1)
    draw = ImageDraw.Draw(image)
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = (i + _BARCODE_QUIET_MODULES) * module
            draw.rectangle((x, 0, x + module - 1, _BARCODE_HEIGHT_DOTS - 1), fill=0)
    return image


# ---------------------------------------------------------------------------------------------- documents
def _pages(document: Document) -> list[list[Block]]:
    """The document split at its cuts; a trailing cut is implied."""
    pages: list[list[Block]] = [[]]
    for block in document.blocks:
        if isinstance(block, Cut):
            pages.append([])
        else:
            pages[-1].append(block)
    return [page for page in pages if page]


def _raster_page(blocks: Iterable[Block], dot_width: int) -> Image.Image:
    canvas = _Canvas(dot_width, _metrics(dot_width))
    canvas.space(8)  # room for a tone mark stacked on a capital in a first-line title (THỬ, ĐIỆN)
    for i, block in enumerate(blocks):
        if i:
            canvas.space(canvas.m.gap)
        _draw_block(canvas, block)
    canvas.space(_CUT_FEED_DOTS)
    # Threshold rather than dither: dithered text edges look ragged on a thermal head.
    return (
        canvas.image()
        .point(lambda v: 255 if v >= _BLACK_THRESHOLD else 0)
        .convert("1", dither=Image.Dither.NONE)
    )


def render_image(document: Document, *, dot_width: int) -> Image.Image:
    """The whole document as the printer's raster (pages one under another): what the preview shows."""
    with _render_lock:
        pages = [_raster_page(page, dot_width) for page in _pages(document)]
    return _stack(pages, dot_width)


def _stack(images: Sequence[Image.Image], dot_width: int) -> Image.Image:
    if len(images) == 1:
        # One page: the preview is that page itself (images are never changed once drawn), which also
        # halves the job a render process sends back.
        return images[0]
    page = Image.new("1", (dot_width, max(1, sum(i.height for i in images))), 1)
    y = 0
    for image in images:
        page.paste(image, (0, y))
        y += image.height
    return page


def render(document: Document, *, dot_width: int, text_mode: bool = False) -> PrintJob:
    """The printer operations for ``document`` on a printer ``dot_width`` dots wide (a multiple of 8)."""
    if dot_width % 8 or dot_width < 256:
        raise ValueError(f"dot width must be a multiple of 8 and at least 256, got {dot_width}")
    with _render_lock:
        rasters = [_raster_page(page, dot_width) for page in _pages(document)]
        preview = _stack(rasters, dot_width)
        if not text_mode:
            ops: list[PrintOp] = []
            for raster in rasters:
                ops += [RasterBlock(raster), CutPaper()]
            return PrintJob(tuple(ops), preview, preview.height)
        text_ops: list[PrintOp] = []
        for page in _pages(document):
            text_ops += _text_ops(page, dot_width)
            text_ops.append(CutPaper())
        # The text-mode preview is the raster rendering: an approximation of the printer's own font.
        return PrintJob(tuple(text_ops), preview, preview.height)


# ---------------------------------------------------------------------------------------------- text mode
def _text_ops(blocks: Iterable[Block], dot_width: int) -> list[PrintOp]:
    columns = dot_width // 12  # font A is 12 dots wide: 32 columns on 58 mm, 42 or 48 on 80 mm
    ops: list[PrintOp] = []
    inner = dot_width - 2 * _metrics(dot_width).margin

    def text(
        value: str, width: int = columns, *, bold: bool = False, align: Align = "left", double: bool = False
    ) -> None:
        ops.extend(TextLine(line, bold, align, double) for line in _wrap_columns(value, width))

    for block in blocks:
        match block:
            case Title(text=title, subtitle=subtitle):
                text(title, columns // 2, bold=True, align="center", double=True)
                if subtitle:
                    text(subtitle, align="center")
            case Banner(text=banner):
                text(f"*** {banner} ***", columns // 2, bold=True, align="center", double=True)
            case Text(text=value, bold=bold, align=align):
                text(value, bold=bold, align=align)
            case KeyValue(key=key, value=value, bold=bold):
                ops += [TextLine(line, bold=bold) for line in _pair_columns(key, value, columns)]
            case Total(label=label, value=value):
                ops.append(TextLine("=" * columns))
                ops += [TextLine(line, bold=True) for line in _pair_columns(label, value, columns)]
            case Table(headers=headers, rows=rows):
                ops += [TextLine(line, bold=True) for line in _table_columns(block, headers, columns)]
                ops.append(TextLine("-" * columns))
                for cells in rows:
                    ops += [TextLine(line) for line in _table_columns(block, cells, columns)]
            case QrCode(payload=payload, caption=caption):
                ops.append(RasterBlock(_centered(render_qr(payload, max_width=inner), dot_width)))
                if caption:
                    text(caption, align="center")
            case Barcode(data=data):
                ops.append(RasterBlock(_centered(render_barcode(data, max_width=inner), dot_width)))
                text(data, align="center")
            case Note(text=note):
                text(note)
            case Divider():
                ops.append(TextLine("-" * columns))
            case Cut():
                pass
            case _:
                assert_never(block)
    return ops


def _centered(image: Image.Image, dot_width: int) -> Image.Image:
    page = Image.new("1", (dot_width, image.height), 1)
    page.paste(image, ((dot_width - image.width) // 2, 0))
    return page


def _wrap_columns(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in _nfc(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _pair_columns(key: str, value: str, columns: int) -> list[str]:
    key, value = _nfc(key), _nfc(value)
    if len(key) + 1 + len(value) <= columns:
        return [key + " " * (columns - len(key) - len(value)) + value]
    return _wrap_columns(key, columns) + [line.rjust(columns) for line in _wrap_columns(value, columns)]


def _table_columns(table: Table, cells: Sequence[str], columns: int) -> list[str]:
    n = len(table.headers)
    weights = table.weights or (1,) * n
    align: tuple[Align, ...] = table.align or _LEFT * n
    usable = columns - (n - 1)
    widths = [usable * w // sum(weights) for w in weights]
    widths[-1] = usable - sum(widths[:-1])
    wrapped = [_wrap_columns(cell, widths[i]) for i, cell in enumerate(cells)]
    lines = []
    for j in range(max(len(w) for w in wrapped)):
        parts = []
        for i, cell_lines in enumerate(wrapped):
            part = cell_lines[j] if j < len(cell_lines) else ""
            parts.append(part.rjust(widths[i]) if align[i] == "right" else part.ljust(widths[i]))
        lines.append(" ".join(parts).rstrip())
    return lines
