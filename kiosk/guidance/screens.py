"""What the kiosk says aloud on each screen in assisted mode: one short text per screen state.

Each text tells, in plain words, what the screen is, the facts that matter on it (the amount, the due date,
where a request stands, how long is left) and the one thing to do next, naming the button by the label the
screen shows it with (the label is taken from the same catalog entry, so the two cannot drift apart). It is
written to be heard standing up, by someone who may never have used an app: one to three short sentences,
"quý khách" and "xin", as the rest of the kiosk speaks.

What is never said, because speech carries further than a screen can be read: names, addresses, ID numbers,
whole phone numbers (only the last digits a masked number shows), the answers typed into a request's form, a
one-time code. A customer code or a tracking code the customer typed is read back, so that it can be checked
against the bill or the slip. Amounts, dates and codes are said in words through :mod:`kiosk.guidance.spoken`.

The ``match`` below is exhaustive over :data:`kiosk.flows.navigation.ScreenState`, like the view router, so
mypy fails when a new screen has nothing to say. Qt-free: the speaker is wired elsewhere.
"""

from __future__ import annotations

from typing import assert_never

from kiosk.central.models import Bill, FormField, Outage
from kiosk.customer.citizen_id import IdCardProblem
from kiosk.customer.code import check_code
from kiosk.customer.consumption import monthly_comparison
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import (
    AccountOverview,
    BillDetail,
    BillNoticePrinted,
    ChooseBills,
    ConsumptionHistory,
    EnterCode,
    LookupFailed,
    LookupProblem,
    PaidHistory,
)
from kiosk.flows.states.frame import Fault, Home, IdleWarning, Loading, PrintPreview, StaffCalled, Waiting
from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    OutageStart,
    ReportOutage,
)
from kiosk.flows.states.payment import (
    ChooseMethod,
    PayByQr,
    PaymentEnd,
    PaymentReceived,
    PaymentStopped,
    ReceiptProgress,
)
from kiosk.flows.states.requests import (
    ChooseService,
    ConfirmOtp,
    FillField,
    IdConsent,
    OtpProblem,
    RequestRefused,
    RequestStatus,
    RequestSubmitted,
    ReviewRequest,
    ScanIdCard,
    ServiceIntro,
    SlipProgress,
    TrackProblem,
    TrackRequest,
)
from kiosk.flows.states.staff import (
    StaffDayReport,
    StaffHome,
    StaffLeave,
    StaffNotice,
    StaffPending,
    StaffPin,
    StaffPrintouts,
)
from kiosk.guidance import spoken
from kiosk.language.catalogs import Translator
from kiosk.printing.printer_status import PrinterFault, PrinterState, PrinterStatus
from kiosk.requests.form import YES, FieldProblem, masked
from kiosk.requests.records import Delivery
from kiosk.staff.health import CentralState, KioskHealth
from kiosk.staff.pin_gate import PinCheck, PinVerdict

__all__ = ["FIRE_AND_RESCUE", "guidance"]

FIRE_AND_RESCUE = "114"
"""Vietnam's fire and rescue number, said on the danger screen (which shows it, large)."""


