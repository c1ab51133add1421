"""The first staff screen after the PIN: whether the kiosk can serve customers (printer, central, what is
waiting for staff), the outcome of the last staff action, and the staff actions.

Each line of the kiosk's health is said in words and marked with a drawn symbol (a tick, an exclamation mark,
a cross), so that nothing depends on colour. The symbols are drawn rather than typed because the kiosk's font
has none of them. The marks, the notice line, the button grid and the pair row (two texts side by side where
they fit, stacked at a large text size) are shared by the other staff screens.
"""

from __future__ import annotations

import re
from typing import assert_never

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.session import TextSize
from kiosk.flows.states import ScreenState
from kiosk.flows.states.staff import StaffHome
from kiosk.language.catalogs import N_, Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.staff.health import CentralState, KioskHealth
from kiosk.views.layout_rule import mark_main_action
from kiosk.views.parts.screen import Screen
from kiosk.views.parts.widgets import SIDE_BY_SIDE_PX, button, label, room_width
from kiosk.views.staff.parts import ButtonGrid, Mark, NoticeLine, PairRow, StatusMark, section
from kiosk.views.theme import Look

# ---------------------------------------------------------------------------------------------- health
# Keyed by the printer status's text (``str(status)``): views may not import the device layer, and that text is
# the status type's stable form (``ready``, ``paper_out``, ``error(cutter)`` ...).
_PRINTER: dict[str, tuple[str, Mark]] = {
    "ready": (N_("staff.printer.ready"), Mark.OK),
    "paper_near_end": (N_("staff.printer.paper_low"), Mark.WARN),
    "paper_out": (N_("staff.printer.paper_out"), Mark.PROBLEM),
    "cover_open": (N_("staff.printer.cover_open"), Mark.PROBLEM),
    "offline": (N_("staff.printer.offline"), Mark.PROBLEM),
    "unknown": (N_("staff.printer.not_answering"), Mark.PROBLEM),
}
_PRINTER_FAULTS: dict[str, str] = {
    "cutter": N_("staff.printer.fault.cutter"),
    "mechanical": N_("staff.printer.fault.mechanical"),
    "unrecoverable": N_("staff.printer.fault.unrecoverable"),
    "overheat": N_("staff.printer.fault.overheat"),
    "driver": N_("staff.printer.fault.driver"),
}
_FAULT = re.compile(r"error\((\w+)\)")


def printer_words(tr: Translator, status: object | None) -> tuple[str, Mark]:
    """The printer's status in words: ``status`` is a ``PrinterStatus`` (None: no printer configured)."""
    if status is None:
        return tr._("staff.printer.none"), Mark.INFO
    text = str(status)
    if text in _PRINTER:
        key, mark = _PRINTER[text]
        return tr._(key), mark
    fault = _FAULT.fullmatch(text)
    kind = fault.group(1) if fault else text
    # A fault kind added to the device layer later still shows, by its code, until it has words here.
    words = tr._(_PRINTER_FAULTS[kind]) if kind in _PRINTER_FAULTS else kind
    return tr._("staff.printer.error", kind=words), Mark.PROBLEM


def central_words(tr: Translator, central: CentralState) -> tuple[str, Mark]:
    match central:
        case CentralState.REACHABLE:
            return tr._("staff.central.reachable"), Mark.OK
        case CentralState.UNREACHABLE:
            return tr._("staff.central.unreachable"), Mark.PROBLEM
        case CentralState.REFUSED:
            return tr._("staff.central.refused"), Mark.PROBLEM
        case _:
            assert_never(central)


