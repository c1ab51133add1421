"""The reference central's database: SQLite (embedded: the demo, tests, a small site) or PostgreSQL (a fleet).

The rules that decide money are the database's, not one process's: every write runs in one transaction that the
database serialises (SQLite's write lock, taken up front by ``BEGIN IMMEDIATE``; PostgreSQL's ``SERIALIZABLE``
isolation, the transaction run again when PostgreSQL says it lost a race), under the schema's unique constraints.
So any number of worker processes, on one machine or several, collect a bill once.

Reads (a kiosk watching its payment, a lookup) take no write lock: a snapshot (SQLite's deferred ``BEGIN`` in WAL
mode, PostgreSQL's ``REPEATABLE READ READ ONLY``) sees a consistent database while writers go on.

Queries are written once, with SQLite's ``?`` (or ``:name``) parameters; :class:`Connection` says them in
psycopg's words on PostgreSQL. A write that changes a payment's status says so
(:meth:`Connection.payment_changed`), and its watchers are told once it is committed: in this process at once,
in every other worker by PostgreSQL's ``NOTIFY`` (see kiosk_central.push).
"""

from __future__ import annotations

import logging
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar
from urllib.parse import urlsplit, urlunsplit

from kiosk_central.schema import (
    SCHEMA,
    SCHEMA_VERSION,
    SchemaVersionError,
    for_postgresql,
    migration_steps,
)

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

