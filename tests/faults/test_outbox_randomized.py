"""A thousand seeded kiosk sessions of service requests and outage reports on a bad network, and the outbox's
five promises after every one of them.

Each scenario draws, from a generator seeded by ``(seed, scenario number)``: 1 to 3 submissions (a service
request of a service drawn from the central's catalogue, its form filled in from the service's own schema and
confirmed by a verified one-time code; or an outage report); whether the scenario makes a submission one the
central refuses, and how (a customer code no account has, 5 %; for a request, an answer past the service's
limits, 6 %, or the code of an earlier request of the scenario, 6 %: whichever of the two the central sees
second is refused as ``otp_used``); what happens to the screen's attempt right after each is added (the screen
waits for it; its deadline strikes while the request is held before it leaves, or after the central committed
it and before the answer arrives; or the kiosk goes down before anything is sent); whether the central is down
during that attempt; whether the kiosk restarts there (with a held send: while it is in flight); how likely
each submission is to break and how (the eleven faults of ``EXTENDED_FAULTS``, among them an answer that
really outlasts the courier's 0.3 s timeout and two copies racing on the central, and a proxy's 404 page);
whether the background loop runs alongside the customers; whether the central's clock jumps past the 7 days a
verified code confirms a request (15 %, after one of the customers or when they have all gone: the codes of
whatever still waits expire); whether the central is down when they have gone, and for how long; whether the
kiosk restarts while the loop drains the outbox. Then the loop drains it, faults still on, and
:mod:`tests.faults.invariants.requests` judges the central's database and the outbox file: every reference on
a slip is delivered, or refused with a reason staff see (``Outbox.refusals()``), and only where the scenario
made it refusable, with the code the central's rules give (a code that expired only if the item had not
reached the central before the clock moved).

The summary counts, per family, in how many scenarios it was drawn and in how many it really happened (a
fault kind injected, the central refusing while down, a restart at its point, a send still in flight when
the deadline or the restart came, a refusal of each code), and what each submission made refusable became.

One reference central serves the run (the scenarios read only the rows made after their start; its clock only
moves forward); each scenario has a fresh outbox file and its own phones. The kiosk's clock is a fake one that
its sleeps move, so the backoff's minutes take no time. Replay::

    OUTBOX_FAULT_SEED=<seed> OUTBOX_FAULT_ONLY=<scenario> python3 -m pytest tests/faults/test_outbox_randomized.py -s

``OUTBOX_FAULT_SCENARIOS`` sets how many run (1000 by default); ``OUTBOX_FAULT_REPORT`` names a JSON file for
the summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

import pytest

from kiosk.central.errors import NotFound
from kiosk.central.models import Service
from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery, OutboxKind
from kiosk_central.service_requests import VERIFIED_OTP_TTL
from tests.faults.harness.central import FakeClock, fast_directory, no_wait, remove_database
from tests.faults.harness.requests import (
    UNKNOWN_CUSTOMER,
    Code,
    Hold,
    HoldingTransport,
    RequestKiosk,
    Submission,
    SubmitFaults,
    outage_report,
    service_request,
)
from tests.faults.invariants.reading import OutboxRow, central_mark, read_central_submissions, read_outbox
from tests.faults.invariants.requests import (
    DELIVERED,
    Expectations,
    Submitted,
    check,
    none_duplicated,
    none_lost,
    read_accepted_at,
)
from tests.faults.invariants.violations import InvariantError
from tests.helpers.central import RunningCentral, running_central
from tests.helpers.faulty_transport import EXTENDED_FAULTS, Fault, FaultyTransport

DEFAULT_SEED = 20251123
SEED = int(os.environ.get("OUTBOX_FAULT_SEED", str(DEFAULT_SEED)))
SCENARIOS = int(os.environ.get("OUTBOX_FAULT_SCENARIOS", "1000"))
ONLY = os.environ.get("OUTBOX_FAULT_ONLY")
REPORT = os.environ.get("OUTBOX_FAULT_REPORT")
MAX_FAILURES_LISTED = 20
# The nine of the vocabulary, an answer that outlasts the client's timeout, two copies racing on the central,
# and a proxy's own 404 page after the central committed (an error without the contract's body: the courier
# must take it as "outcome unknown", not as a refusal).
FAULTS = (*EXTENDED_FAULTS, Fault.PROXY_404_AFTER)
# The courier's client waits this long for an answer: ``too_slow`` answers after it, for real, so each costs
# this much of the run's time (the central answers here in milliseconds).
COURIER_TIMEOUT = 0.3
# How far the central's clock moves to expire the codes of the items waiting: past a verified code's 7 days.
EXPIRY_JUMP = int(VERIFIED_OTP_TTL.total_seconds()) + 3600


class Attempt(StrEnum):
    """What happens to the screen's attempt right after the submission is added."""

    WAITS = "waits"  # the screen waits for the courier: delivered, or "saved on this kiosk"
    CUT_BEFORE_SEND = "cut_before_send"  # the deadline strikes before the request has left the kiosk
    CUT_AFTER_COMMIT = "cut_after_commit"  # ... after the central committed it, before the answer came
    NONE = "none"  # the kiosk goes down right after the add: nothing was sent


