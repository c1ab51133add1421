"""Paying the chosen bills by QR: the QR with its countdown, and how it ended (and, only when the central offers
codes of different kinds, which one).

The central lists its payment methods with the kind of code each makes. A NAPAS VietQR is read by every banking
app and the big wallets, so it is one QR, shown at once: the customer taps Pay and sees the code, with apps named
under it as examples. Only a central that also issues a provider's own code (a wallet's, which only that wallet
reads) makes a choice to offer first (:func:`kiosk.payments.methods.offered`).

Every step that touches money goes through the :class:`~kiosk.payments.keeper.PaymentKeeper`, which journals it;
this flow only decides what the customer sees. While the QR is up, :meth:`PaymentFlow.follow` counts down and
keeps one long poll open to the central (``GET /v1/payments/{id}?wait=25``), which answers as soon as the bank's
notice arrives; when that push breaks (an error, a timeout, a central or proxy that answers at once every time)
it asks every ``poll_seconds`` instead (longer after failures) and tries the push again a minute later. When the
time is up the QR is taken off the screen and the kiosk asks every tick until the central says how the payment
ended, so a new QR is offered only once the old one's outcome is known. Leaving the QR in any way (Cancel, Back,
Home, idle timeout) cancels the payment on the central; money that still arrives is recorded by the keeper and
its receipt left for staff.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.central.errors import CentralError
from kiosk.flows.bill_lookup import BillLookupFlow
from kiosk.flows.navigation import Navigator
from kiosk.flows.session import CustomerSession
from kiosk.flows.states import ScreenState
from kiosk.flows.states.bills import ChooseBills
from kiosk.flows.states.frame import Loading, PrintPreview, Waiting
from kiosk.flows.states.payment import (
    ChooseMethod,
    PayByQr,
    PaymentEnd,
    PaymentReceived,
    PaymentStopped,
    ReceiptProgress,
)
from kiosk.payments.keeper import (
    OutcomeUnknownError,
    PaymentKeeper,
    PaymentRefusedError,
    QrRejectedError,
    order_for,
)
from kiosk.payments.methods import offered
from kiosk.payments.records import JournalPayment, PaymentState, ReceiptState

if TYPE_CHECKING:
    from kiosk.central.models import Bill, Customer, Payment, PaymentMethodInfo, PaymentMethods

log = logging.getLogger(__name__)

MAX_POLL_SECONDS = 30.0
# How long the central is asked to hold a long poll: it holds at most 30 s, and proxies commonly cut at 30-60 s.
LONG_POLL_SECONDS = 25
# After the push broke, how long the QR is followed by polling before the push is tried again.
PUSH_RETRY_SECONDS = 60.0
# Pending answers in a row that came back in less than half the wait asked: a central that does not know `wait`,
# or a proxy that cuts long requests. The push is not working on this path; polling is.
EARLY_ANSWERS = 3
# A long poll still unanswered this long after the wait it asked is stuck (a proxy holding it): broken.
OVERDUE_SECONDS = 5.0

_REFUSALS = {
    "bill_already_paid": PaymentEnd.PAID_ELSEWHERE,
    "older_bill_unpaid": PaymentEnd.PAID_ELSEWHERE,  # the bills changed since they were shown
    "bill_not_found": PaymentEnd.PAID_ELSEWHERE,
    "payment_in_progress": PaymentEnd.IN_PROGRESS,
}


class MethodSource(Protocol):
    async def payment_methods(self) -> PaymentMethods: ...


class PaymentNews(Protocol):
    """The central's long poll of a payment (:class:`kiosk.central.CentralClient` is one)."""

    async def payment(self, payment_id: str, wait: float = 0) -> Payment: ...


class Heard(Enum):
    NOTHING = "nothing"  # no answer yet, or "still pending": nothing to do
    CHANGED = "changed"  # the central says the payment is no longer pending: ask how it ended, now
    BROKE = "broke"  # the central answers at once every time (no push on this path): poll for now
    FAILED = "failed"  # the long poll failed or is stuck: poll for now, backing off as after a failed poll


