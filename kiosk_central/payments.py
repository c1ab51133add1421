"""Payments: issuing VietQR payment requests and applying the bank's notices, collecting each bill once.

The rules, all enforced inside one serialised transaction per request:

- An ``Idempotency-Key`` names one payment forever: the same key with the same body returns that
  payment (whatever its status now); with another body it is refused.
- Bills are paid oldest first: the bills asked for must be exactly the oldest unpaid ones.
- A bill covered by a live (pending, not expired) payment cannot get a second one.
- A bank notice is applied only when every bill it pays is still unpaid, and a bill is marked paid
  at most once (``UPDATE … WHERE paid_at IS NULL`` and a row count check). Money for an expired or
  cancelled payment whose bills are still unpaid is applied: the customer did pay. Anything else
  (a second notice, bills paid by another channel, a wrong amount, an unknown reference) is
  recorded as ``refund_due``, never silently kept.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from datetime import datetime, timedelta

from kiosk.vietqr import VietQR, encode
from kiosk_central import accounts, errors, schemas
from kiosk_central.clock import from_text, to_text
from kiosk_central.ledger import check_code, customer_row, expire_stale_payments

# Demo collection accounts of the five corporations (real bank BINs, made-up account numbers).
COLLECTION_ACCOUNTS: dict[str, schemas.Recipient] = {
    "EVNNPC": schemas.Recipient(bank_bin="970405", account_number="1500201088888", account_name="EVNNPC"),
    "EVNCPC": schemas.Recipient(bank_bin="970415", account_number="102010000011111", account_name="EVNCPC"),
    "EVNSPC": schemas.Recipient(bank_bin="970418", account_number="31410000222222", account_name="EVNSPC"),
    "EVNHANOI": schemas.Recipient(bank_bin="970436", account_number="0011000333333", account_name="EVNHANOI"),
    "EVNHCMC": schemas.Recipient(bank_bin="970407", account_number="19020000444444", account_name="EVNHCMC"),
}

METHOD_LABELS: dict[schemas.PaymentMethod, schemas.Label] = {
    "vietqr": schemas.Label(vi="Ứng dụng ngân hàng (VietQR)", en="Banking app (VietQR)"),
    "momo": schemas.Label(vi="Ví MoMo", en="MoMo wallet"),
    "zalopay": schemas.Label(vi="Ví ZaloPay", en="ZaloPay wallet"),
    "vnpay": schemas.Label(vi="VNPay", en="VNPay"),
}

# Letters and digits that cannot be mistaken for each other when read off a bank statement.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _fingerprint(body: schemas.PaymentCreate) -> str:
    canonical = {
        "customer_code": body.customer_code,
        "bill_ids": sorted(body.bill_ids),
        "method": body.method,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _new_reference(conn: sqlite3.Connection, customer_code: str) -> str:
    # "TT" (thanh toán) + customer code + 6 random characters: 21 characters, within tag 62/08's 25,
    # letters and digits only because some banking apps drop spaces and punctuation from the memo.
    while True:
        ref = "TT" + customer_code + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if conn.execute("SELECT 1 FROM payments WHERE reference = ?", (ref,)).fetchone() is None:
            return ref


def payment(conn: sqlite3.Connection, payment_id: str) -> schemas.Payment:
    row = conn.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
    if row is None:
        raise errors.not_found("payment_not_found", f"no payment {payment_id}", payment_id=payment_id)
    bill_ids = [
        r[0]
        for r in conn.execute(
            "SELECT bill_id FROM payment_bills WHERE payment_id = ? ORDER BY position", (payment_id,)
        )
    ]
    return schemas.Payment(
        id=row["id"],
        status=row["status"],
        amount=row["amount"],
        qr_payload=row["qr_payload"],
        reference=row["reference"],
        expires_at=from_text(row["expires_at"]),
        customer_code=row["customer_code"],
        bill_ids=bill_ids,
        method=row["method"],
        recipient=COLLECTION_ACCOUNTS[accounts.corporation_of(row["customer_code"]).code],
        created_at=from_text(row["created_at"]),
        paid_at=from_text(row["paid_at"]) if row["paid_at"] else None,
        cancelled_at=from_text(row["cancelled_at"]) if row["cancelled_at"] else None,
    )


def create(
    conn: sqlite3.Connection, key: str, body: schemas.PaymentCreate, now: datetime, ttl: timedelta
) -> tuple[schemas.Payment, bool]:
    """The payment for this key, and whether it was created now (False: an idempotent replay)."""
    expire_stale_payments(conn, now)
    fingerprint = _fingerprint(body)
    existing = conn.execute(
        "SELECT id, fingerprint FROM payments WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if existing is not None:
        if existing["fingerprint"] != fingerprint:
            raise errors.conflict(
                "idempotency_key_reused", "this Idempotency-Key was used for a different payment request"
            )
        return payment(conn, existing["id"]), False

    corp = check_code(body.customer_code)
    customer_row(conn, body.customer_code)
    if len(set(body.bill_ids)) != len(body.bill_ids):
        raise errors.invalid("duplicate_bill", "a bill is listed twice")
    rows = {
        r["id"]: r
        for r in conn.execute(
            "SELECT id, paid_at, total FROM bills WHERE customer_code = ? ORDER BY period_start",
            (body.customer_code,),
        )
    }
    for bill_id in body.bill_ids:
        if bill_id not in rows:
            raise errors.not_found("bill_not_found", f"customer has no bill {bill_id}", bill_id=bill_id)
        if rows[bill_id]["paid_at"] is not None:
            raise errors.conflict("bill_already_paid", f"bill {bill_id} is already paid", bill_id=bill_id)
    unpaid_oldest_first = [bill_id for bill_id, r in rows.items() if r["paid_at"] is None]
    expected = unpaid_oldest_first[: len(body.bill_ids)]
    if set(body.bill_ids) != set(expected):
        oldest = next(b for b in expected if b not in body.bill_ids)
        raise errors.invalid(
            "older_bill_unpaid", "bills must be paid oldest first", oldest_unpaid_bill_id=oldest
        )
    placeholders = ",".join("?" * len(body.bill_ids))
    in_flight = conn.execute(
        f"""SELECT p.id FROM payments p JOIN payment_bills pb ON pb.payment_id = p.id
            WHERE p.status = 'pending' AND pb.bill_id IN ({placeholders}) LIMIT 1""",
        body.bill_ids,
    ).fetchone()
    if in_flight is not None:
        raise errors.conflict(
            "payment_in_progress", "a payment for these bills is already waiting", payment_id=in_flight[0]
        )

    ordered = [b for b in unpaid_oldest_first if b in body.bill_ids]
    amount = sum(rows[b]["total"] for b in ordered)
    reference = _new_reference(conn, body.customer_code)
    recipient = COLLECTION_ACCOUNTS[corp.code]
    qr_payload = encode(
        VietQR(
            bank_bin=recipient.bank_bin,
            account_number=recipient.account_number,
            amount=amount,
            purpose=reference,
            bill_number=None,
            dynamic=True,
        )
    )
    payment_id = "pay_" + secrets.token_hex(8)
    conn.execute(
        """INSERT INTO payments (id, idempotency_key, fingerprint, customer_code, method, amount, reference,
               qr_payload, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)""",
        (
            payment_id, key, fingerprint, body.customer_code, body.method, amount, reference,
            qr_payload, to_text(now), to_text(now + ttl),
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO payment_bills (payment_id, bill_id, position) VALUES (?, ?, ?)",
        [(payment_id, b, i) for i, b in enumerate(ordered)],
    )
    return payment(conn, payment_id), True


def cancel(conn: sqlite3.Connection, payment_id: str, now: datetime) -> schemas.Payment:
    """Cancel a pending payment. Cancelling again, or an expired one, changes nothing.

    Money that still arrives for it is applied if its bills are unpaid (see the module docstring),
    so a kiosk must keep watching a payment it cancelled until the bank's window has passed.
    """
    expire_stale_payments(conn, now)
    current = payment(conn, payment_id)
    if current.status == "paid":
        raise errors.conflict("payment_already_paid", "the money has arrived; it cannot be cancelled")
    if current.status == "pending":
        conn.execute(
            "UPDATE payments SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
            (to_text(now), payment_id),
        )
    return payment(conn, payment_id)


def _record_transfer(
    conn: sqlite3.Connection,
    transfer: schemas.BankTransfer,
    now: datetime,
    reason: str | None,
    payment_id: str | None,
) -> schemas.BankTransferResult:
    outcome = "applied" if reason is None else "refund_due"
    cur = conn.execute(
        """INSERT INTO bank_transfers (reference, amount, received_at, outcome, reason, payment_id)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (transfer.reference, transfer.amount, to_text(now), outcome, reason, payment_id),
    )
    return schemas.BankTransferResult(
        id=cur.lastrowid or 0,
        reference=transfer.reference,
        amount=transfer.amount,
        outcome=outcome,
        reason=reason,
        payment_id=payment_id,
        received_at=now,
    )


