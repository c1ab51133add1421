"""The SQLite file under each of the kiosk's journals (payments, print jobs, the request outbox): what makes a
write durable, and what makes the kiosk refuse a file rather than lose what it held.

Written with ``journal_mode=WAL`` and ``synchronous=FULL`` (a customer may have been told about what is in it),
in explicit ``BEGIN IMMEDIATE`` transactions, through one connection behind a lock, and refused when its schema
version is not the one this kiosk knows.

At open, a file journal is also checked before anything is written to it (docs/reliability.md, "The journals'
files"):

- **It existed before.** When the kiosk first creates a journal it writes a small marker beside it
  (``<journal>.created``). A journal that is missing or empty (0 bytes, or no tables: its write-ahead log lost)
  while its marker is there is refused with :class:`JournalMissingError`, never silently made anew: an empty
  journal would start a kiosk that has forgotten paid payments and saved requests. ``kiosk start-fresh`` is the
  explicit way out, once staff have checked the central's records (:func:`accept_fresh_start`).
- **It is whole.** ``PRAGMA quick_check`` at open, so damage is found at start, not at the first read.
- **It can be written.** The file, its ``-wal`` and ``-shm``, and the directory (SQLite creates those there) are
  opened for writing by the operating system before SQLite sees them, and a write lock is taken and given back,
  so a read-only or locked journal is refused at start instead of failing every "Pay".

Each refusal is a :class:`JournalFileError` whose message says in words what happened and what staff should do.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import sqlite3
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

__all__ = [
    "DECISIONS_FILE_NAME",
    "MARKER_SUFFIX",
    "JournalCheck",
    "JournalCorruptError",
    "JournalDiskFullError",
    "JournalFileError",
    "JournalLockedError",
    "JournalLogLostError",
    "JournalMissingError",
    "JournalReadOnlyError",
    "JournalState",
    "JournalWriteError",
    "accept_fresh_start",
    "check_journal",
    "marker_path",
    "open_journal",
    "transaction",
]

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".created"
DECISIONS_FILE_NAME = "storage-decisions.log"
"""Staff's decisions about the journals (``kiosk start-fresh``), one line each, kept in the data directory."""

LOCK_WAIT_SECONDS = 5.0
"""How long an open waits for another process's lock on a journal before refusing it (sqlite3's default)."""

# Each journal's page cache, in KiB. SQLite's default (2 MiB a connection) fills as a journal grows with every
# payment, print and request: a kiosk's memory then grows for its first months (bench/soak.py saw 4 MiB per 1,000
# customers). A journal is read by its indexes, a few pages at a time, and what is not cached is in the OS's.
PAGE_CACHE_KIB = 256

_DOCS = 'docs/reliability.md, "The journals\' files"'


# ---------------------------------------------------------------------------------------------- errors
class JournalFileError(Exception):
    """A journal file the kiosk will not use: ``what`` happened, and what staff should do (``fix``)."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(f"{what} — {fix}")
        self.what = what
        self.fix = fix


class JournalMissingError(JournalFileError):
    """The marker says this kiosk created the journal, but the file is missing or empty."""


class JournalLogLostError(JournalFileError):
    """The write-ahead log held committed writes not yet in the file, and it is missing or is not a log."""


class JournalCorruptError(JournalFileError):
    """The file is damaged: ``quick_check`` failed, or it is not an SQLite database."""


class JournalReadOnlyError(JournalFileError):
    """The file, its ``-wal``/``-shm`` or its directory cannot be written by the kiosk's user."""


class JournalLockedError(JournalFileError):
    """Another process holds a lock on the journal."""


class JournalDiskFullError(JournalFileError):
    """The disk under the data directory is full."""


