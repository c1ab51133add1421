"""Receipts and slips staff can print again, newest first: what each is, its reference, when it was made and
whether the printer confirmed it, with a Reprint button on each.

The print journal keeps a whole day of them, more than a panel shows at a readable size, so the list comes in
pages of :data:`PAGE_SIZE` with "Newer" and "Older" buttons, rather than scrolling a long list by finger.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.flows.states import ScreenState
from kiosk.flows.states.staff import StaffPrintouts
from kiosk.language.catalogs import N_, Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.payments.receipt import RECEIPT_KIND
from kiosk.requests.slip import SLIP_KIND
from kiosk.staff.health import Printout
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import (
    SIDE_BY_SIDE_PX,
    button,
    drop_all,
    label,
    room_width,
    set_role,
    show_all,
    tag_label,
)
from kiosk.views.staff.parts import Mark, NoticeLine, PairRow, StatusMark
from kiosk.views.theme import Look

PAGE_SIZE = 8

# The print journal's kinds (kiosk.shell.app, kiosk.staff.desk). The reprint list holds receipts and slips; the others
# are here so that a list that one day holds them names them too.
_KINDS: dict[str, str] = {
    RECEIPT_KIND: N_("staff.printout.receipt"),
    SLIP_KIND: N_("staff.printout.slip"),
    "bill_notice": N_("staff.printout.bill_notice"),
    "outage_schedule": N_("staff.printout.outage_schedule"),
    "test_page": N_("staff.printout.test_page"),
    "end_of_day_report": N_("staff.printout.day_report"),
    "day_report": N_("staff.printout.day_report"),
}

_MARGIN_PX = 48  # the screen's margin each side


def printout_kind(tr: Translator, kind: str) -> str:
    if kind in _KINDS:
        return tr._(_KINDS[kind])
    return tr._("staff.printout.other", kind=kind)


class PrintoutCard(QWidget):
    """One printout: its kind and whether it came out (words, tag and mark), its reference and time, Reprint."""

    def __init__(self, tr: Translator, printout: Printout) -> None:
        super().__init__()
        self.setObjectName(f"staff-printout-{printout.job_id}")
        self.setProperty("role", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._tr = tr
        self.printout = printout
        self.kind = label("cell-strong")
        self.kind.setIndent(0)  # a padded label also indents its text; the detail under it does not
        self.mark = StatusMark()
        self.status = tag_label()
        status = QWidget()
        status_row = QHBoxLayout(status)
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.setSpacing(8)
        status_row.addWidget(self.mark)
        status_row.addWidget(self.status)
        # The reference and the time in one text that wraps between them: a reference never breaks.
        self.detail = label("muted")
        self.detail.setContentsMargins(8, 0, 8, 0)  # under the kind's cell padding
        self.reprint = button()
        self.reprint.setObjectName(f"staff-reprint-{printout.job_id}")
        about = QVBoxLayout()
        about.setSpacing(4)
        about.addWidget(PairRow(self.kind, status))
        about.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 12, 20, 12)
        row.setSpacing(16)
        row.addLayout(about, 1)
        row.addWidget(self.reprint, 0, Qt.AlignmentFlag.AlignVCenter)
        self.retranslate()

    def retranslate(self) -> None:
        tr, printout = self._tr, self.printout
        kind = printout_kind(tr, printout.kind)
        self.kind.setText(kind)
        self.detail.setText(
            tr._(
                "staff.printout.detail",
                reference=printout.reference,
                time=tr.datetime(printout.created_at.astimezone(VIETNAM)),
            )
        )
        if printout.printed:
            self.status.setText(tr._("staff.printout.printed"))
            set_role(self.status, "tag")
            self.mark.set_mark(Mark.OK)
        else:
            self.status.setText(tr._("staff.printout.not_printed"))
            set_role(self.status, "tag-warning")
            self.mark.set_mark(Mark.WARN)
        self.reprint.setText(tr._("staff.printout.reprint"))
        self.reprint.setAccessibleName(
            tr._("staff.printout.reprint.name", kind=kind, reference=printout.reference)
        )


class StaffPrintoutsScreen(Screen):
    reprint_requested = Signal(int)  # the print journal's job id

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: StaffPrintouts | None = None
        self._page = 0
        self._cards: list[PrintoutCard] = []
        self._columns = 1
        self._notice = NoticeLine("staff-printouts-notice")
        self._heading = label("heading")
        self._none = label("notice")
        self._none.setObjectName("staff-printouts-none")
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(16)
        self._showing = label()
        self._showing.setObjectName("staff-printouts-showing")
        self._newer = button()
        self._newer.setObjectName("staff-printouts-newer")
        self._newer.clicked.connect(lambda: self._turn(-1))
        self._older = button()
        self._older.setObjectName("staff-printouts-older")
        self._older.clicked.connect(lambda: self._turn(1))
        pages = QHBoxLayout()
        pages.setSpacing(24)
        pages.addWidget(self._showing, 1)
        pages.addWidget(self._newer)
        pages.addWidget(self._older)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_MARGIN_PX, 32, _MARGIN_PX, 32)
        layout.setSpacing(24)
        layout.addWidget(self._notice)
        layout.addWidget(self._heading)
        layout.addWidget(self._none)
        layout.addLayout(self._grid)
        layout.addLayout(pages)
        layout.addStretch()
        self.retranslate()

    def title(self) -> str:
        return self._tr._("staff.printouts.title")

    def show_state(self, state: ScreenState) -> None:
        if not isinstance(state, StaffPrintouts):
            return
        # After a reprint (a notice) staff stay on the page they were on; coming from the staff home, the newest.
        page = self._page if state.notice is not None else 0
        self._state = state
        self._page = min(page, self._last_page())
        self._fill()
        self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._page = 0
        self._fill()
        self._notice.show_notice(self._tr, None)
        self._showing.clear()

    def _items(self) -> tuple[Printout, ...]:
        return self._state.items if self._state is not None else ()

    def _last_page(self) -> int:
        return max(0, (len(self._items()) - 1) // PAGE_SIZE)

    def _turn(self, step: int) -> None:
        self._page = max(0, min(self._last_page(), self._page + step))
        self._fill()
        self.retranslate()

    def _fill(self) -> None:
        drop_all(self._grid)
        start = self._page * PAGE_SIZE
        self._cards = [PrintoutCard(self._tr, p) for p in self._items()[start : start + PAGE_SIZE]]
        for card in self._cards:
            card.reprint.clicked.connect(
                lambda _=False, job=card.printout.job_id: self.reprint_requested.emit(job)
            )
        if self._cards:
            # The printout staff most often reprint: the newest on the list, for the customer still at the kiosk.
            mark_main_action(self._cards[0].reprint)
        self._place()

    def _place(self) -> None:
        # Newest first, reading down the first column and then the second, like a printed list.
        per_column = -(-len(self._cards) // self._columns) if self._cards else 0
        for i, card in enumerate(self._cards):
            self._grid.addWidget(card, i % per_column, i // per_column)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)
        show_all(self._grid)

    def set_look(self, look: Look) -> None:
        self._arrange(room_width(self, self.width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(room_width(self, event.size().width()))
        super().resizeEvent(event)

    def _arrange(self, width: int) -> None:
        widest = max((card.minimumSizeHint().width() for card in self._cards), default=0)
        room = width - 2 * _MARGIN_PX - self._grid.horizontalSpacing()
        # Two columns on a landscape panel, unless a large text size makes a card too wide for half of it.
        columns = 2 if width >= SIDE_BY_SIDE_PX and 2 * widest <= room else 1
        if columns != self._columns:
            self._columns = columns
            for card in self._cards:
                self._grid.removeWidget(card)
            self._place()

    def retranslate(self) -> None:
        tr = self._tr
        items = self._items()
        self._heading.setText(tr._("staff.printouts.heading"))
        self._none.setText(tr._("staff.printouts.none"))
        self._none.setVisible(self._state is not None and not items)
        self._newer.setText(tr._("staff.printouts.newer"))
        self._older.setText(tr._("staff.printouts.older"))
        paged = len(items) > PAGE_SIZE
        self._newer.setVisible(paged)
        self._older.setVisible(paged)
        self._newer.setEnabled(self._page > 0)
        self._older.setEnabled(self._page < self._last_page())
        for card in self._cards:
            card.retranslate()
        if not items:
            self._showing.clear()
            self._showing.hide()
        else:
            first = self._page * PAGE_SIZE + 1
            last = first + len(self._cards) - 1
            self._showing.setText(tr._("staff.printouts.showing", first=first, last=last, total=len(items)))
            self._showing.show()
        if self._state is not None:
            self._notice.show_notice(tr, self._state.notice)