def receive_transfer(
    conn: sqlite3.Connection, transfer: schemas.BankTransfer, now: datetime
) -> schemas.BankTransferResult:
    """The bank says money arrived with this reference: apply it once, or record it for refund."""
    expire_stale_payments(conn, now)
    row = conn.execute("SELECT * FROM payments WHERE reference = ?", (transfer.reference,)).fetchone()
    if row is None:
        return _record_transfer(conn, transfer, now, "unknown_reference", None)
    payment_id = row["id"]
    if row["status"] == "paid":
        return _record_transfer(conn, transfer, now, "duplicate", payment_id)
    if transfer.amount != row["amount"]:
        return _record_transfer(conn, transfer, now, "amount_mismatch", payment_id)
    bill_ids = [
        r[0] for r in conn.execute("SELECT bill_id FROM payment_bills WHERE payment_id = ?", (payment_id,))
    ]
    placeholders = ",".join("?" * len(bill_ids))
    already_paid = conn.execute(
        f"SELECT count(*) FROM bills WHERE id IN ({placeholders}) AND paid_at IS NOT NULL",
        bill_ids,
    ).fetchone()[0]
    if already_paid:
        # Paid meanwhile through another channel or another payment: keep none of this money.
        return _record_transfer(conn, transfer, now, "bills_already_paid", payment_id)
    updated = conn.execute(
        f"UPDATE bills SET paid_at = ?, paid_by = ? WHERE id IN ({placeholders}) AND paid_at IS NULL",
        (to_text(now), payment_id, *bill_ids),
    ).rowcount
    # The write lock is held since BEGIN IMMEDIATE, so nothing can have changed since the check.
    assert updated == len(bill_ids), "a bill was paid twice"
    conn.execute("UPDATE payments SET status = 'paid', paid_at = ? WHERE id = ?", (to_text(now), payment_id))
    _cancel_superseded(conn, bill_ids, now)
    return _record_transfer(conn, transfer, now, None, payment_id)


