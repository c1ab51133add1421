"""The six printouts, each built from plain data plus the strings it prints.

Callers pass text already translated (the kiosk's gettext catalog lives above this layer) in a ``*Labels``
dataclass, and data in a dataclass. Amounts are whole đồng (``int``) and are formatted here with Babel for
the ``locale`` given (``1.234.567 ₫`` for ``vi_VN``), so that a receipt never shows an amount formatted by
hand; dates and times are ``datetime`` and print as ``dd/mm/yyyy HH:MM``, which reads right in both
languages. Strings in the data (names, addresses, service names) are printed as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from babel.numbers import format_currency, format_decimal

from kiosk.printing.document import (
    Banner,
    Barcode,
    Block,
    Divider,
    Document,
    KeyValue,
    Note,
    QrCode,
    Table,
    Text,
    Title,
    Total,
)

__all__ = [
    "BillLine",
    "BillNotice",
    "BillNoticeLabels",
    "EndOfDayLabels",
    "EndOfDayReport",
    "Header",
    "Outage",
    "OutageSchedule",
    "OutageScheduleLabels",
    "PaymentReceipt",
    "PaymentReceiptLabels",
    "PrintTestLabels",
    "PrintTestPage",
    "RequestSlip",
    "RequestSlipLabels",
    "TariffLine",
    "bill_notice",
    "end_of_day_report",
    "format_vnd",
    "outage_schedule",
    "payment_receipt",
    "print_test_barcode_data",
    "print_test_page",
    "request_slip",
]


def format_vnd(amount: int, locale: str = "vi_VN") -> str:
    return format_currency(amount, "VND", locale=locale)


def _when(moment: datetime | date) -> str:
    return moment.strftime("%d/%m/%Y %H:%M" if isinstance(moment, datetime) else "%d/%m/%Y")


@dataclass(frozen=True)
class Header:
    """Who printed it: the organisation and the kiosk, printed on every document."""

    organisation: str  # e.g. "TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC"
    location: str
    kiosk_id: str


def _header(title: str, header: Header) -> list[Block]:
    return [Title(title, header.organisation), Text(header.location, align="center", size="small")]


# ---------------------------------------------------------------------------------------------- payment receipt
@dataclass(frozen=True)
class BillLine:
    """One paid bill as the receipt names it: as the screens named it, so the customer sees the same months."""

    name: str  # "Hóa đơn tháng 05/2025" (kiosk.customer.bill_name)
    period: str  # "25/04/2025 – 25/05/2025"
    invoice: str  # "HĐ số 0001234, ký hiệu 1K25TPA"; empty when the journal predates it
    kwh: int
    amount: int


@dataclass(frozen=True)
class PaymentReceipt:
    header: Header
    receipt_number: str
    paid_at: datetime
    customer_code: str
    customer_name: str
    bills: Sequence[BillLine]
    total: int
    method: str  # "Chuyển khoản VietQR"
    bank_reference: str  # the payment's reference, in the bank's notice; staff look the payment up by it
    lookup_url: str  # opened from the receipt's QR on the customer's phone: the payment's status


@dataclass(frozen=True)
class PaymentReceiptLabels:
    title: str
    receipt_number: str
    time: str
    kiosk: str
    customer_code: str
    customer_name: str
    bills: str  # the heading over the bills paid
    kwh: str
    total: str
    method: str
    reference: str
    lookup: str  # under the QR: scan to look this payment up
    footer: str  # keep the receipt, the hotline


def payment_receipt(data: PaymentReceipt, labels: PaymentReceiptLabels, *, locale: str = "vi_VN") -> Document:
    bills: list[Block] = [Text(labels.bills, bold=True)]
    for b in data.bills:
        bills += [
            KeyValue(b.name, format_vnd(b.amount, locale), bold=True),
            Text(f"{b.period} · {format_decimal(b.kwh, locale=locale)} {labels.kwh}", size="small"),
        ]
        if b.invoice:
            bills.append(Text(b.invoice, size="small"))
    return Document(
        (
            *_header(labels.title, data.header),
            Divider(),
            KeyValue(labels.receipt_number, data.receipt_number),
            KeyValue(labels.time, _when(data.paid_at)),
            KeyValue(labels.kiosk, data.header.kiosk_id),
            Divider(),
            KeyValue(labels.customer_code, data.customer_code, bold=True),
            KeyValue(labels.customer_name, data.customer_name),
            Divider(),
            *bills,
            Total(labels.total, format_vnd(data.total, locale)),
            KeyValue(labels.method, data.method),
            KeyValue(labels.reference, data.bank_reference, bold=True),
            QrCode(data.lookup_url, labels.lookup),
            Barcode(data.customer_code),
            Note(labels.footer),
        )
    )


# ---------------------------------------------------------------------------------------------- bill notice
@dataclass(frozen=True)
class TariffLine:
    tier: str  # "Bậc 1 (0-50)"
    kwh: int
    price: int  # đồng per kWh, before VAT
    amount: int


@dataclass(frozen=True)
class BillNotice:
    header: Header
    name: str  # "Hóa đơn tháng 05/2025": the name the screens give the bill (kiosk.customer.bill_name)
    invoice: str  # "HĐ số 0001234, ký hiệu 1K25TPA"
    customer_code: str
    customer_name: str
    address: str
    period_from: date
    period_to: date
    meter_serial: str
    index_from: int
    index_to: int
    kwh: int
    tariff: Sequence[TariffLine]
    subtotal: int
    vat_percent: int
    vat: int
    total: int
    due: date
    payment_qr: (
        str  # a VietQR payload from the central system, already checked with kiosk.customer.vietqr.decode
    )


@dataclass(frozen=True)
class BillNoticeLabels:
    title: str
    unpaid_banner: str  # "CHƯA THANH TOÁN"
    customer_code: str
    customer_name: str
    address: str
    period: str
    meter: str
    index: str
    kwh: str
    tier: str
    price: str
    amount: str
    subtotal: str
    vat: str  # "Thuế GTGT"; the rate is appended as " (8%)"
    total: str
    due: str
    scan_to_pay: str
    footer: str


def bill_notice(data: BillNotice, labels: BillNoticeLabels, *, locale: str = "vi_VN") -> Document:
    def number(value: int) -> str:
        return format_decimal(value, locale=locale)

    rows = tuple((t.tier, number(t.kwh), number(t.price), number(t.amount)) for t in data.tariff)
    return Document(
        (
            *_header(labels.title, data.header),
            Banner(labels.unpaid_banner),
            Text(data.name, bold=True, align="center"),
            Text(data.invoice, align="center", size="small"),
            KeyValue(labels.customer_code, data.customer_code, bold=True),
            KeyValue(labels.customer_name, data.customer_name),
            KeyValue(labels.address, data.address),
            KeyValue(labels.period, f"{_when(data.period_from)} – {_when(data.period_to)}"),
            KeyValue(labels.meter, data.meter_serial),
            KeyValue(labels.index, f"{number(data.index_from)} – {number(data.index_to)}"),
            KeyValue(labels.kwh, number(data.kwh), bold=True),
            Table(
                (labels.tier, labels.kwh, labels.price, labels.amount),
                rows,
                ("left", "right", "right", "right"),
                (4, 2, 3, 4),
            ),
            KeyValue(labels.subtotal, format_vnd(data.subtotal, locale)),
            KeyValue(f"{labels.vat} ({data.vat_percent}%)", format_vnd(data.vat, locale)),
            Total(labels.total, format_vnd(data.total, locale)),
            KeyValue(labels.due, _when(data.due), bold=True),
            QrCode(data.payment_qr, labels.scan_to_pay),
            Note(labels.footer),
        )
    )


# ---------------------------------------------------------------------------------------------- request slip
@dataclass(frozen=True)
class RequestSlip:
    header: Header
    service: str
    code: (
        str  # the central's tracking code, or the kiosk's own reference while the request waits on the kiosk
    )
    queued: bool  # True: saved on the kiosk, not yet received by the power company
    tracking_url: str  # what the QR holds: where the customer follows the request
    submitted_at: datetime
    customer_code: str | None  # None for a new customer (a new connection)
    expected: str  # "≤ 5 ngày làm việc"
    documents: Sequence[str]  # the papers to bring or have ready


@dataclass(frozen=True)
class RequestSlipLabels:
    title: str
    service: str
    tracking_code: str
    reference: str  # above the kiosk's own reference
    queued: str  # why there is no tracking code yet, and that it needs nothing from the customer
    submitted_at: str
    customer_code: str
    expected: str
    documents: str
    scan_to_follow: str
    footer: str  # who contacts the customer, the hotline


def request_slip(data: RequestSlip, labels: RequestSlipLabels) -> Document:
    blocks: list[Block] = [
        *_header(labels.title, data.header),
        Divider(),
        KeyValue(labels.service, data.service, bold=True),
        KeyValue(labels.submitted_at, _when(data.submitted_at)),
    ]
    if data.customer_code is not None:
        blocks.append(KeyValue(labels.customer_code, data.customer_code))
    blocks += [
        KeyValue(labels.expected, data.expected),
        Text(labels.reference if data.queued else labels.tracking_code, align="center"),
        Text(data.code, bold=True, align="center", size="large"),
    ]
    if data.queued:
        blocks.append(Note(labels.queued))
    blocks.append(QrCode(data.tracking_url, labels.scan_to_follow))
    if data.documents:
        blocks += [Divider(), Text(labels.documents, bold=True)]
        blocks += [Text(f"{number}. {paper}") for number, paper in enumerate(data.documents, start=1)]
    blocks.append(Note(labels.footer))
    return Document(tuple(blocks))


# ---------------------------------------------------------------------------------------------- outage schedule
@dataclass(frozen=True)
class Outage:
    start: datetime
    end: datetime
    area: str
    reason: str


@dataclass(frozen=True)
class OutageSchedule:
    header: Header
    printed_at: datetime
    area: str
    outages: Sequence[Outage]


@dataclass(frozen=True)
class OutageScheduleLabels:
    title: str
    area: str
    printed_at: str
    time: str
    affected: str
    reason: str
    none: str  # "Không có lịch ngừng, giảm cung cấp điện"
    footer: str  # emergency hotline


def _until(start: datetime, end: datetime) -> str:
    """The end of an outage: its time alone on the same day, its date too when it runs past midnight."""
    return end.strftime("%H:%M") if end.date() == start.date() else _when(end)


def outage_schedule(data: OutageSchedule, labels: OutageScheduleLabels) -> Document:
    blocks: list[Block] = [
        *_header(labels.title, data.header),
        KeyValue(labels.area, data.area, bold=True),
        KeyValue(labels.printed_at, _when(data.printed_at)),
    ]
    if not data.outages:
        blocks.append(Text(labels.none, align="center", bold=True))
    for outage in data.outages:
        blocks += [
            Divider(),
            KeyValue(labels.time, f"{_when(outage.start)} – {_until(outage.start, outage.end)}", bold=True),
            KeyValue(labels.affected, outage.area),
            KeyValue(labels.reason, outage.reason),
        ]
    blocks.append(Note(labels.footer))
    return Document(tuple(blocks))


# ---------------------------------------------------------------------------------------------- end of day
@dataclass(frozen=True)
class EndOfDayReport:
    header: Header
    day: date
    printed_at: datetime
    staff: str
    payments: int
    collected: int
    by_method: Sequence[tuple[str, int, int]]  # (method, count, amount)
    requests: int
    outage_reports: int
    receipts_to_reprint: int


@dataclass(frozen=True)
class EndOfDayLabels:
    title: str
    day: str
    printed_at: str
    staff: str
    payments: str
    method: str
    count: str
    amount: str
    collected: str
    requests: str
    outage_reports: str
    receipts_to_reprint: str
    signature: str


def end_of_day_report(data: EndOfDayReport, labels: EndOfDayLabels, *, locale: str = "vi_VN") -> Document:
    rows = tuple((m, str(n), format_vnd(a, locale)) for m, n, a in data.by_method)
    return Document(
        (
            *_header(labels.title, data.header),
            KeyValue(labels.day, _when(data.day), bold=True),
            KeyValue(labels.printed_at, _when(data.printed_at)),
            KeyValue(labels.staff, data.staff),
            Divider(),
            KeyValue(labels.payments, str(data.payments)),
            Table((labels.method, labels.count, labels.amount), rows, ("left", "right", "right"), (4, 1, 3)),
            Total(labels.collected, format_vnd(data.collected, locale)),
            KeyValue(labels.requests, str(data.requests)),
            KeyValue(labels.outage_reports, str(data.outage_reports)),
            KeyValue(
                labels.receipts_to_reprint, str(data.receipts_to_reprint), bold=data.receipts_to_reprint > 0
            ),
            Text(f"\n{labels.signature}\n\n\n", align="center"),
        )
    )


# ---------------------------------------------------------------------------------------------- test page
PANGRAM = (
    "Trăm năm trong cõi người ta, chữ tài chữ mệnh khéo là ghét nhau. "
    "Trải qua một cuộc bể dâu, những điều trông thấy mà đau đớn lòng."
)
TONE_TABLE = (
    "a à á ả ã ạ  ă ằ ắ ẳ ẵ ặ  â ầ ấ ẩ ẫ ậ\n"
    "e è é ẻ ẽ ẹ  ê ề ế ể ễ ệ  i ì í ỉ ĩ ị\n"
    "o ò ó ỏ õ ọ  ô ồ ố ổ ỗ ộ  ơ ờ ớ ở ỡ ợ\n"
    "u ù ú ủ ũ ụ  ư ừ ứ ử ữ ự  y ỳ ý ỷ ỹ ỵ\n"
    "Ă Ằ Ắ Ẳ Ẵ Ặ  Â Ầ Ấ Ẩ Ẫ Ậ  Ê Ề Ế Ể Ễ Ệ\n"
    "Ô Ồ Ố Ổ Ỗ Ộ  Ơ Ờ Ớ Ở Ỡ Ợ  Ư Ừ Ứ Ử Ữ Ự\n"
    "Đ đ  ₫  0123456789"
)
"""Every vowel with each of the five tone marks, in both cases: stacked marks on capitals (Ễ, Ặ) are where
printers' own fonts fail."""