class JournalWriteError(JournalFileError, sqlite3.OperationalError):
    """A write to a journal that was open and working failed (the disk erred or filled up, another process
    holds a lock). Its transaction was rolled back, unless the disk failed only after the commit reached it (an
    fsync that reports a late error): a caller that must know reads the journal again rather than assume
    either. Still the :class:`sqlite3.OperationalError` it was, with SQLite's code (``sqlite_errorcode``), so a
    caller that handles SQLite's errors handles it."""

    def __init__(self, what: str, fix: str, cause: sqlite3.Error) -> None:
        super().__init__(what, fix)
        # SQLite's own, as on the error it replaces (an error made by hand has neither: -1 and "").
        self.sqlite_errorcode = int(getattr(cause, "sqlite_errorcode", None) or -1)
        self.sqlite_errorname = str(getattr(cause, "sqlite_errorname", None) or "")


# ---------------------------------------------------------------------------------------------- writes
@contextmanager
def transaction(db: sqlite3.Connection, lock: threading.RLock) -> Iterator[sqlite3.Connection]:
    with lock:
        try:
            db.execute("BEGIN IMMEDIATE")  # where another process's lock shows, after LOCK_WAIT_SECONDS
        except sqlite3.OperationalError as exc:
            raise _write_failed(db, exc) from exc
        try:
            yield db
            # Inside: a COMMIT that fails (a full disk as the log grows) must not leave the transaction open.
            db.execute("COMMIT")
        except BaseException as exc:
            # A failed write is the caller's to handle (the keeper, the courier, the print service report it);
            # a full disk is named here too, in words, since the caller sees only SQLite's one line.
            if isinstance(exc, sqlite3.Error) and _error_code(exc) == sqlite3.SQLITE_FULL:
                # The caller logs the traceback (or shows staff the fault): this line only says why in words.
                log.error("a journal write failed: the disk is full (%s); free space on it", _free_space(db))  # noqa: TRY400
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back on its own (SQLITE_FULL)
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and not isinstance(exc, JournalWriteError):
                raise _write_failed(db, exc) from exc
            raise
        _copy_into_file(db)


def _write_failed(db: sqlite3.Connection, exc: sqlite3.OperationalError) -> JournalWriteError:
    """SQLite's one line, in words for whoever reads the log or the staff screen."""
    path = _file_path(db)
    file = path.rsplit("/", 1)[-1]
    match _error_code(exc):
        case sqlite3.SQLITE_FULL:
            why, fix = "the disk is full", "free space on that disk (old logs, not the journals)"
        case sqlite3.SQLITE_BUSY | sqlite3.SQLITE_LOCKED:
            why = "another process holds it locked"
            fix = f"stop that process (`fuser -v {path}` names it): only the kiosk may use its journals"
        case sqlite3.SQLITE_READONLY | sqlite3.SQLITE_PERM | sqlite3.SQLITE_CANTOPEN:
            why, fix = "it became read-only", "give the kiosk's user write access to its data directory again"
        case _:
            why, fix = "the disk failed the write", "check the disk (`kiosk doctor`, the system log)"
    return JournalWriteError(
        f"{file} could not be written ({exc}): {why}",
        f"{fix}; what the journal held before is kept, and the kiosk follows up what was in flight",
        exc,
    )


def _file_path(db: sqlite3.Connection) -> str:
    with contextlib.suppress(sqlite3.Error):
        for _, schema_name, file in db.execute("PRAGMA database_list").fetchall():
            if schema_name == "main" and file:
                return str(file)
    return "a journal"


def _copy_into_file(db: sqlite3.Connection) -> None:
    """What was just committed is copied from the write-ahead log into the file itself (a PASSIVE checkpoint:
    it never waits for a reader). A log deleted or overwritten after a crash (a kill -9, a power cut, someone
    tidying "temporary files") then takes nothing committed with it; a log lost before the copy is caught at
    the next open (:meth:`_JournalFile.refuse_if_log_lost`). Committed already, so a failure here is only
    logged: the next commit or the next start copies it."""
    try:
        db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    except sqlite3.Error as exc:
        log.warning(
            "a journal's write-ahead log was not copied into its file now (%s): the next write does", exc
        )


