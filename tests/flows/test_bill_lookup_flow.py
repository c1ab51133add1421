"""The lookup flow without widgets: what the central sends decides the next state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from kiosk.central.errors import (
    CONTRACT_MISMATCH,
    INVALID_JSON,
    TIMEOUT,
    UNREACHABLE,
    BadResponse,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from kiosk.central.models import Bill, BillList, BillPaymentQr, Consumption, Customer, Tariffs
from kiosk.customer.code import UNIT_LENGTH, UnitChoice
from kiosk.demo.simulator import DemoClient
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome, paid_in_last_months
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import (
    AccountOverview,
    BillDetail,
    BillNoticePrinted,
    ChooseBills,
    ConsumptionHistory,
    EnterCode,
    EntryStep,
    LookupFailed,
    LookupProblem,
    PaidHistory,
)
from kiosk.flows.states.frame import Feature, Home, Loading, PrintPreview, Waiting
from tests.flows import fakes
from tests.flows.fakes import CODE
from tests.helpers.central import running_central


class Recorded:
    """The real central's answers, replayed, with one bill's total changed: garbage that parses."""

    def __init__(self, customer: Customer, unpaid: BillList, tariffs: Tariffs) -> None:
        self._customer, self._unpaid, self._tariffs = customer, unpaid, tariffs

    async def customer(self, code: str) -> Customer:
        return self._customer

    async def bills(self, code: str, status: str = "unpaid") -> BillList:
        return self._unpaid

    async def consumption(self, code: str, granularity: str = "month") -> Consumption:
        raise NotImplementedError

    async def tariffs(self) -> Tariffs:
        return self._tariffs

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        raise NotImplementedError


async def _no_printer(customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
    return NoticeOutcome(printed=False)


async def _recorded(tmp_path: Path) -> tuple[Customer, BillList, BillList, Tariffs]:

    with running_central(tmp_path / "c.db") as central:
        async with DemoClient(central.url, central.token) as client:
            return (
                await client.customer("PE01000123456"),
                await client.bills("PE01000123456"),
                await client.bills("PE01000123456", "all"),
                await client.tariffs(),
            )


def test_a_bill_whose_amounts_do_not_add_up_is_refused_as_a_bad_answer(tmp_path: Path) -> None:
    customer, unpaid, _, tariffs = asyncio.run(_recorded(tmp_path))
    broken = unpaid.bills[0].model_copy(update={"total": unpaid.bills[0].total + 1000})
    garbage = BillList(customer_code=unpaid.customer_code, bills=[broken, *unpaid.bills[1:]], total_due=0)
    navigator, session = Navigator(), CustomerSession()
    flow = BillLookupFlow(
        Recorded(customer, garbage, tariffs), navigator, session, print_notice=_no_printer, today=date.today
    )
    asyncio.run(flow.look_up("PE01000123456"))
    assert navigator.current == LookupFailed(LookupProblem.BAD_ANSWER, "PE01000123456", can_retry=True)
    assert session.customer is None

    fine = BillLookupFlow(
        Recorded(customer, unpaid, tariffs),
        Navigator(),
        CustomerSession(),
        print_notice=_no_printer,
        today=date.today,
    )
    asyncio.run(fine.look_up("PE01000123456"))
    assert isinstance(fine._nav.current, AccountOverview)


def test_a_late_answer_after_the_customer_went_home_is_dropped(tmp_path: Path) -> None:
    customer, unpaid, _, tariffs = asyncio.run(_recorded(tmp_path))
    navigator = Navigator()
    flow = BillLookupFlow(
        Recorded(customer, unpaid, tariffs),
        navigator,
        CustomerSession(),
        print_notice=_no_printer,
        today=date.today,
    )

    async def leave_while_waiting() -> None:
        task = asyncio.ensure_future(flow.look_up("PE01000123456"))
        await asyncio.sleep(0)
        navigator.home()
        await task

    asyncio.run(leave_while_waiting())
    assert navigator.current == Home()


def test_paid_history_keeps_12_months(tmp_path: Path) -> None:
    _, _, everything, _ = asyncio.run(_recorded(tmp_path))
    today = date(2026, 11, 23)
    kept = paid_in_last_months(everything, today)
    assert kept
    assert all((today - b.period_end).days <= 366 for b in kept)
    older = [b for b in everything.bills if b.status == "paid" and (today - b.period_end).days > 366]
    assert older, "the demo has older paid bills, which must be left out"


# ---------------------------------------------------------------------------------------------- against fakes
# Every other transition runs against a fake central (tests/flows/fakes.py) and a fake notice printer: each
# answer, failure and delay is the test's to choose, and what the flow asked for is recorded.

CUSTOMER = fakes.customer()
OTHER = fakes.customer("PE01000999999")
B1, B2, B3 = (fakes.bill(f"B{n}", date(2026, 7 + n, 28)) for n in (1, 2, 3))  # oldest first, as the central
UNPAID = fakes.bills(B1, B2, B3)
RECENT_PAID = fakes.bill("P1", date(2026, 7, 28), status="paid")
OLDER_PAID = fakes.bill("P2", date(2026, 1, 28), status="paid")
TOO_OLD_PAID = fakes.bill("P0", date(2025, 9, 28), status="paid")  # 14 months before TODAY
EVERYTHING = fakes.bills(TOO_OLD_PAID, OLDER_PAID, RECENT_PAID, B1, B2, B3)
TARIFFS = fakes.tariffs()
MONTHLY = fakes.consumption("month")
DAILY = fakes.consumption("day")
# The units the kiosk serves (its configuration): one with a unit code of digits, one with letters.
UNITS = (UnitChoice("PE0100", "Điện lực Sài Gòn"), UnitChoice("PC05CC", "Điện lực Hội An"))
KEYPAD = EnterCode(units=UNITS)
TYPED = EnterCode("PE0100", "0123456", units=UNITS)
LETTERED = "PC05CC0123456"
CITIZEN_ID = "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng|20052021"


@dataclass
class NoticePrinter:
    """The bill notice port: records each notice it was asked for and answers ``outcome``. ``hold`` makes it
    wait (``started`` set) until the test sets ``hold``."""

    outcome: NoticeOutcome = field(default_factory=lambda: NoticeOutcome(printed=True))
    received: list[tuple[Customer, Bill, BillPaymentQr]] = field(default_factory=list)
    hold: asyncio.Event | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
        self.received.append((customer, bill, qr))
        self.started.set()
        if self.hold is not None:
            await self.hold.wait()
        return self.outcome


@dataclass
class Lookup:
    navigator: Navigator
    session: CustomerSession
    central: fakes.FakeCentral
    printer: NoticePrinter
    in_flight: set[str]
    flow: BillLookupFlow

    def screens(self) -> tuple[ScreenState, ...]:
        """The navigator's stack, read afresh (a call, so that mypy does not narrow it between steps)."""
        return self.navigator.states


