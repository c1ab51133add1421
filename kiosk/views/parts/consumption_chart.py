"""A bar chart of a customer's electricity use, drawn with QPainter for old eyes on a touchscreen.

Up to 12 months (each beside the same month last year) or a month of days. The caller passes every text, already
translated: bar labels, legend texts and the unit. Nothing is told by colour alone: this year's bars are solid,
last year's are outlined and hatched, and the legend shows the same patterns. Every text is at least body size and
is laid out before painting: labels that would touch are thinned (every Nth month or day), values are shown only
where they fit, and `chart_layout()` returns the very rectangles that `paintEvent` draws in, so tests can check
that nothing overlaps or is cut off.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.assets import FONT_FAMILY
from kiosk.views.parts.chart_layout import (
    _MAX_INTERVALS,
    BarGeometry,
    ChartBar,
    ChartLayout,
    ChartText,
    TextKind,
    nice_scale,
)
from kiosk.views.theme import BODY_PX, DEFAULT_PALETTE, Look, Palette

# Gridlines are the only thin lines the kiosk draws, so the palette has no colour for them. This grey keeps WCAG's
# 3:1 for graphics on the background (4.5:1) and on the highlight band (3.9:1) while staying quieter than bars.
GRID_COLOUR = "#767676"

_MARGIN = 4  # antialiased edges of the outermost pixels stay inside the widget
_HATCH_TILE = 12  # px between last year's hatch lines
_HATCH_PEN = 3.0
_OUTLINE_PEN = 3.0
_AXIS_PEN = 2


class _Fonts:
    """The three weights the chart writes in, at one pixel size."""

    def __init__(self, pixel_size: int) -> None:
        self.pixel_size = pixel_size
        self.regular = self._font(QFont.Weight.Normal)
        self.semibold = self._font(QFont.Weight.DemiBold)
        self.bold = self._font(QFont.Weight.Bold)

    def _font(self, weight: QFont.Weight) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(self.pixel_size)
        font.setWeight(weight)
        return font

    def of(self, weight: QFont.Weight) -> QFont:
        return {QFont.Weight.DemiBold: self.semibold, QFont.Weight.Bold: self.bold}.get(weight, self.regular)


@dataclass(frozen=True)
class _Box:
    """A measured text: its extent around the pen origin (left may be negative for overhanging glyphs)."""

    text: str
    left: float
    width: float
    above: float
    below: float

    @classmethod
    def measure(cls, metrics: QFontMetricsF, text: str) -> _Box:
        ink = metrics.boundingRect(text)
        left = min(0.0, ink.left())
        right = max(metrics.horizontalAdvance(text), ink.right())
        above = max(metrics.ascent(), -ink.top())
        below = max(metrics.descent(), ink.bottom())
        return cls(text, left, math.ceil(right - left) + 1, math.ceil(above), math.ceil(below))

    @property
    def height(self) -> float:
        return self.above + self.below


class ConsumptionChart(QWidget):
    """Bars of kWh per month or day, this year solid, last year hatched, the current period emphasised."""

    def __init__(self, parent: QWidget | None = None, *, palette: Palette = DEFAULT_PALETTE) -> None:
        super().__init__(parent)
        self._palette = palette
        self._bars: tuple[ChartBar, ...] = ()
        self._this_label = ""
        self._previous_label: str | None = None
        self._unit = ""
        self._highlighted: int | None = None
        self._format_value: Callable[[int], str] = str
        self._fonts = _Fonts(BODY_PX)
        self._layout: tuple[QSize, ChartLayout] | None = None
        self._hatch = _hatch_brush(palette.muted_text)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # ------------------------------------------------------------------ API
    def set_bars(
        self,
        bars: Sequence[ChartBar],
        *,
        this_label: str,
        previous_label: str | None,
        unit: str,
        highlighted: int | None = None,
        format_value: Callable[[int], str] = str,
    ) -> None:
        """Show ``bars`` oldest first. ``previous_label`` None shows no last-year bars and no legend entry for
        them; ``highlighted`` emphasises one period (usually the last, the current one); ``format_value`` writes
        numbers the customer's way (pass ``Translator.number`` for 1.234 in Vietnamese)."""
        if highlighted is not None and not 0 <= highlighted < len(bars):
            raise ValueError(f"highlighted bar {highlighted} is not one of the {len(bars)} bars")
        self._bars = tuple(bars)
        self._this_label = this_label
        self._previous_label = previous_label
        self._unit = unit
        self._highlighted = highlighted
        self._format_value = format_value
        self._invalidate()

    def clear(self) -> None:
        """Drop the customer's data (a session wipe)."""
        self._bars = ()
        self._this_label = self._unit = ""
        self._previous_label = None
        self._highlighted = None
        self._invalidate()

    def set_look(self, look: Look) -> None:
        self._fonts = _Fonts(look.body_px)
        self._palette = look.palette
        self._hatch = _hatch_brush(self._palette.muted_text)
        self.updateGeometry()
        self._invalidate()

    def bars(self) -> tuple[ChartBar, ...]:
        return self._bars

    def highlighted(self) -> int | None:
        return self._highlighted

    def chart_layout(self) -> ChartLayout:
        """Where everything goes at the current size: what `paintEvent` draws, for tests to check."""
        # Keyed by size rather than reset in resizeEvent: a hidden widget gets its resize event only when shown.
        if self._layout is None or self._layout[0] != self.size():
            self._layout = (self.size(), self._lay_out(self.width(), self.height()))
        return self._layout[1]

    def label_rects(self) -> list[QRectF]:
        return [text.rect for text in self.chart_layout().texts]

    # ------------------------------------------------------------------ Qt
    def sizeHint(self) -> QSize:
        return QSize(960, self._scaled(480))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._scaled(440), self._scaled(360))

    def paintEvent(self, event: QPaintEvent) -> None:
        layout = self.chart_layout()
        p = self._palette
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(p.background))
        if not layout.bars:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if layout.highlight is not None:
            painter.fillRect(layout.highlight, QColor(p.secondary))
        painter.setPen(QPen(QColor(GRID_COLOUR), 1))
        for y in layout.gridlines[1:]:
            painter.drawLine(QPointF(layout.plot.left(), y), QPointF(layout.plot.right(), y))
        for bar in layout.bars:
            self._paint_bar(painter, bar.current, previous=False)
            if bar.previous is not None:
                self._paint_bar(painter, bar.previous, previous=True)
        plot = layout.plot
        painter.fillRect(QRectF(plot.left(), plot.bottom(), plot.width(), _AXIS_PEN), QColor(p.text))
        for swatch, previous in layout.swatches:
            self._paint_bar(painter, swatch, previous=previous)
        for text in layout.texts:
            painter.setFont(text.font)
            painter.setPen(QColor(text.colour))
            painter.drawText(text.origin, text.text)
        painter.end()

    # ------------------------------------------------------------------ painting
    def _paint_bar(self, painter: QPainter, rect: QRectF, *, previous: bool) -> None:
        if rect.height() <= 0 or rect.width() <= 0:
            return
        if not previous:
            painter.fillRect(rect, QColor(self._palette.primary))
            return
        painter.setBrushOrigin(rect.topLeft())
        painter.fillRect(rect, self._hatch)
        pen = QPen(QColor(self._palette.muted_text), _OUTLINE_PEN)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = _OUTLINE_PEN / 2
        painter.drawRect(rect.adjusted(inset, inset, -inset, -inset))

    # ------------------------------------------------------------------ layout
    def _invalidate(self) -> None:
        self._layout = None
        self.update()

    def _scaled(self, px: int) -> int:
        return round(px * self._fonts.pixel_size / BODY_PX)

    def _lay_out(self, width: int, height: int) -> ChartLayout:
        if not self._bars or width <= 0 or height <= 0:
            return ChartLayout.empty()
        p = self._palette
        px = self._fonts.pixel_size
        gap = round(px * 0.4)
        regular = QFontMetricsF(self._fonts.regular)
        texts: list[ChartText] = []

        def place(box: _Box, kind: TextKind, x: float, top: float, weight: QFont.Weight, colour: str) -> None:
            rect = QRectF(x, top, box.width, box.height)
            origin = QPointF(x - box.left, top + box.above)
            texts.append(ChartText(kind, box.text, rect, origin, self._fonts.of(weight), colour))

        # The header: the unit above the axis values, the legend to the right (or below when it does not fit).
        show_previous = self._previous_label is not None
        header_bottom, swatches = self._lay_out_header(width, regular, place)

        # The rows around the plot: values above the bars, labels below them.
        value_metrics = QFontMetricsF(self._fonts.semibold)
        bold = QFontMetricsF(self._fonts.bold)
        value_band = max(_Box.measure(value_metrics, "0").height, regular.height()) + gap
        label_boxes = [
            _Box.measure(bold if i == self._highlighted else regular, bar.label)
            for i, bar in enumerate(self._bars)
        ]
        label_above = max(regular.ascent(), *(b.above for b in label_boxes))
        label_row = label_above + max(regular.descent(), *(b.below for b in label_boxes))
        plot_top = header_bottom + gap + value_band
        plot_bottom = math.floor(height - _MARGIN - label_row - gap / 2 - _AXIS_PEN)
        tick_height = _Box.measure(regular, "0").height
        if plot_bottom - plot_top < tick_height:
            return ChartLayout.empty()  # smaller than minimumSizeHint: better blank than overlapping

        # The value axis: round gridlines, as many as fit one above the other.
        top_value = max(
            [bar.value for bar in self._bars]
            + [bar.previous for bar in self._bars if show_previous and bar.previous is not None]
        )
        step, intervals = nice_scale(
            top_value, min(_MAX_INTERVALS, int((plot_bottom - plot_top) // (tick_height + gap / 2)))
        )
        axis_max = step * intervals
        tick_boxes = [_Box.measure(regular, self._format_value(k * step)) for k in range(intervals + 1)]
        plot_left = _MARGIN + max(b.width for b in tick_boxes) + gap
        plot_right = width - _MARGIN
        plot = QRectF(plot_left, plot_top, plot_right - plot_left, plot_bottom - plot_top)
        if plot.width() < len(self._bars) * 2:
            return ChartLayout.empty()
        gridlines = []
        for k, box in enumerate(tick_boxes):
            y = round(plot_bottom - k * step / axis_max * plot.height())
            gridlines.append(y + 0.5)
            place(
                box,
                TextKind.TICK,
                plot_left - gap - box.width,
                y - box.height / 2,
                QFont.Weight.Normal,
                p.muted_text,
            )

        # The bars.
        slot_width = plot.width() / len(self._bars)
        bars = []
        for i, bar in enumerate(self._bars):
            left = plot_left + i * slot_width
            slot = QRectF(left, plot_top, slot_width, plot_bottom - plot_top)
            bars.append(self._bar_geometry(bar, slot, axis_max, show_previous=show_previous))

        # Labels under the bars: every Nth, N as small as lets them stand apart, counted from the highlighted one.
        label_top = plot_bottom + _AXIS_PEN + gap / 2
        anchor = self._highlighted or 0
        for every in range(1, len(self._bars) + 1):
            shown = [i for i in range(len(self._bars)) if (i - anchor) % every == 0]
            xs = [
                _centred(label_boxes[i].width, bars[i].slot.center().x(), plot_left, plot_right)
                for i in shown
            ]
            if all(xs[k] + label_boxes[i].width + gap <= xs[k + 1] for k, i in enumerate(shown[:-1])) and all(
                label_boxes[i].width <= plot.width() for i in shown
            ):
                break
        else:
            shown, xs = [], []  # not even one label fits: a plot narrower than one word
        for i, x in zip(shown, xs, strict=True):
            box = label_boxes[i]
            weight = QFont.Weight.Bold if i == self._highlighted else QFont.Weight.Normal
            place(box, TextKind.LABEL, x, label_top + label_above - box.above, weight, p.text)

        self._lay_out_values(bars, value_metrics, regular, texts, place, plot)
        highlight = None
        if self._highlighted is not None:
            highlight = bars[self._highlighted].slot.adjusted(0, -value_band, 0, 0)
            highlight.setBottom(label_top + label_row)
            # Wide enough for the period's label, but not for its value: a value wider than its slot spreads over
            # the neighbours, and a band that wide would seem to emphasise them too.
            for text in texts:
                if text.kind is TextKind.LABEL and text.rect.intersects(highlight):
                    highlight = highlight.united(text.rect.adjusted(-gap / 2, 0, gap / 2, 0))
            highlight.setLeft(max(highlight.left(), plot_left))
            highlight.setRight(min(highlight.right(), plot_right))
        return ChartLayout(plot, tuple(gridlines), tuple(bars), tuple(swatches), tuple(texts), highlight)

    def _lay_out_header(
        self, width: int, metrics: QFontMetricsF, place: Callable[..., None]
    ) -> tuple[float, list[tuple[QRectF, bool]]]:
        """Places the unit and the legend; returns the header's bottom and the legend swatches."""
        p = self._palette
        px = self._fonts.pixel_size
        swatch_width, swatch_height = round(px * 1.5), px
        swatch_gap, item_gap = round(px * 0.4), round(px * 1.2)
        available = width - 2 * _MARGIN
        entries = [(self._this_label, False)]
        if self._previous_label is not None:
            entries.append((self._previous_label, True))
        entries = [(text, previous) for text, previous in entries if text]
        most = available - swatch_width - swatch_gap
        boxes = [
            (_Box.measure(metrics, metrics.elidedText(text, Qt.TextElideMode.ElideRight, most)), previous)
            for text, previous in entries
        ]
        unit = _Box.measure(metrics, self._unit) if self._unit else None
        above = max(metrics.ascent(), *(b.above for b, _ in boxes), unit.above if unit else 0)
        row = above + max(metrics.descent(), *(b.below for b, _ in boxes), unit.below if unit else 0)
        widths = [swatch_width + swatch_gap + b.width for b, _ in boxes]
        legend_width = sum(widths) + item_gap * max(0, len(widths) - 1)
        top: float = _MARGIN
        if unit is not None:
            place(unit, TextKind.UNIT, _MARGIN, top + above - unit.above, QFont.Weight.Normal, p.muted_text)
        if not boxes:
            return (top + row if unit else _MARGIN), []
        # Right-aligned beside the unit when it fits in one row; otherwise flowing from after the unit onto more
        # rows, each starting under the first entry (or at the left edge when an entry is too wide for that).
        start = _MARGIN + unit.width + item_gap if unit is not None else _MARGIN
        x = start if start + legend_width > width - _MARGIN else width - _MARGIN - legend_width
        swatches = []
        for (box, previous), item_width in zip(boxes, widths, strict=True):
            if x + item_width > width - _MARGIN and x > _MARGIN:
                top += row
                x = start if start + item_width <= width - _MARGIN else _MARGIN
            baseline = top + above
            middle = baseline - metrics.capHeight() / 2
            swatches.append(
                (QRectF(x, round(middle - swatch_height / 2), swatch_width, swatch_height), previous)
            )
            place(
                box,
                TextKind.LEGEND,
                x + swatch_width + swatch_gap,
                baseline - box.above,
                QFont.Weight.Normal,
                p.text,
            )
            x += item_width + item_gap
        return top + row, swatches

    def _bar_geometry(
        self, bar: ChartBar, slot: QRectF, axis_max: int, *, show_previous: bool
    ) -> BarGeometry:
        def column(left: float, right: float, value: int) -> QRectF:
            left, right = round(left), max(round(right), round(left) + 2)
            top = round(slot.bottom() - max(0, value) / axis_max * slot.height())
            return QRectF(left, top, right - left, slot.bottom() - top)

        if not show_previous:
            inset = slot.width() * 0.2
            return BarGeometry(slot, column(slot.left() + inset, slot.right() - inset, bar.value), None)
        inset = slot.width() * 0.12
        between = max(2.0, slot.width() * 0.04)
        middle = slot.center().x()
        current = column(middle + between / 2, slot.right() - inset, bar.value)
        if bar.previous is None:
            return BarGeometry(slot, current, None)
        return BarGeometry(slot, current, column(slot.left() + inset, middle - between / 2, bar.previous))

    def _lay_out_values(
        self,
        bars: list[BarGeometry],
        metrics: QFontMetricsF,
        previous_metrics: QFontMetricsF,
        texts: list[ChartText],
        place: Callable[..., None],
        plot: QRectF,
    ) -> None:
        """Values on top of every bar when each fits above its own bar pair; otherwise on the highlighted bar only
        (a row of numbers with gaps would read as a pattern that is not there)."""
        p = self._palette
        gap = self._fonts.pixel_size * 0.2
        columns = [b.current for b in bars] + [b.previous for b in bars if b.previous is not None]

        def top_of_bars_under(left: float, right: float) -> float:
            return min(
                (c.top() for c in columns if c.left() < right and c.right() > left), default=plot.bottom()
            )

        current = [_Box.measure(metrics, self._format_value(bar.value)) for bar in self._bars]
        previous = [
            None
            if bar.previous is None or g.previous is None
            else _Box.measure(previous_metrics, self._format_value(bar.previous))
            for bar, g in zip(self._bars, bars, strict=True)
        ]
        every_current = all(
            box.width + 2 * gap <= g.slot.width() for box, g in zip(current, bars, strict=True)
        )
        every_previous = (
            every_current
            and any(previous)
            and all(
                box is None or box.width + 2 * gap <= g.slot.width() / 2
                for box, g in zip(previous, bars, strict=True)
            )
        )
        wanted = (
            range(len(bars)) if every_current else [] if self._highlighted is None else [self._highlighted]
        )
        for i in wanted:
            g = bars[i]
            spans: list[tuple[_Box | None, QRectF | None, float, float, TextKind]] = [
                (
                    current[i],
                    g.current,
                    g.slot.center().x() if every_previous else g.slot.left(),
                    g.slot.right(),
                    TextKind.VALUE,
                ),
            ]
            if every_previous:
                spans.append(
                    (previous[i], g.previous, g.slot.left(), g.slot.center().x(), TextKind.PREVIOUS_VALUE)
                )
            for box, column, lowest, highest, kind in spans:
                if box is None or column is None:
                    continue
                if not every_current:
                    lowest, highest = plot.left(), plot.right()
                x = _centred(box.width, column.center().x(), lowest + gap / 2, highest - gap / 2)
                bottom = top_of_bars_under(x, x + box.width) - gap
                rect = QRectF(x, bottom - box.height, box.width, box.height)
                if any(rect.intersects(t.rect) for t in texts):
                    continue
                if kind is TextKind.VALUE:
                    place(box, kind, x, rect.top(), QFont.Weight.DemiBold, p.text)
                else:
                    place(box, kind, x, rect.top(), QFont.Weight.Normal, p.muted_text)


def _centred(width: float, centre: float, lowest: float, highest: float) -> float:
    """The left edge of a ``width`` centred on ``centre`` but kept within [lowest, highest] where it fits."""
    return max(lowest, min(centre - width / 2, highest - width))


def _hatch_brush(colour: str) -> QBrush:
    """Last year's pattern: thick diagonal lines on a transparent ground, so the bar reads as "outlined, striped"
    and not as a lighter shade of this year's bars."""
    tile = QPixmap(_HATCH_TILE, _HATCH_TILE)
    tile.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour), _HATCH_PEN))
    for x in (-_HATCH_TILE, 0, _HATCH_TILE):  # neighbours' lines too, so the tiles join without seams
        painter.drawLine(QPointF(x, _HATCH_TILE), QPointF(x + _HATCH_TILE, 0))
    painter.end()
    return QBrush(tile)
