"""The print journal: durable settings, the schema version check, states and crash recovery."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.printing.document import Document, QrCode, Table, Text, Title
from kiosk.printing.journal import JobState, JournalError, PrintJournal

DOC = Document((Title("Biên nhận"), Table(("A", "B"), (("1", "2"),)), QrCode("x", "cap"), Text("ễ")))


def test_document_survives_the_journal_and_pragmas_are_durable(journal_path: Path) -> None:
    journal = PrintJournal(journal_path)
    job = journal.add(DOC, kind="payment_receipt", reference="PAY-1")
    entry = journal.get(job)
    assert entry.document == DOC
    assert entry.state is JobState.QUEUED
    assert journal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    journal.close()


def test_attempts_states_and_pending_for_staff(journal_path: Path) -> None:
    journal = PrintJournal(journal_path)
    job = journal.add(DOC, kind="payment_receipt", reference="PAY-1")
    first = journal.start_attempt(job, reprint=False)
    journal.mark_sent(job, first)
    journal.finish(job, first, JobState.FAILED, status="paper_out", detail="stopped")
    assert [e.id for e in journal.pending_for_staff()] == [job]
    second = journal.start_attempt(job, reprint=True)
    journal.finish(job, second, JobState.CONFIRMED, status="ready", detail="ok")
    assert journal.pending_for_staff() == []
    assert journal.attempts(job) == [
        (1, False, JobState.FAILED, "paper_out"),
        (2, True, JobState.CONFIRMED, "ready"),
    ]
    assert journal.get(job).attempts == 2
    with pytest.raises(ValueError, match="not sent"):
        journal.finish(job, second, JobState.SENT, status="ready", detail="")


def test_a_job_cut_short_by_a_restart_is_unknown_and_left_for_staff(journal_path: Path) -> None:
    journal = PrintJournal(journal_path)
    job = journal.add(DOC, kind="payment_receipt", reference="PAY-1")
    journal.mark_sent(job, journal.start_attempt(job, reprint=False))
    journal.close()
    reopened = PrintJournal(journal_path)
    assert reopened.get(job).state is JobState.UNKNOWN
    assert [e.id for e in reopened.pending_for_staff()] == [job]


def test_a_newer_schema_or_a_foreign_database_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    PrintJournal(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(JournalError, match="schema version 99"):
        PrintJournal(newer)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE something (x)")
    with pytest.raises(JournalError, match="not a print journal"):
        PrintJournal(foreign)
