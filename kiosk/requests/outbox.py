"""The outbox: every service request and outage report a customer submitted at this kiosk, from before it is
sent to the central's answer, in SQLite.

It is what lets the kiosk tell a customer "your request is saved and will be sent" on a kiosk without
network, and keep that promise through a crash or a power cut: :meth:`Outbox.add` commits the submission
(``synchronous=FULL``) with its idempotency key and the kiosk's own reference before anything is sent, so the
courier (:mod:`kiosk.requests.courier`) can send it, again and again with the same key, until the central
answers; the central never makes two requests of one key.

The personal part of a submission (the form's answers, the citizen ID number, the phone, the one-time code) is
its *payload*: it is read only by the courier, never logged, and erased in the same transaction that records
the central's answer, delivered or refused (``secure_delete`` overwrites it in the file). What stays is the
non-personal *summary* the slip, a reprint and staff need.

Blocking and thread-safe (one connection behind a lock); the courier calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from kiosk.requests.records import (
    PAYLOAD_KEYS,
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    Delivery,
    OutboxItem,
    OutboxKind,
    lookup_key,
)
from kiosk.storage.journal_file import open_journal, transaction

__all__ = ["OUTBOX_FILE_NAME", "Outbox", "OutboxError"]

log = logging.getLogger(__name__)

# A file of its own, as the payment and print journals have theirs (kiosk.shell.app opens each in the data dir).
OUTBOX_FILE_NAME = "outbox.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('service_request', 'outage_report')),
    reference       TEXT NOT NULL UNIQUE,  -- the kiosk's own, on the slip
    idempotency_key TEXT NOT NULL UNIQUE,
    summary         TEXT NOT NULL,         -- JSON object of strings: nothing personal
    payload         TEXT,                  -- JSON, personal: NULL once the central answered
    state           TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'refused')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,                  -- an error code, never a body
    tracking_code   TEXT,                  -- the central's tracking code or outage report id
    tracking_lookup TEXT,                  -- lookup_key(tracking_code)
    delivered_at    TEXT,
    refusal         TEXT,                  -- the central's error code
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((state = 'queued') = (payload IS NOT NULL)),
    CHECK ((state = 'delivered') = (tracking_code IS NOT NULL)),
    CHECK ((state = 'refused') = (refusal IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_tracking ON outbox (tracking_lookup);
"""


class OutboxError(Exception):
    """The outbox file cannot be used (a newer schema, not an outbox): an operator must look at it."""


def _text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("outbox times are aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _moment(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_reference() -> str:
    """A fresh kiosk reference: ``K`` + 9 random characters of the tracking alphabet (31^9, about 2.6e13)."""
    return "K" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH - 1))


def new_key() -> str:
    return str(uuid.uuid4())


