"""The SQLite file under each of the kiosk's journals (payments, print jobs): what makes a write durable.

Written with ``journal_mode=WAL`` and ``synchronous=FULL`` (a customer may have been told about what is in it),
in explicit ``BEGIN IMMEDIATE`` transactions, through one connection behind a lock, and refused when its schema
version is not the one this kiosk knows.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["open_journal", "transaction"]


@contextmanager
def transaction(db: sqlite3.Connection, lock: threading.RLock) -> Iterator[sqlite3.Connection]:
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def open_journal(
    path: Path | str,
    lock: threading.RLock,
    *,
    schema: str,
    version: int,
    name: str,
    error: type[Exception],
    newer_advice: str,
    pragmas: tuple[str, ...] = (),
) -> sqlite3.Connection:
    """The connection to the journal ``name`` at ``path`` (``":memory:"`` for a throwaway one), created with
    ``schema`` if the file is new. Raises ``error`` for a file that is not this journal or has another schema
    version (``newer_advice`` says what an operator should do then)."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in transaction()).
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        for pragma in pragmas:
            db.execute(f"PRAGMA {pragma}")
        _create_or_check(db, lock, path, schema, version, name, error, newer_advice)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise error(f"{name} {path}: {exc}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _create_or_check(
    db: sqlite3.Connection,
    lock: threading.RLock,
    path: Path | str,
    schema: str,
    version: int,
    name: str,
    error: type[Exception],
    newer_advice: str,
) -> None:
    (found,) = db.execute("PRAGMA user_version").fetchone()
    if found == version:
        return
    if found != 0:
        raise error(f"{name} {path} has schema version {found}; this kiosk knows {version}. {newer_advice}")
    with transaction(db, lock):
        if db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
            raise error(f"{path} is not a {name}")
        for statement in schema.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
