"""A service request, from the catalogue to the printed slip.

The steps: choose a service → read what it is for and the papers it needs → (the customer code, for services of an
existing customer) → consent to reading the citizen ID card, and the scan → one question per screen → review →
a one-time code sent to the phone in the form, typed back and checked by the central → the request saved in the
outbox, then sent → "received by the power company" or "saved on this kiosk, it will be sent" → the slip.

Nothing reaches the outbox before the code is checked, and once it is there the customer cannot send it twice:
the form's code is spent. Everything the customer typed lives in the screen states (and, while the customer code
is asked, in the session's journey), so an idle wipe forgets it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kiosk.central.errors import UNKNOWN, BadResponse, CentralError, InvalidInput, RateLimited, Unavailable
from kiosk.customer.citizen_id import CitizenCard, read_citizen_id
from kiosk.customer.masking import mask_phone
from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.frame import Feature, Loading, PrintPreview, Waiting
from kiosk.flows.states.requests import (
    OTP_LENGTH,
    ChooseService,
    CodeWait,
    ConfirmOtp,
    FillField,
    IdConsent,
    OtpProblem,
    RequestRefused,
    RequestSubmitted,
    ReviewRequest,
    ScanIdCard,
    ServiceIntro,
    SlipProgress,
)
from kiosk.language.tone_marks import press
from kiosk.requests.courier import Courier
from kiosk.requests.form import ID_DOCUMENT_FIELD, FieldProblem, RequestForm, problem_from_central
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import (
    ASSISTED_BY_STAFF,
    SEND_BY,
    Delivery,
    OutboxItem,
    OutboxKind,
    service_request_payload,
)

if TYPE_CHECKING:
    from kiosk.central.models import Customer, Otp, OtpPurpose, OtpVerification, Service, ServiceList

log = logging.getLogger(__name__)

IDENTITY_FIELDS = frozenset({"full_name", "id_type", "id_number", "id_issue_date", "address"})
"""The fields a scanned citizen ID card can fill; a service asking any of them is offered the scan first."""
_FORM_KEY = "request_form"
_HOTLINE_KEY = "request_hotline"
_CORPORATION_KEY = "corporation"
_CODE_KEY = "request_code_screen"  # the last code screen of this visit, as the customer last saw it
# When the central's times cannot be trusted against the kiosk's clock (a clock far off), the usual values.
_USUAL_RESEND_SECONDS = 60.0
_USUAL_EXPIRY_SECONDS = 300.0
_MAX_PLAUSIBLE_SECONDS = 3600.0
# A first code the central will not send yet: the limits against SMS pumping, by the hour at most.
_CODE_LIMITS = ("otp_rate_limited", "otp_resend_too_soon")
_LIMIT_WINDOW_SECONDS = 3600.0


class RequestSource(Protocol):
    """What the flow needs from the central (:class:`kiosk.central.CentralClient` is one)."""

    async def services(self) -> ServiceList: ...

    async def customer(self, code: str) -> Customer: ...

    async def send_otp(
        self, purpose: OtpPurpose, *, phone: str | None = None, customer_code: str | None = None
    ) -> Otp: ...

    async def verify_otp(self, otp_id: str, code: str) -> OtpVerification: ...


class SlipPrinter(Protocol):
    """Prints the slip at most once per request; returns how it went and, for a preview printer, its page."""

    async def __call__(
        self, service: Service, item: OutboxItem, hotline: str | None
    ) -> tuple[SlipProgress, Path | None]: ...


class RequestFlow:
    def __init__(
        self,
        source: RequestSource,
        bills: BillLookupFlow,
        navigator: Navigator,
        session: CustomerSession,
        outbox: Outbox,
        courier: Courier,
        *,
        print_slip: SlipPrinter,
        today: Callable[[], date],
        send_wait: float = 8.0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._source = source
        self._bills = bills
        self._nav = navigator
        self._session = session
        self._outbox = outbox
        self._courier = courier
        self._print_slip = print_slip
        self._today = today
        self._send_wait = send_wait
        self._clock = clock
        self._now = now
        self._spent_otps: set[str] = set()  # codes that already confirmed a request: never a second one
        navigator.subscribe(self._remember_code_screen)

    # ------------------------------------------------------------------ the catalogue
    async def start(self) -> None:
        found = await self._bills.request(Waiting.SERVICES, "", self._catalogue, self.start)
        if found is not None:
            self._nav.replace(ChooseService(found))

    async def _catalogue(self) -> tuple[Service, ...]:
        # Asked afresh for every customer: a service the central adds shows up without restarting the kiosk.
        listed = await self._source.services()
        return tuple(sorted(listed.services, key=lambda service: service.number))

    def choose(self, code: str) -> None:
        current = self._nav.current
        if isinstance(current, ChooseService):
            service = next((s for s in current.services if s.code == code), None)
            if service is not None:
                self._nav.go(ServiceIntro(service))

    def begin(self) -> None:
        current = self._nav.current
        if not isinstance(current, ServiceIntro):
            return
        form = RequestForm(current.service)
        # A new request knows no account yet: one checked for an earlier request of this visit is not its own.
        self._session.journey.pop(_HOTLINE_KEY, None)
        self._session.journey.pop(_CORPORATION_KEY, None)
        if current.service.requires_customer_code:
            self._session.journey[_FORM_KEY] = form
            self._nav.go(self._bills.keypad(Feature.REQUESTS))
        else:
            self._nav.go(self._identity_step(form))

    async def customer_code_entered(self, code: str) -> None:
        """The keypad opened for this request found a well-formed code: check the account exists, then go on."""
        form = self._session.journey.get(_FORM_KEY)
        if not isinstance(form, RequestForm):
            return

        async def fetch() -> Customer:
            return await self._source.customer(code)

        customer = await self._bills.request(
            Waiting.ACCOUNT, code, fetch, lambda: self.customer_code_entered(code)
        )
        if customer is not None:
            self._session.journey[_HOTLINE_KEY] = customer.corporation.hotline
            self._session.journey[_CORPORATION_KEY] = (
                customer.corporation.name.vi,
                customer.corporation.name.en,
            )
            self._nav.replace(self._identity_step(replace(form, customer_code=code)))

    def _identity_step(self, form: RequestForm) -> ScreenState:
        if IDENTITY_FIELDS & {f.name for f in form.service.fields}:
            return IdConsent(form)
        return self._field(form, 0)

    # ------------------------------------------------------------------ the citizen ID card
    def consent(self) -> None:
        current = self._nav.current
        if isinstance(current, IdConsent):
            self._nav.go(ScanIdCard(current.form))

    def decline(self) -> None:
        current = self._nav.current
        if isinstance(current, IdConsent):
            self._nav.go(self._field(current.form, 0))

    def skip_scan(self) -> None:
        current = self._nav.current
        if isinstance(current, ScanIdCard):
            self._nav.replace(self._field(current.form, 0))

    def accepts_scan(self) -> bool:
        return isinstance(self._nav.current, ScanIdCard)

    async def id_scanned(self, text: str) -> None:
        current = self._nav.current
        if not isinstance(current, ScanIdCard):
            return
        reading = read_citizen_id(text, today=self._today())
        if not isinstance(reading, CitizenCard):
            log.info("citizen ID scan refused: %s", reading.value)  # never the text: it may be a card
            self._nav.replace(ScanIdCard(current.form, reading))
            return
        form = current.form.prefilled(reading)
        self._nav.replace(self._field(form, self._next_index(form, -1)))

    # ------------------------------------------------------------------ one question per screen
    def _field(self, form: RequestForm, index: int, *, reviewing: bool = False) -> ScreenState:
        if index >= len(form.service.fields):
            return ReviewRequest(form)
        return FillField(form, index, form.draft(form.service.fields[index]), reviewing=reviewing)

    @staticmethod
    def _next_index(form: RequestForm, index: int) -> int:
        """The next question to ask: answers read from the ID card are checked on the review instead."""
        index += 1
        fields = form.service.fields
        while (
            index < len(fields) and fields[index].name in form.from_card and form.answer(fields[index].name)
        ):
            index += 1
        return index

    def key(self, key: str) -> None:
        """A key of the keypad (digits) or of the letter keyboard, on the current question."""
        current = self._nav.current
        if not isinstance(current, FillField):
            return
        form = current.form
        spec = form.service.fields[current.index]
        typed = current.typed
        if key == "clear":
            typed = ""
        elif form.on_keypad(spec):
            if key == "backspace":
                typed = typed[:-1]
            elif len(key) == 1 and key.isascii() and key.isdigit():
                typed += key
        elif spec.type == "id_number":
            # A passport number, typed on the letter keyboard: Latin capitals and digits as printed in the
            # passport; tone keys, Vietnamese letters, spaces and punctuation have no place in it.
            if key == "backspace":
                typed = typed[:-1]
            elif len(key) == 1 and key.isascii() and key.isalnum():
                typed += key.upper()
        else:
            typed = press(typed, key)
        # A shorter answer is always taken: one typed for another document (a card's 12 digits, then "passport")
        # may be longer than this one's limit, and must still be deletable key by key.
        fits = len(typed) <= form.input_limit(spec) or len(typed) < len(current.typed)
        if fits and typed != current.typed:
            self._nav.replace(replace(current, typed=typed, problem=None))

    def choose_option(self, value: str) -> None:
        current = self._nav.current
        if isinstance(current, FillField):
            self._nav.replace(replace(current, typed=value, problem=None))
            self.next_field()

    def next_field(self) -> None:
        current = self._nav.current
        if not isinstance(current, FillField):
            return
        spec = current.form.service.fields[current.index]
        problem = current.form.check(spec, current.typed)
        if problem is not None:
            self._nav.replace(replace(current, problem=problem))
            return
        form = current.form.answered(spec.name, current.typed)
        number = next((i for i, f in enumerate(form.service.fields) if f.name == "id_number"), None)
        if current.reviewing and spec.name == ID_DOCUMENT_FIELD and number is not None:
            # The number belongs to the document: after the document, from the review, its number is asked
            # (shown as it was, to keep or to change), then the review again.
            self._nav.replace(self._field(form, number, reviewing=True))
        elif current.reviewing:
            self._nav.replace(ReviewRequest(form))
        else:
            self._nav.replace(self._field(form, self._next_index(form, current.index)))

    def back(self) -> bool:
        """Back inside the form: the previous question, or from the review the last one. False when Back is
        not the form's (the first question goes back to the step before the form)."""
        current = self._nav.current
        if isinstance(current, FillField) and current.reviewing:
            self._nav.replace(ReviewRequest(current.form))
            return True
        if isinstance(current, FillField) and current.index > 0:
            self._nav.replace(self._field(current.form, current.index - 1))
            return True
        if isinstance(current, ReviewRequest) and current.form.service.fields:
            self._nav.replace(self._field(current.form, len(current.form.service.fields) - 1))
            return True
        return False

    def edit(self, index: int) -> None:
        current = self._nav.current
        if isinstance(current, ReviewRequest) and 0 <= index < len(current.form.service.fields):
            self._nav.replace(self._field(current.form, index, reviewing=True))

    # ------------------------------------------------------------------ the one-time code
    async def confirm(self) -> None:
        """From the review: every answer checked, then a code sent to the phone in the form."""
        current = self._nav.current
        if not isinstance(current, ReviewRequest):
            return
        form = current.form
        problems = form.problems()
        if problems:
            index = next(i for i, f in enumerate(form.service.fields) if f.name in problems)
            self._nav.replace(self._problem_at(form, index, problems[form.service.fields[index].name]))
            return
        sent = self._session.journey.get(_CODE_KEY)
        if (
            isinstance(sent, ConfirmOtp)
            and sent.otp_id not in self._spent_otps
            and (sent.form.answer("phone"), sent.form.customer_code)
            == (form.answer("phone"), form.customer_code)
            and self._clock() < min(sent.resend_at, sent.expires_at)
        ):
            # Back to the review and Confirm again: the code sent a moment ago still stands, and the central would
            # refuse a new one this soon. The customer types that one.
            keep = sent.problem if sent.problem in (OtpProblem.LOCKED, OtpProblem.EXPIRED) else None
            self._nav.go(replace(sent, form=form, typed="", problem=keep))
            return
        await self._send_code(form, resend=False)

    def _remember_code_screen(self, state: ScreenState) -> None:
        if isinstance(state, ConfirmOtp):
            self._session.journey[_CODE_KEY] = state

    async def resend(self) -> None:
        current = self._nav.current
        if isinstance(current, ConfirmOtp) and self._clock() >= current.resend_at:
            await self._send_code(current.form, resend=True)

    async def _send_code(self, form: RequestForm, *, resend: bool) -> None:
        phone = form.answer("phone") or None
        customer_code = None if phone is not None else form.customer_code
        below = self._nav.current  # the step under the progress screen, where on_error's screen goes

        async def fetch() -> Otp:
            return await self._source.send_otp("service_request", phone=phone, customer_code=customer_code)

        def on_error(exc: CentralError) -> ScreenState | None:
            if exc.code == "invalid_phone":
                index = next((i for i, f in enumerate(form.service.fields) if f.name == "phone"), None)
                if index is not None:
                    return self._problem_at(form, index, FieldProblem.INVALID_PHONE)
            if isinstance(below, ConfirmOtp) and isinstance(exc, RateLimited):
                # Resend is offered again only when the central says a new code can be sent.
                wait = _USUAL_RESEND_SECONDS
                if exc.retry_after is not None:
                    wait = _seconds_until(exc.retry_after, self._now(), _USUAL_RESEND_SECONDS)
                return replace(below, problem=OtpProblem.TOO_SOON, resend_at=self._clock() + wait)
            if isinstance(below, ConfirmOtp) and isinstance(exc, Unavailable | BadResponse):
                return replace(below, problem=OtpProblem.UNREACHABLE)
            if isinstance(below, ReviewRequest) and exc.code in _CODE_LIMITS and isinstance(exc, RateLimited):
                return replace(below, code_wait=self._code_wait(exc))
            return None

        otp = await self._bills.request(
            Waiting.SENDING_OTP,
            form.customer_code or "",
            fetch,
            lambda: self._send_code(form, resend=resend),
            on_error=on_error,
        )
        if otp is None:
            return
        state = self._code_screen(form, otp)
        if resend:
            self._nav.back()  # the progress screen; the old code's screen is replaced by the new one
        self._nav.replace(state)

    def _code_wait(self, exc: RateLimited) -> CodeWait:
        """How long the first code waits, from the central's ``retry_after`` (its own clock): up to an hour for
        a phone that was sent many codes, so said in minutes, never "about a minute" when it is not."""
        seconds = _LIMIT_WINDOW_SECONDS
        if exc.retry_after is not None:
            seconds = _seconds_until(exc.retry_after, self._now(), _LIMIT_WINDOW_SECONDS)
        return CodeWait(
            minutes=max(1, math.ceil(seconds / 60)), this_phone=exc.details.get("scope") != "kiosk"
        )

    def _first_refused_answer(self, form: RequestForm, refused: Mapping[str, str]) -> FillField | None:
        """The question of the first answer the central refused, with its problem; None when it refused none
        of this form's questions."""
        for index, spec in enumerate(form.service.fields):
            if spec.name in refused:
                return self._problem_at(form, index, problem_from_central(refused[spec.name]))
        return None

    def _problem_at(self, form: RequestForm, index: int, problem: FieldProblem) -> FillField:
        spec = form.service.fields[index]
        return FillField(form, index, form.answer(spec.name), problem=problem, reviewing=True)

    def _code_screen(self, form: RequestForm, otp: Otp) -> ConfirmOtp:
        now, start = self._now(), self._clock()
        return ConfirmOtp(
            form=form,
            otp_id=otp.id,
            # The phone the customer typed, masked as the review showed it; else the account's, as the central
            # masked it, masked again by the same rule so that it reads alike.
            masked_phone=mask_phone(form.answer("phone") or otp.phone),
            typed="",
            resend_at=start + _seconds_until(otp.resend_after, now, _USUAL_RESEND_SECONDS),
            expires_at=start + _seconds_until(otp.expires_at, now, _USUAL_EXPIRY_SECONDS),
            attempts_left=otp.max_attempts,
        )

    def otp_key(self, key: str) -> None:
        current = self._nav.current
        if not isinstance(current, ConfirmOtp):
            return
        typed = current.typed
        if key == "backspace":
            typed = typed[:-1]
        elif key == "clear":
            typed = ""
        elif len(key) == 1 and key.isascii() and key.isdigit() and len(typed) < OTP_LENGTH:
            typed += key
        if typed != current.typed:
            # A new code being typed: the last problem no longer applies, unless no try is left.
            keep = current.problem if current.problem in (OtpProblem.LOCKED, OtpProblem.EXPIRED) else None
            self._nav.replace(replace(current, typed=typed, problem=keep))

    async def verify(self) -> None:
        """The central checks the typed code; a right one confirms the request, which is then saved and sent."""
        current = self._nav.current
        if not isinstance(current, ConfirmOtp) or len(current.typed) != OTP_LENGTH:
            return
        if current.otp_id in self._spent_otps:
            return
        if self._clock() >= current.expires_at:
            self._nav.replace(replace(current, typed="", problem=OtpProblem.EXPIRED))
            return

        async def fetch() -> OtpVerification:
            return await self._source.verify_otp(current.otp_id, current.typed)

        def on_error(exc: CentralError) -> ScreenState | None:
            problem = _otp_problem(exc)
            if problem is None:
                return None
            if problem is OtpProblem.WRONG:
                left = exc.details.get("attempts_left")
                attempts = left if isinstance(left, int) else max(0, current.attempts_left - 1)
                return replace(current, typed="", problem=problem, attempts_left=attempts)
            keep = current.typed if problem is OtpProblem.UNREACHABLE else ""
            return replace(current, typed=keep, problem=problem)

        verified = await self._bills.request(
            Waiting.CHECKING_OTP, current.form.customer_code or "", fetch, self.verify, on_error=on_error
        )
        if verified is not None:
            await self._submit(current, verified.valid_until)

    # ------------------------------------------------------------------ saving, sending, the slip
    async def _submit(self, confirmed: ConfirmOtp, valid_until: datetime) -> None:
        form = confirmed.form
        self._spent_otps.add(confirmed.otp_id)
        loading: ScreenState = Loading(Waiting.SENDING_REQUEST, form.customer_code or "")
        self._nav.replace(loading)
        corporation = self._session.journey.get(_CORPORATION_KEY)
        summary = {
            "service_code": form.service.code,
            "customer_code": form.customer_code or "",
            "language": self._session.language,
        }
        if isinstance(corporation, tuple):
            summary |= {"corporation_vi": str(corporation[0]), "corporation_en": str(corporation[1])}
        if self._session.assisted_by_staff:
            summary["assisted"] = ASSISTED_BY_STAFF
        # The real promise of "it will be sent": until the code's confirmation ends, by the central's clock.
        summary[SEND_BY] = valid_until.isoformat()
        payload = service_request_payload(
            form.service.code, form.customer_code, form.wire_fields(), confirmed.otp_id, confirmed.typed
        )
        # Saved (and fsynced, off the GUI thread) before the first byte is sent: from here on it cannot be lost.
        item = await asyncio.to_thread(self._outbox.add, OutboxKind.SERVICE_REQUEST, payload, summary)
        try:
            item = await asyncio.wait_for(self._courier.deliver(item.id), self._send_wait)
        except TimeoutError:
            item = await asyncio.to_thread(self._outbox.get, item.id)
        self._courier.wake()
        hotline = self._session.journey.get(_HOTLINE_KEY)
        self._session.journey.pop(_FORM_KEY, None)
        if self._nav.current is not loading:
            return  # the customer left; the request is safe in the outbox all the same
        if item.state is Delivery.REFUSED:
            log.warning("service request refused by the central: %s", item.refusal)
            fix = self._first_refused_answer(form, item.refused_fields)
            if fix is not None:
                # The customer's answers are all kept: the first the central refused is shown with why, and the
                # way on is the review again, then a new confirmation code (the one typed is spent).
                self._session.journey[_FORM_KEY] = form
                self._nav.replace(fix)
                return
            self._nav.replace(RequestRefused(form.service, item.refusal or UNKNOWN))
            return
        shown: ScreenState = RequestSubmitted(form.service, item, SlipProgress.PRINTING)
        self._nav.replace(shown)
        progress, preview = await self._print_slip(
            form.service, item, hotline if isinstance(hotline, str) else None
        )
        if self._nav.current is shown:
            self._nav.replace(RequestSubmitted(form.service, item, progress))
            if preview is not None:
                self._nav.go(PrintPreview(preview))


def _seconds_until(moment: datetime, now: datetime, usual: float) -> float:
    """Seconds from ``now`` to the central's ``moment``; ``usual`` when the two clocks disagree beyond reason."""
    left = (moment - now).total_seconds()
    return left if 0 <= left <= _MAX_PLAUSIBLE_SECONDS else usual


def _otp_problem(exc: CentralError) -> OtpProblem | None:
    match exc.code:
        case "otp_invalid":
            return OtpProblem.WRONG
        case "otp_expired" | "otp_used" | "otp_not_found" | "otp_wrong_purpose":
            return OtpProblem.EXPIRED
        case "otp_locked":
            return OtpProblem.LOCKED
    if isinstance(exc, Unavailable | BadResponse) or exc.code == UNKNOWN:
        return OtpProblem.UNREACHABLE
    if isinstance(exc, InvalidInput):
        return OtpProblem.REFUSED
    return None


__all__ = ["IDENTITY_FIELDS", "OTP_LENGTH", "RequestFlow", "RequestSource", "SlipPrinter"]
