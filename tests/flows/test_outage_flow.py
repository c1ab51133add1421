"""The outage journey without widgets (kiosk.flows.outages): every step from the start screen to the hotline, the
area's outages, a report and the printed schedule; and the pure parts: which outages a customer is shown, what
a slip's QR holds, and the printed schedule."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.central.errors import (
    INVALID_JSON,
    UNREACHABLE,
    BadResponse,
    CentralError,
    InvalidInput,
    NotFound,
    Unavailable,
)
from kiosk.central.models import (
    Bill,
    BillPaymentQr,
    Corporation,
    Customer,
    DistrictUnit,
    Label,
    Meter,
    Outage,
    OutageList,
)
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.navigation import Navigator
from kiosk.flows.outage_schedule import schedule_document
from kiosk.flows.outages import OutageFlow, upcoming
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Feature, Home, Loading, PrintPreview, Waiting
from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    OutageStart,
    ReportOutage,
)
from kiosk.flows.track import code_from_slip
from kiosk.language.catalogs import Translator
from kiosk.printing.document import KeyValue, Note, Text
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.records import Delivery, OutboxItem, OutboxKind
from tests.flows import fakes

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def outage(name: str, start: timedelta, hours: float, kind: str = "planned") -> Outage:
    return Outage.model_validate(
        {
            "id": name,
            "kind": kind,
            "district_unit": "PA1200",
            "area": {"vi": f"Khu {name}", "en": f"Area {name}"},
            "reason": {"vi": f"Lý do {name}", "en": f"Reason {name}"},
            "start_at": NOW + start,
            "expected_end_at": NOW + start + timedelta(hours=hours),
            "status": "scheduled",
        }
    )


def test_happening_now_comes_first_then_the_next_7_days_soonest_first() -> None:
    shown = upcoming(
        [
            outage("in-9-days", timedelta(days=9), 3),
            outage("in-3-days", timedelta(days=3), 9),
            outage("ended", timedelta(hours=-5), 2),
            outage("now", timedelta(hours=-1), 3, "emergency"),
            outage("tomorrow", timedelta(days=1), 2),
            outage("day-7-edge", timedelta(days=7), 1),
        ],
        NOW,
    )
    assert [(o.id, o.status) for o in shown] == [
        ("now", "in_progress"),
        ("tomorrow", "scheduled"),
        ("in-3-days", "scheduled"),
        ("day-7-edge", "scheduled"),
    ]


def test_an_outage_the_central_called_scheduled_is_now_by_the_kiosks_clock() -> None:
    [started] = upcoming([outage("started", timedelta(minutes=-5), 2)], NOW)
    assert started.status == "in_progress"


@pytest.mark.parametrize(
    ("scanned", "code"),
    [
        ("https://central.example/track/YCA7K3M9Q2", "YCA7K3M9Q2"),
        ("http://127.0.0.1:8000/track/KQ7M2X9PA4/", "KQ7M2X9PA4"),
        ("https://tracuu.example/track/yca7-k3m9-q2?lang=vi", "YCA7K3M9Q2"),
        ("https://tracuu.example/track/YCA7%20K3M9Q2#top", "YCA7K3M9Q2"),
        ("YCA7K3M9Q2", "YCA7K3M9Q2"),
        (" yca7 k3m9 q2 \n", "YCA7K3M9Q2"),
        ("KQ7M2X9PA4", "KQ7M2X9PA4"),
    ],
)
def test_a_slips_qr_gives_its_code(scanned: str, code: str) -> None:
    assert code_from_slip(scanned) == code


@pytest.mark.parametrize(
    "scanned",
    [
        "PE01000123456",  # a bill's customer code
        "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng|20052021",  # a citizen ID card
        "https://example.com/pay/YCA7K3M9Q2",
        "https://central.example/track/",
        "https://central.example/track/THIS-CODE-IS-FAR-TOO-LONG",
        "YC12345678",  # 1 is not in the tracking alphabet
        "",
    ],
)
def test_anything_else_is_not_a_slip(scanned: str) -> None:
    assert code_from_slip(scanned) is None


def customer() -> Customer:
    return Customer(
        code="PA12000345678",
        name="Hoàng V** T***",
        address="Xóm Bản Piềng",
        phone=None,
        corporation=Corporation(
            code="EVNNPC", name=Label(vi="Tổng công ty Điện lực miền Bắc", en="Northern Power Corporation"),
            hotline="19006769",
        ),
        district_unit=DistrictUnit(
            code="PA1200", name=Label(vi="Điện lực Tuyên Quang", en="Tuyen Quang Power Company")
        ),
        tariff_type="residential",
        households=1,
        meter=Meter(serial="M1", multiplier=1, remote_read=False),
    )  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_printed_schedule_has_the_next_7_days_in_vietnam_time_and_the_hotline(language: str) -> None:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    outages = [outage("in-3-days", timedelta(days=3), 9), outage("in-9-days", timedelta(days=9), 3)]
    document = schedule_document(tr, customer(), outages, now=NOW, location="Tuyên Quang", kiosk_id="K-01")
    values = [b.value for b in document.blocks if isinstance(b, KeyValue)]
    area = "Khu in-3-days" if language == "vi" else "Area in-3-days"
    assert area in values
    assert not any("in-9-days" in v for v in values)
    assert "26/11/2026 10:00 – 19:00" in values  # 03:00 UTC is 10:00 in Vietnam
    assert "Điện lực Tuyên Quang" in values or "Tuyen Quang Power Company" in values
    [footer] = [b.text for b in document.blocks if isinstance(b, Note)]
    assert "19006769" in footer


def test_an_empty_schedule_says_so() -> None:
    tr = Translator.load(language="vi")
    document = schedule_document(tr, customer(), [], now=NOW, location="Tuyên Quang", kiosk_id="K-01")
    assert tr._("outage_schedule.none") in [b.text for b in document.blocks if isinstance(b, Text)]


def test_an_outage_past_midnight_prints_the_day_it_ends() -> None:
    tr = Translator.load(language="vi")
    overnight = [outage("overnight", timedelta(days=1, hours=10), 8)]  # 20:00 one day to 04:00 the next
    document = schedule_document(tr, customer(), overnight, now=NOW, location="Tuyên Quang", kiosk_id="K-01")
    values = [b.value for b in document.blocks if isinstance(b, KeyValue)]
    assert "24/11/2026 20:00 – 25/11/2026 04:00" in values


# ---------------------------------------------------------------------------------------------- the flow
# OutageFlow against a fake central (tests/flows/fakes.py), a real outbox in a temporary file and the real
# courier, so that what the customer is told about a report is what the outbox holds.

KIOSK_HOTLINE = "19001006"
CODE = fakes.CODE
CUSTOMER = fakes.customer()
NOW_ON = fakes.outage("now", timedelta(hours=-1), 3, "emergency")
TOMORROW = fakes.outage("tomorrow", timedelta(days=1), 2)
AREA = OutageList(
    customer_code=CODE,
    outages=[
        fakes.outage("in-9-days", timedelta(days=9), 3),
        TOMORROW,
        NOW_ON,
        fakes.outage("ended", timedelta(hours=-5), 2),
    ],
)
SHOWN = upcoming(AREA.outages, fakes.NOW)
KNOWN = SHOWN[0]  # NOW_ON, as the flow's clock sees it: in progress
KEYPAD = EnterCode(purpose=Feature.OUTAGES)
# This kiosk offers no units: the keypad opens on the keyboard for the unit code, as if "another unit".
TYPED = EnterCode("PE0100", "0123456", Feature.OUTAGES, typing_unit=True)
CITIZEN_ID = "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng|20052021"


@dataclass
class SchedulePrinter:
    """The schedule's printer: records what it was given and answers ``printed``; with ``hold`` it waits
    (``started`` set) until the test sets it."""

    printed: bool = True
    received: list[tuple[Customer, tuple[Outage, ...]]] = field(default_factory=list)
    hold: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, customer: Customer, outages: tuple[Outage, ...]) -> bool:
        self.received.append((customer, outages))
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        return self.printed


async def no_notice(customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
    raise AssertionError("the outage journey printed a bill notice")


@dataclass
class Outages:
    navigator: Navigator
    session: CustomerSession
    central: fakes.FakeCentral
    outbox: Outbox
    printer: SchedulePrinter
    bills: BillLookupFlow
    flow: OutageFlow
    seen: list[ScreenState]  # every state the navigator showed, in order

    def screens(self) -> tuple[ScreenState, ...]:
        """The navigator's stack, read afresh (a call, so that mypy does not narrow it between steps)."""
        return self.navigator.states

    def the_report(self) -> OutboxItem:
        [item] = self.outbox.all()
        return item


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    box = Outbox(tmp_path / OUTBOX_FILE_NAME)
    yield box
    box.close()


