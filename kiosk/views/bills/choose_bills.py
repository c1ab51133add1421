"""Which bills to pay now: all unpaid bills are chosen, oldest first; leaving one for later leaves every newer
one for later too, because older debts are settled first.

Each row starts with a check box and its words ("Trả lần này" ✓ / "Để lần sau"), which say what this payment
does with the bill; the bill's own status (all are unpaid here) is shown only when it says more (overdue, a
payment in flight), so that the choice is never read as the bill's status."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from kiosk.central.models import Bill
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import ChooseBills
from kiosk.language.catalogs import Translator
from kiosk.views.parts.bill_text import bill_name, period, show_status, status_tag
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import RowButton, button, label, show_all

CHECK_BOX_PX = 48


class CheckBox(QWidget):
    """A drawn check box: an empty square, or one with a bold tick. It only shows; the row takes the tap."""

    def __init__(self) -> None:
        super().__init__()
        self.checked = False
        self.setFixedSize(CHECK_BOX_PX, CHECK_BOX_PX)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(CHECK_BOX_PX, CHECK_BOX_PX)

    def set_checked(self, checked: bool) -> None:
        if checked != self.checked:
            self.checked = checked
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        # The text colour of the theme (the style sheet sets the palette on polish), so it follows high contrast.
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(3, 3, CHECK_BOX_PX - 6, CHECK_BOX_PX - 6)
        painter.setPen(QPen(ink, 4))
        painter.drawRoundedRect(box, 6, 6)
        if self.checked:
            # In the ink colour on the row's own background: the row's fill differs by theme and state.
            tick = QPainterPath(QPointF(11, 25))
            tick.lineTo(QPointF(20, 34))
            tick.lineTo(QPointF(37, 14))
            pen = QPen(ink, 7)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(tick)
        painter.end()


class ChoiceRow(RowButton):
    def __init__(self, tr: Translator, bill: Bill, index: int) -> None:
        super().__init__(f"choice-row-{index}")
        self.setCheckable(True)
        self._tr = tr
        self._bill = bill
        self.box = CheckBox()
        self.choice = label(
            "heading", wrap=False
        )  # the words say chosen or not: never the box or colour alone
        self.choice.setObjectName(f"choice-words-{index}")
        self.name = label("heading")
        self.amount = label("heading")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.period = label("muted")
        self.status = status_tag()
        self.put(self.box, 0, 0, Qt.AlignmentFlag.AlignVCenter)
        self.put(self.choice, 0, 1)
        self.put(self.name, 0, 2)
        self.put(self.amount, 0, 3)
        self.put(self.period, 1, 2)
        self.put(self.status, 1, 3, Qt.AlignmentFlag.AlignRight)
        self.grid.setColumnStretch(2, 3)
        self.grid.setColumnStretch(3, 2)

    def set_bill(self, bill: Bill) -> None:
        """Shows another bill in this row (the next customer's list of as many bills keeps its rows)."""
        self._bill = bill

    def present(self, chosen: bool) -> None:
        tr, bill = self._tr, self._bill
        self.setChecked(chosen)
        self.box.set_checked(chosen)
        words = (tr._("choose.chosen"), tr._("choose.not_chosen"))
        self.choice.setText(words[0] if chosen else words[1])
        # As wide as the longer words in every row, so that the bills' names line up.
        self.choice.ensurePolished()
        metrics = self.choice.fontMetrics()
        self.choice.setMinimumWidth(max(metrics.horizontalAdvance(w) for w in words) + 8)
        self.name.setText(bill_name(tr, bill))
        self.amount.setText(tr.money(bill.total))
        self.period.setText(period(tr, bill))
        show_status(tr, self.status, bill)
        # Every bill here is unpaid: a plain "unpaid" tag beside "Để lần sau" would read as a second choice.
        self.status.setVisible(bill.status != "unpaid")
        self.setAccessibleName(f"{self.choice.text()}: {self.name.text()}, {self.amount.text()}")


class ChooseBillsScreen(Screen):
    bill_toggled = Signal(int)
    continue_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: ChooseBills | None = None
        self._rows: list[ChoiceRow] = []
        self._intro = label()
        self._intro.setObjectName("choose-intro")
        self._list = QVBoxLayout()
        self._list.setSpacing(16)
        self._total = label("title")
        self._total.setObjectName("choose-total")
        self._continue = button("primary")
        self._continue.setObjectName("choose-continue")
        self._continue.clicked.connect(self.continue_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._intro)
        layout.addLayout(self._list)
        layout.addStretch()
        # Below the pages, always in view however many bills there are: what this payment adds up to, beside
        # the button that pays it.
        self.pin(self._total, self._continue)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("choose.title")

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, ChooseBills):
            if self._state is None or state.unpaid is not self._state.unpaid:
                self._set_rows(state.unpaid.bills)
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._set_rows([])
        self._total.clear()

    def _set_rows(self, bills: list[Bill]) -> None:
        if len(bills) == len(self._rows) and bills:
            # As many bills as the rows shown: the rows take the new bills (retranslate fills them in).
            for row, bill in zip(self._rows, bills, strict=True):
                row.set_bill(bill)
            return
        for row in self._rows:
            self._list.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._rows = [ChoiceRow(self._tr, bill, i) for i, bill in enumerate(bills)]
        for i, row in enumerate(self._rows):
            row.clicked.connect(lambda _=False, index=i: self.bill_toggled.emit(index))
            self._list.addWidget(row)
        show_all(self._list)

    def retranslate(self) -> None:
        tr = self._tr
        state = self._state
        # The rule in one sentence, only where there is a choice to make: one bill is simply paid.
        several = state is not None and len(state.unpaid.bills) > 1
        self._intro.setText(tr._("choose.intro"))
        self._intro.setVisible(state is None or several)
        if state is None:
            return
        bills = state.unpaid.bills
        for i, row in enumerate(self._rows):
            row.present(i < state.selected)
        chosen = bills[: state.selected]
        total = sum(b.total for b in chosen)
        self._total.setText(tr.ngettext("choose.total", len(chosen), n=len(chosen), amount=tr.money(total)))
        self._continue.setText(tr._("choose.continue"))
