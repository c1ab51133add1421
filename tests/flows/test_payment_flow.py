"""The payment flow without widgets (kiosk.flows.payment): choosing the method, the QR with its countdown, how a
payment ends, and leaving it in every way.

The flow runs on the real :class:`~kiosk.payments.keeper.PaymentKeeper` and a real journal, so each test can say
what the journal holds and what the central was asked; the central, the receipt desk and the payment methods are
small fakes. The flow's clock and sleep are a fake clock whose sleep moves time on at once and runs what a test
scheduled for that moment (money arriving, the customer calling staff): a whole QR life takes milliseconds.

Each transition has its own test; a property test then plays random visits (money at any moment, also late, a
Call staff over the QR, Cancel or Home at any moment, the central failing questions or a cancel) and checks
that the screen, the journal and the central end in agreement. The tests under "found, then fixed" are the four bugs
these tests found: payments left with the flow after the customer had gone, and outcomes the customer never saw.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest
import pytest_asyncio
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.central.errors import (
    UNKNOWN,
    CentralError,
    Conflict,
    InvalidInput,
    NotFound,
    Unauthorized,
    Unavailable,
)
from kiosk.central.models import (
    Bill,
    BillFilter,
    BillList,
    BillPaymentQr,
    Consumption,
    Corporation,
    Customer,
    DistrictUnit,
    Granularity,
    Label,
    Meter,
    Payment,
    PaymentMethod,
    PaymentMethodInfo,
    PaymentMethods,
    Recipient,
    Tariffs,
)
from kiosk.customer.vietqr import VietQR, encode
from kiosk.flows.bill_lookup import BillLookupFlow, NoticeOutcome
from kiosk.flows.idle import IdleFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.payment import _REFUSALS, MAX_POLL_SECONDS, PaymentFlow, seconds_left
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import AccountOverview, ChooseBills, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Home, IdleWarning, Loading, PrintPreview, StaffCalled, Waiting
from kiosk.flows.states.payment import (
    ChooseMethod,
    PayByQr,
    PaymentEnd,
    PaymentReceived,
    PaymentStopped,
    ReceiptProgress,
)
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.keeper import PaymentKeeper, ReceiptPrint, order_for
from kiosk.payments.records import JournalPayment, PaymentState, ReceiptState

CODE = "PE01000123456"
# The kiosk's fake clock starts at 0; the central's and the journal's time is this plus the fake clock.
BASE = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
POLL = 2.0
TTL = timedelta(seconds=60)  # short, so a whole QR life is a few dozen ticks
BANK_BIN, ACCOUNT = "970436", "0071000888888"
# A follower still running after this many sleeps is stuck: the fake clock stops it rather than hang the test.
MAX_SLEEPS = 5_000

CUSTOMER = Customer(
    code=CODE,
    name="Trịnh T** X***",
    address="27 Ngõ Huế, Hà Nội",
    phone=None,
    corporation=Corporation(
        code="EVNHCMC",
        name=Label(vi="Tổng công ty Điện lực Thành phố Hồ Chí Minh", en="Ho Chi Minh City Power Corporation"),
        hotline="1900545454",
    ),
    district_unit=DistrictUnit(code="PE0100", name=Label(vi="Điện lực Sài Gòn", en="Sai Gon Power Company")),
    tariff_type="residential",
    households=1,
    meter=Meter(serial="PE123456", multiplier=1, remote_read=False),
)


def bill(month: int, total: int, status: str = "unpaid") -> Bill:
    start, end = date(2026, month - 1, 10), date(2026, month, 10)  # reading date to reading date
    return Bill.model_validate(
        {
            "id": f"B2026{month:02d}",
            "customer_code": CODE,
            "period_start": start,
            "period_end": end,
            "days": (end - start).days,
            "meter_serial": "PE123456",
            "opening_index": 10_000,
            "closing_index": 10_215,
            "multiplier": 1,
            "kwh": 215,
            "households": 1,
            "tiers": [],
            "segments": [],
            "subtotal": total * 100 // 108,
            "vat_rate": 0.08,
            "vat_lines": [],
            "vat_amount": total - total * 100 // 108,
            "total": total,
            "due_date": end + timedelta(days=15),
            "invoice_serial": "1K26TAA",
            "invoice_number": f"00{month:04d}",
            "status": status,
            "paid_at": None,
            "pending_payment_id": "pay_elsewhere" if status == "pending_payment" else None,
        }
    )


OLDER, NEWER = bill(9, 512_300, "overdue"), bill(10, 1_234_000)
UNPAID = BillList(customer_code=CODE, bills=[OLDER, NEWER], total_due=OLDER.total + NEWER.total)
# The reference central's one method: a VietQR, which any banking or wallet app scans.
VIETQR = PaymentMethodInfo(
    method="vietqr", label=Label(vi="Chuyển khoản VietQR", en="VietQR transfer"), payload_kind="vietqr"
)
# What another central might add: a wallet's own code, which only that wallet's app scans (a made-up wallet).
WALLET = PaymentMethodInfo(
    method="wallet", label=Label(vi="Ví Demo", en="Demo wallet"), payload_kind="provider_qr"
)
METHODS = PaymentMethods(methods=[VIETQR])
WITH_WALLET = PaymentMethods(methods=[VIETQR, WALLET])
ORDER = order_for(CUSTOMER, UNPAID.bills, VIETQR, "vi")


# ---------------------------------------------------------------------------------------------- fakes
class FakeClock:
    """The flow's monotonic clock and its sleep. A sleep moves the clock on by what was asked and runs the
    actions a test scheduled up to then, so "the money arrives at second 9" happens between two ticks."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self.ran_away = False
        self._due: list[tuple[float, Callable[[], None]]] = []

    def __call__(self) -> float:
        return self.now

    def moment(self) -> datetime:
        return BASE + timedelta(seconds=self.now)

    def at(self, when: float, action: Callable[[], None]) -> None:
        self._due.append((when, action))

    async def sleep(self, seconds: float) -> None:
        if len(self.slept) >= MAX_SLEEPS:
            self.ran_away = True
            raise AssertionError("the follower never stopped")
        self.slept.append(seconds)
        self.now += seconds
        self._run_due()
        # Other tasks (a cancel, a receipt) get their turn, as on the real loop.
        await asyncio.sleep(0)

    def run_next(self) -> bool:
        """Time passes with nobody sleeping (no QR followed): on to the next scheduled action, if any."""
        if not self._due:
            return False
        self.now = max(self.now, min(when for when, _ in self._due))
        self._run_due()
        return True

    def _run_due(self) -> None:
        due = sorted(((when, action) for when, action in self._due if when <= self.now), key=lambda d: d[0])
        self._due = [(when, action) for when, action in self._due if when > self.now]
        for _, action in due:
            action()


Endpoint = str  # "create", "payment" or "cancel"