def guidance(state: ScreenState, tr: Translator) -> str:
    """What to say for ``state``, in ``tr``'s language."""
    match state:
        case Home():
            return _home(tr)
        case Fault():
            return tr._("say.fault", staff=tr._("frame.call_staff"))
        case StaffPin():
            return _staff_pin(state, tr)
        case StaffHome():
            return _staff_home(state, tr)
        case StaffPrintouts():
            return _staff_printouts(state, tr)
        case StaffPending():
            return _staff_pending(state, tr)
        case StaffDayReport():
            return _staff_day_report(state, tr)
        case StaffLeave():
            return tr._("say.staff_leave")
        case StaffCalled():
            return tr._("say.staff_called", button=tr._("staff_called.continue"))
        case IdleWarning():
            return tr._(
                "say.idle", time=spoken.duration(state.seconds_left, tr), button=tr._("idle.more_time")
            )
        case PrintPreview():
            return tr._("say.print_preview", button=tr._("print_preview.done"))
        case EnterCode():
            return _enter_code(state, tr)
        case Loading():
            return _loading(state, tr)
        case LookupFailed():
            return _lookup_failed(state, tr)
        case AccountOverview():
            return _account(state, tr)
        case BillDetail():
            return _bill_detail(state, tr)
        case PaidHistory():
            return _paid_history(state, tr)
        case ConsumptionHistory():
            return _consumption(state, tr)
        case ChooseBills():
            return _choose_bills(state, tr)
        case BillNoticePrinted():
            return tr._("say.notice_printed", button=tr._("notice_printed.done"))
        case ChooseMethod():
            return _choose_method(state, tr)
        case PayByQr():
            return _pay_by_qr(state, tr)
        case PaymentReceived():
            return _payment_received(state, tr)
        case PaymentStopped():
            return _payment_stopped(state, tr)
        case ChooseService():
            return _choose_service(state, tr)
        case ServiceIntro():
            return _service_intro(state, tr)
        case IdConsent():
            return tr._("say.consent", scan=tr._("consent.scan"), type=tr._("consent.type"))
        case ScanIdCard():
            return _scan_id_card(state, tr)
        case FillField():
            return _fill_field(state, tr)
        case ReviewRequest():
            return _review_request(state, tr)
        case ConfirmOtp():
            return _confirm_otp(state, tr)
        case RequestSubmitted():
            return _request_submitted(state, tr)
        case RequestRefused():
            return tr._("say.refused", service=tr.pick(state.service.title), button=tr._("refused.home"))
        case TrackRequest():
            return _track_request(state, tr)
        case RequestStatus():
            return _request_status(state, tr)
        case OutageStart():
            return tr._(
                "say.outage_start",
                danger=tr._("outage_start.danger"),
                no_power=tr._("outage_start.no_power"),
                schedule=tr._("outage_start.schedule"),
            )
        case DangerHotline():
            return _danger_hotline(state, tr)
        case OutageOverview():
            return _outage_overview(state, tr)
        case ReportOutage():
            return _report_outage(state, tr)
        case OutageReported():
            return _outage_reported(state, tr)
        case _:
            assert_never(state)


def _sentences(*parts: str | None) -> str:
    """Whole sentences, each from the catalog, one after another (never pieces of one sentence)."""
    return " ".join(part for part in parts if part)


def _touch(tr: Translator, label: str) -> str:
    return tr._("say.touch", button=label)


# ---------------------------------------------------------------------------------------------- home, frame
def _home(tr: Translator) -> str:
    return tr._(
        "say.home",
        bills=tr._("home.tile.bills"),
        outages=tr._("home.tile.outages"),
        requests=tr._("home.tile.requests"),
        track=tr._("home.tile.track_request"),
        staff=tr._("frame.call_staff"),
    )


# ---------------------------------------------------------------------------------------------- staff mode
# Staff are not the customers assisted mode is for, but a staff member may have it on while helping one: the
# texts say where they are and what needs them, nothing more.
def _staff_pin(state: StaffPin, tr: Translator) -> str:
    check = state.check
    if check is None:
        return tr._("say.staff_pin")
    return _pin_refusal(check, tr)


def _pin_refusal(check: PinCheck, tr: Translator) -> str:
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


def _staff_notice(notice: StaffNotice | None, printed: int, tr: Translator) -> str | None:
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


def _printer(status: PrinterStatus | None, tr: Translator) -> str:
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


def _central(state: CentralState, tr: Translator) -> str:
    match state:
        case CentralState.REACHABLE:
            return tr._("say.staff.central.reachable")
        case CentralState.UNREACHABLE:
            return tr._("say.staff.central.unreachable")
        case CentralState.REFUSED:
            return tr._("say.staff.central.refused")
        case _:
            assert_never(state)


def _staff_work(count: int, tr: Translator) -> str:
    if count == 0:
        return tr._("say.staff.no_work")
    return tr.ngettext("say.staff.work", count, count=spoken.number(count, tr))


def _staff_home(state: StaffHome, tr: Translator) -> str:
    health: KioskHealth = state.health
    # Payments being followed and the outbox go on by themselves; these two need a person.
    work = health.prints_for_staff + health.refused_requests
    return _sentences(
        _staff_notice(state.notice, state.printed, tr),
        tr._("say.staff_home"),
        _printer(health.printer, tr),
        _central(health.central, tr),
        _staff_work(work, tr),
    )


def _staff_printouts(state: StaffPrintouts, tr: Translator) -> str:
    count = len(state.items)
    if count == 0:
        listing = tr._("say.staff_printouts.none")
    else:
        listing = tr.ngettext("say.staff_printouts", count, count=spoken.number(count, tr))
    unprinted = sum(1 for item in state.items if not item.printed)
    return _sentences(
        _staff_notice(state.notice, 0, tr),
        listing,
        tr._("say.staff_printouts.unprinted", count=spoken.number(unprinted, tr)) if unprinted else None,
    )


