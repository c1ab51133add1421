"""The end-of-day report, built from real journals driven as the payment keeper and the courier drive them:
the day in Vietnam time, money per method, what failed and how, what waits for staff, and the paper in both
languages."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.language.catalogs import Translator
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.records import JournalPayment, Order, OrderBill, PaymentState, ReceiptState
from kiosk.printing.document import Document, KeyValue, Text, Total
from kiosk.printing.journal import JobState, PrintJournal
from kiosk.printing.printer import TextLine
from kiosk.printing.render import render, render_image
from kiosk.requests.outbox import Outbox
from kiosk.requests.records import (
    ASSISTED_BY_STAFF,
    OutboxKind,
    outage_report_payload,
    service_request_payload,
)
from kiosk.staff.day_report import (
    VIETNAM,
    DayReport,
    MethodTotal,
    PaymentFailures,
    day_report,
    day_report_document,
)

DAY = date(2026, 11, 22)
CUSTOMER = "PE01000123456"
NAME = "Nguyễn V** H***"
PHONE = "0912345678"
ID_NUMBER = "001190012345"
METHODS = {
    "vietqr": ("Ứng dụng ngân hàng (VietQR)", "Banking app (VietQR)"),
    "momo": ("Ví MoMo", "MoMo wallet"),
}


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 on a Vietnamese wall clock, as the journals store it (UTC)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=VIETNAM).astimezone(UTC)


def order(method: str, amount: int, *, assisted: bool = False) -> Order:
    return Order(
        customer_code=CUSTOMER,
        customer_name=NAME,
        corporation_vi="Tổng công ty Điện lực TP Hồ Chí Minh",
        corporation_en="Ho Chi Minh City Power Corporation",
        hotline="1900545454",
        bills=(OrderBill(f"{CUSTOMER}-202610", date(2026, 9, 15), date(2026, 10, 14), 335, amount),),
        method=method,
        method_vi=METHODS[method][0],
        method_en=METHODS[method][1],
        language="vi",
        assisted=assisted,
    )


class Payments:
    """Payments taken through the journal's own steps, as the keeper takes them."""

    def __init__(self, journal: PaymentJournal) -> None:
        self.journal = journal
        self._numbers = itertools.count(1)

    def begin(self, method: str, amount: int, at: datetime, *, assisted: bool = False) -> JournalPayment:
        return self.journal.begin(order(method, amount, assisted=assisted), f"key-{next(self._numbers)}", at)

    def pending(self, method: str, amount: int, at: datetime, *, assisted: bool = False) -> JournalPayment:
        row = self.begin(method, amount, at, assisted=assisted)
        return self.journal.created(
            row.id,
            payment_id=f"pay_{row.id}",
            reference=f"TTREF{row.id:04d}",
            qr_payload="000201",
            expires_at=at + timedelta(minutes=15),
            ttl_seconds=900,
            now=at,
        )

    def paid(
        self,
        method: str,
        amount: int,
        paid_at: datetime,
        *,
        asked_at: datetime | None = None,
        receipt: ReceiptState | None = ReceiptState.PRINTED,
        assisted: bool = False,
    ) -> JournalPayment:
        row = self.pending(method, amount, asked_at or paid_at - timedelta(minutes=2), assisted=assisted)
        row = self.journal.status(row.id, "paid", paid_at, paid_at + timedelta(seconds=3))
        if receipt is not None:
            row = self.journal.receipt_done(row.id, receipt, None, paid_at + timedelta(seconds=20))
        return row

    def refused(self, at: datetime) -> JournalPayment:
        row = self.begin("vietqr", 90_000, at)
        return self.journal.refused(row.id, "bill_already_paid", at)

    def closed(self, at: datetime, status: str, *, problem: str | None = None) -> JournalPayment:
        row = self.pending("vietqr", 80_000, at)
        if status == "cancelled":
            self.journal.abandon(row.id, problem, at + timedelta(minutes=1))
        return self.journal.status(row.id, status, None, at + timedelta(minutes=16))


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def payments(tmp_path: Path) -> Iterator[Payments]:
    journal = PaymentJournal(tmp_path / "payments.sqlite3", kiosk_id="K-01")
    yield Payments(journal)
    journal.close()


@pytest.fixture
def outbox_clock() -> Clock:
    return Clock(vn(22, 8))


