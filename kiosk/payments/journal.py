"""The payment journal: every payment this kiosk asked the central for, from before the first request to its
receipt, in SQLite.

It is what lets the kiosk promise that a bill is collected once and that no payment it saw is lost. The
idempotency key is written here (and committed to disk, ``synchronous=FULL``) before the first request that
carries it is sent, so after a crash or power cut the kiosk always knows which keys may have made a payment on
the central and asks about exactly those, with the same key. A payment's life:

``creating``
    The key is written; whether the central made a payment is not known yet.
``refused``
    The central answered that it made none (bills already paid, older bills unpaid, ...). Final.
``pending``
    The central made it; its QR may be on screen; the money has not arrived.
``closed``
    Expired or cancelled on the central. Money that still arrives for it is applied by the central if its bills
    are unpaid, so the kiosk keeps asking until ``watch_until``: ``watch`` after the payment's expiry, both by
    the central's clock (the kiosk's own jumps; :mod:`kiosk.central.central_time`).
``confirmed``
    The money arrived. In the same transaction the payment gets its receipt number, so a confirmed payment
    always has a receipt record; ``receipt`` then says whether the paper was printed or waits for staff.

Blocking and thread-safe (one connection behind a lock); the keeper calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.payments.records import JournalPayment, Order, PaymentState, ReceiptState
from kiosk.storage.journal_file import open_journal, transaction

__all__ = [
    "JOURNAL_FILE_NAME",
    "JournalPayment",
    "Order",
    "PaymentJournal",
    "PaymentJournalError",
    "PaymentState",
    "ReceiptState",
]

JOURNAL_FILE_NAME = "payment-journal.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    customer_code   TEXT NOT NULL,
    bill_ids        TEXT NOT NULL,        -- JSON list, oldest first, as asked for
    orders          TEXT NOT NULL,        -- JSON: what the receipt prints (masked name, bills, method)
    amount          INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('creating', 'refused', 'pending', 'closed', 'confirmed')),
    payment_id      TEXT UNIQUE,
    reference       TEXT,
    qr_payload      TEXT,
    central_status  TEXT,
    expires_at      TEXT,
    ttl_seconds     REAL,
    problem         TEXT,                 -- why refused, or why the kiosk stopped showing it
    abandoned       INTEGER NOT NULL DEFAULT 0,  -- the customer left: cancel it, keep watching
    paid_at         TEXT,
    receipt_number  TEXT UNIQUE,
    receipt         TEXT CHECK (receipt IN ('due', 'printed', 'for_staff')),
    receipt_job     INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    watch_until     TEXT NOT NULL,
    CHECK ((state = 'confirmed') = (receipt_number IS NOT NULL)),
    CHECK ((state IN ('pending', 'closed', 'confirmed')) = (payment_id IS NOT NULL))
);
CREATE INDEX payments_state ON payments (state);
"""


class PaymentJournalError(Exception):
    """The journal file cannot be used (a newer schema, not a journal): an operator must look at it."""


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


