"""The payment flow as a hypothesis state machine: any order of customers, faults, money, counters, expiry,
restarts and reconciles keeps the four promises.

Rules act on the real keeper and the real reference central (one server for the whole test, put back to its
seed for each example). What must hold at every moment is an ``@invariant``; what must hold once everyone has
left and the kiosk has reconciled with the network working is checked by the ``settle`` rule and at teardown.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections import Counter
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from kiosk.central.errors import Conflict
from kiosk.config.settings import Settings
from kiosk.demo.simulator import DemoClient
from kiosk.language.catalogs import Translator
from kiosk.payments.journal import JournalPayment, Order
from tests.faults.harness.central import CUSTOMERS, TTL, CentralSeed, no_wait
from tests.faults.harness.payments import AppDesk, Kiosk, settle
from tests.faults.invariants.payments import check
from tests.faults.invariants.reading import read_central_payments, read_journal
from tests.faults.invariants.violations import InvariantError
from tests.helpers.central import RunningCentral
from tests.helpers.faulty_transport import ALL_FAULTS, Fault, FaultPlan, FaultyTransport, Step

T = TypeVar("T")

SETTINGS = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


class PaymentMachine(RuleBasedStateMachine):
    """One kiosk, its customers and the outside world. Set up by :func:`machine_for` with the shared central."""

    central: RunningCentral
    seed: CentralSeed
    orders: dict[str, tuple[Order, ...]]
    workdir: Path
    app_parts: tuple[Settings, Translator]
    counter = itertools.count()
    tally: Counter[str]  # what the examples did, for the summary line

    rows = Bundle("rows")

    def __init__(self) -> None:
        super().__init__()
        self.seed.restore()
        self.loop = asyncio.new_event_loop()
        self.plan = FaultPlan()
        transport = FaultyTransport(self.plan, slow_seconds=0.001)
        self.client = self.run(self._client(transport))
        number = next(self.counter)
        self.journal_path = self.workdir / f"machine-{number}.sqlite3"
        # The app's own desk and print journal: nothing but the app's code keeps a receipt from printing twice.
        self.kiosk = Kiosk(
            self.client,
            self.journal_path,
            AppDesk(*self.app_parts, self.workdir / f"machine-{number}-print.sqlite3"),
        )

    async def _client(self, transport: FaultyTransport) -> DemoClient:
        return DemoClient(
            self.central.url, self.central.token, timeout=5.0, retries=2, transport=transport, sleep=no_wait
        )

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def journal_row(self, row_id: int) -> JournalPayment:
        return self.kiosk.journal.get(row_id)

    # ------------------------------------------------------------------ customers at the screen
    @initialize(target=rows, customer=st.sampled_from(CUSTOMERS), bills=st.integers(1, 3))
    def first_customer(self, customer: str, bills: int) -> object:
        return self.open_payment(customer, bills)

    @rule(target=rows, customer=st.sampled_from(CUSTOMERS), bills=st.integers(1, 3))
    def open_payment(self, customer: str, bills: int) -> object:
        choices = self.orders[customer]
        row = self.run(self.kiosk.screen.show_qr(choices[min(bills, len(choices)) - 1]))
        return multiple() if row is None else row.id

    @rule(row_id=rows, times=st.integers(1, 3))
    def poll(self, row_id: int, times: int) -> None:
        """The QR screen asks; once confirmed, the receipt is printed for the customer (as the flow does)."""
        self.run(self.kiosk.screen.poll(row_id, times))
        self.run(self.kiosk.screen.print_if_confirmed(row_id))

    @rule(row_id=rows)
    def cancel(self, row_id: int) -> None:
        self.run(self.kiosk.screen.press_cancel(row_id))

    @rule(row_id=rows)
    def walk_away(self, row_id: int) -> None:
        self.run(self.kiosk.screen.walk_away(row_id))

    @rule(row_id=rows)
    def leave(self, row_id: int) -> None:
        """The screen lets go of it without a cancel (the QR expired on screen, the flow was torn down)."""
        self.kiosk.screen.leave(row_id)

    # ------------------------------------------------------------------ the network
    @rule(step=st.sampled_from(Step), fault=st.sampled_from(ALL_FAULTS), times=st.integers(1, 3))
    def inject_fault(self, step: Step, fault: Fault, times: int) -> None:
        self.plan.queue(step, fault, times)

    @rule(probability=st.sampled_from([0.0, 0.2, 0.5]), seed=st.integers(0, 2**32 - 1))
    def weather(self, probability: float, seed: int) -> None:
        """From now on each payment request breaks with this probability (a fault drawn by ``seed``)."""
        self.plan.rng = random.Random(seed)
        self.plan.probability = probability
        self.plan.clear()

    # ------------------------------------------------------------------ the outside world
    @rule(row_id=rows)
    def bank_transfer(self, row_id: int) -> None:
        row = self.journal_row(row_id)
        if row.reference is not None:
            self.run(self.client.sim_bank_transfer(row.reference, row.amount))

    @rule(row_id=rows)
    def bank_transfer_twice(self, row_id: int) -> None:
        self.bank_transfer(row_id)
        self.bank_transfer(row_id)

    @rule(row_id=rows, which=st.integers(0, 2))
    def paid_elsewhere(self, row_id: int, which: int) -> None:
        bill_ids = self.journal_row(row_id).order.bill_ids
        with contextlib.suppress(Conflict):  # already paid
            self.run(self.client.sim_counter_payment(bill_ids[min(which, len(bill_ids) - 1)]))

    @rule(extra=st.integers(1, 600))
    def expire(self, extra: int) -> None:
        self.central.clock.advance(TTL + timedelta(seconds=extra))

    # ------------------------------------------------------------------ the kiosk
    @rule()
    def restart(self) -> None:
        self.kiosk.restart()

    @rule(everything=st.booleans())
    def reconcile(self, everything: bool) -> None:
        self.run(self.kiosk.keeper.reconcile(everything=everything))

    @rule()
    def settle(self) -> None:
        """Everyone leaves, the network is fixed, the kiosk reconciles: then the promises hold in full."""
        self.run(settle(self.kiosk.keeper, self.plan))
        self.plan.on()
        self.check(settled=True)

    # ------------------------------------------------------------------ the promises
    def check(self, *, settled: bool) -> None:
        view = read_central_payments(self.central)
        violations = check(view, read_journal(self.journal_path), self.kiosk.desk.printed, settled=settled)
        if violations:
            raise InvariantError(violations, "settled:" if settled else "at any moment:")

    @invariant()
    def promises_hold_at_every_moment(self) -> None:
        self.check(settled=False)

    @invariant()
    def bills_the_central_is_collecting_are_in_flight_here(self) -> None:
        """While the central can still collect a bill through a payment of this kiosk, the kiosk shows it
        "awaiting confirmation" and starts no second payment for it (judged by the central's records, not by
        the journal the keeper reads)."""
        collecting = {
            bill
            for payment in read_central_payments(self.central).payments.values()
            if payment.status == "pending"
            for bill in payment.bill_ids
        }
        missing = collecting - self.kiosk.keeper.in_flight_bill_ids()
        assert not missing, f"bills {sorted(missing)} are being collected on the central, not in flight here"

    def teardown(self) -> None:
        try:
            self.settle()
            self.tally["examples"] += 1
            self.tally.update(f"fault:{fault}" for fault in self.plan.injected.elements())
            self.tally.update(f"payment:{row.state}" for row in read_journal(self.journal_path))
            self.tally.update(
                f"receipt:{row.receipt}" for row in read_journal(self.journal_path) if row.receipt
            )
            self.tally["late confirmations"] += sum(
                p.late for p in read_central_payments(self.central).payments.values()
            )
            self.tally["restarts"] += self.kiosk.restarts
        finally:
            self.kiosk.close()
            self.run(self.client.aclose())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


def test_the_payment_state_machine_keeps_every_promise(
    seeded_central: tuple[RunningCentral, CentralSeed],
    orders: dict[str, tuple[Order, ...]],
    app_parts: tuple[Settings, Translator],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, seed = seeded_central

    class Machine(PaymentMachine):
        central = server
        workdir = tmp_path

    Machine.seed = seed
    Machine.orders = orders
    Machine.app_parts = app_parts
    Machine.tally = Counter()
    run_state_machine_as_test(Machine, settings=SETTINGS)  # type: ignore[no-untyped-call]
    with capsys.disabled():
        print("\npayment state machine: " + ", ".join(f"{k}={v}" for k, v in sorted(Machine.tally.items())))