@pytest.fixture
def lookup() -> Lookup:
    central = fakes.FakeCentral(
        {
            "customer": CUSTOMER,
            "bills unpaid": UNPAID,
            "bills all": EVERYTHING,
            "tariffs": TARIFFS,
            "consumption month": MONTHLY,
            "consumption day": DAILY,
            "bill_payment_qr": fakes.bill_qr(B1),
        }
    )
    navigator, session, printer, in_flight = Navigator(), CustomerSession(), NoticePrinter(), set[str]()
    flow = BillLookupFlow(
        central,
        navigator,
        session,
        print_notice=printer,
        today=lambda: fakes.TODAY,
        in_flight=lambda: frozenset(in_flight),
        units=UNITS,
    )
    return Lookup(navigator, session, central, printer, in_flight, flow)


def type_code(flow: BillLookupFlow, code: str) -> None:
    """As a customer types it: the unit with one tap if the keypad offers it, else "another unit" and its code
    on the keyboard; then the digits."""
    keypad = flow._nav.current
    assert isinstance(keypad, EnterCode)
    unit, digits = code[:UNIT_LENGTH], code[UNIT_LENGTH:]
    if any(choice.code == unit for choice in keypad.units):
        flow.choose_unit(unit)
    else:
        flow.other_unit()
        for key in unit:
            flow.press_unit_key(key)
    for digit in digits:
        flow.press_digit(digit)


async def open_account(lookup: Lookup) -> None:
    """Home, the keypad, the code typed, the account."""
    lookup.flow.start()
    type_code(lookup.flow, CODE)
    await lookup.flow.submit()
    assert lookup.screens() == (Home(), TYPED, AccountOverview(CUSTOMER, UNPAID))


def assert_no_customer(session: CustomerSession) -> None:
    assert (session.customer_code, session.customer, session.bills) == (None, None, None)


# ------------------------------------------------------------------ the keypad
def test_the_keypad_opens_empty_for_the_bills_offering_the_kiosks_units(lookup: Lookup) -> None:
    lookup.flow.start()
    assert lookup.screens() == (Home(), EnterCode("", "", Feature.BILLS, typing_unit=False, units=UNITS))
    assert KEYPAD.step is EntryStep.UNIT
    assert lookup.flow.keypad(Feature.OUTAGES) == EnterCode(purpose=Feature.OUTAGES, units=UNITS)


def test_a_unit_is_one_tap_then_only_seven_digits(lookup: Lookup) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    flow.start()
    flow.press_digit("1")  # the unit comes first
    flow.choose_unit("PZ0100")  # not one the kiosk offers
    flow.choose_unit("PA02DH")  # a real unit, but not this kiosk's: typed with "another unit"
    assert navigator.current == KEYPAD
    flow.choose_unit("PC05CC")
    assert navigator.current == EnterCode("PC05CC", units=UNITS)
    assert navigator.current.step is EntryStep.NUMBER
    assert navigator.current.unit_name == "Điện lực Hội An"
    for key in ("x", "12", "", "٣", "²", "A"):
        flow.press_digit(key)
    flow.press_unit_key("A")  # the keyboard is closed
    flow.choose_unit("PE0100")  # the unit is changed with Change unit, not by tapping another
    assert navigator.current == EnterCode("PC05CC", units=UNITS)
    for digit in "01234567":  # one digit too many
        flow.press_digit(digit)
    assert navigator.current == EnterCode("PC05CC", "0123456", units=UNITS)
    assert navigator.depth == 2  # every key replaced the keypad: one Back leaves it


def test_another_unit_is_typed_on_the_keyboard_and_the_digits_follow(lookup: Lookup) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    flow.start()
    flow.other_unit()
    assert navigator.current == EnterCode(typing_unit=True, units=UNITS)
    assert navigator.current.step is EntryStep.UNIT_KEYBOARD
    flow.press_digit("1")  # the digits come after the unit
    for key in ("p", "a", "0", "2", "Đ", "!", "dh", "", "d"):  # lower case is taken as upper
        flow.press_unit_key(key)
    assert navigator.current == EnterCode("PA02D", typing_unit=True, units=UNITS)
    assert navigator.current.step is EntryStep.UNIT_KEYBOARD
    flow.press_unit_key("H")  # the sixth character of a real unit code: on to the digits by itself
    assert navigator.current == EnterCode("PA02DH", typing_unit=True, units=UNITS)
    assert navigator.current.step is EntryStep.NUMBER
    assert navigator.current.unit_name is None
    flow.press_unit_key("X")  # the keyboard has gone
    for digit in "0890123":
        flow.press_digit(digit)
    assert navigator.current == EnterCode("PA02DH", "0890123", typing_unit=True, units=UNITS)
    assert navigator.depth == 2


def test_the_keyboard_takes_what_cannot_begin_a_unit_so_that_the_screen_says_what_is_wrong(
    lookup: Lookup,
) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    flow.start()
    flow.other_unit()
    for key in "PZ01002":  # no corporation's prefix; one character more than a unit code
        flow.press_unit_key(key)
    assert navigator.current == EnterCode("PZ0100", typing_unit=True, units=UNITS)
    assert navigator.current.step is EntryStep.UNIT_KEYBOARD  # not a unit: no digits
    flow.press_digit("1")
    assert navigator.current == EnterCode("PZ0100", typing_unit=True, units=UNITS)


