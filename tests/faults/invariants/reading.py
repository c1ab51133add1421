"""Reading what happened, straight from the records: the central's database and the kiosk's journal and outbox.

The fault tests judge by these records, never by what the kiosk's code says about itself: a reader opens the file
read-only after the fact, as an auditor would.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_central.clock import to_text
from kiosk_central.db import Connection, open_database

if TYPE_CHECKING:
    from tests.helpers.central import RunningCentral

# A bill's own QR reference: "HD" + the bill id without its dash (kiosk_central.payments.bill_reference).
BILL_REFERENCE = re.compile(r"HD(P[A-Z][0-9A-Z]{4}[0-9]{7})([0-9]{6})")


@dataclass(frozen=True)
class CentralPayment:
    id: str
    idempotency_key: str
    status: str
    amount: int
    bill_ids: tuple[str, ...]
    created_at: str
    expires_at: str
    paid_at: str | None
    cancelled_at: str | None
    reference: str = ""
    kiosk_id: str | None = None

    @property
    def late(self) -> bool:
        """Paid after it was cancelled or had expired: the customer's money came after the kiosk gave up."""
        return self.status == "paid" and (
            self.cancelled_at is not None or (self.paid_at is not None and self.paid_at >= self.expires_at)
        )


@dataclass(frozen=True)
class CentralBill:
    id: str
    customer_code: str
    paid_at: str | None
    paid_by: str | None
    total: int = 0


@dataclass(frozen=True)
class Transfer:
    id: int
    reference: str
    amount: int
    outcome: str
    reason: str | None
    payment_id: str | None
    transaction_id: str | None = None
    received_at: str = ""


@dataclass(frozen=True)
class CentralView:
    payments: dict[str, CentralPayment]
    bills: dict[str, CentralBill]
    transfers: tuple[Transfer, ...]

    def by_key(self) -> dict[str, CentralPayment]:
        return {p.idempotency_key: p for p in self.payments.values()}


@dataclass(frozen=True)
class KioskRow:
    id: int
    idempotency_key: str
    state: str
    payment_id: str | None
    bill_ids: tuple[str, ...]
    receipt_number: str | None
    receipt: str | None
    abandoned: bool
    amount: int = 0


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a SQLite file as its readers see it (its write-ahead log included), for a test to break."""
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def connect_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def read_central_payments(source: RunningCentral | Path) -> CentralView:
    """The central's payments, bills and bank transfers, in one read transaction: of a running central (its
    database, SQLite or PostgreSQL), or of a SQLite file left by one.

    A payment's status is as the central answers it: one stored as pending whose time is up (by the central's
    clock; a file's, by this machine's) has expired, which the central works out on reading, never writes."""
    if isinstance(source, Path):
        database, now = open_database(source), datetime.now(UTC)
    else:
        database, now = source.database, source.clock.now()
    return database.read(lambda conn: _central_view(conn, to_text(now)))


def _central_view(conn: Connection, now: str) -> CentralView:
    bills_of: dict[str, list[str]] = defaultdict(list)
    for r in conn.execute("SELECT payment_id, bill_id FROM payment_bills ORDER BY payment_id, position"):
        bills_of[r["payment_id"]].append(r["bill_id"])
    payments = {
        r["id"]: CentralPayment(
            id=r["id"],
            idempotency_key=r["idempotency_key"],
            status="expired" if r["status"] == "pending" and r["expires_at"] <= now else r["status"],
            amount=r["amount"],
            bill_ids=tuple(bills_of[r["id"]]),
            created_at=r["created_at"],
            expires_at=r["expires_at"],
            paid_at=r["paid_at"],
            cancelled_at=r["cancelled_at"],
            reference=r["reference"],
            kiosk_id=r["kiosk_id"],
        )
        for r in conn.execute("SELECT * FROM payments")
    }
    bills = {
        r["id"]: CentralBill(r["id"], r["customer_code"], r["paid_at"], r["paid_by"], r["total"])
        for r in conn.execute("SELECT id, customer_code, paid_at, paid_by, total FROM bills")
    }
    transfers = tuple(
        Transfer(
            r["id"],
            r["reference"],
            r["amount"],
            r["outcome"],
            r["reason"],
            r["payment_id"],
            r["transaction_id"],
            r["received_at"],
        )
        for r in conn.execute("SELECT * FROM bank_transfers ORDER BY id")
    )
    return CentralView(payments, bills, transfers)


def read_journal(path: Path) -> tuple[KioskRow, ...]:
    """The kiosk journal's payments (an absent journal has none)."""
    if not path.exists():
        return ()
    conn = connect_read_only(path)
    try:
        rows = conn.execute("SELECT * FROM payments ORDER BY id").fetchall()
    finally:
        conn.close()
    return tuple(
        KioskRow(
            id=r["id"],
            idempotency_key=r["idempotency_key"],
            state=r["state"],
            payment_id=r["payment_id"],
            bill_ids=tuple(json.loads(r["bill_ids"])),
            receipt_number=r["receipt_number"],
            receipt=r["receipt"],
            abandoned=bool(r["abandoned"]),
            amount=r["amount"],
        )
        for r in rows
    )


# The central's table of each kind, and the column holding what the kiosk records as the tracking code.
TABLES = {"service_request": ("service_requests", "tracking_code"), "outage_report": ("outage_reports", "id")}


@dataclass(frozen=True)
class CentralMark:
    """The last rowid of each submission table: rows after it were made since."""

    rowids: tuple[tuple[str, int], ...] = ()

    def of(self, table: str) -> int:
        return dict(self.rowids).get(table, 0)


@dataclass(frozen=True)
class CentralSubmission:
    kind: str
    code: str
    idempotency_key: str
    client_reference: str | None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    reference: str
    idempotency_key: str
    state: str
    tracking_code: str | None
    has_payload: bool
    refusal: str | None


# Before anything: every row counts as made since.
FROM_THE_START = CentralMark()


def central_mark(db_path: Path) -> CentralMark:
    conn = connect_read_only(db_path)
    try:
        return CentralMark(
            tuple(
                (table, int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]))
                for table, _ in TABLES.values()
            )
        )
    finally:
        conn.close()


def read_central_submissions(
    db_path: Path, since: CentralMark = FROM_THE_START
) -> tuple[CentralSubmission, ...]:
    """The central's service requests and outage reports made after ``since``, in one read transaction."""
    conn = connect_read_only(db_path)
    found: list[CentralSubmission] = []
    try:
        conn.execute("BEGIN")
        for kind, (table, code) in TABLES.items():
            rows = conn.execute(
                f"SELECT {code} AS code, idempotency_key, client_reference FROM {table} WHERE rowid > ? "
                "ORDER BY rowid",
                (since.of(table),),
            )
            found.extend(
                CentralSubmission(kind, r["code"], r["idempotency_key"], r["client_reference"]) for r in rows
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return tuple(found)


def read_outbox(path: Path) -> tuple[OutboxRow, ...]:
    """The outbox's items (an absent file has none)."""
    if not path.exists():
        return ()
    conn = connect_read_only(path)
    try:
        rows = conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()
    finally:
        conn.close()
    return tuple(
        OutboxRow(
            id=r["id"],
            kind=r["kind"],
            reference=r["reference"],
            idempotency_key=r["idempotency_key"],
            state=r["state"],
            tracking_code=r["tracking_code"],
            has_payload=r["payload"] is not None,
            refusal=r["refusal"],
        )
        for r in rows
    )
