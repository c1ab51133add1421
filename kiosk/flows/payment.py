"""Paying the chosen bills by QR: the QR with its countdown, and how it ended (and, only when the central offers
codes of different kinds, which one).

The central lists its payment methods with the kind of code each makes. A NAPAS VietQR is read by every banking
app and the big wallets, so it is one QR, shown at once: the customer taps Pay and sees the code, with apps named
under it as examples. Only a central that also issues a provider's own code (a wallet's, which only that wallet
reads) makes a choice to offer first (:func:`kiosk.payments.methods.offered`).

Every step that touches money goes through the :class:`~kiosk.payments.keeper.PaymentKeeper`, which journals it;
this flow only decides what the customer sees. While the QR is up, :meth:`PaymentFlow.follow` asks the central
every ``poll_seconds`` (longer after failures) and counts down; when the time is up the QR is taken off the
screen and the kiosk keeps asking until the central says how the payment ended, so a new QR is offered only once
the old one's outcome is known. Leaving the QR in any way (Cancel, Back, Home, idle timeout) cancels the payment
on the central; money that still arrives is recorded by the keeper and its receipt left for staff.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
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
    from kiosk.central.models import Bill, Customer, PaymentMethodInfo, PaymentMethods

log = logging.getLogger(__name__)

MAX_POLL_SECONDS = 30.0

_REFUSALS = {
    "bill_already_paid": PaymentEnd.PAID_ELSEWHERE,
    "older_bill_unpaid": PaymentEnd.PAID_ELSEWHERE,  # the bills changed since they were shown
    "bill_not_found": PaymentEnd.PAID_ELSEWHERE,
    "payment_in_progress": PaymentEnd.IN_PROGRESS,
}


class MethodSource(Protocol):
    async def payment_methods(self) -> PaymentMethods: ...


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
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        preview_of: Callable[[JournalPayment], Path | None] = lambda _: None,
    ) -> None:
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
        """Counts down and asks the central until the payment ends or the customer leaves the QR (for a
        screen shown over it; :meth:`resume` starts it again when the QR is back on top)."""
        wait, next_poll = self._poll, self._clock() + self._poll
        while True:
            await self._sleep(min(1.0, self._poll))
            current = self._nav.current
            if not isinstance(current, PayByQr) or current.payment.id != row_id:
                return
            now = self._clock()
            left = seconds_left(current.payment, shown_at, now)
            if now >= next_poll or left == 0:
                try:
                    payment = await self._keeper.refresh(row_id)
                    wait = self._poll
                except CentralError as exc:
                    payment = current.payment
                    wait = min(wait * 2, MAX_POLL_SECONDS)
                    log.info("payment status unknown for now (%s); asking again in %.0f s", exc.code, wait)
                next_poll = self._clock() + (wait if left else min(wait, self._poll))
                latest = self._nav.current
                # The cancel question (Back) may have been asked meanwhile: still this QR, still followed.
                if not isinstance(latest, PayByQr) or latest.payment.id != row_id:
                    return
                if self._ended(current.customer, payment):
                    return
            else:
                payment = current.payment
            latest = self._nav.current
            if isinstance(latest, PayByQr) and latest.payment.id == row_id:
                # The latest state, so that the cancel question asked meanwhile stays on screen.
                self._nav.replace(replace(latest, payment=payment, seconds_left=left, checking=left == 0))

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