def outage_journey(outbox: Outbox, *, send_wait: float = 30.0) -> Outages:
    """Built as the application builds it: the bill lookup's keypad hands outage codes to the outage flow."""
    central = fakes.FakeCentral({"customer": CUSTOMER, "outages": AREA, "tariffs": fakes.tariffs()})
    navigator, session, printer = Navigator(), CustomerSession(), SchedulePrinter()
    seen: list[ScreenState] = []
    navigator.subscribe(seen.append)
    bills = BillLookupFlow(central, navigator, session, print_notice=no_notice, today=lambda: fakes.TODAY)
    flow = OutageFlow(
        central,
        bills,
        navigator,
        session,
        outbox,
        Courier(central, outbox),
        hotline=KIOSK_HOTLINE,
        now=lambda: fakes.NOW,
        print_schedule=printer,
        send_wait=send_wait,
    )
    bills.hand_codes_to(Feature.OUTAGES, flow.code_entered)
    return Outages(navigator, session, central, outbox, printer, bills, flow, seen)


@pytest.fixture
def journey(outbox: Outbox) -> Outages:
    return outage_journey(outbox)


def type_code(bills: BillLookupFlow, code: str) -> None:
    """The unit code on the keyboard (the kiosk offers no units to choose from), then the 7 digits."""
    for key in code[:6]:
        bills.press_unit_key(key)
    for digit in code[6:]:
        bills.press_digit(digit)


