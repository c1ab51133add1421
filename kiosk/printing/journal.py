"""The print journal: every print job, its document and each attempt at printing it, in SQLite.

It is what lets the kiosk keep its promise that nothing is reported printed unless the printer confirmed
it: a job that failed or whose fate is unknown stays here, whole, for staff to reprint. Written with
``journal_mode=WAL`` and ``synchronous=FULL`` (a customer may have been told about it), inside explicit
transactions, with the schema version checked on open.

Blocking and thread-safe (one connection behind a lock): the print service calls it from its worker thread.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime
from pathlib import Path

from kiosk.printing.document import Document
from kiosk.printing.records import JobState, JournalEntry
from kiosk.storage.journal_file import open_journal, transaction

__all__ = ["JOURNAL_FILE_NAME", "JobState", "JournalEntry", "JournalError", "PrintJournal"]

JOURNAL_FILE_NAME = "print-journal.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE print_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,       -- payment_receipt, bill_notice, ... (what staff see in the reprint list)
    reference   TEXT NOT NULL,       -- the payment, bill or request it belongs to
    document    TEXT NOT NULL,       -- Document.to_json(), printed again whole on reprint
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'failed', 'unknown')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_status TEXT,
    last_detail TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX print_jobs_state ON print_jobs (state);
CREATE TABLE print_attempts (
    job_id      INTEGER NOT NULL REFERENCES print_jobs (id),
    number      INTEGER NOT NULL,
    reprint     INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'failed', 'unknown')),
    status      TEXT,
    detail      TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (job_id, number)
);
"""