def _staff_pending(state: StaffPending, tr: Translator) -> str:
    payments, queued, refused = len(state.payments), len(state.queued), len(state.refused)
    if payments + queued + refused == 0:
        return _sentences(_staff_notice(state.notice, 0, tr), tr._("say.staff_pending.none"))
    return _sentences(
        _staff_notice(state.notice, 0, tr),
        tr._("say.staff_pending.payments", count=spoken.number(payments, tr)) if payments else None,
        tr._("say.staff_pending.queued", count=spoken.number(queued, tr)) if queued else None,
        tr._("say.staff_pending.refused", count=spoken.number(refused, tr)) if refused else None,
    )


def _staff_day_report(state: StaffDayReport, tr: Translator) -> str:
    report = state.report
    work = (
        len(report.pending_payments)
        + len(report.receipts_for_staff)
        + report.requests_waiting
        + report.prints_failed
    )
    return _sentences(
        _staff_notice(state.notice, 0, tr),
        tr.ngettext(
            "say.staff_day_report",
            report.paid_count,
            date=spoken.date(report.day, tr),
            count=spoken.number(report.paid_count, tr),
            amount=spoken.money(report.paid_amount, tr),
        ),
        _staff_work(work, tr),
    )


# ---------------------------------------------------------------------------------------------- bill lookup
def _enter_code(state: EnterCode, tr: Translator) -> str:
    if not state.prefix:
        return tr._("say.enter_code.letters_first") if state.digits else tr._("say.enter_code.start")
    typed = state.prefix + state.digits
    check = check_code(typed)
    code = spoken.customer_code(typed, tr)
    if check.complete:
        return tr._("say.enter_code.complete", code=code, button=tr._("enter_code.submit"))
    missing = check.digits_missing
    return tr.ngettext("say.enter_code.missing", missing, code=code, count=spoken.number(missing, tr))


def _waiting_for(what: Waiting, tr: Translator) -> str:
    match what:
        case Waiting.ACCOUNT:
            return tr._("say.loading.account")
        case Waiting.HISTORY:
            return tr._("say.loading.history")
        case Waiting.CONSUMPTION:
            return tr._("say.loading.consumption")
        case Waiting.BILL_NOTICE:
            return tr._("say.loading.bill_notice")
        case Waiting.PAYMENT_METHODS:
            return tr._("say.loading.payment_methods")
        case Waiting.PAYMENT_QR:
            return tr._("say.loading.payment_qr")
        case Waiting.CANCELLING:
            return tr._("say.loading.cancelling")
        case Waiting.SERVICES:
            return tr._("say.loading.services")
        case Waiting.SENDING_OTP:
            return tr._("say.loading.sending_otp")
        case Waiting.CHECKING_OTP:
            return tr._("say.loading.checking_otp")
        case Waiting.SENDING_REQUEST:
            return tr._("say.loading.sending_request")
        case Waiting.REQUEST_STATUS:
            return tr._("say.loading.request_status")
        case Waiting.OUTAGES:
            return tr._("say.loading.outages")
        case Waiting.SENDING_REPORT:
            return tr._("say.loading.sending_report")
        case _:
            assert_never(what)


def _loading(state: Loading, tr: Translator) -> str:
    # What is being sent is already saved on the kiosk and cannot be stopped (the screen hides Stop waiting).
    if state.what in (Waiting.SENDING_REQUEST, Waiting.SENDING_REPORT):
        after = tr._("say.loading.saved")
    else:
        after = tr._("say.loading.wait", button=tr._("loading.cancel"))
    return _sentences(_waiting_for(state.what, tr), after)


def _lookup_problem(problem: LookupProblem, tr: Translator) -> str:
    match problem:
        case LookupProblem.NOT_FOUND:
            return tr._("say.failed.not_found")
        case LookupProblem.INVALID_CODE:
            return tr._("say.failed.invalid_code")
        case LookupProblem.NOT_A_BILL:
            return tr._("say.failed.not_a_bill")
        case LookupProblem.ID_CARD:
            return tr._("say.failed.id_card")
        case LookupProblem.UNREACHABLE:
            return tr._("say.failed.unreachable")
        case LookupProblem.BAD_ANSWER:
            return tr._("say.failed.bad_answer")
        case LookupProblem.BUSY:
            return tr._("say.failed.busy")
        case LookupProblem.KIOSK_REFUSED:
            return tr._("say.failed.kiosk_refused")
        case LookupProblem.PRINT_FAILED:
            return tr._("say.failed.print_failed")
        case _:
            assert_never(problem)