class _Listener:
    """One followed QR's long poll: at most one open at a time, and whether the push works on this path.

    It only tells the follower *when* to ask: the follower's :meth:`PaymentKeeper.refresh` is what records the
    payment (under the keeper's lock, which a 25 s hold must not take: a cancel would wait for it)."""

    def __init__(
        self, news: PaymentNews, payment_id: str, hold: int, retry: float, poll: float, now: float
    ) -> None:
        self._news, self._payment_id = news, payment_id
        self._hold, self._retry, self._poll = hold, retry, poll
        self.task: asyncio.Task[str] | None = None
        self._asked_at, self._asked_wait = now, 0
        self._next_ask = now  # not before: after an early answer, asked at the polling pace, never faster
        self._early = 0
        self._off_until = -math.inf
        self._settled = False  # the payment is no longer pending on the central: nothing more to hear

    def pushing(self, now: float) -> bool:
        """Whether the push stands in for polling now."""
        return not self._settled and now >= self._off_until

    def open(self, now: float, left: int) -> None:
        """A long poll, if none is open, the push works and the QR has time left (the wait is that time at
        most: after it, the follower asks every tick)."""
        if self.task is not None or left <= 0 or not self.pushing(now) or now < self._next_ask:
            return
        self._asked_at, self._asked_wait = now, min(self._hold, left)
        self.task = asyncio.ensure_future(self._ask(self._asked_wait))

    async def _ask(self, wait: int) -> str:
        return (await self._news.payment(self._payment_id, wait=wait)).status

    def hear(self, now: float) -> Heard:
        task = self.task
        if task is None:
            return Heard.NOTHING
        if not task.done():
            if now > self._asked_at + self._asked_wait + OVERDUE_SECONDS:
                log.info("payment long poll unanswered %.0f s after its wait; polling", now - self._asked_at)
                return self._broke(now, Heard.FAILED)
            return Heard.NOTHING
        self.task = None
        try:
            status = task.result()
        except CentralError as exc:
            log.info("payment long poll failed (%s); polling for now", exc.code)
            return self._broke(now, Heard.FAILED)
        if status != "pending":
            self._settled = True
            return Heard.CHANGED
        if now - self._asked_at >= self._asked_wait / 2:
            self._early, self._next_ask = 0, now  # the central's wait ran out: ask again at once
            return Heard.NOTHING
        self._early += 1
        if self._early >= EARLY_ANSWERS:
            log.info("payment long poll answered at once %d times in a row; polling for now", self._early)
            return self._broke(now, Heard.BROKE)
        self._next_ask = self._asked_at + self._poll
        return Heard.NOTHING

    def _broke(self, now: float, why: Heard) -> Heard:
        self.close()
        self._early, self._off_until = 0, now + self._retry
        return why

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None


def seconds_left(payment: JournalPayment, shown_at: float, now: float) -> int:
    """Whole seconds of the QR's life left, counted on the kiosk's own clock from when it was shown (the
    central's clock may differ from the kiosk's; the length of its life does not)."""
    ttl = payment.ttl_seconds or 0.0
    return max(0, math.ceil(ttl - (now - shown_at)))


