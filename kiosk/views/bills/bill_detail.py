"""One bill, laid out so that a customer can check it by hand: the meter readings, each tier's kWh × price =
amount, subtotal, VAT and total, and why the tier limits are what they are: for a normal bill the formula of
tier 1 (monthly size × the period's days ÷ the days of the month before the billing month × households), for a
bill that spans a price change each part with its days, prices, kWh and tier 1.

"Pay this bill" (an unpaid bill only) and the print button are pinned below the screen's pages, so that they are
in view however many pages a long bill needs; paying a bill pays the older unpaid ones with it (older debts
first), and the screen says so right after the status. The halves share the width equally, so that the facts and
the explanation take fewer lines."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from kiosk.central.models import Bill, Tariffs
from kiosk.customer.bill_parts import BillPart, bill_parts, sizing_month, tier_sizing
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import BillDetail
from kiosk.language.catalogs import N_, Translator
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.bill_text import bill_name, period, show_status, status_tag
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import Cell, CellGrid, Columns, button, column, label


class BillDetailScreen(Screen):
    print_requested = Signal()
    pay_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._bill: Bill | None = None
        self._tariffs: Tariffs | None = None
        self._can_print = False
        self._heading = label("title")
        self._status = status_tag()
        self._facts = QGridLayout()
        self._facts.setHorizontalSpacing(24)
        self._facts.setVerticalSpacing(8)
        facts = QWidget()
        facts.setLayout(self._facts)
        self._facts.setContentsMargins(0, 0, 0, 0)
        self._facts.setColumnStretch(1, 1)
        self._fact_cells = CellGrid(self._facts)
        self._explain = label("notice")
        self._explain.setObjectName("bill-explanation")
        self._table = QGridLayout()
        self._table.setHorizontalSpacing(0)
        self._table.setVerticalSpacing(0)
        table = QWidget()
        table.setObjectName("tier-table")
        table.setLayout(self._table)
        self._table.setContentsMargins(0, 0, 0, 0)
        for col, stretch in enumerate((2, 3, 2, 3, 3)):
            self._table.setColumnStretch(col, stretch)
        # Kept while the next bill has the same rows (Back, another bill of the same shape, a language switch).
        self._table_cells = CellGrid(self._table)
        self._pay = button("primary")
        self._pay.setObjectName("bill-pay")
        self._pay.clicked.connect(self.pay_requested)
        self._pay_with_older = label("muted")
        self._pay_with_older.setObjectName("bill-pay-with-older")
        self._payable = 0
        # Paying is this screen's main action where it is offered; printing the notice is the second one.
        self._print = button()
        self._print.setObjectName("bill-print")
        self._print.clicked.connect(self.print_requested)
        self._invoice = label("muted")

        # Without a bill to pay, printing the notice is what the customer came for.
        mark_main_action(self._print)
        left = column(self._heading, self._status, self._pay_with_older, facts, spacing=20)
        right = column(table, self._invoice, spacing=20)
        self._left_box, self._right_box = cast(QVBoxLayout, left.layout()), cast(QVBoxLayout, right.layout())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(Columns(left, right, stretch=(1, 1)))
        self.pin(self._print, self._pay)
        self.retranslate()

    def title(self) -> str:
        return self._tr._("bill.title")

    def set_printing(self, available: bool) -> None:
        """Whether this kiosk has a printer (or a preview of one) for bill notices."""
        self._can_print = available

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, BillDetail):
            self._bill = state.bill
            self._tariffs = state.tariffs
            self._payable = state.payable
            self.retranslate()

    def clear(self) -> None:
        self._bill = None
        self._tariffs = None
        self._payable = 0
        self._fact_cells.blank()
        self._table_cells.blank()
        for widget in (self._heading, self._explain, self._invoice, self._status):
            widget.clear()

    def retranslate(self) -> None:
        tr = self._tr
        self._print.setText(tr._("bill.print"))
        self._pay.setText(tr._("bill.pay"))
        older = self._payable - 1
        self._pay.setVisible(self._payable > 0)
        self._pay_with_older.setVisible(older > 0)
        self._pay_with_older.setText(tr.ngettext("bill.pay_with_older", max(older, 1), n=older))
        bill = self._bill
        if bill is None:
            return
        self._heading.setText(bill_name(tr, bill))
        show_status(tr, self._status, bill)
        self._print.setVisible(self._can_print and bill.status != "paid")
        self._invoice.setText(
            tr._(
                "bill.invoice",
                serial=bill.invoice_serial,
                number=bill.invoice_number,
                due=tr.date(bill.due_date),
            )
        )
        self._fill_facts(bill)
        self._fill_table(bill)
        self._explain.setText(self._explanation(bill))
        self._place_explanation(bill)

    def _place_explanation(self, bill: Bill) -> None:
        """Under the shorter column: a split bill's table fills the right side, while a payable bill's actions
        fill the left; either way the explanation must not push the other column's end off a 1080p screen."""
        box = self._left_box if len(bill.segments) > 1 else self._right_box
        if box.indexOf(self._explain) >= 0:
            return
        box.insertWidget(box.count() - 1, self._explain)  # before the column's closing stretch
        self._explain.show()  # a widget moved to another parent is hidden until shown again

    def _fill_facts(self, bill: Bill) -> None:
        tr = self._tr
        facts = (
            (
                N_("bill.fact.period"),
                tr.ngettext("bill.period_days", bill.days, period=period(tr, bill), n=bill.days),
            ),
            (N_("bill.fact.meter"), bill.meter_serial),
            (N_("bill.fact.opening"), tr.number(bill.opening_index)),
            (N_("bill.fact.closing"), tr.number(bill.closing_index)),
            (N_("bill.fact.multiplier"), tr.number(bill.multiplier)),
            (
                N_("bill.fact.kwh"),
                tr._(
                    "bill.kwh_formula",
                    closing=tr.number(bill.closing_index),
                    opening=tr.number(bill.opening_index),
                    multiplier=tr.number(bill.multiplier),
                    kwh=tr.kwh(bill.kwh),
                ),
            ),
            (N_("bill.fact.households"), tr.number(bill.households)),
        )
        cells: list[Cell] = []
        for row, (key, value) in enumerate(facts):
            cells.append(Cell(tr._(key), "muted", row, 0))
            cells.append(Cell(value, "cell-strong", row, 1, name=f"fact-{key.rsplit('.', 1)[1]}", data=True))
        self._fact_cells.show_cells(cells)

    def _fill_table(self, bill: Bill) -> None:
        tr = self._tr
        heads = (
            N_("bill.col.tier"),
            N_("bill.col.limit"),
            N_("bill.col.kwh"),
            N_("bill.col.price"),
            N_("bill.col.amount"),
        )
        cells = [Cell(tr._(key), "cell-head", 0, col, right=col > 0) for col, key in enumerate(heads)]
        row = 1
        parts = bill_parts(bill)
        for number, part in enumerate(parts, start=1):
            if len(parts) > 1:
                cells.append(Cell(self._part_heading(part, number), "cell-strong", row, 0, 1, 5))
                row += 1
            for line in part.lines:
                limit = tr.number(line.limit_kwh) if line.limit_kwh is not None else tr._("bill.no_limit")
                texts = (
                    tr._("bill.tier", tier=line.tier),
                    limit,
                    tr.number(line.kwh),
                    tr._("bill.times_price", price=tr.money(line.unit_price)),
                    tr._("bill.equals_amount", amount=tr.money(line.amount)),
                )
                for col, text in enumerate(texts):
                    cells.append(
                        Cell(text, "cell", row, col, right=col > 0, name=f"tier-{number}-{line.tier}-{col}")
                    )
                row += 1
        sums = [(tr._("bill.subtotal"), tr.money(bill.subtotal), "cell-strong", "sum-subtotal")]
        for i, vat in enumerate(bill.vat_lines):
            text = tr._("bill.vat_line", rate=tr.percent(vat.rate), base=tr.money(vat.base))
            sums.append((text, tr.money(vat.amount), "cell", f"sum-vat-{i}"))
        sums.append((tr._("bill.total"), tr.money(bill.total), "total", "sum-total"))
        for name, amount, role, object_name in sums:
            cells.append(Cell(name, role, row, 0, 1, 3))
            cells.append(Cell(amount, role, row, 3, 1, 2, right=True, name=object_name))
            row += 1
        self._table_cells.show_cells(cells)

    def _part_heading(self, part: BillPart, number: int) -> str:
        tr = self._tr
        return tr._(
            "bill.part",
            number=number,
            start=tr.date(part.start),
            end=tr.date(part.end),
            days=tr.number(part.days),
            kwh=tr.kwh(part.kwh),
            decision=part.decision,
        )

    def _days(self, days: int) -> str:
        return self._tr.ngettext("bill.n_days", days)

    def _households(self, households: int) -> str:
        return self._tr.ngettext("bill.n_households", households)

    def _explanation(self, bill: Bill) -> str:
        tr = self._tr
        parts = bill_parts(bill)
        if len(parts) > 1:
            return self._split_explanation(bill, parts)
        sizing = tier_sizing(bill, self._tariffs)
        if sizing is None:
            return tr._("bill.explain.no_tiers")
        if sizing.standard_kwh is None or sizing.month_days is None:
            return tr.ngettext(
                "bill.explain.short",
                sizing.households,
                days=tr.number(sizing.days),
                limit=tr.kwh(sizing.limit_kwh),
            )
        return tr._(
            "bill.explain.tiers",
            standard=tr.kwh(sizing.standard_kwh),
            days=self._days(sizing.days),
            month_days=self._days(sizing.month_days),
            month=tr.month(sizing_month(bill)),
            households=self._households(sizing.households),
            limit=tr.kwh(sizing.limit_kwh),
        )

    def _split_explanation(self, bill: Bill, parts: tuple[BillPart, ...]) -> str:
        """How the kWh were shared between the parts and how big tier 1 is in each: one line per part."""
        tr = self._tr
        count = len(parts)
        if bill.month_days is None:
            paragraphs = [tr.ngettext("bill.explain.split.short", count)]
        else:
            paragraphs = [
                tr.ngettext(
                    "bill.explain.split",
                    count,
                    kwh=tr.kwh(bill.kwh),
                    month_days=self._days(bill.month_days),
                    month=tr.month(sizing_month(bill)),
                    households=self._households(bill.households),
                )
            ]
        for number, part in enumerate(parts, start=1):
            fields = {
                "number": number,
                "days": self._days(part.days),
                "decision": part.decision,
                "kwh": tr.kwh(part.kwh),
            }
            if part.first_limit is None:
                paragraphs.append(tr._("bill.explain.part.empty", **fields))
            else:
                paragraphs.append(tr._("bill.explain.part", limit=tr.kwh(part.first_limit), **fields))
        return "\n".join(paragraphs)
