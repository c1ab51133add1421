"""The end-of-day report staff print before closing: what the kiosk collected, what did not go through, and
what is still waiting for them.

Built from the three journals alone (payments, the request outbox, the print journal), so it says what the
kiosk knows, not what a screen happened to show. It holds two kinds of figures:

- **The day's figures**, for the day in Vietnam time (the kiosk stores UTC; a payment confirmed at 23:30 in
  Hà Nội on the 22nd is 16:30 UTC, and belongs to the 22nd): payments received per method, payments that did
  not go through, requests and outage reports, transactions staff helped with.
- **Work left for staff, as at printing time**, whatever day it comes from: payments whose outcome is not
  known yet, receipts not printed for their customer, submissions still in the outbox, failed print jobs.
  Reprinting yesterday's report therefore shows today's list; the day's figures stay the same.

No personal data: no names, phone or ID numbers, addresses. A payment is named by its bank reference (what
staff search the central and the bank statement by) and its amount; a central may build references from the
customer code (the reference central does), which the receipt prints anyway. Requests are only counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.payments.records import JournalPayment, PaymentState, ReceiptState
from kiosk.printing.document import Block, Divider, Document, KeyValue, Table, Text, Title, Total
from kiosk.printing.records import JobState, JournalEntry
from kiosk.requests.records import ASSISTED_BY_STAFF, Delivery, OutboxItem, OutboxKind

__all__ = [
    "DAY_REPORT_KIND",
    "VIETNAM",
    "DayReport",
    "MethodTotal",
    "PaymentFailures",
    "PaymentLine",
    "day_report",
    "day_report_document",
]

DAY_REPORT_KIND: Final = "end_of_day_report"
"""The print journal's kind for the report (what the reprint list shows it as)."""
# The keeper abandons a payment whose QR failed the kiosk's check with this problem prefix (keeper.py).
_QR_REFUSED_PREFIX: Final = "qr_refused"
_FOR_STAFF_PRINTS: Final = frozenset({JobState.FAILED, JobState.UNKNOWN})


@dataclass(frozen=True)
class MethodTotal:
    """Payments received by one method; the names are the central's, as the receipt printed them."""

    method: str
    method_vi: str
    method_en: str
    count: int
    amount: int  # đồng


@dataclass(frozen=True)
class PaymentLine:
    """One payment staff must act on or watch, named by what is on paper and on the bank's side."""

    journal_id: int
    reference: str | None  # the bank reference; None while the central has not said it made the payment
    receipt_number: str | None
    amount: int  # đồng
    state: PaymentState
    at: datetime  # aware UTC: when it was paid (a receipt), else when the customer asked for it

    @property
    def label(self) -> str:
        """What the report prints for it: the reference, else the kiosk's own numbers."""
        return self.reference or self.receipt_number or f"#{self.journal_id}"


@dataclass(frozen=True)
class PaymentFailures:
    """Payments of the day that took no money, by how they ended.

    ``refused``: the central made no payment (bills already paid elsewhere, an older bill unpaid...).
    ``expired``: the QR ran out of time with no money. ``cancelled``: the customer left or cancelled, or the
    central cancelled it. ``qr_refused``: the kiosk refused to show the central's QR because it did not match
    the payment; not a customer's doing, so a technician should hear of it.
    """

    refused: int = 0
    expired: int = 0
    cancelled: int = 0
    qr_refused: int = 0

    @property
    def total(self) -> int:
        return self.refused + self.expired + self.cancelled + self.qr_refused


@dataclass(frozen=True)
class DayReport:
    """The day's figures and the work left for staff (see the module's docstring for which is which)."""

    day: date
    kiosk_id: str
    paid: tuple[MethodTotal, ...]  # by method code
    failed_payments: PaymentFailures
    requests_sent: int
    requests_refused: int
    outage_reports: int
    assisted: int
    # Work left for staff, as at printing time.
    pending_payments: tuple[PaymentLine, ...]
    receipts_for_staff: tuple[PaymentLine, ...]
    requests_waiting: int
    prints_failed: int

    @property
    def paid_count(self) -> int:
        return sum(m.count for m in self.paid)

    @property
    def paid_amount(self) -> int:
        return sum(m.amount for m in self.paid)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def _line(payment: JournalPayment, at: datetime) -> PaymentLine:
    return PaymentLine(
        payment.id, payment.reference, payment.receipt_number, payment.amount, payment.state, at
    )


