"""The consumption chart draws readable bars: big text in the kiosk's font, nothing told by colour alone, no
label on top of another or cut off, at the sizes the chart has on portrait and landscape panels."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QFontInfo, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.assets import FONT_FAMILY
from kiosk.flows.session import TextSize
from kiosk.views.parts.chart_layout import ChartBar, TextKind, nice_scale
from kiosk.views.parts.consumption_chart import GRID_COLOUR, ConsumptionChart
from kiosk.views.theme import BODY_PX, DEFAULT_PALETTE, LARGE_BODY_PX, Look, contrast_ratio, load_fonts

MIN_TEXT_PX = 24
SIZES = {"wide": (1000, 480), "narrow": (600, 400)}
P = DEFAULT_PALETTE

MONTHS = [
    ChartBar(f"T{month}", value, previous)
    for month, value, previous in zip(
        range(1, 13),
        [312, 287, 301, 356, 402, 455, 478, 461, 398, 342, 305, 330],
        [298, 270, 310, 340, 380, 470, 500, 430, 400, 320, 290, None],
        strict=True,
    )
]
DAYS = [
    ChartBar(str(day), value)
    for day, value in enumerate(
        itertools.chain(
            (9, 11, 12, 10, 14, 15, 13, 9, 8, 12, 16, 17, 15, 14, 12, 11),
            (10, 13, 14, 18, 19, 17, 16, 12, 11, 13, 15, 14, 12, 10, 9),
        ),
        start=1,
    )
]
DATA = {"12-months": MONTHS, "31-days": DAYS}


@pytest.fixture
def chart(qapp: QApplication, qtbot: QtBot) -> ConsumptionChart:
    load_fonts()
    widget = ConsumptionChart()
    qtbot.addWidget(widget)
    return widget


def show(
    chart: ConsumptionChart, bars: list[ChartBar], size: tuple[int, int], *, large: bool = False
) -> QImage:
    """Fills the chart as a bill screen does (last year beside monthly bars, the current period highlighted)."""
    chart.set_look(Look(TextSize.LARGE if large else TextSize.NORMAL))
    chart.set_bars(
        bars,
        this_label="Năm nay",
        previous_label="Cùng kỳ năm trước" if any(bar.previous for bar in bars) else None,
        unit="kWh",
        highlighted=len(bars) - 1,
    )
    chart.resize(*size)
    return chart.grab().toImage()


def colour_at(image: QImage, x: float, y: float) -> str:
    return image.pixelColor(int(x), int(y)).name().upper()


def colours_in(image: QImage, rect: QRectF) -> set[str]:
    area = rect.toAlignedRect()
    return {
        colour_at(image, x, y)
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
    }


def bar_height_in_pixels(image: QImage, rect: QRectF, colour: str) -> int:
    """Counts pixels of ``colour`` up the bar's middle column, from the axis until the colour stops."""
    x, y, height = rect.center().x(), rect.bottom() - 1, 0
    while y >= 0 and colour_at(image, x, y) == colour:
        height, y = height + 1, y - 1
    return height


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("size", SIZES)
def test_bars_are_painted_to_scale(chart: ConsumptionChart, data: str, size: str) -> None:
    bars = DATA[data]
    image = show(chart, bars, SIZES[size])
    layout = chart.chart_layout()
    assert len(layout.bars) == len(bars)
    assert colours_in(image, layout.plot) - {P.background, P.secondary}
    values = [bar.value for bar in bars]
    tallest, smallest = values.index(max(values)), values.index(min(values))
    heights = [bar_height_in_pixels(image, layout.bars[i].current, P.primary) for i in (tallest, smallest)]
    assert heights[0] > heights[1] > 0
    assert heights[0] / heights[1] == pytest.approx(max(values) / min(values), rel=0.05)