async def open_overview(journey: Outages, *, no_power: bool = False) -> None:
    journey.flow.start()
    if no_power:
        journey.flow.no_power()
    else:
        journey.flow.schedule()
    type_code(journey.bills, CODE)
    await journey.bills.submit()
    assert journey.screens() == (
        Home(),
        OutageStart(),
        TYPED,
        OutageOverview(CUSTOMER, SHOWN, reporting=no_power),
    )


def report_summary(kind: str, language: str = "vi") -> dict[str, str]:
    return {"customer_code": CODE, "kind": kind, "language": language}


# ------------------------------------------------------------------ the start and danger
def test_the_outage_journey_opens_on_its_start_screen(journey: Outages) -> None:
    journey.flow.start()
    assert journey.screens() == (Home(), OutageStart())


def test_danger_shows_the_kiosks_hotline_at_once_asking_nothing_and_sending_nothing(journey: Outages) -> None:
    journey.flow.start()
    journey.flow.danger()
    assert journey.screens() == (Home(), OutageStart(), DangerHotline(KIOSK_HOTLINE))
    assert journey.central.calls == []
    assert journey.outbox.all() == []


@pytest.mark.parametrize("choice", ["no_power", "schedule"])
def test_no_power_and_the_schedule_ask_for_the_code_on_the_outage_keypad(
    journey: Outages, choice: str
) -> None:
    journey.flow.start()
    getattr(journey.flow, choice)()
    assert journey.screens() == (Home(), OutageStart(), KEYPAD)
    assert journey.central.calls == []