class PaymentJournal:
    def __init__(self, path: Path | str, *, kiosk_id: str, watch: timedelta = timedelta(days=3)) -> None:
        """Open (creating if needed) the journal at ``path``; ``":memory:"`` for a throwaway one.

        ``watch`` is how long after it was asked for a closed payment is still asked about, in case late money
        turns it into a paid one; ``kiosk_id`` prefixes receipt numbers.
        """
        self.path = path
        self.kiosk_id = kiosk_id
        self.watch = watch
        self._lock = threading.RLock()
        self._db = open_journal(
            path,
            self._lock,
            schema=_SCHEMA,
            version=SCHEMA_VERSION,
            name="payment journal",
            error=PaymentJournalError,
            newer_advice="Update the kiosk software; do not move the file aside: it holds payments in flight.",
            holds="payments in flight, paid payments and their receipt numbers",
        )
        self._db.row_factory = sqlite3.Row

    @classmethod
    def in_data_dir(
        cls, data_dir: Path, *, kiosk_id: str, watch: timedelta = timedelta(days=3)
    ) -> PaymentJournal:
        return cls(data_dir / JOURNAL_FILE_NAME, kiosk_id=kiosk_id, watch=watch)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self._lock)

    # ------------------------------------------------------------------ writes
    def begin(self, order: Order, key: str, now: datetime) -> JournalPayment:
        """Record the intent to pay under ``key``, durably, before anything is sent."""
        with self._transaction() as db:
            cursor = db.execute(
                """INSERT INTO payments (idempotency_key, customer_code, bill_ids, orders, amount, state,
                       created_at, updated_at, watch_until) VALUES (?, ?, ?, ?, ?, 'creating', ?, ?, ?)""",
                (
                    key, order.customer_code, json.dumps(order.bill_ids), order.to_json(), order.amount,
                    _text(now), _text(now), _text(now + self.watch),
                ),
            )  # fmt: skip
            assert cursor.lastrowid is not None
            return self._get(db, cursor.lastrowid)

    def created(
        self,
        row_id: int,
        *,
        payment_id: str,
        reference: str,
        qr_payload: str,
        expires_at: datetime,
        ttl_seconds: float,
        now: datetime,
    ) -> JournalPayment:
        """The central made the payment (or said so again for a replayed key)."""
        with self._transaction() as db:
            # The watch is measured from the central's expiry, by the central's clock: the placeholder `begin`
            # wrote from the kiosk's clock is replaced, however far off that clock was.
            db.execute(
                """UPDATE payments SET payment_id = ?, reference = ?, qr_payload = ?, expires_at = ?,
                       ttl_seconds = ?, central_status = coalesce(central_status, 'pending'),
                       state = CASE state WHEN 'creating' THEN 'pending' ELSE state END, updated_at = ?,
                       watch_until = ?
                   WHERE id = ?""",
                (
                    payment_id, reference, qr_payload, _text(expires_at), ttl_seconds, _text(now),
                    _text(expires_at + self.watch), row_id,
                ),
            )  # fmt: skip
            return self._get(db, row_id)

    def refused(self, row_id: int, problem: str, now: datetime) -> JournalPayment:
        """The central made no payment for this key (it said why)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE payments SET state = 'refused', problem = ?, updated_at = ? "
                "WHERE id = ? AND state = 'creating'",
                (problem, _text(now), row_id),
            )
            return self._get(db, row_id)

    def status(
        self, row_id: int, central_status: str, paid_at: datetime | None, now: datetime
    ) -> JournalPayment:
        """What the central says the payment is now. ``paid`` confirms it and numbers its receipt, at once."""
        with self._transaction() as db:
            row = self._get(db, row_id)
            if row.state in (PaymentState.CONFIRMED, PaymentState.REFUSED, PaymentState.CREATING):
                # Confirmed is final: a later "cancelled" cannot unpay it. Creating needs `created` first.
                return row
            if central_status == "paid":
                db.execute(
                    """UPDATE payments SET state = 'confirmed', central_status = 'paid', paid_at = ?,
                           receipt_number = ?, receipt = 'due', updated_at = ? WHERE id = ?""",
                    (_text(paid_at or now), self._receipt_number(row), _text(now), row_id),
                )
            elif central_status in ("expired", "cancelled"):
                db.execute(
                    "UPDATE payments SET state = 'closed', central_status = ?, updated_at = ? WHERE id = ?",
                    (central_status, _text(now), row_id),
                )
            else:
                db.execute(
                    "UPDATE payments SET central_status = ?, updated_at = ? WHERE id = ?",
                    (central_status, _text(now), row_id),
                )
            return self._get(db, row_id)

    def abandon(self, row_id: int, problem: str | None, now: datetime) -> JournalPayment:
        """The customer left (or the kiosk refused its QR): cancel it on the central, and keep watching."""
        with self._transaction() as db:
            db.execute(
                "UPDATE payments SET abandoned = 1, problem = coalesce(?, problem), updated_at = ? WHERE id = ?",
                (problem, _text(now), row_id),
            )
            return self._get(db, row_id)

    def receipt_done(
        self, row_id: int, receipt: ReceiptState, job_id: int | None, now: datetime
    ) -> JournalPayment:
        if receipt is ReceiptState.DUE:
            raise ValueError("a receipt is done printed or for staff")
        with self._transaction() as db:
            db.execute(
                """UPDATE payments SET receipt = ?, receipt_job = coalesce(?, receipt_job), updated_at = ?
                   WHERE id = ? AND state = 'confirmed'""",
                (receipt.value, job_id, _text(now), row_id),
            )
            return self._get(db, row_id)

    def receipt_printed_by_staff(self, payment_id: str, job_id: int, now: datetime) -> JournalPayment | None:
        """Staff printed the receipt left for them (paper replaced, or a reprint): it is no longer waiting.
        The payment it belongs to, or None when no receipt of ``payment_id`` was waiting."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM payments WHERE payment_id = ? AND state = 'confirmed' AND receipt = 'for_staff'",
                (payment_id,),
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE payments SET receipt = 'printed', receipt_job = ?, updated_at = ? WHERE id = ?",
                (job_id, _text(now), row[0]),
            )
            return self._get(db, row[0])

    def _receipt_number(self, row: JournalPayment) -> str:
        # Unique on this kiosk and the same whenever it is printed: the kiosk and the journal row.
        return f"{self.kiosk_id}-{row.created_at.astimezone(UTC):%y%m%d}-{row.id:06d}"

    # ------------------------------------------------------------------ reads
    def get(self, row_id: int) -> JournalPayment:
        with self._lock:
            return self._get(self._db, row_id)

    def _get(self, db: sqlite3.Connection, row_id: int) -> JournalPayment:
        row = db.execute("SELECT * FROM payments WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise KeyError(row_id)
        return _payment(row)

    def _select(self, where: str, params: Sequence[object] = ()) -> list[JournalPayment]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM payments WHERE {where} ORDER BY id", params).fetchall()
        return [_payment(r) for r in rows]

    def receipt_numbers(self, payment_ids: Sequence[str]) -> dict[str, str]:
        """The receipt number printed for each of ``payment_ids`` that has one: what the customer holds, for staff
        to read instead of the central's payment id."""
        if not payment_ids:
            return {}
        marks = ", ".join("?" * len(payment_ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT payment_id, receipt_number FROM payments "
                f"WHERE receipt_number IS NOT NULL AND payment_id IN ({marks})",
                tuple(payment_ids),
            ).fetchall()
        return {str(row[0]): str(row[1]) for row in rows}

    def to_follow(self, central_now: datetime | None) -> list[JournalPayment]:
        """Payments whose outcome may still change: in flight, a receipt not settled, or closed but still
        watched at ``central_now`` (the central's time; None while it is not known, when closed payments wait
        for it rather than be judged by the kiosk's clock)."""
        open_ones = "state IN ('creating', 'pending') OR (state = 'confirmed' AND receipt = 'due')"
        if central_now is None:
            return self._select(open_ones)
        return self._select(f"{open_ones} OR (state = 'closed' AND watch_until > ?)", (_text(central_now),))

    def closed_unwatched(self, central_now: datetime) -> list[JournalPayment]:
        """Closed payments whose watch ended by ``central_now``: only the central's list of this kiosk's changes
        (:meth:`kiosk.payments.keeper.PaymentKeeper.reconcile`) still tells of money that comes for them."""
        return self._select("state = 'closed' AND watch_until <= ?", (_text(central_now),))

    def by_payment_id(self, payment_id: str) -> JournalPayment | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM payments WHERE payment_id = ?", (payment_id,)).fetchone()
        return None if row is None else _payment(row)

    def in_flight_bill_ids(self) -> frozenset[str]:
        """Bills with a payment that may be collecting them right now."""
        with self._lock:
            rows = self._db.execute(
                "SELECT bill_ids FROM payments WHERE state IN ('creating', 'pending')"
            ).fetchall()
        return frozenset(bill for (text,) in rows for bill in json.loads(text))

    def receipts_for_staff(self) -> list[JournalPayment]:
        return self._select("state = 'confirmed' AND receipt = 'for_staff'")

    def all(self) -> list[JournalPayment]:
        return self._select("1")


def _payment(row: sqlite3.Row) -> JournalPayment:
    return JournalPayment(
        id=row["id"],
        idempotency_key=row["idempotency_key"],
        order=Order.from_json(row["orders"]),
        amount=row["amount"],
        state=PaymentState(row["state"]),
        payment_id=row["payment_id"],
        reference=row["reference"],
        qr_payload=row["qr_payload"],
        central_status=row["central_status"],
        expires_at=_moment(row["expires_at"]),
        ttl_seconds=row["ttl_seconds"],
        problem=row["problem"],
        abandoned=bool(row["abandoned"]),
        paid_at=_moment(row["paid_at"]),
        receipt_number=row["receipt_number"],
        receipt=None if row["receipt"] is None else ReceiptState(row["receipt"]),
        receipt_job=row["receipt_job"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        watch_until=datetime.fromisoformat(row["watch_until"]),
    )