class FakeCentral:
    """The central's three payment endpoints in memory: a payment per idempotency key (a replayed key returns
    it), pending until its expiry on the central's clock. Test controls: money arriving, the central closing a
    payment, failures per endpoint, an answer lost after the payment was made, something to do while a
    request is in flight (the customer tapping), and tampering with what ``create`` answers."""

    def __init__(self, clock: FakeClock, ttl: timedelta) -> None:
        self.clock = clock
        self.ttl = ttl
        self.expires_late = timedelta(0)  # how long after its expires_at the central says a payment expired
        self.payments: dict[str, Payment] = {}
        self.failures: dict[Endpoint, list[CentralError]] = {"create": [], "payment": [], "cancel": []}
        self.during: dict[Endpoint, Callable[[], None]] = {}
        self.lose_answer = False
        self.tamper: Callable[[Payment], Payment] = lambda payment: payment
        self.log: list[tuple[Endpoint, str, float]] = []  # (endpoint, key or payment id, kiosk time)
        self._by_key: dict[str, str] = {}
        self._amounts = {b.id: b.total for b in UNPAID.bills}

    @property
    def calls(self) -> list[tuple[Endpoint, str]]:
        return [(endpoint, what) for endpoint, what, _ in self.log]

    @property
    def polls(self) -> list[float]:
        """When (kiosk time) the status of a payment was asked."""
        return [at for endpoint, _, at in self.log if endpoint == "payment"]

    def _now(self) -> datetime:
        return self.clock.moment()

    def _request(self, endpoint: Endpoint, what: str) -> None:
        self.log.append((endpoint, what, self.clock.now))
        during = self.during.pop(endpoint, None)
        if during is not None:
            during()
        if self.failures[endpoint]:
            raise self.failures[endpoint].pop(0)

    def _current(self, payment_id: str) -> Payment:
        payment = self.payments[payment_id]
        if payment.status == "pending" and self._now() >= payment.expires_at + self.expires_late:
            payment = self.payments[payment_id] = payment.model_copy(update={"status": "expired"})
        return payment

    async def create_payment(
        self, customer_code: str, bill_ids: Sequence[str], method: PaymentMethod, idempotency_key: str
    ) -> Payment:
        self._request("create", idempotency_key)
        known = self._by_key.get(idempotency_key)
        if known is None:
            number = len(self.payments) + 1
            amount = sum(self._amounts[b] for b in bill_ids)
            reference = f"TK{number:08d}"
            created = self._now()
            known = f"pay_{number}"
            self.payments[known] = Payment(
                id=known,
                status="pending",
                amount=amount,
                qr_payload=qr_payload(amount, reference),
                reference=reference,
                expires_at=created + self.ttl,
                customer_code=customer_code,
                bill_ids=list(bill_ids),
                method=method,
                recipient=Recipient(bank_bin=BANK_BIN, account_number=ACCOUNT, account_name="EVNHCMC"),
                created_at=created,
                paid_at=None,
                cancelled_at=None,
            )
            self._by_key[idempotency_key] = known
        if self.lose_answer:
            self.lose_answer = False
            raise Unavailable("timeout", "the answer was lost")
        return self.tamper(self._current(known))

    async def payment(self, payment_id: str) -> Payment:
        self._request("payment", payment_id)
        return self._current(payment_id)

    async def cancel_payment(self, payment_id: str) -> Payment:
        self._request("cancel", payment_id)
        payment = self._current(payment_id)
        if payment.status == "paid":
            raise Conflict("payment_already_paid", "the payment is paid", status=409)
        if payment.status == "pending":
            payment = self.payments[payment_id] = payment.model_copy(
                update={"status": "cancelled", "cancelled_at": self._now()}
            )
        return payment

    # ------------------------------------------------------------------ test controls
    def pay(self, payment_id: str) -> None:
        """The bank's notice arrives. The central applies it also to an expired or cancelled payment."""
        self.payments[payment_id] = self.payments[payment_id].model_copy(
            update={"status": "paid", "paid_at": self._now()}
        )

    def close(self, payment_id: str) -> None:
        """The central cancels the payment itself: its bills were paid through another channel."""
        self.payments[payment_id] = self.payments[payment_id].model_copy(
            update={"status": "cancelled", "cancelled_at": self._now()}
        )


def qr_payload(amount: int, reference: str, account: str = ACCOUNT) -> str:
    return encode(VietQR(BANK_BIN, account, amount, reference, None, dynamic=True))


class FakeDesk:
    """The receipt printer: records each receipt asked for; prints, or fails (out of paper)."""

    def __init__(self) -> None:
        self.prints = True
        self.receipts: list[str] = []
        self.during: Callable[[], None] | None = None

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        assert payment.receipt_number is not None
        self.receipts.append(payment.receipt_number)
        if self.during is not None:
            self.during()
        return ReceiptPrint(self.prints, len(self.receipts) if self.prints else None)


class FakeMethods:
    def __init__(self) -> None:
        self.offered = METHODS
        self.asked = 0
        self.failures: list[CentralError] = []
        self.during: Callable[[], None] | None = None

    async def payment_methods(self) -> PaymentMethods:
        self.asked += 1
        if self.during is not None:
            self.during()
        if self.failures:
            raise self.failures.pop(0)
        return self.offered


class NoAccounts:
    """The lookup flow's source: the payment flow borrows only the lookup's request-with-progress."""

    async def customer(self, code: str) -> Customer:
        raise AssertionError("the payment flow looks up no account")

    async def bills(self, code: str, status: BillFilter = "unpaid") -> BillList:
        raise AssertionError("the payment flow looks up no bills")

    async def consumption(self, code: str, granularity: Granularity = "month") -> Consumption:
        raise AssertionError("the payment flow looks up no consumption")

    async def tariffs(self) -> Tariffs:
        raise AssertionError("the payment flow looks up no tariffs")

    async def bill_payment_qr(self, bill_id: str) -> BillPaymentQr:
        raise AssertionError("the payment flow prints no bill notice")