# ------------------------------------------------------------------ the area's outages
@pytest.mark.asyncio
async def test_the_schedule_of_the_customers_area_comes_after_a_progress_screen(journey: Outages) -> None:
    journey.flow.start()
    journey.flow.schedule()
    type_code(journey.bills, CODE)
    journey.central.hold("outages")
    task = asyncio.ensure_future(journey.bills.submit())
    await journey.central.reached("outages")
    assert journey.screens() == (Home(), OutageStart(), TYPED, Loading(Waiting.OUTAGES, CODE))
    journey.central.release("outages")
    await task
    assert journey.screens() == (
        Home(),
        OutageStart(),
        TYPED,
        OutageOverview(CUSTOMER, SHOWN, reporting=False),
    )
    assert [o.id for o in SHOWN] == [
        "now",
        "tomorrow",
    ]  # by the flow's clock: the ended and the later left out
    assert sorted(journey.central.calls) == [f"customer {CODE}", f"outages {CODE}"]
    assert (journey.session.customer_code, journey.session.customer) == (CODE, CUSTOMER)


@pytest.mark.asyncio
async def test_no_power_shows_the_areas_outages_ready_for_a_report(journey: Outages) -> None:
    journey.flow.start()
    journey.flow.no_power()
    await journey.bills.scanned(CODE)  # a bill scanned on the outage keypad
    assert journey.screens() == (
        Home(),
        OutageStart(),
        KEYPAD,
        OutageOverview(CUSTOMER, SHOWN, reporting=True),
    )


@pytest.mark.asyncio
async def test_a_keypad_whose_reason_was_wiped_shows_the_schedule(journey: Outages) -> None:
    journey.flow.start()
    journey.flow.no_power()
    journey.session.wipe()  # the reason is kept in the session, so that a wipe forgets it
    await journey.bills.scanned(CODE)
    assert journey.navigator.current == OutageOverview(CUSTOMER, SHOWN, reporting=False)


@pytest.mark.asyncio
async def test_the_area_that_could_not_be_looked_up_is_tried_again_for_the_same_reason(
    journey: Outages,
) -> None:
    journey.central.answers["outages"] = Unavailable(UNREACHABLE, "down")
    journey.flow.start()
    journey.flow.no_power()
    type_code(journey.bills, CODE)
    await journey.bills.submit()
    failure = LookupFailed(LookupProblem.UNREACHABLE, CODE, can_retry=True)
    assert journey.screens() == (Home(), OutageStart(), TYPED, failure)
    assert journey.session.customer is None
    journey.central.answers["outages"] = AREA
    await journey.bills.retry()
    assert journey.screens() == (
        Home(),
        OutageStart(),
        TYPED,
        OutageOverview(CUSTOMER, SHOWN, reporting=True),
    )


@pytest.mark.asyncio
async def test_an_unknown_customer_retypes_on_the_outage_keypad(journey: Outages) -> None:
    journey.central.answers["customer"] = NotFound("customer_not_found", "no such customer", status=404)
    journey.flow.start()
    journey.flow.schedule()
    type_code(journey.bills, CODE)
    await journey.bills.submit()
    failure = LookupFailed(LookupProblem.NOT_FOUND, CODE, can_retry=False)
    assert journey.screens() == (Home(), OutageStart(), TYPED, failure)
    journey.bills.retype()
    assert journey.screens() == (Home(), OutageStart(), TYPED)


@pytest.mark.asyncio
async def test_a_malformed_code_is_refused_before_the_central_is_asked(journey: Outages) -> None:
    journey.flow.start()
    journey.flow.schedule()
    await journey.flow.code_entered("PE0100")
    failure = LookupFailed(LookupProblem.INVALID_CODE, "PE0100", can_retry=False)
    assert journey.screens() == (Home(), OutageStart(), KEYPAD, failure)
    assert journey.central.calls == []


@pytest.mark.asyncio
async def test_a_bill_scanned_after_a_failure_on_the_outage_keypad_stays_in_the_outage_journey(
    journey: Outages,
) -> None:
    journey.central.answers["bills unpaid"] = (
        fakes.bills()
    )  # what the bill lookup would ask, if it is wrongly asked
    journey.flow.start()
    journey.flow.no_power()
    await journey.bills.scanned(CITIZEN_ID)  # the ID card by mistake: "scan the bill instead"
    await journey.bills.scanned(CODE)
    assert journey.navigator.current == OutageOverview(CUSTOMER, SHOWN, reporting=True)