@pytest.fixture
def outbox(tmp_path: Path, outbox_clock: Clock) -> Iterator[Outbox]:
    box = Outbox(tmp_path / "outbox.sqlite3", clock=outbox_clock)
    yield box
    box.close()


@pytest.fixture
def prints(tmp_path: Path) -> Iterator[PrintJournal]:
    journal = PrintJournal(tmp_path / "print.sqlite3")
    yield journal
    journal.close()


def submit(
    outbox: Outbox, clock: Clock, kind: OutboxKind, at: datetime, outcome: str, *, assisted: bool = False
) -> None:
    clock.now = at
    summary = {"customer_code": CUSTOMER, "language": "vi"}
    if kind is OutboxKind.SERVICE_REQUEST:
        payload = service_request_payload(
            "meter_inspection", CUSTOMER, {"phone": PHONE, "id_number": ID_NUMBER}, "otp_1", "123456"
        )
        summary["service_code"] = "meter_inspection"
    else:
        payload = outage_report_payload(CUSTOMER, "my_house", "Mất điện từ sáng")
        summary["kind"] = "my_house"
    if assisted:
        summary["assisted"] = ASSISTED_BY_STAFF
    item = outbox.add(kind, payload, summary)
    clock.now = at + timedelta(minutes=1)
    if outcome == "delivered":
        outbox.delivered(item.id, f"YC{item.id:06d}", clock.now)
    elif outcome == "refused":
        outbox.refused(item.id, "customer_not_found")
    elif outcome == "retry":
        outbox.retry_later(item.id, "unreachable", clock.now + timedelta(minutes=5))


def print_job(prints: PrintJournal, state: JobState | None) -> None:
    job = prints.add(Document((Text("x"),)), kind="payment_receipt", reference="pay_x")
    attempt = prints.start_attempt(job, reprint=False)
    prints.mark_sent(job, attempt)
    if state is not None:
        prints.finish(job, attempt, state, status="ready", detail="")


@pytest.fixture
def a_day(payments: Payments, outbox: Outbox, outbox_clock: Clock, prints: PrintJournal) -> DayReport:
    """One day at a kiosk, with neighbours on both sides of midnight (Vietnam time)."""
    p = payments
    # Received on the 22nd.
    p.paid("vietqr", 100_000, vn(22, 8))
    p.paid("vietqr", 250_000, vn(22, 23, 30), receipt=ReceiptState.FOR_STAFF, assisted=True)  # 16:30 UTC
    p.paid("momo", 1_239_721, vn(22, 12))
    p.paid("momo", 50_000, vn(22, 0, 5), asked_at=vn(21, 23, 50))  # asked the day before, paid after midnight
    # Not the 22nd, though the UTC date of the first is.
    p.paid("vietqr", 400_000, vn(23, 0, 10), assisted=True)  # 17:10 UTC on the 22nd
    p.paid("vietqr", 300_000, vn(21, 23, 59), receipt=ReceiptState.FOR_STAFF)  # a receipt still waiting
    # Took no money.
    p.refused(vn(22, 9))
    p.closed(vn(22, 10), "expired")
    p.closed(vn(22, 11), "cancelled")
    p.closed(vn(22, 11, 30), "cancelled", problem="qr_refused: the amount differs")
    p.closed(vn(21, 10), "expired")
    late = p.closed(vn(21, 23, 40), "expired")
    # Watched for late money: the keeper asks about it again the next morning (which moves its updated_at).
    p.journal.status(late.id, "expired", None, vn(22, 9))
    p.refused(vn(23, 0, 1))
    # Still open.
    p.pending("vietqr", 120_000, vn(22, 22))
    p.begin("momo", 70_000, vn(20, 9))  # the central never answered whether it made a payment
    p.paid("vietqr", 60_000, vn(21, 17), receipt=None)  # confirmed the day before, its receipt not settled

    box, clock = outbox, outbox_clock
    submit(box, clock, OutboxKind.SERVICE_REQUEST, vn(22, 9), "delivered", assisted=True)
    submit(box, clock, OutboxKind.SERVICE_REQUEST, vn(22, 23, 45), "refused")
    submit(box, clock, OutboxKind.SERVICE_REQUEST, vn(22, 10), "retry")
    submit(box, clock, OutboxKind.SERVICE_REQUEST, vn(23, 0, 30), "delivered")
    submit(box, clock, OutboxKind.SERVICE_REQUEST, vn(21, 15), "delivered")
    submit(box, clock, OutboxKind.OUTAGE_REPORT, vn(22, 14), "delivered", assisted=True)
    submit(box, clock, OutboxKind.OUTAGE_REPORT, vn(22, 15), "queued")
    submit(box, clock, OutboxKind.OUTAGE_REPORT, vn(20, 15), "queued")

    print_job(prints, JobState.FAILED)
    print_job(prints, JobState.CONFIRMED)
    print_job(prints, JobState.UNKNOWN)
    print_job(prints, JobState.CONFIRMED)

    return day_report(
        DAY,
        kiosk_id="K-01",
        payments=payments.journal.all(),
        outbox=outbox.all(),
        prints=prints.pending_for_staff(),
    )


