"""The outage and tracking flows' pure parts: which outages a customer is shown, what a slip's QR holds, and the
printed schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.central.models import Corporation, Customer, DistrictUnit, Label, Meter, Outage
from kiosk.flows.outage_schedule import schedule_document
from kiosk.flows.outages import upcoming
from kiosk.flows.track import code_from_slip
from kiosk.language.catalogs import Translator
from kiosk.printing.document import KeyValue, Note, Text

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def outage(name: str, start: timedelta, hours: float, kind: str = "planned") -> Outage:
    return Outage.model_validate(
        {
            "id": name,
            "kind": kind,
            "district_unit": "PA1200",
            "area": {"vi": f"Khu {name}", "en": f"Area {name}"},
            "reason": {"vi": f"Lý do {name}", "en": f"Reason {name}"},
            "start_at": NOW + start,
            "expected_end_at": NOW + start + timedelta(hours=hours),
            "status": "scheduled",
        }
    )


def test_happening_now_comes_first_then_the_next_7_days_soonest_first() -> None:
    shown = upcoming(
        [
            outage("in-9-days", timedelta(days=9), 3),
            outage("in-3-days", timedelta(days=3), 9),
            outage("ended", timedelta(hours=-5), 2),
            outage("now", timedelta(hours=-1), 3, "emergency"),
            outage("tomorrow", timedelta(days=1), 2),
            outage("day-7-edge", timedelta(days=7), 1),
        ],
        NOW,
    )
    assert [(o.id, o.status) for o in shown] == [
        ("now", "in_progress"),
        ("tomorrow", "scheduled"),
        ("in-3-days", "scheduled"),
        ("day-7-edge", "scheduled"),
    ]


def test_an_outage_the_central_called_scheduled_is_now_by_the_kiosks_clock() -> None:
    [started] = upcoming([outage("started", timedelta(minutes=-5), 2)], NOW)
    assert started.status == "in_progress"


@pytest.mark.parametrize(
    ("scanned", "code"),
    [
        ("https://central.example/track/YCA7K3M9Q2", "YCA7K3M9Q2"),
        ("http://127.0.0.1:8000/track/KQ7M2X9PA4/", "KQ7M2X9PA4"),
        ("https://tracuu.example/track/yca7-k3m9-q2?lang=vi", "YCA7K3M9Q2"),
        ("https://tracuu.example/track/YCA7%20K3M9Q2#top", "YCA7K3M9Q2"),
        ("YCA7K3M9Q2", "YCA7K3M9Q2"),
        (" yca7 k3m9 q2 \n", "YCA7K3M9Q2"),
        ("KQ7M2X9PA4", "KQ7M2X9PA4"),
    ],
)
def test_a_slips_qr_gives_its_code(scanned: str, code: str) -> None:
    assert code_from_slip(scanned) == code


@pytest.mark.parametrize(
    "scanned",
    [
        "PE01000123456",  # a bill's customer code
        "079088001234||Nguyễn Thị Hương|15041988|Nữ|12 Lý Tự Trọng|20052021",  # a citizen ID card
        "https://example.com/pay/YCA7K3M9Q2",
        "https://central.example/track/",
        "https://central.example/track/THIS-CODE-IS-FAR-TOO-LONG",
        "YC12345678",  # 1 is not in the tracking alphabet
        "",
    ],
)
def test_anything_else_is_not_a_slip(scanned: str) -> None:
    assert code_from_slip(scanned) is None


def customer() -> Customer:
    return Customer(
        code="PA12000345678",
        name="Hoàng V** T***",
        address="Xóm Bản Piềng",
        phone=None,
        corporation=Corporation(
            code="EVNNPC", name=Label(vi="Tổng công ty Điện lực miền Bắc", en="Northern Power Corporation"),
            hotline="19006769",
        ),
        district_unit=DistrictUnit(code="PA1200", name=Label(vi="Điện lực Định Hóa", en="Dinh Hoa Power Company")),
        tariff_type="residential",
        households=1,
        meter=Meter(serial="M1", multiplier=1, remote_read=False),
    )  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_printed_schedule_has_the_next_7_days_in_vietnam_time_and_the_hotline(language: str) -> None:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    outages = [outage("in-3-days", timedelta(days=3), 9), outage("in-9-days", timedelta(days=9), 3)]
    document = schedule_document(tr, customer(), outages, now=NOW, location="Định Hóa", kiosk_id="K-01")
    values = [b.value for b in document.blocks if isinstance(b, KeyValue)]
    area = "Khu in-3-days" if language == "vi" else "Area in-3-days"
    assert area in values
    assert not any("in-9-days" in v for v in values)
    assert "26/11/2026 10:00 – 19:00" in values  # 03:00 UTC is 10:00 in Vietnam
    assert "Điện lực Định Hóa" in values or "Dinh Hoa Power Company" in values
    [footer] = [b.text for b in document.blocks if isinstance(b, Note)]
    assert "19006769" in footer


def test_an_empty_schedule_says_so() -> None:
    tr = Translator.load(language="vi")
    document = schedule_document(tr, customer(), [], now=NOW, location="Định Hóa", kiosk_id="K-01")
    assert tr._("outage_schedule.none") in [b.text for b in document.blocks if isinstance(b, Text)]


def test_an_outage_past_midnight_prints_the_day_it_ends() -> None:
    tr = Translator.load(language="vi")
    overnight = [outage("overnight", timedelta(days=1, hours=10), 8)]  # 20:00 one day to 04:00 the next
    document = schedule_document(tr, customer(), overnight, now=NOW, location="Định Hóa", kiosk_id="K-01")
    values = [b.value for b in document.blocks if isinstance(b, KeyValue)]
    assert "24/11/2026 20:00 – 25/11/2026 04:00" in values
