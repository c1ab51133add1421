"""A central killed -9 during its very first start (a power cut while it creates its database) starts again
complete: the demo with its data, a production central with its schema version.

Found by the central-kill fault test (tests/faults/test_central_kill.py): the schema and the demo's data were
two transactions, so a demo central killed while seeding came back with the tables and no customers, and a
schema committed before its version row would have been refused at every later start.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_central.app import ServerSettings, create_app
from kiosk_central.db import SCHEMA_VERSION

# A first start that is killed at the point named, inside the transaction that creates the database.
_KILLED_START = """
import os, signal, sys
from pathlib import Path
from kiosk_central import app, db
from kiosk_central.app import ServerSettings, create_app

path, where = Path(sys.argv[1]), sys.argv[2]
seed, connect = app.demo.seed, db.SqliteDatabase._connect

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def seed_then_die(conn, now):
    if where == "after_seed":
        seed(conn, now)
    die()

def connect_dying_at_the_version(self):
    conn = connect(self)
    conn.set_trace_callback(lambda sql: die() if sql.lstrip().startswith("INSERT INTO meta") else None)
    return conn

app.demo.seed = seed_then_die
if where == "at_version":
    db.SqliteDatabase._connect = connect_dying_at_the_version
create_app(ServerSettings(database=path, tokens={}, demo=where != "at_version"))
"""


def killed_first_start(db: Path, where: str) -> None:
    result = subprocess.run([sys.executable, "-c", _KILLED_START, str(db), where], check=False, timeout=60)
    assert result.returncode == -signal.SIGKILL


@pytest.mark.parametrize("where", ["after_seed", "after_schema"])
def test_a_demo_killed_while_it_creates_its_database_starts_again_with_its_data(
    tmp_path: Path, where: str
) -> None:
    db = tmp_path / "central.db"
    killed_first_start(db, where)
    create_app(ServerSettings(database=db, tokens={}, demo=True))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] > 0
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )


def test_a_production_central_killed_while_it_creates_its_database_starts_again(tmp_path: Path) -> None:
    """Killed as it writes the schema's version: not refused at the next start for a missing version."""
    db = tmp_path / "central.db"
    killed_first_start(db, "at_version")
    create_app(ServerSettings(database=db, tokens={}))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