def test_money_received_is_counted_per_method_on_the_vietnamese_day(a_day: DayReport) -> None:
    assert a_day.paid == (
        MethodTotal("momo", "Ví MoMo", "MoMo wallet", 2, 1_289_721),
        MethodTotal("vietqr", "Ứng dụng ngân hàng (VietQR)", "Banking app (VietQR)", 2, 350_000),
    )
    assert a_day.paid_count == 4
    assert a_day.paid_amount == 1_639_721


def test_payments_that_took_no_money_are_counted_by_how_they_ended(a_day: DayReport) -> None:
    assert a_day.failed_payments == PaymentFailures(refused=1, expired=1, cancelled=1, qr_refused=1)
    assert a_day.failed_payments.total == 4


def test_work_left_for_staff_is_listed_whatever_its_day(a_day: DayReport, payments: Payments) -> None:
    by_amount = {p.amount: p for p in payments.journal.all()}
    pending = {line.amount: line for line in a_day.pending_payments}
    assert set(pending) == {120_000, 70_000, 60_000}
    assert pending[120_000].label == by_amount[120_000].reference
    assert pending[70_000].reference is None
    assert pending[70_000].label == f"#{by_amount[70_000].id}"  # all the kiosk knows of it
    assert pending[60_000].state is PaymentState.CONFIRMED
    assert [(line.amount, line.label) for line in a_day.receipts_for_staff] == [
        (250_000, by_amount[250_000].reference),
        (300_000, by_amount[300_000].reference),  # paid on the 21st, still waiting
    ]
    assert a_day.receipts_for_staff[0].at == vn(22, 23, 30)
    assert a_day.requests_waiting == 3  # a service request and two outage reports, one from the 20th
    assert a_day.prints_failed == 2


def test_requests_count_on_the_day_they_were_submitted(a_day: DayReport) -> None:
    assert a_day.requests_sent == 1
    assert a_day.requests_refused == 1  # at 23:45 Vietnam time, 16:45 UTC
    assert a_day.outage_reports == 2


def test_transactions_staff_helped_with_are_counted(a_day: DayReport) -> None:
    # The payment paid at 23:30 on the 22nd, a service request and an outage report; not the assisted
    # payment paid after midnight.
    assert a_day.assisted == 3


def test_an_empty_day(payments: Payments, outbox: Outbox) -> None:
    report = day_report(DAY, kiosk_id="K-01", payments=payments.journal.all(), outbox=outbox.all(), prints=[])
    assert report == DayReport(
        day=DAY,
        kiosk_id="K-01",
        paid=(),
        failed_payments=PaymentFailures(),
        requests_sent=0,
        requests_refused=0,
        outage_reports=0,
        assisted=0,
        pending_payments=(),
        receipts_for_staff=(),
        requests_waiting=0,
        prints_failed=0,
    )
    assert (report.paid_count, report.paid_amount) == (0, 0)


def test_a_print_job_not_left_for_staff_is_not_counted(prints: PrintJournal, payments: Payments) -> None:
    print_job(prints, JobState.CONFIRMED)
    print_job(prints, JobState.FAILED)
    everything = [prints.get(1), prints.get(2)]
    report = day_report(DAY, kiosk_id="K-01", payments=[], outbox=[], prints=everything)
    assert report.prints_failed == 1


# ---------------------------------------------------------------------------------------------- the paper
PRINTED_AT = datetime(2026, 11, 22, 11, 5, tzinfo=UTC)  # 18:05 in Vietnam


def text_lines(document: Document, dots: int) -> list[str]:
    """The report as the printer's own font prints it (text mode), one line per line of paper."""
    job = render(document, dot_width=dots, text_mode=True)
    return [op.text.replace("\xa0", " ") for op in job.ops if isinstance(op, TextLine)]