# Problems the customer fixes by typing the code again (the screen shows "Enter the customer code again").
_RETYPE = frozenset(
    {LookupProblem.NOT_FOUND, LookupProblem.INVALID_CODE, LookupProblem.NOT_A_BILL, LookupProblem.ID_CARD}
)


def _lookup_failed(state: LookupFailed, tr: Translator) -> str:
    code = None
    if state.code and state.problem in (LookupProblem.NOT_FOUND, LookupProblem.INVALID_CODE):
        # Said back so that the customer can compare it with the bill, character by character.
        code = tr._("say.failed.code", code=spoken.customer_code(state.code, tr))
    if state.problem in _RETYPE:
        button = tr._("failed.retype")
    elif state.can_retry:
        button = tr._("failed.retry")
    elif state.problem is LookupProblem.KIOSK_REFUSED:
        button = tr._("frame.call_staff")
    else:
        button = tr._("failed.home")
    return _sentences(_lookup_problem(state.problem, tr), code, _touch(tr, button))


def _account(state: AccountOverview, tr: Translator) -> str:
    bills = state.unpaid.bills
    count = len(bills)
    if count == 0:
        return tr._("say.account.nothing_due", button=tr._("account.history"))
    oldest = bills[0]
    if any(bill.status == "pending_payment" for bill in bills):
        # Never "overdue" for a bill with a payment in flight: the customer must not pay it twice.
        when = tr._("say.account.pending")
    elif oldest.status == "overdue":
        when = tr._("say.account.overdue", date=spoken.date(oldest.due_date, tr, year=False))
    else:
        when = tr._("say.account.due_date", date=spoken.date(oldest.due_date, tr, year=False))
    return _sentences(
        tr.ngettext(
            "say.account.due",
            count,
            count=spoken.number(count, tr),
            amount=spoken.money(state.unpaid.total_due, tr),
        ),
        when,
        _touch(tr, tr.ngettext("account.pay", count, n=spoken.number(count, tr))),
    )


def _bill_status(bill: Bill, tr: Translator) -> str:
    due = spoken.date(bill.due_date, tr, year=False)
    match bill.status:
        case "paid":
            return tr._("say.bill_detail.paid")
        case "pending_payment":
            return tr._("say.bill_detail.pending")
        case "overdue":
            return tr._("say.bill_detail.overdue", date=due)
        case "unpaid":
            return tr._("say.bill_detail.unpaid", date=due)
        case _:
            assert_never(bill.status)


def _bill_detail(state: BillDetail, tr: Translator) -> str:
    bill = state.bill
    return _sentences(
        tr._(
            "say.bill_detail",
            bill=spoken.bill_name(bill.period_end, tr),
            kwh=spoken.kwh(bill.kwh, tr),
            amount=spoken.money(bill.total, tr),
        ),
        _bill_status(bill, tr),
        tr._("say.back", button=tr._("frame.back")),
    )


def _paid_history(state: PaidHistory, tr: Translator) -> str:
    if not state.bills:
        return tr._("say.history.none", button=tr._("frame.back"))
    newest = state.bills[0]
    count = len(state.bills)
    return _sentences(
        tr.ngettext("say.history", count, count=spoken.number(count, tr)),
        tr._(
            "say.history.newest",
            bill=spoken.bill_name(newest.period_end, tr),
            amount=spoken.money(newest.total, tr),
        ),
    )


def _consumption(state: ConsumptionHistory, tr: Translator) -> str:
    months = monthly_comparison(state.monthly)
    if not months:
        return tr._("say.consumption.none", button=tr._("frame.back"))
    latest = months[-1]
    fields = {"month": spoken.month_name(latest.month, tr), "kwh": spoken.kwh(latest.kwh, tr)}
    if latest.last_year is None:
        used = tr._("say.consumption", **fields)
    elif latest.kwh > latest.last_year:
        used = tr._(
            "say.consumption.more", difference=spoken.kwh(latest.kwh - latest.last_year, tr), **fields
        )
    elif latest.kwh < latest.last_year:
        used = tr._(
            "say.consumption.less", difference=spoken.kwh(latest.last_year - latest.kwh, tr), **fields
        )
    else:
        used = tr._("say.consumption.same", **fields)
    average = round(sum(m.kwh for m in months) / len(months))
    return _sentences(
        used,
        tr._("say.consumption.average", kwh=spoken.kwh(average, tr)),
        tr._("say.consumption.table", button=tr._("consumption.show_table")),
    )


