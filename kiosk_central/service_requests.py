"""One-time codes, and service requests confirmed by them."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk_central import accounts, errors, schemas, services_catalog
from kiosk_central.clock import VIETNAM, from_text, to_text
from kiosk_central.ledger import customer_row

OTP_TTL = timedelta(minutes=5)
OTP_RESEND_AFTER = timedelta(seconds=60)
OTP_MAX_ATTEMPTS = 5
_PHONE = re.compile(r"^0[35789][0-9]{8}$")
_TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _otp_hash(otp_id: str, code: str) -> str:
    return hashlib.sha256(f"{otp_id}:{code}".encode()).hexdigest()


@dataclass(frozen=True)
class IssuedOtp:
    otp: schemas.Otp
    phone: str
    code: str  # handed to the SMS gateway (in demo mode, to the simulation endpoint); never logged


def send_otp(conn: sqlite3.Connection, body: schemas.OtpCreate, now: datetime) -> IssuedOtp:
    if (body.phone is None) == (body.customer_code is None):
        raise errors.invalid("phone_or_customer_code", "give exactly one of phone and customer_code")
    if body.customer_code is not None:
        phone = customer_row(conn, body.customer_code)["phone"]
        if not phone:
            raise errors.invalid("no_phone_on_account", "the account has no registered phone")
    else:
        phone = body.phone or ""
        if not _PHONE.fullmatch(phone):
            raise errors.invalid(
                "invalid_phone", "a Vietnamese mobile number has 10 digits and starts with 0"
            )
    last = conn.execute(
        "SELECT created_at FROM otps WHERE phone = ? AND purpose = ? ORDER BY created_at DESC LIMIT 1",
        (phone, body.purpose),
    ).fetchone()
    if last is not None and from_text(last[0]) + OTP_RESEND_AFTER > now:
        resend_after = from_text(last[0]) + OTP_RESEND_AFTER
        raise errors.ApiError(
            429,
            "otp_resend_too_soon",
            "wait before asking for another code",
            resend_after=resend_after.isoformat(),
        )
    otp_id = "otp_" + secrets.token_hex(8)
    code = f"{secrets.randbelow(1_000_000):06d}"
    conn.execute(
        """INSERT INTO otps (id, phone, purpose, code_hash, created_at, expires_at, max_attempts)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (otp_id, phone, body.purpose, _otp_hash(otp_id, code), to_text(now), to_text(now + OTP_TTL),
         OTP_MAX_ATTEMPTS),
    )  # fmt: skip
    otp = schemas.Otp(
        id=otp_id,
        phone=accounts.mask_phone(phone) or "",
        expires_at=now + OTP_TTL,
        resend_after=now + OTP_RESEND_AFTER,
        max_attempts=OTP_MAX_ATTEMPTS,
    )
    return IssuedOtp(otp=otp, phone=phone, code=code)


def check_otp(
    conn: sqlite3.Connection, otp_id: str, code: str, purpose: str, now: datetime
) -> errors.ApiError | None:
    """Consume the code if right. A wrong code is *returned* (not raised) so that the caller commits the
    spent attempt before answering: an attempt rolled back with the error would allow endless guesses."""
    row = conn.execute("SELECT * FROM otps WHERE id = ? AND purpose = ?", (otp_id, purpose)).fetchone()
    if row is None:
        return errors.invalid("otp_not_found", "no such code was sent; ask for a new one")
    if row["consumed_at"] is not None:
        return errors.invalid("otp_used", "this code was already used; ask for a new one")
    if row["attempts"] >= row["max_attempts"]:
        return errors.ApiError(429, "otp_locked", "too many wrong codes; ask for a new one")
    if from_text(row["expires_at"]) <= now:
        return errors.invalid("otp_expired", "the code has expired; ask for a new one")
    if not hmac.compare_digest(row["code_hash"], _otp_hash(otp_id, code)):
        conn.execute("UPDATE otps SET attempts = attempts + 1 WHERE id = ?", (otp_id,))
        left = row["max_attempts"] - row["attempts"] - 1
        if left <= 0:
            return errors.ApiError(429, "otp_locked", "too many wrong codes; ask for a new one")
        return errors.invalid("otp_invalid", "the code is not right", attempts_left=left)
    conn.execute("UPDATE otps SET consumed_at = ? WHERE id = ?", (to_text(now), otp_id))
    return None


