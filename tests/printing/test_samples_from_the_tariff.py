"""The sample printouts (docs/printing.md's previews, `kiosk print-test`) show bills a real customer could get:
their amounts are recomputed here with the central's billing engine (EVN's method, tests/central checks it
against a second implementation), so a reader comparing a sample with a paper bill finds nothing off."""

from __future__ import annotations

import re
from datetime import date

from kiosk.customer import vietqr
from kiosk.printing.document import KeyValue, QrCode, Table, Text, Total
from kiosk.printing.samples import sample_documents
from kiosk_central.billing import compute_bill

_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


def _amount(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _dates(text: str) -> list[date]:
    return [date(int(y), int(m), int(d)) for d, m, y in _DATE.findall(text)]


def test_the_sample_receipt_bills_are_priced_by_the_tariff() -> None:
    blocks = sample_documents()["payment_receipt"].blocks
    names = [b for b in blocks if isinstance(b, KeyValue) and b.key.startswith("Hóa đơn tháng")]
    details = [b.text for b in blocks if isinstance(b, Text) and " kWh" in b.text]
    assert len(names) == len(details) == 2
    for name, detail in zip(names, details, strict=True):
        start, end = _dates(detail)
        kwh = int(re.search(r"· (\d+) kWh", detail).group(1))  # type: ignore[union-attr]
        bill = compute_bill(start, end, kwh, households=1)
        assert _amount(name.value) == bill.total
        assert name.key == f"Hóa đơn tháng {end:%m/%Y}"  # named after the reading's month
    [total] = [b for b in blocks if isinstance(b, Total)]
    assert _amount(total.value) == sum(_amount(n.value) for n in names)


def test_the_sample_notice_is_priced_by_the_tariff() -> None:
    blocks = sample_documents()["bill_notice"].blocks
    values = {b.key: b.value for b in blocks if isinstance(b, KeyValue)}
    start, end = _dates(values["Kỳ hóa đơn"])
    kwh = _amount(values["kWh"])
    bill = compute_bill(start, end, kwh, households=1)
    [table] = [b for b in blocks if isinstance(b, Table)]
    assert [_amount(row[-1]) for row in table.rows] == [line.amount for line in bill.tiers]
    [total] = [b for b in blocks if isinstance(b, Total)]
    assert _amount(total.value) == bill.total
    [qr] = [b for b in blocks if isinstance(b, QrCode)]
    assert vietqr.decode(qr.payload).amount == bill.total