class HealthLine(QWidget):
    """One line of the health card: a mark, what it is about, and its state in words (beside it where they
    fit, in line with the other lines' states; below it at a large text size)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.mark = StatusMark()
        self.name = label("cell-strong")
        self.name.setIndent(0)  # a padded label also indents its text; the value beside it does not
        self.value = label()
        self.value.setObjectName(name)
        self.value.setContentsMargins(8, 4, 8, 4)  # the name's cell padding: both lines start level
        self.pair = PairRow(self.name, self.value, spacing=8, column=True)
        beside = QVBoxLayout()
        beside.addSpacing(4)  # the cell padding above the name's first line: the mark sits level with it
        beside.addWidget(self.mark)
        beside.addStretch()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addLayout(beside)
        row.addWidget(self.pair, 1)

    def show_line(self, name: str, value: str, mark: Mark | None) -> None:
        self.name.setText(name)
        self.value.setText(value)
        self.mark.set_mark(mark)

    def clear(self) -> None:
        self.value.clear()
        self.mark.set_mark(None)


class HealthCard(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("staff-health")
        self.setProperty("role", "card")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 16, 24, 16)
        box.setSpacing(8)
        names = ("printer", "central", "heartbeat", "outbox", "payments", "printouts", "refused", "kiosk")
        self.lines = {n: HealthLine(f"staff-health-{n}") for n in names}
        for line in self.lines.values():
            box.addWidget(line)

    def show_health(self, tr: Translator, health: KioskHealth) -> None:
        lines = self.lines
        printer, printer_mark = printer_words(tr, health.printer)
        lines["printer"].show_line(tr._("staff.health.printer"), printer, printer_mark)
        central, central_mark = central_words(tr, health.central)
        lines["central"].show_line(tr._("staff.health.central"), central, central_mark)
        heartbeat = tr._("staff.health.heartbeat")
        if health.heartbeat_at is None:
            lines["heartbeat"].show_line(heartbeat, tr._("staff.health.heartbeat_never"), Mark.WARN)
        else:
            lines["heartbeat"].show_line(
                heartbeat, tr.datetime(health.heartbeat_at.astimezone(VIETNAM)), Mark.INFO
            )
        outbox = health.outbox_depth
        lines["outbox"].show_line(
            tr._("staff.health.outbox"), tr.number(outbox), Mark.WARN if outbox else Mark.OK
        )
        payments = health.pending_payments
        lines["payments"].show_line(
            tr._("staff.health.payments"), tr.number(payments), Mark.INFO if payments else Mark.OK
        )
        prints = health.prints_for_staff
        lines["printouts"].show_line(
            tr._("staff.health.printouts"), tr.number(prints), Mark.WARN if prints else Mark.OK
        )
        refused = health.refused_requests
        if refused:
            words = tr.ngettext("staff.health.refused_call_back", refused, n=refused)
            lines["refused"].show_line(tr._("staff.health.refused"), words, Mark.PROBLEM)
        else:
            lines["refused"].show_line(tr._("staff.health.refused"), tr.number(0), Mark.OK)
        lines["kiosk"].show_line(
            tr._("staff.health.kiosk"),
            tr._("staff.health.kiosk_version", kiosk=health.kiosk_id, version=health.version),
            None,
        )
        self.fit_names()

    def clear(self) -> None:
        for line in self.lines.values():
            line.clear()

    def fit_names(self) -> None:
        """The states start in line, after the longest name, up to 60% of the card (past that, lines whose
        name and state do not fit side by side put the state below)."""
        widest = max(line.pair.first_width() for line in self.lines.values())
        room = min(line.pair.width() for line in self.lines.values())
        for line in self.lines.values():
            line.pair.set_column(min(widest, int(room * 0.6)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_names()


# ---------------------------------------------------------------------------------------------- the screen
class StaffHomeScreen(Screen):
    test_print_requested = Signal()
    paper_replaced_requested = Signal()
    printouts_requested = Signal()
    pending_requested = Signal()
    report_requested = Signal()
    assist_requested = Signal()
    language_chosen = Signal(str)  # "vi" or "en": the language new customers start in
    refresh_requested = Signal()
    leave_requested = Signal()

    def __init__(self, tr: Translator) -> None:
        super().__init__(tr)
        self._state: StaffHome | None = None
        self._notice = NoticeLine("staff-notice")
        self._health_heading = label("heading")
        self._health = HealthCard()
        self._refresh = self._action("staff-refresh", self.refresh_requested)

        self._test_print = self._action("staff-test-print", self.test_print_requested)
        self._paper = self._action("staff-paper-replaced", self.paper_replaced_requested)
        self._printouts = self._action("staff-printouts", self.printouts_requested)
        self._pending = self._action("staff-pending", self.pending_requested)
        self._report = self._action("staff-report", self.report_requested)
        self._assist = self._action("staff-assist", self.assist_requested)
        self._actions = ButtonGrid(
            (
                self._test_print,
                self._paper,
                self._printouts,
                self._pending,
                self._report,
                self._assist,
                self._refresh,
            )
        )
        self._actions.setObjectName("staff-actions")
        mark_main_action(self._actions)  # the everyday staff actions: always wholly in view
        self._language = label()
        self._language.setObjectName("staff-language")
        self._chips: dict[str, QPushButton] = {}
        chips = QHBoxLayout()
        chips.setSpacing(16)
        for language in ("vi", "en"):
            chip = button("chip")
            chip.setObjectName(f"staff-language-{language}")
            chip.setCheckable(True)
            chip.clicked.connect(lambda _=False, lang=language: self._choose(lang))
            self._chips[language] = chip
            chips.addWidget(chip)
        chips.addStretch()
        self._leave = self._action("staff-leave", self.leave_requested, role="danger")

        self._health_half = section(self._health_heading, self._health)
        self._actions_half = actions = QWidget()
        self._actions_box = actions_box = QVBoxLayout(actions)
        actions_box.setContentsMargins(0, 0, 0, 0)
        actions_box.setSpacing(16)
        actions_box.addWidget(self._actions)
        actions_box.addWidget(self._language)
        actions_box.addLayout(chips)
        # Apart from the everyday actions: at the foot of its half on a landscape panel, after a gap on a portrait one.
        actions_box.addStretch()
        actions_box.addSpacing(32)
        actions_box.addWidget(self._leave, 0, Qt.AlignmentFlag.AlignRight)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addWidget(self._notice)
        self._halves = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._halves.setSpacing(48)
        layout.addLayout(self._halves)
        layout.addStretch()
        self._side_by_side: bool | None = None
        self._normal_text = True
        self._arrange(side_by_side=True)
        self.retranslate()

    def _arrange(self, *, side_by_side: bool) -> None:
        """Side by side on a landscape panel at the normal text size, the health on the left and the actions
        (the wider half: two columns of buttons whose words must not be cut) on the right; else one above the
        other, the actions first, so that the everyday buttons are wholly on the first page."""
        if side_by_side == self._side_by_side:
            return
        self._side_by_side = side_by_side
        for half in (self._health_half, self._actions_half):
            self._halves.removeWidget(half)
        # The outcome of the last action: above both halves side by side; stacked, right under the buttons, so
        # that a notice does not push them off the first page.
        self._layout.removeWidget(self._notice)
        self._actions_box.removeWidget(self._notice)
        if side_by_side:
            self._layout.insertWidget(0, self._notice)
        else:
            self._actions_box.insertWidget(1, self._notice)
        if side_by_side:
            self._halves.setDirection(QBoxLayout.Direction.LeftToRight)
            self._halves.addWidget(self._health_half, 5)
            self._halves.addWidget(self._actions_half, 7)
        else:
            self._halves.setDirection(QBoxLayout.Direction.TopToBottom)
            self._halves.addWidget(self._actions_half)
            self._halves.addWidget(self._health_half)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(
            side_by_side=self._normal_text and room_width(self, event.size().width()) >= SIDE_BY_SIDE_PX
        )
        super().resizeEvent(event)

    def _action(self, name: str, intent: SignalInstance, *, role: str = "") -> QPushButton:
        widget = button(role)
        widget.setObjectName(name)
        widget.clicked.connect(intent)
        return widget

    def _choose(self, language: str) -> None:
        # The chip shows the saved language until the flow says it changed, not what was just tapped.
        self._show_language()
        self.language_chosen.emit(language)

    def title(self) -> str:
        return self._tr._("staff.home.title")

    def set_look(self, look: Look) -> None:
        self._normal_text = look.text_size is TextSize.NORMAL
        self._arrange(side_by_side=self._normal_text and room_width(self, self.width()) >= SIDE_BY_SIDE_PX)
        # A new text size changes what fits, whether or not the screen changes size.
        self._actions.refit()
        self._health.fit_names()
        for row in self.findChildren(PairRow):
            row.refit()

    def show_state(self, state: ScreenState) -> None:
        if isinstance(state, StaffHome):
            self._state = state
            self.retranslate()

    def clear(self) -> None:
        self._state = None
        self._health.clear()
        self._notice.show_notice(self._tr, None)
        self._show_language()

    def retranslate(self) -> None:
        tr, state = self._tr, self._state
        self._health_heading.setText(tr._("staff.home.health"))
        self._refresh.setText(tr._("staff.home.refresh"))
        self._test_print.setText(tr._("staff.home.test_print"))
        self._paper.setText(tr._("staff.home.paper_replaced"))
        self._printouts.setText(tr._("staff.home.printouts"))
        self._pending.setText(tr._("staff.home.pending"))
        self._report.setText(tr._("staff.home.report"))
        self._assist.setText(tr._("staff.home.assist"))
        self._leave.setText(tr._("staff.home.leave"))
        self._chips["vi"].setText(tr._("staff.language.vi"))
        self._chips["en"].setText(tr._("staff.language.en"))
        self._actions.refit()
        self._show_language()
        if state is None:
            return
        self._health.show_health(tr, state.health)
        self._notice.show_notice(tr, state.notice, state.printed)

    def _show_language(self) -> None:
        tr = self._tr
        chosen = self._state.health.default_language if self._state is not None else None
        for language, chip in self._chips.items():
            chip.setChecked(language == chosen)
        if chosen == "vi":
            self._language.setText(tr._("staff.language.default_vi"))
        elif chosen == "en":
            self._language.setText(tr._("staff.language.default_en"))
        else:
            self._language.setText(tr._("staff.language.default"))
