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

5. The money adds up: every transfer the bank made is recorded once, with its amount and reference; money
   applied is exactly what it paid for (a payment's amount, the sum of its bills; a bill's total); money not
   applied is due for refund for a reason the records bear out (a second transfer, bills paid before it
   came, another amount, a reference that names nothing), so a notice re-sent is never a refund of money
   received once; and the kiosk asked for what the central charged.

``settled=False`` checks only what must hold at every moment (a fault may have left a payment's outcome
unknown for now); ``settled=True`` also what must hold once the kiosk has reconciled with the network working
and nobody at the screen. The checks read SQLite directly, not through the kiosk's classes, so that a bug in
those cannot hide a broken promise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tests.faults.harness.bank import Notice
from tests.faults.invariants.reading import (
    BILL_REFERENCE,
    CentralView,
    KioskRow,
    read_central_payments,
    read_journal,
)
from tests.faults.invariants.violations import InvariantError, Violation

if TYPE_CHECKING:
    from tests.helpers.central import RunningCentral

__all__ = [
    "CentralView",
    "InvariantError",
    "KioskRow",
    "Violation",
    "assert_invariants",
    "bills_paid_once",
    "check",
    "confirmed_have_receipts",
    "money_adds_up",
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


def money_adds_up(
    central: CentralView, kiosk: Sequence[KioskRow], bank: Sequence[Notice] | None = None
) -> list[Violation]:
    """Invariant 5: what the bank sent is what the central recorded, applied or due for refund, and why.

    Without ``bank`` (a test that did not keep the bank's ledger) the records are still checked against
    each other."""
    found: list[str] = []
    for p in central.payments.values():
        billed = sum(central.bills[b].total for b in p.bill_ids if b in central.bills)
        if p.amount != billed or not p.bill_ids:
            found.append(
                f"central payment {p.id} is for {p.amount} đồng, its bills {p.bill_ids} for {billed}"
            )
    for row in kiosk:
        theirs = None if row.payment_id is None else central.payments.get(row.payment_id)
        if theirs is not None and theirs.amount != row.amount:
            found.append(
                f"kiosk payment {row.id} asked for {row.amount} đồng, the central charges {theirs.amount}"
            )
    found.extend(_transfers_justified(central))
    if bank is not None:
        found.extend(_ledger_recorded(central, bank))
    return [Violation(5, m) for m in found]


def _transfers_justified(central: CentralView) -> list[str]:
    """Each recorded transfer against the records as they were when it came (they are kept in order)."""
    found: list[str] = []
    by_reference = {p.reference: p for p in central.payments.values()}
    applied_before: Counter[str] = Counter()  # reference -> applied transfers so far
    for t in central.transfers:
        payment = by_reference.get(t.reference)
        match = BILL_REFERENCE.fullmatch(t.reference)
        bill = None if match is None else central.bills.get(f"{match[1]}-{match[2]}")
        if payment is not None:
            due, bill_ids, payer = payment.amount, payment.bill_ids, payment.id
        elif bill is not None:
            due, bill_ids, payer = bill.total, (bill.id,), t.reference
        else:
            due, bill_ids, payer = None, (), None
        if payment is not None and t.payment_id != payment.id:
            found.append(
                f"transfer {t.id} for {t.reference} recorded against {t.payment_id}, not {payment.id}"
            )
        paid_before = [
            b
            for b in bill_ids
            if central.bills[b].paid_by not in (None, payer)
            and (central.bills[b].paid_at or "") <= t.received_at
        ]
        why = t.reason if t.outcome == "refund_due" else None
        if t.outcome == "applied":
            if due is None:
                found.append(
                    f"transfer {t.id} of {t.amount} đồng applied to {t.reference}, which names nothing"
                )
            elif t.amount != due:
                found.append(f"transfer {t.id} of {t.amount} đồng applied to {t.reference}, due {due}")
            elif applied_before[t.reference]:
                found.append(f"transfer {t.id} applied to {t.reference}, already paid by an earlier transfer")
            elif paid_before:
                found.append(
                    f"transfer {t.id} applied to {t.reference}, whose bills {paid_before} were paid before"
                )
        elif why == "unknown_reference" and due is not None:
            found.append(f"transfer {t.id} refunded as unknown, but {t.reference} is {payer}")
        elif why == "duplicate" and not applied_before[t.reference]:
            found.append(
                f"transfer {t.id} refunded as a duplicate, but {t.reference} had no transfer applied"
            )
        elif why == "amount_mismatch" and (due is None or t.amount == due):
            found.append(
                f"transfer {t.id} refunded as another amount, but {t.amount} đồng is what {t.reference} asked"
            )
        elif why == "bills_already_paid" and not paid_before:
            found.append(f"transfer {t.id} refunded for bills paid before it, but none of {bill_ids} was")
        elif why not in ("unknown_reference", "duplicate", "amount_mismatch", "bills_already_paid"):
            found.append(f"transfer {t.id} is {t.outcome} for no reason the central gives ({why})")
        if t.outcome == "applied":
            applied_before[t.reference] += 1
    return found


def _ledger_recorded(central: CentralView, bank: Sequence[Notice]) -> list[str]:
    """Every transaction the bank had acknowledged is one record with its reference and amount, and every
    record is a transaction the bank made: re-sent notices made no second record."""
    found: list[str] = []
    records: dict[str | None, list[int]] = defaultdict(list)
    for t in central.transfers:
        records[t.transaction_id].append(t.id)
    by_id = {t.id: t for t in central.transfers}
    made = {n.transaction_id: n for n in bank}
    for notice in made.values():
        ids = records.get(notice.transaction_id, [])
        if not ids:
            found.append(
                f"bank transaction {notice.transaction_id} ({notice.amount} đồng for {notice.reference}) "
                "not recorded by the central"
            )
            continue
        t = by_id[ids[0]]
        if (t.reference, t.amount) != (notice.reference, notice.amount):
            found.append(
                f"bank transaction {notice.transaction_id} of {notice.amount} đồng for {notice.reference} "
                f"recorded as {t.amount} đồng for {t.reference}"
            )
    for transaction_id, ids in sorted(records.items(), key=lambda item: item[1]):
        if len(ids) > 1:
            found.append(f"bank transaction {transaction_id} recorded {len(ids)} times (transfers {ids})")
        if transaction_id not in made:
            found.append(f"transfers {ids} record a transaction {transaction_id} the bank never made")
    return found


def check(
    central: CentralView,
    kiosk: Sequence[KioskRow],
    printed: Sequence[str],
    *,
    settled: bool,
    bank: Sequence[Notice] | None = None,
) -> list[Violation]:
    return [
        *bills_paid_once(central, kiosk),
        *payments_known(central, kiosk, settled=settled),
        *receipts_only_for_paid(central, kiosk, printed),
        *confirmed_have_receipts(central, kiosk, printed, settled=settled),
        *money_adds_up(central, kiosk, bank),
    ]


def assert_invariants(
    central_db: RunningCentral | Path,
    journal: Path,
    printed: Sequence[str],
    *,
    settled: bool = True,
    context: str = "",
    bank: Sequence[Notice] | None = None,
) -> None:
    """Raise :class:`InvariantError` listing every broken promise (``context`` says which scenario)."""
    violations = check(
        read_central_payments(central_db), read_journal(journal), printed, settled=settled, bank=bank
    )
    if violations:
        raise InvariantError(violations, context)