def _cancel_superseded(conn: sqlite3.Connection, bill_ids: list[str], now: datetime) -> None:
    """Live payments for bills that just got paid can no longer collect; stop them being scanned."""
    placeholders = ",".join("?" * len(bill_ids))
    conn.execute(
        f"""UPDATE payments SET status = 'cancelled', cancelled_at = ?
            WHERE status = 'pending' AND id IN (
                SELECT payment_id FROM payment_bills WHERE bill_id IN ({placeholders}))""",
        (to_text(now), *bill_ids),
    )


def pay_elsewhere(conn: sqlite3.Connection, body: schemas.SimCounterPayment, now: datetime) -> None:
    """Simulate the bill being paid through another channel (a counter, another app)."""
    expire_stale_payments(conn, now)
    updated = conn.execute(
        "UPDATE bills SET paid_at = ?, paid_by = ? WHERE id = ? AND paid_at IS NULL",
        (to_text(now), body.channel, body.bill_id),
    ).rowcount
    if updated == 0:
        exists = conn.execute("SELECT 1 FROM bills WHERE id = ?", (body.bill_id,)).fetchone()
        if exists is None:
            raise errors.not_found("bill_not_found", f"no bill {body.bill_id}", bill_id=body.bill_id)
        raise errors.conflict(
            "bill_already_paid", f"bill {body.bill_id} is already paid", bill_id=body.bill_id
        )
    _cancel_superseded(conn, [body.bill_id], now)