def money(tr: Translator, amount: int) -> str:
    return unicodedata.normalize("NFC", tr.money(amount)).replace("\xa0", " ")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("dots", [384, 576])
def test_the_report_prints_its_totals_as_money_in_both_languages(
    a_day: DayReport, language: str, dots: int
) -> None:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    document = day_report_document(tr, a_day, location="Điện lực Định Hóa", printed_at=PRINTED_AT)
    lines = text_lines(document, dots)
    paper = "\n".join(lines)
    # The title is printed double size, so on 58 mm it wraps.
    assert unicodedata.normalize("NFC", tr._("day_report.title")) in " ".join(paper.split())
    assert tr.date(DAY) in paper
    assert tr.datetime(datetime(2026, 11, 22, 18, 5)) in paper
    [total] = [line for line in lines if money(tr, 1_639_721) in line]
    assert unicodedata.normalize("NFC", tr._("day_report.total")) in total
    for amount in (1_289_721, 350_000):  # the rows of the method table
        assert [line for line in lines if money(tr, amount) in line]
    momo = "Ví MoMo" if language == "vi" else "MoMo wallet"
    assert any(momo.split()[0] in line and money(tr, 1_289_721) in line for line in lines)
    for line in a_day.receipts_for_staff + a_day.pending_payments:
        assert line.label in paper
        assert money(tr, line.amount) in paper
    for personal in (NAME, PHONE, ID_NUMBER, "Nguyễn"):
        assert personal not in paper
    assert all(len(line) <= dots // 12 for line in lines)  # fits the paper's columns


def test_the_report_in_english_has_no_vietnamese_labels(a_day: DayReport) -> None:
    tr = Translator.load(language="en")
    document = day_report_document(tr, a_day, location="Dinh Hoa", printed_at=PRINTED_AT)
    keys = [b.key for b in document.blocks if isinstance(b, KeyValue)]
    assert "Payments" in keys
    assert "Power cut reports" in keys
    [total] = [b for b in document.blocks if isinstance(b, Total)]
    assert total.value == tr.money(1_639_721) == "₫1,639,721"


def test_the_report_figures_are_the_reports(a_day: DayReport) -> None:
    tr = Translator.load()
    document = day_report_document(tr, a_day, location="X", printed_at=PRINTED_AT)
    values = {b.key: b.value for b in document.blocks if isinstance(b, KeyValue)}
    assert values[tr._("day_report.paid_count")] == "4"
    assert values[tr._("day_report.refused")] == "1"
    assert values[tr._("day_report.qr_refused")] == "1"
    assert values[tr._("day_report.requests_sent")] == "1"
    assert values[tr._("day_report.requests_refused")] == "1"
    assert values[tr._("day_report.outage_reports")] == "2"
    assert values[tr._("day_report.assisted")] == "3"
    assert values[tr._("day_report.pending_payments")] == "3"
    assert values[tr._("day_report.receipts_for_staff")] == "2"
    assert values[tr._("day_report.requests_waiting")] == "3"
    assert values[tr._("day_report.prints_failed")] == "2"


@pytest.mark.parametrize("dots", [384, 576])
def test_the_report_renders_within_the_paper(a_day: DayReport, dots: int) -> None:
    tr = Translator.load()
    image = render_image(
        day_report_document(tr, a_day, location="Điện lực Định Hóa", printed_at=PRINTED_AT), dot_width=dots
    )
    assert image.width == dots
    assert all(image.getpixel((x, y)) for x in (0, dots - 1) for y in range(image.height))


def test_an_empty_report_says_so_and_survives_the_print_journal(payments: Payments) -> None:
    tr = Translator.load()
    report = day_report(DAY, kiosk_id="K-01", payments=[], outbox=[], prints=[])
    document = day_report_document(tr, report, location="X", printed_at=PRINTED_AT)
    assert Text(tr._("day_report.no_payments")) in document.blocks
    assert Document.from_json(document.to_json()) == document


def test_a_naive_printing_time_is_refused() -> None:
    report = day_report(DAY, kiosk_id="K-01", payments=[], outbox=[], prints=[])
    with pytest.raises(ValueError, match="aware"):
        day_report_document(Translator.load(), report, location="X", printed_at=datetime(2026, 11, 22, 18))
