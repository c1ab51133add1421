"""The end-of-day report on screen, before staff print it: the day's payments per method and their total, the
payments that took no money, requests and outage reports, and the work left for staff as it stands now.

Its lines use the printed report's own words (``day_report.*``), so that the screen and the paper say the same;
figures that need staff are marked, not only coloured.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from kiosk.flows.states import ScreenState
from kiosk.flows.states.staff import StaffDayReport
from kiosk.language.catalogs import N_, Translator
from kiosk.staff.day_report import DayReport
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Columns, button, cell, drop_all, label, show_all
from kiosk.views.staff.parts import Mark, NoticeLine, StatusMark, section
from kiosk.views.theme import Look

# (line, whether a figure above zero needs staff), in the printed report's order.
_FAILED = (
    (N_("day_report.refused"), False),
    (N_("day_report.expired"), False),
    (N_("day_report.cancelled"), False),
    (N_("day_report.qr_refused"), True),  # the kiosk refused the central's QR: a technician should hear of it
)
_REQUESTS = (
    (N_("day_report.requests_sent"), False),
    (N_("day_report.requests_refused"), True),
    (N_("day_report.outage_reports"), False),
    (N_("day_report.assisted"), False),
)
_FOR_STAFF = (
    (N_("day_report.pending_payments"), True),
    (N_("day_report.receipts_for_staff"), True),
    (N_("day_report.requests_waiting"), True),
    (N_("day_report.prints_failed"), True),
)


class Figures(QWidget):
    """Lines of a figure each: a mark where the figure needs staff, what it counts, the figure."""

    def __init__(self, name: str, lines: tuple[tuple[str, bool], ...]) -> None:
        super().__init__()
        self.setObjectName(name)
        self._lines = lines
        self._grid = grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)  # the cells' rules run on under the figure
        grid.setColumnStretch(1, 1)
        self._rows: list[tuple[StatusMark, QLabel, QLabel]] = []
        for row in range(len(lines)):
            mark, what, figure = StatusMark(), cell("", "cell"), cell("", "cell", right=True)
            figure.setObjectName(f"{name}-{row}")
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(what, row, 1)
            grid.addWidget(figure, row, 2)
            self._rows.append((mark, what, figure))

    def gutter(self) -> int:
        """The width of the marks' column (a mark is as tall as a line of text, and as wide)."""
        mark = self._rows[0][0]
        mark.ensurePolished()
        return mark.sizeHint().width() + 8

    def show_figures(self, tr: Translator, figures: tuple[int, ...]) -> None:
        self._grid.setColumnMinimumWidth(0, self.gutter())
        for (key, needs_staff), (mark, what, figure), value in zip(
            self._lines, self._rows, figures, strict=True
        ):
            what.setText(tr._(key))
            figure.setText(tr.number(value))
            mark.set_mark(Mark.WARN if needs_staff and value > 0 else None)

    def clear(self) -> None:
        for mark, _, figure in self._rows:
            figure.clear()
            mark.set_mark(None)


class StaffDayReportScreen(Screen):
    print_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: StaffDayReport | None = None
        self._heading = label("heading")
        self._heading.setObjectName("staff-report-heading")
        self._paid_heading = label("heading")
        self._methods = QGridLayout()
        self._methods.setHorizontalSpacing(0)
        self._methods.setVerticalSpacing(0)
        self._methods.setColumnStretch(1, 1)
        self._failed_heading = label("heading")
        self._failed = Figures("staff-report-failed", _FAILED)
        self._requests_heading = label("heading")
        self._requests = Figures("staff-report-requests", _REQUESTS)
        self._for_staff_heading = label("heading")
        self._for_staff = Figures("staff-report-for-staff", _FOR_STAFF)
        self._notice = NoticeLine("staff-report-notice")
        self._print = button("primary")
        self._print.setObjectName("staff-report-print")
        self._print.clicked.connect(self.print_requested)

        paid = section(self._paid_heading, self._methods, self._failed_heading, self._failed)
        others = section(
            self._requests_heading, self._requests, self._for_staff_heading, self._for_staff, self._notice
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._heading)
        layout.addWidget(Columns(paid, others, stretch=(1, 1)))
        layout.addStretch()
        self.pin(self._print)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("staff.report.title")

    def set_look(self, look: Look) -> None:
        self.retranslate()  # the marks' column follows the text size

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, StaffDayReport):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._heading.clear()
        drop_all(self._methods)
        for figures in (self._failed, self._requests, self._for_staff):
            figures.clear()
        self._notice.show_notice(self._tr, None)

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._paid_heading.setText(tr._("staff.report.paid"))
        self._failed_heading.setText(tr._("staff.report.not_completed"))
        self._requests_heading.setText(tr._("staff.report.requests"))
        self._for_staff_heading.setText(tr._("staff.report.for_staff"))
        self._print.setText(tr._("staff.report.print"))
        if state is None:
            return
        report = state.report
        self._heading.setText(tr._("staff.report.heading", day=tr.date(report.day), kiosk=report.kiosk_id))
        self._show_methods(report)
        failed = report.failed_payments
        self._failed.show_figures(tr, (failed.refused, failed.expired, failed.cancelled, failed.qr_refused))
        self._requests.show_figures(
            tr, (report.requests_sent, report.requests_refused, report.outage_reports, report.assisted)
        )
        self._for_staff.show_figures(
            tr,
            (
                len(report.pending_payments),
                len(report.receipts_for_staff),
                report.requests_waiting,
                report.prints_failed,
            ),
        )
        self._notice.show_notice(tr, state.notice)

    def _show_methods(self, report: DayReport) -> None:
        tr = self._tr
        grid = self._methods
        drop_all(grid)
        heads = (tr._("staff.report.method"), tr._("staff.report.count"), tr._("staff.report.amount"))
        # Column 0 stays empty, as wide as the marks' column of the figures below: the texts line up.
        grid.setColumnMinimumWidth(0, self._failed.gutter())
        for column, text in enumerate(heads, start=1):
            grid.addWidget(cell(text, "cell-head", right=column > 1), 0, column)
        rows = [
            (m.method_vi if tr.language == "vi" else m.method_en, tr.number(m.count), tr.money(m.amount))
            for m in report.paid
        ]
        for row, (method, count, amount) in enumerate(rows, start=1):
            grid.addWidget(cell(method, "cell"), row, 1)
            grid.addWidget(cell(count, "cell", right=True), row, 2)
            grid.addWidget(cell(amount, "cell", right=True), row, 3)
        below = len(rows) + 1
        if not rows:
            grid.addWidget(cell(tr._("day_report.no_payments"), "cell"), below, 1, 1, 3)
            below += 1
        total = (tr._("staff.report.total"), tr.number(report.paid_count), tr.money(report.paid_amount))
        for column, text in enumerate(total, start=1):
            figure = cell(text, "total", right=column > 1)
            figure.setObjectName(f"staff-report-total-{column}")
            grid.addWidget(figure, below, column)
        show_all(grid)
