"""The deterministic demo dataset: a handful of customers, each chosen to show one thing.

Dates are relative to the server's today (so the newest bill is always recent), except that every
history reaches back at least to March 2025, so it includes the 10 May 2025 price change. Daily kWh
comes from a seeded random generator; meter indexes are its running sums, and bills are computed
from those readings by the billing engine, never typed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from kiosk_central import schemas, services_catalog
from kiosk_central.billing import compute_bill
from kiosk_central.clock import VIETNAM, to_text
from kiosk_central.db import Connection
from kiosk_central.ledger import computation_json
from kiosk_central.service_requests import add_event, insert_request

HISTORY_REACHES_BACK_TO = date(2025, 3, 1)
DUE_AFTER_READING = timedelta(days=12)
DEMO_TRACKING_CODE = "YCA7K3M9Q2"
# The demo kiosk, which the token a demo server makes up belongs to.
DEMO_KIOSK_ID = "DEMO-01"


@dataclass(frozen=True)
class DemoCustomer:
    code: str
    name: str
    address: str
    phone: str
    district_unit: str
    district_vi: str
    district_en: str
    households: int
    remote_read: bool
    monthly_kwh: int
    days_since_reading: int  # of the newest reading: sets whether the newest bill is overdue
    unpaid_bills: int
    shows: str
    reading_day: int | None = None  # a fixed day of the month instead of days_since_reading


CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "PE01000123456", "Nguyễn Văn Hùng", "Số 12 Đường Lê Lợi, Phường Sài Gòn, TP Hồ Chí Minh", "0912345678",
        "PE0100", "Điện lực Sài Gòn", "Saigon Power Company", 1, False, 330, 4, 3,
        "Several unpaid bills (the two oldest overdue): pay oldest first; an open service request "
        f"{DEMO_TRACKING_CODE}",
    ),
    DemoCustomer(
        "PD02000234567", "Trần Thị Mai", "Số 45 Phố Bà Triệu, Phường Hai Bà Trưng, Hà Nội", "0987654321",
        "PD0200", "Điện lực Hai Bà Trưng", "Hai Ba Trung Power Company", 3, False, 640, 2, 1,
        "3 households share the meter (tier limits x3); an emergency outage in progress in the area",
    ),
    DemoCustomer(
        "PA12000345678", "Hoàng Văn Tiến", "Thôn Bản Khiển, Xã Lâm Bình, Tỉnh Tuyên Quang", "0356789012",
        "PA1200", "Điện lực Tuyên Quang", "Tuyen Quang Power Company", 1, False, 115, 25, 1,
        "One overdue bill, in a mountain district with a planned outage in 3 days",
    ),
    DemoCustomer(
        "PB05000456789", "Lê Minh Tâm", "Số 8 Đường 30 Tháng 4, Phường Tân Ninh, Tỉnh Tây Ninh", "0771234567",
        "PB0500", "Điện lực Tây Ninh", "Tay Ninh Power Company", 1, False, 190, 6, 0,
        "Fully paid: nothing owed",
    ),
    DemoCustomer(
        "PC03000567890", "Phạm Thị Lan", "Số 27 Đường Trần Phú, Phường Thuận Hóa, TP Huế", "0905123456",
        "PC0300", "Điện lực Thừa Thiên Huế", "Thua Thien Hue Power Company", 1, True, 240, 5, 1,
        "Remote-read meter: daily consumption; one unpaid bill",
    ),
    DemoCustomer(
        "PQ01000678901", "Võ Văn Nam", "Thôn Phú Ân Nam 3, Xã Diên Khánh, Tỉnh Khánh Hòa", "0398765432",
        "PQ0100", "Điện lực Khánh Hòa", "Khanh Hoa Power Company", 2, False, 420, 0, 1,
        "Read on the 20th: the bill of 20 Apr - 20 May 2025 spans the 10 May 2025 price change "
        "(two parts, both prices); 2 households (8 tenants)",
        reading_day=20,
    ),
    # Unit codes with letters, as most of EVNCPC's and many of EVNNPC's are (added after the others, so that
    # their invoice numbers stay as they were).
    DemoCustomer(
        "PC05CC0789012", "Nguyễn Thị Thu", "Số 15 Đường Nguyễn Thái Học, Phường Hội An, TP Đà Nẵng", "0935246810",
        "PC05CC", "Điện lực Hội An", "Hoi An Power Company", 1, False, 210, 3, 2,
        "A unit code with letters (PC05CC, Điện lực Hội An): two unpaid bills, the older overdue",
    ),
    DemoCustomer(
        "PA02DH0890123", "Đinh Văn Phúc", "Khu 5, Xã Đoan Hùng, Tỉnh Phú Thọ", "0368135792",
        "PA02DH", "Điện lực Đoan Hùng", "Doan Hung Power Company", 1, False, 160, 8, 1,
        "A unit code with letters in the north (PA02DH, Điện lực Đoan Hùng): one unpaid bill",
    ),
)  # fmt: skip


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, day.day)


def _reading_dates(customer: DemoCustomer, today: date) -> list[date]:
    if customer.reading_day is not None:
        newest = today.replace(day=customer.reading_day)
        if newest >= today:
            newest = _months_back(newest, 1)
    else:
        newest = today - timedelta(days=customer.days_since_reading)
        # The same day every month; days after the 28th do not exist in every month.
        newest = newest.replace(day=min(newest.day, 28))
    start = min(_months_back(today, 24), HISTORY_REACHES_BACK_TO)
    dates = [newest]
    while dates[-1] > start:
        dates.append(_months_back(dates[-1], 1))
    return list(reversed(dates))


def _daily_kwh(customer: DemoCustomer, first: date, last: date) -> dict[date, int]:
    # Seeded by the code, so the same customer gets the same numbers on every machine.
    rng = random.Random(customer.code)
    summer = {5: 1.35, 6: 1.45, 7: 1.4, 8: 1.3, 4: 1.15, 9: 1.1}
    per_day = customer.monthly_kwh / 30
    days: dict[date, int] = {}
    day = first
    while day <= last:
        days[day] = max(0, round(per_day * summer.get(day.month, 1.0) * rng.uniform(0.7, 1.3)))
        day += timedelta(days=1)
    return days


def _seed_customer(conn: Connection, c: DemoCustomer, today: date, invoice_counter: list[int]) -> None:
    conn.execute(
        "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, 'residential', ?, ?, 1, ?)",
        (c.code, c.name, c.address, c.phone, c.district_unit, c.district_vi, c.district_en, c.households,
         "MT" + c.code[-8:], int(c.remote_read)),
    )  # fmt: skip
    readings = _reading_dates(c, today)
    daily = _daily_kwh(c, readings[0], today - timedelta(days=1))
    index = 10_000 + int(c.code[-4:])
    indexes = {readings[0]: index}
    for prev, cur in pairwise(readings):
        kwh = sum(v for d, v in daily.items() if prev < d <= cur)
        indexes[cur] = indexes[prev] + kwh
    conn.executemany(
        "INSERT INTO meter_readings VALUES (?, ?, ?)",
        [(c.code, d.isoformat(), i) for d, i in indexes.items()],
    )
    if c.remote_read:
        conn.executemany(
            "INSERT INTO daily_consumption VALUES (?, ?, ?)",
            [(c.code, d.isoformat(), v) for d, v in daily.items()],
        )
    periods = list(pairwise(readings))
    for n, (prev, cur) in enumerate(periods):
        kwh = indexes[cur] - indexes[prev]
        # EVN's period runs from the previous reading date to this one (kiosk_central.billing, rule 1).
        comp = compute_bill(prev, cur, kwh, c.households)
        invoice_counter[0] += 1
        paid = n < len(periods) - c.unpaid_bills
        paid_at = datetime.combine(cur + timedelta(days=5), time(10, 0), VIETNAM) if paid else None
        conn.execute(
            """INSERT INTO bills (id, customer_code, period_start, period_end, meter_serial, opening_index,
                   closing_index, multiplier, households, kwh, computation, subtotal, vat_amount, total, due_date,
                   invoice_serial, invoice_number, paid_at, paid_by)
               VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (f"{c.code}-{cur:%Y%m}", c.code, prev.isoformat(), cur.isoformat(),
             "MT" + c.code[-8:], indexes[prev], indexes[cur], c.households, kwh, computation_json(comp),
             comp.subtotal, comp.vat_amount, comp.total, (cur + DUE_AFTER_READING).isoformat(), f"1K{cur:%y}TAA",
             f"{invoice_counter[0]:08d}", to_text(paid_at) if paid_at else None, "bank_app" if paid else None),
        )  # fmt: skip


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VIETNAM)