def test_delete_takes_the_digits_then_the_unit_keeping_the_purpose(lookup: Lookup) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    navigator.go(EnterCode("PE0100", "01", Feature.OUTAGES, units=UNITS))
    shown = []
    for _ in range(4):
        flow.delete()
        shown.append(navigator.current)
    assert shown == [
        EnterCode("PE0100", "0", Feature.OUTAGES, units=UNITS),
        EnterCode("PE0100", "", Feature.OUTAGES, units=UNITS),
        EnterCode("", "", Feature.OUTAGES, units=UNITS),  # a chosen unit goes all at once: back to the choice
        EnterCode("", "", Feature.OUTAGES, units=UNITS),  # nothing left to delete
    ]


def test_delete_goes_back_into_a_typed_unit_character_by_character(lookup: Lookup) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    navigator.go(EnterCode("PA02DH", "0", Feature.REQUESTS, typing_unit=True, units=UNITS))
    flow.delete()
    flow.delete()
    assert navigator.current == EnterCode("PA02D", "", Feature.REQUESTS, typing_unit=True, units=UNITS)
    assert navigator.current.step is EntryStep.UNIT_KEYBOARD
    for _ in range(6):
        flow.delete()
    assert navigator.current == EnterCode("", "", Feature.REQUESTS, typing_unit=True, units=UNITS)


def test_clear_takes_the_digits_and_change_unit_returns_to_the_choice(lookup: Lookup) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    navigator.go(EnterCode("PC05CC", "0123", Feature.OUTAGES, units=UNITS))
    flow.clear()
    assert navigator.current == EnterCode("PC05CC", "", Feature.OUTAGES, units=UNITS)
    type_code(flow, "PC05CC0123")  # the unit is already there: only the digits
    navigator.replace(EnterCode("PA02DH", "0123", Feature.OUTAGES, typing_unit=True, units=UNITS))
    flow.change_unit()
    assert lookup.screens() == (Home(), EnterCode(purpose=Feature.OUTAGES, units=UNITS))
    flow.other_unit()
    flow.change_unit()  # "Choose from the list" on the keyboard
    assert lookup.screens() == (Home(), EnterCode(purpose=Feature.OUTAGES, units=UNITS))


@pytest.mark.asyncio
async def test_a_kiosk_that_offers_no_units_opens_the_keyboard_at_once() -> None:
    navigator = Navigator()
    flow = BillLookupFlow(
        fakes.FakeCentral({}),
        navigator,
        CustomerSession(),
        print_notice=_no_printer,
        today=lambda: fakes.TODAY,
    )
    flow.start()
    assert navigator.current == EnterCode()
    assert navigator.current.step is EntryStep.UNIT_KEYBOARD
    type_code(flow, LETTERED)
    assert navigator.current == EnterCode("PC05CC", "0123456", typing_unit=True)
    flow.change_unit()
    assert navigator.current == EnterCode()
    assert navigator.current.step is EntryStep.UNIT_KEYBOARD


@pytest.mark.asyncio
async def test_keypad_keys_do_nothing_off_the_keypad(lookup: Lookup) -> None:
    flow = lookup.flow
    flow.choose_unit("PE0100")
    flow.other_unit()
    flow.press_unit_key("P")
    flow.press_digit("0")
    flow.delete()
    flow.clear()
    flow.change_unit()
    await flow.submit()
    assert lookup.screens() == (Home(),)
    assert lookup.central.calls == []


@pytest.mark.asyncio
async def test_an_incomplete_code_is_not_submitted(lookup: Lookup) -> None:
    lookup.flow.start()
    type_code(lookup.flow, "PE0100012345")
    await lookup.flow.submit()
    assert lookup.screens() == (Home(), EnterCode("PE0100", "012345", units=UNITS))
    assert lookup.central.calls == []


@pytest.mark.asyncio
async def test_a_complete_code_is_looked_up_behind_a_progress_screen(lookup: Lookup) -> None:
    flow, central, session = lookup.flow, lookup.central, lookup.session
    flow.start()
    type_code(flow, CODE)
    central.hold("customer")
    task = asyncio.ensure_future(flow.submit())
    await central.reached("customer")
    assert lookup.screens() == (Home(), TYPED, Loading(Waiting.ACCOUNT, CODE))
    assert_no_customer(session)
    central.release("customer")
    await task
    assert lookup.screens() == (Home(), TYPED, AccountOverview(CUSTOMER, UNPAID))
    assert sorted(central.calls) == sorted([f"customer {CODE}", f"bills {CODE} unpaid", "tariffs"])
    assert (session.customer_code, session.customer, session.bills) == (CODE, CUSTOMER, UNPAID)


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["unit-choice", "another-unit", "scan"])
async def test_a_code_with_letters_in_its_unit_is_looked_up_typed_or_scanned(
    lookup: Lookup, how: str
) -> None:
    flow = lookup.flow
    flow.start()
    if how == "scan":
        await flow.scanned("Mã KH: PC05CC 012 3456\r\n")
    else:
        if how == "unit-choice":
            flow.choose_unit("PC05CC")
        else:
            flow.other_unit()
            for key in "pc05cc":
                flow.press_unit_key(key)
        for digit in "0123456":
            flow.press_digit(digit)
        await flow.submit()
    assert f"customer {LETTERED}" in lookup.central.calls
    assert isinstance(lookup.navigator.current, AccountOverview)
    assert lookup.session.customer_code == LETTERED


@pytest.mark.asyncio
async def test_a_code_typed_on_a_keypad_opened_for_another_journey_is_handed_to_it(lookup: Lookup) -> None:
    handed: list[str] = []

    async def outages(code: str) -> None:
        handed.append(code)

    lookup.flow.hand_codes_to(Feature.OUTAGES, outages)
    lookup.navigator.go(lookup.flow.keypad(Feature.OUTAGES))
    type_code(lookup.flow, CODE)
    await lookup.flow.submit()
    assert handed == [CODE]
    assert lookup.central.calls == []
    assert lookup.screens() == (Home(), EnterCode("PE0100", "0123456", Feature.OUTAGES, units=UNITS))


@pytest.mark.asyncio
async def test_a_keypad_for_a_journey_without_a_handler_looks_up_the_account(lookup: Lookup) -> None:
    lookup.navigator.go(lookup.flow.keypad(Feature.REQUESTS))
    type_code(lookup.flow, CODE)
    await lookup.flow.submit()
    assert isinstance(lookup.navigator.current, AccountOverview)


