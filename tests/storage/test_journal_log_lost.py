"""A kiosk killed with ``kill -9`` after writing rows, then its write-ahead log deleted or overwritten: the
next start keeps every committed row or refuses, never starts silently empty.

The writer is a real process of its own (:mod:`tests.storage.writer`), killed with SIGKILL once it said its rows
are committed; what it left on disk is all the next start has.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.storage.journal_file import JournalLogLostError, check_journal
from tests.storage.conftest import Writer
from tests.storage.journals import KINDS, Kind


@pytest.fixture(params=KINDS, ids=[kind.key for kind in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    kind: Kind = request.param
    return kind


def wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def test_the_log_deleted_after_a_kill_loses_no_committed_row(kind: Kind, killed_writer: Writer) -> None:
    path = killed_writer(kind, 4)
    wal(path).unlink()
    kind.open(path).close()
    assert kind.rows(path) == 4  # each commit was copied into the file at once


def test_a_garbage_log_after_a_kill_loses_no_committed_row(kind: Kind, killed_writer: Writer) -> None:
    path = killed_writer(kind, 4)
    wal(path).write_bytes(os.urandom(8192))
    kind.open(path).close()
    assert kind.rows(path) == 4


def test_the_log_deleted_before_its_writes_were_copied_is_refused(kind: Kind, killed_writer: Writer) -> None:
    path = killed_writer(kind, 4, pin_log=True)
    wal(path).unlink()
    with pytest.raises(JournalLogLostError) as refused:
        kind.open(path)
    message = str(refused.value)
    assert f"its write-ahead log {wal(path).name} is missing, while {path.name}-shm says it held" in message
    assert "committed pages not yet copied into the file" in message
    assert f"put {wal(path).name} back" in message
    assert path.with_name(path.name + "-shm").exists()  # the evidence is left as it was
    assert check_journal(path, name=kind.name, version=kind.version).state == "log-lost"


def test_a_garbage_log_before_its_writes_were_copied_is_refused(kind: Kind, killed_writer: Writer) -> None:
    path = killed_writer(kind, 4, pin_log=True)
    garbage = os.urandom(8192)
    wal(path).write_bytes(garbage)
    with pytest.raises(JournalLogLostError, match="is not a write-ahead log"):
        kind.open(path)
    assert wal(path).read_bytes() == garbage


def test_the_log_put_back_recovers_every_row(kind: Kind, killed_writer: Writer) -> None:
    path = killed_writer(kind, 4, pin_log=True)
    moved = wal(path).rename(path.with_name("moved-aside"))
    with pytest.raises(JournalLogLostError):
        kind.open(path)
    moved.rename(wal(path))
    kind.open(path).close()
    assert kind.rows(path) == 4