# ---------------------------------------------------------------------------------------------- opening
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
    holds: str = "what it recorded",
) -> sqlite3.Connection:
    """The connection to the journal ``name`` at ``path`` (``":memory:"`` for a throwaway one), created with
    ``schema`` if the file is new (and its marker written). Raises ``error`` for a file that is not this journal
    or has another schema version (``newer_advice`` says what an operator should do then), and a
    :class:`JournalFileError` for a journal missing or emptied (``holds`` says what was lost), damaged,
    read-only, locked or on a full disk."""
    if path == ":memory:":
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            for pragma in ("journal_mode=WAL", "synchronous=FULL", *pragmas):
                db.execute(f"PRAGMA {pragma}")
            _create_or_check(db, lock, path, schema, version, name, error, newer_advice)
        except BaseException:
            db.close()
            raise
        return db
    journal = _JournalFile(Path(path), name, holds)
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    journal.refuse_if_gone()
    journal.refuse_if_not_writable()
    db = journal.connect(pragmas)
    try:
        with journal.classifying():
            _check_whole(db, journal)
            created = _create_or_check(
                db, lock, path, schema, version, name, error, newer_advice, on_empty=journal.refuse_emptied
            )
            _take_write_lock(db)
        if journal.marker_text() is None:
            journal.write_marker()
    except BaseException:
        db.close()
        raise
    if created:
        log.info("%s %s created (the first start of this journal)", name, journal.path)
    return db


JournalState = Literal[
    "ok", "new", "missing", "log-lost", "corrupted", "read-only", "locked", "disk-full", "unusable"
]


@dataclass(frozen=True)
class JournalCheck:
    """What `kiosk doctor` says about one journal file."""

    state: JournalState
    detail: str
    fix: str = ""


def check_journal(path: Path, *, name: str, version: int) -> JournalCheck:
    """The journal at ``path`` checked as `kiosk run` checks it at start, without creating or changing it
    (a journal that does not exist yet and has no marker is ``new``). Safe beside a running kiosk: it only
    reads, and takes the write lock for an instant."""
    journal = _JournalFile(path, name, "what it recorded")
    try:
        journal.refuse_if_gone()
        if not path.exists():
            return JournalCheck(
                "new", f"{path.name} not created yet: the kiosk creates it at its first start"
            )
        journal.refuse_if_not_writable()
        db = journal.connect(())
        try:
            with journal.classifying():
                _check_whole(db, journal)
                (found,) = db.execute("PRAGMA user_version").fetchone()
                if found != version:
                    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
                    if found == 0 and tables[0] == 0:
                        journal.refuse_emptied()  # raises when its marker says it existed
                        return JournalCheck("new", f"{path.name} is empty: the kiosk sets it up at start")
                    return JournalCheck(
                        "unusable",
                        f"{path.name} has schema version {found}, this kiosk knows {version}",
                        "update the kiosk software; do not move the file aside",
                    )
                _take_write_lock(db)
        finally:
            db.close()
    except JournalFileError as exc:
        return JournalCheck(_STATES[type(exc)], exc.what, exc.fix)
    return JournalCheck("ok", f"{path.name}: whole, writable, schema version {version}")


_STATES: dict[type[JournalFileError], JournalState] = {
    JournalFileError: "unusable",
    JournalMissingError: "missing",
    JournalLogLostError: "log-lost",
    JournalCorruptError: "corrupted",
    JournalReadOnlyError: "read-only",
    JournalLockedError: "locked",
    JournalDiskFullError: "disk-full",
}


def marker_path(path: Path) -> Path:
    """The file that says this kiosk created the journal at ``path``."""
    return path.with_name(path.name + MARKER_SUFFIX)