class PaymentFlow:
    def __init__(
        self,
        keeper: PaymentKeeper,
        methods: MethodSource,
        bills: BillLookupFlow,
        navigator: Navigator,
        session: CustomerSession,
        *,
        poll_seconds: float = 2.0,
        news: PaymentNews | None = None,
        long_poll_seconds: int = LONG_POLL_SECONDS,
        push_retry_seconds: float = PUSH_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        preview_of: Callable[[JournalPayment], Path | None] = lambda _: None,
    ) -> None:
        """``news``: the central's long poll, with which a QR is followed (``long_poll_seconds`` the hold asked,
        ``push_retry_seconds`` the polling after the push broke); without it, or with ``long_poll_seconds`` 0,
        a QR is polled every ``poll_seconds``."""
        if not 0 <= long_poll_seconds <= 30:
            raise ValueError("long_poll_seconds is 0 (no push) to 30 (the central holds at most 30 s)")
        self._news = news if long_poll_seconds else None
        self._hold = long_poll_seconds
        self._push_retry = push_retry_seconds
        self._keeper = keeper
        self._methods = methods
        self._bills = bills
        self._nav = navigator
        self._session = session
        self._poll = poll_seconds
        self._clock = clock
        self._sleep = sleep
        self._preview_of = preview_of
        self._tasks: set[asyncio.Task[None]] = set()
        # The QR on screen: its payment row and when it was first shown (its countdown's start). One at most:
        # a customer looks at one QR, and a QR that ended is forgotten.
        self._shown: tuple[int, float] | None = None
        # The one follower of that QR, known by its task: only a finished task frees the place for another.
        self._follower: asyncio.Task[None] | None = None
        # Payments stopped on "no answer" whose screen is still in the stack: the customer may try again under
        # the same key, so the keeper leaves them alone; once that screen is gone (Back, Home, idle), it settles
        # them (and cancels what was made).
        self._unanswered: set[int] = set()
        navigator.subscribe(self._hand_over_unanswered)

    # ------------------------------------------------------------------ paying
    async def pay(self) -> None:
        """Pay on the chosen bills: the central's methods are asked for; with one way to pay (a VietQR, which any
        app scans) its QR is made at once, in place of the progress screen; with codes of several kinds the
        customer chooses first; with none they are told so."""
        current = self._nav.current
        if not isinstance(current, ChooseBills):
            return
        customer, chosen = current.customer, tuple(current.unpaid.bills[: current.selected])
        in_flight = self._keeper.in_flight_bill_ids()
        if any(b.status == "pending_payment" or b.id in in_flight for b in chosen):
            self._nav.go(PaymentStopped(PaymentEnd.IN_PROGRESS, customer))
            return
        found = await self._bills.request(
            Waiting.PAYMENT_METHODS, customer.code, self._methods.payment_methods, self.pay
        )
        if found is None:
            return
        methods = offered(found.methods)
        if len(methods) == 1:
            await self._pay_by(customer, chosen, methods[0], replacing=True)
        else:
            self._nav.replace(ChooseMethod(customer, chosen, methods))

    async def pay_with(self, method: str) -> None:
        """The customer chose one of several kinds of code (ChooseMethod)."""
        current = self._nav.current
        if not isinstance(current, ChooseMethod):
            return
        info = next((m for m in current.methods if m.method == method), None)
        if info is not None:
            await self._pay_by(current.customer, current.bills, info, replacing=False)

    async def _pay_by(
        self, customer: Customer, bills: tuple[Bill, ...], method: PaymentMethodInfo, *, replacing: bool
    ) -> None:
        order = order_for(
            customer, bills, method, self._session.language, assisted=self._session.assisted_by_staff
        )
        await self._open(customer, lambda: self._keeper.open(order), replacing=replacing)

    async def new_qr(self) -> None:
        """After an expired QR (its outcome known: no money came), the same order again, under a new key."""
        current = self._nav.current
        if (
            not isinstance(current, PaymentStopped)
            or current.why is not PaymentEnd.EXPIRED
            or not current.order
        ):
            return
        order = replace(current.order, language=self._session.language)
        self._nav.back()
        await self._open(current.customer, lambda: self._keeper.open(order))

    async def ask_again(self) -> None:
        """The central did not answer: ask again under the same key, never a new one."""
        current = self._nav.current
        if not isinstance(current, PaymentStopped) or current.why is not PaymentEnd.UNKNOWN:
            return
        row_id = current.row_id
        if row_id is None:
            return
        self._unanswered.discard(row_id)  # still the customer's: asked again right now
        self._nav.back()
        await self._open(current.customer, lambda: self._keeper.create(row_id))

    async def _open(
        self,
        customer: Customer,
        start: Callable[[], Awaitable[JournalPayment]],
        *,
        replacing: bool = False,
    ) -> None:
        """Makes the payment behind a progress screen, pushed over the step the customer came from, or
        ``replacing`` the progress screen on top (the methods were being asked: Back from the QR is the bills)."""
        loading: ScreenState = Loading(Waiting.PAYMENT_QR, customer.code)
        if replacing:
            self._nav.replace(loading)
        else:
            self._nav.go(loading)
        try:
            payment = await start()
        except PaymentRefusedError as exc:
            self._stopped_at(loading, PaymentStopped(_REFUSALS.get(exc.code, PaymentEnd.REFUSED), customer))
            return
        except QrRejectedError:
            self._stopped_at(loading, PaymentStopped(PaymentEnd.QR_REFUSED, customer))
            return
        except OutcomeUnknownError as exc:
            stopped = PaymentStopped(PaymentEnd.UNKNOWN, customer, exc.row.id, exc.row.order)
            if self._stopped_at(loading, stopped):
                self._unanswered.add(exc.row.id)
            else:
                # Nobody is waiting for it: the keeper settles it (and cancels it if it was made).
                self._keeper.detach(exc.row.id)
            return
        if self._nav.current is not loading:
            # The customer left while it was being made: nobody will scan it.
            await self._abandon(payment)
            return
        self._show(customer, payment)

    def _hand_over_unanswered(self, _: ScreenState) -> None:
        if not self._unanswered:
            return
        on_screen = {s.row_id for s in self._nav.states if isinstance(s, PaymentStopped)}
        for row_id in self._unanswered - on_screen:
            self._unanswered.discard(row_id)
            self._keeper.detach(row_id)

    def _stopped_at(self, loading: ScreenState, stopped: PaymentStopped) -> bool:
        log.info("payment stopped: %s", stopped.why.value)
        if self._nav.current is loading:
            self._nav.replace(stopped)
            return True
        return False

    # ------------------------------------------------------------------ the QR
    def _show(self, customer: Customer, payment: JournalPayment) -> None:
        # A replayed key (Try again) finds its payment as the central has it now: its money may have come, or
        # its time run out while the customer waited. Its QR is shown only while it can still be paid.
        if self._ended(customer, payment):
            return
        shown_at = self._clock()
        self._shown = (payment.id, shown_at)
        self._nav.replace(PayByQr(customer, payment, seconds_left(payment, shown_at, shown_at)))
        self.resume()

    def resume(self) -> None:
        """Makes sure the QR on top is followed: its countdown and its questions to the central go on, from
        when it was first shown (also after a screen shown over it: Call staff, staff mode). Nothing when its
        follower is still running: there is never more than one."""
        current = self._nav.current
        if not isinstance(current, PayByQr) or self._shown is None:
            return
        row_id, shown_at = self._shown
        if current.payment.id != row_id or (self._follower is not None and not self._follower.done()):
            return
        self._follower = asyncio.ensure_future(self.follow(row_id, shown_at))
        self._tasks.add(self._follower)
        self._follower.add_done_callback(self._tasks.discard)

    @property
    def following(self) -> int | None:
        """The payment row whose QR is being followed right now, if any."""
        if self._follower is None or self._follower.done() or self._shown is None:
            return None
        return self._shown[0]

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def follow(self, row_id: int, shown_at: float) -> None:
        """Counts down and follows the payment until it ends or the customer leaves the QR (for a screen shown
        over it; :meth:`resume` starts it again when the QR is back on top): by the central's long poll while
        it works, asking every ``poll_seconds`` while it does not."""
        wait, next_poll = self._poll, self._clock() + self._poll
        listener = self._listener(row_id, shown_at)
        tick: asyncio.Future[None] | None = None
        try:
            while True:
                if tick is None:
                    tick = asyncio.ensure_future(self._sleep(min(1.0, self._poll)))
                heard_from = listener.task if listener is not None else None
                if heard_from is None:
                    await tick
                else:
                    await asyncio.wait((tick, heard_from), return_when=asyncio.FIRST_COMPLETED)
                ticked = tick.done()
                if ticked:
                    tick.result()
                    tick = None
                current = self._nav.current
                if not isinstance(current, PayByQr) or current.payment.id != row_id:
                    return
                now = self._clock()
                left = seconds_left(current.payment, shown_at, now)
                heard = Heard.NOTHING if listener is None else listener.hear(now)
                if heard is Heard.BROKE:
                    next_poll = now + self._poll
                elif heard is Heard.FAILED:
                    wait = min(wait * 2, MAX_POLL_SECONDS)
                    next_poll = now + wait
                pushing = listener is not None and listener.pushing(now)
                if left == 0 and listener is not None:
                    listener.close()  # past its time the QR is asked about every tick, as without a push
                if heard is Heard.CHANGED or left == 0 or (not pushing and now >= next_poll):
                    try:
                        payment = await self._keeper.refresh(row_id)
                        wait = self._poll
                    except CentralError as exc:
                        payment = current.payment
                        wait = min(wait * 2, MAX_POLL_SECONDS)
                        log.info(
                            "payment status unknown for now (%s); asking again in %.0f s", exc.code, wait
                        )
                    next_poll = self._clock() + (wait if left else min(wait, self._poll))
                    latest = self._nav.current
                    # The cancel question (Back) may have been asked meanwhile: still this QR, still followed.
                    if not isinstance(latest, PayByQr) or latest.payment.id != row_id:
                        return
                    if self._ended(current.customer, payment):
                        return
                elif not ticked:
                    # Woken by the long poll only (still pending): the countdown moves on at the next tick.
                    if listener is not None:
                        listener.open(self._clock(), left)
                    continue
                else:
                    payment = current.payment
                latest = self._nav.current
                if isinstance(latest, PayByQr) and latest.payment.id == row_id:
                    # The latest state, so that the cancel question asked meanwhile stays on screen.
                    self._nav.replace(replace(latest, payment=payment, seconds_left=left, checking=left == 0))
                if listener is not None:
                    listener.open(self._clock(), left)
        finally:
            if listener is not None:
                listener.close()
            if tick is not None:
                tick.cancel()

    def _listener(self, row_id: int, shown_at: float) -> _Listener | None:
        """The long poll for the QR of ``row_id``, opened now; None without a push (polling only)."""
        current = self._nav.current
        if (
            self._news is None
            or not isinstance(current, PayByQr)
            or current.payment.id != row_id
            or current.payment.payment_id is None
        ):
            return None
        now = self._clock()
        listener = _Listener(
            self._news, current.payment.payment_id, self._hold, self._push_retry, self._poll, now
        )
        listener.open(now, seconds_left(current.payment, shown_at, now))
        return listener

    def _ended(self, customer: Customer, payment: JournalPayment) -> bool:
        if payment.state is PaymentState.CONFIRMED:
            self._received(payment)
            return True
        if payment.state is PaymentState.CLOSED:
            why = PaymentEnd.EXPIRED if payment.central_status == "expired" else PaymentEnd.PAID_ELSEWHERE
            self._forget(payment.id)
            self._keeper.detach(payment.id)
            self._nav.replace(PaymentStopped(why, customer, payment.id, payment.order))
            return True
        return False

    def ask_cancel(self) -> None:
        """Back on the QR: leaving it would cancel the payment, so the customer is asked first."""
        current = self._nav.current
        if isinstance(current, PayByQr) and not current.asking_cancel:
            self._nav.replace(replace(current, asking_cancel=True))

    def keep_paying(self) -> None:
        """ "Continue paying" (or Back again) on the cancel question: the QR, as it was."""
        current = self._nav.current
        if isinstance(current, PayByQr) and current.asking_cancel:
            self._nav.replace(replace(current, asking_cancel=False))

    async def cancel(self) -> None:
        """Cancel on the QR, or "Cancel payment" on the question Back asks."""
        current = self._nav.current
        if not isinstance(current, PayByQr):
            return
        loading: ScreenState = Loading(Waiting.CANCELLING, current.customer.code)
        self._forget(current.payment.id)
        self._nav.replace(loading)
        try:
            payment = await self._keeper.cancel(current.payment.id)
        except CentralError as exc:
            log.warning("payment cancel not confirmed by the central (%s); the keeper will retry", exc.code)
            self._keeper.detach(current.payment.id)
            if self._nav.current is loading:
                self._nav.replace(PaymentStopped(PaymentEnd.CANCEL_UNCONFIRMED, current.customer))
            return
        if self._nav.current is not loading:
            self._keeper.detach(payment.id)
            return
        if payment.state is PaymentState.CONFIRMED:
            self._received(payment)  # the money had already come: it is theirs, with a receipt
            return
        self._keeper.detach(payment.id)
        self._nav.replace(PaymentStopped(PaymentEnd.CANCELLED, current.customer))

    def leave(self) -> None:
        """The customer went Home or walked away: any QR they left is cancelled in the background, on screen
        or under a screen shown over it (Call staff, the idle warning). A QR state left in the stack is always
        a live one: when a payment ends, its QR state is replaced."""
        for state in self._nav.states:
            if isinstance(state, PayByQr):
                self._forget(state.payment.id)
                self._start(self._abandon(state.payment))

    def _forget(self, row_id: int) -> None:
        """The QR of ``row_id`` ended or was left: nothing of it is kept (its follower stops by itself)."""
        if self._shown is not None and self._shown[0] == row_id:
            self._shown = None

    async def _abandon(self, payment: JournalPayment) -> None:
        try:
            await self._keeper.cancel(payment.id)
        except CentralError as exc:
            log.info("payment abandoned; cancel pending (%s)", exc.code)
        finally:
            self._keeper.detach(payment.id)

    async def followed(self) -> None:
        """Until the QR on screen has ended (tests, and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # ------------------------------------------------------------------ received
    def _received(self, payment: JournalPayment) -> None:
        self._forget(payment.id)
        self._nav.replace(PaymentReceived(payment, ReceiptProgress.PRINTING))
        self._start(self._print(payment))

    async def _print(self, payment: JournalPayment) -> None:
        state = self._nav.current
        try:
            printed = await self._keeper.print_receipt(payment.id)
        finally:
            self._keeper.detach(payment.id)
        progress = (
            ReceiptProgress.PRINTED if printed.receipt is ReceiptState.PRINTED else ReceiptProgress.FOR_STAFF
        )
        done = PaymentReceived(printed, progress)
        if self._nav.current is state:
            self._nav.replace(done)
            preview = self._preview_of(printed) if progress is ReceiptProgress.PRINTED else None
            if preview is not None:
                self._nav.go(PrintPreview(preview))
        else:
            # A screen over it (Call staff, the idle warning): the customer finds the outcome when they come back.
            self._nav.swap(state, done)