# ------------------------------------------------------------------ scanning
@pytest.mark.parametrize(
    ("state", "taken"),
    [
        (Home(), True),
        (EnterCode("PE0100", "01", Feature.OUTAGES), True),
        (LookupFailed(LookupProblem.NOT_A_BILL, None, can_retry=False), True),
        (Loading(Waiting.ACCOUNT, CODE), False),
        (AccountOverview(CUSTOMER, UNPAID), False),
        (BillDetail(CUSTOMER, B1, None), False),
        (PaidHistory(CUSTOMER, ()), False),
        (ConsumptionHistory(CUSTOMER, MONTHLY, None), False),
        (ChooseBills(CUSTOMER, UNPAID, 3), False),
        (BillNoticePrinted(CODE), False),
        (PrintPreview(Path("notice.png")), False),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, bool) else str(v),
)
def test_scans_are_taken_only_where_a_customer_starts(
    lookup: Lookup, state: ScreenState, taken: bool
) -> None:
    if state != Home():
        lookup.navigator.go(state)
    assert lookup.flow.accepts_scan() is taken


@pytest.mark.asyncio
async def test_a_scan_in_the_middle_of_an_account_is_ignored(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.central.calls.clear()
    await lookup.flow.scanned("PE01000999999")
    assert lookup.screens() == (Home(), TYPED, AccountOverview(CUSTOMER, UNPAID))
    assert lookup.central.calls == []


@pytest.mark.asyncio
async def test_a_bill_scanned_on_the_home_screen_opens_its_account(lookup: Lookup) -> None:
    await lookup.flow.scanned("]Q1PE01 000 123 456\r\n")  # an AIM prefix, a grouped code, the line end
    assert lookup.screens() == (Home(), AccountOverview(CUSTOMER, UNPAID))
    assert f"customer {CODE}" in lookup.central.calls
    assert lookup.session.customer_code == CODE


@pytest.mark.asyncio
async def test_a_bill_scanned_on_a_half_typed_keypad_opens_the_scanned_account(lookup: Lookup) -> None:
    lookup.flow.start()
    type_code(lookup.flow, "PA12")
    await lookup.flow.scanned(CODE)
    assert lookup.screens() == (
        Home(),
        EnterCode("PA12", typing_unit=True, units=UNITS),
        AccountOverview(CUSTOMER, UNPAID),
    )


@pytest.mark.asyncio
async def test_a_bill_scanned_on_a_keypad_for_another_journey_goes_to_that_journey(lookup: Lookup) -> None:
    handed: list[str] = []

    async def outages(code: str) -> None:
        handed.append(code)

    lookup.flow.hand_codes_to(Feature.OUTAGES, outages)
    lookup.navigator.go(lookup.flow.keypad(Feature.OUTAGES))
    await lookup.flow.scanned(f"https://cskh.evnhcmc.vn/tra-cuu?ma_kh={CODE}")
    assert handed == [CODE]
    assert lookup.central.calls == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("scanned", "problem"),
    [
        (CITIZEN_ID, LookupProblem.ID_CARD),
        ("https://example.com/hello", LookupProblem.NOT_A_BILL),
        ("PE01000123456 PE01000999999", LookupProblem.NOT_A_BILL),  # two codes: the customer types instead
        ("", LookupProblem.NOT_A_BILL),
    ],
    ids=["citizen-id", "a-url", "two-codes", "nothing"],
)
async def test_a_scan_without_a_customer_code_says_what_it_was(
    lookup: Lookup, scanned: str, problem: LookupProblem
) -> None:
    await lookup.flow.scanned(scanned)
    assert lookup.screens() == (Home(), LookupFailed(problem, None, can_retry=False))
    assert lookup.central.calls == []


@pytest.mark.asyncio
async def test_a_second_bad_scan_replaces_the_first_failure(lookup: Lookup) -> None:
    lookup.flow.start()
    await lookup.flow.scanned("hello")
    await lookup.flow.scanned(CITIZEN_ID)
    failure = LookupFailed(LookupProblem.ID_CARD, None, can_retry=False)
    assert lookup.screens() == (Home(), KEYPAD, failure)


@pytest.mark.asyncio
async def test_a_good_scan_on_a_failure_screen_opens_the_account(lookup: Lookup) -> None:
    await lookup.flow.scanned("hello")
    await lookup.flow.scanned(CODE)
    # The failure stays below the account (Back from the account returns to it).
    failure = LookupFailed(LookupProblem.NOT_A_BILL, None, can_retry=False)
    assert lookup.screens() == (Home(), failure, AccountOverview(CUSTOMER, UNPAID))


# ------------------------------------------------------------------ the lookup and the central's failures
@pytest.mark.asyncio
async def test_a_malformed_code_is_refused_without_asking_the_central(lookup: Lookup) -> None:
    await lookup.flow.look_up("PE0100")
    failure = LookupFailed(LookupProblem.INVALID_CODE, "PE0100", can_retry=False)
    assert lookup.screens() == (Home(), failure)
    assert lookup.central.calls == []


FAILURES = {
    "not-found": (NotFound("customer_not_found", "no such customer", status=404), LookupProblem.NOT_FOUND, False),
    "invalid": (InvalidInput("invalid_customer_code", "bad code", status=422), LookupProblem.INVALID_CODE, False),
    "unreachable": (Unavailable(UNREACHABLE, "connection refused"), LookupProblem.UNREACHABLE, True),
    "timeout": (Unavailable(TIMEOUT, "no answer in time"), LookupProblem.UNREACHABLE, True),
    "5xx": (Unavailable("internal_error", "oops", status=503), LookupProblem.UNREACHABLE, True),
    "busy": (RateLimited("rate_limited", "slow down", status=429), LookupProblem.BUSY, True),
    "kiosk-refused": (Unauthorized("unauthorized", "bad token", status=401), LookupProblem.KIOSK_REFUSED, False),
    "not-json": (BadResponse(INVALID_JSON, "<html>", status=200), LookupProblem.BAD_ANSWER, True),
    "wrong-shape": (BadResponse(CONTRACT_MISMATCH, "total missing", status=200), LookupProblem.BAD_ANSWER, True),
    "conflict": (Conflict("conflict", "unexpected", status=409), LookupProblem.BAD_ANSWER, True),
}  # fmt: skip


