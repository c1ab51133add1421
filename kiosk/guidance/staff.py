"""What assisted mode says on the staff screens (a staff member may have it on while helping a customer): where
they are and what needs them, nothing more."""

from __future__ import annotations

from typing import assert_never

from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffNotice,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.guidance import spoken
from kiosk.guidance.phrases import sentences
from kiosk.language.catalogs import Translator
from kiosk.printing.printer_status import PrinterFault, PrinterState, PrinterStatus
from kiosk.staff.health import CentralState, KioskHealth
from kiosk.staff.pin_gate import PinCheck, PinVerdict


# ---------------------------------------------------------------------------------------------- staff mode
# Staff are not the customers assisted mode is for, but a staff member may have it on while helping one: the
# texts say where they are and what needs them, nothing more.
def staff_pin(state: StaffPin, tr: Translator) -> str:
    check = state.check
    if check is None:
        return tr._("say.staff_pin")
    return pin_refusal(check, tr)


def pin_refusal(check: PinCheck, tr: Translator) -> str:
    wait = spoken.duration(check.wait_seconds, tr)
    match check.verdict:
        case PinVerdict.OPEN:
            return tr._("say.staff_pin")
        case PinVerdict.WRONG if check.wait_seconds > 0:
            return tr._("say.staff_pin.wrong_wait", wait=wait)
        case PinVerdict.WRONG if check.tries_before_lockout is not None:
            tries = check.tries_before_lockout
            return tr.ngettext("say.staff_pin.wrong", tries, count=spoken.number(tries, tr))
        case PinVerdict.WRONG:
            return tr._("say.staff_pin.wrong_again")
        case PinVerdict.WAIT:
            return tr._("say.staff_pin.wait", wait=wait)
        case PinVerdict.LOCKED:
            return tr._("say.staff_pin.locked", wait=wait)
        case PinVerdict.NOT_SET:
            return tr._("say.staff_pin.not_set")
        case _:
            assert_never(check.verdict)


def staff_notice(notice: StaffNotice | None, printed: int, tr: Translator) -> str | None:
    match notice:
        case None:
            return None
        case StaffNotice.TEST_PRINTED:
            return tr._("say.staff.notice.test_printed")
        case StaffNotice.PRINT_FAILED:
            return tr._("say.staff.notice.print_failed")
        case StaffNotice.PAPER_READY if printed > 0:
            return tr.ngettext(
                "say.staff.notice.paper_ready_printed", printed, count=spoken.number(printed, tr)
            )
        case StaffNotice.PAPER_READY:
            return tr._("say.staff.notice.paper_ready")
        case StaffNotice.PAPER_STILL_OUT:
            return tr._("say.staff.notice.paper_still_out")
        case StaffNotice.REPRINTED:
            return tr._("say.staff.notice.reprinted")
        case StaffNotice.SENDING:
            return tr._("say.staff.notice.sending")
        case StaffNotice.LANGUAGE_SET:
            return tr._("say.staff.notice.language_set")
        case StaffNotice.REPORT_PRINTED:
            return tr._("say.staff.notice.report_printed")
        case _:
            assert_never(notice)


def printer(status: PrinterStatus | None, tr: Translator) -> str:
    match status:
        case None:
            return tr._("say.staff.printer.none")
        case PrinterState.READY:
            return tr._("say.staff.printer.ready")
        case PrinterState.PAPER_NEAR_END:
            return tr._("say.staff.printer.paper_near_end")
        case PrinterState.PAPER_OUT:
            return tr._("say.staff.printer.paper_out")
        case PrinterState.COVER_OPEN:
            return tr._("say.staff.printer.cover_open")
        case PrinterState.OFFLINE | PrinterState.UNKNOWN | PrinterFault():
            return tr._("say.staff.printer.not_ready")
        case _:
            assert_never(status)


def central(state: CentralState, tr: Translator) -> str:
    match state:
        case CentralState.REACHABLE:
            return tr._("say.staff.central.reachable")
        case CentralState.UNREACHABLE:
            return tr._("say.staff.central.unreachable")
        case CentralState.REFUSED:
            return tr._("say.staff.central.refused")
        case _:
            assert_never(state)


def staff_work(count: int, tr: Translator) -> str:
    if count == 0:
        return tr._("say.staff.no_work")
    return tr.ngettext("say.staff.work", count, count=spoken.number(count, tr))


def staff_home(state: StaffHome, tr: Translator) -> str:
    health: KioskHealth = state.health
    # Payments being followed and the outbox go on by themselves; these two need a person.
    work = health.prints_for_staff + health.refused_requests
    return sentences(
        staff_notice(state.notice, state.printed, tr),
        tr._("say.staff_home"),
        printer(health.printer, tr),
        central(health.central, tr),
        staff_work(work, tr),
    )


def staff_printouts(state: StaffPrintouts, tr: Translator) -> str:
    count = len(state.items)
    if count == 0:
        listing = tr._("say.staff_printouts.none")
    else:
        listing = tr.ngettext("say.staff_printouts", count, count=spoken.number(count, tr))
    unprinted = sum(1 for item in state.items if not item.printed)
    return sentences(
        staff_notice(state.notice, 0, tr),
        listing,
        tr._("say.staff_printouts.unprinted", count=spoken.number(unprinted, tr)) if unprinted else None,
    )


def staff_pending(state: StaffPending, tr: Translator) -> str:
    payments, queued, refused = len(state.payments), len(state.queued), len(state.refused)
    if payments + queued + refused == 0:
        return sentences(staff_notice(state.notice, 0, tr), tr._("say.staff_pending.none"))
    return sentences(
        staff_notice(state.notice, 0, tr),
        tr._("say.staff_pending.payments", count=spoken.number(payments, tr)) if payments else None,
        tr._("say.staff_pending.queued", count=spoken.number(queued, tr)) if queued else None,
        tr._("say.staff_pending.refused", count=spoken.number(refused, tr)) if refused else None,
    )


def staff_day_report(state: StaffDayReport, tr: Translator) -> str:
    report = state.report
    work = (
        len(report.pending_payments)
        + len(report.receipts_for_staff)
        + report.requests_waiting
        + report.prints_failed
    )
    return sentences(
        staff_notice(state.notice, 0, tr),
        tr.ngettext(
            "say.staff_day_report",
            report.paid_count,
            date=spoken.date(report.day, tr),
            count=spoken.number(report.paid_count, tr),
            amount=spoken.money(report.paid_amount, tr),
        ),
        staff_work(work, tr),
    )