async def no_notice(customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
    raise AssertionError("the payment flow prints no bill notice")


# ---------------------------------------------------------------------------------------------- the kiosk
@dataclass
class Kiosk:
    clock: FakeClock
    central: FakeCentral
    desk: FakeDesk
    methods: FakeMethods
    journal: PaymentJournal
    keeper: PaymentKeeper
    nav: Navigator
    session: CustomerSession
    bills: BillLookupFlow
    flow: PaymentFlow
    seen: list[ScreenState] = field(default_factory=list)  # every state that came on top, in order
    previews: list[int] = field(default_factory=list)  # journal rows whose receipt preview was asked for

    def row(self) -> JournalPayment:
        [row] = self.journal.all()
        return row

    def countdown(self) -> list[tuple[int, bool]]:
        return [(s.seconds_left, s.checking) for s in self.seen if isinstance(s, PayByQr)]


class Build(Protocol):
    def __call__(
        self,
        *,
        poll_seconds: float = POLL,
        ttl: timedelta = TTL,
        printer: bool = True,
        preview: Path | None = None,
    ) -> Kiosk: ...


def make_kiosk(
    journal: PaymentJournal,
    *,
    poll_seconds: float = POLL,
    ttl: timedelta = TTL,
    printer: bool = True,
    preview: Path | None = None,
) -> Kiosk:
    """The payment flow wired as the app wires it (kiosk.shell.app), with the fakes in place of the central, the
    printer and the loop's clock."""
    clock = FakeClock()
    central = FakeCentral(clock, ttl)
    desk, methods = FakeDesk(), FakeMethods()
    keys = iter(range(1, 1000))
    keeper = PaymentKeeper(
        central, journal, desk if printer else None, now=clock.moment, new_key=lambda: f"key-{next(keys)}"
    )
    nav, session = Navigator(), CustomerSession()
    bills = BillLookupFlow(
        NoAccounts(),
        nav,
        session,
        print_notice=no_notice,
        today=lambda: BASE.date(),
        in_flight=keeper.in_flight_bill_ids,
    )
    previews: list[int] = []

    def preview_of(payment: JournalPayment) -> Path | None:
        previews.append(payment.id)
        return preview

    flow = PaymentFlow(
        keeper,
        methods,
        bills,
        nav,
        session,
        poll_seconds=poll_seconds,
        clock=clock,
        sleep=clock.sleep,
        preview_of=preview_of,
    )
    kiosk = Kiosk(
        clock, central, desk, methods, journal, keeper, nav, session, bills, flow, previews=previews
    )
    nav.subscribe(kiosk.seen.append)
    return kiosk


async def close(kiosk: Kiosk) -> None:
    # A QR a test left on screen is cancelled, so that no follower outlives its loop.
    kiosk.flow.leave()
    kiosk.nav.home()
    await asyncio.wait_for(kiosk.flow.followed(), timeout=10)
    kiosk.journal.close()


@pytest_asyncio.fixture
async def build(tmp_path: Path) -> AsyncIterator[Build]:
    kiosks: list[Kiosk] = []

    def make(
        *, poll_seconds: float = POLL, ttl: timedelta = TTL, printer: bool = True, preview: Path | None = None
    ) -> Kiosk:
        journal = PaymentJournal(tmp_path / f"payments-{len(kiosks)}.sqlite3", kiosk_id="K-01")
        kiosk = make_kiosk(journal, poll_seconds=poll_seconds, ttl=ttl, printer=printer, preview=preview)
        kiosks.append(kiosk)
        return kiosk

    yield make
    for kiosk in kiosks:
        await close(kiosk)


@pytest.fixture
def kiosk(build: Build) -> Kiosk:
    return build()


async def settle(kiosk: Kiosk) -> None:
    """Until every follower, cancel and receipt of the flow has finished (on the fake clock: at once)."""
    # The timeout is only a guard against a hang; nothing here waits in real time.
    await asyncio.wait_for(kiosk.flow.followed(), timeout=10)
    assert not kiosk.clock.ran_away, "a follower kept running"


def to_bills(kiosk: Kiosk, selected: int = 2) -> ChooseBills:
    kiosk.nav.go(AccountOverview(CUSTOMER, UNPAID))
    state = ChooseBills(CUSTOMER, UNPAID, selected)
    kiosk.nav.go(state)
    return state


async def to_methods(kiosk: Kiosk, selected: int = 2) -> ChooseMethod:
    """The choice a central offering a wallet's own code as well as a VietQR makes the customer take."""
    kiosk.methods.offered = WITH_WALLET
    to_bills(kiosk, selected)
    await kiosk.flow.pay()
    state = kiosk.nav.current
    assert isinstance(state, ChooseMethod)
    return state


async def to_qr(kiosk: Kiosk, selected: int = 2) -> PayByQr:
    to_bills(kiosk, selected)
    await kiosk.flow.pay()
    state = kiosk.nav.current
    assert isinstance(state, PayByQr)
    return state


def payment_id(state: PayByQr) -> str:
    assert state.payment.payment_id is not None
    return state.payment.payment_id


async def handed_to_the_keeper(kiosk: Kiosk, row_id: int) -> bool:
    """Whether the keeper's reconcile asks the central about the row: it skips the rows a customer is looking
    at, so this is how a test sees that the flow handed a payment over (detached it)."""
    row = kiosk.journal.get(row_id)
    before = len(kiosk.central.log)
    await kiosk.keeper.reconcile(everything=True)
    return any(what in (row.payment_id, row.idempotency_key) for _, what, _ in kiosk.central.log[before:])


# ---------------------------------------------------------------------------------------------- seconds_left
@pytest.mark.parametrize(
    ("ttl", "shown_at", "now", "left"),
    [
        (300.0, 1000.0, 1000.0, 300),
        (300.0, 1000.0, 1000.4, 300),  # whole seconds, rounded up: "0" only when the time is really up
        (299.5, 0.0, 0.0, 300),
        (300.0, 1000.0, 1299.5, 1),
        (300.0, 1000.0, 1300.0, 0),
        (300.0, 1000.0, 5000.0, 0),  # never negative
        (None, 0.0, 0.0, 0),  # a payment without a known life has none left
    ],
)
def test_seconds_left_counts_the_qrs_life_on_the_kiosks_own_clock(
    ttl: float | None, shown_at: float, now: float, left: int
) -> None:
    payment = JournalPayment(
        id=1, idempotency_key="key-1", order=ORDER, amount=ORDER.amount, state=PaymentState.PENDING,
        payment_id="pay_1", reference="TK00000001", qr_payload="", central_status="pending",
        # The central's expiry is an hour off the kiosk's clock: only the length of the life counts.
        expires_at=BASE + timedelta(hours=1), ttl_seconds=ttl, problem=None, abandoned=False, paid_at=None,
        receipt_number=None, receipt=None, receipt_job=None, created_at=BASE, updated_at=BASE, watch_until=BASE,
    )  # fmt: skip
    assert seconds_left(payment, shown_at, now) == left


# ---------------------------------------------------------------------------------------------- pay
@pytest.mark.asyncio
async def test_pay_with_one_vietqr_on_offer_shows_its_qr_at_once_without_a_choice(kiosk: Kiosk) -> None:
    to_bills(kiosk, selected=1)
    await kiosk.flow.pay()
    row = kiosk.row()
    assert kiosk.seen[-3:] == [
        Loading(Waiting.PAYMENT_METHODS, CODE),
        Loading(Waiting.PAYMENT_QR, CODE),
        PayByQr(CUSTOMER, row, 60),
    ]
    assert not any(isinstance(s, ChooseMethod) for s in kiosk.seen)
    # Both progress screens were replaced: Back (or Cancel) from the QR is the bills.
    assert kiosk.nav.states[-2:] == (ChooseBills(CUSTOMER, UNPAID, 1), kiosk.nav.current)
    assert row.order == order_for(CUSTOMER, [OLDER], VIETQR, "vi")
    assert row.order.payload_kind == "vietqr"
    assert (kiosk.methods.asked, kiosk.central.calls) == (1, [("create", "key-1")])


@pytest.mark.asyncio
async def test_several_vietqr_methods_are_one_qr_and_kinds_this_kiosk_cannot_show_are_left_out(
    kiosk: Kiosk,
) -> None:
    # Two names for the same kind of code (a central that still lists apps as methods), and a newer central's
    # kind of code this kiosk does not know: still one QR, under the first VietQR method, and no choice.
    again = PaymentMethodInfo(
        method="banking_app", label=Label(vi="Ngân hàng", en="Bank"), payload_kind="vietqr"
    )
    future = PaymentMethodInfo(method="tap", label=Label(vi="Chạm thẻ", en="Tap a card"), payload_kind="nfc")
    kiosk.methods.offered = PaymentMethods(methods=[future, VIETQR, again])
    to_bills(kiosk)
    await kiosk.flow.pay()
    assert isinstance(kiosk.nav.current, PayByQr)
    assert kiosk.row().order.method == "vietqr"


@pytest.mark.asyncio
async def test_codes_of_different_kinds_are_a_choice_named_as_the_central_names_them(kiosk: Kiosk) -> None:
    kiosk.methods.offered = WITH_WALLET
    to_bills(kiosk, selected=1)
    await kiosk.flow.pay()
    assert kiosk.seen[-2:] == [
        Loading(Waiting.PAYMENT_METHODS, CODE),
        ChooseMethod(CUSTOMER, (OLDER,), (VIETQR, WALLET)),
    ]
    # The progress screen was replaced: Back from the methods is the bills.
    assert kiosk.nav.states[-2:] == (ChooseBills(CUSTOMER, UNPAID, 1), kiosk.nav.current)
    assert kiosk.methods.asked == 1
    assert kiosk.central.calls == []


@pytest.mark.asyncio
async def test_no_method_this_kiosk_can_show_is_said_on_the_choice_screen(kiosk: Kiosk) -> None:
    unknown = PaymentMethodInfo(method="tap", label=Label(vi="Chạm thẻ", en="Tap a card"), payload_kind="nfc")
    kiosk.methods.offered = PaymentMethods(methods=[unknown])
    to_bills(kiosk)
    await kiosk.flow.pay()
    assert kiosk.nav.current == ChooseMethod(CUSTOMER, (OLDER, NEWER), ())
    assert kiosk.central.calls == []


@pytest.mark.asyncio
async def test_pay_from_another_screen_does_nothing(kiosk: Kiosk) -> None:
    kiosk.nav.go(AccountOverview(CUSTOMER, UNPAID))
    await kiosk.flow.pay()
    assert kiosk.nav.states == (Home(), AccountOverview(CUSTOMER, UNPAID))
    assert kiosk.methods.asked == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("why", ["the central says so", "this kiosk's journal says so"])
async def test_chosen_bills_awaiting_confirmation_stop_before_the_methods(kiosk: Kiosk, why: str) -> None:
    unpaid = UNPAID
    if why == "the central says so":
        pending = OLDER.model_copy(update={"status": "pending_payment"})
        unpaid = UNPAID.model_copy(update={"bills": [pending, NEWER]})
    else:  # a payment whose request may have reached the central (say, before a power cut)
        kiosk.journal.begin(order_for(CUSTOMER, [OLDER], VIETQR, "vi"), "key-of-a-lost-request", BASE)
    kiosk.nav.go(ChooseBills(CUSTOMER, unpaid, selected=2))
    await kiosk.flow.pay()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.IN_PROGRESS, CUSTOMER)
    assert kiosk.nav.states[-2] == ChooseBills(CUSTOMER, unpaid, 2)  # pushed: Back returns to the bills
    assert kiosk.methods.asked == 0


@pytest.mark.asyncio
async def test_only_the_selected_bills_are_checked_for_a_payment_in_flight(kiosk: Kiosk) -> None:
    kiosk.journal.begin(order_for(CUSTOMER, [NEWER], VIETQR, "vi"), "key-of-a-lost-request", BASE)
    assert await to_methods(kiosk, selected=1) == ChooseMethod(CUSTOMER, (OLDER,), (VIETQR, WALLET))


@pytest.mark.asyncio
async def test_methods_the_central_cannot_give_show_a_lookup_failure_whose_retry_asks_again(
    kiosk: Kiosk,
) -> None:
    kiosk.methods.failures = [Unavailable("timeout", "no answer")]
    kiosk.nav.go(ChooseBills(CUSTOMER, UNPAID, selected=2))
    await kiosk.flow.pay()
    assert kiosk.nav.current == LookupFailed(LookupProblem.UNREACHABLE, CODE, can_retry=True)
    assert kiosk.nav.states[-2] == ChooseBills(CUSTOMER, UNPAID, 2)
    assert kiosk.central.calls == []
    await kiosk.bills.retry()
    assert isinstance(kiosk.nav.current, PayByQr)
    assert kiosk.nav.states[-2] == ChooseBills(CUSTOMER, UNPAID, 2)
    assert kiosk.methods.asked == 2


