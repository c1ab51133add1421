"""The four promises of the kiosk's payments, checked from the two places that hold the truth: the central's
SQLite database and the kiosk's payment journal (plus the receipts the kiosk's desk recorded as printed).

1. No bill is collected twice: at most one applied bank transfer per bill, no two confirmed kiosk payments
   for one bill, and the bills of a kiosk-confirmed payment are marked paid by that payment on the central.
2. No payment the central has is unknown to the kiosk: every central payment's idempotency key is in the
   journal with the same payment id, and after a reconcile (faults off) the statuses agree and nothing is left
   ``creating`` or ``pending``.
3. No receipt for an unconfirmed payment: every receipt number, printed or in the journal, is for a payment the
   central says is paid (and no receipt was printed twice).
4. No confirmed payment without a receipt record: a confirmed payment has a receipt number, its receipt is
   ``printed`` (and was) or ``for_staff`` after a reconcile, and every payment the central has paid is
   confirmed on the kiosk.

``settled=False`` checks only what must hold at every moment (a fault may have left a payment's outcome
unknown for now); ``settled=True`` also what must hold once the kiosk has reconciled with the network working
and nobody at the screen. The checks read SQLite directly, not through the kiosk's classes, so that a bug in
those cannot hide a broken promise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.faults.invariants.reading import (
    BILL_REFERENCE,
    CentralView,
    KioskRow,
    read_central_payments,
    read_journal,
)
from tests.faults.invariants.violations import InvariantError, Violation

__all__ = [
    "CentralView",
    "InvariantError",
    "KioskRow",
    "Violation",
    "assert_invariants",
    "bills_paid_once",
    "check",
    "confirmed_have_receipts",
    "payments_known",
    "read_central_payments",
    "read_journal",
    "receipts_only_for_paid",
]


# ---------------------------------------------------------------------------------------------- the four


def bills_paid_once(central: CentralView, kiosk: Sequence[KioskRow]) -> list[Violation]:
    """Invariant 1: no bill is collected twice."""
    found: list[str] = []
    applied_per_bill: Counter[str] = Counter()
    applied_per_payment: Counter[str] = Counter()
    for t in central.transfers:
        if t.outcome != "applied":
            continue
        if t.payment_id is not None:
            applied_per_payment[t.payment_id] += 1
            payment = central.payments.get(t.payment_id)
            if payment is None:
                found.append(f"transfer {t.id} applied to a payment {t.payment_id} the central does not have")
                continue
            for bill_id in payment.bill_ids:
                applied_per_bill[bill_id] += 1
                bill = central.bills.get(bill_id)
                paid_by = None if bill is None else bill.paid_by
                if paid_by != t.payment_id:
                    found.append(
                        f"transfer {t.id} applied for bill {bill_id} of {t.payment_id}, paid by {paid_by}"
                    )
        elif (match := BILL_REFERENCE.fullmatch(t.reference)) is not None:
            applied_per_bill[f"{match[1]}-{match[2]}"] += 1
    for bill_id, count in sorted(applied_per_bill.items()):
        if count > 1:
            found.append(f"bill {bill_id}: {count} bank transfers applied")
    for payment in central.payments.values():
        applied = applied_per_payment[payment.id]
        if (payment.status == "paid") != (applied == 1):
            found.append(f"central payment {payment.id} is {payment.status} with {applied} transfers applied")
    for bill in central.bills.values():
        if bill.paid_by in central.payments and central.payments[bill.paid_by].status != "paid":
            found.append(
                f"bill {bill.id} is paid by {bill.paid_by}, which is {central.payments[bill.paid_by].status}"
            )
        if bill.paid_at is None and applied_per_bill[bill.id]:
            found.append(f"bill {bill.id} has money applied but is unpaid")
    confirmed_for: dict[str, list[int]] = defaultdict(list)
    for row in kiosk:
        if row.state != "confirmed":
            continue
        for bill_id in row.bill_ids:
            confirmed_for[bill_id].append(row.id)
            bill = central.bills.get(bill_id)
            if bill is None or bill.paid_by is None or bill.paid_by != row.payment_id:
                paid_by = None if bill is None else bill.paid_by
                found.append(f"kiosk payment {row.id} confirmed, but bill {bill_id} is paid by {paid_by}")
    for bill_id, rows in sorted(confirmed_for.items()):
        if len(rows) > 1:
            found.append(f"bill {bill_id}: confirmed by kiosk payments {rows}")
    return [Violation(1, m) for m in found]


def payments_known(central: CentralView, kiosk: Sequence[KioskRow], *, settled: bool) -> list[Violation]:
    """Invariant 2: the kiosk knows every payment the central has, and after a reconcile agrees with it."""
    found: list[str] = []
    rows_by_key = {row.idempotency_key: row for row in kiosk}
    for p in central.payments.values():
        row = rows_by_key.get(p.idempotency_key)
        if row is None:
            found.append(
                f"central payment {p.id} ({p.status}) under key {p.idempotency_key} unknown to the kiosk"
            )
            continue
        if row.payment_id != p.id and (settled or row.payment_id is not None):
            found.append(
                f"kiosk payment {row.id} has payment id {row.payment_id}, the central {p.id} for its key"
            )
        if not settled:
            continue
        if p.status == "pending":
            found.append(
                f"central payment {p.id} still pending after the kiosk reconciled (kiosk: {row.state})"
            )
        elif p.status == "paid" and row.state != "confirmed":
            found.append(f"central payment {p.id} is paid, kiosk payment {row.id} is {row.state}")
        elif p.status in ("expired", "cancelled") and row.state != "closed":
            found.append(f"central payment {p.id} is {p.status}, kiosk payment {row.id} is {row.state}")
    by_key = central.by_key()
    for row in kiosk:
        made = by_key.get(row.idempotency_key)
        if row.payment_id is not None:
            theirs = central.payments.get(row.payment_id)
            if theirs is None:
                found.append(
                    f"kiosk payment {row.id} has payment id {row.payment_id}, which the central lacks"
                )
            elif theirs.idempotency_key != row.idempotency_key:
                found.append(f"kiosk payment {row.id}'s payment {row.payment_id} is under another key")
        if row.state == "refused" and made is not None:
            found.append(f"kiosk payment {row.id} refused, but the central made {made.id} under its key")
        if row.state == "confirmed" and (made is None or made.status != "paid"):
            found.append(
                f"kiosk payment {row.id} confirmed, central says {None if made is None else made.status}"
            )
        if settled and row.state in ("creating", "pending"):
            found.append(f"kiosk payment {row.id} still {row.state} after a reconcile")
        if (
            settled
            and row.state == "closed"
            and (made is None or made.status not in ("expired", "cancelled"))
        ):
            found.append(
                f"kiosk payment {row.id} closed, central says {None if made is None else made.status}"
            )
    return [Violation(2, m) for m in found]


def receipts_only_for_paid(
    central: CentralView, kiosk: Sequence[KioskRow], printed: Iterable[str]
) -> list[Violation]:
    """Invariant 3: every receipt, on paper or numbered in the journal, is for a payment the central has paid."""
    found: list[str] = []
    by_number = {row.receipt_number: row for row in kiosk if row.receipt_number is not None}
    for number, count in sorted(Counter(printed).items()):
        if count > 1:
            found.append(f"receipt {number} printed {count} times")
        numbered = by_number.get(number)
        if numbered is None:
            found.append(f"receipt {number} printed for no payment in the journal")
            continue
        status = _status(central, numbered.payment_id)
        if status != "paid":
            found.append(
                f"receipt {number} printed for kiosk payment {numbered.id}, which the central has as {status}"
            )
    for number, row in by_number.items():
        status = _status(central, row.payment_id)
        if status != "paid" or row.state != "confirmed":
            found.append(
                f"receipt {number} numbered for kiosk payment {row.id} ({row.state}; central: {status})"
            )
    return [Violation(3, m) for m in found]


def _status(central: CentralView, payment_id: str | None) -> str | None:
    payment = None if payment_id is None else central.payments.get(payment_id)
    return None if payment is None else payment.status


def confirmed_have_receipts(
    central: CentralView, kiosk: Sequence[KioskRow], printed: Iterable[str], *, settled: bool
) -> list[Violation]:
    """Invariant 4: every confirmed payment has its receipt record, and every paid one is confirmed."""
    found: list[str] = []
    paper = set(printed)
    for row in kiosk:
        if row.state != "confirmed":
            continue
        if row.receipt_number is None or row.receipt is None:
            found.append(f"kiosk payment {row.id} confirmed without a receipt record")
        elif row.receipt == "printed" and row.receipt_number not in paper:
            found.append(
                f"kiosk payment {row.id}'s receipt {row.receipt_number} marked printed, never printed"
            )
        elif settled and row.receipt not in ("printed", "for_staff"):
            found.append(
                f"kiosk payment {row.id}'s receipt {row.receipt_number} still {row.receipt} after a reconcile"
            )
    if settled:
        rows_by_key = {row.idempotency_key: row for row in kiosk}
        for p in central.payments.values():
            mine = rows_by_key.get(p.idempotency_key)
            if p.status == "paid" and (
                mine is None or mine.state != "confirmed" or mine.receipt_number is None
            ):
                found.append(f"central payment {p.id} paid without a confirmed kiosk payment with a receipt")
    return [Violation(4, m) for m in found]


def check(
    central: CentralView, kiosk: Sequence[KioskRow], printed: Sequence[str], *, settled: bool
) -> list[Violation]:
    return [
        *bills_paid_once(central, kiosk),
        *payments_known(central, kiosk, settled=settled),
        *receipts_only_for_paid(central, kiosk, printed),
        *confirmed_have_receipts(central, kiosk, printed, settled=settled),
    ]


def assert_invariants(
    central_db: Path, journal: Path, printed: Sequence[str], *, settled: bool = True, context: str = ""
) -> None:
    """Raise :class:`InvariantError` listing every broken promise (``context`` says which scenario)."""
    violations = check(read_central_payments(central_db), read_journal(journal), printed, settled=settled)
    if violations:
        raise InvariantError(violations, context)