HOLDS = {Attempt.CUT_BEFORE_SEND: Hold.BEFORE_SEND, Attempt.CUT_AFTER_COMMIT: Hold.AFTER_COMMIT}


class Defect(StrEnum):
    """What makes a submission one the central refuses, on purpose; named by the refusal it must get."""

    INVALID_FIELDS = "invalid_fields"  # an answer beyond the service's limits
    UNKNOWN_CUSTOMER = "customer_not_found"  # a well-formed customer code no account has
    CODE_USED = "otp_used"  # confirmed with the code of an earlier request of the scenario


@dataclass(frozen=True)
class ItemPlan:
    kind: OutboxKind
    service: str | None
    attempt: Attempt
    down: bool  # the central cannot be reached during the screen's attempt
    restart: bool  # the kiosk restarts after it (a cut attempt: while the send is held in flight)
    defect: Defect | None = None


@dataclass(frozen=True)
class Scenario:
    seed: int
    number: int
    items: tuple[ItemPlan, ...]
    fault_probability: float
    alongside: bool  # the background loop runs while the customers are at the screen
    down_after: float | None  # the central is down for this many seconds when the customers have gone
    restart_in_drain: bool
    # The central's clock jumps past the 7 days of the codes verified so far after this many customers (as
    # many as there are: when they have gone, before the outbox drains); None: it does not move.
    expire_after: int | None = None

    @property
    def replay(self) -> str:
        return f"OUTBOX_FAULT_SEED={self.seed} OUTBOX_FAULT_ONLY={self.number}"

    @staticmethod
    def rng(seed: int, number: int) -> random.Random:
        return random.Random(f"outbox-faults/{seed}/{number}")

    @classmethod
    def draw(cls, seed: int, number: int, rng: random.Random, services: list[str]) -> Scenario:
        items: list[ItemPlan] = []
        for _ in range(rng.randint(1, 3)):
            attempt = rng.choice(
                (
                    Attempt.WAITS,
                    Attempt.WAITS,
                    Attempt.CUT_BEFORE_SEND,
                    Attempt.CUT_AFTER_COMMIT,
                    Attempt.NONE,
                )
            )
            requested = rng.random() < 0.7
            items.append(
                ItemPlan(
                    kind=OutboxKind.SERVICE_REQUEST if requested else OutboxKind.OUTAGE_REPORT,
                    service=rng.choice(services) if requested else None,
                    attempt=attempt,
                    down=rng.random() < 0.2,
                    restart=attempt is Attempt.NONE or rng.random() < 0.2,
                    defect=cls.draw_defect(rng, requested=requested, earlier=items),
                )
            )
        return cls(
            seed=seed,
            number=number,
            items=tuple(items),
            fault_probability=rng.choice((0.0, 0.15, 0.3, 0.5)),
            alongside=rng.random() < 0.3,
            down_after=rng.choice((None, None, rng.uniform(1, 900))),
            restart_in_drain=rng.random() < 0.2,
            expire_after=rng.randint(1, len(items)) if rng.random() < 0.15 else None,
        )

    @staticmethod
    def draw_defect(rng: random.Random, *, requested: bool, earlier: list[ItemPlan]) -> Defect | None:
        """About one submission in six is made one the central refuses; the rest are valid."""
        draw = rng.random()
        if draw < 0.05:
            return Defect.UNKNOWN_CUSTOMER
        if not requested:
            return None
        if draw < 0.11:
            return Defect.INVALID_FIELDS
        if draw < 0.17 and any(i.kind is OutboxKind.SERVICE_REQUEST for i in earlier):
            return Defect.CODE_USED
        return None