@pytest.mark.asyncio
async def test_methods_arriving_after_the_customer_left_are_dropped(kiosk: Kiosk) -> None:
    kiosk.methods.during = kiosk.nav.home
    kiosk.nav.go(ChooseBills(CUSTOMER, UNPAID, selected=2))
    await kiosk.flow.pay()
    assert kiosk.nav.states == (Home(),)
    assert not any(isinstance(s, ChooseMethod | PayByQr) for s in kiosk.seen)
    assert (kiosk.central.calls, kiosk.journal.all()) == ([], [])  # no payment made for nobody


# ---------------------------------------------------------------------------------------------- paying
@pytest.mark.asyncio
async def test_paying_journals_the_order_asks_the_central_and_shows_the_checked_qr(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.session.language = "en"
    kiosk.session.assisted_by_staff = True
    await kiosk.flow.pay()
    row = kiosk.row()
    assert kiosk.seen[-2:] == [Loading(Waiting.PAYMENT_QR, CODE), PayByQr(CUSTOMER, row, 60)]
    assert isinstance(kiosk.nav.states[-2], ChooseBills)  # the progress screens were replaced
    assert kiosk.central.calls == [("create", "key-1")]
    assert (row.state, row.payment_id, row.idempotency_key) == (PaymentState.PENDING, "pay_1", "key-1")
    # The receipt is in the customer's language; staff helping them is recorded for the day's report.
    assert row.order == order_for(CUSTOMER, [OLDER, NEWER], VIETQR, "en", assisted=True)
    assert kiosk.keeper.in_flight_bill_ids() == {OLDER.id, NEWER.id}
    assert kiosk.flow.following == row.id


def _wallet_code(payment: Payment) -> Payment:
    return payment.model_copy(update={"qr_payload": f"demowallet://pay?ref={payment.reference}"})


@pytest.mark.asyncio
async def test_a_wallets_own_code_chosen_is_shown_as_the_central_gave_it_under_the_wallets_name(
    kiosk: Kiosk,
) -> None:
    await to_methods(kiosk)
    kiosk.central.tamper = _wallet_code  # not a VietQR: the wallet's own format
    await kiosk.flow.pay_with("wallet")
    row = kiosk.row()
    assert kiosk.nav.current == PayByQr(CUSTOMER, row, 60)
    assert isinstance(kiosk.nav.states[-2], ChooseMethod)  # the progress screen was replaced
    assert (row.qr_payload, row.order.method, row.order.payload_kind) == (
        "demowallet://pay?ref=TK00000001",
        "wallet",
        "provider_qr",
    )
    assert (row.order.method_vi, row.order.method_en) == ("Ví Demo", "Demo wallet")


@pytest.mark.asyncio
async def test_a_vietqr_method_whose_code_is_not_a_vietqr_is_refused(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.tamper = _wallet_code
    await kiosk.flow.pay()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.QR_REFUSED, CUSTOMER)
    assert not any(isinstance(s, PayByQr) for s in kiosk.seen)


@pytest.mark.asyncio
@pytest.mark.parametrize("method", ["vietqr_again", "cash"])
async def test_a_method_the_central_did_not_offer_does_nothing(kiosk: Kiosk, method: str) -> None:
    shown = await to_methods(kiosk)
    await kiosk.flow.pay_with(method)
    assert kiosk.nav.current is shown
    assert kiosk.central.calls == []
    assert kiosk.journal.all() == []


@pytest.mark.asyncio
async def test_paying_from_another_screen_does_nothing(kiosk: Kiosk) -> None:
    kiosk.nav.go(ChooseBills(CUSTOMER, UNPAID, selected=2))
    await kiosk.flow.pay_with("vietqr")
    assert kiosk.nav.states == (Home(), ChooseBills(CUSTOMER, UNPAID, 2))
    assert kiosk.journal.all() == []


REFUSALS = [
    (Conflict("bill_already_paid", "paid", status=409), PaymentEnd.PAID_ELSEWHERE),
    (InvalidInput("older_bill_unpaid", "oldest first", status=422), PaymentEnd.PAID_ELSEWHERE),
    (NotFound("bill_not_found", "no such bill", status=404), PaymentEnd.PAID_ELSEWHERE),
    (Conflict("payment_in_progress", "another payment", status=409), PaymentEnd.IN_PROGRESS),
    (Conflict("nothing_to_pay", "nothing", status=409), PaymentEnd.REFUSED),
    (InvalidInput("duplicate_bill", "twice", status=422), PaymentEnd.REFUSED),
    (Conflict("idempotency_key_reused", "another payment under this key", status=409), PaymentEnd.REFUSED),
]


def test_every_refusal_the_flow_maps_is_tested() -> None:
    assert set(_REFUSALS) <= {error.code for error, _ in REFUSALS}


@pytest.mark.asyncio
@pytest.mark.parametrize(("error", "why"), REFUSALS, ids=[error.code for error, _ in REFUSALS])
async def test_a_refusal_of_the_central_says_why_the_payment_stopped(
    kiosk: Kiosk, error: CentralError, why: PaymentEnd
) -> None:
    to_bills(kiosk)
    kiosk.central.failures["create"] = [error]
    await kiosk.flow.pay()
    assert kiosk.nav.current == PaymentStopped(why, CUSTOMER)
    assert isinstance(kiosk.nav.states[-2], ChooseBills)
    row = kiosk.row()
    assert (row.state, row.problem, row.payment_id) == (PaymentState.REFUSED, error.code, None)
    assert kiosk.central.calls == [("create", "key-1")]
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()
    assert not any(isinstance(s, PayByQr) for s in kiosk.seen)
    assert kiosk.flow.following is None


@pytest.mark.asyncio
async def test_a_payment_this_kiosk_began_meanwhile_stops_the_second_without_asking_the_central(
    kiosk: Kiosk,
) -> None:
    to_bills(kiosk)
    kiosk.journal.begin(order_for(CUSTOMER, [OLDER], VIETQR, "vi"), "key-of-another-screen", BASE)
    await kiosk.flow.pay()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.IN_PROGRESS, CUSTOMER)
    assert kiosk.central.calls == []
    assert len(kiosk.journal.all()) == 1


def _bad_crc(payment: Payment) -> Payment:
    return payment.model_copy(update={"qr_payload": payment.qr_payload[:-4] + "0000"})


def _more_money(payment: Payment) -> Payment:
    return payment.model_copy(
        update={
            "amount": payment.amount + 1000,
            "qr_payload": qr_payload(payment.amount + 1000, payment.reference),
        }
    )


def _other_bills(payment: Payment) -> Payment:
    return payment.model_copy(update={"bill_ids": payment.bill_ids[:1]})


def _other_account(payment: Payment) -> Payment:
    return payment.model_copy(
        update={"qr_payload": qr_payload(payment.amount, payment.reference, "1234567890")}
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("tamper", [_bad_crc, _more_money, _other_bills, _other_account])
async def test_a_qr_that_fails_the_kiosks_checks_is_never_shown_and_its_payment_is_cancelled(
    kiosk: Kiosk, tamper: Callable[[Payment], Payment]
) -> None:
    to_bills(kiosk)
    kiosk.central.tamper = tamper
    await kiosk.flow.pay()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.QR_REFUSED, CUSTOMER)
    assert not any(isinstance(s, PayByQr) for s in kiosk.seen)
    assert kiosk.central.calls == [("create", "key-1"), ("cancel", "pay_1")]
    row = kiosk.row()
    assert (row.state, row.central_status, row.abandoned) == (PaymentState.CLOSED, "cancelled", True)
    assert row.problem is not None
    assert row.problem.startswith("qr_refused: ")


# ---------------------------------------------------------------------------------------------- no answer
@pytest.mark.asyncio
@pytest.mark.parametrize(
    "error",
    [
        Unavailable("timeout", "no answer"),
        Conflict(UNKNOWN, "a proxy's 409, not the central's", status=409),
        Unauthorized("unauthorized", "token refused", status=401),
    ],
    ids=["timeout", "proxy", "unauthorized"],
)
async def test_no_answer_offers_try_again_which_asks_under_the_same_key(
    kiosk: Kiosk, error: CentralError
) -> None:
    to_bills(kiosk)
    kiosk.central.failures["create"] = [error]
    await kiosk.flow.pay()
    row = kiosk.row()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.UNKNOWN, CUSTOMER, row.id, row.order)
    assert row.state is PaymentState.CREATING
    assert kiosk.keeper.in_flight_bill_ids() == {OLDER.id, NEWER.id}  # it may exist: nothing else for them

    await kiosk.flow.ask_again()
    assert kiosk.seen[-2:] == [Loading(Waiting.PAYMENT_QR, CODE), PayByQr(CUSTOMER, kiosk.row(), 60)]
    assert isinstance(kiosk.nav.states[-2], ChooseBills)  # the stopped screen was taken off
    assert kiosk.central.calls == [("create", "key-1"), ("create", "key-1")]
    assert len(kiosk.journal.all()) == 1