def print_test_barcode_data(printed_at: datetime) -> str:
    return printed_at.strftime("%Y%m%d%H%M")


@dataclass(frozen=True)
class PrintTestPage:
    header: Header
    printed_at: datetime
    printer: str  # the URI's description
    width_mm: int
    dot_width: int
    status: str  # the status line read before printing
    qr_payload: str


@dataclass(frozen=True)
class PrintTestLabels:
    title: str
    kiosk: str
    printed_at: str
    printer: str
    paper: str
    status: str
    qr_caption: str


def print_test_page(data: PrintTestPage, labels: PrintTestLabels) -> Document:
    return Document(
        (
            *_header(labels.title, data.header),
            Divider(),
            Text(PANGRAM),
            Text(TONE_TABLE, size="small"),
            Divider(),
            KeyValue(labels.kiosk, data.header.kiosk_id, bold=True),
            KeyValue(labels.printed_at, _when(data.printed_at)),
            KeyValue(labels.printer, data.printer),
            KeyValue(labels.paper, f"{data.width_mm} mm / {data.dot_width} dots"),
            KeyValue(labels.status, data.status),
            QrCode(data.qr_payload, labels.qr_caption),
            # Digits, not the kiosk id: Code 128 packs digits two to a symbol, so this fits 58 mm paper
            # whatever the id's length.
            Barcode(print_test_barcode_data(data.printed_at)),
        )
    )