def accept_fresh_start(path: Path, *, name: str, version: int, reason: str, now: datetime) -> list[Path]:
    """Staff's decision, after checking the central's records, that the kiosk starts the journal at ``path``
    anew although its marker says it existed. Only for a journal that is missing or empty (ValueError
    otherwise: rows are never discarded here). What is there (the empty file, its ``-wal`` and ``-shm``, the
    marker) is kept under a ``.set-aside-<time>`` name, the decision is appended to ``storage-decisions.log``
    in the data directory and logged; the next start creates the journal and a new marker. Returns the files
    set aside."""
    check = check_journal(path, name=name, version=version)
    if check.state == "missing":
        set_aside: tuple[Path, ...] = (
            path,
            _sibling(path, "-wal"),
            _sibling(path, "-shm"),
            marker_path(path),
        )
        decision = "Staff accepted starting it empty"
    elif check.state == "log-lost":
        # The file's rows stay: only what stands for the lost log goes, so SQLite opens the file as it is.
        set_aside = (_sibling(path, "-wal"), _sibling(path, "-shm"))
        decision = "Staff accepted it without the lost log's writes"
    else:
        raise ValueError(
            f"{path.name} is not missing, empty or without its log ({check.state}: {check.detail});"
            " start-fresh discards no rows"
        )
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    moved = []
    for original in set_aside:
        if original.exists():
            kept = original.with_name(f"{original.name}.set-aside-{stamp}")
            original.rename(kept)
            moved.append(kept)
    line = (
        f"{now.astimezone(UTC).isoformat(timespec='seconds')} start-fresh {path.name} ({name}): {check.detail}."
        f" {decision}: {reason}. Set aside: {', '.join(p.name for p in moved) or 'nothing'}"
    )
    _append_durably(path.parent / DECISIONS_FILE_NAME, line)
    log.warning("%s", line)
    return moved


