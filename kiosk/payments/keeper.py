"""The payment keeper: asks the central for payments and follows each to its outcome, exactly once.

Every step is journalled (:mod:`kiosk.payments.journal`) before or as it happens, so a crash, a power cut or a
lost answer at any point leaves the kiosk knowing what to ask next:

- The idempotency key is written before the first request. A timeout or a garbled answer never leads to a new
  key: the same request is sent again with the same key (the central replays the payment it made, if it made
  one) until the central answers, made or refused.
- A payment is followed by asking its status; ``paid`` confirms it and numbers its receipt in one write.
- A payment the customer left (Cancel, Home, an idle timeout, a kiosk restart) is cancelled on the central and
  still watched for a while, because money already sent is applied by the central when its bills are unpaid.
  Such a late confirmation is recorded and its receipt left for staff.
- The QR of a payment is drawn only if it passes :func:`kiosk.payments.qr_check.check_qr` against the
  payment; one that fails is refused, cancelled and reported, never shown. A provider's own QR (a method whose
  ``payload_kind`` is ``provider_qr``) is in a format only that provider reads: its payment's amount and bills
  are checked, its payload is shown as the central gave it.

Qt-free; the flow and the app call it from the event loop, and the journal's blocking writes run in a thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from kiosk.central.errors import UNKNOWN, CentralError, Conflict, InvalidInput, NotFound
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.methods import VIETQR
from kiosk.payments.qr_check import QrRefusedError, check_qr
from kiosk.payments.records import JournalPayment, Order, OrderBill, PaymentState, ReceiptState

if TYPE_CHECKING:
    from kiosk.central.models import Bill, Customer, KioskChanges, Payment, PaymentMethod, PaymentMethodInfo

__all__ = [
    "OutcomeUnknownError",
    "PaymentCentral",
    "PaymentKeeper",
    "PaymentRefusedError",
    "QrRejectedError",
    "ReceiptDesk",
    "ReceiptPrint",
    "order_for",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

# How often a closed payment is asked about while it is watched for late money: rarely, it is unlikely. Seconds
# of the monotonic clock: a wall clock set back a day must not stop the asking for a day.
CLOSED_CHECK_INTERVAL = 600.0


class ChangesSource(Protocol):
    """The central's list of what changed for this kiosk (:class:`kiosk.central.CentralClient` is one)."""

    async def all_kiosk_changes(
        self, kiosk_id: str, since: datetime, *, page_size: int | None = None
    ) -> KioskChanges: ...


# How often the central's list of this kiosk's changes is read for payments past their watch: money for them is
# rare (a transfer held over Tết, a bank's manual review) and it waits, applied, until the kiosk asks.
CHANGES_INTERVAL = 3600.0


class PaymentCentral(Protocol):
    """What the keeper needs from the central (:class:`kiosk.central.CentralClient` is one)."""

    async def create_payment(
        self, customer_code: str, bill_ids: Sequence[str], method: PaymentMethod, idempotency_key: str
    ) -> Payment: ...

    async def payment(self, payment_id: str) -> Payment: ...

    async def cancel_payment(self, payment_id: str) -> Payment: ...


@dataclass(frozen=True)
class ReceiptPrint:
    printed: bool
    job_id: int | None  # the print journal's job, for reprints (None: nothing was sent to a printer)


class ReceiptDesk(Protocol):
    """Prints a confirmed payment's receipt; printing the same payment's receipt again must not make a second
    job (the app's desk looks the job up in the print journal first)."""

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint: ...


