"""Payments: issuing VietQR payment requests and applying the bank's notices, collecting each bill once.

Money comes with one of two kinds of reference: a payment's (``TT…``, a QR shown at a kiosk for a few
minutes) or a bill's own (``HD…``, the QR printed on the bill notice and paid from home whenever the
customer likes). Both are applied through :func:`_collect`, so a bill is marked paid once whichever
code the money came by.

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
- A bill's own QR is the same on every request, never expires and does not mark the bill pending.
  Its money is treated as a payment's: applied if the amount is the bill's total and the bill is
  unpaid (which also cancels a kiosk payment waiting for it, whose money then becomes a refund);
  otherwise ``refund_due``. It pays only its bill, so it is not held to oldest first: refusing the
  money of a customer who paid a newer bill's notice would only add a refund.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
from datetime import datetime, timedelta

from kiosk.customer.vietqr import VietQR, encode
from kiosk_central import accounts, errors, schemas
from kiosk_central.clock import from_text, to_text
from kiosk_central.db import Connection
from kiosk_central.ledger import check_code, customer_row, payment_status

# Demo collection accounts of the five corporations (real bank BINs, made-up account numbers).
COLLECTION_ACCOUNTS: dict[str, schemas.Recipient] = {
    "EVNNPC": schemas.Recipient(bank_bin="970405", account_number="1500201088888", account_name="EVNNPC"),
    "EVNCPC": schemas.Recipient(bank_bin="970415", account_number="102010000011111", account_name="EVNCPC"),
    "EVNSPC": schemas.Recipient(bank_bin="970418", account_number="31410000222222", account_name="EVNSPC"),
    "EVNHANOI": schemas.Recipient(bank_bin="970436", account_number="0011000333333", account_name="EVNHANOI"),
    "EVNHCMC": schemas.Recipient(bank_bin="970407", account_number="19020000444444", account_name="EVNHCMC"),
}

PAYMENT_METHODS: tuple[schemas.PaymentMethodInfo, ...] = (
    schemas.PaymentMethodInfo(
        method="vietqr",
        label=schemas.Label(vi="Chuyển khoản VietQR", en="VietQR transfer"),
        payload_kind="vietqr",
    ),
)
"""What ``GET /v1/payment-methods`` lists: the one kind of code this central makes, a NAPAS VietQR, which any
banking app and the big wallets (MoMo, ZaloPay, ShopeePay...) scan. No wallet is named as a method: a wallet's
own QR (MoMo's, VNPAY-QR...) is another format, which this central does not issue."""

# Letters and digits that cannot be mistaken for each other when read off a bank statement.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# "HD" (hóa đơn, bill) + the bill id without its dash: 21 characters, within tag 62/08's 25. The bill id
# fixes it, so every print of a bill's notice carries the same code; payment references start "TT", so
# the bank's notice says which kind of QR the money came by. Bill ids are `{customer code}-{YYYYMM}`.
_BILL_REFERENCE = re.compile(r"HD(P[A-Z][0-9A-Z]{4}[0-9]{7})([0-9]{6})")


def bill_reference(bill_id: str) -> str:
    """The reference of a bill's own QR: ``PE01000123456-202506`` → ``HDPE01000123456202506``."""
    reference = "HD" + bill_id.replace("-", "")
    if _bill_id_of(reference) != bill_id:
        # Not reachable with the ids this server makes; a bug, so it fails loudly rather than issue a
        # code whose money could not be matched to the bill.
        raise ValueError(f"bill id {bill_id!r} is not {{customer code}}-{{YYYYMM}}")
    return reference


def _bill_id_of(reference: str) -> str | None:
    """The bill a bill reference names (it may not exist), or None for any other reference."""
    match = _BILL_REFERENCE.fullmatch(reference)
    return None if match is None else f"{match[1]}-{match[2]}"


def _qr_payload(recipient: schemas.Recipient, amount: int, reference: str) -> str:
    # Dynamic ("12"): the code is for one transfer of this amount, whether shown once or printed.
    return encode(
        VietQR(
            bank_bin=recipient.bank_bin,
            account_number=recipient.account_number,
            amount=amount,
            purpose=reference,
            bill_number=None,
            dynamic=True,
        )
    )


def _fingerprint(body: schemas.PaymentCreate) -> str:
    canonical = {
        "customer_code": body.customer_code,
        "bill_ids": sorted(body.bill_ids),
        "method": body.method,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _new_reference(conn: Connection, customer_code: str) -> str:
    # "TT" (thanh toán) + customer code + 6 random characters: 21 characters, within tag 62/08's 25,
    # letters and digits only because some banking apps drop spaces and punctuation from the memo.
    while True:
        ref = "TT" + customer_code + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if conn.execute("SELECT 1 FROM payments WHERE reference = ?", (ref,)).fetchone() is None:
            return ref


def payment(conn: Connection, payment_id: str, now: datetime) -> schemas.Payment:
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
        status=payment_status(row["status"], row["expires_at"], now),
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
    conn: Connection,
    key: str,
    body: schemas.PaymentCreate,
    now: datetime,
    ttl: timedelta,
    *,
    kiosk_id: str | None = None,
) -> tuple[schemas.Payment, bool]:
    """The payment for this key, and whether it was created now (False: an idempotent replay). ``kiosk_id``
    is the kiosk whose token asked, kept so that it can list its payments' changes."""
    fingerprint = _fingerprint(body)
    existing = conn.execute(
        "SELECT id, fingerprint FROM payments WHERE idempotency_key = ?", (key,)
    ).fetchone()
    if existing is not None:
        if existing["fingerprint"] != fingerprint:
            raise errors.conflict(
                "idempotency_key_reused", "this Idempotency-Key was used for a different payment request"
            )
        return payment(conn, existing["id"], now), False

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
            WHERE p.status = 'pending' AND p.expires_at > ? AND pb.bill_id IN ({placeholders}) LIMIT 1""",
        (to_text(now), *body.bill_ids),
    ).fetchone()
    if in_flight is not None:
        raise errors.conflict(
            "payment_in_progress", "a payment for these bills is already waiting", payment_id=in_flight[0]
        )

    ordered = [b for b in unpaid_oldest_first if b in body.bill_ids]
    amount = sum(rows[b]["total"] for b in ordered)
    reference = _new_reference(conn, body.customer_code)
    qr_payload = _qr_payload(COLLECTION_ACCOUNTS[corp.code], amount, reference)
    payment_id = "pay_" + secrets.token_hex(8)
    conn.execute(
        """INSERT INTO payments (id, idempotency_key, fingerprint, customer_code, method, amount, reference,
               qr_payload, status, created_at, expires_at, kiosk_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)""",
        (
            payment_id, key, fingerprint, body.customer_code, body.method, amount, reference,
            qr_payload, to_text(now), to_text(now + ttl), kiosk_id,
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO payment_bills (payment_id, bill_id, position) VALUES (?, ?, ?)",
        [(payment_id, b, i) for i, b in enumerate(ordered)],
    )
    return payment(conn, payment_id, now), True


def bill_payment_qr(conn: Connection, bill_id: str) -> schemas.BillPaymentQr:
    """The VietQR printed on a bill's notice, for the bill's total, paid later from any banking app.

    Reading it changes nothing: the bill is not marked pending and the code does not expire, so a
    reprint carries the same code. Its money is applied by :func:`receive_transfer`.
    """
    row = conn.execute("SELECT customer_code, total, paid_at FROM bills WHERE id = ?", (bill_id,)).fetchone()
    if row is None:
        raise errors.not_found("bill_not_found", f"no bill {bill_id}", bill_id=bill_id)
    if row["paid_at"] is not None:
        raise errors.conflict("bill_already_paid", f"bill {bill_id} is already paid", bill_id=bill_id)
    if row["total"] == 0:
        # A VietQR amount must be at least 1 đồng; a bill for nothing has nothing to scan.
        raise errors.conflict("nothing_to_pay", f"bill {bill_id} is for 0 đồng", bill_id=bill_id)
    reference = bill_reference(bill_id)
    recipient = COLLECTION_ACCOUNTS[accounts.corporation_of(row["customer_code"]).code]
    return schemas.BillPaymentQr(
        bill_id=bill_id,
        customer_code=row["customer_code"],
        amount=row["total"],
        reference=reference,
        qr_payload=_qr_payload(recipient, row["total"], reference),
        recipient=recipient,
    )


def cancel(conn: Connection, payment_id: str, now: datetime) -> schemas.Payment:
    """Cancel a pending payment. Cancelling again, or an expired one, changes nothing.

    Money that still arrives for it is applied if its bills are unpaid (see the module docstring),
    so a kiosk must keep watching a payment it cancelled until the bank's window has passed.
    """
    current = payment(conn, payment_id, now)
    if current.status == "paid":
        raise errors.conflict("payment_already_paid", "the money has arrived; it cannot be cancelled")
    if current.status == "pending":
        conn.execute(
            "UPDATE payments SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
            (to_text(now), payment_id),
        )
        conn.payment_changed(payment_id)
    return payment(conn, payment_id, now)


def _record_transfer(
    conn: Connection,
    transfer: schemas.BankTransfer,
    now: datetime,
    reason: str | None,
    payment_id: str | None,
) -> schemas.BankTransferResult:
    outcome = "applied" if reason is None else "refund_due"
    transfer_id = conn.execute(
        """INSERT INTO bank_transfers (reference, amount, received_at, outcome, reason, payment_id,
               transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (transfer.reference, transfer.amount, to_text(now), outcome, reason, payment_id,
         transfer.transaction_id),
    ).fetchone()[0]  # fmt: skip
    return schemas.BankTransferResult(
        id=transfer_id,
        transaction_id=transfer.transaction_id,
        reference=transfer.reference,
        amount=transfer.amount,
        outcome=outcome,
        reason=reason,
        payment_id=payment_id,
        received_at=now,
    )


def _recorded_transfer(conn: Connection, transfer: schemas.BankTransfer) -> schemas.BankTransferResult | None:
    """What the first notice of this transaction was answered, if the central has it already.

    A bank sends its notice again when the central's acknowledgement was lost: recording it again would
    make a phantom ``refund_due`` (a refund of money received once). The same transaction id with another
    reference or amount is not a replay but a bank's mistake, refused for a person to look at."""
    row = conn.execute(
        "SELECT * FROM bank_transfers WHERE transaction_id = ?", (transfer.transaction_id,)
    ).fetchone()
    if row is None:
        return None
    if (row["reference"], row["amount"]) != (transfer.reference, transfer.amount):
        raise errors.conflict(
            "transaction_id_reused",
            "this bank transaction id was already received with another reference or amount",
            transaction_id=transfer.transaction_id,
        )
    return schemas.BankTransferResult(
        id=row["id"],
        transaction_id=row["transaction_id"],
        reference=row["reference"],
        amount=row["amount"],
        outcome=row["outcome"],
        reason=row["reason"],
        payment_id=row["payment_id"],
        received_at=from_text(row["received_at"]),
    )


def receive_transfer(
    conn: Connection, transfer: schemas.BankTransfer, now: datetime
) -> schemas.BankTransferResult:
    """The bank says money arrived with this reference: apply it once, or record it for refund. A notice
    of a transaction already received is answered as the first time, and changes nothing."""
    replayed = _recorded_transfer(conn, transfer)
    if replayed is not None:
        return replayed
    bill_id = _bill_id_of(transfer.reference)
    if bill_id is not None:
        return _receive_for_bill(conn, transfer, bill_id, now)
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
    if not _collect(conn, bill_ids, payment_id, now):
        # Paid meanwhile through another channel, another payment or the bill's own QR: keep none of it.
        return _record_transfer(conn, transfer, now, "bills_already_paid", payment_id)
    conn.execute("UPDATE payments SET status = 'paid', paid_at = ? WHERE id = ?", (to_text(now), payment_id))
    conn.payment_changed(payment_id)
    return _record_transfer(conn, transfer, now, None, payment_id)


def _receive_for_bill(
    conn: Connection, transfer: schemas.BankTransfer, bill_id: str, now: datetime
) -> schemas.BankTransferResult:
    """Money that came by a bill's own QR: judged as a payment's, with the bill's reference as payer."""
    row = conn.execute("SELECT total, paid_by FROM bills WHERE id = ?", (bill_id,)).fetchone()
    if row is None:
        return _record_transfer(conn, transfer, now, "unknown_reference", None)
    if row["paid_by"] == transfer.reference:
        return _record_transfer(conn, transfer, now, "duplicate", None)
    if transfer.amount != row["total"]:
        return _record_transfer(conn, transfer, now, "amount_mismatch", None)
    if not _collect(conn, [bill_id], transfer.reference, now):
        return _record_transfer(conn, transfer, now, "bills_already_paid", None)
    return _record_transfer(conn, transfer, now, None, None)


def _collect(conn: Connection, bill_ids: list[str], paid_by: str, now: datetime) -> bool:
    """Mark all these bills paid by ``paid_by`` (a payment id or a bill reference), or none of them.

    False, changing nothing, when any is paid already. Otherwise other live payments for the bills are
    cancelled: they can no longer collect, so they must stop being scanned.
    """
    placeholders = ",".join("?" * len(bill_ids))
    already_paid = conn.execute(
        f"SELECT count(*) FROM bills WHERE id IN ({placeholders}) AND paid_at IS NOT NULL",
        bill_ids,
    ).fetchone()[0]
    if already_paid:
        return False
    updated = conn.execute(
        f"UPDATE bills SET paid_at = ?, paid_by = ? WHERE id IN ({placeholders}) AND paid_at IS NULL",
        (to_text(now), paid_by, *bill_ids),
    ).rowcount
    # The transaction is serialised (SQLite's write lock, PostgreSQL's SERIALIZABLE), so nothing can have
    # changed since the check: a concurrent payer of the same bill is made to run again after this one.
    assert updated == len(bill_ids), "a bill was paid twice"
    _cancel_superseded(conn, bill_ids, now, paid_by)
    return True


def _cancel_superseded(
    conn: Connection, bill_ids: list[str], now: datetime, paid_by: str | None = None
) -> None:
    """Live payments for bills that just got paid can no longer collect; stop them being scanned.

    ``paid_by``, the payment that paid them, is left for its caller to mark paid. One that has expired stays
    expired: it stopped being scanned when it did.
    """
    placeholders = ",".join("?" * len(bill_ids))
    cancelled = conn.execute(
        f"""UPDATE payments SET status = 'cancelled', cancelled_at = ?
            WHERE status = 'pending' AND expires_at > ? AND id IS DISTINCT FROM ? AND id IN (
                SELECT payment_id FROM payment_bills WHERE bill_id IN ({placeholders}))
            RETURNING id""",
        (to_text(now), to_text(now), paid_by, *bill_ids),
    ).fetchall()
    for row in cancelled:
        conn.payment_changed(row[0])


def pay_elsewhere(conn: Connection, body: schemas.SimCounterPayment, now: datetime) -> None:
    """Simulate the bill being paid through another channel (a counter, another app)."""
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


_STATUS_WORDS = {
    "paid": ("Đã thanh toán", "Paid"),
    "pending": ("Đang chờ tiền về", "Waiting for the money"),
    "expired": ("Mã QR đã hết hạn, chưa nhận được tiền", "The QR expired; no money received"),
    "cancelled": ("Đã huỷ, chưa nhận được tiền", "Cancelled; no money received"),
}


def receipt_page(reference: str, found: schemas.Payment | None) -> str:
    """A small bilingual page for a phone: the payment's status, amount and bills, nothing personal."""
    if found is None:
        body = "<p>Không tìm thấy giao dịch này. / No payment with this reference.</p>"
    else:
        vi, en = _STATUS_WORDS[found.status]
        paid = f"<p>{found.paid_at:%d/%m/%Y %H:%M} UTC</p>" if found.paid_at else ""
        bills = "".join(f"<li>{html.escape(b)}</li>" for b in found.bill_ids)
        body = (
            f"<p><strong>{html.escape(vi)}</strong><br>{html.escape(en)}</p>{paid}"
            f"<p>{found.amount:,} ₫</p><ul>{bills}</ul>"
        )
    return (
        '<!doctype html><html lang="vi"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(reference)}</title><h1>{html.escape(reference)}</h1>{body}</html>"
    )
