"""One-time codes, and service requests confirmed by them."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk_central import accounts, client_references, errors, schemas, services_catalog
from kiosk_central.clock import VIETNAM, from_text, to_text
from kiosk_central.db import Connection, Row
from kiosk_central.ledger import customer_row

OTP_TTL = timedelta(minutes=5)
OTP_RESEND_AFTER = timedelta(seconds=60)
OTP_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class OtpLimits:
    """How many codes may be sent, against SMS pumping (a stolen or misused kiosk token sending codes to many
    numbers, each one paid for): per phone beyond the 60-second resend wait, and per kiosk token. A customer
    needs one code, two with a resend; a busy kiosk serves a customer every few minutes."""

    per_phone_hour: int = 5
    per_sender_minute: int = 5
    per_sender_hour: int = 30


VERIFIED_OTP_TTL = timedelta(days=7)
"""How long a code verified with ``POST /v1/otp/{id}/verify`` still confirms a request after its 5-minute
expiry: how long a kiosk's offline outbox may hold a request the customer confirmed (rural sites can be
cut off for days) before the central refuses it as ``otp_expired``."""
_PHONE = re.compile(schemas.MOBILE_PHONE_PATTERN)
_REFERENCE_NOISE = re.compile(r"[\s-]+")


def phone_error() -> errors.ApiError:
    return errors.invalid("invalid_phone", "a Vietnamese mobile number has 10 digits and starts with 0")


def _otp_hash(otp_id: str, code: str) -> str:
    return hashlib.sha256(f"{otp_id}:{code}".encode()).hexdigest()


@dataclass(frozen=True)
class IssuedOtp:
    otp: schemas.Otp
    phone: str
    code: str  # handed to the SMS gateway (in demo mode, to the simulation endpoint); never logged


_SENT_SINCE = {
    "phone": "SELECT created_at FROM otps WHERE phone = ? AND created_at > ? ORDER BY created_at",
    "sender": "SELECT created_at FROM otps WHERE sender = ? AND created_at > ? ORDER BY created_at",
}


def _sent_since(conn: Connection, by: str, value: str, since: datetime) -> list[datetime]:
    rows = conn.execute(_SENT_SINCE[by], (value, to_text(since))).fetchall()
    return [from_text(row[0]) for row in rows]


def _check_limits(conn: Connection, phone: str, sender: str, limits: OtpLimits, now: datetime) -> None:
    """Raises 429 ``otp_rate_limited`` when one more code would go over a limit, with when one may be sent."""
    windows = (
        ("phone", phone, timedelta(hours=1), limits.per_phone_hour),
        ("sender", sender, timedelta(minutes=1), limits.per_sender_minute),
        ("sender", sender, timedelta(hours=1), limits.per_sender_hour),
    )
    for by, value, window, most in windows:
        sent = _sent_since(conn, by, value, now - window)
        if len(sent) >= most:
            # One more may go when the oldest code that counts leaves the window.
            retry_after = sent[len(sent) - most] + window
            raise errors.rate_limited(
                "otp_rate_limited",
                "too many codes sent; wait before asking for another",
                retry_after,
                now,
                limit=f"{most} per {int(window.total_seconds())} s per {by}",
                # Whose limit: a customer at the kiosk may use another phone for the phone's, not the kiosk's.
                scope="phone" if by == "phone" else "kiosk",
            )


def send_otp(
    conn: Connection,
    body: schemas.OtpCreate,
    now: datetime,
    *,
    sender: str,
    limits: OtpLimits = OtpLimits(),
) -> IssuedOtp:
    """A new code for ``body``'s phone, sent for the kiosk token ``sender`` (its fingerprint)."""
    if (body.phone is None) == (body.customer_code is None):
        raise errors.invalid("phone_or_customer_code", "give exactly one of phone and customer_code")
    if body.customer_code is not None:
        phone = customer_row(conn, body.customer_code)["phone"]
        if not phone:
            raise errors.invalid("no_phone_on_account", "the account has no registered phone")
    else:
        phone = body.phone or ""
        if not _PHONE.fullmatch(phone):
            raise phone_error()
    last = conn.execute(
        "SELECT created_at FROM otps WHERE phone = ? AND purpose = ? ORDER BY created_at DESC LIMIT 1",
        (phone, body.purpose),
    ).fetchone()
    if last is not None and from_text(last[0]) + OTP_RESEND_AFTER > now:
        resend_after = from_text(last[0]) + OTP_RESEND_AFTER
        error = errors.rate_limited(
            "otp_resend_too_soon", "wait before asking for another code", resend_after, now
        )
        error.details["resend_after"] = resend_after.isoformat()
        raise error
    _check_limits(conn, phone, sender, limits, now)
    otp_id = "otp_" + secrets.token_hex(8)
    code = f"{secrets.randbelow(1_000_000):06d}"
    conn.execute(
        """INSERT INTO otps (id, phone, purpose, code_hash, created_at, expires_at, max_attempts, sender)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (otp_id, phone, body.purpose, _otp_hash(otp_id, code), to_text(now), to_text(now + OTP_TTL),
         OTP_MAX_ATTEMPTS, sender),
    )  # fmt: skip
    otp = schemas.Otp(
        id=otp_id,
        phone=accounts.mask_phone(phone) or "",
        expires_at=now + OTP_TTL,
        resend_after=now + OTP_RESEND_AFTER,
        max_attempts=OTP_MAX_ATTEMPTS,
    )
    return IssuedOtp(otp=otp, phone=phone, code=code)


def _valid_until(row: Row) -> datetime:
    """A verified code stays good for VERIFIED_OTP_TTL from its verification, else until it expires."""
    if row["verified_at"] is not None:
        return from_text(row["verified_at"]) + VERIFIED_OTP_TTL
    return from_text(row["expires_at"])


def _checked_otp(
    conn: Connection, otp_id: str, code: str, purpose: str, now: datetime
) -> Row | errors.ApiError:
    """The OTP's row if ``code`` is right and the OTP can still be used, else the error to answer.

    A wrong code spends an attempt; the error is *returned* (not raised) so that the caller commits the
    spent attempt before answering: an attempt rolled back with the error would allow endless guesses."""
    row: Row | None
    row = conn.execute("SELECT * FROM otps WHERE id = ?", (otp_id,)).fetchone()
    if row is None:
        return errors.invalid("otp_not_found", "no such code was sent; ask for a new one")
    if row["purpose"] != purpose:
        return errors.invalid(
            "otp_wrong_purpose", f"this code was sent for {row['purpose']}; ask for a new one"
        )
    if row["consumed_at"] is not None:
        return errors.invalid("otp_used", "this code was already used; ask for a new one")
    if row["attempts"] >= row["max_attempts"]:
        return errors.ApiError(429, "otp_locked", "too many wrong codes; ask for a new one")
    if _valid_until(row) <= now:
        return errors.invalid("otp_expired", "the code has expired; ask for a new one")
    if not hmac.compare_digest(row["code_hash"], _otp_hash(otp_id, code)):
        conn.execute("UPDATE otps SET attempts = attempts + 1 WHERE id = ?", (otp_id,))
        left = row["max_attempts"] - row["attempts"] - 1
        if left <= 0:
            return errors.ApiError(429, "otp_locked", "too many wrong codes; ask for a new one")
        return errors.invalid("otp_invalid", "the code is not right", attempts_left=left)
    return row


def check_otp(
    conn: Connection, otp_id: str, code: str, purpose: str, now: datetime
) -> errors.ApiError | None:
    """Consume the code if right: within its 5 minutes, or within VERIFIED_OTP_TTL of its verification.
    A wrong code is returned, not raised (see :func:`_checked_otp`)."""
    checked = _checked_otp(conn, otp_id, code, purpose, now)
    if isinstance(checked, errors.ApiError):
        return checked
    conn.execute("UPDATE otps SET consumed_at = ? WHERE id = ?", (to_text(now), otp_id))
    return None


def verify_otp(
    conn: Connection, otp_id: str, code: str, now: datetime
) -> schemas.OtpVerification | errors.ApiError:
    """Record that the customer typed the right code, without consuming it, so that the request it
    confirms may reach the central up to VERIFIED_OTP_TTL later (from a kiosk's offline outbox).

    Idempotent: verifying a verified code again with the right code answers the first ``verified_at``,
    so a retry after a lost answer is safe. A wrong code is returned, not raised (see :func:`_checked_otp`).
    """
    checked = _checked_otp(conn, otp_id, code, "service_request", now)
    if isinstance(checked, errors.ApiError) and checked.code == "otp_not_found":
        # Here the path names the code: one that was never sent is a resource that is not there.
        return errors.not_found(checked.code, checked.message)
    if isinstance(checked, errors.ApiError):
        return checked
    verified_at = checked["verified_at"]
    if verified_at is None:
        verified_at = to_text(now)
        conn.execute("UPDATE otps SET verified_at = ? WHERE id = ?", (verified_at, otp_id))
    return schemas.OtpVerification(
        otp_id=otp_id,
        verified_at=from_text(verified_at),
        valid_until=from_text(verified_at) + VERIFIED_OTP_TTL,
    )


def _add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current = date.fromordinal(current.toordinal() + 1)
        if current.weekday() < 5:
            days -= 1
    return current


def new_tracking_code(conn: Connection) -> str:
    # "YC" (yêu cầu) + 8 characters that cannot be confused when typed from a slip or read aloud.
    while True:
        code = "YC" + "".join(secrets.choice(schemas.TRACKING_ALPHABET) for _ in range(8))
        if conn.execute("SELECT 1 FROM service_requests WHERE tracking_code = ?", (code,)).fetchone() is None:
            return code


def normalise_reference(reference: str) -> str:
    """A tracking code or client reference as stored: read from a slip, it may come in lower case or
    with the spaces and dashes people add to group characters."""
    return _REFERENCE_NOISE.sub("", reference).upper()


def find_request(conn: Connection, reference: str) -> schemas.ServiceRequest | None:
    """The request with this tracking code (``YC…``) or client reference (``K…``), if any."""
    wanted = normalise_reference(reference)
    row = conn.execute(
        "SELECT tracking_code FROM service_requests WHERE tracking_code = ? OR client_reference = ?",
        (wanted, wanted),
    ).fetchone()
    return None if row is None else request(conn, row["tracking_code"])


def request(conn: Connection, tracking_code: str) -> schemas.ServiceRequest:
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
        client_reference=row["client_reference"],
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


def add_event(conn: Connection, tracking_code: str, at: datetime, status: str, note: schemas.Label) -> None:
    conn.execute(
        "INSERT INTO request_events VALUES (?, ?, ?, ?, ?)",
        (tracking_code, to_text(at), status, note.vi, note.en),
    )
    conn.execute("UPDATE service_requests SET status = ? WHERE tracking_code = ?", (status, tracking_code))


def insert_request(
    conn: Connection,
    key: str,
    fingerprint: str,
    service: services_catalog.Service,
    customer_code: str | None,
    fields: dict[str, str | int | bool],
    now: datetime,
    tracking_code: str | None = None,
    client_reference: str | None = None,
    kiosk_id: str | None = None,
) -> str:
    tracking_code = tracking_code or new_tracking_code(conn)
    due_by = _add_working_days(now.astimezone(VIETNAM).date(), service.max_working_days)
    conn.execute(
        """INSERT INTO service_requests (tracking_code, idempotency_key, fingerprint, service_code,
               customer_code, fields, status, created_at, due_by, client_reference, kiosk_id)
           VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?)""",
        (tracking_code, key, fingerprint, service.code, customer_code, json.dumps(fields, ensure_ascii=False),
         to_text(now), due_by.isoformat(), client_reference, kiosk_id),
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
    conn: Connection,
    key: str,
    body: schemas.RequestCreate,
    now: datetime,
    *,
    kiosk_id: str | None = None,
) -> tuple[schemas.ServiceRequest | None, bool, errors.ApiError | None]:
    """(request, created, error). Errors are returned so a spent OTP attempt is committed. ``kiosk_id`` is
    the kiosk whose token submitted it."""
    body_fingerprint = client_references.fingerprint(body)
    existing = conn.execute(
        "SELECT tracking_code, fingerprint FROM service_requests WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if existing is not None:
        if existing["fingerprint"] != body_fingerprint:
            raise errors.conflict(
                "idempotency_key_reused", "this Idempotency-Key was used for another request"
            )
        return request(conn, existing["tracking_code"]), False, None
    client_references.check_unused(conn, "service_requests", body.client_reference)
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
    tracking_code = insert_request(
        conn,
        key,
        body_fingerprint,
        service,
        body.customer_code,
        body.fields,
        now,
        client_reference=body.client_reference,
        kiosk_id=kiosk_id,
    )
    return request(conn, tracking_code), True, None


# ------------------------------------------------------------------ the public tracking page
_STATUS_WORDS = {
    "received": ("Đã tiếp nhận", "Received"),
    "in_progress": ("Đang giải quyết", "In progress"),
    "completed": ("Đã hoàn thành", "Completed"),
    "rejected": ("Không được chấp nhận", "Rejected"),
}


def track_page(reference: str, found: schemas.ServiceRequest | None) -> str:
    """A small bilingual page for the phone that scanned a request slip's QR: the service, the status,
    the due date and the history. Nothing personal (no name, phone, ID number, address or form fields):
    the page is public, and the slip may be lost or photographed."""
    if found is None:
        title = normalise_reference(reference)
        body = (
            "<p><strong>Không tìm thấy yêu cầu với mã này.</strong><br>No request has this reference.</p>"
            "<p>Nếu ki-ốt vừa nhận yêu cầu khi mất mạng, yêu cầu sẽ hiện ở đây sau khi ki-ốt gửi được;"
            " hãy thử lại sau.<br>If a kiosk took the request while it was offline, it appears here once"
            " the kiosk has sent it; please try again later.</p>"
        )
    else:
        title = found.tracking_code
        service = services_catalog.service_by_code(found.service_code)
        vi, en = _STATUS_WORDS[found.status]
        kiosk_reference = (
            f"<p>Mã phiếu tại ki-ốt / Kiosk reference: {html.escape(found.client_reference)}</p>"
            if found.client_reference
            else ""
        )
        events = "".join(
            f"<li>{e.at.astimezone(VIETNAM):%d/%m/%Y %H:%M}: {html.escape(e.note.vi)}"
            f"<br>{html.escape(e.note.en)}</li>"
            for e in found.history
        )
        body = (
            f"<p><strong>{html.escape(service.title.vi)}</strong><br>{html.escape(service.title.en)}</p>"
            f"{kiosk_reference}"
            f"<p>Trạng thái / Status: <strong>{html.escape(vi)}</strong> / {html.escape(en)}</p>"
            f"<p>Hẹn giải quyết trước / Due by: {found.due_by:%d/%m/%Y}</p>"
            f"<h2>Quá trình xử lý / History (giờ Việt Nam / Vietnam time)</h2><ul>{events}</ul>"
        )
    return (
        '<!doctype html><html lang="vi"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>{body}</html>"
    )