def _paid(payments: Sequence[JournalPayment], day: date) -> tuple[MethodTotal, ...]:
    totals: dict[str, MethodTotal] = {}
    for p in payments:
        if p.state is not PaymentState.CONFIRMED or p.paid_at is None or _local_day(p.paid_at) != day:
            continue
        order = p.order
        before = totals.get(order.method) or MethodTotal(order.method, order.method_vi, order.method_en, 0, 0)
        totals[order.method] = MethodTotal(
            before.method, before.method_vi, before.method_en, before.count + 1, before.amount + p.amount
        )
    return tuple(totals[method] for method in sorted(totals))


def _failures(payments: Sequence[JournalPayment], day: date) -> PaymentFailures:
    refused = expired = cancelled = qr_refused = 0
    for p in payments:
        if p.state not in (PaymentState.REFUSED, PaymentState.CLOSED) or _local_day(p.created_at) != day:
            continue
        if p.state is PaymentState.REFUSED:
            refused += 1
        elif (p.problem or "").startswith(_QR_REFUSED_PREFIX):
            qr_refused += 1
        elif p.central_status == "expired":
            expired += 1
        else:
            cancelled += 1
    return PaymentFailures(refused, expired, cancelled, qr_refused)


def day_report(
    day: date,
    *,
    kiosk_id: str,
    payments: Sequence[JournalPayment],
    outbox: Sequence[OutboxItem],
    prints: Sequence[JournalEntry],
) -> DayReport:
    """The report for ``day`` (a date in Vietnam) from the journals as they are now.

    ``payments``: ``PaymentJournal.all()``. ``outbox``: ``Outbox.all()``. ``prints``: the print jobs left for
    staff, ``PrintJournal.pending_for_staff()`` (any list of jobs will do: those not failed or unknown are not
    counted).

    Which day a payment belongs to:

    - received (confirmed): the day its money arrived (``paid_at``, the time its receipt prints), so a
      payment started before midnight and paid after counts the next day, and a late payment confirmed
      days after its customer left counts on the day the money came;
    - not completed (refused, closed): the day the customer asked for it (``created_at``). The journal keeps
      no time for the end itself (``updated_at`` moves each time the keeper asks about a closed payment
      that is still watched for late money), and a QR lives only minutes;
    - a closed payment that late money later confirms is counted once, as received.

    Service requests and outage reports count on the day the customer submitted them (the date on their
    slip), whatever day they reached the central: the outbox keeps no time for a refusal, so that is the one
    day every state shares. ``requests_sent`` are those the central took, ``requests_refused`` those it
    refused (staff call the customer back); ``outage_reports`` counts every report, sent or not.

    ``assisted`` counts payments received that day and submissions made that day while staff were helping
    the customer (assisted mode).

    The work left for staff: ``pending_payments`` are payments that may still take money or whose receipt
    is not settled (in flight, or confirmed while the kiosk stopped before printing; closed payments watched
    for late money are not listed: nothing is on its way that anyone knows of). ``receipts_for_staff``:
    confirmed payments whose receipt was not printed for the customer. ``requests_waiting``: service
    requests and outage reports still queued in the outbox (its depth, as on the status line).
    ``prints_failed``: print jobs failed or of unknown fate; a receipt for staff may be among them too, once
    as a payment and once as a print job.
    """
    in_day = [item for item in outbox if _local_day(item.created_at) == day]
    requests = [item for item in in_day if item.kind is OutboxKind.SERVICE_REQUEST]
    assisted = sum(
        1
        for p in payments
        if p.order.assisted
        and p.state is PaymentState.CONFIRMED
        and p.paid_at is not None
        and _local_day(p.paid_at) == day
    ) + sum(1 for item in in_day if item.summary.get("assisted") == ASSISTED_BY_STAFF)
    return DayReport(
        day=day,
        kiosk_id=kiosk_id,
        paid=_paid(payments, day),
        failed_payments=_failures(payments, day),
        requests_sent=sum(1 for item in requests if item.state is Delivery.DELIVERED),
        requests_refused=sum(1 for item in requests if item.state is Delivery.REFUSED),
        outage_reports=sum(1 for item in in_day if item.kind is OutboxKind.OUTAGE_REPORT),
        assisted=assisted,
        pending_payments=tuple(_line(p, p.created_at) for p in payments if p.open),
        receipts_for_staff=tuple(
            _line(p, p.paid_at)
            for p in payments
            if p.state is PaymentState.CONFIRMED and p.receipt is ReceiptState.FOR_STAFF and p.paid_at
        ),
        requests_waiting=sum(1 for item in outbox if item.state is Delivery.QUEUED),
        prints_failed=sum(1 for job in prints if job.state in _FOR_STAFF_PRINTS),
    )