@pytest.mark.asyncio
async def test_an_answer_lost_after_the_payment_was_made_shows_that_payment_on_try_again(
    kiosk: Kiosk,
) -> None:
    to_bills(kiosk)
    kiosk.central.lose_answer = True
    await kiosk.flow.pay()
    assert isinstance(kiosk.nav.current, PaymentStopped)
    assert kiosk.nav.current.why is PaymentEnd.UNKNOWN
    await kiosk.flow.ask_again()
    state = kiosk.nav.current
    assert isinstance(state, PayByQr)
    assert list(kiosk.central.payments) == [payment_id(state)] == ["pay_1"]


@pytest.mark.asyncio
async def test_try_again_when_the_money_had_already_come_shows_it_received(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.lose_answer = True
    await kiosk.flow.pay()
    kiosk.central.pay("pay_1")  # a replayed key may find its money already there
    await kiosk.flow.ask_again()
    assert not any(isinstance(s, PayByQr) for s in kiosk.seen)
    await settle(kiosk)
    row = kiosk.row()
    assert kiosk.nav.current == PaymentReceived(row, ReceiptProgress.PRINTED)
    assert kiosk.desk.receipts == [row.receipt_number]


@pytest.mark.asyncio
async def test_try_again_still_without_an_answer_stays_unknown_on_the_same_row(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.failures["create"] = [Unavailable("timeout", "no answer")] * 2
    await kiosk.flow.pay()
    await kiosk.flow.ask_again()
    row = kiosk.row()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.UNKNOWN, CUSTOMER, row.id, row.order)
    assert isinstance(kiosk.nav.states[-2], ChooseBills)  # not one stopped screen over another
    assert kiosk.central.calls == [("create", "key-1")] * 2


@pytest.mark.asyncio
async def test_try_again_can_be_refused(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.failures["create"] = [
        Unavailable("timeout", "no answer"),
        Conflict("bill_already_paid", "paid at the counter meanwhile", status=409),
    ]
    await kiosk.flow.pay()
    await kiosk.flow.ask_again()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.PAID_ELSEWHERE, CUSTOMER)
    assert kiosk.row().state is PaymentState.REFUSED


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("shown", "action"),
    [
        (PaymentStopped(PaymentEnd.CANCELLED, CUSTOMER, 1, ORDER), "new_qr"),
        (PaymentStopped(PaymentEnd.EXPIRED, CUSTOMER, 1, None), "new_qr"),  # nothing to pay again
        (PaymentStopped(PaymentEnd.EXPIRED, CUSTOMER, 1, ORDER), "ask_again"),
        (PaymentStopped(PaymentEnd.UNKNOWN, CUSTOMER, None, ORDER), "ask_again"),  # no row to ask about
        (ChooseMethod(CUSTOMER, (OLDER,), (VIETQR,)), "new_qr"),
        (ChooseMethod(CUSTOMER, (OLDER,), (VIETQR,)), "ask_again"),
    ],
)
async def test_new_qr_and_try_again_only_answer_their_own_stopped_screen(
    kiosk: Kiosk, shown: ScreenState, action: str
) -> None:
    kiosk.nav.go(shown)
    await getattr(kiosk.flow, action)()
    assert kiosk.nav.states == (Home(), shown)
    assert kiosk.central.calls == []
    assert kiosk.journal.all() == []


