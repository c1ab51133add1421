"""A database left by the previous server (schema version 1) is brought up to date at start, and ends up
the same as a new one; the rows it held keep working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.central.client import CentralClient
from kiosk_central.app import ServerSettings, create_app
from kiosk_central.db import SCHEMA_VERSION
from tests.helpers.central import running_central

# What version 2 added, undone to make a version 1 database.
_BACK_TO_VERSION_1 = """
DROP INDEX service_requests_by_client_reference;
DROP INDEX outage_reports_by_client_reference;
ALTER TABLE otps DROP COLUMN verified_at;
ALTER TABLE service_requests DROP COLUMN client_reference;
ALTER TABLE outage_reports DROP COLUMN client_reference;
UPDATE meta SET value = '1' WHERE key = 'schema_version';
"""


def _shape(path: Path) -> dict[str, object]:
    """Every table's columns and every index, as SQLite reports them."""
    with sqlite3.connect(path) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        return {
            "version": conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0],
            "columns": {t: conn.execute(f"PRAGMA table_info({t})").fetchall() for t in tables},
            "indexes": {t: sorted(conn.execute(f"PRAGMA index_list({t})").fetchall()) for t in tables},
        }


def _version_1_database(path: Path) -> None:
    create_app(ServerSettings(db_path=path, tokens=frozenset({"t"}), demo=True))
    with sqlite3.connect(path) as conn:
        conn.executescript(_BACK_TO_VERSION_1)


def test_a_version_1_database_is_migrated_to_the_same_shape_as_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    _version_1_database(old)
    assert _shape(old)["version"] == "1"
    create_app(ServerSettings(db_path=old, tokens=frozenset({"t"})))
    create_app(ServerSettings(db_path=new, tokens=frozenset({"t"})))
    assert _shape(old) == _shape(new)
    assert _shape(old)["version"] == str(SCHEMA_VERSION) == "2"


@pytest.mark.asyncio
async def test_a_migrated_database_keeps_its_requests_and_takes_references(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _version_1_database(db)
    with running_central(db) as central:
        async with CentralClient(central.url, central.token) as client:
            assert (await client.request_status("YCA7K3M9Q2")).client_reference is None
            otp = await client.send_otp("service_request", phone="0912000333")
            code = (await client.sim_otp(otp.id)).code
            await client.verify_otp(otp.id, code)
            report = await client.report_outage(
                "PE01000123456", "street", "", "key-migrated-01", client_reference="KH7M2Q9XRA"
            )
    assert report.client_reference == "KH7M2Q9XRA"