@pytest.mark.asyncio
@pytest.mark.parametrize("failing", ["customer", "bills unpaid"])
@pytest.mark.parametrize(("error", "problem", "can_retry"), FAILURES.values(), ids=FAILURES.keys())
async def test_each_failure_of_the_central_has_its_screen(
    lookup: Lookup, failing: str, error: CentralError, problem: LookupProblem, can_retry: bool
) -> None:
    lookup.central.answers[failing] = error
    lookup.flow.start()
    type_code(lookup.flow, CODE)
    await lookup.flow.submit()
    assert lookup.screens() == (Home(), TYPED, LookupFailed(problem, CODE, can_retry))
    assert_no_customer(lookup.session)


@pytest.mark.asyncio
async def test_tariffs_the_central_cannot_give_leave_the_bill_explanation_shorter(lookup: Lookup) -> None:
    lookup.central.answers["tariffs"] = Unavailable(TIMEOUT, "no answer")
    await open_account(lookup)
    lookup.flow.open_bill("B1")
    assert lookup.navigator.current == BillDetail(CUSTOMER, B1, None, payable=1)

    # Asked again with the next lookup, and kept once they came.
    lookup.central.answers["tariffs"] = TARIFFS
    lookup.navigator.home()
    await lookup.flow.look_up(CODE)
    await lookup.flow.look_up(CODE)
    lookup.flow.open_bill("B1")
    assert lookup.navigator.current == BillDetail(CUSTOMER, B1, TARIFFS, payable=1)
    assert lookup.central.calls.count("tariffs") == 2


@pytest.mark.asyncio
async def test_a_bill_this_kiosk_is_collecting_awaits_confirmation(lookup: Lookup) -> None:
    lookup.in_flight.update({"B2", "B-OF-SOMEONE-ELSE"})
    await lookup.flow.look_up(CODE)
    state = lookup.navigator.current
    assert isinstance(state, AccountOverview)
    assert [(b.id, b.status) for b in state.unpaid.bills] == [
        ("B1", "unpaid"),
        ("B2", "pending_payment"),
        ("B3", "unpaid"),
    ]
    assert lookup.session.bills == state.unpaid


@pytest.mark.asyncio
async def test_an_account_arriving_after_back_is_dropped(lookup: Lookup) -> None:
    lookup.flow.start()
    type_code(lookup.flow, CODE)
    lookup.central.hold("customer")
    task = asyncio.ensure_future(lookup.flow.submit())
    await lookup.central.reached("customer")
    lookup.navigator.back()
    lookup.central.release("customer")
    await task
    assert lookup.screens() == (Home(), TYPED)
    assert_no_customer(lookup.session)


@pytest.mark.asyncio
async def test_a_failure_arriving_after_the_customer_left_is_not_shown(lookup: Lookup) -> None:
    lookup.central.answers["customer"] = Unavailable(TIMEOUT, "no answer")
    lookup.central.hold("customer")
    task = asyncio.ensure_future(lookup.flow.look_up(CODE))
    await lookup.central.reached("customer")
    lookup.navigator.home()
    lookup.central.release("customer")
    await task
    assert lookup.screens() == (Home(),)


@pytest.mark.asyncio
async def test_an_account_arriving_after_the_session_was_wiped_does_not_refill_it(lookup: Lookup) -> None:
    lookup.central.hold("customer")
    task = asyncio.ensure_future(lookup.flow.look_up(CODE))
    await lookup.central.reached("customer")
    lookup.session.wipe()  # the idle timeout, as the idle flow does it: the session, then Home
    lookup.navigator.home()
    lookup.central.release("customer")
    await task
    assert lookup.screens() == (Home(),)
    assert_no_customer(lookup.session)