class Outbox:
    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], datetime] = utc_now,
        new_reference: Callable[[], str] = new_reference,
    ) -> None:
        """Open (creating if needed) the outbox at ``path``; ``":memory:"`` for a throwaway one."""
        self.path = path
        self._clock = clock
        self._new_reference = new_reference
        self._lock = threading.RLock()
        self._db = open_journal(
            path,
            self._lock,
            schema=_SCHEMA,
            version=SCHEMA_VERSION,
            name="request outbox",
            error=OutboxError,
            newer_advice="Update the kiosk software; do not move the file aside: it holds customers' "
            "requests not yet sent.",
            # Erased payloads are overwritten in the file, not just unlinked from it.
            pragmas=("secure_delete=ON",),
            holds="customers' requests and outage reports not yet sent",
        )
        self._db.row_factory = sqlite3.Row
        self._forget_erased()  # a crash may have come between an erase and its checkpoint

    @classmethod
    def in_data_dir(cls, data_dir: Path, *, clock: Callable[[], datetime] = utc_now) -> Outbox:
        return cls(data_dir / OUTBOX_FILE_NAME, clock=clock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _forget_erased(self) -> bool:
        """Erased means erased from every byte on disk: ``secure_delete`` zeroes a payload's old cells in the
        pages that change, but the write-ahead log keeps earlier copies of those pages (frames) until a
        checkpoint resets it, which a kiosk that is never closed cleanly may not reach for days. A TRUNCATE
        checkpoint copies the zeroed pages into the file and empties the log. False when a reader (another
        process) kept it from finishing: the next erase or start tries again."""
        if self.path == ":memory:":
            return True
        with self._lock:
            try:
                busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                # The answer it follows is committed: failing here would tell the courier it was not.
                log.warning("outbox: erased payloads not yet copied out of the write-ahead log (%s)", exc)
                return False
        return not busy

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self._lock)

    # ------------------------------------------------------------------ writes
    def add(self, kind: OutboxKind, payload: Mapping[str, object], summary: Mapping[str, str]) -> OutboxItem:
        """Store a submission, durably, before anything is sent: with a new idempotency key and a new
        reference, due now. Raises ValueError for a payload that is not ``kind``'s (a bug of the caller)."""
        kind = OutboxKind(kind)
        if set(payload) != PAYLOAD_KEYS[kind]:
            # Key names only: the values are personal.
            raise ValueError(f"a {kind} payload has {sorted(PAYLOAD_KEYS[kind])}, not {sorted(payload)}")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in summary.items()):
            raise ValueError("an outbox summary maps names to strings")
        payload_text = json.dumps(dict(payload), ensure_ascii=False)
        summary_text = json.dumps(dict(summary), ensure_ascii=False)
        now = _text(self._clock())
        key = new_key()
        try:
            with self._transaction() as db:
                while True:
                    reference = self._new_reference()
                    if (
                        db.execute("SELECT 1 FROM outbox WHERE reference = ?", (reference,)).fetchone()
                        is None
                    ):
                        break
                cursor = db.execute(
                    """INSERT INTO outbox (kind, reference, idempotency_key, summary, payload, state,
                           next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)""",
                    (kind.value, reference, key, summary_text, payload_text, now, now, now),
                )
                assert cursor.lastrowid is not None
                return self._get(db, cursor.lastrowid)
        except sqlite3.OperationalError:
            # A commit can reach the disk and still report an error (an fsync that fails late, the copy out of
            # the log after it). Then the submission is stored and will be sent: telling the customer it
            # failed would have them submit it again, a second request under another key.
            stored = self._by_key(key)
            if stored is None:
                raise
            log.warning(
                "outbox item %d (%s): stored although its commit reported an error",
                stored.id,
                stored.reference,
            )
            return stored

    def _by_key(self, key: str) -> OutboxItem | None:
        with self._lock:
            try:
                row = self._db.execute("SELECT id FROM outbox WHERE idempotency_key = ?", (key,)).fetchone()
                return None if row is None else self._get(self._db, row[0])
            except sqlite3.Error:
                return None

    def delivered(self, item_id: int, tracking_code: str, at: datetime) -> OutboxItem:
        """The central has it, under ``tracking_code`` (an outage report: its id). The payload is erased.
        An item already answered stays as it was (the first answer is the one the customer was told)."""
        with self._transaction() as db:
            db.execute(
                """UPDATE outbox SET state = 'delivered', tracking_code = ?, tracking_lookup = ?,
                       delivered_at = ?, payload = NULL, attempts = attempts + 1, last_error = NULL,
                       updated_at = ?
                   WHERE id = ? AND state = 'queued'""",
                (tracking_code, lookup_key(tracking_code), _text(at), _text(self._clock()), item_id),
            )
            item = self._get(db, item_id)
        self._forget_erased()
        return item

    def retry_later(self, item_id: int, error_code: str, at: datetime) -> OutboxItem:
        """The send failed without an answer from the central (or with one that is not a refusal): send it
        again, with the same key, from ``at`` on."""
        with self._transaction() as db:
            db.execute(
                """UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                       updated_at = ?
                   WHERE id = ? AND state = 'queued'""",
                (error_code, _text(at), _text(self._clock()), item_id),
            )
            return self._get(db, item_id)

    def refused(self, item_id: int, code: str) -> OutboxItem:
        """The central will not take it (``code`` says why): staff must see it. The payload is erased."""
        with self._transaction() as db:
            db.execute(
                """UPDATE outbox SET state = 'refused', refusal = ?, payload = NULL, attempts = attempts + 1,
                       last_error = ?, updated_at = ?
                   WHERE id = ? AND state = 'queued'""",
                (code, code, _text(self._clock()), item_id),
            )
            item = self._get(db, item_id)
        self._forget_erased()
        return item

    # ------------------------------------------------------------------ reads
    def get(self, item_id: int) -> OutboxItem:
        """The item; KeyError if there is none."""
        with self._lock:
            return self._get(self._db, item_id)

    def payload(self, item_id: int) -> Mapping[str, object] | None:
        """What the courier sends for a queued item; None once the central answered (it was erased)."""
        with self._lock:
            row = self._db.execute("SELECT payload FROM outbox WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        text = row["payload"]
        return None if text is None else MappingProxyType(json.loads(text))

    def by_reference(self, text: str) -> OutboxItem | None:
        """The item with this kiosk reference, or (once delivered) this tracking code, as a person types
        either: any case, with spaces or dashes."""
        key = lookup_key(text)
        if not key:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM outbox WHERE reference = ? OR tracking_lookup = ? ORDER BY id LIMIT 1",
                (key, key),
            ).fetchone()
        return None if row is None else _item(row)

    def due(self, now: datetime) -> list[OutboxItem]:
        """Queued items whose next attempt is due at ``now``, oldest first."""
        return self._select("state = 'queued' AND next_attempt_at <= ?", (_text(now),))

    def next_attempt_at(self) -> datetime | None:
        """When the next queued item is due (None: nothing is queued)."""
        with self._lock:
            (first,) = self._db.execute(
                "SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'"
            ).fetchone()
        return _moment(first)

    def depth(self) -> int:
        """How many items wait to be sent (for the status line and the kiosk's heartbeat)."""
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM outbox WHERE state = 'queued'").fetchone()
        return int(count)

    def pending(self) -> list[OutboxItem]:
        """Queued items, oldest first."""
        return self._select("state = 'queued'")

    def refusals(self) -> list[OutboxItem]:
        """Items the central refused, oldest first: staff call the customer back about them."""
        return self._select("state = 'refused'")

    def all(self) -> list[OutboxItem]:
        return self._select("1")

    def _get(self, db: sqlite3.Connection, item_id: int) -> OutboxItem:
        row = db.execute("SELECT * FROM outbox WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return _item(row)

    def _select(self, where: str, params: Sequence[object] = ()) -> list[OutboxItem]:
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM outbox WHERE {where} ORDER BY id", params).fetchall()
        return [_item(r) for r in rows]


def _item(row: sqlite3.Row) -> OutboxItem:
    next_attempt_at = _moment(row["next_attempt_at"])
    created_at = _moment(row["created_at"])
    assert next_attempt_at is not None
    assert created_at is not None
    return OutboxItem(
        id=row["id"],
        kind=OutboxKind(row["kind"]),
        reference=row["reference"],
        idempotency_key=row["idempotency_key"],
        summary=MappingProxyType(json.loads(row["summary"])),
        created_at=created_at,
        state=Delivery(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=next_attempt_at,
        last_error=row["last_error"],
        tracking_code=row["tracking_code"],
        delivered_at=_moment(row["delivered_at"]),
        refusal=row["refusal"],
    )