def _choose_bills(state: ChooseBills, tr: Translator) -> str:
    chosen = state.unpaid.bills[: state.selected]
    if not chosen:
        return tr._("say.choose.none")
    count = len(chosen)
    return _sentences(
        tr.ngettext(
            "say.choose",
            count,
            count=spoken.number(count, tr),
            amount=spoken.money(sum(b.total for b in chosen), tr),
        ),
        tr._("say.choose.how") if len(state.unpaid.bills) > 1 else None,
        _touch(tr, tr._("choose.continue")),
    )


# ---------------------------------------------------------------------------------------------- payment
def _choose_method(state: ChooseMethod, tr: Translator) -> str:
    count = len(state.bills)
    paying = tr.ngettext(
        "say.pay_method",
        count,
        count=spoken.number(count, tr),
        amount=spoken.money(sum(b.total for b in state.bills), tr),
    )
    if not state.methods:
        return _sentences(paying, tr._("say.pay_method.none", button=tr._("frame.call_staff")))
    return _sentences(paying, tr._("say.pay_method.choose", button=tr.pick(state.methods[0].label)))


def _pay_by_qr(state: PayByQr, tr: Translator) -> str:
    payment = state.payment
    amount = spoken.money(payment.amount, tr)
    if state.checking:
        return tr._("say.pay_qr.checking", amount=amount)
    order = payment.order
    recipient = order.corporation_vi if tr.language == "vi" else order.corporation_en
    return _sentences(
        tr._("say.pay_qr", amount=amount, recipient=recipient),
        tr._("say.pay_qr.steps"),
        tr._(
            "say.pay_qr.time",
            time=spoken.duration(state.seconds_left, tr),
            button=tr._("pay_qr.cancel"),
        ),
    )


def _payment_received(state: PaymentReceived, tr: Translator) -> str:
    done = tr._("paid.done")
    match state.receipt:
        case ReceiptProgress.PRINTING:
            receipt = tr._("say.paid.printing")
        case ReceiptProgress.PRINTED:
            receipt = tr._("say.paid.printed", button=done)
        case ReceiptProgress.FOR_STAFF:
            receipt = tr._("say.paid.for_staff", button=done)
        case _:
            assert_never(state.receipt)
    return _sentences(tr._("say.paid", amount=spoken.money(state.payment.amount, tr)), receipt)


def _payment_stopped(state: PaymentStopped, tr: Translator) -> str:
    home, staff = tr._("stopped.home"), tr._("frame.call_staff")
    match state.why:
        case PaymentEnd.EXPIRED:
            return tr._("say.stopped.expired", button=tr._("stopped.new_qr"))
        case PaymentEnd.CANCELLED:
            return tr._("say.stopped.cancelled", button=home)
        case PaymentEnd.CANCEL_UNCONFIRMED:
            return tr._("say.stopped.cancel_unconfirmed", button=home)
        case PaymentEnd.PAID_ELSEWHERE:
            return tr._("say.stopped.paid_elsewhere", button=home)
        case PaymentEnd.IN_PROGRESS:
            return tr._("say.stopped.in_progress", button=home)
        case PaymentEnd.UNKNOWN:
            return tr._("say.stopped.unknown", button=tr._("stopped.try_again"))
        case PaymentEnd.QR_REFUSED:
            return tr._("say.stopped.qr_refused", button=staff)
        case PaymentEnd.REFUSED:
            return tr._("say.stopped.refused", button=staff)
        case _:
            assert_never(state.why)


# ---------------------------------------------------------------------------------------------- service requests
def _choose_service(state: ChooseService, tr: Translator) -> str:
    if not state.services:
        return tr._("say.services.none", button=tr._("frame.back"))
    count = len(state.services)
    return tr.ngettext(
        "say.services",
        count,
        count=spoken.number(count, tr),
        first=tr.pick(state.services[0].title),
    )


