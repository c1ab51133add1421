"""A journal's SQLite connection that fails one write: the disk that errs, fills up or stays locked at the
worst moment, while the kiosk is at work (issue 22, item 4, "storage faults").

:class:`FaultyConnection` stands in for a journal's connection (its ``_db``). Every statement that writes to
the file is a *write point*: ``BEGIN IMMEDIATE`` (where a lock held by another process shows), each
``INSERT``/``UPDATE``/``DELETE``, ``COMMIT``, and the checkpoints that copy the write-ahead log into the file.
It counts them, names each after the journal method that made it (``begin/INSERT``, ``delivered/COMMIT``), and
raises :class:`sqlite3.OperationalError` at the ``fail_at``-th, as SQLite raises it, with its error code. The
statement is not run: the transaction stays open for the journal's own ``ROLLBACK``, as after a real failure;
with ``lands``, a failing ``COMMIT`` is run first (the commit that reached the disk before its error).

Run a journey once with ``fail_at=None`` to learn its write points, then once per point with the fault there.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = ["STORAGE_ERRORS", "FaultyConnection", "StorageError", "install"]


@dataclass(frozen=True)
class StorageError:
    """What SQLite says when the disk fails a write, and the primary result code it carries."""

    message: str
    code: int

    def exception(self) -> sqlite3.OperationalError:
        exc = sqlite3.OperationalError(self.message)
        # As SQLite sets them: the journal names a full disk by its code, not by its words.
        exc.sqlite_errorcode = self.code
        exc.sqlite_errorname = _NAMES[self.code]
        return exc


_NAMES = {
    sqlite3.SQLITE_IOERR: "SQLITE_IOERR",
    sqlite3.SQLITE_FULL: "SQLITE_FULL",
    sqlite3.SQLITE_BUSY: "SQLITE_BUSY",
}

STORAGE_ERRORS = (
    StorageError("disk I/O error", sqlite3.SQLITE_IOERR),
    StorageError("database or disk is full", sqlite3.SQLITE_FULL),
    StorageError("database is locked", sqlite3.SQLITE_BUSY),
)

_WRITES = ("BEGIN", "INSERT", "UPDATE", "DELETE", "COMMIT", "PRAGMA WAL_CHECKPOINT")


def _write_kind(sql: str) -> str | None:
    head = " ".join(sql.split()).upper()
    for kind in _WRITES:
        if head.startswith(kind):
            if kind.startswith("PRAGMA"):
                # PASSIVE after each commit (journal_file); TRUNCATE after an erase (the outbox).
                return "truncate" if "TRUNCATE" in head else "checkpoint"
            return kind
    return None


class FaultyConnection:
    """The journal's connection, with write ``fail_at`` (1-based) failing with ``error``; None: only counts.

    ``points`` lists every write point reached, in order (the failed one included)."""

    def __init__(
        self,
        inner: sqlite3.Connection,
        module_files: Iterable[str],
        *,
        fail_at: int | None = None,
        error: StorageError = STORAGE_ERRORS[0],
        lands: bool = False,
    ) -> None:
        self._inner = inner
        self.lands = lands
        self._files = tuple(str(Path(f)) for f in module_files)
        self.fail_at = fail_at
        self.error = error
        self.points: list[str] = []
        self.failed: str | None = None
        self._count_lock = threading.Lock()

    def _method(self) -> str:
        """The public journal method this write is part of (its private helpers belong to it)."""
        frame: FrameType | None = sys._getframe(2)
        found = "?"
        while frame is not None:
            if frame.f_code.co_filename in self._files:
                found = frame.f_code.co_name
                if not found.startswith("_"):
                    return found
            frame = frame.f_back
        return found

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        kind = _write_kind(sql)
        if kind is not None:
            with self._count_lock:
                self.points.append(f"{self._method()}/{kind}")
                if len(self.points) == self.fail_at:
                    self.failed = self.points[-1]
                    if self.lands and kind == "COMMIT":
                        # The ambiguous commit: the log reached the disk, the error came after (an fsync that
                        # failed late); the next open finds the transaction committed.
                        self._inner.execute(sql, parameters)
                    raise self.error.exception()
        return self._inner.execute(sql, parameters)

    def cursor(self) -> sqlite3.Cursor:
        # Reads only (the print journal's); a write through a cursor would escape the count.
        return self._inner.cursor()

    def close(self) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def install(
    journal: Any,
    module_file: str,
    *,
    fail_at: int | None = None,
    error: StorageError = STORAGE_ERRORS[0],
    lands: bool = False,
) -> FaultyConnection:
    """Put a :class:`FaultyConnection` in place of ``journal``'s connection; ``module_file`` is the journal's
    module (``kiosk.payments.journal.__file__``), whose methods name the write points. ``lands``: a failing
    ``COMMIT`` is committed all the same."""
    faulty = FaultyConnection(journal._db, [module_file], fail_at=fail_at, error=error, lands=lands)
    journal._db = faulty
    return faulty