class JournalError(Exception):
    """The journal file cannot be used (a newer schema, not a journal): an operator must look at it."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class PrintJournal:
    def __init__(self, path: Path | str) -> None:
        """Open (creating if needed) the journal at ``path``; ``":memory:"`` for a throwaway one."""
        self.path = path
        self._lock = threading.RLock()
        self._db = open_journal(
            path,
            self._lock,
            schema=_SCHEMA,
            version=SCHEMA_VERSION,
            name="print journal",
            error=JournalError,
            newer_advice="Update the kiosk software, or move the file aside (staff lose the reprint list).",
            pragmas=("foreign_keys=ON",),
            holds="the print jobs staff may reprint",
        )
        try:
            self._recover()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise JournalError(f"print journal {path}: {exc}") from exc

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> PrintJournal:
        return cls(data_dir / JOURNAL_FILE_NAME)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db, self._lock)

    def _recover(self) -> None:
        # A job still queued or sent was cut short by a crash or power cut: whether it printed is unknown.
        with self.transaction() as db:
            db.execute(
                "UPDATE print_attempts SET state = 'unknown', detail = 'interrupted (kiosk restarted)', "
                "finished_at = ? WHERE state IN ('queued', 'sent')",
                (_now(),),
            )
            db.execute(
                "UPDATE print_jobs SET state = 'unknown', last_detail = 'interrupted (kiosk restarted)', "
                "updated_at = ? WHERE state IN ('queued', 'sent')",
                (_now(),),
            )

    # ---- writes
    def add(self, document: Document, *, kind: str, reference: str) -> int:
        now = _now()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO print_jobs (kind, reference, document, state, created_at, updated_at) "
                "VALUES (?, ?, ?, 'queued', ?, ?)",
                (kind, reference, document.to_json(), now, now),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def start_attempt(self, job_id: int, *, reprint: bool) -> int:
        """Record a new attempt at ``job_id``; returns its number (1 for the first)."""
        now = _now()
        with self.transaction() as db:
            row = db.execute("SELECT attempts FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise KeyError(job_id)
            number = int(row[0]) + 1
            db.execute(
                "INSERT INTO print_attempts (job_id, number, reprint, state, started_at) VALUES (?, ?, ?, 'queued', ?)",
                (job_id, number, int(reprint), now),
            )
            db.execute(
                "UPDATE print_jobs SET attempts = ?, state = 'queued', updated_at = ? WHERE id = ?",
                (number, now, job_id),
            )
            return number

    def mark_sent(self, job_id: int, attempt: int) -> None:
        self._set_state(job_id, attempt, JobState.SENT, None, None, finished=False)

    def finish(self, job_id: int, attempt: int, state: JobState, *, status: str, detail: str) -> None:
        if state in (JobState.QUEUED, JobState.SENT):
            raise ValueError(f"an attempt finishes confirmed, failed or unknown, not {state}")
        self._set_state(job_id, attempt, state, status, detail, finished=True)

    def _set_state(
        self,
        job_id: int,
        attempt: int,
        state: JobState,
        status: str | None,
        detail: str | None,
        *,
        finished: bool,
    ) -> None:
        now = _now()
        with self.transaction() as db:
            db.execute(
                "UPDATE print_attempts SET state = ?, status = ?, detail = ?, finished_at = ? "
                "WHERE job_id = ? AND number = ?",
                (state.value, status, detail, now if finished else None, job_id, attempt),
            )
            db.execute(
                "UPDATE print_jobs SET state = ?, last_status = coalesce(?, last_status), "
                "last_detail = coalesce(?, last_detail), updated_at = ? WHERE id = ?",
                (state.value, status, detail, now, job_id),
            )

    # ---- reads
    _COLUMNS = (
        "id, kind, reference, document, state, attempts, last_status, last_detail, created_at, updated_at"
    )

    def get(self, job_id: int) -> JournalEntry:
        with self._lock, closing(self._db.cursor()) as cursor:
            row = cursor.execute(f"SELECT {self._COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return _entry(row)

    def find(self, kind: str, reference: str) -> JournalEntry | None:
        """The first job of ``kind`` for ``reference``, if one was ever added."""
        with self._lock, closing(self._db.cursor()) as cursor:
            row = cursor.execute(
                f"SELECT {self._COLUMNS} FROM print_jobs WHERE kind = ? AND reference = ? ORDER BY id LIMIT 1",
                (kind, reference),
            ).fetchone()
        return None if row is None else _entry(row)

    def recent(self, kinds: tuple[str, ...], limit: int) -> list[JournalEntry]:
        """The newest ``limit`` jobs of ``kinds``, newest first (the staff reprint list)."""
        marks = ", ".join("?" * len(kinds))
        with self._lock, closing(self._db.cursor()) as cursor:
            rows = cursor.execute(
                f"SELECT {self._COLUMNS} FROM print_jobs WHERE kind IN ({marks}) ORDER BY id DESC LIMIT ?",
                (*kinds, limit),
            ).fetchall()
        return [_entry(row) for row in rows]

    def pending_for_staff(self) -> list[JournalEntry]:
        """Jobs not confirmed printed (failed or unknown), oldest first: staff reprint them."""
        with self._lock, closing(self._db.cursor()) as cursor:
            rows = cursor.execute(
                f"SELECT {self._COLUMNS} FROM print_jobs WHERE state IN ('failed', 'unknown') ORDER BY id"
            ).fetchall()
        return [_entry(row) for row in rows]

    def attempts(self, job_id: int) -> list[tuple[int, bool, JobState, str | None]]:
        """(number, reprint, state, status) of each attempt at ``job_id``, in order."""
        with self._lock, closing(self._db.cursor()) as cursor:
            rows = cursor.execute(
                "SELECT number, reprint, state, status FROM print_attempts WHERE job_id = ? ORDER BY number",
                (job_id,),
            ).fetchall()
        return [(int(n), bool(r), JobState(s), status) for n, r, s, status in rows]


def _entry(row: tuple[object, ...]) -> JournalEntry:
    id_, kind, reference, document, state, attempts, last_status, last_detail, created, updated = row
    return JournalEntry(
        id=int(str(id_)),
        kind=str(kind),
        reference=str(reference),
        document=Document.from_json(str(document)),
        state=JobState(str(state)),
        attempts=int(str(attempts)),
        last_status=None if last_status is None else str(last_status),
        last_detail=None if last_detail is None else str(last_detail),
        created_at=datetime.fromisoformat(str(created)),
        updated_at=datetime.fromisoformat(str(updated)),
    )