def _service_intro(state: ServiceIntro, tr: Translator) -> str:
    service = state.service
    days = service.max_working_days
    if service.documents:
        papers = tr._("say.intro.papers", papers="; ".join(tr.pick(paper) for paper in service.documents))
    else:
        papers = tr._("say.intro.no_papers")
    start = tr._("intro.start")
    return _sentences(
        tr.ngettext("say.intro", days, service=tr.pick(service.title), days=spoken.number(days, tr)),
        papers,
        tr._("say.intro.start_code", button=start)
        if service.requires_customer_code
        else tr._("say.intro.start", button=start),
    )


def _scan_id_card(state: ScanIdCard, tr: Translator) -> str:
    match state.problem:
        case None:
            problem = None
        case IdCardProblem.NOT_AN_ID_CARD:
            problem = tr._("say.scan_id.not_an_id_card")
        case IdCardProblem.UNREADABLE:
            problem = tr._("say.scan_id.unreadable")
        case _:
            assert_never(state.problem)
    return _sentences(problem, tr._("say.scan_id"), tr._("say.scan_id.type", button=tr._("scan_id.type")))


def _field_problem(spec: FormField, problem: FieldProblem, tr: Translator) -> str:
    match problem:
        case FieldProblem.OUT_OF_RANGE if spec.min_value is not None and spec.max_value is not None:
            return tr._(
                "say.field.problem.between",
                low=spoken.number(spec.min_value, tr),
                high=spoken.number(spec.max_value, tr),
            )
        case FieldProblem.TOO_LONG if spec.max_length is not None:
            return tr.ngettext(
                "say.field.problem.at_most", spec.max_length, count=spoken.number(spec.max_length, tr)
            )
        case FieldProblem.REQUIRED:
            return tr._("say.field.problem.required")
        case FieldProblem.TOO_LONG:
            return tr._("say.field.problem.too_long")
        case FieldProblem.NOT_A_NUMBER:
            return tr._("say.field.problem.not_a_number")
        case FieldProblem.OUT_OF_RANGE:
            return tr._("say.field.problem.out_of_range")
        case FieldProblem.INVALID_CHOICE:
            return tr._("say.field.problem.invalid_choice")
        case FieldProblem.INVALID_DATE:
            return tr._("say.field.problem.invalid_date")
        case FieldProblem.INVALID_PHONE:
            return tr._("say.field.problem.invalid_phone")
        case FieldProblem.INVALID_ID_NUMBER:
            return tr._("say.field.problem.invalid_id_number")
        case FieldProblem.INVALID:
            return tr._("say.field.problem.invalid")
        case _:
            assert_never(problem)


def _how_to_answer(spec: FormField, typed: str, tr: Translator) -> str:
    """How this field is answered; for a tapped answer, what was chosen (an option, never a typed value)."""
    match spec.type:
        case "text" | "address":
            return tr._("say.field.keyboard")
        case "date":
            return tr._("say.field.date")
        case "phone":
            return tr._("say.field.phone")
        case "id_number":
            return tr._("say.field.id_number")
        case "number" | "household_count":
            return tr._("say.field.keypad")
        case "choice":
            chosen = next((o for o in spec.options if o.value == typed), None)
            if chosen is not None:
                return tr._("say.field.chosen", answer=tr.pick(chosen.label))
            return tr._("say.field.choice", options="; ".join(tr.pick(o.label) for o in spec.options))
        case "yes_no":
            if typed:
                answer = tr._("field.yes") if typed == YES else tr._("field.no")
                return tr._("say.field.chosen", answer=answer)
            return tr._("say.field.yes_no", yes=tr._("field.yes"), no=tr._("field.no"))
        case _:
            assert_never(spec.type)


def _fill_field(state: FillField, tr: Translator) -> str:
    fields = state.form.service.fields
    spec = fields[state.index]
    label = tr.pick(spec.label).strip()
    position = {"number": spoken.number(state.index + 1, tr), "count": spoken.number(len(fields), tr)}
    if label.endswith("?"):
        question = tr._("say.field.question", question=label, **position)
    else:
        question = tr._("say.field", question=label, **position)
    from_card = spec.name in state.form.from_card and state.typed == state.form.answer(spec.name)
    tapped = spec.type in ("choice", "yes_no")
    if not spec.required and not state.typed:
        next_step = tr._("say.field.skip", button=tr._("field.skip"))
    elif state.typed or not tapped:
        next_step = tr._("say.field.next", button=tr._("field.next"))
    else:
        next_step = None  # the answers are the buttons; Continue appears once one is chosen
    problem = state.problem
    # These problems say the shape of the answer themselves (ten digits, eight digits...): once is enough.
    explained = problem in (
        FieldProblem.INVALID_DATE,
        FieldProblem.INVALID_PHONE,
        FieldProblem.INVALID_ID_NUMBER,
    )
    return _sentences(
        question,
        tr._("say.field.from_card") if from_card else None,
        _field_problem(spec, problem, tr) if problem is not None else None,
        None if explained else _how_to_answer(spec, state.typed, tr),
        next_step,
    )


