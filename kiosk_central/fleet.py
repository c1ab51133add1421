"""The kiosks as the office sees them: their heartbeats, customers' calls for staff, and the fleet page.

A kiosk reports itself every minute or so (``POST /v1/kiosks/{id}/heartbeat``); only its latest beat is
kept. A customer's "Call staff" arrives as a staff call with an id the kiosk chose, so the kiosk can send it
again after a lost answer without calling twice; staff opening staff mode on the kiosk marks it answered.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from kiosk_central import errors, schemas
from kiosk_central.clock import VIETNAM, from_text, to_text
from kiosk_central.db import Connection, Row

STALE_AFTER = timedelta(minutes=3)
"""A kiosk beats every minute: three missed beats in a row is a kiosk, or its network, in trouble."""
REFRESH_SECONDS = 30


# ------------------------------------------------------------------ heartbeats
def record_heartbeat(
    conn: Connection, kiosk_id: str, body: schemas.Heartbeat, now: datetime
) -> schemas.HeartbeatAck:
    last_activity = None if body.last_activity_at is None else to_text(body.last_activity_at)
    conn.execute(
        """INSERT INTO heartbeats (kiosk_id, received_at, version, printer_status, pending_payments,
               outbox_depth, last_activity_at, staff_call_open, assisted_mode)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, version = excluded.version,
               printer_status = excluded.printer_status, pending_payments = excluded.pending_payments,
               outbox_depth = excluded.outbox_depth, last_activity_at = excluded.last_activity_at,
               staff_call_open = excluded.staff_call_open, assisted_mode = excluded.assisted_mode""",
        (kiosk_id, to_text(now), body.version, body.printer_status, body.pending_payments, body.outbox_depth,
         last_activity, body.staff_call_open, body.assisted_mode),
    )  # fmt: skip
    return schemas.HeartbeatAck(kiosk_id=kiosk_id, received_at=now)


# ------------------------------------------------------------------ staff calls
def call_staff(
    conn: Connection, kiosk_id: str, body: schemas.StaffCallCreate, now: datetime
) -> tuple[schemas.StaffCallAck, bool]:
    """(ack, created). Records the call, or answers the first record of it for a retry: the kiosk resends
    a call whose answer it did not get, and the office must see one call, not one per attempt."""
    row = conn.execute(
        "SELECT * FROM staff_calls WHERE kiosk_id = ? AND call_id = ?", (kiosk_id, body.call_id)
    ).fetchone()
    if row is None:
        conn.execute(
            """INSERT INTO staff_calls (kiosk_id, call_id, screen, language, called_at, received_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (kiosk_id, body.call_id, body.screen, body.language, to_text(body.called_at), to_text(now)),
        )
        return schemas.StaffCallAck(call_id=body.call_id, kiosk_id=kiosk_id, received_at=now), True
    first = (row["screen"], row["language"], from_text(row["called_at"]))
    if first != (body.screen, body.language, body.called_at):
        # A retry carries exactly what the first attempt did; anything else is a kiosk reusing an id.
        raise errors.conflict(
            "call_id_reused", "this call_id was used for another call", call_id=body.call_id
        )
    ack = schemas.StaffCallAck(
        call_id=body.call_id, kiosk_id=kiosk_id, received_at=from_text(row["received_at"])
    )
    return ack, False


def answer_staff_call(conn: Connection, kiosk_id: str, call_id: str, now: datetime) -> None:
    """Staff reached the kiosk. Idempotent: a repeat keeps the first answer's time."""
    updated = conn.execute(
        "UPDATE staff_calls SET answered_at = ? WHERE kiosk_id = ? AND call_id = ? AND answered_at IS NULL",
        (to_text(now), kiosk_id, call_id),
    ).rowcount
    if updated == 0 and (
        conn.execute(
            "SELECT 1 FROM staff_calls WHERE kiosk_id = ? AND call_id = ?", (kiosk_id, call_id)
        ).fetchone()
        is None
    ):
        raise errors.not_found(
            "staff_call_not_found", f"no staff call {call_id} from this kiosk", call_id=call_id
        )