# ------------------------------------------------------------------------------------- leaving while it is made
@pytest.mark.asyncio
async def test_a_customer_gone_while_the_payment_was_made_has_it_cancelled(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.during["create"] = kiosk.nav.home
    await kiosk.flow.pay()
    assert kiosk.nav.states == (Home(),)
    assert not any(isinstance(s, PayByQr) for s in kiosk.seen)
    assert kiosk.central.calls == [("create", "key-1"), ("cancel", "pay_1")]
    row = kiosk.row()
    assert (row.state, row.central_status, row.abandoned) == (PaymentState.CLOSED, "cancelled", True)
    assert kiosk.flow.following is None
    assert await handed_to_the_keeper(kiosk, row.id)  # watched for late money


@pytest.mark.asyncio
async def test_no_answer_after_the_customer_left_is_left_to_the_keeper(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.during["create"] = kiosk.nav.home
    kiosk.central.failures["create"] = [Unavailable("timeout", "no answer")]
    await kiosk.flow.pay()
    assert kiosk.nav.states == (Home(),)
    assert kiosk.row().state is PaymentState.CREATING
    # Nobody waits for it: reconcile settles it, under the same key, and cancels what it made.
    assert await kiosk.keeper.reconcile() == []
    assert kiosk.central.calls == [
        ("create", "key-1"),
        ("create", "key-1"),
        ("payment", "pay_1"),
        ("cancel", "pay_1"),
    ]
    assert (kiosk.row().state, kiosk.row().central_status) == (PaymentState.CLOSED, "cancelled")


@pytest.mark.asyncio
@pytest.mark.parametrize("answer", ["refused", "qr refused"])
async def test_an_answer_after_the_customer_left_does_not_pull_them_back(kiosk: Kiosk, answer: str) -> None:
    to_bills(kiosk)
    kiosk.central.during["create"] = kiosk.nav.home
    if answer == "refused":
        kiosk.central.failures["create"] = [Conflict("bill_already_paid", "paid", status=409)]
    else:
        kiosk.central.tamper = _bad_crc
    await kiosk.flow.pay()
    assert kiosk.nav.states == (Home(),)
    assert not any(isinstance(s, PaymentStopped | PayByQr) for s in kiosk.seen)


# ---------------------------------------------------------------------------------------------- the QR
@pytest.mark.asyncio
async def test_the_qr_counts_down_each_second_and_asks_the_central_every_poll(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.clock.at(9, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert kiosk.countdown() == [(left, False) for left in range(60, 50, -1)]  # seconds 0 to 9
    assert kiosk.central.polls == [2, 4, 6, 8, 10]  # the money of second 9 is found at the next poll
    assert set(kiosk.clock.slept) == {1.0}
    assert isinstance(kiosk.nav.current, PaymentReceived)


@pytest.mark.asyncio
async def test_a_poll_shorter_than_a_second_ticks_at_the_poll(build: Build) -> None:
    kiosk = build(poll_seconds=0.5)
    qr = await to_qr(kiosk)
    kiosk.clock.at(2, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert set(kiosk.clock.slept) == {0.5}
    assert kiosk.central.polls == [0.5, 1.0, 1.5, 2.0]
    assert kiosk.countdown() == [(60, False), (60, False), (59, False), (59, False)]
    assert isinstance(kiosk.nav.current, PaymentReceived)


@pytest.mark.asyncio
async def test_money_found_shows_received_then_printed_with_one_receipt(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.clock.at(3, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    row = kiosk.row()
    printing, printed = kiosk.seen[-2:]
    assert isinstance(printing, PaymentReceived)
    assert printing.receipt is ReceiptProgress.PRINTING
    assert (printing.payment.state, printing.payment.receipt) == (PaymentState.CONFIRMED, ReceiptState.DUE)
    assert printed == kiosk.nav.current == PaymentReceived(row, ReceiptProgress.PRINTED)
    assert isinstance(kiosk.nav.states[-2], ChooseBills)  # the QR was replaced
    assert (row.state, row.receipt, row.receipt_job) == (PaymentState.CONFIRMED, ReceiptState.PRINTED, 1)
    assert row.receipt_number == f"K-01-261123-{row.id:06d}"
    assert kiosk.desk.receipts == [row.receipt_number]
    assert kiosk.previews == [row.id]  # asked; the test kiosk has no preview printer
    assert kiosk.flow.following is None
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()
    # Confirmed with its receipt done: there is nothing left for the keeper to ask about.
    asked = len(kiosk.central.log)
    assert await kiosk.keeper.reconcile(everything=True) == []
    assert len(kiosk.central.log) == asked


@pytest.mark.asyncio
async def test_a_receipt_the_printer_could_not_print_is_left_for_staff(kiosk: Kiosk) -> None:
    kiosk.desk.prints = False
    qr = await to_qr(kiosk)
    kiosk.clock.at(3, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    row = kiosk.row()
    assert kiosk.nav.current == PaymentReceived(row, ReceiptProgress.FOR_STAFF)
    assert row.receipt is ReceiptState.FOR_STAFF
    assert kiosk.journal.receipts_for_staff() == [row]
    assert kiosk.desk.receipts == [row.receipt_number]
    assert kiosk.previews == []  # nothing was printed to preview


@pytest.mark.asyncio
async def test_a_kiosk_without_a_printer_leaves_the_receipt_for_staff(build: Build) -> None:
    kiosk = build(printer=False)
    qr = await to_qr(kiosk)
    kiosk.clock.at(3, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    row = kiosk.row()
    assert kiosk.nav.current == PaymentReceived(row, ReceiptProgress.FOR_STAFF)
    assert kiosk.journal.receipts_for_staff() == [row]


@pytest.mark.asyncio
async def test_a_preview_printer_shows_the_printed_receipt_over_received(
    build: Build, tmp_path: Path
) -> None:
    image = tmp_path / "receipt.png"
    kiosk = build(preview=image)
    qr = await to_qr(kiosk)
    kiosk.clock.at(3, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert kiosk.nav.current == PrintPreview(image)
    assert kiosk.nav.states[-2] == PaymentReceived(kiosk.row(), ReceiptProgress.PRINTED)  # Back shows it


@pytest.mark.asyncio
async def test_a_customer_gone_before_the_receipt_came_out_is_not_pulled_back(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.desk.during = kiosk.nav.home
    kiosk.clock.at(3, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert kiosk.nav.states == (Home(),)
    assert kiosk.row().receipt is ReceiptState.PRINTED
    assert kiosk.previews == []


@pytest.mark.asyncio
async def test_central_errors_back_off_doubling_up_to_max_poll_seconds_and_a_success_resets(
    build: Build,
) -> None:
    kiosk = build(ttl=timedelta(minutes=5))
    qr = await to_qr(kiosk)
    kiosk.central.failures["payment"] = [Unavailable("unreachable", "network down")] * 5
    kiosk.clock.at(95, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert kiosk.central.polls == [2, 6, 14, 30, 60, 90, 92, 94, 96]
    gaps = [b - a for a, b in zip(kiosk.central.polls, kiosk.central.polls[1:], strict=False)]
    assert gaps == [4, 8, 16, MAX_POLL_SECONDS, MAX_POLL_SECONDS, 2, 2, 2]
    # Meanwhile the QR stayed up and kept counting: failures to ask are not the customer's business.
    assert kiosk.countdown() == [(left, False) for left in range(300, 204, -1)]
    assert isinstance(kiosk.nav.current, PaymentReceived)


@pytest.mark.asyncio
async def test_at_the_end_of_its_time_the_qr_is_taken_off_until_the_central_says_it_expired(
    kiosk: Kiosk,
) -> None:
    kiosk.central.expires_late = timedelta(seconds=3)  # still "pending" for 3 s after the countdown ended
    qr = await to_qr(kiosk)
    await settle(kiosk)
    row = kiosk.row()
    assert kiosk.countdown() == [(left, False) for left in range(60, 0, -1)] + [(0, True)] * 3
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.EXPIRED, CUSTOMER, qr.payment.id, qr.payment.order)
    assert isinstance(kiosk.nav.states[-2], ChooseBills)
    assert (row.state, row.central_status) == (PaymentState.CLOSED, "expired")
    assert kiosk.flow.following is None
    assert await handed_to_the_keeper(kiosk, row.id)  # late money is still possible: the keeper watches


@pytest.mark.asyncio
async def test_after_its_time_the_qr_is_asked_about_every_tick_even_when_the_central_fails(
    kiosk: Kiosk,
) -> None:
    # What the code does today, reported: once the countdown is at 0 the condition `left == 0` makes every
    # tick a question, so neither poll_seconds nor the backoff applies (the `min(wait, poll)` for that case is
    # never used).
    await to_qr(kiosk)
    failing = [Unavailable("unreachable", "network down")] * 4
    kiosk.clock.at(59, lambda: kiosk.central.failures["payment"].extend(failing))
    await settle(kiosk)
    assert kiosk.central.polls[-6:] == [58, 60, 61, 62, 63, 64]
    assert kiosk.countdown()[-5:] == [(1, False)] + [(0, True)] * 4
    assert isinstance(kiosk.nav.current, PaymentStopped)
    assert kiosk.nav.current.why is PaymentEnd.EXPIRED


@pytest.mark.asyncio
async def test_a_payment_the_central_closed_while_shown_was_paid_elsewhere(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.clock.at(5, lambda: kiosk.central.close(payment_id(qr)))  # the bills were paid at the counter
    await settle(kiosk)
    row = kiosk.row()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.PAID_ELSEWHERE, CUSTOMER, row.id, row.order)
    assert kiosk.central.polls == [2, 4, 6]
    assert (row.state, row.central_status) == (PaymentState.CLOSED, "cancelled")


@pytest.mark.asyncio
async def test_a_new_qr_after_expiry_is_the_same_order_under_a_new_key_in_the_current_language(
    kiosk: Kiosk,
) -> None:
    first = await to_qr(kiosk, selected=1)
    await settle(kiosk)
    kiosk.session.language = "en"  # switched on the stopped screen
    await kiosk.flow.new_qr()
    second = kiosk.nav.current
    assert isinstance(second, PayByQr)
    assert kiosk.seen[-2] == Loading(Waiting.PAYMENT_QR, CODE)
    assert isinstance(kiosk.nav.states[-2], ChooseBills)  # the stopped screen was taken off
    assert (second.payment.payment_id, second.payment.idempotency_key) == ("pay_2", "key-2")
    assert second.payment.order == replace(first.payment.order, language="en")
    assert second.seconds_left == 60
    assert kiosk.central.calls[-1] == ("create", "key-2")
    assert kiosk.flow.following == second.payment.id


# ---------------------------------------------------------------------------------------------- screens over the QR
@pytest.mark.asyncio
async def test_a_qr_under_call_staff_is_not_followed_and_resumes_where_its_countdown_is(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.clock.at(3, lambda: kiosk.nav.go(StaffCalled()))
    await settle(kiosk)
    assert kiosk.flow.following is None
    assert kiosk.central.polls == [2]
    kiosk.clock.now = 20.0  # the customer talked with staff for a while
    kiosk.nav.back()
    kiosk.flow.resume()  # the app calls it whenever a QR comes back on top
    assert kiosk.flow.following == qr.payment.id
    kiosk.clock.at(25, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    # Back shows the QR as it was left; its countdown then goes on from when it was first shown.
    assert kiosk.countdown()[2:6] == [(58, False), (58, False), (39, False), (38, False)]
    assert kiosk.central.polls == [2, 22, 24, 26]
    assert isinstance(kiosk.nav.current, PaymentReceived)


@pytest.mark.asyncio
async def test_resume_never_starts_a_second_follower(kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> None:
    to_bills(kiosk)
    started: list[int] = []
    follow = kiosk.flow.follow

    async def counted(row_id: int, shown_at: float) -> None:
        started.append(row_id)
        await follow(row_id, shown_at)

    monkeypatch.setattr(kiosk.flow, "follow", counted)
    await kiosk.flow.pay()
    qr = kiosk.nav.current
    assert isinstance(qr, PayByQr)
    kiosk.nav.go(StaffCalled())
    kiosk.nav.back()  # before the follower's next tick: it is still running, and carries on
    kiosk.flow.resume()
    kiosk.flow.resume()
    kiosk.clock.at(2, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert started == [qr.payment.id]
    assert kiosk.central.polls == [2]
    assert isinstance(kiosk.nav.current, PaymentReceived)


@pytest.mark.asyncio
async def test_resume_follows_only_the_qr_that_is_shown(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.flow.resume()  # no QR
    assert kiosk.flow.following is None
    qr = await to_qr(kiosk)
    kiosk.nav.go(StaffCalled())
    await settle(kiosk)
    kiosk.nav.back()
    kiosk.nav.replace(replace(qr, payment=replace(qr.payment, id=qr.payment.id + 1)))  # not the one shown
    kiosk.flow.resume()
    assert kiosk.flow.following is None
    kiosk.nav.replace(qr)
    await kiosk.flow.cancel()
    kiosk.nav.go(qr)  # a QR that ended (its state, stale) follows nothing any more
    kiosk.flow.resume()
    assert kiosk.flow.following is None
    assert kiosk.central.polls == []


@pytest.mark.asyncio
async def test_money_found_while_the_customer_called_staff_is_shown_when_they_come_back(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)

    def paid_while_staff_was_called() -> None:
        kiosk.central.pay(payment_id(qr))
        kiosk.nav.go(StaffCalled())

    kiosk.central.during["payment"] = paid_while_staff_was_called
    await settle(kiosk)
    assert kiosk.nav.current == StaffCalled()  # the answer found the customer elsewhere: not pulled away
    assert kiosk.row().state is PaymentState.CONFIRMED
    assert kiosk.desk.receipts == []
    kiosk.nav.back()
    kiosk.flow.resume()
    await settle(kiosk)
    assert kiosk.nav.current == PaymentReceived(kiosk.row(), ReceiptProgress.PRINTED)
    assert kiosk.central.polls == [2, 4]


# ---------------------------------------------------------------------------------------------- cancel
@pytest.mark.asyncio
async def test_cancel_on_the_qr_cancels_it_on_the_central_and_says_so(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    await kiosk.flow.cancel()
    assert kiosk.seen[-2:] == [
        Loading(Waiting.CANCELLING, CODE),
        PaymentStopped(PaymentEnd.CANCELLED, CUSTOMER),
    ]
    assert isinstance(kiosk.nav.states[-2], ChooseBills)
    await settle(kiosk)
    assert kiosk.central.calls == [("create", "key-1"), ("cancel", "pay_1")]
    row = kiosk.row()
    assert (row.state, row.central_status, row.abandoned) == (PaymentState.CLOSED, "cancelled", True)
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()
    assert kiosk.flow.following is None
    assert kiosk.central.polls == []  # its follower stopped at its first tick
    assert await handed_to_the_keeper(kiosk, qr.payment.id)


@pytest.mark.asyncio
async def test_back_asks_before_cancelling_and_the_qr_is_still_followed(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.clock.at(2, kiosk.flow.ask_cancel)
    kiosk.clock.at(5, lambda: kiosk.central.pay(payment_id(qr)))  # paid from the phone while asked
    await settle(kiosk)
    asked = [s for s in kiosk.seen if isinstance(s, PayByQr) and s.asking_cancel]
    assert len(asked) > 1  # the question stayed on screen while the countdown went on
    assert [s.seconds_left for s in asked] == sorted({s.seconds_left for s in asked}, reverse=True)
    assert ("cancel", "pay_1") not in kiosk.central.calls  # asking cancels nothing
    row = kiosk.row()
    assert kiosk.nav.current == PaymentReceived(row, ReceiptProgress.PRINTED)  # the money is theirs
    assert kiosk.desk.receipts == [row.receipt_number]


@pytest.mark.asyncio
async def test_continue_paying_returns_to_the_same_qr(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.flow.ask_cancel()
    assert kiosk.nav.current == replace(qr, asking_cancel=True)
    kiosk.flow.ask_cancel()  # asked once, not stacked
    assert kiosk.nav.depth == len(kiosk.nav.states)
    kiosk.flow.keep_paying()
    assert kiosk.nav.current == qr
    kiosk.flow.keep_paying()  # nothing to answer now
    assert kiosk.nav.current == qr
    assert kiosk.central.calls == [("create", "key-1")]


@pytest.mark.asyncio
async def test_cancel_payment_on_the_question_cancels_it(kiosk: Kiosk) -> None:
    await to_qr(kiosk)
    kiosk.flow.ask_cancel()
    await kiosk.flow.cancel()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.CANCELLED, CUSTOMER)
    await settle(kiosk)
    assert ("cancel", "pay_1") in kiosk.central.calls


@pytest.mark.asyncio
async def test_cancel_after_the_money_came_shows_it_received(kiosk: Kiosk) -> None:
    qr = await to_qr(kiosk)
    kiosk.central.pay(payment_id(qr))
    await kiosk.flow.cancel()
    await settle(kiosk)
    row = kiosk.row()
    assert kiosk.nav.current == PaymentReceived(row, ReceiptProgress.PRINTED)
    assert kiosk.central.calls == [("create", "key-1"), ("cancel", "pay_1"), ("payment", "pay_1")]
    assert kiosk.desk.receipts == [row.receipt_number]


@pytest.mark.asyncio
async def test_a_cancel_the_central_did_not_confirm_is_said_and_left_to_the_keeper(kiosk: Kiosk) -> None:
    await to_qr(kiosk)
    kiosk.central.failures["cancel"] = [Unavailable("unreachable", "network down")]
    await kiosk.flow.cancel()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.CANCEL_UNCONFIRMED, CUSTOMER)
    row = kiosk.row()
    assert (row.state, row.abandoned) == (PaymentState.PENDING, True)
    assert await kiosk.keeper.reconcile() == []
    assert kiosk.central.calls[-2:] == [("payment", "pay_1"), ("cancel", "pay_1")]
    assert kiosk.row().state is PaymentState.CLOSED


@pytest.mark.asyncio
@pytest.mark.parametrize("central_answers", [True, False])
async def test_a_customer_gone_during_the_cancel_stays_where_they_went(
    kiosk: Kiosk, central_answers: bool
) -> None:
    qr = await to_qr(kiosk)
    kiosk.central.during["cancel"] = kiosk.nav.home
    if not central_answers:
        kiosk.central.failures["cancel"] = [Unavailable("unreachable", "network down")]
    await kiosk.flow.cancel()
    await settle(kiosk)
    assert kiosk.nav.states == (Home(),)
    assert not any(isinstance(s, PaymentStopped) for s in kiosk.seen)
    assert await handed_to_the_keeper(kiosk, qr.payment.id)
    assert kiosk.row().state is PaymentState.CLOSED


@pytest.mark.asyncio
async def test_cancel_elsewhere_does_nothing(kiosk: Kiosk) -> None:
    shown = await to_methods(kiosk)
    await kiosk.flow.cancel()
    assert kiosk.nav.current is shown
    assert kiosk.central.calls == []


# ---------------------------------------------------------------------------------------------- leaving
@pytest.mark.asyncio
@pytest.mark.parametrize("over", [None, StaffCalled(), IdleWarning(10)])
async def test_home_from_the_qr_cancels_it_in_the_background(kiosk: Kiosk, over: ScreenState | None) -> None:
    qr = await to_qr(kiosk)
    if over is not None:
        kiosk.nav.go(over)
    kiosk.flow.leave()  # what the frame's Home does, before clearing the stack
    kiosk.nav.home()
    assert kiosk.flow.following is None
    await settle(kiosk)
    assert kiosk.nav.states == (Home(),)
    assert kiosk.central.calls == [("create", "key-1"), ("cancel", "pay_1")]
    row = kiosk.row()
    assert (row.state, row.central_status, row.abandoned) == (PaymentState.CLOSED, "cancelled", True)
    assert await handed_to_the_keeper(kiosk, qr.payment.id)


@pytest.mark.asyncio
async def test_leaving_with_the_central_unreachable_leaves_the_cancel_to_the_keeper(kiosk: Kiosk) -> None:
    await to_qr(kiosk)
    kiosk.central.failures["cancel"] = [Unavailable("unreachable", "network down")]
    kiosk.flow.leave()
    kiosk.nav.home()
    await settle(kiosk)
    assert (kiosk.row().state, kiosk.row().abandoned) == (PaymentState.PENDING, True)
    assert await kiosk.keeper.reconcile() == []
    assert kiosk.central.calls[-1] == ("cancel", "pay_1")
    assert kiosk.row().state is PaymentState.CLOSED


@pytest.mark.asyncio
async def test_leaving_without_a_qr_asks_nothing(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.flow.leave()
    await settle(kiosk)
    assert kiosk.central.calls == []


@pytest.mark.asyncio
async def test_the_idle_timeout_cancels_a_qr_the_customer_walked_away_from(kiosk: Kiosk) -> None:
    wiped: list[str] = []
    idle = IdleFlow(
        kiosk.nav,
        kiosk.session,
        countdown_seconds=2,
        on_leaving=kiosk.flow.leave,
        on_wiped=lambda: wiped.append("x"),
    )
    kiosk.session.begin(BASE)
    kiosk.session.customer = CUSTOMER
    qr = await to_qr(kiosk)
    idle.idle()
    assert kiosk.nav.current is qr  # no warning over a QR: the customer is busy with their phone
    kiosk.nav.go(StaffCalled())  # ...but they called staff and walked away
    idle.idle()
    assert kiosk.nav.current == IdleWarning(2)
    idle.tick()
    idle.tick()
    await settle(kiosk)
    assert (kiosk.nav.states, wiped, kiosk.session.customer) == ((Home(),), ["x"], None)
    assert kiosk.central.calls[-1] == ("cancel", "pay_1")
    assert kiosk.row().state is PaymentState.CLOSED


@pytest.mark.asyncio
async def test_late_money_after_the_customer_left_is_recorded_with_its_receipt_for_staff(
    kiosk: Kiosk,
) -> None:
    qr = await to_qr(kiosk)
    await kiosk.flow.cancel()
    await settle(kiosk)
    kiosk.central.pay(payment_id(qr))  # the bank transfer was on its way
    assert await kiosk.keeper.reconcile(everything=True) == []
    row = kiosk.row()
    assert (row.state, row.receipt) == (PaymentState.CONFIRMED, ReceiptState.FOR_STAFF)
    assert kiosk.desk.receipts == []  # whoever is at the screen now would take it
    # Nobody is pulled to "received": the customer who cancelled has gone.
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.CANCELLED, CUSTOMER)


# ---------------------------------------------------------------------------------------------- found, then fixed
@pytest.mark.asyncio
async def test_an_unknown_outcome_the_customer_walked_away_from_is_settled_by_the_keeper(
    kiosk: Kiosk,
) -> None:
    to_bills(kiosk)
    kiosk.central.lose_answer = True  # the central made it; the kiosk does not know
    await kiosk.flow.pay()
    assert isinstance(kiosk.nav.current, PaymentStopped)
    kiosk.flow.leave()
    kiosk.nav.home()
    await kiosk.keeper.reconcile()
    assert kiosk.row().state is PaymentState.CLOSED
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()


@pytest.mark.asyncio
async def test_a_refused_qr_whose_cancel_failed_is_cancelled_later_by_the_keeper(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.tamper = _bad_crc
    kiosk.central.failures["cancel"] = [Unavailable("unreachable", "network down")]
    await kiosk.flow.pay()
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.QR_REFUSED, CUSTOMER)
    kiosk.flow.leave()
    kiosk.nav.home()
    await kiosk.keeper.reconcile()
    assert kiosk.row().state is PaymentState.CLOSED
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()


@pytest.mark.asyncio
async def test_try_again_on_a_payment_that_expired_meanwhile_says_it_expired(kiosk: Kiosk) -> None:
    to_bills(kiosk)
    kiosk.central.lose_answer = True
    await kiosk.flow.pay()
    kiosk.clock.now += 120  # the customer waited on the "no answer" screen longer than the QR's life
    await kiosk.flow.ask_again()
    row = kiosk.row()
    assert row.state is PaymentState.CLOSED
    assert not any(isinstance(s, PayByQr) for s in kiosk.seen)
    assert kiosk.nav.current == PaymentStopped(PaymentEnd.EXPIRED, CUSTOMER, row.id, row.order)


@pytest.mark.asyncio
async def test_a_receipt_printed_under_call_staff_shows_printed_when_the_customer_comes_back(
    kiosk: Kiosk,
) -> None:
    qr = await to_qr(kiosk)
    kiosk.desk.during = lambda: kiosk.nav.go(StaffCalled())  # "is my receipt coming?"
    kiosk.clock.at(3, lambda: kiosk.central.pay(payment_id(qr)))
    await settle(kiosk)
    assert kiosk.row().receipt is ReceiptState.PRINTED
    kiosk.nav.back()
    assert kiosk.nav.current == PaymentReceived(kiosk.row(), ReceiptProgress.PRINTED)


# ---------------------------------------------------------------------------------------------- any visit
@dataclass(frozen=True)
class Visit:
    """One customer at one QR, as a script in seconds since it was shown: when the money arrives (also after
    the customer left or the QR expired: late money), a Call staff over the QR and how long it lasts, how
    the customer leaves and when, the seconds at which the central fails a question, and whether it fails
    the first cancel."""

    money_at: int | None
    staff_call: tuple[int, int] | None
    leaves: tuple[str, int] | None
    failing_questions: frozenset[int]
    cancel_fails: bool


VISITS = st.builds(
    Visit,
    money_at=st.none() | st.integers(0, 90),
    staff_call=st.none() | st.tuples(st.integers(0, 70), st.integers(1, 30)),
    leaves=st.none() | st.tuples(st.sampled_from(["cancel", "home"]), st.integers(0, 70)),
    failing_questions=st.frozensets(st.integers(1, 80), max_size=12),
    cancel_fails=st.booleans(),
)


async def live(visit: Visit) -> None:
    kiosk = make_kiosk(PaymentJournal(":memory:", kiosk_id="K-01"))
    try:
        qr = await to_qr(kiosk)
        await play(kiosk, visit, payment_id(qr))
        await check(kiosk, visit, payment_id(qr))
    finally:
        await close(kiosk)


async def play(kiosk: Kiosk, visit: Visit, paid: str) -> None:
    clock, central, nav, flow = kiosk.clock, kiosk.central, kiosk.nav, kiosk.flow
    taps: list[asyncio.Future[None]] = []

    def call_staff(lasting: int) -> None:
        if isinstance(nav.current, PayByQr):
            nav.go(StaffCalled())
            clock.at(clock.now + lasting, come_back)

    def come_back() -> None:
        if isinstance(nav.current, StaffCalled):
            nav.back()
            flow.resume()  # as the app does whenever a QR comes back on top

    def leave(how: str) -> None:
        if how == "cancel":  # Cancel or Back on the QR (the frame's Back runs the same intent)
            taps.append(asyncio.ensure_future(flow.cancel()))
        else:  # Home, as the frame does it
            flow.leave()
            nav.home()

    if visit.money_at is not None:
        clock.at(visit.money_at, lambda: central.pay(paid))
    if visit.staff_call is not None:
        at, lasting = visit.staff_call
        clock.at(at, lambda: call_staff(lasting))
    if visit.leaves is not None:
        how, when = visit.leaves
        clock.at(when, lambda: leave(how))
    for second in visit.failing_questions:
        clock.at(second, lambda: central.failures["payment"].append(Unavailable("timeout", "no answer")))
    if visit.cancel_fails:
        central.failures["cancel"] = [Unavailable("unreachable", "network down")]
    while True:
        await settle(kiosk)
        await asyncio.gather(*taps)
        await settle(kiosk)
        if not clock.run_next():
            break


async def check(kiosk: Kiosk, visit: Visit, paid: str) -> None:
    row, seen = kiosk.row(), kiosk.seen
    ended = next(
        (i for i, s in enumerate(seen) if isinstance(s, PaymentReceived | PaymentStopped | Home)), len(seen)
    )
    assert not any(isinstance(s, PayByQr) for s in seen[ended:]), "a QR came back after its payment ended"
    assert kiosk.flow.following is None
    if any(isinstance(s, PaymentReceived) for s in seen):
        assert row.state is PaymentState.CONFIRMED, "received, but no money"
    assert len(kiosk.desk.receipts) <= 1
    if kiosk.desk.receipts:
        assert any(isinstance(s, PaymentReceived) for s in seen), "a receipt printed for nobody"
    if visit.leaves is None:
        # Nobody left: it ended as the journal says, received and printed, or expired.
        if row.state is PaymentState.CONFIRMED:
            assert kiosk.nav.current == PaymentReceived(row, ReceiptProgress.PRINTED)
            assert kiosk.desk.receipts == [row.receipt_number]
        else:
            assert kiosk.nav.current == PaymentStopped(PaymentEnd.EXPIRED, CUSTOMER, row.id, row.order)
    # Every payment was handed back to the keeper: once the central answers, the journal agrees with it, no
    # money is lost and nothing is left in flight.
    kiosk.central.failures = {"create": [], "payment": [], "cancel": []}
    assert await kiosk.keeper.reconcile(everything=True) == []
    row, central = kiosk.row(), kiosk.central.payments[paid]
    if central.status == "paid":
        assert row.state is PaymentState.CONFIRMED
        assert row.receipt in (ReceiptState.PRINTED, ReceiptState.FOR_STAFF)
    else:
        assert (row.state, row.central_status) == (PaymentState.CLOSED, central.status)
    assert kiosk.keeper.in_flight_bill_ids() == frozenset()


@settings(max_examples=60, deadline=None)
@given(visit=VISITS)
def test_any_visit_ends_with_the_screen_the_journal_and_the_central_in_agreement(visit: Visit) -> None:
    asyncio.run(live(visit))
