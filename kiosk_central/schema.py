"""The reference central's schema and its versioned migrations, for SQLite and PostgreSQL.

The DDL is written once, in SQLite's words, and said in PostgreSQL's by :func:`for_postgresql`: the same
tables, keys, checks and indexes, so the rules the database enforces (one payment per idempotency key, one
bank transfer per transaction id, ...) are the same on both. Times are ISO text in UTC and compared as text:
PostgreSQL's columns take the "C" collation, byte order, which is SQLite's.
"""

from __future__ import annotations

import re

SCHEMA_VERSION = 6

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE customers (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT,
    district_unit TEXT NOT NULL,
    district_name_vi TEXT NOT NULL,
    district_name_en TEXT NOT NULL,
    tariff_type TEXT NOT NULL,
    households INTEGER NOT NULL CHECK (households >= 1),
    meter_serial TEXT NOT NULL,
    multiplier INTEGER NOT NULL CHECK (multiplier >= 1),
    remote_read INTEGER NOT NULL
);
CREATE TABLE meter_readings (
    customer_code TEXT NOT NULL REFERENCES customers(code),
    read_on TEXT NOT NULL,
    meter_index INTEGER NOT NULL,
    PRIMARY KEY (customer_code, read_on)
);
CREATE TABLE daily_consumption (
    customer_code TEXT NOT NULL REFERENCES customers(code),
    day TEXT NOT NULL,
    kwh INTEGER NOT NULL,
    PRIMARY KEY (customer_code, day)
);
CREATE TABLE bills (
    id TEXT PRIMARY KEY,
    customer_code TEXT NOT NULL REFERENCES customers(code),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    meter_serial TEXT NOT NULL,
    opening_index INTEGER NOT NULL,
    closing_index INTEGER NOT NULL,
    multiplier INTEGER NOT NULL,
    households INTEGER NOT NULL,
    kwh INTEGER NOT NULL,
    computation TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    vat_amount INTEGER NOT NULL,
    total INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    invoice_serial TEXT NOT NULL,
    invoice_number TEXT NOT NULL UNIQUE,
    paid_at TEXT,
    paid_by TEXT
);
CREATE INDEX bills_by_customer ON bills (customer_code, period_start);
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    customer_code TEXT NOT NULL REFERENCES customers(code),
    method TEXT NOT NULL,
    amount INTEGER NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    qr_payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'cancelled')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    paid_at TEXT,
    cancelled_at TEXT,
    kiosk_id TEXT
);
CREATE INDEX payments_by_kiosk ON payments (kiosk_id);
CREATE TABLE payment_bills (
    payment_id TEXT NOT NULL REFERENCES payments(id),
    bill_id TEXT NOT NULL REFERENCES bills(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (payment_id, bill_id)
);
CREATE INDEX payment_bills_by_bill ON payment_bills (bill_id);
CREATE TABLE bank_transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL,
    amount INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refund_due')),
    reason TEXT,
    payment_id TEXT REFERENCES payments(id),
    transaction_id TEXT
);
CREATE UNIQUE INDEX bank_transfers_by_transaction_id ON bank_transfers (transaction_id);
CREATE INDEX bank_transfers_by_payment ON bank_transfers (payment_id);
CREATE TABLE otps (
    id TEXT PRIMARY KEY,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    consumed_at TEXT,
    verified_at TEXT,
    sender TEXT
);
CREATE INDEX otps_by_sender ON otps (sender, created_at);
CREATE INDEX otps_by_phone ON otps (phone, created_at);
CREATE TABLE service_requests (
    tracking_code TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    service_code TEXT NOT NULL,
    customer_code TEXT,
    fields TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    due_by TEXT NOT NULL,
    client_reference TEXT,
    kiosk_id TEXT
);
CREATE UNIQUE INDEX service_requests_by_client_reference ON service_requests (client_reference);
CREATE INDEX service_requests_by_kiosk ON service_requests (kiosk_id);
CREATE TABLE request_events (
    tracking_code TEXT NOT NULL REFERENCES service_requests(tracking_code),
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    note_vi TEXT NOT NULL,
    note_en TEXT NOT NULL
);
CREATE INDEX request_events_by_request ON request_events (tracking_code, at);
CREATE TABLE outages (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    district_unit TEXT NOT NULL,
    area_vi TEXT NOT NULL,
    area_en TEXT NOT NULL,
    reason_vi TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    start_at TEXT NOT NULL,
    expected_end_at TEXT NOT NULL
);
CREATE TABLE outage_reports (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    customer_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    client_reference TEXT,
    kiosk_id TEXT
);
CREATE UNIQUE INDEX outage_reports_by_client_reference ON outage_reports (client_reference);
CREATE INDEX outage_reports_by_kiosk ON outage_reports (kiosk_id);
CREATE TABLE heartbeats (
    kiosk_id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    version TEXT NOT NULL,
    printer_status TEXT NOT NULL,
    pending_payments INTEGER NOT NULL,
    outbox_depth INTEGER NOT NULL,
    last_activity_at TEXT,
    staff_call_open INTEGER NOT NULL,
    assisted_mode INTEGER NOT NULL
);
CREATE TABLE staff_calls (
    kiosk_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    screen TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
    called_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    answered_at TEXT,
    PRIMARY KEY (kiosk_id, call_id)
);
CREATE INDEX staff_calls_open ON staff_calls (answered_at, called_at);
CREATE INDEX payments_live ON payments (status, expires_at);
CREATE TABLE sim_otps (
    otp_id TEXT PRIMARY KEY REFERENCES otps(id),
    phone TEXT NOT NULL,
    code TEXT NOT NULL
);
"""

# The steps that bring a database made by an older server to this version, keyed by the version each
# step produces. Columns are added last (or the table is rebuilt with SCHEMA's columns) and uniqueness is
# a separate index (NULLs do not collide), so a migrated database is the same as one created from SCHEMA.
MIGRATIONS: dict[int, str] = {
    2: """
