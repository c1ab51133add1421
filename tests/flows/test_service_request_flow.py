"""The service request journey without widgets (kiosk.flows.service_request): every step of ``RequestFlow``,
from the catalogue to the slip, against a fake central and a fake slip printer.

The navigator, the customer session, the bill lookup flow (whose progress and failure screens every journey
shares), the outbox (a SQLite file in ``tmp_path``) and the courier are the real ones, so what is asserted
is the exact screen stack a customer walks through and exactly what reached the central and the printer.
The same journey through the screens and the reference central is in tests/gui/test_service_requests.py;
the courier's own retries and refusals are in tests/requests/.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.central.errors import (
    UNKNOWN,
    BadResponse,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from kiosk.central.models import (
    BillFilter,
    BillList,
    BillPaymentQr,
    Consumption,
    Corporation,
    Customer,
    DistrictUnit,
    FieldType,
    FieldValue,
    FormField,
    FormOption,
    Granularity,
    Label,
    Meter,
    Otp,
    OtpPurpose,
    OtpVerification,
    OutageReport,
    OutageReportKind,
    Service,
    ServiceList,
    ServiceRequest,
    Tariffs,
)
from kiosk.customer.citizen_id import IdCardProblem
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.service_request import RequestFlow
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Feature, Home, Loading, PrintPreview, Waiting
from kiosk.flows.states.requests import (
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
from kiosk.requests.courier import Courier
from kiosk.requests.form import FieldProblem, RequestForm
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import ASSISTED_BY_STAFF, Delivery, OutboxItem, send_by
from tests.faults.harness.central import wait_until

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
START = 1000.0  # the kiosk's monotonic clock when a test begins
CUSTOMER_CODE = "PE01000123456"
HOTLINE = "19009000"
TRACKING_CODE = "YCA7K3M9Q2"
PHONE = "0912345678"
CARD_SCAN = "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng, Hà Nội|20052021"
# The same card, registered at an address longer than the form's address question takes.
LONG_ADDRESS = "Số 12 ngõ 34 đường Lý Tự Trọng, phường Bến Nghé, quận 1, TP Hồ Chí Minh"
CARD_WITH_LONG_ADDRESS = f"079088001234||Nguyễn Thị Hương|15041988|Nữ|{LONG_ADDRESS}|20052021"
RIGHT_CODE = "246810"


# ---------------------------------------------------------------------------------------------- the catalogue
def label(text: str) -> Label:
    return Label(vi=text, en=text)


def form_field(
    name: str,
    kind: FieldType,
    *,
    required: bool = True,
    options: tuple[str, ...] = (),
    max_length: int | None = None,
) -> FormField:
    return FormField(
        name=name,
        type=kind,
        label=label(name),
        required=required,
        help=None,
        options=[FormOption(value=value, label=label(value)) for value in options],
        min_value=None,
        max_value=None,
        max_length=max_length,
    )


def service(code: str, number: int, fields: list[FormField], *, requires_customer_code: bool) -> Service:
    return Service(
        code=code,
        number=number,
        title=label(code),
        description=label(code),
        max_working_days=3,
        documents=[],
        fields=fields,
        requires_customer_code=requires_customer_code,
    )


# Small services, one per way a form can start: identity questions (so the ID card is offered), an existing
# customer's account first, no identity question at all, and no question at all (the code goes to the phone
# registered on the account).
NEW_CONNECTION = service(
    "new_connection",
    2,
    [
        form_field("full_name", "text", max_length=40),
        form_field("id_number", "id_number"),
        form_field("phone", "phone"),
        form_field("address", "address", max_length=40),
        form_field("purpose", "choice", options=("home", "business")),
        form_field("survey_date", "date", required=False),
    ],
    requires_customer_code=False,
)
METER_CHECK = service(
    "meter_check",
    1,
    [
        form_field("full_name", "text"),
        form_field("phone", "phone"),
        form_field("issue", "choice", options=("stopped", "fast")),
    ],
    requires_customer_code=True,
)
CALLBACK = service("callback", 3, [form_field("phone", "phone")], requires_customer_code=False)
ACCOUNT_CALLBACK = service("account_callback", 4, [], requires_customer_code=True)
# In the central's order, which the kiosk must not rely on.
CATALOGUE = (CALLBACK, NEW_CONNECTION, ACCOUNT_CALLBACK, METER_CHECK)
SORTED = (METER_CHECK, NEW_CONNECTION, CALLBACK, ACCOUNT_CALLBACK)

# What a customer of NEW_CONNECTION types, and what the central is then sent.
ANSWERS = {
    "full_name": "Le Van Tam",
    "id_number": "001088012345",
    "phone": PHONE,
    "address": "Xom 3 Dinh Hoa",
}
WIRE = {**ANSWERS, "purpose": "home"}


def account() -> Customer:
    return Customer(
        code=CUSTOMER_CODE,
        name="Nguyễn V** A*",
        address="Quận 1",
        phone="0909***999",
        corporation=Corporation(
            code="EVNSPC", name=Label(vi="Tổng công ty Điện lực miền Nam", en="Southern Power Corporation"),
            hotline=HOTLINE,
        ),
        district_unit=DistrictUnit(code="PE0100", name=Label(vi="Điện lực Quận 1", en="District 1 Power")),
        tariff_type="residential",
        households=1,
        meter=Meter(serial="M1", multiplier=1, remote_read=False),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------- fakes
class FakeCentral:
    """The central as the request journey and the courier see it. Every call is recorded in ``calls``; a test
    queues errors for a method (``fail``) or holds its calls until it lets them go (``hold``)."""

    def __init__(self) -> None:
        self.catalogue: tuple[Service, ...] = CATALOGUE
        self.calls: list[tuple[object, ...]] = []
        self.failures: dict[str, list[CentralError]] = {}
        self.gates: dict[str, asyncio.Event] = {}
        # When a sent code expires and when another may be asked for, from the central's "now".
        self.expires_in = timedelta(seconds=240)
        self.resend_in = timedelta(seconds=45)
        self.sent = 0

    def fail(self, method: str, *errors: CentralError) -> None:
        self.failures.setdefault(method, []).extend(errors)

    def hold(self, method: str) -> asyncio.Event:
        gate = self.gates[method] = asyncio.Event()
        return gate

    def called(self, method: str) -> list[tuple[object, ...]]:
        return [call[1:] for call in self.calls if call[0] == method]

    async def _answer(self, method: str, *args: object) -> None:
        self.calls.append((method, *args))
        gate = self.gates.get(method)
        if gate is not None:
            await gate.wait()
        failures = self.failures.get(method)
        if failures:
            raise failures.pop(0)

    # ------------------------------------------------------------------ RequestSource
    async def services(self) -> ServiceList:
        await self._answer("services")
        return ServiceList(services=list(self.catalogue))

    async def customer(self, code: str) -> Customer:
        await self._answer("customer", code)
        if code != CUSTOMER_CODE:
            raise NotFound("customer_not_found", "no such customer", status=404)
        return account()

    async def send_otp(
        self, purpose: OtpPurpose, *, phone: str | None = None, customer_code: str | None = None
    ) -> Otp:
        await self._answer("send_otp", purpose, phone, customer_code)
        self.sent += 1
        masked = f"{phone[:3]}••••{phone[-3:]}" if phone is not None else "090••••999"
        return Otp(
            id=f"otp_{self.sent}",
            phone=masked,
            expires_at=NOW + self.expires_in,
            resend_after=NOW + self.resend_in,
            max_attempts=5,
        )

    async def verify_otp(self, otp_id: str, code: str) -> OtpVerification:
        await self._answer("verify_otp", otp_id, code)
        return OtpVerification(otp_id=otp_id, verified_at=NOW, valid_until=NOW + timedelta(days=7))

    # ------------------------------------------------------------------ the courier's RequestCentral
    async def submit_request(
        self,
        service_code: str,
        customer_code: str | None,
        fields: Mapping[str, FieldValue],
        otp_id: str,
        otp_code: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> ServiceRequest:
        await self._answer("submit_request", service_code, customer_code, dict(fields), otp_id, otp_code)
        return ServiceRequest(
            tracking_code=TRACKING_CODE,
            client_reference=client_reference,
            service_code=service_code,
            customer_code=customer_code,
            status="received",
            created_at=NOW,
            due_by=TODAY + timedelta(days=3),
            history=[],
        )

    async def report_outage(
        self,
        customer_code: str,
        kind: OutageReportKind,
        description: str,
        idempotency_key: str,
        *,
        client_reference: str | None = None,
    ) -> OutageReport:
        raise AssertionError("a service request never reports an outage")

    # ------------------------------------------------------------------ the rest of the bill lookup's source
    async def bills(self, code: str, status: BillFilter = "unpaid") -> BillList:
        raise AssertionError("a service request never asks for bills")

    async def consumption(self, code: str, granularity: Granularity = "month") -> Consumption:
        raise AssertionError("a service request never asks for consumption")

    async def tariffs(self) -> Tariffs:
        raise AssertionError("a service request never asks for tariffs")

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        raise AssertionError("a service request never asks for a bill's QR")


@dataclass
class FakeSlipPrinter:
    """The slip printer port: records each job (service code, item, hotline) and answers ``outcome``; with a
    ``gate``, the job waits until the test lets it finish (a slow printer)."""

    outcome: tuple[SlipProgress, Path | None] = (SlipProgress.PRINTED, None)
    jobs: list[tuple[str, OutboxItem, str | None]] = field(default_factory=list)
    gate: asyncio.Event | None = None

    async def __call__(
        self, service: Service, item: OutboxItem, hotline: str | None
    ) -> tuple[SlipProgress, Path | None]:
        self.jobs.append((service.code, item, hotline))
        if self.gate is not None:
            await self.gate.wait()
        return self.outcome


class WatchedCourier(Courier):
    """The real courier, counting how often the background loop is woken (the flow must wake it for an item
    the screen could not deliver in time)."""

    wakes = 0

    def wake(self) -> None:
        self.wakes += 1
        super().wake()


class Ticker:
    """The kiosk's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


