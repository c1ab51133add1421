"""A small ESC/POS stream parser for the tests: what a printer would make of the bytes we send.

It knows the commands python-escpos emits on our code paths and fails loudly on anything else, so a change
in what we send cannot slip past the tests as "text".
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
_ESC_ONE_ARG = frozenset(b"t!aE-M{VdJ3GrR")
_GS_ONE_ARG = frozenset(b"!BbrHfhwL")


@dataclass(frozen=True)
class Raster:
    mode: int
    width_bytes: int
    height: int
    data: bytes

    def image(self) -> Image.Image:
        # GS v 0: bit 1 is a black dot; PIL mode "1" has black = 0, so invert.
        raw = Image.frombytes("1", (self.width_bytes * 8, self.height), self.data)
        return raw.point(lambda v: 255 - v).convert("1", dither=Image.Dither.NONE)


@dataclass(frozen=True)
class Query:
    """DLE EOT n (real-time status, ``kind`` "dle_eot") or GS r n (buffered status, ``kind`` "gs_r")."""

    kind: str
    n: int


@dataclass(frozen=True)
class Cut:
    pass


@dataclass(frozen=True)
class Command:
    raw: bytes


@dataclass(frozen=True)
class TextBytes:
    raw: bytes


Event = Raster | Query | Cut | Command | TextBytes


class UnknownCommandError(ValueError):
    pass


class EscposStream:
    """Feed bytes as they arrive; get back the events that are complete."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Event]:
        self.buffer += data
        events: list[Event] = []
        while self.buffer:
            parsed = _parse_one(bytes(self.buffer))
            if parsed is None:
                break
            event, length = parsed
            del self.buffer[:length]
            events.append(event)
        return events


def _parse_one(buf: bytes) -> tuple[Event, int] | None:
    first = buf[0]
    if first == DLE:
        if len(buf) < 3:
            return None
        if buf[1] != 0x04:
            raise UnknownCommandError(buf[:3].hex())
        return Query("dle_eot", buf[2]), 3
    if first == ESC:
        if len(buf) < 2:
            return None
        if buf[1] in (ord("@"), ord("2")):
            return Command(buf[:2]), 2
        if buf[1] in _ESC_ONE_ARG:
            return (Command(buf[:3]), 3) if len(buf) >= 3 else None
        raise UnknownCommandError(buf[:2].hex())
    if first == GS:
        if len(buf) < 3:
            return None
        op = buf[1]
        if op == ord("v"):
            if len(buf) < 8:
                return None
            width_bytes = buf[4] + 256 * buf[5]
            height = buf[6] + 256 * buf[7]
            end = 8 + width_bytes * height
            if len(buf) < end:
                return None
            return Raster(buf[3], width_bytes, height, buf[8:end]), end
        if op == ord("V"):
            if buf[2] in (65, 66, 97, 98, 103, 104):
                return (Cut(), 4) if len(buf) >= 4 else None
            return Cut(), 3
        if op == ord("r"):
            return Query("gs_r", buf[2]), 3
        if op in _GS_ONE_ARG:
            return Command(buf[:3]), 3
        raise UnknownCommandError(buf[:2].hex())
    end = 1
    while end < len(buf) and buf[end] not in (ESC, GS, DLE):
        end += 1
    return TextBytes(buf[:end]), end


def parse(data: bytes) -> list[Event]:
    stream = EscposStream()
    events = stream.feed(data)
    assert not stream.buffer, f"truncated command at the end: {bytes(stream.buffer[:16]).hex()}"
    return events


def raster_pages(events: list[Event]) -> list[Image.Image]:
    """The raster images between cuts, fragments stacked back into one image per page."""
    pages: list[list[Image.Image]] = [[]]
    for event in events:
        if isinstance(event, Raster):
            pages[-1].append(event.image())
        elif isinstance(event, Cut):
            pages.append([])
    result = []
    for fragments in pages:
        if not fragments:
            continue
        width = fragments[0].width
        assert all(f.width == width for f in fragments)
        page = Image.new("1", (width, sum(f.height for f in fragments)), 1)
        y = 0
        for fragment in fragments:
            page.paste(fragment, (0, y))
            y += fragment.height
        result.append(page)
    return result