def _review_request(state: ReviewRequest, tr: Translator) -> str:
    form = state.form
    phone = form.answer("phone")
    spec = next((f for f in form.service.fields if f.name == "phone"), None)
    if phone and spec is not None:
        # The review shows the number masked; only what the mask leaves at the end is said.
        code_to = tr._("say.review.code_to", ending=spoken.masked_tail(masked(spec, phone), tr))
    else:
        code_to = tr._("say.review.code_to_account")
    return _sentences(tr._("say.review"), code_to, tr._("say.review.confirm", button=tr._("review.confirm")))


def _confirm_otp(state: ConfirmOtp, tr: Translator) -> str:
    confirm, resend = tr._("otp.confirm"), tr._("otp.resend")
    enter = tr._("say.otp.enter", button=confirm)
    match state.problem:
        case None:
            sent = tr._("say.otp", ending=spoken.masked_tail(state.masked_phone, tr))
            return _sentences(sent, enter)
        case OtpProblem.WRONG:
            left = state.attempts_left
            return _sentences(tr.ngettext("say.otp.wrong", left, count=spoken.number(left, tr)), enter)
        case OtpProblem.EXPIRED:
            return tr._("say.otp.expired", button=resend)
        case OtpProblem.LOCKED:
            return tr._("say.otp.locked", button=resend)
        case OtpProblem.TOO_SOON:
            return _sentences(tr._("say.otp.too_soon"), enter)
        case OtpProblem.UNREACHABLE:
            return tr._("say.otp.unreachable", button=confirm)
        case OtpProblem.REFUSED:
            return tr._("say.otp.refused", button=resend)
        case _:
            assert_never(state.problem)


def _slip(slip: SlipProgress, tr: Translator) -> str:
    done = tr._("submitted.done")
    match slip:
        case SlipProgress.PRINTING:
            return tr._("say.submitted.slip.printing", button=done)
        case SlipProgress.PRINTED:
            return tr._("say.submitted.slip.printed", button=done)
        case SlipProgress.NOT_PRINTED:
            return tr._("say.submitted.slip.not_printed", button=done)
        case SlipProgress.PREVIEW:
            return tr._("say.submitted.slip.preview", button=done)
        case _:
            assert_never(slip)


def _request_submitted(state: RequestSubmitted, tr: Translator) -> str:
    item, service = state.item, tr.pick(state.service.title)
    if item.state is Delivery.DELIVERED and item.tracking_code is not None:
        days = state.service.max_working_days
        return _sentences(
            tr.ngettext("say.submitted.received", days, service=service, days=spoken.number(days, tr)),
            tr._("say.submitted.tracking_code", code=spoken.reference(item.tracking_code, tr)),
            _slip(state.slip, tr),
        )
    return _sentences(
        tr._("say.submitted.saved", service=service),
        tr._("say.submitted.reference", code=spoken.reference(item.reference, tr)),
        _slip(state.slip, tr),
    )


def _track_request(state: TrackRequest, tr: Translator) -> str:
    submit = tr._("track_request.submit")
    match state.problem:
        case TrackProblem.NOT_FOUND:
            return tr._("say.track.not_found", code=spoken.reference(state.typed, tr), button=submit)
        case TrackProblem.NOT_A_SLIP:
            return tr._("say.track.not_a_slip", button=submit)
        case None if state.typed:
            return tr._("say.track.typed", code=spoken.reference(state.typed, tr), button=submit)
        case None:
            return tr._("say.track", button=submit)
        case _:
            assert_never(state.problem)


