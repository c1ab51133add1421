"""What assisted mode says on the service request screens (the catalogue, the papers, the ID card, each question
and what is wrong with an answer, the review, the code sent by SMS, the request received) and on tracking one.
Never what was typed into the form."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from kiosk.customer.citizen_id import IdCardProblem
from kiosk.flows.states.requests import (
    ChooseService,
    ConfirmOtp,
    FillField,
    OtpProblem,
    RequestStatus,
    RequestSubmitted,
    ReviewRequest,
    ScanIdCard,
    ServiceIntro,
    SlipProgress,
    TrackProblem,
    TrackRequest,
)
from kiosk.guidance import spoken
from kiosk.guidance.phrases import sentences
from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.requests.form import YES, FieldProblem, IdDocument, masked, shown
from kiosk.requests.records import Delivery, send_by

if TYPE_CHECKING:
    from kiosk.central.models import FormField


# ---------------------------------------------------------------------------------------------- service requests
def choose_service(state: ChooseService, tr: Translator) -> str:
    if not state.services:
        return tr._("say.services.none", button=tr._("frame.back"))
    count = len(state.services)
    return tr.ngettext(
        "say.services",
        count,
        count=spoken.number(count, tr),
        first=tr.pick(state.services[0].title),
    )


def service_intro(state: ServiceIntro, tr: Translator) -> str:
    service = state.service
    days = service.max_working_days
    if service.documents:
        papers = tr._("say.intro.papers", papers="; ".join(tr.pick(paper) for paper in service.documents))
    else:
        papers = tr._("say.intro.no_papers")
    start = tr._("intro.start")
    return sentences(
        tr.ngettext("say.intro", days, service=tr.pick(service.title), days=spoken.number(days, tr)),
        papers,
        tr._("say.intro.start_code", button=start)
        if service.requires_customer_code
        else tr._("say.intro.start", button=start),
    )


def scan_id_card(state: ScanIdCard, tr: Translator) -> str:
    match state.problem:
        case None:
            problem = None
        case IdCardProblem.NOT_AN_ID_CARD:
            problem = tr._("say.scan_id.not_an_id_card")
        case IdCardProblem.NO_ID_NUMBER:
            problem = tr._("say.scan_id.no_id_number")
        case IdCardProblem.ID_NUMBER_LENGTH:
            problem = tr._("say.scan_id.id_number_length")
        case IdCardProblem.BIRTH_DATE:
            problem = tr._("say.scan_id.birth_date")
        case IdCardProblem.ISSUE_DATE:
            problem = tr._("say.scan_id.issue_date")
        case IdCardProblem.UNREADABLE:
            problem = tr._("say.scan_id.unreadable")
        case _:
            assert_never(state.problem)
    if state.problem is not None and state.problem is not IdCardProblem.NOT_AN_ID_CARD:
        # The card was read but cannot be used: scanning it again gives the same answer. Type, or ask staff.
        return sentences(
            problem,
            tr._("say.scan_id.type_or_staff", button=tr._("scan_id.type"), staff=tr._("frame.call_staff")),
        )
    return sentences(problem, tr._("say.scan_id"), tr._("say.scan_id.type", button=tr._("scan_id.type")))


def field_problem(
    spec: FormField, problem: FieldProblem, tr: Translator, document: IdDocument = IdDocument.CCCD
) -> str:
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
        case FieldProblem.INVALID_ID_NUMBER if document is IdDocument.PASSPORT_VN:
            return tr._("say.field.problem.invalid_passport_vn")
        case FieldProblem.INVALID_ID_NUMBER if document is IdDocument.PASSPORT_FOREIGN:
            return tr._("say.field.problem.invalid_passport_foreign")
        case FieldProblem.INVALID_ID_NUMBER:
            return tr._("say.field.problem.invalid_id_number")
        case FieldProblem.INVALID:
            return tr._("say.field.problem.invalid")
        case _:
            assert_never(problem)


def how_to_answer(spec: FormField, typed: str, tr: Translator, document: IdDocument = IdDocument.CCCD) -> str:
    """How this field is answered; for a tapped answer, what was chosen (an option, never a typed value)."""
    match spec.type:
        case "text" | "address":
            return tr._("say.field.keyboard")
        case "date":
            return tr._("say.field.date")
        case "phone":
            return tr._("say.field.phone")
        case "id_number" if document is not IdDocument.CCCD:
            return tr._("say.field.passport")
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


def fill_field(state: FillField, tr: Translator) -> str:
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
    return sentences(
        question,
        tr._("say.field.from_card") if from_card else None,
        field_problem(spec, problem, tr, state.form.document) if problem is not None else None,
        None if explained else how_to_answer(spec, state.typed, tr, state.form.document),
        same_address(state, tr),
        next_step,
    )


def same_address(state: FillField, tr: Translator) -> str | None:
    residence = state.form.residence_for(state.form.service.fields[state.index])
    if not residence or state.typed == residence:
        return None
    return tr._("say.field.same_address", button=tr._("field.same_address"))


def review_request(state: ReviewRequest, tr: Translator) -> str:
    form = state.form
    phone = form.answer("phone")
    spec = next((f for f in form.service.fields if f.name == "phone"), None)
    if phone and spec is not None:
        # The review shows the number masked; only what the mask leaves at the end is said.
        code_to = tr._("say.review.code_to", ending=spoken.masked_tail(masked(spec, phone), tr))
    else:
        code_to = tr._("say.review.code_to_account")
    # Said so that the dots are not taken for a fault; what they hide is never said.
    hidden = any(masked(f, form.answer(f.name)) != shown(f, form.answer(f.name)) for f in form.service.fields)
    show_full = tr._("say.review.masked", button=tr._("hold_to_show.hold")) if hidden else None
    # The code could not be sent yet: the wait, and what the customer can do, first.
    if (wait := state.code_wait) is not None and wait.this_phone:
        return sentences(tr.ngettext("review.code_wait.phone", wait.minutes, n=wait.minutes), code_to)
    if wait is not None:
        return sentences(tr.ngettext("review.code_wait.kiosk", wait.minutes, n=wait.minutes), code_to)
    return sentences(
        tr._("say.review"), show_full, code_to, tr._("say.review.confirm", button=tr._("review.confirm"))
    )


def confirm_otp(state: ConfirmOtp, tr: Translator) -> str:
    confirm, resend = tr._("otp.confirm"), tr._("otp.resend")
    enter = tr._("say.otp.enter", button=confirm)
    match state.problem:
        case None:
            sent = tr._("say.otp", ending=spoken.masked_tail(state.masked_phone, tr))
            return sentences(sent, enter)
        case OtpProblem.WRONG:
            left = state.attempts_left
            return sentences(tr.ngettext("say.otp.wrong", left, count=spoken.number(left, tr)), enter)
        case OtpProblem.EXPIRED:
            return tr._("say.otp.expired", button=resend)
        case OtpProblem.LOCKED:
            return tr._("say.otp.locked", button=resend)
        case OtpProblem.TOO_SOON:
            return sentences(tr._("say.otp.too_soon"), enter)
        case OtpProblem.UNREACHABLE:
            return tr._("say.otp.unreachable", button=confirm)
        case OtpProblem.REFUSED:
            return tr._("say.otp.refused", button=resend)
        case _:
            assert_never(state.problem)


def slip(slip: SlipProgress, tr: Translator) -> str:
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


def request_submitted(state: RequestSubmitted, tr: Translator) -> str:
    item, service = state.item, tr.pick(state.service.title)
    if item.state is Delivery.DELIVERED and item.tracking_code is not None:
        days = state.service.max_working_days
        return sentences(
            tr.ngettext("say.submitted.received", days, service=service, days=spoken.number(days, tr)),
            tr._("say.submitted.tracking_code", code=spoken.reference(item.tracking_code, tr)),
            slip(state.slip, tr),
        )
    deadline = send_by(item)
    return sentences(
        tr._("say.submitted.saved", service=service),
        tr._("submitted.send_by", time=tr.datetime(deadline.astimezone(VIETNAM))) if deadline else None,
        tr._("say.submitted.reference", code=spoken.reference(item.reference, tr)),
        slip(state.slip, tr),
    )


def track_request(state: TrackRequest, tr: Translator) -> str:
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


def request_status(state: RequestStatus, tr: Translator) -> str:
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
        return sentences(where, done)
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
    return sentences(where, note, done)