# ------------------------------------------------------------------ a danger report with the customer's code
@pytest.mark.asyncio
async def test_a_danger_report_returns_to_the_hotline_and_is_never_held_up_by_the_network(
    journey: Outages,
) -> None:
    flow, central = journey.flow, journey.central
    flow.start()
    flow.danger()
    flow.report_danger()
    assert journey.screens() == (Home(), OutageStart(), DangerHotline(KIOSK_HOTLINE), KEYPAD)
    type_code(journey.bills, CODE)
    central.hold("customer")
    central.hold("report_outage")
    task = asyncio.ensure_future(journey.bills.submit())
    await central.reached("customer")
    await central.reached("report_outage")
    # The keypad is gone (Back cannot send it twice) and the kiosk's hotline stays until the customer's is known.
    assert journey.screens() == (Home(), OutageStart(), DangerHotline(KIOSK_HOTLINE, CODE))
    central.release("customer")
    await asyncio.sleep(0)  # the customer's answer is handled before the report's, which is still held
    assert journey.navigator.current == DangerHotline(fakes.CORPORATION_HOTLINE, CODE)
    central.release("report_outage")
    await task
    item = journey.the_report()
    assert journey.screens() == (Home(), OutageStart(), DangerHotline(fakes.CORPORATION_HOTLINE, CODE, item))
    assert (item.kind, item.state, item.tracking_code) == (
        OutboxKind.OUTAGE_REPORT,
        Delivery.DELIVERED,
        "OR-1",
    )
    assert dict(item.summary) == report_summary("danger")
    assert sorted(central.calls) == [f"customer {CODE}", f"report_outage {CODE} danger ''"]
    assert not any(isinstance(s, Loading | LookupFailed) for s in journey.seen)
    assert (journey.session.customer_code, journey.session.customer) == (CODE, CUSTOMER)


@pytest.mark.asyncio
async def test_a_danger_report_while_the_central_is_down_is_kept_on_the_kiosk(journey: Outages) -> None:
    journey.central.answers["customer"] = Unavailable(UNREACHABLE, "down")
    journey.central.answers["report_outage"] = Unavailable(UNREACHABLE, "down")
    journey.flow.danger()
    journey.flow.report_danger()
    await journey.bills.scanned(CODE)
    item = journey.the_report()
    assert (item.state, item.last_error) == (Delivery.QUEUED, UNREACHABLE)
    assert journey.screens() == (Home(), DangerHotline(KIOSK_HOTLINE, CODE, item))
    assert (journey.session.customer_code, journey.session.customer) == (CODE, None)


@pytest.mark.asyncio
async def test_a_danger_report_answered_after_the_customer_left_is_still_sent(journey: Outages) -> None:
    journey.flow.danger()
    journey.flow.report_danger()
    journey.central.hold("report_outage")
    task = asyncio.ensure_future(journey.bills.scanned(CODE))
    await journey.central.reached("report_outage")
    journey.navigator.home()
    journey.central.release("report_outage")
    await task
    assert journey.screens() == (Home(),)
    assert journey.the_report().state is Delivery.DELIVERED


@pytest.mark.asyncio
async def test_a_danger_code_typed_on_a_keypad_without_the_hotline_below_shows_the_hotline(
    journey: Outages,
) -> None:
    # Defensive: the keypad is normally opened from the hotline screen. Here the customer's reason is still
    # "danger" but the hotline is no longer below the keypad.
    journey.flow.danger()
    journey.flow.report_danger()
    journey.navigator.home()
    journey.navigator.go(KEYPAD)
    await journey.bills.scanned(CODE)
    item = journey.the_report()
    assert journey.screens() == (Home(), DangerHotline(fakes.CORPORATION_HOTLINE, CODE, item))


