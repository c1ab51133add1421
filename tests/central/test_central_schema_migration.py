"""A database left by an earlier server (schema version 1 to 5) is brought up to date at start, and ends up
the same as a new one; the rows it held keep working."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from kiosk.central.models import Heartbeat, StaffCall
from kiosk.demo.simulator import DemoClient
from kiosk_central.app import ServerSettings, create_app
from kiosk_central.db import SCHEMA_VERSION
from tests.helpers.central import KIOSK_ID, running_central

# What version 6 added, undone to make a version 5 database: no index of live payments, the demo's SMS codes
# in the server's memory.
_BACK_TO_VERSION_5 = """
DROP INDEX payments_live;
DROP TABLE sim_otps;
UPDATE meta SET value = '5' WHERE key = 'schema_version';
"""
# What version 5 added, undone to make a version 4 database: transfers without the bank's transaction id,
# payments, requests and reports without the kiosk that made them.
_BACK_TO_VERSION_4 = """
DROP INDEX bank_transfers_by_transaction_id;
DROP INDEX bank_transfers_by_payment;
ALTER TABLE bank_transfers DROP COLUMN transaction_id;
DROP INDEX payments_by_kiosk;
ALTER TABLE payments DROP COLUMN kiosk_id;
DROP INDEX service_requests_by_kiosk;
ALTER TABLE service_requests DROP COLUMN kiosk_id;
DROP INDEX request_events_by_request;
DROP INDEX outage_reports_by_kiosk;
ALTER TABLE outage_reports DROP COLUMN kiosk_id;
UPDATE meta SET value = '4' WHERE key = 'schema_version';
"""
# What version 4 added, undone to make a version 3 database: codes no longer know which token sent them.
_BACK_TO_VERSION_3 = """
DROP INDEX otps_by_sender;
DROP INDEX otps_by_phone;
ALTER TABLE otps DROP COLUMN sender;
UPDATE meta SET value = '3' WHERE key = 'schema_version';
"""
# What version 3 added, undone to make a version 2 database: heartbeats back to one JSON body each.
_BACK_TO_VERSION_2 = """
DROP INDEX staff_calls_open;
DROP TABLE staff_calls;
CREATE TABLE heartbeats_v2 (kiosk_id TEXT PRIMARY KEY, received_at TEXT NOT NULL, body TEXT NOT NULL);
INSERT INTO heartbeats_v2
    SELECT kiosk_id, received_at, json_object('version', version, 'printer_status', printer_status,
        'pending_payments', pending_payments, 'outbox_depth', outbox_depth, 'last_activity_at', last_activity_at)
    FROM heartbeats;
