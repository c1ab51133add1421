"""PostgreSQL for the tests: where the server comes from, and a fresh, empty database for each test.

The server is, in this order of preference:

1. the one ``KIOSK_TEST_POSTGRES_URL`` names (CI starts a throwaway cluster in ``.ci/run`` and exports it): a role
   that may create databases (``CREATEDB``), and a database it may connect to;
2. a throwaway cluster this test process starts itself from Debian's PostgreSQL binaries
   (``/usr/lib/postgresql/<version>/bin``, or ``initdb`` and ``pg_ctl`` on ``PATH``), in memory (``/dev/shm``),
   stopped when the session ends. Under pytest-xdist each worker starts its own, the first time one of its tests
   asks: initdb and start take 1.5-2.5 s, run by both workers at once, so sharing one would save CPU but no
   time, and a cluster of one's own needs no reference counting between processes;
3. none: the PostgreSQL tests are skipped, saying why, except in CI (``CI`` set), where they fail.

Each test gets a database of its own (``CREATE DATABASE``), dropped afterwards (``WITH (FORCE)``: connections a
test's pool left open do not keep it). A schema per test would be cheaper, but a schema does not isolate what the
central uses across a whole database: ``LISTEN``/``NOTIFY`` channels and advisory locks are per database, so two
tests running at once on two xdist workers would hear each other's notices. (Measured: a schema 0.2 ms, a
database 20-40 ms in memory; on a disk a database took 100-600 ms on a busy machine, hence the cluster in memory.)
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

URL_VARIABLE = "KIOSK_TEST_POSTGRES_URL"
HOST = "127.0.0.1"
ROLE = "kiosk_test"
DATABASE_PREFIX = "kiosk_test_"
# A throwaway cluster's directory, and the file in it naming the test process it belongs to.
CLUSTER_PREFIX = "kiosk-test-pg-"
OWNER_FILE = "owner.pid"
# The server refuses to run as root; Debian's package makes this user.
SERVER_USER = "postgres"
START_TIMEOUT_SECONDS = 60
# A throwaway cluster: nothing in it must survive a crash, so nothing waits for the disk.
FAST_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=200",
    # No autovacuum worker in a test's database when the test drops it (a worker of the server's own is not the
    # test role's to stop, so DROP DATABASE … WITH (FORCE) would be refused).
    "autovacuum=off",
)


class PostgresUnavailableError(Exception):
    """No PostgreSQL for the tests: no URL given and no server binaries found (the message says which)."""


@dataclass
class PostgresServer:
    """A PostgreSQL server the tests may create databases on, through ``admin_url`` (a role with CREATEDB)."""

    admin_url: str
    # A throwaway cluster's own directory (its data, socket and log), removed when it stops; None for a server
    # the tests were given.
    directory: Path | None = None
    _admin: psycopg.Connection[tuple[object, ...]] | None = field(default=None, repr=False)
    # The database seeded with the demo's data once, copied for each test that needs a demo central.
    _demo: str | None = field(default=None, repr=False)

    def _connection(self) -> psycopg.Connection[tuple[object, ...]]:
        if self._admin is None or self._admin.closed or self._admin.broken:
            self._admin = psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10)
        return self._admin

    def _create(self, name: str, template: str | None = None) -> None:
        admin = self._connection()
        # FILE_COPY (PostgreSQL 15 on): a copy of the empty template's files, a little cheaper than the default
        # WAL_LOG's write of them into the WAL (measured in memory: 21-26 ms against 26-38 ms).
        strategy = sql.SQL(" STRATEGY FILE_COPY") if admin.info.server_version >= 150000 else sql.SQL("")
        copied = sql.SQL(" TEMPLATE {}").format(sql.Identifier(template)) if template else sql.SQL("")
        admin.execute(sql.SQL("CREATE DATABASE {}{}{}").format(sql.Identifier(name), copied, strategy))

    def demo_template(self) -> str:
        """A database with the demo central's schema and data, made once (seeding takes seconds on PostgreSQL,
        copying it tens of milliseconds). Its dates are those of the moment it was made, as a demo central started
        that moment has."""
        if self._demo is None:
            from kiosk_central import demo
            from kiosk_central.clock import Clock
            from kiosk_central.db import open_database

            name = DATABASE_PREFIX + "demo_" + secrets.token_hex(4)
            self._create(name)
            database = open_database(with_database(self.admin_url, name))
            try:
                database.initialise(lambda conn: demo.seed(conn, Clock().now()))
            finally:
                database.close()  # a template is copied only when nobody is connected to it
            self._demo = name
        return self._demo

    @contextmanager
    def fresh_database(self, *, demo: bool = False) -> Iterator[str]:
        """The URL of a new database only this caller knows, dropped when the block ends: empty, or a copy of
        the demo central's (``demo``)."""
        name = DATABASE_PREFIX + secrets.token_hex(6)
        self._create(name, self.demo_template() if demo else None)
        try:
            yield with_database(self.admin_url, name)
        finally:
            self._connection().execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def close(self) -> None:
        if self._demo is not None:
            with suppress(psycopg.Error):
                self._connection().execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self._demo))
                )
            self._demo = None
        if self._admin is not None:
            self._admin.close()
            self._admin = None