class PaymentRefusedError(Exception):
    """The central made no payment; ``code`` says why (``bill_already_paid``, ``older_bill_unpaid``,
    ``payment_in_progress``, ...)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class OutcomeUnknownError(Exception):
    """The central did not answer (or answered nonsense): the payment may or may not exist. The journal keeps
    its key; :meth:`PaymentKeeper.create` asks again with it, and :meth:`PaymentKeeper.reconcile` later."""

    def __init__(self, row: JournalPayment, cause: CentralError) -> None:
        super().__init__(str(cause))
        self.row = row
        self.cause = cause


class QrRejectedError(Exception):
    """The central's payment or its QR failed the kiosk's checks: refused, cancelled and reported."""


def order_for(
    customer: Customer,
    bills: Sequence[Bill],
    method: PaymentMethodInfo,
    language: str,
    *,
    assisted: bool = False,
) -> Order:
    """The order for paying ``bills`` (oldest first) of ``customer`` with ``method``; ``assisted``: staff are
    helping this customer."""
    return Order(
        customer_code=customer.code,
        customer_name=customer.name,
        corporation_vi=customer.corporation.name.vi,
        corporation_en=customer.corporation.name.en,
        hotline=customer.corporation.hotline,
        bills=tuple(
            OrderBill(b.id, b.period_start, b.period_end, b.kwh, b.total, b.invoice_serial, b.invoice_number)
            for b in sorted(bills, key=lambda b: b.period_start)
        ),
        method=method.method,
        method_vi=method.label.vi,
        method_en=method.label.en,
        language=language,
        assisted=assisted,
        payload_kind=method.payload_kind,
    )


def new_key() -> str:
    return "kiosk-" + uuid.uuid4().hex


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


class PaymentKeeper:
    def __init__(
        self,
        central: PaymentCentral,
        journal: PaymentJournal,
        receipts: ReceiptDesk | None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        central_now: Callable[[], datetime | None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        new_key: Callable[[], str] = new_key,
        changes: ChangesSource | None = None,
    ) -> None:
        """``now`` stamps the journal's records; ``central_now`` is the central's time (None while unknown),
        which decides how long a closed payment is watched: :class:`kiosk.central.central_time.CentralTime`'s
        ``known`` in the app. Without one, ``now`` stands in (tests that move a single clock)."""
        self.central = central
        self.journal = journal
        self.receipts = receipts
        self._now = now
        self._central_now: Callable[[], datetime | None] = central_now if central_now is not None else now
        self._monotonic = monotonic
        self._new_key = new_key
        self._changes = changes
        self._changes_since: datetime | None = None  # the central's `now` of the last complete list
        self._changes_read_at: float | None = None  # monotonic
        # Payments a customer is looking at right now: their flow follows them, reconcile leaves them alone.
        self._attached: set[int] = set()
        self._last_checked: dict[int, float] = {}  # row id -> monotonic time it was last asked about
        # A payment's lock, only while some step holds it or waits for it: a kiosk that kept one for every
        # payment it ever took would grow with its customers (an unused lock is as good as a new one).
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # row id -> (lock, steps holding or waiting)

    async def _io(self, work: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(work, *args)

    @asynccontextmanager
    async def _lock(self, row_id: int) -> AsyncIterator[None]:
        """One step at a time on a payment (the flow's follower, a cancel, the reconciler)."""
        lock, users = self._locks.get(row_id, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[row_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[row_id]
            if users == 1:
                del self._locks[row_id]
            else:
                self._locks[row_id] = (lock, users - 1)

    # ------------------------------------------------------------------ the customer's payment
    async def open(self, order: Order) -> JournalPayment:
        """A new payment for ``order``: journalled, asked for, checked. Raises :class:`PaymentRefusedError`,
        :class:`OutcomeUnknownError` (ask again with :meth:`create`) or :class:`QrRejectedError`."""
        blocked = await self._io(self.journal.in_flight_bill_ids)
        if blocked & set(order.bill_ids):
            # An earlier payment of this kiosk may still collect them: never issue a second code for them.
            raise PaymentRefusedError("payment_in_progress")
        row = await self._io(self.journal.begin, order, self._new_key(), self._now())
        self._attached.add(row.id)
        try:
            return await self.create(row.id)
        except (PaymentRefusedError, OutcomeUnknownError, QrRejectedError):
            raise  # answers the screen shows, and follows up itself
        except Exception:
            # Anything else (the journal could not record the central's answer) ends on the "please ask
            # staff" screen, which follows no payment: left attached, the central's payment would stay
            # pending and its bills blocked until a restart. Reconcile takes it over, under its key.
            self.detach(row.id)
            raise

    async def create(self, row_id: int) -> JournalPayment:
        """Ask the central for the row's payment, with the row's key (again, after an unknown outcome)."""
        async with self._lock(row_id):
            return await self._create(row_id)

    async def _create(self, row_id: int) -> JournalPayment:
        row = await self._io(self.journal.get, row_id)
        if row.state is not PaymentState.CREATING:
            return row
        order = row.order
        try:
            payment = await self.central.create_payment(
                order.customer_code,
                order.bill_ids,
                order.method,  # one of the central's own methods when it was chosen
                row.idempotency_key,
            )
        except (Conflict, InvalidInput, NotFound) as exc:
            if exc.code == UNKNOWN:
                # Not the central's refusal (no error body of the contract): a proxy in between. Unknown.
                log.warning(
                    "payment %d: an error from something else than the central; will ask again", row_id
                )
                raise OutcomeUnknownError(row, exc) from None
            # An answer: the central made nothing under this key (a replayed key would have returned it).
            if exc.code == "idempotency_key_reused":
                log.exception("payment %d: the central holds another payment under this kiosk's key", row_id)
            await self._io(self.journal.refused, row_id, exc.code, self._now())
            raise PaymentRefusedError(exc.code) from None
        except CentralError as exc:
            log.warning("payment %d: outcome of the request unknown (%s); will ask again", row_id, exc.code)
            raise OutcomeUnknownError(row, exc) from None
        return await self._accept(row, payment)

    async def _accept(self, row: JournalPayment, payment: Payment) -> JournalPayment:
        order = row.order
        ttl = (payment.expires_at - payment.created_at).total_seconds()
        row = await self._io(
            lambda: self.journal.created(
                row.id,
                payment_id=payment.id,
                reference=payment.reference,
                qr_payload=payment.qr_payload,
                expires_at=payment.expires_at,
                ttl_seconds=ttl,
                now=self._now(),
            )
        )
        problem = None
        if payment.customer_code != order.customer_code or tuple(payment.bill_ids) != order.bill_ids:
            problem = "the central's payment is for other bills than asked"
        elif payment.amount != order.amount:
            problem = f"the central asks {payment.amount} đồng for bills totalling {order.amount}"
        elif order.payload_kind != VIETQR:
            # A provider's own format: the kiosk cannot read it, only make sure there is something to show.
            if not payment.qr_payload.strip() or not payment.qr_payload.isprintable():
                problem = "the central's provider QR is empty or not text"
        else:
            try:
                check_qr(
                    payment.qr_payload,
                    amount=order.amount,
                    bank_bin=payment.recipient.bank_bin,
                    account_number=payment.recipient.account_number,
                    reference=payment.reference,
                    dynamic=True,
                )
            except QrRefusedError as exc:
                problem = str(exc)
        row = await self._apply(row, payment)
        if problem is not None and row.state is PaymentState.PENDING:
            # Reported: staff and the central's operators must look at a central that issues such codes.
            log.error("payment %d: QR refused, never shown: %s", row.id, problem)
            row = await self._io(self.journal.abandon, row.id, f"qr_refused: {problem}", self._now())
            try:
                row = await self._cancel(row)
            except CentralError as exc:
                log.warning("payment %d: cancel failed (%s); reconcile will retry", row.id, exc.code)
            # Nobody will be shown it: reconcile takes it over (and retries a cancel that failed).
            self.detach(row.id)
            raise QrRejectedError(problem)
        return row

    async def refresh(self, row_id: int) -> JournalPayment:
        """Ask the central once how the payment stands, and record it. Raises CentralError; for a payment
        whose creation is still unknown, it asks again under its key, so also what :meth:`create` raises."""
        async with self._lock(row_id):
            row = await self._io(self.journal.get, row_id)
            if row.state is PaymentState.CREATING:
                try:
                    return await self._create(row_id)
                except OutcomeUnknownError as exc:
                    raise exc.cause from None
            if row.payment_id is None or row.state is PaymentState.REFUSED:
                return row
            payment = await self.central.payment(row.payment_id)
            return await self._apply(row, payment)

    async def cancel(self, row_id: int) -> JournalPayment:
        """The customer does not want to pay (now): cancel on the central, keep watching. Money that already
        arrived makes it ``confirmed`` instead. Raises CentralError when the central cannot be told (the
        journal keeps it abandoned; reconcile cancels it later), or QrRejectedError for a payment made only
        now whose QR fails the checks (it is cancelled all the same)."""
        try:
            return await self._cancel_locked(row_id)
        except CentralError:
            raise  # the screen lets go of it and says so
        except Exception:
            # A journal write that failed: the screen that asked has already let go of the QR, and its
            # "please ask staff" screen follows nothing. Reconcile cancels it (or confirms it) later.
            self.detach(row_id)
            raise

    async def _cancel_locked(self, row_id: int) -> JournalPayment:
        async with self._lock(row_id):
            row = await self._io(self.journal.abandon, row_id, None, self._now())
            if row.state is PaymentState.CREATING:
                try:
                    row = await self._create(row_id)
                except PaymentRefusedError:
                    return await self._io(self.journal.get, row_id)
                except OutcomeUnknownError as exc:
                    raise exc.cause from None
            return await self._cancel(row)

    async def _cancel(self, row: JournalPayment) -> JournalPayment:
        if row.state is not PaymentState.PENDING or row.payment_id is None:
            return row
        try:
            payment = await self.central.cancel_payment(row.payment_id)
        except Conflict as exc:
            if exc.code != "payment_already_paid":
                raise
            payment = await self.central.payment(row.payment_id)
        return await self._apply(row, payment)

    async def print_receipt(self, row_id: int) -> JournalPayment:
        """Print a confirmed payment's receipt for the customer at the screen (once; a second call does
        nothing). Without a printer, or when it fails, the receipt is left for staff."""
        async with self._lock(row_id):
            row = await self._io(self.journal.get, row_id)
            if row.state is not PaymentState.CONFIRMED or row.receipt is not ReceiptState.DUE:
                return row
            if self.receipts is None:
                return await self._io(
                    self.journal.receipt_done, row_id, ReceiptState.FOR_STAFF, None, self._now()
                )
            result = await self.receipts.print_receipt(row)
            state = ReceiptState.PRINTED if result.printed else ReceiptState.FOR_STAFF
            return await self._io(self.journal.receipt_done, row_id, state, result.job_id, self._now())

    def detach(self, row_id: int) -> None:
        """The customer is no longer looking at this payment; reconcile takes it over."""
        self._attached.discard(row_id)

    async def _apply(self, row: JournalPayment, payment: Payment) -> JournalPayment:
        if payment.id != row.payment_id:
            raise AssertionError("a payment's status applied to another journal row")
        return await self._io(
            self.journal.status, row.id, payment.status, _aware(payment.paid_at), self._now()
        )

    # ------------------------------------------------------------------ everything else
    def in_flight_bill_ids(self) -> frozenset[str]:
        """Bills this kiosk may be collecting right now (shown as awaiting confirmation)."""
        return self.journal.in_flight_bill_ids()

    async def reconcile(self, *, everything: bool = False) -> list[JournalPayment]:
        """Follow every payment no customer is looking at to where it can be: created or refused, cancelled
        (the customer is gone), confirmed with its receipt left for staff. Returns those still open (the
        central could not be asked). ``everything`` asks about watched closed payments now, not on their
        interval. Called at start, then periodically."""
        still_open: list[JournalPayment] = []
        now = self._monotonic()
        central_now = self._central_now()
        to_follow = await self._io(self.journal.to_follow, central_now)
        if central_now is not None:  # unknown, the watched closed payments are not in the list
            self._forget_unfollowed({row.id for row in to_follow})
        for row in to_follow:
            if row.id in self._attached:
                continue
            if row.state is PaymentState.CLOSED and not everything:
                checked = self._last_checked.get(row.id)
                if checked is not None and now - checked < CLOSED_CHECK_INTERVAL:
                    continue
            try:
                row = await self._settle(row.id)
            except CentralError as exc:
                log.info("payment %d: cannot settle it now (%s)", row.id, exc.code)
                still_open.append(await self._io(self.journal.get, row.id))
                continue
            self._last_checked[row.id] = now
            if row.open:
                still_open.append(row)
        if self._changes is not None and (
            everything or self._changes_read_at is None or now - self._changes_read_at >= CHANGES_INTERVAL
        ):
            await self._catch_up(self._changes)
        return still_open

    def _forget_unfollowed(self, followed: set[int]) -> None:
        """A payment no longer followed (settled, or past its watch) needs no interval: a kiosk that keeps one
        for every payment it ever took grows with its customers."""
        for row_id in [r for r in self._last_checked if r not in followed]:
            del self._last_checked[row_id]

    async def _catch_up(self, changes: ChangesSource) -> None:
        """Money for a payment past its watch: the central applies it whenever it comes, and says so in its
        list of this kiosk's changes. Each closed payment it names as paid is settled (confirmed, its receipt
        left for staff). Read from the central's `now` of the last complete list; at first, from the
        earliest expiry of a payment no longer watched (nothing older can have changed unseen)."""
        central_now = self._central_now()
        if central_now is None:
            return
        since = self._changes_since
        if since is None:
            unwatched = await self._io(self.journal.closed_unwatched, central_now)
            if not unwatched:
                self._changes_since, self._changes_read_at = central_now, self._monotonic()
                return
            since = min(row.expires_at or row.watch_until for row in unwatched)
        try:
            answer = await changes.all_kiosk_changes(self.journal.kiosk_id, since)
        except CentralError as exc:
            log.info("the central's list of this kiosk's changes: not read now (%s)", exc.code)
            return
        for change in answer.payments:
            if change.status != "paid":
                continue
            row = await self._io(self.journal.by_payment_id, change.id)
            if row is not None and row.state is PaymentState.CLOSED and row.id not in self._attached:
                log.warning("payment %d: paid after its watch ended; confirming it now", row.id)
                try:
                    await self._settle(row.id)
                except CentralError as exc:
                    log.info("payment %d: cannot settle it now (%s)", row.id, exc.code)
                    return  # the same list is read again next time
        self._changes_since, self._changes_read_at = answer.now, self._monotonic()

    async def _settle(self, row_id: int) -> JournalPayment:
        async with self._lock(row_id):
            row = await self._io(self.journal.get, row_id)
            if row.id in self._attached:
                return row
            if row.in_flight and not row.abandoned:
                row = await self._io(self.journal.abandon, row_id, None, self._now())
            if row.state is PaymentState.CREATING:
                try:
                    row = await self._create(row_id)
                except PaymentRefusedError:
                    return await self._io(self.journal.get, row_id)
                except QrRejectedError:
                    return await self._io(self.journal.get, row_id)
                except OutcomeUnknownError as exc:
                    raise exc.cause from None
            if row.state in (PaymentState.PENDING, PaymentState.CLOSED) and row.payment_id is not None:
                row = await self._apply(row, await self.central.payment(row.payment_id))
            if row.state is PaymentState.PENDING:
                row = await self._cancel(row)
            if row.state is PaymentState.CONFIRMED and row.receipt is ReceiptState.DUE:
                # Nobody is at the screen for it: a receipt printed now would be taken by the next customer.
                row = await self._io(
                    self.journal.receipt_done, row_id, ReceiptState.FOR_STAFF, None, self._now()
                )
                log.info(
                    "payment %d confirmed with nobody waiting; receipt %s left for staff",
                    row_id,
                    row.receipt_number,
                )
            return row
