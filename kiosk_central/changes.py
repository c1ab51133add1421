"""What changed for one kiosk since a time: its payments, service requests and outage reports.

A row's time of change is worked out from what the central records anyway, so that no write can forget to
stamp it: a payment's is the latest of its creation, payment, cancellation, expiry (its ``expires_at``, the
moment it stopped being pending: expiry is worked out on reading, never written) and any money received with
its reference; a request's is its latest event; a report's is its creation. All are the central's clock,
written inside the serialised transaction that made the change, so a change committed after a reading has a
time at or after that reading's ``now``: asking again from that ``now`` (inclusive) misses nothing.

Pages are ordered by (time, kind, id) and the cursor is that triple of a page's last change, so a page
boundary never splits or loops over changes that share a microsecond.
"""

from __future__ import annotations

from datetime import datetime

from kiosk_central import schemas
from kiosk_central.clock import from_text, to_text
from kiosk_central.db import Connection
from kiosk_central.ledger import payment_status

_KINDS = ("p", "r", "o")  # payments, requests, outage reports (within one moment, ordered by these letters)
_EARLIEST, _LATEST = "", "~"  # below and above every stored time (ISO text; "~" sorts after digits)

# {greatest} is the dialect's many-argument maximum (kiosk_central.db.Connection.greatest). A payment stored as
# pending whose time is up has expired at its expires_at (as one stored as expired by an older server has).
_CHANGED = """
WITH changed (kind, id, changed_at) AS (
    SELECT 'p', p.id, {greatest}
    FROM payments p WHERE p.kiosk_id = :kiosk
    UNION ALL
    SELECT 'r', r.tracking_code,
        coalesce((SELECT max(e.at) FROM request_events e WHERE e.tracking_code = r.tracking_code), r.created_at)
    FROM service_requests r WHERE r.kiosk_id = :kiosk
    UNION ALL
    SELECT 'o', o.id, o.created_at FROM outage_reports o WHERE o.kiosk_id = :kiosk
)
SELECT kind, id, changed_at FROM changed
WHERE changed_at >= :since AND (changed_at, kind, id) > (:after_at, :after_kind, :after_id)
ORDER BY changed_at, kind, id
LIMIT :limit
"""


def _since_text(since: datetime) -> str:
    """``since`` as stored times compare; a time that UTC cannot hold (year 1 at +14:00, year 9999 at
    -12:00) is before or after everything."""
    try:
        return to_text(since)
    except OverflowError:
        return _EARLIEST if since.year == 1 else _LATEST


def cursor_of(changed_at: str, kind: str, item_id: str) -> str:
    """The cursor after this change: its time as digits (``20261207T141408123456``), kind and id."""
    digits = "".join(ch for ch in changed_at[:26] if ch.isdigit())
    return f"{digits[:8]}T{digits[8:]}.{kind}.{item_id}"


def _after(cursor: str | None) -> tuple[str, str, str]:
    """The (time, kind, id) a cursor names, as stored times compare; before everything without one.

    The time is put back together from its digits without being read as a date: a cursor a kiosk did not
    get from here (a month 13) is a position like any other, not an error."""
    if cursor is None:
        return (_EARLIEST, "", "")
    stamp, kind, item_id = cursor.split(".", 2)
    d, t = stamp[:8], stamp[9:]
    return (f"{d[:4]}-{d[4:6]}-{d[6:]}T{t[:2]}:{t[2:4]}:{t[4:6]}.{t[6:]}+00:00", kind, item_id)


def kiosk_changes(
    conn: Connection, kiosk_id: str, since: datetime, now: datetime, limit: int, cursor: str | None
) -> schemas.KioskChanges:
    """One page of the changes of ``kiosk_id``'s payments, requests and reports at or after ``since``."""
    after_at, after_kind, after_id = _after(cursor)
    greatest = conn.greatest(
        "p.created_at",
        "coalesce(p.paid_at, '')",
        "coalesce(p.cancelled_at, '')",
        "CASE WHEN p.status = 'expired' OR (p.status = 'pending' AND p.expires_at <= :now)"
        " THEN p.expires_at ELSE '' END",
        "coalesce((SELECT max(t.received_at) FROM bank_transfers t WHERE t.payment_id = p.id), '')",
    )
    rows = conn.execute(
        _CHANGED.format(greatest=greatest),
        {
            "now": to_text(now),
            "kiosk": kiosk_id,
            "since": _since_text(since),
            "after_at": after_at,
            "after_kind": after_kind,
            "after_id": after_id,
            "limit": limit + 1,
        },
    ).fetchall()
    page, more = rows[:limit], len(rows) > limit
    changed_at = {(kind, item_id): at for kind, item_id, at in page}
    ids = {kind: [item_id for k, item_id, _ in page if k == kind] for kind in _KINDS}
    return schemas.KioskChanges(
        kiosk_id=kiosk_id,
        since=since,
        now=now,
        payments=[_payment(conn, i, changed_at[("p", i)], now) for i in ids["p"]],
        requests=[_request(conn, i, changed_at[("r", i)]) for i in ids["r"]],
        outage_reports=[_report(conn, i, changed_at[("o", i)]) for i in ids["o"]],
        next_cursor=cursor_of(page[-1]["changed_at"], page[-1]["kind"], page[-1]["id"]) if more else None,
    )


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_text(text)


def _payment(conn: Connection, payment_id: str, changed_at: str, now: datetime) -> schemas.PaymentChange:
    row = conn.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
    bill_ids = [
        r[0]
        for r in conn.execute(
            "SELECT bill_id FROM payment_bills WHERE payment_id = ? ORDER BY position", (payment_id,)
        )
    ]
    money = dict(
        conn.execute(
            "SELECT outcome, sum(amount) FROM bank_transfers WHERE payment_id = ? GROUP BY outcome",
            (payment_id,),
        ).fetchall()
    )
    return schemas.PaymentChange(
        id=row["id"],
        reference=row["reference"],
        customer_code=row["customer_code"],
        bill_ids=bill_ids,
        amount=row["amount"],
        status=payment_status(row["status"], row["expires_at"], now),
        created_at=from_text(row["created_at"]),
        expires_at=from_text(row["expires_at"]),
        paid_at=_time(row["paid_at"]),
        cancelled_at=_time(row["cancelled_at"]),
        amount_applied=money.get("applied", 0),
        refund_due=money.get("refund_due", 0),
        changed_at=from_text(changed_at),
    )


def _request(conn: Connection, tracking_code: str, changed_at: str) -> schemas.RequestChange:
    row = conn.execute("SELECT * FROM service_requests WHERE tracking_code = ?", (tracking_code,)).fetchone()
    return schemas.RequestChange(
        tracking_code=row["tracking_code"],
        client_reference=row["client_reference"],
        service_code=row["service_code"],
        customer_code=row["customer_code"],
        status=row["status"],
        created_at=from_text(row["created_at"]),
        changed_at=from_text(changed_at),
    )


def _report(conn: Connection, report_id: str, changed_at: str) -> schemas.OutageReportChange:
    row = conn.execute("SELECT * FROM outage_reports WHERE id = ?", (report_id,)).fetchone()
    return schemas.OutageReportChange(
        id=row["id"],
        client_reference=row["client_reference"],
        customer_code=row["customer_code"],
        kind=row["kind"],
        created_at=from_text(row["created_at"]),
        changed_at=from_text(changed_at),
    )