@pytest.mark.asyncio
async def test_a_danger_report_is_asked_for_only_once_from_the_hotline(journey: Outages) -> None:
    journey.flow.danger()
    journey.flow.report_danger()
    await journey.bills.scanned(CODE)
    before = journey.screens()
    journey.flow.report_danger()  # the report of this hotline screen is on its way already
    assert journey.screens() == before
    journey.navigator.home()
    journey.flow.start()
    journey.flow.report_danger()  # not on the hotline screen
    assert journey.screens() == (Home(), OutageStart())
    assert len(journey.outbox.all()) == 1


# ------------------------------------------------------------------ reporting from the area's outages
@pytest.mark.asyncio
async def test_the_report_choice_opens_from_the_areas_outages_only(journey: Outages) -> None:
    journey.flow.start()
    journey.flow.choose_report()
    assert journey.screens() == (Home(), OutageStart())
    journey.navigator.home()
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    assert journey.screens()[3:] == (
        OutageOverview(CUSTOMER, SHOWN, reporting=True),
        ReportOutage(CUSTOMER, SHOWN),
    )


@pytest.mark.asyncio
async def test_a_report_is_saved_sent_and_answered_with_the_outage_already_known(journey: Outages) -> None:
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    journey.central.calls.clear()
    journey.central.hold("report_outage")
    task = asyncio.ensure_future(journey.flow.report("my_house"))
    await journey.central.reached("report_outage")
    assert journey.navigator.current == Loading(Waiting.SENDING_REPORT, CODE)
    assert journey.the_report().state is Delivery.QUEUED  # saved before it is sent
    journey.central.release("report_outage")
    await task
    item = journey.the_report()
    assert (item.state, item.tracking_code) == (Delivery.DELIVERED, "OR-1")
    assert dict(item.summary) == report_summary("my_house")
    assert journey.screens()[4:] == (
        ReportOutage(CUSTOMER, SHOWN),
        OutageReported(CUSTOMER, "my_house", item, KNOWN),
    )
    assert journey.central.calls == [f"report_outage {CODE} my_house ''"]


@pytest.mark.asyncio
async def test_a_report_with_no_outage_in_progress_has_none_to_explain_it(journey: Outages) -> None:
    journey.central.answers["outages"] = OutageList(customer_code=CODE, outages=[TOMORROW])
    journey.flow.start()
    journey.flow.no_power()
    await journey.bills.scanned(CODE)
    journey.flow.choose_report()
    await journey.flow.report("street")
    assert journey.navigator.current == OutageReported(CUSTOMER, "street", journey.the_report(), None)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "state", "refusal"),
    [
        (Unavailable(UNREACHABLE, "down"), Delivery.QUEUED, None),
        (BadResponse(INVALID_JSON, "<html>", status=200), Delivery.QUEUED, None),
        (InvalidInput("invalid_customer_code", "no", status=422), Delivery.REFUSED, "invalid_customer_code"),
    ],
    ids=["central-down", "garbage", "refused"],
)
async def test_the_customer_is_told_honestly_how_the_report_stands(
    journey: Outages, answer: CentralError, state: Delivery, refusal: str | None
) -> None:
    journey.central.answers["report_outage"] = answer
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    await journey.flow.report("my_house")
    item = journey.the_report()
    assert (item.state, item.refusal) == (state, refusal)
    assert journey.navigator.current == OutageReported(CUSTOMER, "my_house", item, KNOWN)


@pytest.mark.asyncio
async def test_a_central_too_slow_for_the_screen_leaves_the_report_queued(outbox: Outbox) -> None:
    journey = outage_journey(outbox, send_wait=0.01)
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    journey.central.hold("report_outage")  # never released: the screen's wait runs out
    await journey.flow.report("my_house")
    item = journey.the_report()
    assert (item.state, item.attempts) == (Delivery.QUEUED, 0)
    assert journey.navigator.current == OutageReported(CUSTOMER, "my_house", item, KNOWN)


@pytest.mark.asyncio
async def test_a_report_answered_after_the_customer_left_changes_no_screen(journey: Outages) -> None:
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    journey.central.hold("report_outage")
    task = asyncio.ensure_future(journey.flow.report("street"))
    await journey.central.reached("report_outage")
    journey.navigator.home()
    journey.central.release("report_outage")
    await task
    assert journey.screens() == (Home(),)
    assert journey.the_report().state is Delivery.DELIVERED