def _seed_outages(conn: Connection, now: datetime) -> None:
    today = now.astimezone(VIETNAM).date()
    rows = [
        ("OUT-PA1200-1", "planned", "PA1200", "Thôn Bản Khiển, Thôn Nà Khà, Xã Lâm Bình",
         "Ban Khien and Na Kha hamlets, Lam Binh commune",
         "Bảo dưỡng đường dây 22 kV", "Maintenance of the 22 kV line",
         _at(today + timedelta(days=3), 7, 30), _at(today + timedelta(days=3), 16, 30)),
        ("OUT-PA1200-2", "planned", "PA1200", "Toàn Xã Lâm Bình", "All of Lam Binh commune",
         "Thay máy biến áp", "Replacing a transformer",
         _at(today + timedelta(days=9), 8, 0), _at(today + timedelta(days=9), 11, 0)),
        ("OUT-PD0200-1", "emergency", "PD0200", "Phố Bà Triệu, Phố Lê Đại Hành", "Ba Trieu and Le Dai Hanh streets",
         "Sự cố cáp ngầm", "Underground cable fault",
         now - timedelta(hours=1), now + timedelta(hours=2)),
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO outages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*r[:7], to_text(r[7]), to_text(r[8])) for r in rows],
    )


def _seed_request(conn: Connection, now: datetime) -> None:
    service = services_catalog.service_by_code("meter_inspection")
    created = now - timedelta(days=6)
    fields: dict[str, str | int | bool] = {"demo": True}
    insert_request(
        conn, "demo-seed-request", "demo", service, CUSTOMERS[0].code, fields, created, DEMO_TRACKING_CODE
    )
    add_event(
        conn,
        DEMO_TRACKING_CODE,
        created + timedelta(days=2),
        "in_progress",
        schemas.Label(vi="Đã phân công nhân viên kiểm tra công tơ", en="A technician has been assigned"),
    )


def seed(conn: Connection, now: datetime) -> None:
    """Fill an empty database with the demo dataset."""
    today = now.astimezone(VIETNAM).date()
    counter = [0]
    for customer in CUSTOMERS:
        _seed_customer(conn, customer, today, counter)
    _seed_outages(conn, now)
    _seed_request(conn, now)