# ------------------------------------------------------------------ the fleet
def fleet(conn: Connection, now: datetime) -> schemas.Fleet:
    kiosks = [_kiosk(row, now) for row in conn.execute("SELECT * FROM heartbeats")]
    # Kiosks that need someone first, the longest silent at the top; then the rest by id.
    kiosks.sort(key=lambda k: (not k.stale, -k.silent_seconds if k.stale else 0, k.kiosk_id))
    calls = [
        schemas.FleetStaffCall(
            kiosk_id=row["kiosk_id"],
            call_id=row["call_id"],
            screen=row["screen"],
            language=row["language"],
            called_at=from_text(row["called_at"]),
            received_at=from_text(row["received_at"]),
        )
        for row in conn.execute("SELECT * FROM staff_calls WHERE answered_at IS NULL ORDER BY called_at")
    ]
    # A call the kiosk could not deliver yet still shows, from the beat that says a call is open.
    with_calls = {c.kiosk_id for c in calls}
    calls += [
        schemas.FleetStaffCall(
            kiosk_id=k.kiosk_id, call_id=None, screen=None, language=None, called_at=None, received_at=None
        )
        for k in sorted(kiosks, key=lambda k: k.kiosk_id)
        if k.staff_call_open and k.kiosk_id not in with_calls
    ]
    return schemas.Fleet(
        generated_at=now,
        stale_after_seconds=int(STALE_AFTER.total_seconds()),
        open_staff_calls=calls,
        kiosks=kiosks,
    )


def _kiosk(row: Row, now: datetime) -> schemas.FleetKiosk:
    last = from_text(row["received_at"])
    silent = now - last
    return schemas.FleetKiosk(
        kiosk_id=row["kiosk_id"],
        last_heartbeat_at=last,
        silent_seconds=_seconds(silent),
        stale=silent > STALE_AFTER,
        version=row["version"],
        printer_status=row["printer_status"],
        pending_payments=row["pending_payments"],
        outbox_depth=row["outbox_depth"],
        last_activity_at=None if row["last_activity_at"] is None else from_text(row["last_activity_at"]),
        staff_call_open=bool(row["staff_call_open"]),
        assisted_mode=bool(row["assisted_mode"]),
    )


def _seconds(delta: timedelta) -> int:
    # A kiosk's clock (called_at) or a clock moved back can put a moment in the future: show it as now.
    return max(0, int(delta.total_seconds()))


# ------------------------------------------------------------------ the page
_LANGUAGES = {"vi": "tiếng Việt / Vietnamese", "en": "tiếng Anh / English"}
_STYLE = (
    "body{font-family:system-ui,sans-serif;font-size:1.05rem;line-height:1.45;max-width:48rem;"
    "margin:0 auto;padding:.75rem}"
    "section{border:2px solid #999;border-radius:6px;padding:.25rem .75rem .75rem;margin:.75rem 0}"
    "section.stale{border:4px solid #b00020}"
    ".flag{font-weight:bold}"
    # Two columns that shrink with the screen: the labels wrap rather than push the values off a phone.
    "dl{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:.2rem .75rem;margin:0}"
    "dt{color:#444}dd{margin:0}dt,dd{overflow-wrap:anywhere}"
    "h2,h3{overflow-wrap:anywhere}"
)


