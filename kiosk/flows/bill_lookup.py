"""Looking up an account: typing or scanning the customer code, the account's bills, consumption and a bill
notice on paper.

The flow owns every step's data (the states in :mod:`kiosk.flows.navigation`), so a language switch, Back or
an idle warning never loses what the customer typed, and a wipe forgets all of it. Each request to the central
runs while a :class:`~kiosk.flows.navigation.Loading` state is on screen; an answer that arrives after the
customer has moved on (Back, Home, timeout) is dropped rather than pulling them back.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from kiosk.central.errors import (
    CentralError,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from kiosk.customer.bill_parts import lines_add_up
from kiosk.customer.code import (
    DIGITS,
    UNIT_LENGTH,
    CitizenId,
    FoundCode,
    UnitChoice,
    check_code,
    code_from_scan,
)
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

if TYPE_CHECKING:
    from kiosk.central.models import (
        Bill,
        BillFilter,
        BillList,
        BillPaymentQr,
        Consumption,
        Customer,
        Granularity,
        Tariffs,
    )

log = logging.getLogger(__name__)

HISTORY_MONTHS = 12
PAYABLE: frozenset[str] = frozenset({"unpaid", "overdue"})
"""Bill statuses the customer can pay here (a bill awaiting confirmation is never offered a second payment)."""
# The keys of the two keypads: [0-9] and [A-Z], not str.isdigit / isalpha ("²" and "Đ" are neither here).
_DIGIT_KEYS = frozenset("0123456789")
_UNIT_KEYS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

T = TypeVar("T")


class AccountSource(Protocol):
    """What the flow needs from the central (:class:`kiosk.central.CentralClient` is one)."""

    async def customer(self, code: str) -> Customer: ...

    async def bills(self, code: str, status: BillFilter = "unpaid") -> BillList: ...

    async def consumption(self, code: str, granularity: Granularity = "month") -> Consumption: ...

    async def tariffs(self) -> Tariffs: ...

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr: ...


@dataclass(frozen=True)
class NoticeOutcome:
    """How printing a bill notice went: confirmed on paper, or only as a preview image (demo), or neither."""

    printed: bool
    preview: Path | None = None


class BillNoticePrinter(Protocol):
    async def __call__(self, customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome: ...


def problem_for(error: CentralError) -> LookupProblem:
    """The customer-facing reason for a failed request. Network trouble and garbage are told apart, because
    the next step differs (wait and try again, or ask staff)."""
    match error:
        case NotFound():
            return LookupProblem.NOT_FOUND
        case InvalidInput():
            return LookupProblem.INVALID_CODE
        case Unavailable():
            return LookupProblem.UNREACHABLE
        case RateLimited():
            return LookupProblem.BUSY
        case Unauthorized():
            return LookupProblem.KIOSK_REFUSED
        case _:  # BadResponse, or an answer (Conflict) a lookup never expects
            return LookupProblem.BAD_ANSWER


_RETRYABLE = frozenset(
    {LookupProblem.UNREACHABLE, LookupProblem.BAD_ANSWER, LookupProblem.BUSY, LookupProblem.PRINT_FAILED}
)


def paid_in_last_months(bills: BillList, today: date, months: int = HISTORY_MONTHS) -> tuple[Bill, ...]:
    """Paid bills whose period ended within the last ``months`` months, newest first."""
    since = today - timedelta(days=round(months * 365.25 / 12))
    paid = [b for b in bills.bills if b.status == "paid" and b.period_end >= since]
    return tuple(sorted(paid, key=lambda b: b.period_end, reverse=True))


class BillLookupFlow:
    """From the code to the account, its bills, their detail, consumption and a printed bill notice."""

    def __init__(
        self,
        source: AccountSource,
        navigator: Navigator,
        session: CustomerSession,
        *,
        print_notice: BillNoticePrinter,
        today: Callable[[], date],
        in_flight: Callable[[], frozenset[str]] = frozenset,
        units: Sequence[UnitChoice] = (),
    ) -> None:
        """``units``: the units whose customers come to this kiosk (its configuration), offered on the keypad."""
        self._source = source
        self._units = tuple(units)
        self._in_flight = in_flight
        self._nav = navigator
        self._session = session
        self._print_notice = print_notice
        self._today = today
        self._retry: Callable[[], Awaitable[None]] | None = None
        self._tariffs: Tariffs | None = None
        self._handlers: dict[Feature, Callable[[str], Awaitable[None]]] = {}

    # ------------------------------------------------------------------ the keypad
    @property
    def units(self) -> tuple[UnitChoice, ...]:
        """The units this kiosk serves, offered on the keypad as one tap each."""
        return self._units

    def keypad(self, purpose: Feature = Feature.BILLS) -> EnterCode:
        """An empty keypad for ``purpose`` (another journey that starts from a code opens it with this)."""
        return EnterCode(purpose=purpose, units=self._units)

    def start(self) -> None:
        self._nav.go(self.keypad())

    def _typed(self, step: EntryStep | None = None) -> EnterCode | None:
        current = self._nav.current
        if not isinstance(current, EnterCode) or (step is not None and current.step is not step):
            return None
        return current

    def choose_unit(self, code: str) -> None:
        """One of the kiosk's units, with one tap: the digits come next."""
        typed = self._typed(EntryStep.UNIT)
        if typed is not None and any(unit.code == code for unit in typed.units):
            self._nav.replace(replace(typed, unit=code, digits="", typing_unit=False))

    def other_unit(self) -> None:
        """ "Another unit": the keyboard for a unit code the kiosk does not offer."""
        typed = self._typed(EntryStep.UNIT)
        if typed is not None:
            self._nav.replace(replace(typed, unit="", digits="", typing_unit=True))

    def change_unit(self) -> None:
        """Back to the choice of unit (from the digits, or from the keyboard), forgetting what was typed."""
        typed = self._typed()
        if typed is not None:
            self._nav.replace(replace(typed, unit="", digits="", typing_unit=False))

    def press_unit_key(self, key: str) -> None:
        """A letter or digit of another unit's code. Anything is taken up to 6 characters, even what cannot
        begin a unit code, so that the screen can say what is wrong instead of a key that does nothing."""
        typed = self._typed(EntryStep.UNIT_KEYBOARD)
        char = key.upper()
        if typed is not None and len(char) == 1 and char in _UNIT_KEYS and len(typed.unit) < UNIT_LENGTH:
            # Six characters of a real unit code move on to the digits by themselves (EnterCode.step).
            self._nav.replace(replace(typed, unit=typed.unit + char, typing_unit=True))

    def press_digit(self, digit: str) -> None:
        typed = self._typed(EntryStep.NUMBER)
        if typed is not None and len(digit) == 1 and digit in _DIGIT_KEYS and len(typed.digits) < DIGITS:
            self._nav.replace(replace(typed, digits=typed.digits + digit))

    def delete(self) -> None:
        """Removes the last digit, then the unit: a chosen one all at once (back to the choices), a typed one
        character by character (back on its keyboard)."""
        typed = self._typed()
        if typed is None:
            return
        if typed.digits:
            self._nav.replace(replace(typed, digits=typed.digits[:-1]))
        elif typed.unit and typed.typing_unit:
            self._nav.replace(replace(typed, unit=typed.unit[:-1]))
        elif typed.unit:
            self._nav.replace(replace(typed, unit=""))

    def clear(self) -> None:
        """Takes all the digits; the unit stays (:meth:`change_unit` changes it)."""
        typed = self._typed(EntryStep.NUMBER)
        if typed is not None and typed.digits:
            self._nav.replace(replace(typed, digits=""))

    async def submit(self) -> None:
        typed = self._typed()
        if typed is not None and check_code(typed.typed).complete:
            await self._handler(typed.purpose)(typed.typed)

    def hand_codes_to(self, purpose: Feature, handler: Callable[[str], Awaitable[None]]) -> None:
        """Another journey that starts from a customer code (outages, service requests) gets the codes typed
        or scanned on a keypad opened for it."""
        self._handlers[purpose] = handler

    def _handler(self, purpose: Feature) -> Callable[[str], Awaitable[None]]:
        return self._handlers.get(purpose, self.look_up)

    # ------------------------------------------------------------------ scanning
    def accepts_scan(self) -> bool:
        """A scan is taken where a customer starts (home, the keypad, a failed lookup), never in the middle of
        someone's account."""
        return isinstance(self._nav.current, Home | EnterCode | LookupFailed)

    async def scanned(self, text: str) -> None:
        if not self.accepts_scan():
            return
        reading = code_from_scan(text)
        if isinstance(reading, FoundCode):
            await self._handler(self._scan_purpose())(reading.code)
        else:
            problem = LookupProblem.ID_CARD if isinstance(reading, CitizenId) else LookupProblem.NOT_A_BILL
            self._show_failure(LookupFailed(problem, None, can_retry=False))

    def _scan_purpose(self) -> Feature:
        """The journey a scanned code belongs to: the keypad's, even under the failure of an earlier try (a bill
        scanned after a wrong one on the outage keypad is still for the outages); from home, the bills."""
        for state in reversed(self._nav.states):
            if isinstance(state, EnterCode):
                return state.purpose
            if not isinstance(state, LookupFailed):
                break
        return Feature.BILLS

    # ------------------------------------------------------------------ the account
    async def look_up(self, code: str) -> None:
        if not check_code(code).complete:
            self._show_failure(LookupFailed(LookupProblem.INVALID_CODE, code, can_retry=False))
            return

        async def fetch() -> tuple[Customer, BillList]:
            customer, unpaid, _ = await asyncio.gather(
                self._source.customer(code), self._source.bills(code, "unpaid"), self._load_tariffs()
            )
            return customer, unpaid

        result = await self.request(Waiting.ACCOUNT, code, fetch, lambda: self.look_up(code))
        if result is not None:
            customer, unpaid = result
            if not all(lines_add_up(bill) for bill in unpaid.bills):
                # A bill whose lines do not add up cannot be explained or paid with confidence: garbage.
                log.error("the central sent a bill whose amounts do not add up")
                self._nav.replace(LookupFailed(LookupProblem.BAD_ANSWER, code, can_retry=True))
                return
            unpaid = self._mark_in_flight(unpaid)
            self._session.customer_code = code
            self._session.customer = customer
            self._session.bills = unpaid
            self._nav.replace(AccountOverview(customer, unpaid))

    def _mark_in_flight(self, unpaid: BillList) -> BillList:
        """A bill this kiosk may be collecting right now awaits confirmation, whatever the central has seen
        (its request may not have reached it yet): never "overdue", never offered for a second payment."""
        in_flight = self._in_flight()
        if not in_flight.intersection(b.id for b in unpaid.bills):
            return unpaid
        bills = [
            b.model_copy(update={"status": "pending_payment"}) if b.id in in_flight else b
            for b in unpaid.bills
        ]
        return unpaid.model_copy(update={"bills": bills})

    def open_bill(self, bill_id: str) -> None:
        bill, customer = self._find_bill(bill_id)
        if bill is not None and customer is not None:
            self._nav.go(BillDetail(customer, bill, self._tariffs, self._payable(bill)))

    def _payable(self, bill: Bill) -> int:
        """How many bills paying ``bill`` pays: it and every older unpaid one, as on the choice of bills."""
        unpaid = self._session.bills
        if unpaid is None or bill.status not in PAYABLE:
            return 0
        ids = [b.id for b in unpaid.bills]  # oldest first
        return ids.index(bill.id) + 1 if bill.id in ids else 0

    def pay_bill(self) -> None:
        """ "Pay this bill" on its detail: the choice of bills, with this bill and the older ones chosen, so the
        customer sees what is paid and its total before the QR."""
        current = self._nav.current
        unpaid = self._session.bills
        if isinstance(current, BillDetail) and current.payable and unpaid is not None:
            self._nav.go(ChooseBills(current.customer, unpaid, selected=current.payable))

    async def _load_tariffs(self) -> None:
        """The standard tier sizes, which the bill explanation quotes. Public data, fetched once; without them
        the explanation is shorter, so a failure here never fails a lookup."""
        if self._tariffs is not None:
            return
        try:
            self._tariffs = await self._source.tariffs()
        except CentralError as exc:
            log.info("tariffs unavailable for the bill explanation: %s", type(exc).__name__)

    def _find_bill(self, bill_id: str) -> tuple[Bill | None, Customer | None]:
        current = self._nav.current
        match current:
            case AccountOverview(customer, unpaid) | ChooseBills(customer, unpaid, _):
                return next((b for b in unpaid.bills if b.id == bill_id), None), customer
            case PaidHistory(customer, bills):
                return next((b for b in bills if b.id == bill_id), None), customer
        return None, None

    async def open_history(self) -> None:
        customer = self._customer()
        if customer is None:
            return

        async def fetch() -> BillList:
            return await self._source.bills(customer.code, "all")

        result = await self.request(Waiting.HISTORY, customer.code, fetch, self.open_history)
        if result is not None:
            self._nav.replace(PaidHistory(customer, paid_in_last_months(result, self._today())))

    async def open_consumption(self) -> None:
        customer = self._customer()
        if customer is None:
            return

        async def fetch() -> tuple[Consumption, Consumption | None]:
            if not customer.meter.remote_read:
                return await self._source.consumption(customer.code, "month"), None
            monthly, daily = await asyncio.gather(
                self._source.consumption(customer.code, "month"),
                self._source.consumption(customer.code, "day"),
            )
            return monthly, daily

        result = await self.request(Waiting.CONSUMPTION, customer.code, fetch, self.open_consumption)
        if result is not None:
            monthly, daily = result
            self._nav.replace(ConsumptionHistory(customer, monthly, daily))

    # ------------------------------------------------------------------ towards payment
    def choose_bills(self) -> None:
        current = self._nav.current
        if isinstance(current, AccountOverview) and current.unpaid.bills:
            self._nav.go(ChooseBills(current.customer, current.unpaid, selected=len(current.unpaid.bills)))

    def toggle_bill(self, index: int) -> None:
        """Bills are paid oldest first: ticking a bill ticks every older one, unticking one unticks every newer
        one. At least the oldest stays chosen."""
        current = self._nav.current
        if not isinstance(current, ChooseBills) or not 0 <= index < len(current.unpaid.bills):
            return
        selected = index if index < current.selected else index + 1
        self._nav.replace(ChooseBills(current.customer, current.unpaid, max(1, selected)))

    # ------------------------------------------------------------------ the bill notice
    async def print_bill(self) -> None:
        current = self._nav.current
        if not isinstance(current, BillDetail) or current.bill.status == "paid":
            return
        customer, bill = current.customer, current.bill

        async def fetch() -> BillPaymentQr:
            return await self._source.bill_payment_qr(bill.id)

        qr = await self.request(Waiting.BILL_NOTICE, customer.code, fetch, self.print_bill)
        if qr is None:
            return
        loading = self._nav.current
        outcome = await self._print_notice(customer, bill, qr)
        if self._nav.current is not loading:
            return
        if outcome.preview is not None:
            self._nav.replace(PrintPreview(outcome.preview))
        elif outcome.printed:
            self._nav.replace(BillNoticePrinted(customer.code))
        else:
            self._nav.replace(LookupFailed(LookupProblem.PRINT_FAILED, customer.code, can_retry=True))

    # ------------------------------------------------------------------ failures
    async def retry(self) -> None:
        current = self._nav.current
        if isinstance(current, LookupFailed) and current.can_retry and self._retry is not None:
            self._nav.back()
            await self._retry()

    def retype(self) -> None:
        """From a failure back to the keypad, with the code that failed (if it was typed or read)."""
        current = self._nav.current
        if not isinstance(current, LookupFailed):
            return
        self._nav.back()
        if isinstance(self._nav.current, EnterCode):
            return
        self._nav.go(self._keypad_holding(current.code or ""))

    def _keypad_holding(self, code: str) -> EnterCode:
        """The keypad with as much of ``code`` as it can hold: its unit code, if that is one, and up to 7 digits
        after it; a unit the kiosk does not offer as if typed on the keyboard."""
        check = check_code(code)
        if check.unit is None:
            return self.keypad()
        digits = "".join(itertools.takewhile(_DIGIT_KEYS.__contains__, check.code[UNIT_LENGTH:]))[:DIGITS]
        offered = any(u.code == check.unit for u in self._units)
        return EnterCode(check.unit, digits, typing_unit=not offered, units=self._units)

    def _show_failure(self, failure: LookupFailed) -> None:
        log.info("lookup failed: %s", failure.problem.value)  # never the code: it identifies a customer
        if isinstance(self._nav.current, LookupFailed):
            self._nav.replace(failure)
        else:
            self._nav.go(failure)

    # ------------------------------------------------------------------ plumbing
    def _customer(self) -> Customer | None:
        current = self._nav.current
        if isinstance(current, AccountOverview | BillDetail | PaidHistory | ConsumptionHistory | ChooseBills):
            return current.customer
        return None

    async def request(
        self,
        what: Waiting,
        code: str,
        fetch: Callable[[], Awaitable[T]],
        again: Callable[[], Awaitable[None]],
        *,
        on_error: Callable[[CentralError], ScreenState | None] = lambda _: None,
    ) -> T | None:
        """Runs ``fetch`` with a progress screen on top (every journey uses it, so failures read the same).
        Returns its result if the progress screen is still the customer's place when it arrives (the caller then
        replaces it); otherwise None, with the failure shown in its place or nothing at all if the customer has
        left. ``on_error`` may answer an error with a screen of the caller's own (a wrong one-time code): the
        progress screen is then taken off and the step below it replaced by that screen."""
        loading: ScreenState = Loading(what, code)
        self._nav.go(loading)
        self._retry = again
        try:
            result = await fetch()
        except CentralError as exc:
            log.info("%s request failed: %s", what.value, type(exc).__name__)
            if self._nav.current is loading:
                own = on_error(exc)
                if own is not None:
                    self._nav.back()
                    self._nav.replace(own)
                else:
                    problem = problem_for(exc)
                    self._nav.replace(LookupFailed(problem, code, can_retry=problem in _RETRYABLE))
            return None
        return result if self._nav.current is loading else None


__all__ = [
    "AccountSource",
    "BillLookupFlow",
    "BillNoticePrinter",
    "NoticeOutcome",
    "paid_in_last_months",
    "problem_for",
]