# ---------------------------------------------------------------------------------------------- internals
class _JournalFile:
    """One journal file on disk and the words for what can be wrong with it."""

    def __init__(self, path: Path, name: str, holds: str) -> None:
        self.path = path
        self.name = name
        self.holds = holds
        self.marker = marker_path(path)

    def marker_text(self) -> str | None:
        try:
            return self.marker.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise JournalReadOnlyError(
                f"{self.marker} cannot be read by this kiosk's user ({exc.strerror})",
                "give the kiosk's user access to its data directory and everything in it",
            ) from exc

    def _created(self) -> str:
        text = self.marker_text() or ""
        found = [line.split("=", 1)[1].strip() for line in text.splitlines() if line.startswith("created =")]
        return found[0] if found else "an earlier start"

    def _missing(self, how: str) -> JournalMissingError:
        return JournalMissingError(
            f"{self.name} {self.path} {how}, though this kiosk created it on {self._created()}"
            f" ({self.marker.name} says so): {self.holds} may be lost, so the kiosk will not start with an empty"
            " one",
            "stop the kiosk and restore the file from a backup (with its -wal if the backup has one); or, once"
            " staff have checked the central's records for this kiosk, accept starting it empty with"
            f" `kiosk start-fresh {self.path.name} --reason '...'` (see {_DOCS})",
        )

    def refuse_if_gone(self) -> None:
        """Before SQLite opens it: SQLite would make a missing file anew, and deletes the ``-wal`` of an empty
        one (the rows it may hold with it)."""
        wal = _sibling(self.path, "-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        if not self.path.exists():
            if self.marker_text() is not None:
                raise self._missing("is missing")
            return
        if self.path.stat().st_size > 0:
            self.refuse_if_log_lost()
            return
        if self.marker_text() is not None:
            also = f" (its {wal.name} holds {wal_size} bytes: keep it)" if wal_size else ""
            raise self._missing(f"is empty (0 bytes){also}")
        if wal_size:
            raise JournalCorruptError(
                f"{self.name} {self.path} is empty (0 bytes) but its {wal.name} holds {wal_size} bytes: the file"
                " was truncated, and SQLite would delete that log (and the rows in it) if it opened the file",
                "stop the kiosk and restore both files from a backup; keep them as they are for support",
            )

    def refuse_if_log_lost(self) -> None:
        """Before SQLite opens it (SQLite rebuilds the shared-memory file from whatever log it finds, and would
        open the file without the lost writes): the ``-shm`` a hard stop left behind says how many pages of
        the log were committed and how many of them are already in the file. More committed than copied, and
        no log, or a file that is not a log: those writes are gone. A log that is there SQLite checks itself
        (frame checksums and salts), keeping what is whole. Only a log missing or without a log's header counts
        here, so a ``-shm`` left stale by a power cut never refuses a good journal."""
        shm, wal = _sibling(self.path, "-shm"), _sibling(self.path, "-wal")
        try:
            with shm.open("rb") as file:
                index = file.read(_SHM_HEADER_BYTES)
        except OSError:
            return
        if len(index) < _SHM_HEADER_BYTES or index[12] != 1:  # isInit: the index was built
            return
        (committed,) = struct.unpack("=I", index[16:20])  # mxFrame, in the machine's byte order
        (copied,) = struct.unpack("=I", index[96:100])  # nBackfill
        if committed <= copied:
            return
        try:
            with wal.open("rb") as file:
                head = file.read(4)
        except FileNotFoundError:
            problem = "is missing"
        else:
            if head in _WAL_MAGIC:
                return
            problem = "is not a write-ahead log (overwritten or damaged)"
        raise JournalLogLostError(
            f"{self.name} {self.path}: its write-ahead log {wal.name} {problem}, while {shm.name} says it held"
            f" {committed - copied} committed pages not yet copied into the file (the kiosk was stopped hard and"
            f" the log was then deleted or overwritten): the latest {self.holds} may be lost",
            f"stop the kiosk and put {wal.name} back (from a backup, or wherever it was moved) beside"
            f" {self.path.name} and {shm.name}; or, once staff have checked the central's records for this"
            f" kiosk, accept the file as it is without those writes with `kiosk start-fresh {self.path.name}"
            f" --reason '...'` (it keeps the file's rows; see {_DOCS})",
        )

    def refuse_emptied(self) -> None:
        """After SQLite opened it: a file with no tables whose marker says it existed lost its content (its
        write-ahead log deleted or damaged after a crash, before SQLite copied it into the file)."""
        if self.marker_text() is not None:
            raise self._missing("is empty (no tables: its write-ahead log was lost or damaged after a crash)")

    def refuse_if_not_writable(self) -> None:
        """As the operating system sees it, which also holds for root (an immutable file, a read-only mount)."""
        directory = self.path.parent
        probe = directory / f".{self.path.name}.write-probe-{os.getpid()}"
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            probe.unlink()
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise self.disk_full() from exc
            raise JournalReadOnlyError(
                f"the data directory {directory} is read-only for this kiosk's user ({exc.strerror}); SQLite"
                f" must create {self.path.name}-wal and -shm there",
                f"give the kiosk's user write access to {directory} (owner and mode, `chattr -i`, or remount"
                " the file system read-write), then start the kiosk",
            ) from exc
        for file in (self.path, _sibling(self.path, "-wal"), _sibling(self.path, "-shm")):
            try:
                os.close(os.open(file, os.O_RDWR))
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise JournalReadOnlyError(
                    f"{self.name} {file} is read-only for this kiosk's user ({exc.strerror}): every write"
                    " (a payment, a print job, a request) would fail",
                    f"give the kiosk's user write access to {file} (owner and mode, `chattr -i`, or remount the"
                    " file system read-write), then start the kiosk",
                ) from exc

    def connect(self, pragmas: tuple[str, ...]) -> sqlite3.Connection:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in transaction()).
        db = sqlite3.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=LOCK_WAIT_SECONDS
        )
        try:
            with self.classifying():
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
                for pragma in pragmas:
                    db.execute(f"PRAGMA {pragma}")
        except BaseException:
            db.close()
            raise
        return db

    def disk_full(self) -> JournalDiskFullError:
        return JournalDiskFullError(
            f"{self.name} {self.path}: the disk is full ({_free_bytes_text(self.path.parent)})",
            "free space on that disk (old logs, not the journals), then start the kiosk",
        )

    @contextmanager
    def classifying(self) -> Iterator[None]:
        """SQLite's errors at open, as the refusals they are; any other one still names the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._classify(exc) from exc

    def _classify(self, exc: sqlite3.DatabaseError) -> Exception:
        code = _error_code(exc)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return JournalLockedError(
                f"{self.name} {self.path} is locked by another process ({exc}; waited {LOCK_WAIT_SECONDS:.0f} s):"
                " another kiosk, a backup or an sqlite3 shell is using it",
                f"stop that process (`fuser -v {self.path}` names it), then start the kiosk",
            )
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            return self.corrupt(str(exc))
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
            return JournalReadOnlyError(
                f"{self.name} {self.path} cannot be opened for writing ({exc})",
                f"give the kiosk's user write access to {self.path} and its directory, then start the kiosk",
            )
        if code == sqlite3.SQLITE_FULL:
            return self.disk_full()
        return JournalFileError(f"{self.name} {self.path}: {exc}", f"run `kiosk doctor`, and see {_DOCS}")

    def corrupt(self, finding: str) -> JournalCorruptError:
        return JournalCorruptError(
            f"{self.name} {self.path} is damaged ({finding})",
            "stop the kiosk and restore the file from a backup; keep the damaged file and its -wal for support"
            f" (they may still hold {self.holds}), do not delete them",
        )

    def write_marker(self) -> None:
        """Written after the schema is committed: a crash before it leaves a journal with no marker, adopted at
        the next start, never a marker with no journal (which would refuse a kiosk that never had one)."""
        text = (
            "# This kiosk created the journal beside this file. While this file is here the kiosk refuses to\n"
            f"# start if that journal is missing or empty: see {_DOCS}.\n"
            f"journal = {self.name}\n"
            f"file = {self.path.name}\n"
            f"created = {datetime.now(UTC).isoformat(timespec='seconds')}\n"
        )
        temporary = self.marker.with_name(self.marker.name + ".tmp")
        try:
            with temporary.open("w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            temporary.replace(self.marker)
            _fsync_directory(self.marker.parent)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise self.disk_full() from exc
            raise JournalReadOnlyError(
                f"{self.marker} cannot be written ({exc.strerror})",
                f"give the kiosk's user write access to {self.marker.parent}, then start the kiosk",
            ) from exc


def _check_whole(db: sqlite3.Connection, journal: _JournalFile) -> None:
    findings = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
    if findings != ["ok"]:
        first = " ".join(str(findings[0]).split())
        more = f" and {len(findings) - 1} more findings" if len(findings) > 1 else ""
        raise journal.corrupt(f"quick_check: {first}{more}")


def _take_write_lock(db: sqlite3.Connection) -> None:
    """A lock held by another process (a writer that never finishes, an sqlite3 shell) shows now, not at the
    first "Pay"."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("ROLLBACK")


