"""The tests' PostgreSQL (tests/helpers/postgres.py): each test's database is new, empty and its own, it is gone
after the test, and without PostgreSQL a test that needs it is skipped, or fails in CI."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.helpers.postgres import (
    DATABASE_PREFIX,
    URL_VARIABLE,
    PostgresServer,
    PostgresUnavailableError,
    find_binaries,
    missing,
    postgres_server,
    run_as_for,
    sweep_orphans,
    throwaway_cluster,
    with_database,
)

USER_TABLES = """
    SELECT table_schema, table_name FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
"""


def tables(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(USER_TABLES).fetchall()


def database_exists(server: PostgresServer, name: str) -> bool:
    with psycopg.connect(server.admin_url) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def name_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def test_a_fresh_database_is_new_and_empty(postgres: PostgresServer, postgres_url: str) -> None:
    assert name_of(postgres_url).startswith(DATABASE_PREFIX)
    assert name_of(postgres_url) != name_of(postgres.admin_url)
    with psycopg.connect(postgres_url) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == (name_of(postgres_url),)
        # The role that owns it may build the central's schema in it, as the central will.
        connection.execute("CREATE TABLE payments (id text PRIMARY KEY)")
    assert tables(postgres_url) == [("public", "payments")]


def test_two_fresh_databases_do_not_see_each_other(postgres: PostgresServer) -> None:
    with postgres.fresh_database() as first, postgres.fresh_database() as second:
        assert first != second
        with psycopg.connect(first) as connection:
            connection.execute("CREATE TABLE payments (id text PRIMARY KEY)")
            connection.execute("INSERT INTO payments VALUES ('P-1')")
        assert tables(second) == []
        with psycopg.connect(second) as connection:
            # The same table name again: no clash, and none of the first one's rows.
            connection.execute("CREATE TABLE payments (id text PRIMARY KEY)")
            assert connection.execute("SELECT count(*) FROM payments").fetchone() == (0,)


def test_the_database_is_dropped_after_the_test_even_with_a_connection_left_open(
    postgres: PostgresServer,
) -> None:
    with postgres.fresh_database() as url:
        left_open = psycopg.connect(url)  # as a central's pool a test forgot to close
        assert database_exists(postgres, name_of(url))
    try:
        assert not database_exists(postgres, name_of(url))
        assert left_open.broken or left_open.closed or _fails(left_open)
    finally:
        left_open.close()


def _fails(connection: psycopg.Connection[tuple[object, ...]]) -> bool:
    try:
        connection.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


def test_database_url_gives_each_engine(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("postgresql://"):
        assert tables(database_url) == []
    else:
        path = Path(database_url)
        assert path.parent == tmp_path
        assert not path.exists()  # the central creates it


def test_with_database_keeps_everything_but_the_database() -> None:
    url = "postgresql://kiosk:p%40ss@127.0.0.1:5433/kiosk?sslmode=disable"
    assert with_database(url, "kiosk_test_1") == (
        "postgresql://kiosk:p%40ss@127.0.0.1:5433/kiosk_test_1?sslmode=disable"
    )


def test_a_server_that_does_not_answer_is_said_clearly_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(URL_VARIABLE, "postgresql://kiosk:secret-pw-123@127.0.0.1:9/kiosk?connect_timeout=5")
    with pytest.raises(PostgresUnavailableError) as raised, postgres_server():
        pass
    assert f"{URL_VARIABLE} is set, and its server does not answer" in str(raised.value)
    assert "secret-pw-123" not in str(raised.value)


def test_without_postgresql_a_test_is_skipped_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs PostgreSQL: no server here"):
        missing("no server here")


def test_without_postgresql_in_ci_a_test_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception, match=r"CI provides PostgreSQL \(.ci/run\), yet: no server here"
    ):
        missing("no server here")


def test_a_throwaway_cluster_is_private_and_gone_afterwards() -> None:
    """The cluster a test session starts when no URL is given: on 127.0.0.1 only, the tests' role no superuser,
    run by the postgres user when the tests run as root; stopped and deleted at the end."""
    binaries = find_binaries()
    if binaries is None:
        missing("no PostgreSQL server binaries (apt-get install postgresql)")
    with throwaway_cluster(binaries) as server:
        with psycopg.connect(server.admin_url) as connection:
            row = connection.execute(
                "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
            assert row == (False, True)
            (listening,) = connection.execute("SHOW listen_addresses").fetchone() or ("",)
            assert listening == "127.0.0.1"
        directory = server.directory
        assert directory is not None
        assert directory.stat().st_uid == (
            pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.getuid()
        )
        assert (directory / "data" / "PG_VERSION").exists()
    assert not directory.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.admin_url, connect_timeout=5)


ORPHAN = """
import sys, time
from tests.helpers.postgres import find_binaries, throwaway_cluster
with throwaway_cluster(find_binaries()) as server:
    print(server.directory, flush=True)
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Running, not only not reaped yet: a stopped server is a zombie until its parent (here: whatever adopted
    it, which may never reap it) waits for it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}


def test_a_cluster_whose_test_process_was_killed_is_swept() -> None:
    """A test process killed outright (SIGKILL) never stops its cluster: the next one to start stops and
    deletes it, and leaves a cluster whose test process lives alone."""
    binaries = find_binaries()
    if binaries is None:
        missing("no PostgreSQL server binaries (apt-get install postgresql)")
    root = Path(__file__).parent.parent.parent
    child = subprocess.Popen([sys.executable, "-c", ORPHAN], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        directory = Path(child.stdout.readline().strip())
        assert directory.is_dir(), "the child's cluster did not start"
        postmaster = int((directory / "data" / "postmaster.pid").read_text(encoding="ascii").split()[0])
        sweep_orphans(binaries, run_as_for(os.geteuid() == 0), directory.parent)
        # Its test process lives: not an orphan.
        assert directory.is_dir()
        assert alive(postmaster)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert alive(postmaster)  # nothing stopped it
    sweep_orphans(binaries, run_as_for(os.geteuid() == 0), directory.parent)
    assert not directory.exists()
    assert not alive(postmaster)
