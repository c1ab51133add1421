"""Planned and current outages by area, and customers' outage reports."""

from __future__ import annotations

import secrets
from datetime import datetime

from kiosk_central import accounts, client_references, errors, schemas
from kiosk_central.clock import from_text, to_text
from kiosk_central.db import Connection, Row
from kiosk_central.ledger import customer_row


def outages_for(conn: Connection, code: str, now: datetime) -> schemas.OutageList:
    """Outages in the customer's district unit that have not ended, soonest first."""
    district = customer_row(conn, code)["district_unit"]
    rows = conn.execute(
        "SELECT * FROM outages WHERE district_unit = ? AND expected_end_at > ? ORDER BY start_at",
        (district, to_text(now)),
    ).fetchall()
    return schemas.OutageList(
        customer_code=code,
        outages=[
            schemas.Outage(
                id=r["id"],
                kind=r["kind"],
                district_unit=r["district_unit"],
                area=schemas.Label(vi=r["area_vi"], en=r["area_en"]),
                reason=schemas.Label(vi=r["reason_vi"], en=r["reason_en"]),
                start_at=from_text(r["start_at"]),
                expected_end_at=from_text(r["expected_end_at"]),
                status="in_progress" if from_text(r["start_at"]) <= now else "scheduled",
            )
            for r in rows
        ],
    )


def _report(row: Row) -> schemas.OutageReport:
    corp = accounts.corporation_of(row["customer_code"])
    return schemas.OutageReport(
        id=row["id"],
        client_reference=row["client_reference"],
        customer_code=row["customer_code"],
        kind=row["kind"],
        created_at=from_text(row["created_at"]),
        emergency_hotline=corp.hotline,
        fire_hotline=accounts.FIRE_RESCUE_HOTLINE,
        emergency=row["kind"] == "danger",
    )


def report(
    conn: Connection,
    key: str,
    body: schemas.OutageReportCreate,
    now: datetime,
    *,
    kiosk_id: str | None = None,
) -> tuple[schemas.OutageReport, bool]:
    """The report for this key, and whether it was made now; ``kiosk_id`` is the kiosk whose token sent it."""
    fingerprint = client_references.fingerprint(body)
    existing = conn.execute("SELECT * FROM outage_reports WHERE idempotency_key = ?", (key,)).fetchone()
    if existing is not None:
        if existing["fingerprint"] != fingerprint:
            raise errors.conflict(
                "idempotency_key_reused", "this Idempotency-Key was used for another report"
            )
        return _report(existing), False
    client_references.check_unused(conn, "outage_reports", body.client_reference)
    customer_row(conn, body.customer_code)
    report_id = "out_" + secrets.token_hex(8)
    conn.execute(
        """INSERT INTO outage_reports (id, idempotency_key, fingerprint, customer_code, kind, description,
               created_at, client_reference, kiosk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (report_id, key, fingerprint, body.customer_code, body.kind, body.description, to_text(now),
         body.client_reference, kiosk_id),
    )  # fmt: skip
    row = conn.execute("SELECT * FROM outage_reports WHERE id = ?", (report_id,)).fetchone()
    return _report(row), True