def _add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current = date.fromordinal(current.toordinal() + 1)
        if current.weekday() < 5:
            days -= 1
    return current


def new_tracking_code(conn: sqlite3.Connection) -> str:
    # "YC" (yêu cầu) + 8 characters that cannot be confused when typed from a slip or read aloud.
    while True:
        code = "YC" + "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(8))
        if conn.execute("SELECT 1 FROM service_requests WHERE tracking_code = ?", (code,)).fetchone() is None:
            return code


def request(conn: sqlite3.Connection, tracking_code: str) -> schemas.ServiceRequest:
    row = conn.execute("SELECT * FROM service_requests WHERE tracking_code = ?", (tracking_code,)).fetchone()
    if row is None:
        raise errors.not_found(
            "request_not_found", f"no request {tracking_code}", tracking_code=tracking_code
        )
    events = conn.execute(
        "SELECT * FROM request_events WHERE tracking_code = ? ORDER BY at", (tracking_code,)
    ).fetchall()
    return schemas.ServiceRequest(
        tracking_code=row["tracking_code"],
        service_code=row["service_code"],
        customer_code=row["customer_code"],
        status=row["status"],
        created_at=from_text(row["created_at"]),
        due_by=date.fromisoformat(row["due_by"]),
        history=[
            schemas.RequestEvent(
                at=from_text(e["at"]),
                status=e["status"],
                note=schemas.Label(vi=e["note_vi"], en=e["note_en"]),
            )
            for e in events
        ],
    )


def add_event(
    conn: sqlite3.Connection, tracking_code: str, at: datetime, status: str, note: schemas.Label
) -> None:
    conn.execute(
        "INSERT INTO request_events VALUES (?, ?, ?, ?, ?)",
        (tracking_code, to_text(at), status, note.vi, note.en),
    )
    conn.execute("UPDATE service_requests SET status = ? WHERE tracking_code = ?", (status, tracking_code))


def insert_request(
    conn: sqlite3.Connection,
    key: str,
    fingerprint: str,
    service: services_catalog.Service,
    customer_code: str | None,
    fields: dict[str, str | int | bool],
    now: datetime,
    tracking_code: str | None = None,
) -> str:
    tracking_code = tracking_code or new_tracking_code(conn)
    due_by = _add_working_days(now.astimezone(VIETNAM).date(), service.max_working_days)
    conn.execute(
        """INSERT INTO service_requests (tracking_code, idempotency_key, fingerprint, service_code,
               customer_code, fields, status, created_at, due_by) VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?)""",
        (tracking_code, key, fingerprint, service.code, customer_code, json.dumps(fields, ensure_ascii=False),
         to_text(now), due_by.isoformat()),
    )  # fmt: skip
    add_event(
        conn,
        tracking_code,
        now,
        "received",
        schemas.Label(vi="Đã tiếp nhận yêu cầu", en="Request received"),
    )
    return tracking_code


def create_request(
    conn: sqlite3.Connection, key: str, body: schemas.RequestCreate, now: datetime
) -> tuple[schemas.ServiceRequest | None, bool, errors.ApiError | None]:
    """(request, created, error). Errors are returned so a spent OTP attempt is committed."""
    fingerprint = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    existing = conn.execute(
        "SELECT tracking_code, fingerprint FROM service_requests WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if existing is not None:
        if existing["fingerprint"] != fingerprint:
            raise errors.conflict(
                "idempotency_key_reused", "this Idempotency-Key was used for another request"
            )
        return request(conn, existing["tracking_code"]), False, None
    try:
        service = services_catalog.service_by_code(body.service_code)
    except KeyError:
        raise errors.not_found("service_not_found", f"no service {body.service_code}") from None
    if body.customer_code is not None:
        customer_row(conn, body.customer_code)
    elif service.requires_customer_code:
        raise errors.invalid("customer_code_required", "this service is for an existing customer")
    problems = services_catalog.validate_fields(service, body.fields)
    if problems:
        raise errors.invalid("invalid_fields", "some fields are missing or wrong", fields=problems)
    failure = check_otp(conn, body.otp_id, body.otp_code, "service_request", now)
    if failure is not None:
        return None, False, failure
    tracking_code = insert_request(conn, key, fingerprint, service, body.customer_code, body.fields, now)
    return request(conn, tracking_code), True, None