@dataclass
class Summary:
    scenarios: int = 0
    seconds: float = 0.0
    items: Counter[str] = field(default_factory=Counter)
    services: Counter[str] = field(default_factory=Counter)
    attempts: Counter[str] = field(default_factory=Counter)
    at_screen: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    refused_while_down: int = 0
    down_periods: int = 0
    restarts: Counter[str] = field(default_factory=Counter)
    sends: int = 0
    most_sends: int = 0
    central_rows: int = 0
    delivered: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # items, by the central's refusal code
    made_refusable: Counter[str] = field(default_factory=Counter)  # items, by what the scenario did
    refusable_ended: Counter[str] = field(default_factory=Counter)  # "<what was done> -> <how it ended>"
    lost: int = 0
    duplicated: int = 0
    violations: int = 0
    # Per family: in how many scenarios it was drawn, and in how many it really happened.
    drawn: Counter[str] = field(default_factory=Counter)
    reached: Counter[str] = field(default_factory=Counter)
    # Per restart point and per cut attempt: drawn, and how many really came at that point.
    points_drawn: Counter[str] = field(default_factory=Counter)
    points_reached: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def text(self) -> str:
        def counts(c: Counter[str]) -> str:
            return ", ".join(f"{k}={v}" for k, v in sorted(c.items())) or "none"

        def reach(drawn: Counter[str], reached: Counter[str]) -> str:
            return ", ".join(f"{k} {reached[k]}/{drawn[k]}" for k in sorted(drawn | reached)) or "none"

        return "\n".join(
            [
                f"outbox fault scenarios: {self.scenarios} (seed {SEED}) in {self.seconds:.1f} s",
                f"  items added ({sum(self.items.values())}): {counts(self.items)}",
                f"  services requested ({len(self.services)} of the catalogue): {counts(self.services)}",
                f"  screen attempts: {counts(self.attempts)}",
                f"  what the screen could tell the customer: {counts(self.at_screen)}",
                f"  faults injected at submit ({sum(self.faults.values())}): {counts(self.faults)}",
                f"  central down: {self.down_periods} periods, {self.refused_while_down} requests refused",
                f"  kiosk restarts ({sum(self.restarts.values())}): {counts(self.restarts)}",
                f"  restart points and cut attempts, happened/drawn: {reach(self.points_drawn, self.points_reached)}",
                f"  scenarios per family, reached/drawn: {reach(self.drawn, self.reached)}",
                f"  submissions sent: {self.sends} (at most {self.most_sends} for one item)",
                f"  made refusable ({sum(self.made_refusable.values())}): {counts(self.made_refusable)}",
                f"  how they ended: {counts(self.refusable_ended)}",
                f"  refused ({sum(self.refused.values())}), by code: {counts(self.refused)}",
                f"  central rows made: {self.central_rows}; items delivered: {self.delivered}",
                f"  lost: {self.lost}; duplicated: {self.duplicated}",
                f"  scenarios with invariant violations: {self.violations}",
            ]
        )

    def as_json(self) -> dict[str, object]:
        return {
            "seed": SEED,
            "scenarios": self.scenarios,
            "seconds": round(self.seconds, 1),
            "items": dict(self.items),
            "services": dict(self.services),
            "attempts": dict(self.attempts),
            "at_screen": dict(self.at_screen),
            "faults": dict(self.faults),
            "down_periods": self.down_periods,
            "refused_while_down": self.refused_while_down,
            "restarts": dict(self.restarts),
            "points": {
                k: {"drawn": self.points_drawn[k], "happened": self.points_reached[k]}
                for k in sorted(self.points_drawn | self.points_reached)
            },
            "families": {
                k: {"drawn": self.drawn[k], "reached": self.reached[k]}
                for k in sorted(self.drawn | self.reached)
            },
            "sends": self.sends,
            "most_sends": self.most_sends,
            "made_refusable": dict(self.made_refusable),
            "refusable_ended": dict(self.refusable_ended),
            "refused": dict(self.refused),
            "central_rows": self.central_rows,
            "delivered": self.delivered,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "violations": self.violations,
        }