def with_database(url: str, database: str) -> str:
    """``url`` with its database (the path) replaced; user, password, host, port and options kept."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(database)))


def find_binaries() -> Path | None:
    """The directory with PostgreSQL's ``initdb``, ``pg_ctl`` and ``postgres``: the newest of Debian's versions
    (``/usr/lib/postgresql/<version>/bin``; Debian keeps them off ``PATH``), else the one on ``PATH``."""
    versions = sorted(
        (path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def memory_directory() -> str | None:
    """``/dev/shm`` (a tmpfs) where there is one: a cluster there never waits for a disk. With ``fsync=off`` on a
    disk, a ``CREATE DATABASE`` still took 100–600 ms on a busy machine (the kernel's writeback of its files);
    in memory 20–40 ms. ``None``: the system's temporary directory."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def throwaway_cluster(binaries: Path) -> Iterator[PostgresServer]:
    """A new cluster in a fresh temporary directory, listening on 127.0.0.1 at a free port, with a role
    ``kiosk_test`` (CREATEDB, a random password) and its database; stopped and deleted when the block ends.

    As root, the cluster belongs to the ``postgres`` user (the server refuses to run as root): its directory is
    handed to that user and the programs run through ``runuser``. Not under pytest's ``tmp_path``, which is
    private to the user running the tests."""
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    parent = memory_directory()
    sweep_orphans(binaries, run_as_for(as_root), Path(parent or tempfile.gettempdir()))
    directory = Path(tempfile.mkdtemp(prefix=CLUSTER_PREFIX, dir=parent))
    (directory / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    try:
        if as_root:
            if shutil.which("runuser") is None:
                raise PostgresUnavailableError("running as root, and runuser (util-linux) is missing")
            try:
                shutil.chown(directory, user=SERVER_USER, group=SERVER_USER)
            except LookupError as error:
                raise PostgresUnavailableError(
                    f"running as root, and there is no {SERVER_USER!r} user"
                ) from error
            run_as = run_as_for(as_root)
        superuser_password = secrets.token_urlsafe(18)
        password_file = directory / "superuser-password"
        password_file.write_text(superuser_password + "\n", encoding="ascii")
        if as_root:
            shutil.chown(password_file, user=SERVER_USER, group=SERVER_USER)
        data = directory / "data"
        run(
            [
                *run_as,
                str(binaries / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                "postgres",
                "--pwfile",
                str(password_file),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                # Nothing in it must survive a power cut: do not wait for the disk.
                "--no-sync",
            ],
            directory,
        )
        password_file.unlink()
        port = start(binaries, run_as, directory, data)
        try:
            superuser_url = f"postgresql://postgres:{quote(superuser_password)}@{HOST}:{port}/postgres"
            password = secrets.token_urlsafe(18)
            with psycopg.connect(superuser_url, autocommit=True, connect_timeout=10) as admin:
                admin.execute(
                    sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                        sql.Identifier(ROLE), sql.Literal(password)
                    )
                )
                admin.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(ROLE), sql.Identifier(ROLE))
                )
                # Dropping a test's database ends the sessions a test left in it, whoever's they are.
                admin.execute(sql.SQL("GRANT pg_signal_backend TO {}").format(sql.Identifier(ROLE)))
            server = PostgresServer(
                f"postgresql://{ROLE}:{quote(password)}@{HOST}:{port}/{ROLE}", directory=directory
            )
            try:
                yield server
            finally:
                server.close()
        finally:
            # A throwaway cluster: "immediate" skips the shutdown checkpoint nobody needs.
            run(
                [
                    *run_as,
                    str(binaries / "pg_ctl"),
                    "stop",
                    "--pgdata",
                    str(data),
                    "--mode",
                    "immediate",
                    "--wait",
                ],
                directory,
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_as_for(as_root: bool) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--"] if as_root else []


def sweep_orphans(binaries: Path, run_as: list[str], parent: Path) -> None:
    """Stops and deletes the clusters of test processes that are gone: one killed outright (SIGKILL, the
    machine's out-of-memory killer) never stopped its cluster, which would otherwise keep running, and keep
    its memory in /dev/shm, until the machine restarts. A cluster whose test process lives is left alone."""
    for orphan in parent.glob(CLUSTER_PREFIX + "*"):
        try:
            owner = int((orphan / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not one of ours, or being made right now
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # another user's process: alive
        else:
            continue
        if (orphan / "data" / "postmaster.pid").exists():
            stop = [*run_as, str(binaries / "pg_ctl"), "stop", "--pgdata", str(orphan / "data")]
            with suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run(
                    [*stop, "--mode", "immediate", "--wait"],
                    capture_output=True,
                    check=False,
                    timeout=START_TIMEOUT_SECONDS,
                    cwd=orphan,
                )
        shutil.rmtree(orphan, ignore_errors=True)


def start(binaries: Path, run_as: list[str], directory: Path, data: Path) -> int:
    """Starts the server at a free port and returns the port. Another process may take the port between the
    probe and the server's bind: then another port, a few times."""
    options = " ".join(f"-c {setting}" for setting in (*FAST_SETTINGS, f"listen_addresses={HOST}"))
    for attempt in range(3):
        port = free_port()
        try:
            run(
                [
                    *run_as,
                    str(binaries / "pg_ctl"),
                    "start",
                    "--pgdata",
                    str(data),
                    "--log",
                    str(directory / "server.log"),
                    "--wait",
                    "--timeout",
                    str(START_TIMEOUT_SECONDS),
                    "--options",
                    f"{options} -c port={port} -c unix_socket_directories={directory}",
                ],
                directory,
            )
        except PostgresUnavailableError:
            log = directory / "server.log"
            said = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if attempt == 2 or not re.search(r"could not (bind|create listen socket)", said):
                raise PostgresUnavailableError(
                    f"the throwaway PostgreSQL did not start:\n{said[-2000:]}"
                ) from None
            continue
        return port
    raise AssertionError("unreachable")


def run(command: list[str], cwd: Path) -> None:
    """Runs one of PostgreSQL's programs from ``cwd``, the cluster's directory: the tests may run from one the
    postgres user may not enter (root's home, say), which its programs complain of."""
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=START_TIMEOUT_SECONDS, cwd=cwd
    )
    if result.returncode != 0:
        raise PostgresUnavailableError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """The server ``KIOSK_TEST_POSTGRES_URL`` names, or a throwaway cluster of this process's own; raises
    ``PostgresUnavailableError`` when there is neither."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        server = PostgresServer(url)
        try:
            server._connection()
        except psycopg.OperationalError as error:
            raise PostgresUnavailableError(
                f"{URL_VARIABLE} is set, and its server does not answer: {error}"
            ) from error
        try:
            yield server
        finally:
            server.close()
        return
    binaries = find_binaries()
    if binaries is None:
        raise PostgresUnavailableError(
            f"no PostgreSQL: set {URL_VARIABLE}=postgresql://… or install its server (apt-get install postgresql)"
        )
    with throwaway_cluster(binaries) as server:
        yield server


def missing(reason: str) -> NoReturn:
    """Skips a test that needs PostgreSQL, saying why; in CI (``CI`` set, as .ci/run runs) fails it instead:
    CI installs PostgreSQL and starts it, so its absence there is a broken CI, not a machine without it."""
    if os.environ.get("CI"):
        pytest.fail(f"CI provides PostgreSQL (.ci/run), yet: {reason}")
    pytest.skip(f"needs PostgreSQL: {reason}")


@contextmanager
def session_server() -> Iterator[PostgresServer]:
    """``postgres_server()`` for a pytest fixture: skipped (or failed in CI) when there is none. Only its start
    is guarded: a failure at its stop is an error, not a skip."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_server())
        except PostgresUnavailableError as error:
            missing(str(error))
        yield server