__all__ = [
    "SCHEMA_VERSION",
    "Connection",
    "Database",
    "Row",
    "SchemaVersionError",
    "open_database",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
Dialect = Literal["sqlite", "postgresql"]
Params = Sequence[Any] | Mapping[str, Any]

# The channel on which PostgreSQL tells every worker that a payment changed (the payload is its id).
PAYMENT_CHANNEL = "kiosk_payment_changed"


class Row(Protocol):
    """A result row, by position or by column name (sqlite3.Row, or _PgRow on PostgreSQL)."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection:
    """One transaction's connection: ``execute`` in SQLite's words on either database."""

    dialect: ClassVar[Dialect]

    def __init__(self) -> None:
        self.changed_payments: set[str] = set()

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        raise NotImplementedError

    def greatest(self, *terms: str) -> str:
        """The SQL of the greatest of these terms (SQLite's many-argument ``max``, PostgreSQL's ``GREATEST``)."""
        name = "max" if self.dialect == "sqlite" else "GREATEST"
        return f"{name}({', '.join(terms)})"

    def payment_changed(self, payment_id: str) -> None:
        """This transaction changed the payment's status: its watchers are told once it is committed."""
        self.changed_payments.add(payment_id)


class _SqliteConnection(Connection):
    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        super().__init__()
        self.raw = raw

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.raw.executemany(sql, rows)


class _PgRow(tuple[Any, ...]):
    """A row that answers to its column names too, as sqlite3.Row does. One subclass per column list."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[_PgRow]:
    return type("PgRow", (_PgRow,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})


def _pg_row_factory(cursor: Any) -> Callable[[Sequence[Any]], _PgRow]:
    row_class = _row_class(tuple(c.name for c in cursor.description or ()))

    def make(values: Sequence[Any]) -> _PgRow:
        # sum() of BIGINT is NUMERIC in PostgreSQL; the central counts whole đồng.
        return row_class(int(v) if isinstance(v, Decimal) else v for v in values)

    return make


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=1024)
def _pg_sql(sql: str, named: bool) -> str:
    """SQLite's parameters in psycopg's words: ``?`` → ``%s``, ``:name`` → ``%(name)s`` (``%`` doubled)."""
    sql = sql.replace("%", "%%")
    if named:
        return _NAMED.sub(r"%(\1)s", sql)
    return sql.replace("?", "%s")


def _pg_value(value: Any) -> Any:
    # Flags are INTEGER columns (as in SQLite); psycopg would send a Python bool as boolean.
    return int(value) if isinstance(value, bool) else value


class _PgConnection(Connection):
    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        super().__init__()
        self.raw = raw

    def _adapt(self, sql: str, params: Params) -> tuple[str, Params]:
        if isinstance(params, Mapping):
            return _pg_sql(sql, True), {k: _pg_value(v) for k, v in params.items()}
        return _pg_sql(sql, False), [_pg_value(v) for v in params]

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        query, values = self._adapt(sql, params)
        return self.raw.execute(query, values)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        query = self._adapt(sql, rows[0])[0]
        with self.raw.cursor() as cur:
            cur.executemany(query, [self._adapt(sql, r)[1] for r in rows])

    def payment_changed(self, payment_id: str) -> None:
        if payment_id not in self.changed_payments:
            # Delivered to every listening worker when (and only if) this transaction commits.
            self.raw.execute("SELECT pg_notify(%s, %s)", (PAYMENT_CHANNEL, payment_id))
        super().payment_changed(payment_id)


_VERSION_QUERY = "SELECT value FROM meta WHERE key = 'schema_version'"


class Database:
    """Transactions on the central's database. Made by :func:`open_database`."""

    dialect: ClassVar[Dialect]

    def __init__(self) -> None:
        self._payment_listeners: list[Callable[[str], None]] = []

    @property
    def description(self) -> str:
        """Where the data lives, for the server's first lines and logs (never a password)."""
        raise NotImplementedError

    def on_payment_changed(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(payment_id)`` after each commit that changed a payment, in the committing thread."""
        self._payment_listeners.append(listener)

    def _steps_from(self, version_row: Any) -> list[str]:
        """The migration steps from the version in ``meta`` (its row, or None); refused for one this server
        cannot read."""
        found = version_row[0] if version_row else None
        steps = migration_steps(found)
        if steps is None:
            raise SchemaVersionError(
                f"{self.description} has schema version {found}, this server needs {SCHEMA_VERSION}"
            )
        return steps

    def _committed(self, conn: Connection) -> None:
        for payment_id in conn.changed_payments:
            for listener in self._payment_listeners:
                listener(payment_id)

    def initialise(self, fill: Callable[[Connection], None] | None = None) -> bool:
        """Create the schema in an empty database (and ``fill`` it: the demo's data), or check an existing one
        and bring it up to date from a known older version. True if it was created.

        The schema, its version and what ``fill`` writes are one transaction: a server killed while it creates
        them (a power cut at the first start) leaves an empty database, which the next start creates again,
        never tables without a version (refused at every start after) or a demo without its data."""
        raise NotImplementedError

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one serialised read-write transaction: committed on success, rolled back on any error
        (and run again, from the start, when PostgreSQL reports a race it lost)."""
        raise NotImplementedError

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` on a consistent snapshot, taking no write lock. It must not write."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of pooled connections (the pool is reopened if the database is used again)."""


class SqliteDatabase(Database):
    """One SQLite file. A connection per transaction: opening one costs tens of microseconds."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    @property
    def description(self) -> str:
        return f"SQLite {self.path}"

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves so the write lock is taken up front.
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    def initialise(self, fill: Callable[[Connection], None] | None = None) -> bool:
        raw = self._connect()
        try:
            raw.execute("PRAGMA journal_mode = WAL")
            tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                version = f"INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');"
                # Left open by the script; committed below, or rolled back when the connection closes.
                raw.executescript(f"BEGIN IMMEDIATE; {SCHEMA} {version}")
                if fill is not None:
                    fill(_SqliteConnection(raw))
                raw.execute("COMMIT")
                return True
            steps = self._steps_from(raw.execute(_VERSION_QUERY).fetchone())
            if steps:
                # One transaction with the new version number: a step that fails leaves the file as the
                # older server left it (closing the connection rolls the open transaction back).
                bump = f"UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version';"
                raw.executescript(f"BEGIN; {''.join(steps)} {bump} COMMIT;")
            return False
        finally:
            raw.close()

    @contextmanager
    def _begun(self, begin: str) -> Iterator[Connection]:
        raw = self._connect()
        try:
            conn = _SqliteConnection(raw)
            raw.execute(begin)
            try:
                yield conn
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
        finally:
            raw.close()
        self._committed(conn)

    def write(self, work: Callable[[Connection], T]) -> T:
        with self._begun("BEGIN IMMEDIATE") as conn:
            return work(conn)

    def read(self, work: Callable[[Connection], T]) -> T:
        # Deferred: a read transaction in WAL mode, a snapshot that never waits for (or blocks) a writer.
        with self._begun("BEGIN") as conn:
            return work(conn)


# SQLSTATEs of a transaction that lost a race and may simply run again: serialization_failure, deadlock_detected.
# A unique_violation is one too when two serializable transactions insert the same key at once and neither could
# see the other's row (PostgreSQL reports most of these as serialization failures, not all): the run again finds
# the row and answers as for a retry.
_RETRIED_STATES = frozenset({"40001", "40P01", "23505"})
# Under a fleet's load PostgreSQL's serializable checks cancel a share of the concurrent payment writes (its locks
# on index ranges are coarser than the rows): each is run again after a random pause that grows, up to about
# three seconds in all, rather than answering the kiosk 500.
_WRITE_ATTEMPTS = 20
_FIRST_PAUSE_SECONDS = 0.002
_LONGEST_PAUSE_SECONDS = 0.25


class PostgresDatabase(Database):
    """A PostgreSQL database through a psycopg connection pool, shared by this process's threads."""

    dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 16) -> None:
        super().__init__()
        self.url = url
        self._pool_size = pool_size
        self._pool: ConnectionPool[Any] | None = None

    @property
    def description(self) -> str:
        return f"PostgreSQL {redacted(self.url)}"

    def _get_pool(self) -> ConnectionPool[Any]:
        if self._pool is None:
            from psycopg_pool import ConnectionPool

            self._pool = ConnectionPool(
                self.url,
                min_size=1,
                max_size=self._pool_size,
                # Autocommit: each transaction says its own BEGIN, with its isolation level, in one statement.
                kwargs={"autocommit": True, "row_factory": _pg_row_factory},
                name="kiosk-central",
                timeout=30,
                open=True,
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    @contextmanager
    def _begun(self, begin: str, *, pooled: bool = True) -> Iterator[_PgConnection]:
        import psycopg

        # The start's own connection is not pooled: a database that cannot be reached is said at once, in the
        # driver's words, rather than after the pool's 30 s of trying again in the background.
        connecting = (
            self._get_pool().connection()
            if pooled
            else psycopg.connect(self.url, autocommit=True, row_factory=_pg_row_factory, connect_timeout=15)
        )
        with connecting as raw:
            raw.execute(begin)
            conn = _PgConnection(raw)
            try:
                yield conn
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
        self._committed(conn)

    def initialise(self, fill: Callable[[Connection], None] | None = None) -> bool:
        with self._begun("BEGIN ISOLATION LEVEL SERIALIZABLE", pooled=False) as conn:
            # Two servers starting at once (a rolling restart) create or migrate the schema once.
            conn.execute("SELECT pg_advisory_xact_lock(7265110)")
            exists = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
            if not exists:
                conn.raw.execute(for_postgresql(SCHEMA))
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                if fill is not None:
                    fill(conn)
                return True
            steps = self._steps_from(conn.execute(_VERSION_QUERY).fetchone())
            for step in steps:
                conn.raw.execute(for_postgresql(step))
            if steps:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            return False

    def write(self, work: Callable[[Connection], T]) -> T:
        import psycopg

        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with self._begun("BEGIN ISOLATION LEVEL SERIALIZABLE") as conn:
                    return work(conn)
            except psycopg.Error as exc:
                if exc.sqlstate not in _RETRIED_STATES or attempt == _WRITE_ATTEMPTS:
                    raise
                # The winner has committed or is about to; spread the losers out so they do not collide again.
                time.sleep(random.uniform(0, min(_LONGEST_PAUSE_SECONDS, _FIRST_PAUSE_SECONDS * 2**attempt)))
        raise AssertionError("unreachable")

    def read(self, work: Callable[[Connection], T]) -> T:
        with self._begun("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") as conn:
            return work(conn)


def redacted(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def is_postgresql(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_database(target: str | Path) -> Database:
    """The database at ``target``: a PostgreSQL URL (``postgresql://user:pw@host:port/db``), a SQLite URL
    (``sqlite:///path``) or a SQLite file's path."""
    text = str(target)
    if is_postgresql(text):
        return PostgresDatabase(text)
    if text.startswith("sqlite://"):
        text = text.removeprefix("sqlite://")
    return SqliteDatabase(Path(text))