@pytest.mark.parametrize("size", SIZES)
def test_last_year_is_hatched_and_this_year_solid(chart: ConsumptionChart, size: str) -> None:
    """Told apart without colour: last year's bars (and their legend swatch) show the ground between stripes."""
    image = show(chart, MONTHS, SIZES[size])
    layout = chart.chart_layout()
    inside = 5  # px in from the edges, past the outline and antialiasing
    for bar in layout.bars[:-1]:  # the last is highlighted and has no last-year value
        assert bar.previous is not None
        previous = colours_in(image, bar.previous.adjusted(inside, inside, -inside, -inside))
        assert {P.background, P.muted_text} <= previous
        assert colours_in(image, bar.current.adjusted(1, 1, -1, -1)) == {P.primary}
    assert layout.bars[-1].previous is None
    swatches = {previous: rect for rect, previous in layout.swatches}
    assert P.background in colours_in(image, swatches[True].adjusted(inside, inside, -inside, -inside))
    assert colours_in(image, swatches[False]) == {P.primary}


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("size", SIZES)
def test_texts_are_big_apart_and_whole(chart: ConsumptionChart, data: str, size: str, large: bool) -> None:
    show(chart, DATA[data], SIZES[size], large=large)
    layout = chart.chart_layout()
    texts = layout.texts
    assert texts
    for text in texts:
        assert text.font.pixelSize() >= (LARGE_BODY_PX if large else BODY_PX) >= MIN_TEXT_PX
        assert QFontInfo(text.font).family() == FONT_FAMILY
        assert QRectF(chart.rect()).contains(text.rect), f"{text.text!r} is cut off"
    for a, b in itertools.combinations(texts, 2):
        assert not a.rect.intersects(b.rect), f"{a.text!r} overlaps {b.text!r}"
    columns = [bar.current for bar in layout.bars] + [bar.previous for bar in layout.bars if bar.previous]
    columns += [rect for rect, _ in layout.swatches]
    for text, column in itertools.product(texts, columns):
        assert not text.rect.intersects(column), f"{text.text!r} covers a bar"


def test_texts_on_screen_are_the_callers(chart: ConsumptionChart) -> None:
    show(chart, MONTHS, SIZES["wide"])
    texts: dict[TextKind, set[str]] = {}
    for text in chart.chart_layout().texts:
        texts.setdefault(text.kind, set()).add(text.text)
    assert texts[TextKind.UNIT] == {"kWh"}
    assert texts[TextKind.LEGEND] == {"Năm nay", "Cùng kỳ năm trước"}
    assert texts[TextKind.LABEL] == {bar.label for bar in MONTHS}
    assert texts[TextKind.TICK] <= {str(n) for n in range(0, 1000, 50)}
    assert 3 <= len(texts[TextKind.TICK]) <= 5


def test_values_sit_on_every_bar_where_they_fit_and_on_the_current_one_otherwise(
    chart: ConsumptionChart,
) -> None:
    show(chart, MONTHS, SIZES["wide"])
    values = [text.text for text in chart.chart_layout().texts if text.kind is TextKind.VALUE]
    assert values == [str(bar.value) for bar in MONTHS]
    show(chart, MONTHS, SIZES["narrow"])
    values = [text.text for text in chart.chart_layout().texts if text.kind is TextKind.VALUE]
    assert values == ["330"]


def test_daily_labels_are_thinned_around_the_current_day(chart: ConsumptionChart) -> None:
    show(chart, DAYS, SIZES["narrow"])
    labels = [text.text for text in chart.chart_layout().texts if text.kind is TextKind.LABEL]
    assert 4 <= len(labels) < len(DAYS)
    assert labels[-1] == "31"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(labels)}
    assert len(steps) == 1, "every Nth day, evenly"


def test_numbers_are_written_the_callers_way(chart: ConsumptionChart) -> None:
    chart.set_bars(
        [ChartBar("T1", 1200)],
        this_label="Năm nay",
        previous_label=None,
        unit="kWh",
        format_value=lambda v: f"{v:,}".replace(",", "."),
    )
    chart.resize(*SIZES["wide"])
    texts = {text.text for text in chart.chart_layout().texts}
    assert {"1.200", "1.000"} <= texts