async def no_notice(customer: Customer, bill: object, qr: BillPaymentQr) -> NoticeOutcome:
    raise AssertionError("a service request never prints a bill notice")


@dataclass
class Kiosk:
    """The request side of a kiosk: the real navigator, session, bill lookup, outbox and courier around the
    flow, with the fakes. ``seen`` is every state the navigator showed, in order."""

    central: FakeCentral
    nav: Navigator
    session: CustomerSession
    bills: BillLookupFlow
    outbox: Outbox
    courier: WatchedCourier
    printer: FakeSlipPrinter
    clock: Ticker
    seen: list[ScreenState]
    flow: RequestFlow = field(init=False)

    def __post_init__(self) -> None:
        self.flow = self.request_flow(send_wait=5.0)
        # As the shell wires it: the keypad opened for a request hands its code to the request.
        self.bills.hand_codes_to(Feature.REQUESTS, self.flow.customer_code_entered)

    def request_flow(self, *, send_wait: float) -> RequestFlow:
        return RequestFlow(
            self.central,
            self.bills,
            self.nav,
            self.session,
            self.outbox,
            self.courier,
            print_slip=self.printer,
            today=lambda: TODAY,
            send_wait=send_wait,
            clock=self.clock,
            now=lambda: NOW,
        )


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    central, nav, session = FakeCentral(), Navigator(), CustomerSession()
    bills = BillLookupFlow(central, nav, session, print_notice=no_notice, today=lambda: TODAY)
    outbox = Outbox(tmp_path / OUTBOX_FILE_NAME, clock=lambda: NOW)
    courier = WatchedCourier(central, outbox, backoff=lambda _: 60.0, clock=lambda: NOW)
    seen: list[ScreenState] = []
    nav.subscribe(seen.append)
    yield Kiosk(central, nav, session, bills, outbox, courier, FakeSlipPrinter(), Ticker(), seen)
    outbox.close()


# ---------------------------------------------------------------------------------------------- driving it
def type_keys(k: Kiosk, text: str) -> None:
    for char in text:
        k.flow.key("space" if char == " " else char)


def answer(k: Kiosk, text: str) -> None:
    type_keys(k, text)
    k.flow.next_field()


def current_field(k: Kiosk) -> FillField:
    state = k.nav.current
    assert isinstance(state, FillField), state
    return state


async def to_service(k: Kiosk, chosen: Service) -> None:
    await k.flow.start()
    k.flow.choose(chosen.code)
    k.flow.begin()


async def to_account_form(k: Kiosk, chosen: Service) -> None:
    """A service for an existing customer, up to the step after the customer code (typed on the keypad)."""
    await to_service(k, chosen)
    k.nav.replace(EnterCode(CUSTOMER_CODE[:6], CUSTOMER_CODE[6:], Feature.REQUESTS))
    await k.bills.submit()


async def to_review(k: Kiosk) -> ReviewRequest:
    """NEW_CONNECTION, every question typed (the ID card declined), the optional date left blank."""
    await to_service(k, NEW_CONNECTION)
    k.flow.decline()
    for name in ("full_name", "id_number", "phone", "address"):
        answer(k, ANSWERS[name])
    k.flow.choose_option("home")
    k.flow.next_field()
    review = k.nav.current
    assert isinstance(review, ReviewRequest), review
    return review


async def to_code(k: Kiosk) -> ConfirmOtp:
    await to_review(k)
    await k.flow.confirm()
    state = k.nav.current
    assert isinstance(state, ConfirmOtp), state
    return state


def type_code(k: Kiosk, code: str = RIGHT_CODE) -> ConfirmOtp:
    for digit in code:
        k.flow.otp_key(digit)
    state = k.nav.current
    assert isinstance(state, ConfirmOtp), state
    return state


def back_as_the_frame_does(k: Kiosk) -> None:
    """The frame's Back (kiosk.flows.frame) on the request's screens: the form's own step, else one pop."""
    if not k.flow.back():
        k.nav.back()


async def started(k: Kiosk, work: Callable[[], Coroutine[Any, Any, None]], method: str) -> asyncio.Task[None]:
    """Runs ``work`` (a flow step) as the shell does, until it has called the central's ``method``."""
    calls = len(k.central.called(method))
    task = asyncio.ensure_future(work())
    await wait_until(lambda: len(k.central.called(method)) > calls, what=f"{method} called")
    return task


# ---------------------------------------------------------------------------------------------- the catalogue
@pytest.mark.asyncio
async def test_the_catalogue_comes_from_the_central_numbered_in_order(kiosk: Kiosk) -> None:
    await kiosk.flow.start()
    assert kiosk.seen == [Loading(Waiting.SERVICES, ""), ChooseService(SORTED)]
    assert kiosk.nav.states == (Home(), ChooseService(SORTED))


@pytest.mark.asyncio
async def test_the_catalogue_is_asked_afresh_for_every_customer(kiosk: Kiosk) -> None:
    await kiosk.flow.start()
    kiosk.nav.home()
    kiosk.central.catalogue = (CALLBACK,)  # the central dropped services meanwhile
    await kiosk.flow.start()
    assert kiosk.nav.states == (Home(), ChooseService((CALLBACK,)))
    assert kiosk.central.called("services") == [(), ()]


@pytest.mark.parametrize(
    ("error", "problem", "can_retry"),
    [
        (Unavailable("unreachable", "down"), LookupProblem.UNREACHABLE, True),
        (RateLimited("rate_limited", "slow down", status=429), LookupProblem.BUSY, True),
        (BadResponse("contract_mismatch", "garbage", status=200), LookupProblem.BAD_ANSWER, True),
        (Unauthorized("unauthorized", "token", status=401), LookupProblem.KIOSK_REFUSED, False),
    ],
)
@pytest.mark.asyncio
async def test_a_catalogue_that_cannot_be_had_is_a_failure_screen(
    kiosk: Kiosk, error: CentralError, problem: LookupProblem, can_retry: bool
) -> None:
    kiosk.central.fail("services", error)
    await kiosk.flow.start()
    assert kiosk.nav.states == (Home(), LookupFailed(problem, "", can_retry=can_retry))


@pytest.mark.asyncio
async def test_try_again_after_the_central_was_down_shows_the_catalogue(kiosk: Kiosk) -> None:
    kiosk.central.fail("services", Unavailable("unreachable", "down"))
    await kiosk.flow.start()
    await kiosk.bills.retry()
    assert kiosk.nav.states == (Home(), ChooseService(SORTED))


@pytest.mark.asyncio
async def test_a_catalogue_arriving_after_the_customer_left_is_dropped(kiosk: Kiosk) -> None:
    gate = kiosk.central.hold("services")
    task = await started(kiosk, kiosk.flow.start, "services")
    kiosk.nav.home()
    gate.set()
    await task
    assert kiosk.nav.states == (Home(),)


# ---------------------------------------------------------------------------------------------- choosing, starting
@pytest.mark.asyncio
async def test_choosing_a_service_shows_what_it_is_for_first(kiosk: Kiosk) -> None:
    await kiosk.flow.start()
    kiosk.flow.choose("new_connection")
    assert kiosk.nav.states == (Home(), ChooseService(SORTED), ServiceIntro(NEW_CONNECTION))


@pytest.mark.asyncio
async def test_a_service_the_catalogue_does_not_list_is_not_opened(kiosk: Kiosk) -> None:
    await kiosk.flow.start()
    kiosk.seen.clear()
    kiosk.flow.choose("no_such_service")
    assert kiosk.seen == []


