"""How much electricity the account used: 12 months against the year before, and a remote-read meter's days.

Every value is also there as text: in the chart's accessible description (for speech) and as a table the
customer can switch to, for those who read numbers more easily than bars."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.customer.consumption import DayUse, MonthUse, daily_use, monthly_comparison
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import ConsumptionHistory
from kiosk.language.catalogs import N_, Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.chart_layout import ChartBar
from kiosk.views.parts.consumption_chart import ConsumptionChart
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, cell, clear_layout, label, room_width, show_all
from kiosk.views.theme import Look

_HEADING_GAP_PX = 12
# From this width the table's twelve months sit in two sets of columns side by side; narrower (a portrait panel
# with the largest text), in one.
_TWO_SIDED_TABLE_PX = 1200


class ShownViewOnly(QStackedWidget):
    """The chart or the table, sized by the one in view: the table's width, hidden, must not widen the chart's
    screen past a portrait panel."""

    def sizeHint(self) -> QSize:
        shown = self.currentWidget()
        return shown.sizeHint() if shown is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        shown = self.currentWidget()
        return shown.minimumSizeHint() if shown is not None else super().minimumSizeHint()


# The least a chart shrinks to, to fit the room in view: its bars and month names still read.
_CHART_MIN_PX = 240


class ConsumptionScreen(Screen):
    view_toggled = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._months: tuple[MonthUse, ...] = ()
        self._days: tuple[DayUse, ...] = ()
        self._as_table = False
        self._table_sides = 2
        self._summary = label("heading")
        self._summary.setObjectName("consumption-summary")
        self._monthly_heading = label("heading")
        self._chart = ConsumptionChart()
        self._chart.setObjectName("chart-monthly")
        self._table = QGridLayout()
        self._table.setHorizontalSpacing(0)
        self._table.setVerticalSpacing(0)
        table = QWidget()
        table.setObjectName("consumption-table")
        table.setLayout(self._table)
        self._table.setContentsMargins(0, 0, 0, 0)
        self._views = ShownViewOnly()
        self._views.addWidget(self._chart)
        self._views.addWidget(table)
        self._daily_heading = label("heading")
        self._daily = ConsumptionChart()
        self._daily.setObjectName("chart-daily")
        self._toggle = button()
        self._toggle.setObjectName("consumption-toggle")
        self._toggle.clicked.connect(self._switch)
        monthly = _block(self._monthly_heading, self._views)
        self._daily_block = _block(self._daily_heading, self._daily)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(20)
        layout.addWidget(self._summary)
        layout.addWidget(
            Columns(monthly, self._daily_block, stretch=(3, 2), stacked_stretch=(3, 2)), stretch=1
        )
        # Below the pages, always in view: the numbers as a table (or the chart again) with one touch.
        mark_main_action(self._toggle)
        self.pin(self._toggle)
        self.retranslate()

    # ------------------------------------------------------------------ the charts' height for the room in view
    def fit_to_view(self) -> None:
        """Each chart, with its heading, no taller than the room in view: a chart is one block that a page
        cannot split, so on a 1366 x 768 panel with large text it gives up some of its height to fit a page."""
        view = self.view_height()
        if view is None:
            return
        margins = self._layout.contentsMargins()
        room = view - margins.top() - margins.bottom()
        for heading, chart in ((self._monthly_heading, self._chart), (self._daily_heading, self._daily)):
            words = heading.heightForWidth(heading.width()) if heading.width() > 0 else -1
            words = words if words > 0 else heading.sizeHint().height()
            tallest = max(_CHART_MIN_PX, room - words - _HEADING_GAP_PX)
            least = min(chart.minimumSizeHint().height(), tallest)
            if chart.maximumHeight() != tallest:
                chart.setMaximumHeight(tallest)
            if chart.minimumHeight() != least:
                chart.setMinimumHeight(least)

    def title(self) -> str:
        return self._tr._("consumption.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ConsumptionHistory):
            self._months = monthly_comparison(state.monthly)
            self._days = daily_use(state.daily, state.monthly) if state.daily is not None else ()
            self._as_table = False
            self.retranslate()

    def clear(self) -> None:
        self._months = ()
        self._days = ()
        self._chart.clear()
        self._daily.clear()
        clear_layout(self._table)
        self._summary.clear()

    def set_look(self, look: Look) -> None:
        self._chart.set_look(look)
        self._daily.set_look(look)

    def _switch(self) -> None:
        self._as_table = not self._as_table
        self.retranslate()
        self.view_toggled.emit()

    def retranslate(self) -> None:
        tr = self._tr
        months, days = self._months, self._days
        has_previous = any(m.last_year is not None for m in months)
        self._monthly_heading.setText(tr._("consumption.monthly"))
        self._toggle.setText(
            tr._("consumption.show_chart") if self._as_table else tr._("consumption.show_table")
        )
        self._views.setCurrentIndex(1 if self._as_table else 0)
        self._views.updateGeometry()
        self._chart.set_bars(
            [ChartBar(tr.short_month(m.month), m.kwh, m.last_year) for m in months],
            this_label=tr._("consumption.this_year"),
            previous_label=tr._("consumption.last_year") if has_previous else None,
            unit=tr._("unit.kwh_short"),
            highlighted=len(months) - 1 if months else None,
            format_value=tr.number,
        )
        spoken = [self._month_text(m) for m in months]
        self._chart.setAccessibleName(tr._("consumption.monthly"))
        self._chart.setAccessibleDescription("; ".join(spoken))
        self._fill_table(months)
        self._summary.setText(self._summary_text(months))
        self._daily_block.setVisible(bool(days))
        if days:
            self._daily_heading.setText(
                tr._("consumption.daily", start=tr.date(days[0].day), end=tr.date(days[-1].day))
            )
            self._daily.set_bars(
                [ChartBar(tr.number(d.day.day), d.kwh, None) for d in days],
                this_label=tr._("consumption.per_day"),
                previous_label=None,
                unit=tr._("unit.kwh_short"),
                highlighted=len(days) - 1,
                format_value=tr.number,
            )
            self._daily.setAccessibleName(self._daily_heading.text())
            self._daily.setAccessibleDescription(
                "; ".join(tr._("consumption.day_value", day=tr.date(d.day), kwh=tr.kwh(d.kwh)) for d in days)
            )

    def _month_text(self, month: MonthUse) -> str:
        tr = self._tr
        if month.last_year is None:
            return tr._("consumption.month_value", month=tr.month(month.month), kwh=tr.kwh(month.kwh))
        return tr._(
            "consumption.month_value_compared",
            month=tr.month(month.month),
            kwh=tr.kwh(month.kwh),
            last_year=tr.kwh(month.last_year),
        )

    def _summary_text(self, months: tuple[MonthUse, ...]) -> str:
        tr = self._tr
        if not months:
            return tr._("consumption.none")
        latest = months[-1]
        average = round(sum(m.kwh for m in months) / len(months))
        if latest.last_year is None:
            return tr._(
                "consumption.summary",
                month=tr.month(latest.month),
                kwh=tr.kwh(latest.kwh),
                average=tr.kwh(average),
            )
        difference = latest.kwh - latest.last_year
        if difference > 0:
            key = N_("consumption.summary_more")
        elif difference < 0:
            key = N_("consumption.summary_less")
        else:
            key = N_("consumption.summary_same")
        return tr._(
            key,
            month=tr.month(latest.month),
            kwh=tr.kwh(latest.kwh),
            difference=tr.kwh(abs(difference)),
            average=tr.kwh(average),
        )

    def _fill_table(self, months: tuple[MonthUse, ...]) -> None:
        tr = self._tr
        clear_layout(self._table)
        # Two sets of columns side by side where the width allows, so that twelve months fit one page.
        sides = self._table_sides
        half = -(-len(months) // sides)
        for side in range(sides):
            base = side * 4
            heads = (N_("consumption.col.month"), N_("consumption.col.kwh"), N_("consumption.col.last_year"))
            for col, key in enumerate(heads):
                self._table.addWidget(cell(tr._(key), "cell-head"), 0, base + col)
            for row, month in enumerate(months[side * half : (side + 1) * half], start=1):
                last_year = (
                    tr.number(month.last_year) if month.last_year is not None else tr._("consumption.unknown")
                )
                for col, text in enumerate((tr.month(month.month), tr.number(month.kwh), last_year)):
                    self._table.addWidget(cell(text, "cell"), row, base + col)
        if sides > 1:
            spacer = QLabel()
            spacer.setMinimumWidth(32)
            self._table.addWidget(spacer, 0, 3)
        show_all(self._table)

    def resizeEvent(self, event: QResizeEvent) -> None:
        sides = 2 if room_width(self, event.size().width()) >= _TWO_SIDED_TABLE_PX else 1
        if sides != self._table_sides:
            self._table_sides = sides
            self._fill_table(self._months)
        super().resizeEvent(event)


def _block(heading: QLabel, body: QWidget) -> QWidget:
    """A heading over a chart that takes the spare height."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(_HEADING_GAP_PX)
    box.addWidget(heading)
    box.addWidget(body, stretch=1)
    box.addStretch()  # below a chart at the most height the room in view allows it
    return holder