@pytest.mark.asyncio
async def test_after_a_wipe_nothing_leads_back_to_the_last_customers_account(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.session.wipe()
    lookup.navigator.home()
    assert_no_customer(lookup.session)
    calls = list(lookup.central.calls)
    flow = lookup.flow
    await flow.open_history()
    await flow.open_consumption()
    await flow.print_bill()
    await flow.retry()
    flow.open_bill("B1")
    flow.choose_bills()
    flow.retype()
    assert lookup.screens() == (Home(),)
    assert lookup.central.calls == calls


# ------------------------------------------------------------------ the account's screens
@pytest.mark.asyncio
async def test_a_bill_opens_from_the_account_the_bills_to_pay_and_the_history(lookup: Lookup) -> None:
    flow, navigator = lookup.flow, lookup.navigator
    await open_account(lookup)
    flow.open_bill("NO-SUCH-BILL")
    assert navigator.depth == 3
    flow.open_bill("B2")
    assert lookup.screens()[2:] == (
        AccountOverview(CUSTOMER, UNPAID),
        BillDetail(CUSTOMER, B2, TARIFFS, payable=2),
    )
    navigator.back()
    flow.choose_bills()
    flow.open_bill("B3")
    assert lookup.screens()[3:] == (
        ChooseBills(CUSTOMER, UNPAID, 3),
        BillDetail(CUSTOMER, B3, TARIFFS, payable=3),
    )
    navigator.back()
    navigator.back()
    await flow.open_history()
    flow.open_bill("B1")  # unpaid: not in the paid history
    flow.open_bill("P1")
    assert lookup.screens()[3:] == (
        PaidHistory(CUSTOMER, (RECENT_PAID, OLDER_PAID)),
        BillDetail(CUSTOMER, RECENT_PAID, TARIFFS),
    )


@pytest.mark.asyncio
async def test_pay_this_bill_chooses_it_with_every_older_unpaid_bill(lookup: Lookup) -> None:
    # Older debts are paid first: paying the second bill pays the first too, shown on the choice of bills.
    await open_account(lookup)
    lookup.flow.open_bill("B2")
    lookup.flow.pay_bill()
    assert lookup.screens()[3:] == (
        BillDetail(CUSTOMER, B2, TARIFFS, payable=2),
        ChooseBills(CUSTOMER, UNPAID, 2),
    )


@pytest.mark.asyncio
async def test_the_oldest_bill_alone_is_paid_alone(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.flow.open_bill("B1")
    lookup.flow.pay_bill()
    assert lookup.navigator.current == ChooseBills(CUSTOMER, UNPAID, 1)


@pytest.mark.asyncio
async def test_a_paid_bill_or_one_awaiting_confirmation_offers_no_payment(lookup: Lookup) -> None:
    lookup.in_flight.add("B2")
    await lookup.flow.look_up(CODE)
    lookup.flow.open_bill("B2")
    pending = lookup.navigator.current
    assert isinstance(pending, BillDetail)
    assert pending.payable == 0
    lookup.flow.pay_bill()
    assert lookup.navigator.current is pending
    lookup.navigator.back()
    lookup.flow.open_bill("B3")  # newer than the pending one: still payable, the payment says it waits
    assert isinstance(lookup.navigator.current, BillDetail)
    assert lookup.navigator.current.payable == 3
    lookup.navigator.back()
    await lookup.flow.open_history()
    lookup.flow.open_bill("P1")
    paid = lookup.navigator.current
    assert paid == BillDetail(CUSTOMER, RECENT_PAID, TARIFFS, payable=0)
    lookup.flow.pay_bill()
    assert lookup.navigator.current is paid


def test_a_bill_opens_only_from_a_list_of_bills(lookup: Lookup) -> None:
    lookup.navigator.go(ConsumptionHistory(CUSTOMER, MONTHLY, None))
    lookup.flow.open_bill("B1")
    assert lookup.screens() == (Home(), ConsumptionHistory(CUSTOMER, MONTHLY, None))


@pytest.mark.asyncio
async def test_the_history_shows_the_paid_bills_of_the_last_12_months_newest_first(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.central.hold("bills all")
    task = asyncio.ensure_future(lookup.flow.open_history())
    await lookup.central.reached("bills all")
    assert lookup.navigator.current == Loading(Waiting.HISTORY, CODE)
    lookup.central.release("bills all")
    await task
    assert lookup.screens()[2:] == (
        AccountOverview(CUSTOMER, UNPAID),
        PaidHistory(CUSTOMER, (RECENT_PAID, OLDER_PAID)),
    )
    assert lookup.central.calls[-1] == f"bills {CODE} all"


ACCOUNT_SCREENS = [
    AccountOverview(OTHER, UNPAID),
    BillDetail(OTHER, B1, None),
    PaidHistory(OTHER, ()),
    ConsumptionHistory(OTHER, MONTHLY, None),
    ChooseBills(OTHER, UNPAID, 1),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("screen", ACCOUNT_SCREENS, ids=lambda s: type(s).__name__)
async def test_history_and_consumption_are_of_the_account_on_screen(
    lookup: Lookup, screen: ScreenState
) -> None:
    lookup.navigator.go(screen)
    await lookup.flow.open_history()
    assert lookup.screens() == (Home(), screen, PaidHistory(OTHER, (RECENT_PAID, OLDER_PAID)))
    lookup.navigator.back()
    await lookup.flow.open_consumption()
    assert lookup.screens() == (Home(), screen, ConsumptionHistory(OTHER, MONTHLY, None))
    assert lookup.central.calls == [f"bills {OTHER.code} all", f"consumption {OTHER.code} month"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "state", [Home(), EnterCode(), Loading(Waiting.ACCOUNT, CODE), BillNoticePrinted(CODE)]
)
async def test_history_and_consumption_need_an_account_on_screen(lookup: Lookup, state: ScreenState) -> None:
    if state != Home():
        lookup.navigator.go(state)
    before = lookup.screens()
    await lookup.flow.open_history()
    await lookup.flow.open_consumption()
    assert lookup.screens() == before
    assert lookup.central.calls == []


@pytest.mark.asyncio
async def test_consumption_is_monthly_for_a_meter_read_by_hand(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.central.calls.clear()
    lookup.central.hold("consumption month")
    task = asyncio.ensure_future(lookup.flow.open_consumption())
    await lookup.central.reached("consumption month")
    assert lookup.navigator.current == Loading(Waiting.CONSUMPTION, CODE)
    lookup.central.release("consumption month")
    await task
    assert lookup.screens()[3:] == (ConsumptionHistory(CUSTOMER, MONTHLY, None),)
    assert lookup.central.calls == [f"consumption {CODE} month"]


@pytest.mark.asyncio
async def test_consumption_is_also_daily_for_a_remote_read_meter(lookup: Lookup) -> None:
    remote = fakes.customer(remote_read=True)
    lookup.navigator.go(AccountOverview(remote, UNPAID))
    await lookup.flow.open_consumption()
    assert lookup.navigator.current == ConsumptionHistory(remote, MONTHLY, DAILY)
    assert sorted(lookup.central.calls) == [f"consumption {CODE} day", f"consumption {CODE} month"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("opening", "failing", "waiting"),
    [("history", "bills all", Waiting.HISTORY), ("consumption", "consumption day", Waiting.CONSUMPTION)],
)
async def test_history_and_consumption_fail_like_a_lookup_and_retry(
    lookup: Lookup, opening: str, failing: str, waiting: Waiting
) -> None:
    remote = fakes.customer(remote_read=True)
    flow, navigator = lookup.flow, lookup.navigator
    navigator.go(AccountOverview(remote, UNPAID))
    open_it = flow.open_history if opening == "history" else flow.open_consumption
    lookup.central.answers[failing] = Unavailable(UNREACHABLE, "down")
    await open_it()
    failure = LookupFailed(LookupProblem.UNREACHABLE, CODE, can_retry=True)
    assert lookup.screens() == (Home(), AccountOverview(remote, UNPAID), failure)
    lookup.central.answers[failing] = EVERYTHING if opening == "history" else DAILY
    lookup.central.hold(failing)
    task = asyncio.ensure_future(flow.retry())
    await lookup.central.reached(failing)
    assert lookup.screens() == (Home(), AccountOverview(remote, UNPAID), Loading(waiting, CODE))
    lookup.central.release(failing)
    await task
    shown = (
        PaidHistory(remote, (RECENT_PAID, OLDER_PAID))
        if opening == "history"
        else ConsumptionHistory(remote, MONTHLY, DAILY)
    )
    assert lookup.screens() == (Home(), AccountOverview(remote, UNPAID), shown)


# ------------------------------------------------------------------ choosing the bills to pay
@pytest.mark.asyncio
async def test_paying_starts_with_every_unpaid_bill_chosen(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.flow.choose_bills()
    assert lookup.screens()[2:] == (
        AccountOverview(CUSTOMER, UNPAID),
        ChooseBills(CUSTOMER, UNPAID, 3),
    )


@pytest.mark.parametrize(
    "state",
    [
        AccountOverview(CUSTOMER, fakes.bills()),
        PaidHistory(CUSTOMER, (RECENT_PAID,)),
        ChooseBills(CUSTOMER, UNPAID, 2),
    ],
    ids=["nothing-unpaid", "history", "already-choosing"],
)
def test_there_is_nothing_to_choose_without_unpaid_bills_on_the_account(
    lookup: Lookup, state: ScreenState
) -> None:
    lookup.navigator.go(state)
    lookup.flow.choose_bills()
    assert lookup.screens() == (Home(), state)


def test_bills_are_chosen_oldest_first_and_the_oldest_stays_chosen(lookup: Lookup) -> None:
    lookup.navigator.go(ChooseBills(CUSTOMER, UNPAID, 3))
    chosen = []
    for index in (2, 0, 0, 2, 1, 1, 3, -1):
        lookup.flow.toggle_bill(index)
        state = lookup.navigator.current
        assert isinstance(state, ChooseBills)
        chosen.append(state.selected)
    # Unticking the newest leaves 2; unticking the oldest leaves it alone (at least one is paid); ticking the
    # newest ticks all; unticking the middle one unticks it and the newer; ticking it again; out of range.
    assert chosen == [2, 1, 1, 3, 1, 2, 2, 2]
    assert lookup.navigator.depth == 2


def test_bills_are_toggled_only_on_the_choice(lookup: Lookup) -> None:
    lookup.navigator.go(AccountOverview(CUSTOMER, UNPAID))
    lookup.flow.toggle_bill(0)
    assert lookup.screens() == (Home(), AccountOverview(CUSTOMER, UNPAID))


# ------------------------------------------------------------------ the bill notice
@pytest.mark.asyncio
async def test_a_bill_notice_is_printed_with_the_bills_own_qr(lookup: Lookup) -> None:
    lookup.navigator.go(BillDetail(CUSTOMER, B1, TARIFFS))
    lookup.central.hold("bill_payment_qr")
    task = asyncio.ensure_future(lookup.flow.print_bill())
    await lookup.central.reached("bill_payment_qr")
    assert lookup.navigator.current == Loading(Waiting.BILL_NOTICE, CODE)
    lookup.central.release("bill_payment_qr")
    await task
    assert lookup.printer.received == [(CUSTOMER, B1, fakes.bill_qr(B1))]
    assert lookup.central.calls == ["bill_payment_qr B1"]
    assert lookup.screens() == (Home(), BillDetail(CUSTOMER, B1, TARIFFS), BillNoticePrinted(CODE))


@pytest.mark.asyncio
@pytest.mark.parametrize("printed", [True, False])
async def test_a_printer_that_only_makes_a_preview_shows_it(lookup: Lookup, printed: bool) -> None:
    lookup.printer.outcome = NoticeOutcome(printed=printed, preview=Path("notice.png"))
    lookup.navigator.go(BillDetail(CUSTOMER, B1, TARIFFS))
    await lookup.flow.print_bill()
    assert lookup.screens() == (
        Home(),
        BillDetail(CUSTOMER, B1, TARIFFS),
        PrintPreview(Path("notice.png")),
    )


@pytest.mark.asyncio
async def test_a_notice_that_did_not_print_can_be_printed_again(lookup: Lookup) -> None:
    lookup.printer.outcome = NoticeOutcome(printed=False)
    detail = BillDetail(CUSTOMER, B1, TARIFFS)
    lookup.navigator.go(detail)
    await lookup.flow.print_bill()
    failure = LookupFailed(LookupProblem.PRINT_FAILED, CODE, can_retry=True)
    assert lookup.screens() == (Home(), detail, failure)
    lookup.printer.outcome = NoticeOutcome(printed=True)
    await lookup.flow.retry()
    assert lookup.screens() == (Home(), detail, BillNoticePrinted(CODE))
    assert [bill.id for _, bill, _ in lookup.printer.received] == ["B1", "B1"]
    assert lookup.central.calls == ["bill_payment_qr B1", "bill_payment_qr B1"]


@pytest.mark.asyncio
async def test_no_notice_is_printed_without_the_bills_qr(lookup: Lookup) -> None:
    lookup.central.answers["bill_payment_qr"] = BadResponse(CONTRACT_MISMATCH, "no payload", status=200)
    detail = BillDetail(CUSTOMER, B1, TARIFFS)
    lookup.navigator.go(detail)
    await lookup.flow.print_bill()
    assert lookup.screens() == (Home(), detail, LookupFailed(LookupProblem.BAD_ANSWER, CODE, True))
    assert lookup.printer.received == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "state",
    [BillDetail(CUSTOMER, RECENT_PAID, TARIFFS), AccountOverview(CUSTOMER, UNPAID), Home()],
    ids=["a-paid-bill", "the-account", "home"],
)
async def test_a_notice_is_printed_only_for_an_unpaid_bill_on_screen(
    lookup: Lookup, state: ScreenState
) -> None:
    if state != Home():
        lookup.navigator.go(state)
    before = lookup.screens()
    await lookup.flow.print_bill()
    assert lookup.screens() == before
    assert lookup.central.calls == []
    assert lookup.printer.received == []


@pytest.mark.asyncio
async def test_a_notice_printed_after_the_customer_went_back_changes_nothing(lookup: Lookup) -> None:
    detail = BillDetail(CUSTOMER, B1, TARIFFS)
    lookup.navigator.go(detail)
    lookup.printer.hold = asyncio.Event()
    task = asyncio.ensure_future(lookup.flow.print_bill())
    await lookup.printer.started.wait()
    assert lookup.navigator.current == Loading(Waiting.BILL_NOTICE, CODE)
    lookup.navigator.back()
    lookup.printer.hold.set()
    await task
    assert lookup.screens() == (Home(), detail)


# ------------------------------------------------------------------ after a failure
@pytest.mark.asyncio
async def test_try_again_repeats_the_request_in_place_of_the_failure(lookup: Lookup) -> None:
    lookup.central.answers["customer"] = Unavailable(UNREACHABLE, "down")
    lookup.flow.start()
    type_code(lookup.flow, CODE)
    await lookup.flow.submit()
    await lookup.flow.retry()  # still down: the failure again, not one more screen
    failure = LookupFailed(LookupProblem.UNREACHABLE, CODE, can_retry=True)
    assert lookup.screens() == (Home(), TYPED, failure)
    lookup.central.answers["customer"] = CUSTOMER
    await lookup.flow.retry()
    assert lookup.screens() == (Home(), TYPED, AccountOverview(CUSTOMER, UNPAID))
    assert lookup.central.calls.count(f"customer {CODE}") == 3


@pytest.mark.asyncio
async def test_try_again_is_only_for_failures_that_may_pass(lookup: Lookup) -> None:
    lookup.central.answers["customer"] = NotFound("customer_not_found", "no such customer", status=404)
    await lookup.flow.look_up(CODE)
    lookup.central.answers["customer"] = CUSTOMER
    await lookup.flow.retry()
    failure = LookupFailed(LookupProblem.NOT_FOUND, CODE, can_retry=False)
    assert lookup.screens() == (Home(), failure)
    assert lookup.central.calls.count(f"customer {CODE}") == 1


@pytest.mark.asyncio
async def test_try_again_does_nothing_off_a_failure(lookup: Lookup) -> None:
    lookup.central.answers["customer"] = Unavailable(UNREACHABLE, "down")
    await lookup.flow.look_up(CODE)
    lookup.navigator.back()
    await lookup.flow.retry()
    assert lookup.screens() == (Home(),)
    assert lookup.central.calls.count(f"customer {CODE}") == 1


@pytest.mark.asyncio
async def test_retype_returns_to_the_keypad_as_it_was_typed(lookup: Lookup) -> None:
    lookup.central.answers["customer"] = NotFound("customer_not_found", "no such customer", status=404)
    lookup.navigator.go(lookup.flow.keypad(Feature.OUTAGES))
    type_code(lookup.flow, "PE01000")
    await lookup.flow.scanned(CITIZEN_ID)
    lookup.flow.retype()
    assert lookup.screens() == (Home(), EnterCode("PE0100", "0", Feature.OUTAGES, units=UNITS))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "keypad"),
    [
        (CODE, TYPED),  # not found
        ("PE0100", EnterCode("PE0100", units=UNITS)),
        ("PE010001234567", TYPED),  # too long: cut to what the keypad holds
        (LETTERED, EnterCode("PC05CC", "0123456", units=UNITS)),
        # A unit the kiosk does not offer is as if typed with "another unit": Delete goes back into it.
        ("PA02DH0890123", EnterCode("PA02DH", "0890123", typing_unit=True, units=UNITS)),
        ("PA02D", KEYPAD),  # no whole unit code: nothing worth keeping
        ("XX0100", KEYPAD),  # no corporation's letters: nothing worth keeping
    ],
)
async def test_retype_after_a_scan_opens_the_keypad_with_what_was_read(
    lookup: Lookup, code: str, keypad: EnterCode
) -> None:
    lookup.central.answers["customer"] = NotFound("customer_not_found", "no such customer", status=404)
    await lookup.flow.look_up(code)  # as a scan on the home screen does
    assert isinstance(lookup.navigator.current, LookupFailed)
    lookup.flow.retype()
    assert lookup.screens() == (Home(), keypad)


@pytest.mark.asyncio
async def test_retype_after_an_unreadable_scan_opens_an_empty_keypad(lookup: Lookup) -> None:
    await lookup.flow.scanned("hello")
    lookup.flow.retype()
    assert lookup.screens() == (Home(), KEYPAD)


@pytest.mark.asyncio
async def test_retype_does_nothing_off_a_failure(lookup: Lookup) -> None:
    await open_account(lookup)
    lookup.flow.retype()
    assert lookup.screens() == (Home(), TYPED, AccountOverview(CUSTOMER, UNPAID))


# ------------------------------------------------------------------ the progress screen other journeys borrow
@pytest.mark.asyncio
async def test_a_request_returns_its_answer_under_the_progress_screen_for_the_caller(lookup: Lookup) -> None:
    lookup.flow.start()

    async def fetch() -> str:
        return "answer"

    async def again() -> None:
        raise AssertionError("not retried")

    assert await lookup.flow.request(Waiting.SERVICES, "", fetch, again) == "answer"
    assert lookup.screens() == (Home(), KEYPAD, Loading(Waiting.SERVICES, ""))


@pytest.mark.asyncio
@pytest.mark.parametrize("own", [True, False], ids=["its-own-screen", "the-lookups-screen"])
async def test_a_journey_may_answer_an_error_with_its_own_screen(lookup: Lookup, own: bool) -> None:
    lookup.flow.start()
    wrong_code = InvalidInput("otp_invalid", "wrong code", status=422)
    again_screen = EnterCode("PE0100", "", Feature.REQUESTS)

    async def fetch() -> str:
        raise wrong_code

    async def again() -> None:
        raise AssertionError("not retried")

    answered: list[CentralError] = []

    def on_error(error: CentralError) -> ScreenState | None:
        answered.append(error)
        return again_screen if own else None

    assert await lookup.flow.request(Waiting.CHECKING_OTP, CODE, fetch, again, on_error=on_error) is None
    assert answered == [wrong_code]
    if own:  # the progress screen is gone and the step below it is the journey's answer
        assert lookup.screens() == (Home(), again_screen)
    else:
        failure = LookupFailed(LookupProblem.INVALID_CODE, CODE, can_retry=False)
        assert lookup.screens() == (Home(), KEYPAD, failure)