def _request_status(state: RequestStatus, tr: Translator) -> str:
    service = (
        tr.pick(state.service.title) if state.service is not None else tr._("say.status.unknown_service")
    )
    done = tr._("say.done", button=tr._("request_status.done"))
    request = state.request
    if request is None:
        where = (
            tr._("say.status.refused", service=service)
            if state.refused
            else tr._("say.status.queued", service=service)
        )
        return _sentences(where, done)
    due = spoken.date(request.due_by, tr)
    note = None
    match request.status:
        case "received":
            where = tr._("say.status.received", service=service, date=due)
        case "in_progress":
            where = tr._("say.status.in_progress", service=service, date=due)
        case "completed":
            where = tr._("say.status.completed", service=service)
        case "rejected":
            where = tr._("say.status.rejected", service=service)
            latest = max(request.history, key=lambda event: event.at, default=None)
            # Why it was rejected is in the power company's latest note.
            note = tr._("say.status.note", note=tr.pick(latest.note)) if latest is not None else None
        case _:
            assert_never(request.status)
    return _sentences(where, note, done)


# ---------------------------------------------------------------------------------------------- outages
def _danger_hotline(state: DangerHotline, tr: Translator) -> str:
    fire = spoken.phone(FIRE_AND_RESCUE, tr)
    if state.hotline:
        call = tr._("say.danger.call", hotline=spoken.phone(state.hotline, tr), fire=fire)
    else:
        call = tr._("say.danger.call_bill", fire=fire)
    done = tr._("danger.done")
    if state.code is None:
        report = tr._("say.danger.report", button=tr._("danger.report"))
    elif state.reported is None:
        report = tr._("say.danger.sending", button=done)
    else:
        match state.reported.state:
            case Delivery.DELIVERED:
                report = tr._("say.danger.delivered", button=done)
            case Delivery.QUEUED:
                report = tr._("say.danger.queued", button=done)
            case Delivery.REFUSED:
                report = tr._("say.danger.refused", button=done)
            case _:
                assert_never(state.reported.state)
    return _sentences(tr._("say.danger.safety"), call, report)


def _happening(outage: Outage) -> bool:
    # The flow set each outage's status by the kiosk's clock when it made the list (as the screen reads it).
    return outage.status == "in_progress"


def _outage_overview(state: OutageOverview, tr: Translator) -> str:
    now = next((o for o in state.outages if _happening(o)), None)
    planned = [o for o in state.outages if not _happening(o)]
    report = tr._("outages.report")
    printed = None
    if state.printed is not None:
        printed = tr._("say.outages.printed") if state.printed else tr._("say.outages.not_printed")
    known = (
        tr._("say.outages.known", when=spoken.moment(now.expected_end_at, tr)) if now is not None else None
    )
    if state.reporting:
        # Someone without power first learns whether it is already known; then, reporting.
        if now is None:
            return _sentences(printed, tr._("say.outages.unknown", button=report))
        return _sentences(printed, known, tr._("say.outages.report_more", button=report))
    if not state.outages:
        return _sentences(printed, tr._("say.outages.none"), tr._("say.outages.report_if", button=report))
    schedule = None
    if planned:
        first = min(planned, key=lambda o: o.start_at)
        schedule = tr.ngettext(
            "say.outages.planned",
            len(planned),
            count=spoken.number(len(planned), tr),
            when=spoken.moment(first.start_at, tr),
            area=tr.pick(first.area),
        )
    return _sentences(printed, known, schedule, tr._("say.outages.report_if", button=report))


def _report_outage(state: ReportOutage, tr: Translator) -> str:
    now = next((o for o in state.outages if _happening(o)), None)
    return _sentences(
        tr._("say.report_outage.known", when=spoken.moment(now.expected_end_at, tr))
        if now is not None
        else None,
        tr._(
            "say.report_outage",
            danger=tr._("report_outage.danger"),
            my_house=tr._("report_outage.my_house"),
            street=tr._("report_outage.street"),
        ),
    )


def _outage_reported(state: OutageReported, tr: Translator) -> str:
    hotline = spoken.phone(state.customer.corporation.hotline, tr)
    match state.item.state:
        case Delivery.DELIVERED:
            outcome = tr._("say.reported.delivered")
        case Delivery.QUEUED:
            outcome = tr._("say.reported.queued", hotline=hotline)
        case Delivery.REFUSED:
            outcome = tr._("say.reported.refused", hotline=hotline)
        case _:
            assert_never(state.item.state)
    known = state.known
    return _sentences(
        outcome,
        tr._("say.reported.known", when=spoken.moment(known.expected_end_at, tr))
        if known is not None
        else None,
        tr._("say.done", button=tr._("outage_reported.done")),
    )
