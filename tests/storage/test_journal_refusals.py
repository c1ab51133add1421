"""A read-only, locked, damaged journal or a full disk is refused at start with what to do, in words."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.payments.journal import PaymentJournal
from kiosk.storage import journal_file
from kiosk.storage.journal_file import (
    JournalCorruptError,
    JournalDiskFullError,
    JournalLockedError,
    JournalReadOnlyError,
    open_journal,
)
from tests.storage.conftest import MakeReadOnly
from tests.storage.journals import KINDS, NOW, ORDER, Kind


@pytest.fixture(params=KINDS, ids=[kind.key for kind in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    kind: Kind = request.param
    return kind


def written(kind: Kind, data_dir: Path) -> Path:
    journal = kind.open(kind.path(data_dir))
    for n in range(3):
        kind.write(journal, n)
    journal.close()
    return kind.path(data_dir)


def test_a_read_only_journal_is_refused(kind: Kind, tmp_path: Path, make_read_only: MakeReadOnly) -> None:
    path = written(kind, tmp_path)
    make_read_only(path)
    with pytest.raises(JournalReadOnlyError) as refused:
        kind.open(path)
    assert f"{kind.name} {path} is read-only for this kiosk's user" in str(refused.value)
    assert "give the kiosk's user write access" in str(refused.value)


def test_a_read_only_data_directory_is_refused(
    kind: Kind, tmp_path: Path, make_read_only: MakeReadOnly
) -> None:
    data = tmp_path / "data"
    path = written(kind, data)
    make_read_only(data)
    with pytest.raises(JournalReadOnlyError, match=f"the data directory {data} is read-only"):
        kind.open(path)


def test_a_journal_locked_by_another_process_is_refused(
    kind: Kind, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = written(kind, tmp_path)
    # Another process holds the file with an exclusive lock (an sqlite3 shell, a backup tool).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"db = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "db.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('HELD', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "HELD\n"
        monkeypatch.setattr(journal_file, "LOCK_WAIT_SECONDS", 0.2)
        with pytest.raises(JournalLockedError) as refused:
            kind.open(path)
        message = str(refused.value)
        assert f"{kind.name} {path} is locked by another process (database is locked" in message
        assert f"`fuser -v {path}` names it" in message
    finally:
        holder.kill()
        holder.wait()
    kind.open(path).close()  # free again once the holder is gone


def test_damage_in_the_middle_of_the_file_is_found_at_start(kind: Kind, tmp_path: Path) -> None:
    path = written(kind, tmp_path)
    journal = kind.open(path)
    for n in range(3, 60):  # a few pages of rows
        kind.write(journal, n)
    journal.close()
    size = path.stat().st_size
    assert size >= 4 * 4096
    with path.open("r+b") as file:
        file.seek(size - 2 * 4096 + 8)  # inside a table page, past its header
        file.write(os.urandom(2000))
    with pytest.raises(JournalCorruptError) as refused:
        kind.open(path)
    message = str(refused.value)
    # quick_check's findings, or its own "database disk image is malformed" where it cannot go on
    assert f"{kind.name} {path} is damaged (" in message
    assert "restore the file from a backup; keep the damaged file and its -wal" in message


def test_a_file_that_is_not_a_database_is_refused(kind: Kind, tmp_path: Path) -> None:
    path = kind.path(tmp_path)
    path.write_bytes(os.urandom(8192))
    with pytest.raises(JournalCorruptError, match=r"is damaged \(file is not a database\)"):
        kind.open(path)


def test_a_full_disk_at_start_is_refused(tmp_path: Path) -> None:
    # max_page_count=1 gives SQLite's own SQLITE_FULL at the first write (the schema), as a full disk does.
    with pytest.raises(JournalDiskFullError, match=r"the disk is full \(.* MB free on"):
        open_journal(
            tmp_path / "j.sqlite3",
            threading.RLock(),
            schema="CREATE TABLE t (x); CREATE TABLE u (y)",
            version=1,
            name="test journal",
            error=ValueError,
            newer_advice="",
            pragmas=("max_page_count=1",),
        )


def test_a_full_disk_at_a_write_is_said_in_words_and_nothing_half_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = PaymentJournal(tmp_path / "p.sqlite3", kiosk_id="K-01")
    journal.begin(ORDER, "key-0", NOW)
    (pages,) = journal._db.execute("PRAGMA page_count").fetchone()
    journal._db.execute(f"PRAGMA max_page_count = {pages}")
    with caplog.at_level(logging.ERROR), pytest.raises(sqlite3.OperationalError, match="full"):
        journal.begin(ORDER.__class__(**{**ORDER.__dict__, "customer_name": "x" * 20_000}), "key-1", NOW)
    assert "a journal write failed: the disk is full" in caplog.text
    assert [p.idempotency_key for p in journal.all()] == ["key-0"]
    journal.close()


def test_a_journal_caches_few_pages_so_the_kiosk_does_not_grow_with_its_journals(
    kind: Kind, tmp_path: Path
) -> None:
    """SQLite's default page cache (2 MiB a connection) fills as a journal grows with every customer: the
    kiosk's memory grew with its journals (bench/soak.py)."""
    journal = kind.open(kind.path(tmp_path))
    try:
        (cache,) = journal._db.execute("PRAGMA cache_size").fetchone()
        assert cache == -journal_file.PAGE_CACHE_KIB
        assert journal_file.PAGE_CACHE_KIB <= 512
    finally:
        journal.close()