def fleet_page(found: schemas.Fleet) -> str:
    """The fleet for a phone in the office: open calls for staff first, then every kiosk with what its
    last heartbeat said. Bilingual, in Vietnam time, refreshed by the browser every 30 s (no script).

    Everything a kiosk sent is escaped: kiosk ids and printer statuses are whatever a kiosk put there.
    Nothing personal is on it: kiosks send none (a staff call names a screen, not a customer)."""
    stale = [k for k in found.kiosks if k.stale]
    summary = (
        f"<p>{len(found.kiosks)} ki-ốt / kiosks · "
        f"{len(stale)} ⚠ không có tin quá {found.stale_after_seconds // 60} phút / "
        f"with no news for over {found.stale_after_seconds // 60} min · "
        f"{len(found.open_staff_calls)} ☎ đang gọi nhân viên / calling staff</p>"
    )
    calls = (
        "<ul>" + "".join(_call_item(c, found.generated_at) for c in found.open_staff_calls) + "</ul>"
        if found.open_staff_calls
        else "<p>Không có / None</p>"
    )
    kiosks = (
        "".join(_kiosk_section(k, found.generated_at) for k in found.kiosks)
        if found.kiosks
        else "<p>Chưa ki-ốt nào gửi tín hiệu. / No kiosk has sent a heartbeat yet.</p>"
    )
    alerts = len(stale) + len(found.open_staff_calls)
    title = f"({alerts}) Ki-ốt / Kiosks" if alerts else "Ki-ốt / Kiosks"
    return (
        '<!doctype html><html lang="vi"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
        "<h1>Ki-ốt / Kiosks</h1>"
        f"<p>Cập nhật lúc / Updated at {_when(found.generated_at)} (giờ Việt Nam / Vietnam time);"
        f" tự làm mới sau {REFRESH_SECONDS} giây / refreshes every {REFRESH_SECONDS} s.</p>"
        f"{summary}"
        f'<h2 id="staff-calls">☎ Khách gọi nhân viên / Customers calling staff</h2>{calls}'
        f'<h2 id="kiosks">Ki-ốt / Kiosks</h2>{kiosks}</html>'
    )


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(VIETNAM):%H:%M:%S %d/%m/%Y}"


def _ago(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} giây trước / {seconds} s ago"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} phút trước / {minutes} min ago"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} giờ {minutes} phút trước / {hours} h {minutes} min ago"
    days = hours // 24
    return f"{days} ngày trước / {days} days ago"


def _when_ago(moment: datetime, now: datetime) -> str:
    return f"{_when(moment)} ({_ago(_seconds(now - moment))})"


def _call_item(call: schemas.FleetStaffCall, now: datetime) -> str:
    kiosk_id = f"<strong>{html.escape(call.kiosk_id)}</strong>"
    if call.call_id is None or call.called_at is None:
        return (
            f"<li>☎ {kiosk_id}: ki-ốt báo có khách đang gọi, cuộc gọi chưa tới máy chủ /"
            " the kiosk reports a call that has not reached the central yet</li>"
        )
    language = _LANGUAGES.get(call.language or "", html.escape(call.language or ""))
    return (
        f"<li>☎ {kiosk_id}: màn hình / screen <code>{html.escape(call.screen or '')}</code>, {language};"
        f" từ / since {_when_ago(call.called_at, now)}</li>"
    )


def _kiosk_section(kiosk: schemas.FleetKiosk, now: datetime) -> str:
    if kiosk.stale:
        minutes = kiosk.silent_seconds // 60
        flag = f"⚠ Không có tin {minutes} phút / No news for {minutes} min"
    else:
        flag = "✓ Có tin / Reporting"
    activity = (
        "— chưa có / none" if kiosk.last_activity_at is None else _when_ago(kiosk.last_activity_at, now)
    )
    rows = [
        ("Tín hiệu cuối / Last heartbeat", _when_ago(kiosk.last_heartbeat_at, now)),
        ("Phiên bản / Version", html.escape(kiosk.version)),
        ("Máy in / Printer", html.escape(kiosk.printer_status)),
        ("Thanh toán đang chờ / Pending payments", str(kiosk.pending_payments)),
        ("Yêu cầu chờ gửi / Waiting to be sent (outbox)", str(kiosk.outbox_depth)),
        ("Khách dùng lần cuối / Last customer activity", activity),
        ("Nhân viên đang hỗ trợ / Assisted mode", "Có / Yes" if kiosk.assisted_mode else "Không / No"),
        ("Khách gọi nhân viên / Staff call", "☎ Có / Yes" if kiosk.staff_call_open else "Không / No"),
    ]
    details = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    css = ' class="stale"' if kiosk.stale else ""
    return (
        f"<section{css}><h3>{html.escape(kiosk.kiosk_id)}</h3>"
        f'<p class="flag">{flag}</p><dl>{details}</dl></section>'
    )
