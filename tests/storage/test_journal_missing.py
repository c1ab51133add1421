"""A journal this kiosk created, found missing or empty at start, is refused: never silently made anew."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.printing.journal import PrintJournal
from kiosk.requests.outbox import Outbox
from kiosk.storage.journal_file import (
    JournalCorruptError,
    JournalMissingError,
    marker_path,
)
from tests.storage.journals import KINDS, Kind


@pytest.fixture(params=KINDS, ids=[kind.key for kind in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    kind: Kind = request.param
    return kind


def written(kind: Kind, data_dir: Path, rows: int = 3) -> Path:
    journal = kind.open(kind.path(data_dir))
    for n in range(rows):
        kind.write(journal, n)
    journal.close()
    return kind.path(data_dir)


def test_a_new_data_directory_starts_and_marks_each_journal(kind: Kind, tmp_path: Path) -> None:
    path = kind.path(tmp_path / "data")
    journal = kind.open(path)
    journal.close()
    marker = marker_path(path).read_text(encoding="utf-8")
    assert f"journal = {kind.name}\n" in marker
    assert f"file = {kind.file_name}\n" in marker
    assert "created = 20" in marker
    assert kind.open(path).close() is None  # and it opens again


def test_truncated_to_zero_bytes_after_rows_is_refused(kind: Kind, tmp_path: Path) -> None:
    path = written(kind, tmp_path)
    path.write_bytes(b"")
    with pytest.raises(JournalMissingError) as refused:
        kind.open(path)
    message = str(refused.value)
    assert f"{kind.name} {path} is empty (0 bytes), though this kiosk created it on 20" in message
    assert "restore the file from a backup" in message
    assert f"kiosk start-fresh {kind.file_name}" in message
    assert path.stat().st_size == 0  # nothing was created in its place
    with pytest.raises(JournalMissingError):
        kind.open(path)  # and refused again at the next start


def test_deleted_after_rows_is_refused(kind: Kind, tmp_path: Path) -> None:
    path = written(kind, tmp_path)
    path.unlink()
    with pytest.raises(JournalMissingError, match=r"is missing, though this kiosk created it"):
        kind.open(path)
    assert not path.exists()


def test_emptied_to_a_file_without_tables_is_refused(kind: Kind, tmp_path: Path) -> None:
    """What SQLite leaves when the log that held the schema is lost: a header page, no tables."""
    path = written(kind, tmp_path)
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
    db.close()
    with pytest.raises(JournalMissingError, match=r"is empty \(no tables: its write-ahead log was lost"):
        kind.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)  # still not made anew
    db.close()


def test_a_journal_from_before_the_markers_is_adopted(kind: Kind, tmp_path: Path) -> None:
    path = written(kind, tmp_path)
    marker_path(path).unlink()  # as a kiosk updated from a version without markers has it
    kind.open(path).close()
    assert marker_path(path).exists()
    assert kind.rows(path) == 3
    path.write_bytes(b"")
    with pytest.raises(JournalMissingError):
        kind.open(path)


def test_an_empty_file_whose_log_holds_bytes_is_refused_and_the_log_kept(kind: Kind, tmp_path: Path) -> None:
    """Without a marker too: SQLite deletes the log of an empty file when it opens it."""
    path = kind.path(tmp_path)
    path.write_bytes(b"")
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"\x37\x7f\x06\x82" + bytes(60))
    with pytest.raises(JournalCorruptError, match=r"SQLite would delete that log"):
        kind.open(path)
    assert wal.stat().st_size == 64


def test_memory_journals_are_as_before(kind: Kind, tmp_path: Path) -> None:
    journal = kind.open(":memory:")  # type: ignore[arg-type]
    kind.write(journal, 1)
    journal.close()
    assert list(tmp_path.iterdir()) == []


def test_memory_journals_keep_their_pragmas() -> None:
    prints, outbox = PrintJournal(":memory:"), Outbox(":memory:")
    assert prints._db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert tuple(outbox._db.execute("PRAGMA secure_delete").fetchone()) == (1,)
    prints.close()
    outbox.close()
