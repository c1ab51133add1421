"""What assisted mode says on the bill screens: the code being typed, why a lookup failed, the account and what
it owes, a bill's detail, the paid history, consumption, and choosing the bills to pay."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from kiosk.customer.bill_parts import bill_parts
from kiosk.customer.code import check_code
from kiosk.customer.consumption import monthly_comparison
from kiosk.flows.states.bills import (
    AccountOverview,
    BillDetail,
    ChooseBills,
    ConsumptionHistory,
    EnterCode,
    EntryStep,
    LookupFailed,
    LookupProblem,
    PaidHistory,
)
from kiosk.guidance import spoken
from kiosk.guidance.phrases import sentences, touch
from kiosk.language.catalogs import Translator

if TYPE_CHECKING:
    from kiosk.central.models import Bill

# The example the hint on the screen gives too (enter_code.where): a unit code with letters, as most have.
_UNIT_EXAMPLE = "PC05CC"


# ---------------------------------------------------------------------------------------------- bill lookup
def enter_code(state: EnterCode, tr: Translator) -> str:
    check = check_code(state.typed)
    code = spoken.customer_code(state.typed, tr)
    match state.step:
        case EntryStep.UNIT:
            # The units' names are the power company's, public: said so that the customer can listen for theirs.
            units = ", ".join(unit.name for unit in state.units)
            return tr._("say.enter_code.units", units=units, other=tr._("enter_code.other_unit"))
        case EntryStep.UNIT_KEYBOARD if not state.unit:
            return tr._("say.enter_code.type_unit", example=spoken.customer_code(_UNIT_EXAMPLE, tr))
        case EntryStep.UNIT_KEYBOARD if check.on_track:
            missing = check.unit_missing
            return tr.ngettext(
                "say.enter_code.unit_missing", missing, code=code, count=spoken.number(missing, tr)
            )
        case EntryStep.UNIT_KEYBOARD:
            return tr._("say.enter_code.not_a_unit", code=code, button=tr._("keyboard.backspace"))
        case EntryStep.NUMBER if not state.digits:
            unit = state.unit_name or spoken.customer_code(state.unit, tr)
            return tr._("say.enter_code.unit_chosen", unit=unit)
    if check.complete:
        return tr._("say.enter_code.complete", code=code, button=tr._("enter_code.submit"))
    missing = check.digits_missing
    return tr.ngettext("say.enter_code.missing", missing, code=code, count=spoken.number(missing, tr))


def lookup_problem(problem: LookupProblem, tr: Translator) -> str:
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
RETYPE = frozenset(
    {LookupProblem.NOT_FOUND, LookupProblem.INVALID_CODE, LookupProblem.NOT_A_BILL, LookupProblem.ID_CARD}
)


def lookup_failed(state: LookupFailed, tr: Translator) -> str:
    code = None
    if state.code and state.problem in (LookupProblem.NOT_FOUND, LookupProblem.INVALID_CODE):
        # Said back so that the customer can compare it with the bill, character by character.
        code = tr._("say.failed.code", code=spoken.customer_code(state.code, tr))
    if state.problem in RETYPE:
        button = tr._("failed.retype")
    elif state.can_retry:
        button = tr._("failed.retry")
    elif state.problem is LookupProblem.KIOSK_REFUSED:
        button = tr._("frame.call_staff")
    else:
        button = tr._("failed.home")
    return sentences(lookup_problem(state.problem, tr), code, touch(tr, button))


def account(state: AccountOverview, tr: Translator) -> str:
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
    return sentences(
        tr.ngettext(
            "say.account.due",
            count,
            count=spoken.number(count, tr),
            amount=spoken.money(state.unpaid.total_due, tr),
        ),
        when,
        touch(tr, tr.ngettext("account.pay", count, n=spoken.number(count, tr))),
    )


def bill_status(bill: Bill, tr: Translator) -> str:
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


def bill_parts_said(bill: Bill, tr: Translator) -> str | None:
    """For a bill that spans a price change, why it has parts and each part's days, kWh and amount, as the
    screen shows them; None for a bill at one price list."""
    parts = bill_parts(bill)
    if len(parts) < 2:
        return None
    return sentences(
        tr.ngettext("say.bill_detail.parts", len(parts), count=spoken.number(len(parts), tr)),
        *(
            tr.ngettext(
                "say.bill_detail.part",
                part.days,
                number=spoken.number(number, tr),
                days=spoken.number(part.days, tr),
                kwh=spoken.kwh(part.kwh, tr),
                amount=spoken.money(part.amount, tr),
            )
            for number, part in enumerate(parts, start=1)
        ),
    )


def bill_detail(state: BillDetail, tr: Translator) -> str:
    bill = state.bill
    return sentences(
        tr._(
            "say.bill_detail",
            bill=spoken.bill_name(bill.period_end, tr),
            kwh=spoken.kwh(bill.kwh, tr),
            amount=spoken.money(bill.total, tr),
        ),
        bill_parts_said(bill, tr),
        bill_status(bill, tr),
        tr._("say.back", button=tr._("frame.back")),
    )


def paid_history(state: PaidHistory, tr: Translator) -> str:
    if not state.bills:
        return tr._("say.history.none", button=tr._("frame.back"))
    newest = state.bills[0]
    count = len(state.bills)
    return sentences(
        tr.ngettext("say.history", count, count=spoken.number(count, tr)),
        tr._(
            "say.history.newest",
            bill=spoken.bill_name(newest.period_end, tr),
            amount=spoken.money(newest.total, tr),
        ),
    )


def consumption(state: ConsumptionHistory, tr: Translator) -> str:
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
    return sentences(
        used,
        tr._("say.consumption.average", kwh=spoken.kwh(average, tr)),
        tr._("say.consumption.table", button=tr._("consumption.show_table")),
    )


def choose_bills(state: ChooseBills, tr: Translator) -> str:
    chosen = state.unpaid.bills[: state.selected]
    if not chosen:
        return tr._("say.choose.none")
    count = len(chosen)
    return sentences(
        tr.ngettext(
            "say.choose",
            count,
            count=spoken.number(count, tr),
            amount=spoken.money(sum(b.total for b in chosen), tr),
        ),
        tr._("say.choose.how") if len(state.unpaid.bills) > 1 else None,
        touch(tr, tr._("choose.continue")),
    )
