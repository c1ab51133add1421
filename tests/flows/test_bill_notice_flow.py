"""The paper bill notice (kiosk.flows.bill_notice): what it prints for a bill in each language, and every way
the central's payment QR is refused before it can reach paper."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.central.models import (
    Bill,
    BillPaymentQr,
    Corporation,
    Customer,
    DistrictUnit,
    Label,
    Meter,
    Recipient,
    TierLine,
)
from kiosk.customer.vietqr import VietQR, encode
from kiosk.flows.bill_notice import NoticeRefusedError, bill_notice_document, check_bill_qr
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.payments.qr_check import QrRefusedError
from kiosk.printing.document import Banner, KeyValue, Note, QrCode, Table, Text, Title, Total

CODE = "PE01000123456"
BANK_BIN = "970436"
ACCOUNT = "0071000123456"
REFERENCE = "EVN B202610"
HOTLINE = "1900545454"
SUBTOTAL, VAT, TOTAL = 475_400, 38_032, 513_432

CUSTOMER = Customer(
    code=CODE,
    name="Trịnh T** X***",
    address="27 Ngõ H**, Hà Nội",
    phone=None,
    corporation=Corporation(
        code="EVNHCMC",
        name=Label(vi="Tổng công ty Điện lực Thành phố Hồ Chí Minh", en="Ho Chi Minh City Power Corporation"),
        hotline=HOTLINE,
    ),
    district_unit=DistrictUnit(code="PE0100", name=Label(vi="Điện lực Sài Gòn", en="Sai Gon Power Company")),
    tariff_type="residential",
    households=1,
    meter=Meter(serial="PE123456", multiplier=1, remote_read=False),
)


def tier(n: int, kwh: int, price: int) -> TierLine:
    return TierLine(
        tier=n,
        kwh=kwh,
        unit_price=price,
        amount=kwh * price,
        limit_kwh=50,
        segment_start=date(2026, 9, 10),
        segment_end=date(2026, 10, 10),
    )


BILL = Bill(
    id="B202610",
    customer_code=CODE,
    period_start=date(2026, 9, 10),  # the previous reading date, as EVN prints the period
    period_end=date(2026, 10, 10),
    days=30,
    meter_serial="PE123456",
    opening_index=10_000,
    closing_index=10_215,
    multiplier=1,
    kwh=215,
    households=1,
    tiers=[tier(1, 50, 1_984), tier(2, 50, 2_050), tier(3, 115, 2_380)],
    segments=[],
    subtotal=SUBTOTAL,
    vat_rate=0.08,
    vat_lines=[],
    vat_amount=VAT,
    total=TOTAL,
    due_date=date(2026, 10, 25),
    invoice_serial="1K26TAA",
    invoice_number="00000010",
    status="unpaid",
    paid_at=None,
    pending_payment_id=None,
)


def payload(
    *,
    amount: int | None = TOTAL,
    bank_bin: str = BANK_BIN,
    account: str = ACCOUNT,
    purpose: str = REFERENCE,
    dynamic: bool = True,
) -> str:
    return encode(VietQR(bank_bin, account, amount, purpose, None, dynamic))


def bill_qr(qr_payload: str | None = None, *, bill_id: str = BILL.id, amount: int = TOTAL) -> BillPaymentQr:
    return BillPaymentQr(
        bill_id=bill_id,
        customer_code=CODE,
        amount=amount,
        reference=REFERENCE,
        qr_payload=payload() if qr_payload is None else qr_payload,
        recipient=Recipient(bank_bin=BANK_BIN, account_number=ACCOUNT, account_name="TCT DIEN LUC TP HCM"),
    )


def notice(language: Language, qr: BillPaymentQr | None = None) -> tuple[Translator, tuple[object, ...]]:
    tr = Translator.load(language=language)
    document = bill_notice_document(
        tr, CUSTOMER, BILL, qr or bill_qr(), location="Quận 1, TP. Hồ Chí Minh", kiosk_id="HCM-01"
    )
    return tr, document.blocks


# ---------------------------------------------------------------------------------------------- printed
def test_the_english_notice_prints_the_whole_bill_in_order() -> None:
    tr, blocks = notice("en")
    assert blocks == (
        Title(tr._("notice.title"), "HO CHI MINH CITY POWER CORPORATION"),
        Text("Quận 1, TP. Hồ Chí Minh", align="center", size="small"),
        Banner(tr._("notice.unpaid")),
        Text("Bill for Oct 2026", bold=True, align="center"),  # the name the screens give it
        Text(f"Invoice {BILL.invoice_number}, series {BILL.invoice_serial}", align="center", size="small"),
        KeyValue(tr._("notice.customer_code"), CODE, bold=True),
        KeyValue(tr._("notice.customer_name"), "Trịnh T** X***"),
        KeyValue(tr._("notice.address"), "27 Ngõ H**, Hà Nội"),
        KeyValue(tr._("notice.period"), "10/09/2026 – 10/10/2026"),
        KeyValue(tr._("notice.meter"), "PE123456"),
        KeyValue(tr._("notice.index"), "10,000 – 10,215"),
        KeyValue(tr._("notice.kwh"), "215", bold=True),
        Table(
            (tr._("notice.tier"), tr._("notice.kwh"), tr._("notice.price"), tr._("notice.amount")),
            (
                (tr._("bill.tier", tier=1), "50", "1,984", "99,200"),
                (tr._("bill.tier", tier=2), "50", "2,050", "102,500"),
                (tr._("bill.tier", tier=3), "115", "2,380", "273,700"),
            ),
            ("left", "right", "right", "right"),
            (4, 2, 3, 4),
        ),
        KeyValue(tr._("notice.subtotal"), "₫475,400"),
        KeyValue(f"{tr._('notice.vat')} (8%)", "₫38,032"),
        Total(tr._("notice.total"), "₫513,432"),
        KeyValue(tr._("notice.due"), "25/10/2026", bold=True),
        QrCode(payload(), tr._("notice.scan_to_pay")),
        Note(tr._("notice.footer", hotline=HOTLINE)),
    )
    assert HOTLINE in tr._("notice.footer", hotline=HOTLINE)


def test_the_vietnamese_notice_has_the_vietnamese_corporation_and_vietnamese_numbers() -> None:
    tr, blocks = notice("vi")
    assert blocks[0] == Title(tr._("notice.title"), "TỔNG CÔNG TY ĐIỆN LỰC THÀNH PHỐ HỒ CHÍ MINH")
    assert KeyValue(tr._("notice.index"), "10.000 – 10.215") in blocks
    assert Total(tr._("notice.total"), "513.432\xa0₫") in blocks
    [table] = [b for b in blocks if isinstance(b, Table)]
    assert table.rows[2] == (tr._("bill.tier", tier=3), "115", "2.380", "273.700")
    assert tr._("bill.tier", tier=3) != "Tier 3"  # the tier names are translated, not the English ones
    assert Note(tr._("notice.footer", hotline=HOTLINE)) in blocks


def test_the_qr_on_paper_is_the_centrals_payload_exactly() -> None:
    qr = bill_qr()
    _, blocks = notice("vi", qr)
    [printed] = [b for b in blocks if isinstance(b, QrCode)]
    assert printed.payload == qr.qr_payload


@pytest.mark.parametrize(("rate", "percent"), [(0.08, "8%"), (0.1, "10%")])
def test_the_vat_line_names_the_rate_in_whole_percent(rate: float, percent: str) -> None:
    bill = BILL.model_copy(update={"vat_rate": rate})
    tr = Translator.load(language="en")
    document = bill_notice_document(tr, CUSTOMER, bill, bill_qr(), location="Q1", kiosk_id="HCM-01")
    assert KeyValue(f"{tr._('notice.vat')} ({percent})", "₫38,032") in document.blocks


def test_a_qr_for_this_bill_and_amount_passes_the_check() -> None:
    check_bill_qr(BILL, bill_qr())  # raises if refused


# ---------------------------------------------------------------------------------------------- refused
def _with_crc_broken(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


REFUSED = {
    "another bill": bill_qr(bill_id="B202609"),
    "another amount than the bill": bill_qr(amount=TOTAL - 1),
    "a payload for another amount": bill_qr(payload(amount=TOTAL + 1_000)),
    "a payload to another account": bill_qr(payload(account="0071000999999")),
    "a payload to another bank": bill_qr(payload(bank_bin="970415")),
    "a payload with another reference": bill_qr(payload(purpose="EVN B202609")),
    "a static payload": bill_qr(payload(dynamic=False)),
    "a static payload without an amount": bill_qr(payload(amount=None, dynamic=False)),
    "a payload with a broken checksum": bill_qr(_with_crc_broken(payload())),
    "garbage": bill_qr("https://example.com/pay?amount=513432"),
    "an empty payload": bill_qr(""),
}


@pytest.mark.parametrize("qr", REFUSED.values(), ids=REFUSED.keys())
def test_a_qr_that_fails_a_check_is_refused_and_nothing_is_printed(qr: BillPaymentQr) -> None:
    tr = Translator.load(language="vi")
    with pytest.raises(NoticeRefusedError) as refused:
        bill_notice_document(tr, CUSTOMER, BILL, qr, location="Q1", kiosk_id="HCM-01")
    # The shell logs the reason; the account number in the payload stays out of the log.
    assert ACCOUNT not in str(refused.value)
    assert not qr.qr_payload or qr.qr_payload not in str(refused.value)
    with pytest.raises(NoticeRefusedError):
        check_bill_qr(BILL, qr)


def test_a_refusal_is_a_qr_refusal_without_the_decoders_traceback() -> None:
    with pytest.raises(QrRefusedError) as refused:
        check_bill_qr(BILL, REFUSED["garbage"])
    assert isinstance(refused.value, NoticeRefusedError)
    assert str(refused.value).startswith("bill notice: ")
    assert refused.value.__suppress_context__


def test_a_qr_the_central_addresses_to_another_recipient_than_it_encodes_is_refused() -> None:
    # The recipient the central names and the one in the payload must agree: either may be the wrong one.
    qr = bill_qr()
    elsewhere = qr.recipient.model_copy(update={"account_number": "0071000999999"})
    with pytest.raises(NoticeRefusedError):
        check_bill_qr(BILL, qr.model_copy(update={"recipient": elsewhere}))


def test_the_notice_is_checked_against_the_bill_it_prints() -> None:
    # The same QR is good for one bill and refused for a copy of it with another total.
    qr = bill_qr()
    check_bill_qr(BILL, qr)
    with pytest.raises(NoticeRefusedError):
        check_bill_qr(BILL.model_copy(update={"total": TOTAL + 1}), qr)
