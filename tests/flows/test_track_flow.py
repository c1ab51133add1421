"""Tracking a service request without widgets (kiosk.flows.track): the code keyboard, a scanned slip, a request
still in this kiosk's outbox, and every answer of the central, against a fake central and a real in-memory
outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.central.errors import (
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
    Customer,
    Granularity,
    Label,
    RequestEvent,
    Service,
    ServiceList,
    ServiceRequest,
    Tariffs,
)
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import LookupFailed, LookupProblem
from kiosk.flows.states.frame import Home, Loading, Waiting
from kiosk.flows.states.requests import RequestStatus, TrackProblem, TrackRequest
from kiosk.flows.track import MAX_CODE_LENGTH, TrackFlow
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import (
    OutboxItem,
    OutboxKind,
    outage_report_payload,
    service_request_payload,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
TRACKING = "YCA7K3M9Q2"
OTHER_TRACKING = "YCB8N4P2R3"
REFERENCE = "KQ7M2X9PA4"  # what the fake outbox hands out to its first item
SECOND_REFERENCE = "KR8N3Y4PB5"
WAITING = Loading(Waiting.REQUEST_STATUS, "")  # a tracking code is not a customer code: none is shown


def service(code: str = "meter_relocation") -> Service:
    return Service(
        code=code,
        number=4,
        title=Label(vi="Di dời công tơ", en="Meter relocation"),
        description=Label(vi="Di dời công tơ điện", en="Moving the meter"),
        max_working_days=5,
        documents=[],
        fields=[],
        requires_customer_code=True,
    )


SERVICE = service()
CATALOGUE = ServiceList(services=[SERVICE, service("new_connection_lv")])


def service_request(tracking_code: str = TRACKING, service_code: str = SERVICE.code) -> ServiceRequest:
    return ServiceRequest(
        tracking_code=tracking_code,
        client_reference=REFERENCE,
        service_code=service_code,
        customer_code="PE01000123456",
        status="in_progress",
        created_at=NOW,
        due_by=date(2026, 11, 30),
        history=[RequestEvent(at=NOW, status="received", note=Label(vi="Đã tiếp nhận", en="Received"))],
    )


@dataclass
class FakeCentral:
    """The central's two tracking calls. ``answers`` by code (a request or an error to raise); a code not in it
    is not found. With ``hold`` set, an answer waits (``holding``) until ``release`` is set, so a test can move
    the customer while the kiosk waits."""

    answers: dict[str, ServiceRequest | CentralError] = field(default_factory=dict)
    catalogue: ServiceList | CentralError = CATALOGUE
    asked: list[str] = field(default_factory=list)
    catalogue_asked: int = 0
    hold: bool = False
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def request_status(self, tracking_code: str) -> ServiceRequest:
        self.asked.append(tracking_code)
        if self.hold:
            self.holding.set()
            await self.release.wait()
        answer = self.answers.get(tracking_code, NotFound("request_not_found", "no such request", status=404))
        if isinstance(answer, CentralError):
            raise answer
        return answer

    async def services(self) -> ServiceList:
        self.catalogue_asked += 1
        if isinstance(self.catalogue, CentralError):
            raise self.catalogue
        return self.catalogue


class NoAccounts:
    """The bill lookup's source: tracking only borrows the lookup's progress and failure screens, so a call
    here is a bug."""

    async def customer(self, code: str) -> Customer:
        raise AssertionError("tracking looked up a customer")

    async def bills(self, code: str, status: BillFilter = "unpaid") -> BillList:
        raise AssertionError("tracking looked up bills")

    async def consumption(self, code: str, granularity: Granularity = "month") -> Consumption:
        raise AssertionError("tracking looked up consumption")

    async def tariffs(self) -> Tariffs:
        raise AssertionError("tracking looked up tariffs")

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        raise AssertionError("tracking asked for a bill QR")


async def no_printing(customer: Customer, bill: object, qr: BillPaymentQr) -> NoticeOutcome:
    raise AssertionError("tracking printed a bill notice")


@dataclass
class Parts:
    central: FakeCentral
    nav: Navigator
    bills: BillLookupFlow
    outbox: Outbox
    flow: TrackFlow
    seen: list[ScreenState]


@pytest.fixture
def parts() -> Iterator[Parts]:
    central = FakeCentral()
    nav = Navigator()
    seen: list[ScreenState] = []
    nav.subscribe(seen.append)
    bills = BillLookupFlow(
        NoAccounts(), nav, CustomerSession(), print_notice=no_printing, today=lambda: NOW.date()
    )
    references = iter([REFERENCE, SECOND_REFERENCE])
    outbox = Outbox(":memory:", clock=lambda: NOW, new_reference=lambda: next(references))
    yield Parts(central, nav, bills, outbox, TrackFlow(central, bills, nav, outbox), seen)
    outbox.close()


def typed(parts: Parts, code: str) -> None:
    """The keyboard opened and ``code`` typed, key by key; what the navigator heard so far is forgotten."""
    parts.flow.start()
    for key in code:
        parts.flow.key(key)
    parts.seen.clear()


def saved_request(outbox: Outbox) -> OutboxItem:
    payload = service_request_payload(
        SERVICE.code, "PE01000123456", {"phone": "0912345678"}, "otp-1", "123456"
    )
    return outbox.add(OutboxKind.SERVICE_REQUEST, payload, {"service_code": SERVICE.code, "language": "vi"})


# ---------------------------------------------------------------------------------------------- the keyboard
def test_start_opens_an_empty_keyboard_over_home(parts: Parts) -> None:
    parts.flow.start()
    assert parts.nav.states == (Home(), TrackRequest())


def test_letters_and_digits_are_typed_backspace_takes_one_and_clear_takes_all(parts: Parts) -> None:
    parts.flow.start()
    for key in "YC7":
        parts.flow.key(key)
    assert parts.nav.current == TrackRequest("YC7")
    parts.flow.key("backspace")
    assert parts.nav.current == TrackRequest("YC")
    parts.flow.key("clear")
    assert parts.nav.current == TrackRequest()
    parts.flow.key("backspace")  # nothing left to take
    assert parts.nav.states == (Home(), TrackRequest())  # each key replaced the keyboard: no Back steps


@pytest.mark.parametrize("key", ["a", "-", " ", "Đ", "", "AB", "enter"])
def test_a_key_that_is_not_on_the_keyboard_types_nothing(parts: Parts, key: str) -> None:
    typed(parts, "YC")
    parts.flow.key(key)
    assert parts.nav.current == TrackRequest("YC")


def test_the_keyboard_stops_at_the_longest_code_plus_two(parts: Parts) -> None:
    typed(parts, "ABCDEFGHJK2345")
    assert MAX_CODE_LENGTH == 12
    assert parts.nav.current == TrackRequest("ABCDEFGHJK23")


@pytest.mark.parametrize("key", ["backspace", "clear", "7", "?"])
def test_any_key_takes_the_last_problem_away(parts: Parts, key: str) -> None:
    parts.flow.start()
    parts.nav.replace(TrackRequest("YCA7", TrackProblem.NOT_FOUND))
    parts.flow.key(key)
    current = parts.nav.current
    assert isinstance(current, TrackRequest)
    assert current.problem is None


def test_keys_away_from_the_keyboard_change_nothing(parts: Parts) -> None:
    parts.flow.key("A")
    parts.flow.key("clear")
    assert parts.nav.states == (Home(),)
    assert parts.seen == []


# ---------------------------------------------------------------------------------------------- the central's answers
@pytest.mark.asyncio
async def test_a_code_the_central_knows_shows_its_status_and_service_over_the_keyboard(parts: Parts) -> None:
    request = service_request()
    parts.central.answers[TRACKING] = request
    typed(parts, TRACKING)
    await parts.flow.submit()
    assert parts.seen == [WAITING, RequestStatus(TRACKING, request, SERVICE)]
    # Back from the status is the code as typed.
    assert parts.nav.states == (Home(), TrackRequest(TRACKING), RequestStatus(TRACKING, request, SERVICE))
    assert parts.central.asked == [TRACKING]


@pytest.mark.asyncio
async def test_the_status_carries_the_centrals_tracking_code_not_what_was_typed(parts: Parts) -> None:
    # The central also finds a request by the kiosk's reference; the status names the request's own code.
    request = service_request()
    parts.central.answers[REFERENCE] = request
    typed(parts, REFERENCE)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(TRACKING, request, SERVICE)


@pytest.mark.asyncio
async def test_the_catalogue_is_asked_for_once_for_every_later_status(parts: Parts) -> None:
    parts.central.answers[TRACKING] = service_request()
    parts.central.answers[OTHER_TRACKING] = service_request(OTHER_TRACKING, "new_connection_lv")
    typed(parts, TRACKING)
    await parts.flow.submit()
    parts.flow.start_again()
    for key in OTHER_TRACKING:
        parts.flow.key(key)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(
        OTHER_TRACKING, service_request(OTHER_TRACKING, "new_connection_lv"), CATALOGUE.services[1]
    )
    assert parts.central.asked == [TRACKING, OTHER_TRACKING]
    assert parts.central.catalogue_asked == 1


@pytest.mark.asyncio
async def test_without_the_catalogue_the_status_shows_all_the_same_and_the_next_one_asks_again(
    parts: Parts,
) -> None:
    request = service_request()
    parts.central.answers[TRACKING] = request
    parts.central.catalogue = Unavailable("unreachable", "no connection")
    typed(parts, TRACKING)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(TRACKING, request, None)

    parts.central.catalogue = CATALOGUE
    parts.flow.start_again()
    for key in TRACKING:
        parts.flow.key(key)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(TRACKING, request, SERVICE)
    assert parts.central.catalogue_asked == 2


@pytest.mark.asyncio
async def test_a_service_missing_from_the_catalogue_leaves_the_status_unnamed(parts: Parts) -> None:
    request = service_request(service_code="withdrawn_service")
    parts.central.answers[TRACKING] = request
    typed(parts, TRACKING)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(TRACKING, request, None)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "error",
    [
        NotFound("request_not_found", "no request", status=404),
        InvalidInput("invalid_tracking_code", "malformed", status=422),
    ],
)
async def test_a_code_nobody_knows_says_so_on_the_keyboard_and_keeps_what_was_typed(
    parts: Parts, error: CentralError
) -> None:
    parts.central.answers["YCA7K3M9Q3"] = error
    typed(parts, "YCA7K3M9Q3")
    await parts.flow.submit()
    # No progress screen left behind, no failure screen: the keyboard itself says it.
    assert parts.nav.states == (Home(), TrackRequest("YCA7K3M9Q3", TrackProblem.NOT_FOUND))
    assert parts.seen[0] == WAITING


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("error", "problem", "can_retry"),
    [
        (Unavailable("unreachable", "no connection"), LookupProblem.UNREACHABLE, True),
        (Unavailable("timeout", "no answer in time"), LookupProblem.UNREACHABLE, True),
        (BadResponse("invalid_json", "not JSON", status=200), LookupProblem.BAD_ANSWER, True),
        (BadResponse("contract_mismatch", "wrong shape", status=200), LookupProblem.BAD_ANSWER, True),
        (RateLimited("rate_limited", "slow down", status=429), LookupProblem.BUSY, True),
        (Unauthorized("unauthorized", "bad token", status=401), LookupProblem.KIOSK_REFUSED, False),
        (Conflict("conflict", "unexpected", status=409), LookupProblem.BAD_ANSWER, True),
    ],
)
async def test_a_central_down_or_talking_garbage_gives_the_usual_failure_screen(
    parts: Parts, error: CentralError, problem: LookupProblem, can_retry: bool
) -> None:
    parts.central.answers[TRACKING] = error
    typed(parts, TRACKING)
    await parts.flow.submit()
    assert parts.nav.states == (Home(), TrackRequest(TRACKING), LookupFailed(problem, "", can_retry))


@pytest.mark.asyncio
async def test_try_again_after_an_unreachable_central_asks_again_and_shows_the_status(parts: Parts) -> None:
    parts.central.answers[TRACKING] = Unavailable("unreachable", "no connection")
    typed(parts, TRACKING)
    await parts.flow.submit()
    request = service_request()
    parts.central.answers[TRACKING] = request
    await parts.bills.retry()
    assert parts.nav.states == (Home(), TrackRequest(TRACKING), RequestStatus(TRACKING, request, SERVICE))
    assert parts.central.asked == [TRACKING, TRACKING]


@pytest.mark.asyncio
async def test_a_kiosk_the_central_refuses_offers_no_try_again(parts: Parts) -> None:
    parts.central.answers[TRACKING] = Unauthorized("unauthorized", "bad token", status=401)
    typed(parts, TRACKING)
    await parts.flow.submit()
    await parts.bills.retry()
    assert parts.nav.current == LookupFailed(LookupProblem.KIOSK_REFUSED, "", can_retry=False)
    assert parts.central.asked == [TRACKING]


@pytest.mark.asyncio
async def test_submitting_a_corrected_code_takes_the_old_problem_away_while_asking(parts: Parts) -> None:
    parts.flow.start()
    parts.nav.replace(TrackRequest(TRACKING, TrackProblem.NOT_FOUND))
    request = service_request()
    parts.central.answers[TRACKING] = request
    parts.seen.clear()
    await parts.flow.submit()
    assert parts.seen == [TrackRequest(TRACKING), WAITING, RequestStatus(TRACKING, request, SERVICE)]


@pytest.mark.asyncio
async def test_submitting_nothing_asks_nothing(parts: Parts) -> None:
    typed(parts, "")
    await parts.flow.submit()
    assert parts.nav.states == (Home(), TrackRequest())
    assert parts.seen == []
    assert parts.central.asked == []


@pytest.mark.asyncio
async def test_submit_away_from_the_keyboard_does_nothing(parts: Parts) -> None:
    parts.nav.go(RequestStatus(TRACKING, service_request(), SERVICE))
    parts.seen.clear()
    await parts.flow.submit()
    assert parts.seen == []
    assert parts.central.asked == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("leave", "left_at"),
    [
        (Navigator.home, (Home(),)),
        (Navigator.back, (Home(), TrackRequest(TRACKING))),
    ],
    ids=["home", "back"],
)
@pytest.mark.parametrize(
    "answer", [service_request(), NotFound("request_not_found", "no request", status=404)]
)
async def test_an_answer_after_the_customer_left_the_progress_screen_is_dropped(
    parts: Parts,
    leave: Callable[[Navigator], None],
    left_at: tuple[ScreenState, ...],
    answer: ServiceRequest | CentralError,
) -> None:
    parts.central.answers[TRACKING] = answer
    parts.central.hold = True
    typed(parts, TRACKING)
    asking = asyncio.create_task(parts.flow.submit())
    await parts.central.holding.wait()
    assert parts.nav.current == WAITING
    leave(parts.nav)
    parts.central.release.set()
    await asking
    assert parts.nav.states == left_at


# ---------------------------------------------------------------------------------------------- this kiosk's outbox
@pytest.mark.asyncio
async def test_a_request_still_waiting_in_this_kiosk_is_shown_without_asking_the_central(
    parts: Parts,
) -> None:
    item = saved_request(parts.outbox)
    typed(parts, item.reference)
    await parts.flow.submit()
    # Pushed straight over the keyboard, no progress screen: nothing was asked of the central.
    assert parts.seen == [RequestStatus(REFERENCE, None, None, refused=False)]
    assert parts.nav.states == (Home(), TrackRequest(REFERENCE), RequestStatus(REFERENCE, None, None))
    assert parts.central.asked == []
    assert parts.central.catalogue_asked == 0


@pytest.mark.asyncio
async def test_a_request_the_central_refused_says_so_without_asking_the_central(parts: Parts) -> None:
    item = saved_request(parts.outbox)
    parts.outbox.refused(item.id, "invalid_fields")
    typed(parts, item.reference)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(REFERENCE, None, None, refused=True)
    assert parts.central.asked == []


@pytest.mark.asyncio
async def test_a_waiting_request_is_named_once_the_catalogue_is_at_hand(parts: Parts) -> None:
    # The catalogue is fetched only with a status from the central; a waiting request seen first is unnamed.
    parts.central.answers[TRACKING] = service_request()
    typed(parts, TRACKING)
    await parts.flow.submit()
    saved_request(parts.outbox)
    parts.flow.start_again()
    for key in REFERENCE:
        parts.flow.key(key)
    await parts.flow.submit()
    assert parts.nav.current == RequestStatus(REFERENCE, None, SERVICE)


@pytest.mark.asyncio
@pytest.mark.parametrize("code", [REFERENCE, TRACKING])
async def test_a_delivered_request_is_asked_for_by_its_tracking_code(parts: Parts, code: str) -> None:
    item = saved_request(parts.outbox)
    parts.outbox.delivered(item.id, TRACKING, NOW + timedelta(minutes=1))
    request = service_request()
    parts.central.answers[TRACKING] = request
    typed(parts, code)
    await parts.flow.submit()
    assert parts.central.asked == [TRACKING]
    assert parts.nav.states == (Home(), TrackRequest(code), RequestStatus(TRACKING, request, SERVICE))


@pytest.mark.asyncio
async def test_a_delivered_outage_reports_reference_is_asked_for_as_typed(parts: Parts) -> None:
    # Outage reports are not tracked: their id is not a tracking code, so the central is asked for the reference.
    item = parts.outbox.add(
        OutboxKind.OUTAGE_REPORT,
        outage_report_payload("PE01000123456", "my_house", ""),
        {"customer_code": "PE01000123456", "kind": "my_house"},
    )
    parts.outbox.delivered(item.id, "OR-1234", NOW)
    typed(parts, item.reference)
    await parts.flow.submit()
    assert parts.central.asked == [REFERENCE]
    assert parts.nav.states == (Home(), TrackRequest(REFERENCE, TrackProblem.NOT_FOUND))


# ---------------------------------------------------------------------------------------------- scanning
def test_only_the_keyboard_takes_a_scan(parts: Parts) -> None:
    assert not parts.flow.accepts_scan()  # home belongs to the bill lookup
    parts.flow.start()
    assert parts.flow.accepts_scan()
    parts.nav.go(WAITING)
    assert not parts.flow.accepts_scan()
    parts.nav.replace(RequestStatus(TRACKING, service_request(), SERVICE))
    assert not parts.flow.accepts_scan()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "slip",
    [
        "https://central.example/track/YCA7K3M9Q2",
        "https://tracuu.example/track/yca7-k3m9-q2/?lang=vi",
        TRACKING,
    ],
)
async def test_a_scanned_slip_replaces_what_was_typed_and_shows_the_status(parts: Parts, slip: str) -> None:
    request = service_request()
    parts.central.answers[TRACKING] = request
    typed(parts, "YC")
    await parts.flow.scanned(slip)
    assert parts.nav.states == (Home(), TrackRequest(TRACKING), RequestStatus(TRACKING, request, SERVICE))
    assert parts.central.asked == [TRACKING]


@pytest.mark.asyncio
async def test_a_scanned_slip_of_a_request_still_on_this_kiosk_shows_it_waiting(parts: Parts) -> None:
    saved_request(parts.outbox)
    parts.flow.start()
    await parts.flow.scanned(f"http://127.0.0.1:8000/track/{REFERENCE}")
    assert parts.nav.current == RequestStatus(REFERENCE, None, None)
    assert parts.central.asked == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "scanned",
    [
        "PE01000123456",  # a bill
        "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng|20052021",  # a citizen ID card
        "https://example.com/pay/YCA7K3M9Q2",
        "",
    ],
)
async def test_a_scan_that_is_not_a_slip_says_what_to_scan(parts: Parts, scanned: str) -> None:
    typed(parts, "YCA7")
    await parts.flow.scanned(scanned)
    # What was typed goes with it: the keyboard starts over with the message.
    assert parts.nav.states == (Home(), TrackRequest("", TrackProblem.NOT_A_SLIP))
    assert parts.central.asked == []


@pytest.mark.asyncio
async def test_a_scan_away_from_the_keyboard_is_ignored(parts: Parts) -> None:
    parts.nav.go(RequestStatus(TRACKING, service_request(), SERVICE))
    parts.seen.clear()
    await parts.flow.scanned(TRACKING)
    assert parts.seen == []
    assert parts.central.asked == []


# ---------------------------------------------------------------------------------------------- another slip
@pytest.mark.asyncio
async def test_another_slip_from_a_status_is_an_empty_keyboard_without_an_extra_back_step(
    parts: Parts,
) -> None:
    parts.central.answers[TRACKING] = service_request()
    typed(parts, TRACKING)
    await parts.flow.submit()
    parts.flow.start_again()
    assert parts.nav.states == (Home(), TrackRequest())


def test_another_slip_from_a_status_not_over_the_keyboard_opens_one(parts: Parts) -> None:
    parts.nav.go(RequestStatus(TRACKING, service_request(), SERVICE))
    parts.flow.start_again()
    assert parts.nav.states == (Home(), TrackRequest())


def test_another_slip_away_from_a_status_does_nothing(parts: Parts) -> None:
    typed(parts, "YC")
    parts.flow.start_again()
    assert parts.nav.states == (Home(), TrackRequest("YC"))
    assert parts.seen == []