ALTER TABLE otps ADD COLUMN verified_at TEXT;
ALTER TABLE service_requests ADD COLUMN client_reference TEXT;
CREATE UNIQUE INDEX service_requests_by_client_reference ON service_requests (client_reference);
ALTER TABLE outage_reports ADD COLUMN client_reference TEXT;
CREATE UNIQUE INDEX outage_reports_by_client_reference ON outage_reports (client_reference);
""",
    # Heartbeats were one JSON body per kiosk; the fleet page reads their fields, so they become columns
    # (a beat of version 2 had neither staff_call_open nor assisted_mode: both were false).
    3: """
CREATE TABLE heartbeats_v3 (
    kiosk_id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    version TEXT NOT NULL,
    printer_status TEXT NOT NULL,
    pending_payments INTEGER NOT NULL,
    outbox_depth INTEGER NOT NULL,
    last_activity_at TEXT,
    staff_call_open INTEGER NOT NULL,
    assisted_mode INTEGER NOT NULL
);
INSERT INTO heartbeats_v3
    SELECT kiosk_id, received_at, json_extract(body, '$.version'), json_extract(body, '$.printer_status'),
           json_extract(body, '$.pending_payments'), json_extract(body, '$.outbox_depth'),
           json_extract(body, '$.last_activity_at'), 0, 0
    FROM heartbeats;
DROP TABLE heartbeats;
ALTER TABLE heartbeats_v3 RENAME TO heartbeats;
CREATE TABLE staff_calls (
    kiosk_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    screen TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
    called_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    answered_at TEXT,
    PRIMARY KEY (kiosk_id, call_id)
);
CREATE INDEX staff_calls_open ON staff_calls (answered_at, called_at);
""",
    # Codes are limited per kiosk token (its fingerprint, never the token) and per phone: who sent each.
    4: """
ALTER TABLE otps ADD COLUMN sender TEXT;
CREATE INDEX otps_by_sender ON otps (sender, created_at);
CREATE INDEX otps_by_phone ON otps (phone, created_at);
""",
    # The bank's own id of each transfer, so that a notice sent again is recognised (older rows: NULL, which a
    # unique index lets be many); and the kiosk whose token made each payment, request and report, so that a
    # kiosk can list what changed for it (older rows: NULL, no kiosk's).
    5: """
ALTER TABLE bank_transfers ADD COLUMN transaction_id TEXT;
CREATE UNIQUE INDEX bank_transfers_by_transaction_id ON bank_transfers (transaction_id);
CREATE INDEX bank_transfers_by_payment ON bank_transfers (payment_id);
ALTER TABLE payments ADD COLUMN kiosk_id TEXT;
CREATE INDEX payments_by_kiosk ON payments (kiosk_id);
ALTER TABLE service_requests ADD COLUMN kiosk_id TEXT;
CREATE INDEX service_requests_by_kiosk ON service_requests (kiosk_id);
CREATE INDEX request_events_by_request ON request_events (tracking_code, at);
ALTER TABLE outage_reports ADD COLUMN kiosk_id TEXT;
CREATE INDEX outage_reports_by_kiosk ON outage_reports (kiosk_id);
""",
    # Live payments are found by status and expiry (a bill's payment in flight, the ones a paid bill
    # supersedes). The codes a demo's SMS gateway "delivered" are kept in the database, so that every worker
    # process of a demo central can show them (kiosk_central.app's /v1/sim/otps).
    6: """
CREATE INDEX payments_live ON payments (status, expires_at);
CREATE TABLE sim_otps (
    otp_id TEXT PRIMARY KEY REFERENCES otps(id),
    phone TEXT NOT NULL,
    code TEXT NOT NULL
);
""",
}


class SchemaVersionError(RuntimeError):
    """The database was made by another version of the server; refuse rather than guess."""


def migration_steps(found: str | None) -> list[str] | None:
    """The SQL that brings schema version ``found`` to SCHEMA_VERSION (empty when it is current), or
    None for a version this server cannot read: a newer one, or one with no way forward."""
    if found is None or not found.isdigit() or int(found) > SCHEMA_VERSION:
        return None
    wanted = range(int(found) + 1, SCHEMA_VERSION + 1)
    if any(version not in MIGRATIONS for version in wanted):
        return None
    return [MIGRATIONS[version] for version in wanted]


_PG_WORDS = (
    # SQLite's rowid alias; PostgreSQL's identity column. Before INTEGER below.
    (re.compile(r"INTEGER PRIMARY KEY AUTOINCREMENT"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    # Amounts in đồng outgrow 32 bits (a year of a factory's bills).
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)


def for_postgresql(ddl: str) -> str:
    """SQLite's DDL as PostgreSQL takes it (only the words this schema uses)."""
    for pattern, words in _PG_WORDS:
        ddl = pattern.sub(words, ddl)
    return ddl
