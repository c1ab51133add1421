"""Where everything of the consumption chart goes: its bars, texts and gridlines laid out before anything is
painted (so that the tests measure what will be drawn), and a scale of round numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QFont,
)

_MAX_INTERVALS = 4  # 3 to 5 gridlines, counting zero


_NICE_MULTIPLIERS = (1, 2, 2.5, 5)


@dataclass(frozen=True)
class ChartBar:
    """One month or day: its label (already translated, e.g. "T11", "Nov" or "14"), its use in kWh and the same
    period last year (None when unknown)."""

    label: str
    value: int
    previous: int | None = None


class TextKind(Enum):
    UNIT = "unit"
    LEGEND = "legend"
    TICK = "tick"
    LABEL = "label"
    VALUE = "value"
    PREVIOUS_VALUE = "previous-value"


@dataclass(frozen=True)
class ChartText:
    """A text as painted: `rect` holds every pixel it may cover (tone marks included), `origin` is its baseline."""

    kind: TextKind
    text: str
    rect: QRectF
    origin: QPointF
    font: QFont
    colour: str


@dataclass(frozen=True)
class BarGeometry:
    """The pixels of one period: its slot (a column of the plot), this year's bar and last year's, if shown."""

    slot: QRectF
    current: QRectF
    previous: QRectF | None


@dataclass(frozen=True)
class ChartLayout:
    plot: QRectF
    gridlines: tuple[float, ...]  # y of each gridline, the zero line first
    bars: tuple[BarGeometry, ...]
    swatches: tuple[tuple[QRectF, bool], ...]  # legend swatch and whether it shows last year's pattern
    texts: tuple[ChartText, ...]
    highlight: QRectF | None  # the band behind the highlighted period

    @classmethod
    def empty(cls) -> ChartLayout:
        return cls(QRectF(), (), (), (), (), None)


def nice_scale(maximum: int, max_intervals: int) -> tuple[int, int]:
    """A round gridline step and the number of intervals (at least 2 where room allows) that cover ``maximum``.

    Steps are 1, 2, 2.5 or 5 times a power of ten, whole kWh, so gridline values read at a glance."""
    maximum = max(1, maximum)
    max_intervals = max(1, max_intervals)
    exponent = 0
    while True:
        for multiplier in _NICE_MULTIPLIERS:
            step = multiplier * 10**exponent
            if step != int(step):
                continue
            intervals = math.ceil(maximum / step)
            if intervals <= max_intervals:
                return int(step), max(intervals, min(2, max_intervals))
        exponent += 1
