"""The three journals as the storage tests use them: opened on a real file, given rows, their rows counted.

A journal is opened the way the kiosk opens it (its class, through ``open_journal``); rows are written through
the class too, so what is on disk is what a kiosk would have left there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from kiosk.payments.journal import JOURNAL_FILE_NAME as PAYMENT_FILE
from kiosk.payments.journal import SCHEMA_VERSION as PAYMENT_VERSION
from kiosk.payments.journal import PaymentJournal
from kiosk.payments.records import Order, OrderBill
from kiosk.printing.document import Document, Text, Title
from kiosk.printing.journal import JOURNAL_FILE_NAME as PRINT_FILE
from kiosk.printing.journal import SCHEMA_VERSION as PRINT_VERSION
from kiosk.printing.journal import PrintJournal
from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox
from kiosk.requests.outbox import SCHEMA_VERSION as OUTBOX_VERSION
from kiosk.requests.records import OutboxKind, outage_report_payload

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)

ORDER = Order(
    customer_code="PE01000123456",
    customer_name="Nguyễn V** H***",
    corporation_vi="Tổng công ty Điện lực TP Hồ Chí Minh",
    corporation_en="Ho Chi Minh City Power Corporation",
    hotline="1900545454",
    bills=(OrderBill("PE01000123456-202610", date(2026, 9, 15), date(2026, 10, 14), 335, 970_823),),
    method="momo",
    method_vi="Ví MoMo",
    method_en="MoMo wallet",
    language="vi",
)


Journal = PaymentJournal | PrintJournal | Outbox


@dataclass(frozen=True)
class Kind:
    key: str  # the test id
    file_name: str
    name: str  # as the messages call it
    version: int
    table: str
    open: Callable[[Path], Journal]
    write: Callable[[Journal, int], None]  # the n-th row

    def path(self, data_dir: Path) -> Path:
        return data_dir / self.file_name

    def rows(self, path: Path) -> int:
        """Counted by SQLite directly, not through the class (which would repair or refuse)."""
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            (count,) = db.execute(f"SELECT count(*) FROM {self.table}").fetchone()
        db.close()
        return int(count)


def _pay(journal: Journal, n: int) -> None:
    assert isinstance(journal, PaymentJournal)
    journal.begin(ORDER, f"key-{n}", NOW)


def _print(journal: Journal, n: int) -> None:
    assert isinstance(journal, PrintJournal)
    journal.add(Document((Title("Biên nhận"), Text(f"#{n}"))), kind="payment_receipt", reference=f"pay-{n}")


def _report(journal: Journal, n: int) -> None:
    assert isinstance(journal, Outbox)
    journal.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PD02000234567", "my_house", f"#{n}"), {})


KINDS = (
    Kind(
        "payments",
        PAYMENT_FILE,
        "payment journal",
        PAYMENT_VERSION,
        "payments",
        lambda path: PaymentJournal(path, kiosk_id="K-01"),
        _pay,
    ),
    Kind("prints", PRINT_FILE, "print journal", PRINT_VERSION, "print_jobs", PrintJournal, _print),
    Kind("outbox", OUTBOX_FILE_NAME, "request outbox", OUTBOX_VERSION, "outbox", Outbox, _report),
)
KIND = {kind.key: kind for kind in KINDS}