def _create_or_check(
    db: sqlite3.Connection,
    lock: threading.RLock,
    path: Path | str,
    schema: str,
    version: int,
    name: str,
    error: type[Exception],
    newer_advice: str,
    *,
    on_empty: Callable[[], None] = lambda: None,
) -> bool:
    """True when the schema was created now; ``on_empty`` may refuse a file with no tables first."""
    (found,) = db.execute("PRAGMA user_version").fetchone()
    if found == version:
        return False
    if found != 0:
        raise error(f"{name} {path} has schema version {found}; this kiosk knows {version}. {newer_advice}")
    with transaction(db, lock):
        if db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
            raise error(f"{path} is not a {name}")
        on_empty()
        for statement in schema.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
    return True


# The head of SQLite's shared-memory index (two copies of the 48-byte WalIndexHdr, then WalCkptInfo with
# nBackfill) and the two magic numbers a write-ahead log starts with: https://www.sqlite.org/walformat.html
_SHM_HEADER_BYTES = 136
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF  # the primary code of an extended one


def _free_bytes_text(directory: Path) -> str:
    try:
        free = shutil.disk_usage(directory).free
    except OSError:
        return "free space unknown"
    return f"{free / 1_000_000:.1f} MB free on {directory}"


def _free_space(db: sqlite3.Connection) -> str:
    with contextlib.suppress(sqlite3.Error):
        for _, schema_name, file in db.execute("PRAGMA database_list").fetchall():
            if schema_name == "main" and file:
                return _free_bytes_text(Path(file).parent)
    return "free space unknown"


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append_durably(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