@pytest.mark.asyncio
async def test_a_service_anyone_may_ask_for_starts_with_consent_to_read_the_id_card(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    assert kiosk.nav.states[1:] == (
        ChooseService(SORTED),
        ServiceIntro(NEW_CONNECTION),
        IdConsent(RequestForm(NEW_CONNECTION)),
    )
    assert kiosk.session.journey == {}  # the draft lives in the screen states only


@pytest.mark.asyncio
async def test_a_service_for_an_existing_customer_asks_the_customer_code_first(kiosk: Kiosk) -> None:
    await to_service(kiosk, METER_CHECK)
    assert kiosk.nav.states[2:] == (ServiceIntro(METER_CHECK), EnterCode(purpose=Feature.REQUESTS))
    # While the keypad is up the draft waits in the session's journey, where a wipe reaches it.
    assert list(kiosk.session.journey.values()) == [RequestForm(METER_CHECK)]


@pytest.mark.asyncio
async def test_a_service_without_identity_questions_starts_at_its_first_question(kiosk: Kiosk) -> None:
    await to_service(kiosk, CALLBACK)
    assert kiosk.nav.states[2:] == (ServiceIntro(CALLBACK), FillField(RequestForm(CALLBACK), 0, ""))


# ---------------------------------------------------------------------------------------------- the customer code
@pytest.mark.asyncio
async def test_the_customer_code_is_checked_with_the_central_then_the_form_goes_on(kiosk: Kiosk) -> None:
    await to_service(kiosk, METER_CHECK)
    kiosk.nav.replace(EnterCode(CUSTOMER_CODE[:6], CUSTOMER_CODE[6:], Feature.REQUESTS))
    kiosk.seen.clear()
    await kiosk.bills.submit()
    form = RequestForm(METER_CHECK, customer_code=CUSTOMER_CODE)
    assert kiosk.seen == [Loading(Waiting.ACCOUNT, CUSTOMER_CODE), IdConsent(form)]
    assert kiosk.nav.states[3:] == (
        EnterCode(CUSTOMER_CODE[:6], CUSTOMER_CODE[6:], Feature.REQUESTS),
        IdConsent(form),
    )
    assert kiosk.central.called("customer") == [(CUSTOMER_CODE,)]
    # The slip names the account's power company and its hotline.
    assert HOTLINE in kiosk.session.journey.values()
    assert ("Tổng công ty Điện lực miền Nam", "Southern Power Corporation") in kiosk.session.journey.values()


@pytest.mark.asyncio
async def test_a_bill_scanned_on_the_requests_keypad_is_taken_for_the_request(kiosk: Kiosk) -> None:
    await to_service(kiosk, METER_CHECK)
    await kiosk.bills.scanned(CUSTOMER_CODE)
    assert kiosk.nav.current == IdConsent(RequestForm(METER_CHECK, customer_code=CUSTOMER_CODE))


@pytest.mark.asyncio
async def test_a_service_without_questions_goes_from_the_code_to_the_review(kiosk: Kiosk) -> None:
    await to_account_form(kiosk, ACCOUNT_CALLBACK)
    assert kiosk.nav.current == ReviewRequest(RequestForm(ACCOUNT_CALLBACK, customer_code=CUSTOMER_CODE))


@pytest.mark.asyncio
async def test_an_unknown_customer_code_is_said_and_the_keypad_gets_it_back(kiosk: Kiosk) -> None:
    await to_service(kiosk, METER_CHECK)
    await kiosk.flow.customer_code_entered("PE09999999999")
    assert kiosk.nav.states[-2:] == (
        EnterCode(purpose=Feature.REQUESTS),
        LookupFailed(LookupProblem.NOT_FOUND, "PE09999999999", can_retry=False),
    )
    kiosk.bills.retype()
    assert kiosk.nav.states[-1] == EnterCode(purpose=Feature.REQUESTS)
    # The draft is still waiting for a good code.
    await kiosk.flow.customer_code_entered(CUSTOMER_CODE)
    assert kiosk.nav.current == IdConsent(RequestForm(METER_CHECK, customer_code=CUSTOMER_CODE))


@pytest.mark.asyncio
async def test_the_account_is_asked_again_when_the_central_was_down(kiosk: Kiosk) -> None:
    await to_service(kiosk, METER_CHECK)
    kiosk.central.fail("customer", Unavailable("timeout", "no answer"))
    await kiosk.flow.customer_code_entered(CUSTOMER_CODE)
    assert kiosk.nav.current == LookupFailed(LookupProblem.UNREACHABLE, CUSTOMER_CODE, can_retry=True)
    await kiosk.bills.retry()
    assert kiosk.nav.states[-2:] == (
        EnterCode(purpose=Feature.REQUESTS),
        IdConsent(RequestForm(METER_CHECK, customer_code=CUSTOMER_CODE)),
    )
    assert kiosk.central.called("customer") == [(CUSTOMER_CODE,), (CUSTOMER_CODE,)]


@pytest.mark.asyncio
async def test_a_code_with_no_request_started_is_not_looked_up(kiosk: Kiosk) -> None:
    await kiosk.flow.customer_code_entered(CUSTOMER_CODE)
    assert kiosk.central.calls == []
    assert kiosk.nav.states == (Home(),)


@pytest.mark.asyncio
async def test_a_draft_left_at_the_keypad_is_replaced_by_the_next_service_started(kiosk: Kiosk) -> None:
    await to_service(kiosk, METER_CHECK)
    back_as_the_frame_does(kiosk)  # the keypad
    back_as_the_frame_does(kiosk)  # the intro
    kiosk.flow.choose(ACCOUNT_CALLBACK.code)
    kiosk.flow.begin()
    await kiosk.flow.customer_code_entered(CUSTOMER_CODE)
    assert kiosk.nav.current == ReviewRequest(RequestForm(ACCOUNT_CALLBACK, customer_code=CUSTOMER_CODE))


# ---------------------------------------------------------------------------------------------- the ID card
@pytest.mark.asyncio
async def test_consent_opens_the_scanner_and_only_then_is_a_card_taken(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    assert not kiosk.flow.accepts_scan()
    await kiosk.flow.id_scanned(CARD_SCAN)  # before consent: not read
    assert kiosk.nav.current == IdConsent(RequestForm(NEW_CONNECTION))
    kiosk.flow.consent()
    assert kiosk.nav.states[-2:] == (
        IdConsent(RequestForm(NEW_CONNECTION)),
        ScanIdCard(RequestForm(NEW_CONNECTION)),
    )
    assert kiosk.flow.accepts_scan()


@pytest.mark.asyncio
async def test_declining_the_card_asks_every_question(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.decline()
    assert kiosk.nav.states[-2:] == (
        IdConsent(RequestForm(NEW_CONNECTION)),
        FillField(RequestForm(NEW_CONNECTION), 0, ""),
    )


@pytest.mark.asyncio
async def test_typing_instead_of_scanning_replaces_the_scanner_screen(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.consent()
    kiosk.flow.skip_scan()
    assert kiosk.nav.states[-2:] == (
        IdConsent(RequestForm(NEW_CONNECTION)),
        FillField(RequestForm(NEW_CONNECTION), 0, ""),
    )
    assert not kiosk.flow.accepts_scan()


@pytest.mark.parametrize(
    ("scanned", "problem"),
    [
        (CUSTOMER_CODE, IdCardProblem.NOT_AN_ID_CARD),  # a bill
        ("079088001234|x|Nguyễn Thị Hương|15041988|Nữ|Hà Nội|01012021", IdCardProblem.UNREADABLE),  # old ID x
        ("079088001234||Nguyễn Thị Hương|31021988|Nữ|Hà Nội|01012021", IdCardProblem.BIRTH_DATE),  # 31 Feb
    ],
)
@pytest.mark.asyncio
async def test_a_scan_that_is_not_a_readable_card_is_said_on_the_scanner_screen(
    kiosk: Kiosk, scanned: str, problem: IdCardProblem
) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(scanned)
    assert kiosk.nav.states[-2:] == (
        IdConsent(RequestForm(NEW_CONNECTION)),
        ScanIdCard(RequestForm(NEW_CONNECTION), problem),
    )
    assert kiosk.flow.accepts_scan()  # the customer may show the card again
    await kiosk.flow.id_scanned(CARD_SCAN)
    assert current_field(kiosk).form.answer("id_number") == "079088001234"


@pytest.mark.asyncio
async def test_the_card_fills_name_id_and_address_and_those_questions_are_not_asked(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(CARD_SCAN)
    state = current_field(kiosk)
    assert kiosk.nav.states[-2] == IdConsent(RequestForm(NEW_CONNECTION))  # the scanner screen was replaced
    assert state.index == 2  # the phone: the card has none
    assert state.typed == ""
    assert state.form.answers == (
        ("full_name", "Nguyễn Thị Hương"),
        ("id_number", "079088001234"),
        ("address", "12 Lý Tự Trọng, Hà Nội"),
    )
    assert state.form.from_card == {"full_name", "id_number", "address"}
    answer(kiosk, PHONE)
    assert current_field(kiosk).index == 4  # the address came from the card too


# A service asking identity as the central's catalogue does: which document, its number and its issue date.
IDENTIFIED = service(
    "identified",
    5,
    [
        form_field("full_name", "text", max_length=100),
        form_field("id_type", "choice", options=("cccd", "passport_vn", "passport_foreign")),
        form_field("id_number", "id_number"),
        form_field("id_issue_date", "date"),
        form_field("phone", "phone"),
        form_field("address", "address", max_length=255),
    ],
    requires_customer_code=False,
)
# A newer card's QR: the seven fields, two more after them, and a trailing separator.
LONGER_CARD_SCAN = CARD_SCAN + "|Nguyễn Văn Ba|Trần Thị Tư|"


@pytest.mark.asyncio
async def test_a_longer_card_qr_prefills_the_document_its_number_and_issue_date_up_to_the_central(
    kiosk: Kiosk,
) -> None:
    kiosk.central.catalogue = (IDENTIFIED,)
    await to_service(kiosk, IDENTIFIED)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(LONGER_CARD_SCAN)
    state = current_field(kiosk)
    assert state.index == 4  # the phone: everything before it came from the card
    assert dict(state.form.answers) == {
        "full_name": "Nguyễn Thị Hương",
        "id_type": "cccd",
        "id_number": "079088001234",
        "id_issue_date": "20052021",  # as a date is typed: ddmmyyyy
        "address": "12 Lý Tự Trọng, Hà Nội",
    }
    assert state.form.from_card == {"full_name", "id_type", "id_number", "id_issue_date", "address"}
    answer(kiosk, PHONE)
    assert isinstance(kiosk.nav.current, ReviewRequest)  # the address came from the card too
    await kiosk.flow.confirm()
    type_code(kiosk)
    await kiosk.flow.verify()
    [(code, _, fields, _, _)] = kiosk.central.called("submit_request")
    assert code == "identified"
    assert fields == {
        "full_name": "Nguyễn Thị Hương",
        "id_type": "cccd",
        "id_number": "079088001234",
        "id_issue_date": "2021-05-20",
        "phone": PHONE,
        "address": "12 Lý Tự Trọng, Hà Nội",
    }


@pytest.mark.parametrize(
    ("scanned", "problem"),
    [
        (CARD_SCAN.replace("079088001234", "79088001234"), IdCardProblem.ID_NUMBER_LENGTH),  # 11 digits
        (CARD_SCAN.replace("079088001234", ""), IdCardProblem.NO_ID_NUMBER),
        (CARD_SCAN.replace("15041988", "15041388"), IdCardProblem.BIRTH_DATE),
        (CARD_SCAN.replace("20052021", "20052031"), IdCardProblem.ISSUE_DATE),
    ],
)
@pytest.mark.asyncio
async def test_a_card_that_cannot_be_used_is_refused_with_its_reason_and_nothing_is_filled(
    kiosk: Kiosk, scanned: str, problem: IdCardProblem
) -> None:
    kiosk.central.catalogue = (IDENTIFIED,)
    await to_service(kiosk, IDENTIFIED)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(scanned)
    assert kiosk.nav.current == ScanIdCard(RequestForm(IDENTIFIED), problem)
    kiosk.flow.skip_scan()  # "type the details": every question is asked
    assert kiosk.nav.current == FillField(RequestForm(IDENTIFIED), 0, "")


async def to_id_number(k: Kiosk, document: str) -> None:
    k.central.catalogue = (IDENTIFIED,)
    await to_service(k, IDENTIFIED)
    k.flow.decline()
    answer(k, "Le Van Tam")
    k.flow.choose_option(document)
    assert current_field(k).index == 2


@pytest.mark.asyncio
async def test_a_passport_number_is_typed_in_capitals_and_letters_and_digits_only(kiosk: Kiosk) -> None:
    await to_id_number(kiosk, "passport_vn")
    for key in ("c", "tone:acute", "ă", "-", "space", "1", "2", "3", "4", "5", "6", "7", "8", "9"):
        kiosk.flow.key(key)
    assert current_field(kiosk).typed == "C1234567"  # a Vietnamese passport number has 8 characters
    kiosk.flow.next_field()
    state = current_field(kiosk)
    assert (state.index, state.form.answer("id_number")) == (3, "C1234567")


@pytest.mark.parametrize(
    ("document", "typed", "accepted"),
    [
        ("cccd", "001088012345", True),
        ("cccd", "00108801234", False),
        ("passport_vn", "C1234567", True),
        ("passport_vn", "CC123456", False),
        ("passport_foreign", "X12345678", True),
        ("passport_foreign", "ABCDEF", False),
    ],
)
@pytest.mark.asyncio
async def test_the_id_number_is_checked_as_the_number_of_the_document_chosen(
    kiosk: Kiosk, document: str, typed: str, accepted: bool
) -> None:
    await to_id_number(kiosk, document)
    answer(kiosk, typed)
    state = current_field(kiosk)
    if accepted:
        assert (state.index, state.problem) == (3, None)
    else:
        assert (state.index, state.problem) == (2, FieldProblem.INVALID_ID_NUMBER)


@pytest.mark.asyncio
async def test_a_number_longer_than_the_new_documents_can_still_be_deleted_key_by_key(kiosk: Kiosk) -> None:
    await to_id_number(kiosk, "cccd")
    answer(kiosk, "001088012345")
    kiosk.flow.back()
    kiosk.flow.back()  # to the document: a passport after all
    kiosk.flow.choose_option("passport_vn")
    assert current_field(kiosk).typed == "001088012345"  # the card's 12 digits, longer than a passport's 8
    kiosk.flow.key("backspace")
    assert current_field(kiosk).typed == "00108801234"
    kiosk.flow.key("7")  # but no longer by typing more
    assert current_field(kiosk).typed == "00108801234"


@pytest.mark.asyncio
async def test_the_document_changed_from_the_review_asks_its_number_next_then_the_review(
    kiosk: Kiosk,
) -> None:
    await to_id_number(kiosk, "cccd")
    for text in ("001088012345", "20052021", PHONE, "Xom 3"):
        answer(kiosk, text)
    assert isinstance(kiosk.nav.current, ReviewRequest)
    kiosk.flow.edit(1)
    kiosk.flow.choose_option("passport_vn")
    state = current_field(kiosk)
    assert (state.index, state.typed, state.reviewing) == (2, "001088012345", True)
    kiosk.flow.next_field()  # a card's number is not a passport's
    assert current_field(kiosk).problem is FieldProblem.INVALID_ID_NUMBER
    kiosk.flow.key("clear")
    answer(kiosk, "C1234567")
    review = kiosk.nav.current
    assert isinstance(review, ReviewRequest)
    assert (review.form.answer("id_type"), review.form.answer("id_number")) == ("passport_vn", "C1234567")


# ---------------------------------------------------------------------------------------------- the questions
@pytest.mark.asyncio
async def test_the_numeric_keypad_takes_digits_up_to_the_fields_length(kiosk: Kiosk) -> None:
    await to_service(kiosk, CALLBACK)
    kiosk.seen.clear()
    type_keys(kiosk, "09a1é")  # letters are not on this keypad
    assert [s.typed for s in kiosk.seen if isinstance(s, FillField)] == ["0", "09", "091"]
    kiosk.flow.key("backspace")
    assert current_field(kiosk).typed == "09"
    kiosk.flow.key("clear")
    assert current_field(kiosk).typed == ""
    type_keys(kiosk, "09123456789")  # a phone has 10 digits
    assert current_field(kiosk).typed == "0912345678"


@pytest.mark.asyncio
async def test_the_letter_keyboard_writes_vietnamese_up_to_the_fields_length(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.decline()
    for key in ("T", "a", "m", "tone:grave", "space", "A"):
        kiosk.flow.key(key)
    assert current_field(kiosk).typed == "Tàm A"
    kiosk.flow.key("backspace")
    assert current_field(kiosk).typed == "Tàm "
    kiosk.flow.key("clear")
    type_keys(kiosk, "x" * 41)  # the name takes 40
    assert current_field(kiosk).typed == "x" * 40


@pytest.mark.asyncio
async def test_a_wrong_answer_stays_with_its_problem_until_the_next_key(kiosk: Kiosk) -> None:
    await to_service(kiosk, CALLBACK)
    type_keys(kiosk, "0123")
    kiosk.flow.next_field()
    assert kiosk.nav.current == FillField(
        RequestForm(CALLBACK), 0, "0123", problem=FieldProblem.INVALID_PHONE
    )
    kiosk.flow.key("4")
    assert kiosk.nav.current == FillField(RequestForm(CALLBACK), 0, "01234")


@pytest.mark.asyncio
async def test_a_required_question_left_blank_is_not_passed(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.decline()
    depth = kiosk.nav.depth
    kiosk.flow.next_field()
    assert kiosk.nav.current == FillField(RequestForm(NEW_CONNECTION), 0, "", problem=FieldProblem.REQUIRED)
    assert kiosk.nav.depth == depth


@pytest.mark.asyncio
async def test_each_right_answer_is_kept_and_the_next_question_replaces_the_last(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.decline()
    depth = kiosk.nav.depth
    answer(kiosk, "Le Van Tam")
    answer(kiosk, ANSWERS["id_number"])
    form = RequestForm(
        NEW_CONNECTION, answers=(("full_name", "Le Van Tam"), ("id_number", ANSWERS["id_number"]))
    )
    assert kiosk.nav.current == FillField(form, 2, "")
    assert kiosk.nav.depth == depth  # one Back step for the whole form: the flow's own Back walks it


@pytest.mark.asyncio
async def test_an_option_tapped_is_the_answer_and_moves_on(kiosk: Kiosk) -> None:
    await to_review(kiosk)
    kiosk.flow.edit(4)
    kiosk.seen.clear()
    kiosk.flow.choose_option("business")
    review = kiosk.nav.current
    assert isinstance(review, ReviewRequest)
    assert review.form.answer("purpose") == "business"
    assert [type(s) for s in kiosk.seen] == [FillField, ReviewRequest]


@pytest.mark.asyncio
async def test_an_option_that_is_not_the_questions_is_refused(kiosk: Kiosk) -> None:
    await to_review(kiosk)
    kiosk.flow.edit(4)
    kiosk.flow.choose_option("factory")
    state = current_field(kiosk)
    assert (state.index, state.typed, state.problem) == (4, "factory", FieldProblem.INVALID_CHOICE)


@pytest.mark.asyncio
async def test_after_the_last_question_comes_the_review_with_blank_optional_answers_left_out(
    kiosk: Kiosk,
) -> None:
    review = await to_review(kiosk)
    assert review.form.wire_fields() == WIRE
    assert [type(s) for s in kiosk.nav.states] == [
        Home,
        ChooseService,
        ServiceIntro,
        IdConsent,
        ReviewRequest,
    ]


# ---------------------------------------------------------------------------------------------- Back and edits
@pytest.mark.asyncio
async def test_back_walks_the_questions_then_the_steps_before_them(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(CARD_SCAN)
    answer(kiosk, PHONE)
    kiosk.flow.choose_option("home")
    kiosk.flow.next_field()
    await kiosk.flow.confirm()
    walked: list[str] = []
    while kiosk.nav.current != Home():
        back_as_the_frame_does(kiosk)
        state = kiosk.nav.current
        walked.append(
            f"field {state.index} {state.typed}" if isinstance(state, FillField) else type(state).__name__
        )
    # The questions the card answered were skipped going forward; going back shows them, as read.
    assert walked == [
        "ReviewRequest",
        "field 5 ",
        "field 4 home",
        "field 3 12 Lý Tự Trọng, Hà Nội",
        f"field 2 {PHONE}",
        "field 1 079088001234",
        "field 0 Nguyễn Thị Hương",
        "IdConsent",
        "ServiceIntro",
        "ChooseService",
        "Home",
    ]


@pytest.mark.asyncio
async def test_back_from_the_first_question_is_the_frames(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.decline()
    type_keys(kiosk, "Le")
    kiosk.seen.clear()
    assert kiosk.flow.back() is False
    assert kiosk.seen == []


@pytest.mark.asyncio
async def test_back_from_a_question_forgets_what_was_typed_but_not_confirmed_there(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.decline()
    answer(kiosk, "Le Van Tam")
    type_keys(kiosk, "0010")
    assert kiosk.flow.back() is True
    assert kiosk.nav.current == FillField(
        RequestForm(NEW_CONNECTION, answers=(("full_name", "Le Van Tam"),)), 0, "Le Van Tam"
    )
    kiosk.flow.next_field()
    assert current_field(kiosk).typed == ""


@pytest.mark.asyncio
async def test_back_from_a_review_without_questions_is_the_frames(kiosk: Kiosk) -> None:
    await to_account_form(kiosk, ACCOUNT_CALLBACK)
    assert kiosk.flow.back() is False
    kiosk.nav.back()
    assert kiosk.nav.current == EnterCode(CUSTOMER_CODE[:6], CUSTOMER_CODE[6:], Feature.REQUESTS)


@pytest.mark.asyncio
async def test_an_answer_edited_from_the_review_goes_back_to_the_review(kiosk: Kiosk) -> None:
    review = await to_review(kiosk)
    depth = kiosk.nav.depth
    kiosk.flow.edit(0)
    assert kiosk.nav.current == FillField(review.form, 0, "Le Van Tam", reviewing=True)
    type_keys(kiosk, "h")
    kiosk.flow.next_field()
    assert kiosk.nav.states[-1] == ReviewRequest(review.form.answered("full_name", "Le Van Tamh"))
    assert kiosk.nav.depth == depth


@pytest.mark.asyncio
async def test_back_from_an_edit_drops_it_and_returns_to_the_review(kiosk: Kiosk) -> None:
    review = await to_review(kiosk)
    kiosk.flow.edit(2)
    kiosk.flow.key("clear")
    assert kiosk.flow.back() is True
    assert kiosk.nav.current == review


@pytest.mark.asyncio
async def test_a_card_answer_edited_is_no_longer_the_cards(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(CARD_SCAN)
    answer(kiosk, PHONE)
    kiosk.flow.choose_option("home")
    kiosk.flow.next_field()
    kiosk.flow.edit(0)
    kiosk.flow.key("clear")
    answer(kiosk, "Tran Thi Hoa")
    review = kiosk.nav.current
    assert isinstance(review, ReviewRequest)
    assert review.form.from_card == {"id_number", "address"}


@pytest.mark.parametrize("index", [-1, 6])
@pytest.mark.asyncio
async def test_an_edit_of_no_question_does_nothing(kiosk: Kiosk, index: int) -> None:
    review = await to_review(kiosk)
    kiosk.seen.clear()
    kiosk.flow.edit(index)
    assert kiosk.seen == []
    assert kiosk.nav.current == review


# ---------------------------------------------------------------------------------------------- sending the code
@pytest.mark.asyncio
async def test_confirming_the_review_sends_a_code_to_the_phone_in_the_form(kiosk: Kiosk) -> None:
    review = await to_review(kiosk)
    kiosk.seen.clear()
    await kiosk.flow.confirm()
    code_screen = ConfirmOtp(
        form=review.form,
        otp_id="otp_1",
        masked_phone="09•• ••• 678",  # masked by the kiosk, as on the review
        typed="",
        resend_at=START + 45,
        expires_at=START + 240,
        attempts_left=5,
    )
    assert kiosk.seen == [Loading(Waiting.SENDING_OTP, ""), code_screen]
    assert kiosk.nav.states[-2:] == (review, code_screen)
    assert kiosk.central.called("send_otp") == [("service_request", PHONE, None)]
    assert kiosk.outbox.all() == []  # nothing is saved before the code is checked


@pytest.mark.asyncio
async def test_a_form_without_a_phone_sends_the_code_to_the_accounts_phone(kiosk: Kiosk) -> None:
    await to_account_form(kiosk, ACCOUNT_CALLBACK)
    kiosk.seen.clear()
    await kiosk.flow.confirm()
    assert kiosk.central.called("send_otp") == [("service_request", None, CUSTOMER_CODE)]
    assert kiosk.seen[0] == Loading(Waiting.SENDING_OTP, CUSTOMER_CODE)
    code_screen = kiosk.nav.current
    assert isinstance(code_screen, ConfirmOtp)
    assert code_screen.masked_phone == "09•• ••• 999"  # the central's, masked alike


@pytest.mark.parametrize(
    ("expires_in", "resend_in", "expires_at", "resend_at"),
    [
        (
            timedelta(seconds=-10),
            timedelta(seconds=-70),
            START + 300,
            START + 60,
        ),  # the central's clock behind
        (timedelta(hours=3), timedelta(hours=2), START + 300, START + 60),  # ... or far ahead
        (timedelta(hours=1), timedelta(0), START + 3600, START),  # the last plausible values
    ],
)
@pytest.mark.asyncio
async def test_code_times_from_a_clock_far_off_are_replaced_by_the_usual_ones(
    kiosk: Kiosk, expires_in: timedelta, resend_in: timedelta, expires_at: float, resend_at: float
) -> None:
    kiosk.central.expires_in, kiosk.central.resend_in = expires_in, resend_in
    state = await to_code(kiosk)
    assert (state.expires_at, state.resend_at) == (expires_at, resend_at)


@pytest.mark.asyncio
async def test_answers_that_do_not_pass_the_check_are_shown_before_any_code_is_sent(kiosk: Kiosk) -> None:
    await to_service(kiosk, NEW_CONNECTION)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(CARD_WITH_LONG_ADDRESS)  # the address is skipped: the card answered it
    answer(kiosk, PHONE)
    kiosk.flow.choose_option("home")
    kiosk.flow.next_field()
    review = kiosk.nav.current
    assert isinstance(review, ReviewRequest)
    await kiosk.flow.confirm()
    assert kiosk.nav.current == FillField(
        review.form, 3, LONG_ADDRESS, problem=FieldProblem.TOO_LONG, reviewing=True
    )
    assert kiosk.central.called("send_otp") == []


@pytest.mark.asyncio
async def test_a_phone_the_central_will_not_text_is_the_phone_question_again(kiosk: Kiosk) -> None:
    review = await to_review(kiosk)
    kiosk.central.fail("send_otp", InvalidInput("invalid_phone", "not a mobile", status=422))
    await kiosk.flow.confirm()
    phone_again = FillField(review.form, 2, PHONE, problem=FieldProblem.INVALID_PHONE, reviewing=True)
    assert kiosk.nav.states[-2:] == (IdConsent(RequestForm(NEW_CONNECTION)), phone_again)
    kiosk.flow.next_field()  # the same phone, confirmed again
    again = kiosk.nav.current
    assert isinstance(again, ReviewRequest)
    assert again.form.wire_fields() == review.form.wire_fields()


@pytest.mark.asyncio
async def test_a_code_not_sent_because_the_central_is_down_is_sent_on_try_again(kiosk: Kiosk) -> None:
    review = await to_review(kiosk)
    kiosk.central.fail("send_otp", Unavailable("unreachable", "down"))
    await kiosk.flow.confirm()
    assert kiosk.nav.states[-2:] == (review, LookupFailed(LookupProblem.UNREACHABLE, "", can_retry=True))
    await kiosk.bills.retry()
    assert kiosk.nav.states[-2] == review
    assert isinstance(kiosk.nav.current, ConfirmOtp)
    assert len(kiosk.central.called("send_otp")) == 2


@pytest.mark.parametrize(
    ("error", "problem", "can_retry"),
    [
        (Unauthorized("unauthorized", "token", status=401), LookupProblem.KIOSK_REFUSED, False),
        (BadResponse("contract_mismatch", "garbage", status=200), LookupProblem.BAD_ANSWER, True),
    ],
)
@pytest.mark.asyncio
async def test_other_failures_to_send_the_first_code_are_the_common_failure_screen(
    kiosk: Kiosk, error: CentralError, problem: LookupProblem, can_retry: bool
) -> None:
    review = await to_review(kiosk)
    kiosk.central.fail("send_otp", error)
    await kiosk.flow.confirm()
    assert kiosk.nav.states[-2:] == (review, LookupFailed(problem, "", can_retry=can_retry))


@pytest.mark.parametrize(
    ("error", "wait"),
    [
        # Five codes to this phone within the hour: the central says when the oldest leaves the hour.
        (
            RateLimited(
                "otp_rate_limited",
                "too many",
                status=429,
                details={"scope": "phone"},
                retry_after=NOW + timedelta(minutes=41, seconds=10),
            ),
            CodeWait(minutes=42, this_phone=True),
        ),
        # The kiosk's own limit (a burst from this kiosk): another phone would not help.
        (
            RateLimited(
                "otp_rate_limited",
                "too many",
                status=429,
                details={"scope": "kiosk"},
                retry_after=NOW + timedelta(seconds=20),
            ),
            CodeWait(minutes=1, this_phone=False),
        ),
        # A code for this phone sent by another visit a moment ago (this visit's own is shown again instead:
        # test_confirm_again_within_the_resend_wait_shows_the_code_already_sent).
        (
            RateLimited("otp_resend_too_soon", "wait", status=429, retry_after=NOW + timedelta(seconds=50)),
            CodeWait(minutes=1, this_phone=True),
        ),
        # No time said: the longest limit's hour, not "about a minute".
        (RateLimited("otp_rate_limited", "too many", status=429), CodeWait(minutes=60, this_phone=True)),
    ],
)
@pytest.mark.asyncio
async def test_a_first_code_the_central_will_not_send_yet_says_how_long_on_the_review(
    kiosk: Kiosk, error: RateLimited, wait: CodeWait
) -> None:
    review = await to_review(kiosk)
    kiosk.central.fail("send_otp", error)
    await kiosk.flow.confirm()
    assert kiosk.nav.current == replace(review, code_wait=wait)
    assert kiosk.nav.states.count(review) == 0  # the review itself shows it: no screen stacked on it


@pytest.mark.asyncio
async def test_an_account_without_a_phone_is_told_as_a_refused_code(kiosk: Kiosk) -> None:
    await to_account_form(kiosk, ACCOUNT_CALLBACK)
    kiosk.central.fail("send_otp", InvalidInput("no_phone_on_account", "no phone", status=422))
    await kiosk.flow.confirm()
    # As the code stands: the customer reads "this customer code is not valid", for a code that is.
    assert kiosk.nav.current == LookupFailed(LookupProblem.INVALID_CODE, CUSTOMER_CODE, can_retry=False)


@pytest.mark.asyncio
async def test_a_code_sent_after_the_customer_left_shows_nothing(kiosk: Kiosk) -> None:
    await to_review(kiosk)
    gate = kiosk.central.hold("send_otp")
    task = await started(kiosk, kiosk.flow.confirm, "send_otp")
    kiosk.nav.home()
    gate.set()
    await task
    assert kiosk.nav.states == (Home(),)


# ---------------------------------------------------------------------------------------------- a new code
@pytest.mark.asyncio
async def test_a_new_code_cannot_be_asked_for_before_the_wait(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    kiosk.seen.clear()
    kiosk.clock.now = START + 44.9
    await kiosk.flow.resend()
    assert kiosk.seen == []
    assert len(kiosk.central.called("send_otp")) == 1


@pytest.mark.asyncio
async def test_a_new_code_replaces_the_old_one_on_the_same_step(kiosk: Kiosk) -> None:
    first = await to_code(kiosk)
    type_code(kiosk, "000000")
    kiosk.central.fail("verify_otp", RateLimited("otp_locked", "locked", status=429))
    await kiosk.flow.verify()
    locked = kiosk.nav.current
    assert isinstance(locked, ConfirmOtp)
    depth = kiosk.nav.depth
    kiosk.clock.now = START + 45
    kiosk.seen.clear()
    await kiosk.flow.resend()
    fresh = replace(first, otp_id="otp_2", resend_at=START + 90, expires_at=START + 285)
    assert kiosk.seen == [Loading(Waiting.SENDING_OTP, ""), locked, fresh]
    assert kiosk.nav.depth == depth
    assert kiosk.central.called("send_otp")[-1] == ("service_request", PHONE, None)


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (Unavailable("timeout", "no answer"), OtpProblem.UNREACHABLE),
        (BadResponse("invalid_json", "garbage", status=200), OtpProblem.UNREACHABLE),
    ],
)
@pytest.mark.asyncio
async def test_a_new_code_not_sent_is_said_on_the_code_screen(
    kiosk: Kiosk, error: CentralError, problem: OtpProblem
) -> None:
    await to_code(kiosk)
    waiting = type_code(kiosk, "12")
    kiosk.clock.now = START + 60
    kiosk.central.fail("send_otp", error)
    await kiosk.flow.resend()
    assert kiosk.nav.current == replace(waiting, problem=problem)
    assert isinstance(kiosk.nav.states[-2], ReviewRequest)


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        (NOW + timedelta(seconds=45), 45.0),  # the central says when
        (None, 60.0),  # it does not: the usual wait
        (NOW + timedelta(days=3), 60.0),  # a central clock far off: the usual wait
    ],
)
@pytest.mark.asyncio
async def test_a_new_code_asked_too_soon_offers_resend_again_when_the_central_allows(
    kiosk: Kiosk, retry_after: datetime | None, wait: float
) -> None:
    await to_code(kiosk)
    waiting = type_code(kiosk, "12")
    kiosk.clock.now = START + 60
    kiosk.central.fail(
        "send_otp", RateLimited("otp_resend_too_soon", "wait", status=429, retry_after=retry_after)
    )
    await kiosk.flow.resend()
    assert kiosk.nav.current == replace(waiting, problem=OtpProblem.TOO_SOON, resend_at=START + 60 + wait)
    sent = len(kiosk.central.called("send_otp"))
    await kiosk.flow.resend()  # tapped again at once: nothing is asked
    assert len(kiosk.central.called("send_otp")) == sent


@pytest.mark.asyncio
async def test_confirm_again_within_the_resend_wait_shows_the_code_already_sent(kiosk: Kiosk) -> None:
    first = await to_code(kiosk)
    kiosk.nav.back()  # to the review: the customer checks an answer
    review = kiosk.nav.current
    assert isinstance(review, ReviewRequest)
    kiosk.clock.now = START + 30
    await kiosk.flow.confirm()
    assert kiosk.nav.states[-2:] == (review, first)  # the same code, to the same phone: no second SMS
    assert len(kiosk.central.called("send_otp")) == 1
    type_code(kiosk)
    await kiosk.flow.verify()
    assert isinstance(kiosk.nav.current, RequestSubmitted)


@pytest.mark.asyncio
async def test_confirm_again_after_the_resend_wait_sends_a_new_code(kiosk: Kiosk) -> None:
    first = await to_code(kiosk)
    kiosk.nav.back()
    kiosk.clock.now = first.resend_at
    await kiosk.flow.confirm()
    again = kiosk.nav.current
    assert isinstance(again, ConfirmOtp)
    assert again.otp_id != first.otp_id
    assert len(kiosk.central.called("send_otp")) == 2


@pytest.mark.asyncio
async def test_a_code_kept_for_another_phone_is_not_shown_again(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    kiosk.nav.back()
    kiosk.flow.edit(2)  # the phone
    kiosk.flow.key("clear")
    answer(kiosk, "0987654321")
    await kiosk.flow.confirm()
    again = kiosk.nav.current
    assert isinstance(again, ConfirmOtp)
    assert kiosk.central.called("send_otp")[-1] == ("service_request", "0987654321", None)


@pytest.mark.asyncio
async def test_a_new_code_refused_for_the_kiosk_is_the_common_failure_screen(kiosk: Kiosk) -> None:
    code_screen = await to_code(kiosk)
    kiosk.clock.now = START + 60
    kiosk.central.fail("send_otp", Unauthorized("unauthorized", "token", status=401))
    await kiosk.flow.resend()
    assert kiosk.nav.states[-2:] == (
        code_screen,
        LookupFailed(LookupProblem.KIOSK_REFUSED, "", can_retry=False),
    )


@pytest.mark.asyncio
async def test_a_new_code_for_a_phone_the_central_will_not_text_is_the_phone_question(kiosk: Kiosk) -> None:
    code_screen = await to_code(kiosk)
    kiosk.clock.now = START + 60
    kiosk.central.fail("send_otp", InvalidInput("invalid_phone", "not a mobile", status=422))
    await kiosk.flow.resend()
    assert kiosk.nav.current == FillField(
        code_screen.form, 2, PHONE, problem=FieldProblem.INVALID_PHONE, reviewing=True
    )
    # The question takes the code screen's place, above the review it came from.
    assert isinstance(kiosk.nav.states[-2], ReviewRequest)


# ---------------------------------------------------------------------------------------------- typing the code
@pytest.mark.asyncio
async def test_the_code_keypad_takes_six_digits(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    kiosk.seen.clear()
    type_code(kiosk, "12x3456789")
    assert [s.typed for s in kiosk.seen if isinstance(s, ConfirmOtp)] == [
        "1",
        "12",
        "123",
        "1234",
        "12345",
        "123456",
    ]
    kiosk.flow.otp_key("backspace")
    assert type_code(kiosk, "").typed == "12345"
    kiosk.flow.otp_key("clear")
    assert type_code(kiosk, "").typed == ""


@pytest.mark.parametrize(
    ("problem", "kept"),
    [
        (OtpProblem.WRONG, None),
        (OtpProblem.UNREACHABLE, None),
        (OtpProblem.TOO_SOON, None),
        (OtpProblem.REFUSED, None),
        (OtpProblem.EXPIRED, OtpProblem.EXPIRED),  # no code typed now can work: a new one is needed
        (OtpProblem.LOCKED, OtpProblem.LOCKED),
    ],
)
@pytest.mark.asyncio
async def test_typing_a_new_code_clears_the_last_problem_unless_no_try_is_left(
    kiosk: Kiosk, problem: OtpProblem, kept: OtpProblem | None
) -> None:
    code_screen = await to_code(kiosk)
    kiosk.nav.replace(replace(code_screen, problem=problem))
    assert type_code(kiosk, "1").problem is kept


@pytest.mark.asyncio
async def test_a_code_shorter_than_six_digits_is_not_checked(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    type_code(kiosk, "12345")
    kiosk.seen.clear()
    await kiosk.flow.verify()
    assert kiosk.seen == []
    assert kiosk.central.called("verify_otp") == []


@pytest.mark.asyncio
async def test_a_code_past_its_time_on_the_kiosks_clock_is_not_checked(kiosk: Kiosk) -> None:
    code_screen = await to_code(kiosk)
    type_code(kiosk)
    kiosk.clock.now = START + 240
    await kiosk.flow.verify()
    assert kiosk.nav.current == replace(code_screen, problem=OtpProblem.EXPIRED)
    assert kiosk.central.called("verify_otp") == []
    assert kiosk.outbox.all() == []


# ---------------------------------------------------------------------------------------------- checking the code
@pytest.mark.asyncio
async def test_a_wrong_code_counts_the_tries_the_central_says_are_left(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    typed = type_code(kiosk, "000000")
    depth = kiosk.nav.depth
    kiosk.central.fail(
        "verify_otp", InvalidInput("otp_invalid", "wrong", details={"attempts_left": 3}, status=422)
    )
    kiosk.seen.clear()
    await kiosk.flow.verify()
    wrong = replace(typed, typed="", problem=OtpProblem.WRONG, attempts_left=3)
    assert kiosk.seen == [Loading(Waiting.CHECKING_OTP, ""), typed, wrong]
    assert kiosk.nav.depth == depth
    assert kiosk.central.called("verify_otp") == [("otp_1", "000000")]
    assert kiosk.outbox.all() == []


@pytest.mark.asyncio
async def test_a_wrong_code_without_a_count_from_the_central_spends_one_try(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    type_code(kiosk, "000000")
    kiosk.central.fail("verify_otp", InvalidInput("otp_invalid", "wrong", status=422))
    await kiosk.flow.verify()
    state = type_code(kiosk, "")
    assert (state.problem, state.attempts_left, state.typed) == (OtpProblem.WRONG, 4, "")


@pytest.mark.parametrize(
    ("error", "problem", "typed"),
    [
        (InvalidInput("otp_expired", "late", status=422), OtpProblem.EXPIRED, ""),
        (InvalidInput("otp_used", "used", status=422), OtpProblem.EXPIRED, ""),
        (InvalidInput("otp_not_found", "none", status=422), OtpProblem.EXPIRED, ""),
        (NotFound("otp_not_found", "none", status=404), OtpProblem.EXPIRED, ""),
        (InvalidInput("otp_wrong_purpose", "an outage report's", status=422), OtpProblem.EXPIRED, ""),
        (RateLimited("otp_locked", "locked", status=429), OtpProblem.LOCKED, ""),
        (Unavailable("timeout", "no answer"), OtpProblem.UNREACHABLE, RIGHT_CODE),
        (BadResponse("contract_mismatch", "garbage", status=200), OtpProblem.UNREACHABLE, RIGHT_CODE),
        (Conflict(UNKNOWN, "a proxy's page", status=409), OtpProblem.UNREACHABLE, RIGHT_CODE),
        (InvalidInput("otp_purpose_mismatch", "no", status=422), OtpProblem.REFUSED, ""),
    ],
)
@pytest.mark.asyncio
async def test_a_code_the_central_did_not_accept_says_why_on_the_code_screen(
    kiosk: Kiosk, error: CentralError, problem: OtpProblem, typed: str
) -> None:
    code_screen = await to_code(kiosk)
    type_code(kiosk)
    kiosk.central.fail("verify_otp", error)
    await kiosk.flow.verify()
    assert kiosk.nav.current == replace(code_screen, typed=typed, problem=problem)
    assert isinstance(kiosk.nav.states[-2], ReviewRequest)
    assert kiosk.outbox.all() == []


@pytest.mark.asyncio
async def test_a_code_that_could_not_be_checked_for_another_reason_is_checked_on_try_again(
    kiosk: Kiosk,
) -> None:
    code_screen = await to_code(kiosk)
    typed = type_code(kiosk)
    kiosk.central.fail("verify_otp", RateLimited("rate_limited", "slow down", status=429))
    await kiosk.flow.verify()
    assert kiosk.nav.states[-2:] == (typed, LookupFailed(LookupProblem.BUSY, "", can_retry=True))
    await kiosk.bills.retry()
    assert kiosk.central.called("verify_otp") == [("otp_1", RIGHT_CODE), ("otp_1", RIGHT_CODE)]
    done = kiosk.nav.current
    assert isinstance(done, RequestSubmitted)
    assert done.service == code_screen.form.service


@pytest.mark.asyncio
async def test_a_kiosk_the_central_does_not_accept_cannot_check_codes(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    typed = type_code(kiosk)
    kiosk.central.fail("verify_otp", Unauthorized("unauthorized", "token", status=401))
    await kiosk.flow.verify()
    assert kiosk.nav.states[-2:] == (typed, LookupFailed(LookupProblem.KIOSK_REFUSED, "", can_retry=False))


@pytest.mark.asyncio
async def test_a_code_checked_after_the_customer_left_sends_nothing(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    type_code(kiosk)
    gate = kiosk.central.hold("verify_otp")
    task = await started(kiosk, kiosk.flow.verify, "verify_otp")
    kiosk.nav.home()
    gate.set()
    await task
    assert kiosk.nav.states == (Home(),)
    assert kiosk.outbox.all() == []
    assert kiosk.central.called("submit_request") == []


# ---------------------------------------------------------------------------------------------- saved, sent, the slip
@pytest.mark.asyncio
async def test_a_right_code_saves_sends_and_prints_the_request(kiosk: Kiosk) -> None:
    code_screen = await to_code(kiosk)
    type_code(kiosk)
    kiosk.seen.clear()
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    assert item.state is Delivery.DELIVERED
    assert item.tracking_code == TRACKING_CODE
    assert kiosk.seen == [
        Loading(Waiting.CHECKING_OTP, ""),
        Loading(Waiting.SENDING_REQUEST, ""),
        RequestSubmitted(NEW_CONNECTION, item, SlipProgress.PRINTING),
        RequestSubmitted(NEW_CONNECTION, item, SlipProgress.PRINTED),
    ]
    assert kiosk.nav.states[-2:] == (replace(code_screen, typed=RIGHT_CODE), kiosk.seen[-1])
    assert kiosk.central.called("verify_otp") == [("otp_1", RIGHT_CODE)]
    assert kiosk.central.called("submit_request") == [("new_connection", None, WIRE, "otp_1", RIGHT_CODE)]
    assert kiosk.printer.jobs == [("new_connection", item, None)]
    assert dict(item.summary) == {
        "service_code": "new_connection",
        "customer_code": "",
        "language": "vi",
        "send_by": (NOW + timedelta(days=7)).isoformat(),
    }
    assert kiosk.outbox.payload(item.id) is None  # the personal part is gone once the central has it
    assert kiosk.courier.wakes == 1


@pytest.mark.asyncio
async def test_a_request_for_an_account_names_its_power_company_and_who_helped(kiosk: Kiosk) -> None:
    kiosk.session.language = "en"
    kiosk.session.start_assisted(by_staff=True)
    await to_account_form(kiosk, METER_CHECK)
    kiosk.flow.decline()
    answer(kiosk, "Le Van Tam")
    answer(kiosk, PHONE)
    kiosk.flow.choose_option("stopped")
    await kiosk.flow.confirm()
    type_code(kiosk)
    await kiosk.flow.verify()
    # The form has a phone, so the code goes there and not to the one on the account.
    assert kiosk.central.called("send_otp") == [("service_request", PHONE, None)]
    [item] = kiosk.outbox.all()
    assert dict(item.summary) == {
        "service_code": "meter_check",
        "customer_code": CUSTOMER_CODE,
        "language": "en",
        "corporation_vi": "Tổng công ty Điện lực miền Nam",
        "corporation_en": "Southern Power Corporation",
        "assisted": ASSISTED_BY_STAFF,
        "send_by": (NOW + timedelta(days=7)).isoformat(),
    }
    assert kiosk.central.called("submit_request") == [
        (
            "meter_check",
            CUSTOMER_CODE,
            {"full_name": "Le Van Tam", "phone": PHONE, "issue": "stopped"},
            "otp_1",
            RIGHT_CODE,
        )
    ]
    assert kiosk.printer.jobs == [("meter_check", item, HOTLINE)]
    assert kiosk.nav.current == RequestSubmitted(METER_CHECK, item, SlipProgress.PRINTED)
    # The draft has left the session with the request; the power company stays until the wipe.
    assert not any(isinstance(value, RequestForm) for value in kiosk.session.journey.values())


@pytest.mark.asyncio
async def test_assisted_mode_the_customer_chose_is_not_recorded_as_staffs_help(kiosk: Kiosk) -> None:
    kiosk.session.start_assisted(by_staff=False)
    await to_code(kiosk)
    type_code(kiosk)
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    assert "assisted" not in item.summary


@pytest.mark.asyncio
async def test_a_request_without_an_account_does_not_carry_an_account_looked_up_before(kiosk: Kiosk) -> None:
    await to_account_form(kiosk, METER_CHECK)
    for _ in range(3):  # the customer changes their mind: back to the catalogue
        back_as_the_frame_does(kiosk)
    kiosk.flow.choose(CALLBACK.code)
    kiosk.flow.begin()
    answer(kiosk, PHONE)
    await kiosk.flow.confirm()
    type_code(kiosk)
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    # The slip prints the summary's power company and this hotline: neither is known for this request.
    assert kiosk.printer.jobs == [("callback", item, None)]
    assert dict(item.summary) == {
        "service_code": "callback",
        "customer_code": "",
        "language": "vi",
        "send_by": (NOW + timedelta(days=7)).isoformat(),
    }


@pytest.mark.asyncio
async def test_a_request_the_central_cannot_take_now_is_saved_and_told_so(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    type_code(kiosk)
    kiosk.central.fail("submit_request", Unavailable("unreachable", "down"))
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    assert item.state is Delivery.QUEUED
    assert item.tracking_code is None
    assert kiosk.nav.current == RequestSubmitted(NEW_CONNECTION, item, SlipProgress.PRINTED)
    assert kiosk.printer.jobs == [("new_connection", item, None)]  # the slip carries the kiosk's reference
    assert kiosk.outbox.payload(item.id) is not None  # kept, for the courier to send later
    assert kiosk.courier.wakes >= 1
    # The real promise: it is sent while the verified code confirms it, by the central's clock (issue 22).
    assert send_by(item) == NOW + timedelta(days=7)


@pytest.mark.asyncio
async def test_a_central_slower_than_the_wait_leaves_the_request_saved_for_later(kiosk: Kiosk) -> None:
    kiosk.flow = kiosk.request_flow(send_wait=0.05)
    await to_code(kiosk)
    type_code(kiosk)
    kiosk.central.hold("submit_request")  # never answered
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    assert item.state is Delivery.QUEUED
    assert kiosk.nav.current == RequestSubmitted(NEW_CONNECTION, item, SlipProgress.PRINTED)
    assert kiosk.outbox.payload(item.id) is not None
    assert kiosk.courier.wakes >= 1  # the background loop sends it


@pytest.mark.parametrize(
    "refusal",
    [
        InvalidInput("otp_used", "used elsewhere", status=422),
        Conflict("idempotency_key_reused", "reused", status=409),
    ],
)
@pytest.mark.asyncio
async def test_a_request_the_central_refuses_is_said_and_nothing_is_printed(
    kiosk: Kiosk, refusal: CentralError
) -> None:
    await to_code(kiosk)
    type_code(kiosk)
    kiosk.central.fail("submit_request", refusal)
    kiosk.seen.clear()
    await kiosk.flow.verify()
    assert kiosk.seen == [
        Loading(Waiting.CHECKING_OTP, ""),
        Loading(Waiting.SENDING_REQUEST, ""),
        RequestRefused(NEW_CONNECTION, refusal.code),
    ]
    assert kiosk.printer.jobs == []
    [item] = kiosk.outbox.all()
    assert (item.state, item.refusal) == (Delivery.REFUSED, refusal.code)
    assert kiosk.outbox.payload(item.id) is None


@pytest.mark.asyncio
async def test_answers_the_central_refuses_are_kept_and_the_one_to_fix_is_shown(kiosk: Kiosk) -> None:
    """A refusal naming fields (``invalid_fields``) takes the customer to the first of them, with why, and every
    answer kept; fixed, the review is next, and a new confirmation code (the one typed was spent)."""
    await to_code(kiosk)
    type_code(kiosk)
    refusal = InvalidInput(
        "invalid_fields",
        "some fields are missing or wrong",
        details={"fields": {"address": "too_long", "phone": "invalid_phone"}},
        status=422,
    )
    kiosk.central.fail("submit_request", refusal)
    await kiosk.flow.verify()
    fix = current_field(kiosk)
    names = [spec.name for spec in NEW_CONNECTION.fields]
    assert (names[fix.index], fix.problem, fix.reviewing) == ("phone", FieldProblem.INVALID_PHONE, True)
    assert fix.typed == PHONE
    assert {name: fix.form.answer(name) for name in ANSWERS} == ANSWERS  # nothing typed is lost
    [refused] = kiosk.outbox.all()
    assert (refused.state, refused.refusal) == (Delivery.REFUSED, "invalid_fields")
    # Fixed: back to the review, and on from there with a new code.
    kiosk.flow.key("clear")
    answer(kiosk, "0912345679")
    assert isinstance(kiosk.nav.current, ReviewRequest)
    await kiosk.flow.confirm()
    assert isinstance(kiosk.nav.current, ConfirmOtp)
    type_code(kiosk)
    await kiosk.flow.verify()
    assert isinstance(kiosk.nav.current, RequestSubmitted)
    delivered = [item for item in kiosk.outbox.all() if item.state is Delivery.DELIVERED]
    assert len(delivered) == 1
    assert kiosk.central.called("submit_request")[-1][2]["phone"] == "0912345679"


@pytest.mark.asyncio
async def test_a_refusal_naming_no_question_of_the_form_is_said_in_words(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    type_code(kiosk)
    kiosk.central.fail(
        "submit_request",
        InvalidInput("invalid_fields", "x", details={"fields": {"not_asked_here": "required"}}, status=422),
    )
    await kiosk.flow.verify()
    assert kiosk.nav.current == RequestRefused(NEW_CONNECTION, "invalid_fields")


@pytest.mark.asyncio
async def test_a_slip_the_printer_could_not_print_is_said_and_the_request_stands(kiosk: Kiosk) -> None:
    kiosk.printer.outcome = (SlipProgress.NOT_PRINTED, None)
    await to_code(kiosk)
    type_code(kiosk)
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    assert item.state is Delivery.DELIVERED
    assert kiosk.nav.current == RequestSubmitted(NEW_CONNECTION, item, SlipProgress.NOT_PRINTED)


@pytest.mark.asyncio
async def test_a_preview_printer_shows_its_page_over_the_submitted_request(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    page = tmp_path / "slip.png"
    kiosk.printer.outcome = (SlipProgress.PREVIEW, page)
    await to_code(kiosk)
    type_code(kiosk)
    await kiosk.flow.verify()
    [item] = kiosk.outbox.all()
    assert kiosk.nav.states[-2:] == (
        RequestSubmitted(NEW_CONNECTION, item, SlipProgress.PREVIEW),
        PrintPreview(page),
    )


@pytest.mark.asyncio
async def test_a_slip_printed_after_the_customer_left_changes_no_screen(kiosk: Kiosk) -> None:
    kiosk.printer.gate = asyncio.Event()
    await to_code(kiosk)
    type_code(kiosk)
    task = asyncio.ensure_future(kiosk.flow.verify())
    await wait_until(lambda: bool(kiosk.printer.jobs), what="the slip started")
    kiosk.nav.home()
    kiosk.printer.gate.set()
    await task
    assert kiosk.nav.states == (Home(),)
    assert len(kiosk.printer.jobs) == 1


@pytest.mark.asyncio
async def test_a_request_sent_after_the_customer_left_is_kept_and_nothing_printed(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    type_code(kiosk)
    gate = kiosk.central.hold("submit_request")
    task = await started(kiosk, kiosk.flow.verify, "submit_request")
    # Saved before the first byte was sent.
    [saved] = kiosk.outbox.all()
    assert saved.state is Delivery.QUEUED
    kiosk.nav.home()
    gate.set()
    await task
    assert kiosk.nav.states == (Home(),)
    [item] = kiosk.outbox.all()
    assert (item.id, item.state) == (saved.id, Delivery.DELIVERED)
    assert kiosk.printer.jobs == []


@pytest.mark.asyncio
async def test_a_confirmed_code_never_sends_a_second_request(kiosk: Kiosk) -> None:
    await to_code(kiosk)
    confirmed = type_code(kiosk)
    await kiosk.flow.verify()
    done = kiosk.nav.current
    kiosk.nav.go(confirmed)  # however the customer gets back to it
    await kiosk.flow.verify()
    assert kiosk.nav.states[-2:] == (done, confirmed)
    assert len(kiosk.central.called("verify_otp")) == 1
    assert len(kiosk.outbox.all()) == 1


@pytest.mark.asyncio
async def test_an_outbox_that_cannot_be_written_is_a_bug_for_the_shell_and_nothing_is_printed(
    kiosk: Kiosk,
) -> None:
    await to_code(kiosk)
    type_code(kiosk)
    kiosk.outbox.close()
    with pytest.raises(sqlite3.ProgrammingError):
        await kiosk.flow.verify()
    assert kiosk.nav.current == Loading(Waiting.SENDING_REQUEST, "")
    assert kiosk.printer.jobs == []
    assert kiosk.central.called("submit_request") == []


# ---------------------------------------------------------------------------------------------- steps off their screen
@pytest.mark.asyncio
async def test_a_tap_meant_for_another_screen_changes_nothing(kiosk: Kiosk) -> None:
    """A second tap can reach the flow after the screen it was made on has gone (a double tap, a slow
    answer): each step acts only on its own screen."""
    await kiosk.flow.start()
    kiosk.seen.clear()
    for step in (
        kiosk.flow.begin,
        kiosk.flow.consent,
        kiosk.flow.decline,
        kiosk.flow.skip_scan,
        kiosk.flow.next_field,
        lambda: kiosk.flow.key("1"),
        lambda: kiosk.flow.choose_option("home"),
        lambda: kiosk.flow.edit(0),
        lambda: kiosk.flow.otp_key("1"),
    ):
        step()
    assert kiosk.flow.back() is False
    assert not kiosk.flow.accepts_scan()
    await kiosk.flow.id_scanned(CARD_SCAN)
    await kiosk.flow.confirm()
    await kiosk.flow.resend()
    await kiosk.flow.verify()
    assert kiosk.seen == []
    assert kiosk.central.called("services") == [()]
    assert len(kiosk.central.calls) == 1
    kiosk.nav.go(ServiceIntro(NEW_CONNECTION))
    kiosk.flow.choose(NEW_CONNECTION.code)  # the catalogue is no longer on screen
    assert kiosk.nav.current == ServiceIntro(NEW_CONNECTION)


# ---------------------------------------------------------------------------------------------- the wipe
def idle_flow(k: Kiosk) -> IdleFlow:
    return IdleFlow(k.nav, k.session, countdown_seconds=30, on_wiped=lambda: None)


@pytest.mark.asyncio
async def test_walking_away_mid_form_forgets_every_answer(kiosk: Kiosk) -> None:
    kiosk.session.begin(NOW)
    await to_account_form(kiosk, METER_CHECK)
    kiosk.flow.consent()
    await kiosk.flow.id_scanned(CARD_SCAN)
    type_keys(kiosk, PHONE[:4])
    idle_flow(kiosk).end_session()
    assert kiosk.nav.states == (Home(),)
    assert kiosk.session == CustomerSession()
    # A late tap or scan of the gone customer finds nothing to act on.
    kiosk.flow.next_field()
    await kiosk.flow.customer_code_entered(CUSTOMER_CODE)
    await kiosk.flow.id_scanned(CARD_SCAN)
    assert kiosk.nav.states == (Home(),)
    assert kiosk.central.called("customer") == [(CUSTOMER_CODE,)]


@pytest.mark.asyncio
async def test_done_after_the_slip_leaves_nothing_of_the_customer(kiosk: Kiosk) -> None:
    kiosk.session.begin(NOW)
    kiosk.session.language = "en"
    await to_account_form(kiosk, METER_CHECK)
    kiosk.flow.decline()
    answer(kiosk, "Le Van Tam")
    answer(kiosk, PHONE)
    kiosk.flow.choose_option("fast")
    await kiosk.flow.confirm()
    type_code(kiosk)
    await kiosk.flow.verify()
    assert isinstance(kiosk.nav.current, RequestSubmitted)
    assert kiosk.session.journey != {}  # the power company, for the slip
    idle_flow(kiosk).end_session()
    assert kiosk.nav.states == (Home(),)
    assert kiosk.session == CustomerSession()
    [item] = kiosk.outbox.all()
    assert kiosk.outbox.payload(item.id) is None  # the outbox kept only the summary