def test_without_a_last_year_label_there_are_no_last_year_bars(chart: ConsumptionChart) -> None:
    chart.set_bars(MONTHS, this_label="Năm nay", previous_label=None, unit="kWh")
    chart.resize(*SIZES["wide"])
    layout = chart.chart_layout()
    assert all(bar.previous is None for bar in layout.bars)
    assert [previous for _, previous in layout.swatches] == [False]
    assert layout.highlight is None


def test_large_text_makes_labels_and_the_chart_larger(chart: ConsumptionChart) -> None:
    show(chart, MONTHS, SIZES["wide"])
    normal_hint = chart.minimumSizeHint()
    show(chart, MONTHS, SIZES["wide"], large=True)
    assert {text.font.pixelSize() for text in chart.chart_layout().texts} == {LARGE_BODY_PX}
    assert chart.minimumSizeHint().height() > normal_hint.height() >= 360


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_at_its_minimum_size_the_chart_still_draws_everything_apart(
    chart: ConsumptionChart, large: bool
) -> None:
    show(chart, MONTHS, (100, 100), large=large)
    chart.resize(chart.minimumSizeHint())
    layout = chart.chart_layout()
    kinds = {text.kind for text in layout.texts}
    assert {TextKind.UNIT, TextKind.LEGEND, TextKind.TICK, TextKind.LABEL, TextKind.VALUE} <= kinds
    for a, b in itertools.combinations(layout.texts, 2):
        assert not a.rect.intersects(b.rect), f"{a.text!r} overlaps {b.text!r}"


def test_an_empty_chart_paints_only_its_background(chart: ConsumptionChart) -> None:
    chart.resize(*SIZES["narrow"])
    image = chart.grab().toImage()
    assert colours_in(image, QRectF(QRect(0, 0, 600, 400))) == {P.background}
    assert chart.label_rects() == []
    show(chart, MONTHS, SIZES["narrow"])
    chart.clear()
    assert chart.bars() == ()
    image = chart.grab().toImage()
    assert colours_in(image, QRectF(QRect(0, 0, 600, 400))) == {P.background}
    assert chart.label_rects() == []


def test_a_highlight_outside_the_bars_is_a_bug(chart: ConsumptionChart) -> None:
    with pytest.raises(ValueError, match="highlighted bar 12"):
        chart.set_bars(MONTHS, this_label="a", previous_label=None, unit="kWh", highlighted=12)


@pytest.mark.parametrize(
    ("foreground", "background", "least"),
    [
        (P.text, P.background, 7.0),  # labels, values, legend
        (P.muted_text, P.background, 7.0),  # unit, axis values, last year's values
        (P.text, P.secondary, 7.0),  # the highlighted period's label and value
        (P.muted_text, P.secondary, 7.0),
        (P.primary, P.background, 3.0),  # this year's bars
        (P.primary, P.secondary, 3.0),
        (P.muted_text, P.background, 3.0),  # last year's outline and stripes
        (GRID_COLOUR, P.background, 3.0),
        (GRID_COLOUR, P.secondary, 3.0),
    ],
)
def test_colours_have_enough_contrast(foreground: str, background: str, least: float) -> None:
    assert contrast_ratio(foreground, background) >= least


@pytest.mark.parametrize(
    ("maximum", "room", "expected"),
    [
        (19, 4, (5, 4)),
        (500, 4, (200, 3)),
        (478, 4, (200, 3)),
        (400, 4, (100, 4)),
        (0, 4, (1, 2)),
        (1234, 2, (1000, 2)),
    ],
)
def test_gridlines_are_round(maximum: int, room: int, expected: tuple[int, int]) -> None:
    assert nice_scale(maximum, room) == expected


@given(st.integers(0, 10**7), st.integers(1, 4))
def test_gridlines_cover_the_tallest_bar_in_few_round_steps(maximum: int, room: int) -> None:
    step, intervals = nice_scale(maximum, room)
    assert step * intervals >= maximum
    assert min(2, room) <= intervals <= room
    assert str(step).rstrip("0") in {"1", "2", "25", "5"}
