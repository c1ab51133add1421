"""One name for a bill everywhere: the receipt, the notice, the screens and the spoken guidance all name a bill
after the month of its reading date, never the month its period began in (a receipt for "09/2026" over a
screen that said "tháng 10" tells an elderly customer that the wrong month was paid)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.customer.bill_name import bill_name, bill_period, billing_month
from kiosk.guidance import spoken
from kiosk.language.catalogs import Translator
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.receipt import receipt_document
from kiosk.payments.records import Order, OrderBill
from kiosk.printing.document import KeyValue
from tests.flows.test_bill_notice_flow import BILL, notice

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_the_billing_month_is_the_month_of_the_reading() -> None:
    assert billing_month(date(2026, 10, 14)) == date(2026, 10, 1)
    tr = Translator.load(language="vi")
    assert bill_name(tr, date(2026, 10, 14)) == "Hóa đơn tháng 10/2026"
    assert bill_period(tr, date(2026, 9, 14), date(2026, 10, 14)) == "14/09/2026 – 14/10/2026"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_receipt_names_each_bill_as_the_screens_do(tmp_path: Path, language: str) -> None:
    bills = tuple(
        OrderBill(
            f"B{month}", date(2026, month - 1, 20), date(2026, month, 20), 300, 900_000, "1K26TAA", f"{month}"
        )
        for month in (10, 11, 12)
    )
    order = Order("PC05CC0123456", "N** V** A", "EVNCPC", "EVNCPC", "19001909", bills, "vietqr", "VietQR",
                  "VietQR", language)  # fmt: skip
    journal = PaymentJournal(tmp_path / "p.sqlite3", kiosk_id="K-01")
    row = journal.begin(order, "key", NOW)
    journal.created(
        row.id, payment_id="p", reference="R", qr_payload="x", expires_at=NOW, ttl_seconds=60, now=NOW
    )
    journal.status(row.id, "paid", NOW, NOW)
    [payment] = journal.all()
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    document = receipt_document(tr, payment, location="X", kiosk_id="K-01", lookup_url="u/{reference}")
    printed = [
        b.key for b in document.blocks if isinstance(b, KeyValue) and b.value.endswith(("₫", "900,000"))
    ]
    on_screen = [bill_name(tr, b.period_end) for b in bills]
    assert printed == on_screen
    assert on_screen[0] == ("Hóa đơn tháng 10/2026" if language == "vi" else "Bill for Oct 2026")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_notice_and_the_spoken_guidance_name_the_month_of_the_reading(language: str) -> None:
    tr, blocks = notice(language)  # type: ignore[arg-type]
    assert BILL.period_start.month == 9
    assert BILL.period_end.month == 10
    assert bill_name(tr, BILL.period_end) in [getattr(b, "text", None) for b in blocks]
    said = spoken.bill_name(BILL.period_end, tr)
    assert ("mười" in said) if language == "vi" else ("October" in said)