DROP TABLE heartbeats;
ALTER TABLE heartbeats_v2 RENAME TO heartbeats;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
"""
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


def _version_5_database(path: Path) -> None:
    create_app(ServerSettings(database=path, tokens={}, demo=True))
    with sqlite3.connect(path) as conn:
        conn.executescript(_BACK_TO_VERSION_5)


def _version_4_database(path: Path) -> None:
    _version_5_database(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(_BACK_TO_VERSION_4)


def _version_3_database(path: Path) -> None:
    _version_4_database(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(_BACK_TO_VERSION_3)


def _version_2_database(path: Path) -> None:
    _version_3_database(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(_BACK_TO_VERSION_2)


def _version_1_database(path: Path) -> None:
    _version_2_database(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(_BACK_TO_VERSION_1)


def test_a_version_1_database_is_migrated_to_the_same_shape_as_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    _version_1_database(old)
    assert _shape(old)["version"] == "1"
    create_app(ServerSettings(database=old, tokens={}))
    create_app(ServerSettings(database=new, tokens={}))
    assert _shape(old) == _shape(new)
    assert _shape(old)["version"] == str(SCHEMA_VERSION) == "6"


@pytest.mark.asyncio
async def test_a_migrated_database_keeps_its_requests_and_takes_references(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _version_1_database(db)
    with running_central(db) as central:
        async with DemoClient(central.url, central.token) as client:
            assert (await client.request_status("YCA7K3M9Q2")).client_reference is None
            otp = await client.send_otp("service_request", phone="0912000333")
            code = (await client.sim_otp(otp.id)).code
            await client.verify_otp(otp.id, code)
            report = await client.report_outage(
                "PE01000123456", "street", "", "key-migrated-01", client_reference="KH7M2Q9XRA"
            )
    assert report.client_reference == "KH7M2Q9XRA"


def test_a_version_3_database_is_migrated_to_the_same_shape_as_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    _version_3_database(old)
    assert _shape(old)["version"] == "3"
    create_app(ServerSettings(database=old, tokens={}))
    create_app(ServerSettings(database=new, tokens={}))
    assert _shape(old) == _shape(new)


def test_a_version_2_database_is_migrated_to_the_same_shape_as_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    _version_2_database(old)
    assert _shape(old)["version"] == "2"
    create_app(ServerSettings(database=old, tokens={}))
    create_app(ServerSettings(database=new, tokens={}))
    assert _shape(old) == _shape(new)


@pytest.mark.asyncio
async def test_a_migrated_database_keeps_its_heartbeats_and_takes_staff_calls(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _version_2_database(db)
    activity = datetime(2025, 6, 1, 1, 2, 3, tzinfo=UTC)
    # A beat as the version 2 server stored it: the body as received.
    body = Heartbeat(version="0.0.9", printer_status="no_paper", pending_payments=1, outbox_depth=4,
                     last_activity_at=activity)  # fmt: skip
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO heartbeats VALUES (?, ?, ?)",
            (KIOSK_ID, "2025-06-01T01:05:00.000000+00:00", body.model_dump_json()),
        )
    with running_central(db) as central:
        async with DemoClient(central.url, central.token) as client:
            ack = await client.call_staff(
                KIOSK_ID,
                StaffCall(call_id="c" * 32, screen="home", language="vi", called_at=activity),
            )
            await client.staff_call_answered(KIOSK_ID, ack.call_id)
        headers = {"Authorization": f"Bearer {central.fleet_token}"}
        async with httpx.AsyncClient(base_url=central.url, headers=headers, timeout=10.0) as operator:
            fleet = (await operator.get("/v1/fleet")).json()
    [kiosk] = fleet["kiosks"]
    assert datetime.fromisoformat(kiosk["last_heartbeat_at"]) == datetime(2025, 6, 1, 1, 5, tzinfo=UTC)
    assert datetime.fromisoformat(kiosk["last_activity_at"]) == activity
    assert (kiosk["version"], kiosk["printer_status"], kiosk["pending_payments"], kiosk["outbox_depth"]) == (
        "0.0.9", "no_paper", 1, 4,
    )  # fmt: skip
    assert (kiosk["staff_call_open"], kiosk["assisted_mode"], kiosk["stale"]) == (False, False, True)
    assert fleet["open_staff_calls"] == []


def test_a_version_4_database_is_migrated_to_the_same_shape_as_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    _version_4_database(old)
    assert _shape(old)["version"] == "4"
    create_app(ServerSettings(database=old, tokens={}))
    create_app(ServerSettings(database=new, tokens={}))
    assert _shape(old) == _shape(new)


@pytest.mark.asyncio
async def test_a_migrated_database_keeps_its_transfers_and_records_transaction_ids(tmp_path: Path) -> None:
    """Transfers recorded before the bank's ids were kept have none (NULL, which the unique index lets be
    many); the notices after the upgrade are recorded once each."""
    db = tmp_path / "old.db"
    _version_4_database(db)
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO bank_transfers (reference, amount, received_at, outcome, reason) VALUES (?, ?, ?, ?, ?)",
            [("TTOLD", 1000, "2026-01-01T00:00:00.000000+00:00", "refund_due", "unknown_reference")] * 2,
        )
    with running_central(db) as central:
        async with DemoClient(central.url, central.token) as client:
            first = await client.sim_bank_transfer("TTNEW", 2000, transaction_id="FT1")
            assert await client.sim_bank_transfer("TTNEW", 2000, transaction_id="FT1") == first
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT transaction_id, reference FROM bank_transfers ORDER BY id").fetchall()
    assert rows == [(None, "TTOLD"), (None, "TTOLD"), ("FT1", "TTNEW")]


@pytest.mark.asyncio
async def test_rows_made_before_version_5_belong_to_no_kiosk_and_are_not_listed_as_its_changes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    since = datetime(2000, 1, 1, tzinfo=UTC)
    with running_central(db) as central:
        async with DemoClient(central.url, central.token) as client:
            bill = (await client.bills("PE01000123456")).bills[0]
            old = await client.create_payment("PE01000123456", [bill.id], "vietqr", "key-before-v5")
    with sqlite3.connect(db) as conn:
        conn.executescript(_BACK_TO_VERSION_5 + _BACK_TO_VERSION_4)
    with running_central(db) as central:
        async with DemoClient(central.url, central.token) as client:
            report = await client.report_outage("PE01000123456", "street", "", "key-after-v5")
            listed = await client.kiosk_changes(KIOSK_ID, since)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT kiosk_id FROM payments WHERE id = ?", (old.id,)).fetchone() == (None,)
    assert (listed.payments, [r.id for r in listed.outage_reports]) == ([], [report.id])