def day_report_document(
    tr: Translator, report: DayReport, *, location: str, printed_at: datetime
) -> Document:
    """The report as printed, in ``tr``'s language, for a 58 or 80 mm printer. ``printed_at`` is aware."""
    if printed_at.tzinfo is None:
        raise ValueError("printed_at must be aware")
    vietnamese = tr.language == "vi"

    def count(value: int) -> str:
        return tr.number(value)

    rows = tuple(
        (m.method_vi if vietnamese else m.method_en, count(m.count), tr.money(m.amount)) for m in report.paid
    )
    failed = report.failed_payments
    blocks: list[Block] = [
        Title(tr._("day_report.title"), location),
        KeyValue(tr._("day_report.day"), tr.date(report.day), bold=True),
        KeyValue(tr._("day_report.kiosk"), report.kiosk_id),
        KeyValue(tr._("day_report.printed_at"), tr.datetime(printed_at.astimezone(VIETNAM))),
        Divider(),
        Text(tr._("day_report.payments"), bold=True),
    ]
    if rows:
        blocks.append(
            Table(
                (tr._("day_report.method"), tr._("day_report.count"), tr._("day_report.amount")),
                rows,
                ("left", "right", "right"),
                (4, 2, 4),
            )
        )
    else:
        blocks.append(Text(tr._("day_report.no_payments")))
    blocks += [
        KeyValue(tr._("day_report.paid_count"), count(report.paid_count)),
        Total(tr._("day_report.total"), tr.money(report.paid_amount)),
        Text(tr._("day_report.not_completed"), bold=True),
        KeyValue(tr._("day_report.refused"), count(failed.refused)),
        KeyValue(tr._("day_report.expired"), count(failed.expired)),
        KeyValue(tr._("day_report.cancelled"), count(failed.cancelled)),
        KeyValue(tr._("day_report.qr_refused"), count(failed.qr_refused), bold=failed.qr_refused > 0),
        Divider(),
        Text(tr._("day_report.requests"), bold=True),
        KeyValue(tr._("day_report.requests_sent"), count(report.requests_sent)),
        KeyValue(
            tr._("day_report.requests_refused"),
            count(report.requests_refused),
            bold=report.requests_refused > 0,
        ),
        KeyValue(tr._("day_report.outage_reports"), count(report.outage_reports)),
        KeyValue(tr._("day_report.assisted"), count(report.assisted)),
        Divider(),
        Text(tr._("day_report.for_staff"), bold=True),
        KeyValue(
            tr._("day_report.pending_payments"),
            count(len(report.pending_payments)),
            bold=bool(report.pending_payments),
        ),
        *(KeyValue(line.label, tr.money(line.amount)) for line in report.pending_payments),
        KeyValue(
            tr._("day_report.receipts_for_staff"),
            count(len(report.receipts_for_staff)),
            bold=bool(report.receipts_for_staff),
        ),
        *(KeyValue(line.label, tr.money(line.amount)) for line in report.receipts_for_staff),
        KeyValue(
            tr._("day_report.requests_waiting"),
            count(report.requests_waiting),
            bold=report.requests_waiting > 0,
        ),
        KeyValue(
            tr._("day_report.prints_failed"), count(report.prints_failed), bold=report.prints_failed > 0
        ),
        Divider(),
        # Blank lines to sign on, as the paper end-of-day form has.
        Text("\n" + tr._("day_report.signature") + "\n\n\n", align="center"),
    ]
    return Document(tuple(blocks))
