"""A printout as a document - a sequence of typed blocks - rather than bytes.

Every printout is built as a :class:`Document`, stored in the print journal as JSON (so a failed job can be
reprinted whole, years of code changes later) and turned into printer operations by :mod:`render` only at
print time, for the printer at hand (58 or 80 mm, raster or text mode).

All text is final, translated text: this module never translates or formats.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, TypeAlias

__all__ = [
    "Align",
    "Banner",
    "Barcode",
    "Block",
    "Cut",
    "Divider",
    "Document",
    "DocumentFormatError",
    "KeyValue",
    "Note",
    "QrCode",
    "Table",
    "Text",
    "Title",
    "Total",
]

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Title:
    """The printout's heading, large and centred; ``subtitle`` under it (the organisation, the place)."""

    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Banner:
    """White on black across the paper: what must not be missed (``BẢN IN LẠI``, ``CHƯA THANH TOÁN``)."""

    text: str


@dataclass(frozen=True)
class Text:
    text: str
    bold: bool = False
    align: Align = "left"
    size: Literal["small", "normal", "large"] = "normal"


@dataclass(frozen=True)
class KeyValue:
    """``key ........ value`` on one line, or the value right-aligned under the key when both do not fit."""

    key: str
    value: str
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """Columns share the width by ``weights``; cells wrap within their column."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...] = ()
    weights: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.headers)
        if any(len(row) != n for row in self.rows):
            raise ValueError("every table row needs one cell per header")
        if (self.align and len(self.align) != n) or (self.weights and len(self.weights) != n):
            raise ValueError("align and weights, when given, need one entry per column")


@dataclass(frozen=True)
class Total:
    """The amount that matters, large and bold, with a rule above it."""

    label: str
    value: str


@dataclass(frozen=True)
class QrCode:
    """A QR code of ``payload`` (printed as an image even in text mode), with an optional caption under it."""

    payload: str
    caption: str = ""


@dataclass(frozen=True)
class Barcode:
    """A Code 128 barcode of ``data`` (ASCII), with ``data`` written under it."""

    data: str

    def __post_init__(self) -> None:
        if not self.data or not self.data.isascii() or not self.data.isprintable():
            raise ValueError("a barcode holds printable ASCII only")


@dataclass(frozen=True)
class Note:
    """Small print in a box: conditions, what to do next, the hotline."""

    text: str


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut. A document without one is cut at its end anyway."""


Block: TypeAlias = Title | Banner | Text | KeyValue | Table | Total | QrCode | Barcode | Note | Divider | Cut
_BLOCK_TYPES: dict[str, type[Block]] = {
    cls.__name__: cls
    for cls in (Title, Banner, Text, KeyValue, Table, Total, QrCode, Barcode, Note, Divider, Cut)
}
_FORMAT_VERSION = 1


class DocumentFormatError(ValueError):
    """Stored JSON that is not a document this version can print."""


class RenderError(ValueError):
    """The document cannot be drawn at this width (a QR payload or barcode too long for the paper). Raised by
    :func:`kiosk.printing.render.render`; here so that catching it does not load the renderer's Pillow, qrcode
    and python-barcode."""


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]

    def with_banner(self, text: str) -> Document:
        """This document with ``text`` as a banner on top (and at the bottom, where a torn-off half shows it)."""
        return Document((Banner(text), *self.blocks, Banner(text)))

    def to_json(self) -> str:
        blocks = [{"type": type(block).__name__, **asdict(block)} for block in self.blocks]
        return json.dumps({"version": _FORMAT_VERSION, "blocks": blocks}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Document:
        try:
            data = json.loads(text)
            if data.get("version") != _FORMAT_VERSION:
                raise DocumentFormatError(f"unsupported document format {data.get('version')!r}")
            return cls(tuple(_block_from_dict(item) for item in data["blocks"]))
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise DocumentFormatError(f"not a stored document: {exc}") from exc


def _block_from_dict(item: dict[str, Any]) -> Block:
    kind = _BLOCK_TYPES.get(item.pop("type", None))
    if kind is None:
        raise DocumentFormatError("unknown block type")
    known = {f.name for f in fields(kind)}
    if set(item) - known:
        raise DocumentFormatError(f"unknown fields for {kind.__name__}: {sorted(set(item) - known)}")
    # JSON has lists where the dataclasses hold tuples (hashable, frozen).
    values: dict[str, Any] = {
        k: tuple(tuple(r) if isinstance(r, list) else r for r in v) if isinstance(v, list) else v
        for k, v in item.items()
    }
    return kind(**values)
