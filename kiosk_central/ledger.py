"""Customers, their bills and their consumption, read from the database for the API."""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import pairwise

from kiosk_central import accounts, errors, schemas
from kiosk_central.billing import BillComputation, days_of_month_before
from kiosk_central.clock import from_text, to_text
from kiosk_central.db import Connection, Row


def code_error(code: str) -> errors.ApiError:
    """422 ``invalid_customer_code``, saying what is wrong with ``code``."""
    try:
        accounts.corporation_of(code)
        reason = f"{code!r} is not a customer code"
    except accounts.InvalidCustomerCodeError as exc:
        reason = str(exc)
    return errors.invalid("invalid_customer_code", reason, customer_code=code)


def check_code(code: str) -> accounts.CorporationInfo:
    try:
        return accounts.corporation_of(code)
    except accounts.InvalidCustomerCodeError:
        raise code_error(code) from None


def customer_row(conn: Connection, code: str) -> Row:
    check_code(code)
    row = conn.execute("SELECT * FROM customers WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise errors.not_found("customer_not_found", f"no customer with code {code}", customer_code=code)
    return row  # type: ignore[no-any-return]


def customer(conn: Connection, code: str) -> schemas.Customer:
    row = customer_row(conn, code)
    corp = accounts.corporation_of(code)
    return schemas.Customer(
        code=row["code"],
        name=accounts.mask_name(row["name"]),
        address=accounts.mask_address(row["address"]),
        phone=accounts.mask_phone(row["phone"]),
        corporation=schemas.Corporation(
            code=corp.code, name=schemas.Label(vi=corp.name_vi, en=corp.name_en), hotline=corp.hotline
        ),
        district_unit=schemas.DistrictUnit(
            code=row["district_unit"],
            name=schemas.Label(vi=row["district_name_vi"], en=row["district_name_en"]),
        ),
        tariff_type=row["tariff_type"],
        households=row["households"],
        meter=schemas.Meter(
            serial=row["meter_serial"], multiplier=row["multiplier"], remote_read=bool(row["remote_read"])
        ),
    )


def payment_status(stored: str, expires_at: str, now: datetime) -> schemas.PaymentStatus:
    """A payment is pending only until it expires. Worked out on each read, by the central's clock, rather than
    written by every reader: a read then takes no write lock, and no watcher waits for a writer to notice."""
    if stored == "pending" and expires_at <= to_text(now):
        return "expired"
    return stored  # type: ignore[return-value]


def computation_json(comp: BillComputation) -> str:
    """What the bill row keeps of the engine's result, in the wire shape."""
    return json.dumps(
        {
            "days": comp.days,
            "month_days": comp.month_days,
            "tiers": [
                {
                    "tier": t.tier,
                    "kwh": t.kwh,
                    "unit_price": t.unit_price,
                    "amount": t.amount,
                    "limit_kwh": t.limit_kwh,
                    "segment_start": t.segment_start.isoformat(),
                    "segment_end": t.segment_end.isoformat(),
                }
                for t in comp.tiers
            ],
            "segments": [
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "days": s.days,
                    "kwh": s.kwh,
                    "decision": s.decision,
                    "vat_rate": float(s.vat_rate),
                }
                for s in comp.segments
            ],
            "vat_lines": [
                {"rate": float(v.rate), "base": v.base, "amount": v.amount} for v in comp.vat_lines
            ],
            "vat_rate": float(comp.vat_rate),
        },
        ensure_ascii=False,
    )


_BILLS_QUERY = """
SELECT b.*, (
    SELECT p.id FROM payment_bills pb JOIN payments p ON p.id = pb.payment_id
    WHERE pb.bill_id = b.id AND p.status = 'pending' AND p.expires_at > ?
) AS pending_payment_id
FROM bills b WHERE b.customer_code = ? ORDER BY b.period_start
"""


def bill_status(row: Row, today: date) -> schemas.BillStatus:
    """A bill with a payment in flight is never shown overdue: that could lead to a wrong disconnection."""
    if row["paid_at"] is not None:
        return "paid"
    if row["pending_payment_id"] is not None:
        return "pending_payment"
    if date.fromisoformat(row["due_date"]) < today:
        return "overdue"
    return "unpaid"


def _bill(row: Row, today: date) -> schemas.Bill:
    comp = json.loads(row["computation"])
    period_end = date.fromisoformat(row["period_end"])
    return schemas.Bill(
        id=row["id"],
        customer_code=row["customer_code"],
        period_start=row["period_start"],
        period_end=period_end,
        days=comp["days"],
        # Rows stored before the engine recorded T: it depends only on the reading date.
        month_days=comp.get("month_days", days_of_month_before(period_end)),
        meter_serial=row["meter_serial"],
        opening_index=row["opening_index"],
        closing_index=row["closing_index"],
        multiplier=row["multiplier"],
        kwh=row["kwh"],
        households=row["households"],
        tiers=comp["tiers"],
        segments=comp["segments"],
        subtotal=row["subtotal"],
        vat_rate=comp["vat_rate"],
        vat_lines=comp["vat_lines"],
        vat_amount=row["vat_amount"],
        total=row["total"],
        due_date=row["due_date"],
        invoice_serial=row["invoice_serial"],
        invoice_number=row["invoice_number"],
        status=bill_status(row, today),
        paid_at=from_text(row["paid_at"]) if row["paid_at"] else None,
        pending_payment_id=row["pending_payment_id"],
    )


def bill_rows(conn: Connection, code: str, now: datetime) -> list[Row]:
    """All of a customer's bills, oldest first, each with the live payment covering it (if any)."""
    customer_row(conn, code)
    return conn.execute(_BILLS_QUERY, (to_text(now), code)).fetchall()


def bills(conn: Connection, code: str, status: str, now: datetime, today: date) -> schemas.BillList:
    rows = bill_rows(conn, code, now)
    listed = [_bill(r, today) for r in rows]
    if status == "unpaid":
        listed = [b for b in listed if b.status != "paid"]
    return schemas.BillList(
        customer_code=code, bills=listed, total_due=sum(b.total for b in listed if b.status != "paid")
    )


def consumption(conn: Connection, code: str, granularity: str) -> schemas.Consumption:
    row = customer_row(conn, code)
    points: list[schemas.ConsumptionPoint] = []
    if granularity == "month":
        readings = conn.execute(
            "SELECT read_on, meter_index FROM meter_readings WHERE customer_code = ? ORDER BY read_on",
            (code,),
        ).fetchall()
        for prev, cur in pairwise(readings):
            end = date.fromisoformat(cur["read_on"])
            start = date.fromordinal(date.fromisoformat(prev["read_on"]).toordinal() + 1)
            kwh = (cur["meter_index"] - prev["meter_index"]) * row["multiplier"]
            points.append(schemas.ConsumptionPoint(start=start, end=end, kwh=kwh, label=f"{end:%Y-%m}"))
    else:
        if not row["remote_read"]:
            raise errors.invalid(
                "daily_not_available",
                "this meter is read by hand once a month; no daily data",
                customer_code=code,
            )
        days = conn.execute(
            "SELECT day, kwh FROM daily_consumption WHERE customer_code = ? ORDER BY day DESC LIMIT 62",
            (code,),
        ).fetchall()
        for d in reversed(days):
            day = date.fromisoformat(d["day"])
            points.append(schemas.ConsumptionPoint(start=day, end=day, kwh=d["kwh"], label=day.isoformat()))
    return schemas.Consumption(customer_code=code, granularity=granularity, points=points)