class Run:
    """One scenario being played, with the kiosk restarting where the scenario says."""

    def __init__(
        self,
        scenario: Scenario,
        rng: random.Random,
        kiosk: RequestKiosk,
        client: DemoClient,
        services: dict[str, Service],
        faults: SubmitFaults,
        holding: HoldingTransport,
        summary: Summary,
    ) -> None:
        self.scenario = scenario
        self.rng = rng
        self.kiosk = kiosk
        self.client = client  # the customers' (codes, the demo's clock); the courier has its own
        self.services = services
        self.faults = faults
        self.holding = holding
        self.summary = summary
        self.told: list[str] = []
        self.submitted: dict[str, Submitted] = {}
        self.made: dict[str, str] = {}  # reference -> what the scenario did to make it refusable
        self.codes: list[Code] = []
        self.reached: set[str] = set()  # the families this scenario really reached
        self._stop_loop = asyncio.Event()

    def start_loop(self) -> None:
        self._stop_loop = asyncio.Event()
        stop = self._stop_loop
        self.kiosk.start(lambda: self.kiosk.courier.run(stop))

    async def restart(self, where: str, *, reached: bool = True) -> None:
        """Restart the kiosk; ``reached``: at the point the scenario drew (a send meant to be in flight may
        have ended before)."""
        await self.kiosk.restart()
        self.summary.restarts[where] += 1
        if reached:
            self.reached.add(f"restart_{where}")
        if self.scenario.alongside:
            self.start_loop()

    async def play(self) -> None:
        if self.scenario.alongside:
            self.start_loop()
        for number, plan in enumerate(self.scenario.items, 1):
            await self.customer(plan)
            if number == self.scenario.expire_after:
                await self.expire_codes()
        self._stop_loop.set()
        if self.scenario.down_after is not None:
            self.faults.down_until = self.kiosk.clock() + timedelta(seconds=self.scenario.down_after)
            self.summary.down_periods += 1
        refused_before = self.faults.refused_while_down
        if self.scenario.restart_in_drain:
            self.summary.points_drawn["while_draining"] += 1
        if self.scenario.restart_in_drain and self.kiosk.outbox.depth():
            stop = asyncio.Event()
            self.kiosk.start(lambda: self.kiosk.courier.run(stop))
            for _ in range(self.rng.randint(0, 30)):
                await asyncio.sleep(0)
            self.summary.points_reached["while_draining"] += 1
            await self.restart("while_draining")
        await self.kiosk.drain(seconds=30)
        if self.faults.refused_while_down > refused_before:
            self.reached.add("central_down_after")

    async def expire_codes(self) -> None:
        """The central's clock jumps past the 7 days of every code verified so far, while whatever has not
        reached it waits in the outbox (a kiosk offline for more than a week)."""
        waiting = {i.reference for i in self.kiosk.outbox.pending()}
        if any(r in waiting and self.submitted[r].otp_id is not None for r in self.told):
            self.reached.add("clock_jump_with_requests_queued")
        await self.client.sim_advance_clock(EXPIRY_JUMP)

    async def submission(self, plan: ItemPlan) -> Submission:
        if plan.kind is OutboxKind.OUTAGE_REPORT:
            unknown = plan.defect is Defect.UNKNOWN_CUSTOMER
            return outage_report(self.rng, UNKNOWN_CUSTOMER if unknown else None)
        assert plan.service is not None
        self.summary.services[plan.service] += 1
        return await service_request(
            self.client,
            self.services[plan.service],
            self.rng,
            code=self.codes[-1] if plan.defect is Defect.CODE_USED else None,
            customer=UNKNOWN_CUSTOMER if plan.defect is Defect.UNKNOWN_CUSTOMER else None,
            invalid=plan.defect is Defect.INVALID_FIELDS,
        )

    async def customer(self, plan: ItemPlan) -> None:
        submission = await self.submission(plan)
        item = self.kiosk.outbox.add(submission.kind, submission.payload, submission.summary)
        self.told.append(item.reference)  # on the slip from here on
        code = submission.code
        if plan.defect is Defect.CODE_USED:
            # The first request of the code may as well be the one refused: whichever the central sees second.
            first = next(r for r in self.told if self.submitted[r].otp_id == self.codes[-1].otp_id)
            if first not in self.made:
                self.made[first] = "otp_shared"
                self.summary.made_refusable["otp_shared"] += 1
        elif code is not None:
            self.codes.append(code)
        static = plan.defect if plan.defect in (Defect.INVALID_FIELDS, Defect.UNKNOWN_CUSTOMER) else None
        self.submitted[item.reference] = Submitted(
            refusal=static,
            otp_id=code.otp_id if code is not None else None,
            valid_until=code.valid_until if code is not None else None,
        )
        if plan.defect is not None:
            self.made[item.reference] = str(plan.defect)
            self.summary.made_refusable[plan.defect] += 1
        self.summary.items[plan.kind] += 1
        self.summary.attempts[plan.attempt] += 1
        self.faults.down = plan.down
        if plan.down:
            self.summary.down_periods += 1
        refused_before = self.faults.refused_while_down
        try:
            match plan.attempt:
                case Attempt.WAITS:
                    after = await self.kiosk.courier.deliver(item.id)
                    told = {
                        Delivery.DELIVERED: "delivered",
                        Delivery.QUEUED: "saved_on_kiosk",
                        Delivery.REFUSED: "refused",
                    }
                    self.summary.at_screen[told.get(after.state, str(after.state))] += 1
                case Attempt.CUT_BEFORE_SEND | Attempt.CUT_AFTER_COMMIT:
                    await self.cut(item.id, plan.attempt, restart=plan.restart)
                    self.summary.at_screen["saved_on_kiosk_deadline"] += 1
                case Attempt.NONE:
                    self.summary.at_screen["kiosk_went_down"] += 1
        finally:
            self.faults.down = False
        if self.faults.refused_while_down > refused_before:
            self.reached.add("central_down_at_the_screen")
        if plan.restart and plan.attempt not in HOLDS:
            where = "after_add" if plan.attempt is Attempt.NONE else "after_the_screen"
            self.summary.points_drawn[where] += 1
            self.summary.points_reached[where] += 1
            await self.restart(where)

    async def cut(self, item_id: int, attempt: Attempt, *, restart: bool) -> None:
        """The screen's attempt, held in flight at the attempt's hold (unless a fault, the central down, or
        the loop alongside ends it first), then cut by the screen's deadline or by a kiosk restart."""
        hold = HOLDS[attempt]
        held = self.holding.arm(hold)
        sending = self.kiosk.start(lambda: self.kiosk.courier.deliver(item_id))
        holding = asyncio.ensure_future(held.wait())
        try:
            await asyncio.wait({sending, holding}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            holding.cancel()
        # What was drawn happens at its point only if the send is still held there.
        in_flight = held.is_set() and not sending.done()
        point = f"in_flight_{hold}" if restart else f"deadline_{attempt}"
        self.summary.points_drawn[point] += 1
        self.summary.points_reached[point] += in_flight
        if restart:
            where = f"in_flight_{hold}" if in_flight else f"meant_in_flight_{hold}_but_it_had_ended"
            await self.restart(where, reached=in_flight)
        else:
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
        # Anything else still held (the loop alongside may have sent it) gets the network's timeout.
        self.holding.release()

    def count(self, outbox: Sequence[OutboxRow], central_now: datetime) -> None:
        """What this scenario reached, once it was judged."""
        s = self.scenario
        items = {row.reference: row for row in outbox}
        for reference, made in self.made.items():
            self.summary.refusable_ended[f"{made} -> {_end(items[reference])}"] += 1
        for reference in self.told:
            sub = self.submitted[reference]
            expired = sub.valid_until is not None and sub.valid_until <= central_now
            if expired and reference not in self.made:
                self.summary.refusable_ended[f"code_expired -> {_end(items[reference])}"] += 1
        for row in outbox:
            if row.state == "refused":
                self.summary.refused[str(row.refusal)] += 1
                self.reached.add(f"refused_{row.refusal}")
        self.reached.update(f"fault_{f}" for f, n in self.faults.injected.items() if n)
        drawn = {f"restart_{where}" for where in self.restart_points()}
        drawn |= {f"refused_{d}" for d in {p.defect for p in s.items} if d is not None}
        if s.expire_after is not None:
            drawn.add("refused_otp_expired")
            drawn.add("clock_jump_with_requests_queued")
        if any(p.down for p in s.items):
            drawn.add("central_down_at_the_screen")
        if s.down_after is not None:
            drawn.add("central_down_after")
        if s.fault_probability > 0:
            drawn |= {f"fault_{f}" for f in FAULTS}
        if s.alongside:
            drawn.add("loop_alongside")
            self.reached.add("loop_alongside")
        self.summary.drawn.update(drawn)
        self.summary.reached.update(self.reached)

    def restart_points(self) -> set[str]:
        points = {
            ("after_add" if p.attempt is Attempt.NONE else "after_the_screen")
            if p.attempt not in HOLDS
            else f"in_flight_{HOLDS[p.attempt]}"
            for p in self.scenario.items
            if p.restart
        }
        return points | ({"while_draining"} if self.scenario.restart_in_drain else set())


def _end(row: OutboxRow) -> str:
    return DELIVERED if row.state == "delivered" else f"{row.state} {row.refusal}"


async def play_scenario(
    number: int,
    central: RunningCentral,
    client: DemoClient,
    courier_client: DemoClient,
    faulty: FaultyTransport,
    holding: HoldingTransport,
    clock: FakeClock,
    services: dict[str, Service],
    workdir: Path,
    summary: Summary,
) -> None:
    rng = Scenario.rng(SEED, number)
    scenario = Scenario.draw(SEED, number, rng, sorted(services))
    faults = SubmitFaults(rng, probability=scenario.fault_probability, faults=FAULTS, clock=clock)
    faulty.plan = faults
    faulty.log.clear()
    holding.sent.clear()
    mark = central_mark(central.db_path)
    path = workdir / f"scenario-{number}.sqlite3"
    kiosk = RequestKiosk(courier_client, path, clock)
    run = Run(scenario, rng, kiosk, client, services, faults, holding, summary)
    try:
        try:
            await run.play()
            for_staff = {item.reference for item in kiosk.outbox.refusals()}
        except Exception as exc:  # anything escaping the screens or the drain is a finding
            summary.violations += 1
            summary.failures.append(f"{scenario.replay}: {scenario}\n{traceback.format_exception(exc)[-1]}")
            return
        finally:
            await kiosk.close()
        made, outbox = read_central_submissions(central.db_path, mark), read_outbox(path)
        central_now = central.clock.now()
        expect = Expectations(
            submitted=run.submitted,
            central_now=central_now,
            accepted_at=read_accepted_at(central.db_path, mark),
        )
        violations = check(made, outbox, run.told, expect, for_staff)
        summary.scenarios += 1
        summary.faults.update({str(k): v for k, v in faults.injected.items()})
        summary.refused_while_down += faults.refused_while_down
        summary.sends += sum(holding.sent.values())
        summary.most_sends = max(summary.most_sends, *holding.sent.values(), 0)
        summary.central_rows += len(made)
        summary.delivered += sum(1 for row in outbox if row.state == "delivered")
        summary.lost += len(none_lost(made, outbox, run.told, expect))
        summary.duplicated += len(none_duplicated(made, outbox))
        run.count(outbox, central_now)
        if violations:
            summary.violations += 1
            summary.failures.append(f"{scenario.replay}: {scenario}\n{InvariantError(violations)}")
    finally:
        remove_database(path)


def write_report(path: Path, summary: Summary) -> None:
    path.write_text(json.dumps(summary.as_json(), indent=2, sort_keys=True), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.asyncio
async def test_randomized_sessions_lose_nothing_and_send_nothing_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Thousands of expected retries are logged at INFO and WARNING; an ERROR from the courier is a finding.
    caplog.set_level(logging.ERROR)
    workdir = fast_directory(tmp_path)
    faulty = FaultyTransport(SubmitFaults(), slow_seconds=0.001)
    holding = HoldingTransport(faulty)
    clock = FakeClock()
    numbers = [int(ONLY)] if ONLY is not None else list(range(SCENARIOS))
    summary = Summary()
    started = time.perf_counter()
    try:
        with running_central(workdir / "central.db") as central:
            async with (
                DemoClient(central.url, central.token, timeout=5.0, retries=2, sleep=no_wait) as client,
                DemoClient(
                    central.url,
                    central.token,
                    timeout=COURIER_TIMEOUT,
                    retries=2,
                    transport=holding,
                    sleep=no_wait,
                ) as courier_client,
            ):
                services = {s.code: s for s in (await client.services()).services}
                with pytest.raises(NotFound):  # what makes an unknown customer's submission refusable
                    await client.customer(UNKNOWN_CUSTOMER)
                for number in numbers:
                    await play_scenario(
                        number,
                        central,
                        client,
                        courier_client,
                        faulty,
                        holding,
                        clock,
                        services,
                        workdir,
                        summary,
                    )
    finally:
        if workdir != tmp_path:
            shutil.rmtree(workdir, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    with capsys.disabled():
        print("\n" + summary.text())
    if REPORT:
        write_report(Path(REPORT), summary)
    if summary.violations:
        pytest.fail(
            f"{summary.violations} of {len(numbers)} scenarios broke a promise (seed {SEED}); replay one with "
            "the variables shown:\n\n" + "\n\n".join(summary.failures[:MAX_FAILURES_LISTED]),
            pytrace=False,
        )
    # Expected refusals are logged at WARNING; an ERROR from the courier is a finding.
    courier_errors = [r for r in caplog.records if r.name.startswith("kiosk.requests")]
    assert courier_errors == [], [r.getMessage() for r in courier_errors[:5]]
    assert summary.scenarios == len(numbers)
    assert (summary.lost, summary.duplicated) == (0, 0)
    assert summary.delivered == summary.central_rows
    assert summary.delivered + sum(summary.refused.values()) == sum(summary.items.values())