@pytest.mark.asyncio
async def test_danger_chosen_among_the_reports_shows_the_customers_hotline_first(journey: Outages) -> None:
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    journey.central.calls.clear()
    journey.central.hold("report_outage")
    task = asyncio.ensure_future(journey.flow.report("danger"))
    await journey.central.reached("report_outage")
    assert journey.navigator.current == DangerHotline(fakes.CORPORATION_HOTLINE, CODE)
    journey.central.release("report_outage")
    await task
    item = journey.the_report()
    assert journey.screens()[4:] == (
        ReportOutage(CUSTOMER, SHOWN),
        DangerHotline(fakes.CORPORATION_HOTLINE, CODE, item),
    )
    assert dict(item.summary) == report_summary("danger")
    assert journey.central.calls == [f"report_outage {CODE} danger ''"]


@pytest.mark.asyncio
async def test_a_report_is_sent_only_from_the_report_choice(journey: Outages) -> None:
    await open_overview(journey)
    before = journey.screens()
    await journey.flow.report("my_house")
    assert journey.screens() == before
    assert journey.outbox.all() == []


@pytest.mark.asyncio
async def test_a_report_made_with_staff_in_english_says_so_for_the_day_report(journey: Outages) -> None:
    journey.session.language = "en"
    journey.session.start_assisted(by_staff=True)
    await open_overview(journey, no_power=True)
    journey.flow.choose_report()
    await journey.flow.report("street")
    assert dict(journey.the_report().summary) == {**report_summary("street", "en"), "assisted": "staff"}


# ------------------------------------------------------------------ the schedule on paper
@pytest.mark.asyncio
@pytest.mark.parametrize("printed", [True, False])
async def test_printing_the_schedule_says_how_it_went_on_the_same_screen(
    journey: Outages, printed: bool
) -> None:
    await open_overview(journey)
    journey.printer.printed = printed
    await journey.flow.print_schedule()
    assert journey.printer.received == [(CUSTOMER, SHOWN)]
    assert journey.screens()[3:] == (OutageOverview(CUSTOMER, SHOWN, reporting=False, printed=printed),)


@pytest.mark.asyncio
async def test_a_second_tap_while_the_schedule_prints_prints_nothing_more(journey: Outages) -> None:
    await open_overview(journey)
    journey.printer.hold = asyncio.Event()
    task = asyncio.ensure_future(journey.flow.print_schedule())
    await journey.printer.started.wait()
    await journey.flow.print_schedule()
    journey.printer.hold.set()
    await task
    assert len(journey.printer.received) == 1
    assert journey.navigator.current == OutageOverview(CUSTOMER, SHOWN, reporting=False, printed=True)


@pytest.mark.asyncio
async def test_a_preview_shown_on_top_leaves_the_schedule_below_as_it_was(journey: Outages) -> None:
    await open_overview(journey)
    journey.printer.hold = asyncio.Event()
    task = asyncio.ensure_future(journey.flow.print_schedule())
    await journey.printer.started.wait()
    journey.navigator.go(PrintPreview(Path("schedule.png")))  # what a preview printer does while it "prints"
    journey.printer.hold.set()
    await task
    overview = OutageOverview(CUSTOMER, SHOWN, reporting=False)
    assert journey.screens()[3:] == (overview, PrintPreview(Path("schedule.png")))
    journey.navigator.back()
    journey.printer.hold = None
    await journey.flow.print_schedule()  # and it can be printed again
    assert journey.navigator.current == OutageOverview(CUSTOMER, SHOWN, reporting=False, printed=True)


@pytest.mark.asyncio
async def test_the_schedule_is_printed_only_from_the_areas_outages(journey: Outages) -> None:
    journey.flow.start()
    await journey.flow.print_schedule()
    assert journey.screens() == (Home(), OutageStart())
    assert journey.printer.received == []
