"""Power cuts: danger at the grid, "no power at my home", and the outages planned in the customer's area.

Danger comes first and needs nothing: the hotline is on screen at the first tap, before any code is asked and
before the network is touched. Everything else starts from the customer code (the bill lookup's keypad or
scanner, opened for :attr:`~kiosk.flows.navigation.Feature.OUTAGES`), which names the area.

A report goes through the outbox (:mod:`kiosk.requests.outbox`) like a service request: it is saved on the kiosk
before it is sent, so on a weak network the customer is told honestly either "received by the power company" or
"saved on this kiosk, it will be sent automatically", and the courier keeps the promise.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from kiosk.central.errors import CentralError
from kiosk.customer.code import check_code
from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import EnterCode, LookupFailed, LookupProblem
from kiosk.flows.states.frame import Feature, Loading, Waiting
from kiosk.flows.states.outages import (
    DangerHotline,
    OutageOverview,
    OutageReported,
    OutageStart,
    ReportOutage,
)
from kiosk.requests.courier import Courier
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import ASSISTED_BY_STAFF, OutboxItem, OutboxKind, outage_report_payload

if TYPE_CHECKING:
    from kiosk.central.models import Customer, Outage, OutageList, OutageReportKind

__all__ = ["SCHEDULE_DAYS", "OutageFlow", "OutageSource", "in_progress", "upcoming"]

log = logging.getLogger(__name__)

SCHEDULE_DAYS = 7
"""How far ahead the kiosk shows planned outages: they are announced at least 5 days ahead, so a week covers
every announced one that matters to a customer standing here, without a list too long to read."""

_PURPOSE = "outages.purpose"  # in the session's journey, so that a wipe forgets it


class _Purpose(StrEnum):
    """Why the keypad was opened for the outages."""

    NO_POWER = "no_power"
    SCHEDULE = "schedule"
    DANGER = "danger"


class OutageSource(Protocol):
    """What the flow needs from the central (:class:`kiosk.central.CentralClient` is one)."""

    async def customer(self, code: str) -> Customer: ...

    async def outages(self, customer_code: str) -> OutageList: ...


def in_progress(outage: Outage, now: datetime) -> bool:
    """Happening at ``now`` (by the kiosk's clock: the list may have been fetched a while ago)."""
    return outage.start_at <= now < outage.expected_end_at


def upcoming(outages: Iterable[Outage], now: datetime, days: int = SCHEDULE_DAYS) -> tuple[Outage, ...]:
    """What the customer is shown: outages happening now (soonest restored first), then those starting in the
    next ``days`` days, soonest first. Ended ones and later ones are left out. Each one's ``status`` is set
    by ``now``, so that the screen and the printout say "now" of the same outages the flow does."""
    horizon = now + timedelta(days=days)
    shown = [
        o.model_copy(update={"status": "in_progress" if in_progress(o, now) else "scheduled"})
        for o in outages
        if o.expected_end_at > now and o.start_at <= horizon
    ]
    shown.sort(
        key=lambda o: (
            o.status != "in_progress",
            o.expected_end_at if o.status == "in_progress" else o.start_at,
        )
    )
    return tuple(shown)


class OutageFlow:
    """From the outage start screen to the hotline, the area's schedule, a report and its receipt."""

    def __init__(
        self,
        source: OutageSource,
        bills: BillLookupFlow,
        navigator: Navigator,
        session: CustomerSession,
        outbox: Outbox,
        courier: Courier,
        *,
        hotline: str | None,
        now: Callable[[], datetime],
        print_schedule: Callable[[Customer, tuple[Outage, ...]], Awaitable[bool]],
        send_wait: float,
    ) -> None:
        """``hotline``: the kiosk's own (its area's corporation), shown before a customer code is known.
        ``now`` is aware. ``send_wait``: how long a report screen waits for the central before telling the
        customer the report is saved on the kiosk."""
        self._source = source
        self._bills = bills
        self._nav = navigator
        self._session = session
        self._outbox = outbox
        self._courier = courier
        self._hotline = hotline
        self._now = now
        self._print_schedule = print_schedule
        self._send_wait = send_wait
        self._printing = False

    # ------------------------------------------------------------------ the start
    def start(self) -> None:
        self._nav.go(OutageStart())

    def danger(self) -> None:
        """The hotline, at once: nothing asked, nothing fetched."""
        self._nav.go(DangerHotline(self._hotline))

    def no_power(self) -> None:
        self._ask_code(_Purpose.NO_POWER)

    def schedule(self) -> None:
        self._ask_code(_Purpose.SCHEDULE)

    def report_danger(self) -> None:
        """From the hotline screen: the customer also wants the power company told (with their code)."""
        current = self._nav.current
        if isinstance(current, DangerHotline) and current.code is None:
            self._ask_code(_Purpose.DANGER)

    def _ask_code(self, purpose: _Purpose) -> None:
        self._session.journey[_PURPOSE] = purpose
        self._nav.go(self._bills.keypad(Feature.OUTAGES))

    # ------------------------------------------------------------------ the area
    async def code_entered(self, code: str) -> None:
        """A code typed or scanned on the keypad opened for the outages."""
        if not check_code(code).complete:
            self._nav.go(LookupFailed(LookupProblem.INVALID_CODE, code, can_retry=False))
            return
        asked = self._session.journey.get(_PURPOSE)
        purpose = asked if isinstance(asked, _Purpose) else _Purpose.SCHEDULE
        if purpose is _Purpose.DANGER:
            await self._danger_with_code(code)
            return

        async def fetch() -> tuple[Customer, OutageList]:
            customer, outages = await asyncio.gather(self._source.customer(code), self._source.outages(code))
            return customer, outages

        result = await self._bills.request(Waiting.OUTAGES, code, fetch, lambda: self.code_entered(code))
        if result is None:
            return
        customer, outages = result
        self._session.customer_code = code
        self._session.customer = customer
        self._nav.replace(
            OutageOverview(
                customer, upcoming(outages.outages, self._now()), reporting=purpose is _Purpose.NO_POWER
            )
        )

    async def _danger_with_code(self, code: str) -> None:
        """Back to the hotline screen the customer came from, with the report on its way. Nothing is looked up
        first: a danger report is saved even when the network is down, and no progress or failure screen ever
        takes the hotline's place. The keypad is taken off the way back, so that Back cannot send it twice."""
        while isinstance(self._nav.current, EnterCode | LookupFailed) and self._nav.depth > 1:
            self._nav.back()
        current = self._nav.current
        hotline = current.hotline if isinstance(current, DangerHotline) else self._hotline
        shown = DangerHotline(hotline, code)
        if isinstance(current, DangerHotline):
            self._nav.replace(shown)
        else:
            self._nav.go(shown)
        self._session.customer_code = code

        async def corporation_hotline() -> None:
            # The customer's own corporation's number, when the central can say which it is.
            try:
                customer = await self._source.customer(code)
            except CentralError as exc:
                log.info("no corporation hotline for a danger report: %s", type(exc).__name__)
                return
            self._session.customer = customer
            self._update_danger(code, hotline=customer.corporation.hotline)

        await asyncio.gather(corporation_hotline(), self._report_danger(code))

    def choose_report(self) -> None:
        current = self._nav.current
        if isinstance(current, OutageOverview):
            self._nav.go(ReportOutage(current.customer, current.outages))

    # ------------------------------------------------------------------ reports
    async def report(self, kind: OutageReportKind) -> None:
        current = self._nav.current
        if not isinstance(current, ReportOutage):
            return
        customer = current.customer
        if kind == "danger":
            # The hotline first, immediately; the report follows while the customer reads it.
            self._nav.go(DangerHotline(customer.corporation.hotline, customer.code))
            await self._report_danger(customer.code)
            return
        loading: ScreenState = Loading(Waiting.SENDING_REPORT, customer.code)
        self._nav.go(loading)
        item = await self._send(customer.code, kind)
        if self._nav.current is not loading:
            return  # the customer left; the report is safe in the outbox all the same
        known = next((o for o in current.outages if in_progress(o, self._now())), None)
        self._nav.replace(OutageReported(customer, kind, item, known))

    async def _report_danger(self, code: str) -> None:
        item = await self._send(code, "danger")
        self._update_danger(code, reported=item)

    def _update_danger(
        self, code: str, *, hotline: str | None = None, reported: OutboxItem | None = None
    ) -> None:
        """The hotline screen of this report, if it is still the customer's place, with what is now known."""
        current = self._nav.current
        if isinstance(current, DangerHotline) and current.code == code:
            self._nav.replace(
                replace(
                    current,
                    hotline=hotline or current.hotline,
                    reported=reported or current.reported,
                )
            )

    async def _send(self, code: str, kind: OutageReportKind) -> OutboxItem:
        """Saves the report on the kiosk, then gives the central ``send_wait`` seconds to take it. The item as
        it stands after: delivered, refused, or still queued for the courier."""
        summary = {"customer_code": code, "kind": kind, "language": self._session.language}
        if self._session.assisted_by_staff:
            summary["assisted"] = ASSISTED_BY_STAFF
        # Saved (and fsynced, off the GUI thread) before the first byte is sent: from here on it cannot be lost.
        payload = outage_report_payload(code, kind, "")
        item = await asyncio.to_thread(self._outbox.add, OutboxKind.OUTAGE_REPORT, payload, summary)
        try:
            item = await asyncio.wait_for(self._courier.deliver(item.id), self._send_wait)
        except TimeoutError:
            item = await asyncio.to_thread(self._outbox.get, item.id)
        self._courier.wake()
        log.info("outage report %s (%s): %s", item.reference, kind, item.state.value)
        return item

    # ------------------------------------------------------------------ paper
    async def print_schedule(self) -> None:
        current = self._nav.current
        if not isinstance(current, OutageOverview) or self._printing:
            return
        self._printing = True
        try:
            printed = await self._print_schedule(current.customer, current.outages)
        finally:
            self._printing = False
        # A preview printer shows its page on top: the overview below stays as it was.
        if self._nav.current is current:
            self._nav.replace(OutageOverview(current.customer, current.outages, current.reporting, printed))
