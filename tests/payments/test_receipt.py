"""The receipt: what it prints, in both languages, and that a receipt asked for twice is printed once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image

from kiosk.customer.bill_name import bill_name, bill_period
from kiosk.demo.simulator import DemoClient
from kiosk.devices.paperless_printers import PreviewPrinter
from kiosk.language.catalogs import Translator
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.receipt import RECEIPT_KIND, receipt_document
from kiosk.payments.records import Order, OrderBill
from kiosk.printing.document import Barcode, KeyValue, QrCode, Text, Title, Total
from kiosk.printing.journal import PrintJournal
from kiosk.printing.service import PrintService
from tests.helpers.central import RunningCentral

ORDER = Order(
    customer_code="PE01000123456",
    customer_name="Nguyễn V** H***",
    corporation_vi="Tổng công ty Điện lực TP Hồ Chí Minh",
    corporation_en="Ho Chi Minh City Power Corporation",
    hotline="1900545454",
    bills=(
        OrderBill(
            "PE01000123456-202609", date(2026, 8, 15), date(2026, 9, 14), 412, 1_239_721, "1K26TPE", "0000412"
        ),
        OrderBill(
            "PE01000123456-202610", date(2026, 9, 15), date(2026, 10, 14), 335, 970_823, "1K26TPE", "0000413"
        ),
    ),
    method="momo",
    method_vi="Ví MoMo",
    method_en="MoMo wallet",
    language="vi",
)


def confirmed(tmp_path: Path) -> PaymentJournal:
    journal = PaymentJournal(tmp_path / "p.sqlite3", kiosk_id="K-01")
    row = journal.begin(ORDER, "key-1", datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    journal.created(
        row.id,
        payment_id="pay_1",
        reference="TTPE01000123456ABCDEF",
        qr_payload="x",
        expires_at=datetime(2026, 11, 23, 3, 15, tzinfo=UTC),
        ttl_seconds=900,
        now=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
    )
    journal.status(
        row.id, "paid", datetime(2026, 11, 23, 3, 4, tzinfo=UTC), datetime(2026, 11, 23, 3, 4, tzinfo=UTC)
    )
    return journal


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_receipt_says_who_what_how_much_and_how_to_look_it_up(tmp_path: Path, language: str) -> None:
    journal = confirmed(tmp_path)
    [payment] = journal.all()
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    document = receipt_document(
        tr,
        payment,
        location="Điện lực Quận 1",
        kiosk_id="K-01",
        lookup_url="https://c.example/receipts/{reference}",
    )
    blocks = document.blocks
    title = next(b for b in blocks if isinstance(b, Title))
    assert title.subtitle == (ORDER.corporation_vi if language == "vi" else ORDER.corporation_en).upper()
    values = {b.key: b.value for b in blocks if isinstance(b, KeyValue)}
    assert values[tr._("receipt.number")] == payment.receipt_number == "K-01-261123-000001"
    assert values[tr._("receipt.time")] == "23/11/2026 10:04"  # Vietnam time
    assert values[tr._("receipt.customer_code")] == ORDER.customer_code
    assert values[tr._("receipt.customer_name")] == "Nguyễn V** H***"
    assert values[tr._("receipt.method")] == (ORDER.method_vi if language == "vi" else ORDER.method_en)
    assert values[tr._("receipt.reference")] == "TTPE01000123456ABCDEF"
    # Each bill by the name the screens give it (the month of its reading date, not of its period's start),
    # with its period, kWh and e-invoice.
    names = [
        b.key for b in blocks if isinstance(b, KeyValue) and b.key.startswith(tr._("bill.name", month=""))
    ]
    assert names == [bill_name(tr, date(2026, 9, 14)), bill_name(tr, date(2026, 10, 14))]
    assert names[0] == ("Hóa đơn tháng 09/2026" if language == "vi" else "Bill for Sept 2026")
    lines = [b.text for b in blocks if isinstance(b, Text) and b.size == "small"][1:]  # after the location
    assert lines[0] == f"{bill_period(tr, date(2026, 8, 15), date(2026, 9, 14))} · 412 kWh"
    assert lines[1] == (
        "HĐ số 0000412, ký hiệu 1K26TPE" if language == "vi" else "Invoice 0000412, series 1K26TPE"
    )
    assert lines[2] == f"{bill_period(tr, date(2026, 9, 15), date(2026, 10, 14))} · 335 kWh"
    [total] = [b for b in blocks if isinstance(b, Total)]
    assert total.value.replace("\xa0", " ") == tr.money(2_210_544).replace("\xa0", " ")
    [qr] = [b for b in blocks if isinstance(b, QrCode)]
    assert qr.payload == "https://c.example/receipts/TTPE01000123456ABCDEF"
    assert any(isinstance(b, Barcode) and b.data == ORDER.customer_code for b in blocks)
    assert any("1900545454" in str(getattr(b, "text", "")) for b in blocks)


@pytest.mark.asyncio
async def test_a_receipt_asked_for_twice_is_printed_once_and_its_qr_scans(tmp_path: Path) -> None:
    journal = confirmed(tmp_path)
    [payment] = journal.all()
    printer = PreviewPrinter(tmp_path / "paper")
    service = PrintService(printer, PrintJournal(tmp_path / "print.sqlite3"))
    document = receipt_document(
        Translator.load(),
        payment,
        location="X",
        kiosk_id="K-01",
        lookup_url="https://c.example/r/{reference}",
    )
    first = await service.print_unique(document, kind=RECEIPT_KIND, reference="pay_1")
    again = await service.print_unique(document, kind=RECEIPT_KIND, reference="pay_1")
    assert first.printed
    assert again.printed
    assert first.job_id == again.job_id
    assert len(printer.saved) == 1
    texts = [r.text for r in zxingcpp.read_barcodes(Image.open(printer.saved[0]))]
    assert "https://c.example/r/TTPE01000123456ABCDEF" in texts


def test_a_journal_written_before_receipts_named_invoices_still_prints_its_receipt() -> None:
    old = json.loads(ORDER.to_json())
    for bill in old["bills"]:
        del bill["invoice_serial"], bill["invoice_number"]
    order = Order.from_json(json.dumps(old))
    assert [b.invoice_number for b in order.bills] == ["", ""]
    assert order.bills[0].period_end == date(2026, 9, 14)


def test_money_in_words_as_a_person_says_it() -> None:
    tr = Translator.load()
    assert tr.money_words(2_210_544) == "Hai triệu hai trăm mười nghìn năm trăm bốn mươi bốn đồng"
    tr.set_language("en")
    assert tr.money_words(105_000) == "One hundred and five thousand dong"


@pytest.mark.asyncio
async def test_the_central_shows_a_receipt_page_to_the_phone_without_a_token(
    central: RunningCentral,
) -> None:
    async with DemoClient(central.url, central.token) as client:
        bills = (await client.bills("PE01000123456")).bills
        payment = await client.create_payment("PE01000123456", [bills[0].id], "vietqr", "key-receipt-page")
        await client.sim_bank_transfer(payment.reference, payment.amount)
    async with httpx.AsyncClient() as phone:
        page = await phone.get(f"{central.url}/receipts/{payment.reference}")
        missing = await phone.get(f"{central.url}/receipts/TTNOSUCHREFERENCE")
    assert page.status_code == 200
    assert "Đã thanh toán" in page.text
    assert bills[0].id in page.text
    assert missing.status_code == 404
