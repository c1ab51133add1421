"""The printed outage schedule (kiosk.flows.outage_schedule), block by block: the header in the customer's
language, the time it was printed in Vietnamese time, which outages it lists and in what order, and the
hotline. tests/flows/test_outage_flow.py already checks the 7-day window, the hotline, an empty schedule and an
outage past midnight; this module does not repeat those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kiosk.central.models import Corporation, Customer, DistrictUnit, Label, Meter, Outage
from kiosk.flows.outage_schedule import schedule_document
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.printing.document import Block, Divider, KeyValue, Note, Text, Title

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
HOTLINE = "19006769"
LOCATION = "UBND xã Lâm Bình"

CUSTOMER = Customer(
    code="PA12000345678",
    name="Hoàng V** T***",
    address="Xóm Bản Piềng",
    phone=None,
    corporation=Corporation(
        code="EVNNPC", name=Label(vi="Tổng công ty Điện lực miền Bắc", en="Northern Power Corporation"),
        hotline=HOTLINE,
    ),
    district_unit=DistrictUnit(code="PA1200", name=Label(vi="Điện lực Tuyên Quang", en="Tuyen Quang Power Company")),
    tariff_type="residential",
    households=1,
    meter=Meter(serial="M1", multiplier=1, remote_read=False),
)  # fmt: skip


def outage(name: str, start: datetime, end: datetime, kind: str = "planned") -> Outage:
    return Outage.model_validate(
        {
            "id": name,
            "kind": kind,
            "district_unit": "PA1200",
            "area": {"vi": f"Khu {name}", "en": f"Area {name}"},
            "reason": {"vi": f"Lý do {name}", "en": f"Reason {name}"},
            "start_at": start,
            "expected_end_at": end,
            "status": "scheduled",
        }
    )


def printed(
    outages: list[Outage], language: Language = "en", now: datetime = NOW
) -> tuple[Translator, tuple[Block, ...]]:
    tr = Translator.load(language=language)
    document = schedule_document(tr, CUSTOMER, outages, now=now, location=LOCATION, kiosk_id="K-01")
    return tr, document.blocks


def times(blocks: tuple[Block, ...], tr: Translator) -> list[str]:
    return [b.value for b in blocks if isinstance(b, KeyValue) and b.key == tr._("outage_schedule.time")]


def test_the_english_schedule_block_by_block() -> None:
    tomorrow = outage("tomorrow", NOW + timedelta(days=1), NOW + timedelta(days=1, hours=4))
    tr, blocks = printed([tomorrow], "en")
    assert blocks == (
        Title(tr._("outage_schedule.title"), "NORTHERN POWER CORPORATION"),
        Text(LOCATION, align="center", size="small"),
        KeyValue(tr._("outage_schedule.area"), "Tuyen Quang Power Company", bold=True),
        KeyValue(tr._("outage_schedule.printed_at"), "23/11/2026 10:00"),
        Divider(),
        KeyValue(tr._("outage_schedule.time"), "24/11/2026 10:00 – 14:00", bold=True),
        KeyValue(tr._("outage_schedule.affected"), "Area tomorrow"),
        KeyValue(tr._("outage_schedule.reason"), "Reason tomorrow"),
        Note(tr._("outage_schedule.footer", hotline=HOTLINE)),
    )


def test_the_vietnamese_schedule_has_the_vietnamese_names_area_and_reason() -> None:
    tomorrow = outage("tomorrow", NOW + timedelta(days=1), NOW + timedelta(days=1, hours=4))
    tr, blocks = printed([tomorrow], "vi")
    assert blocks[0] == Title(tr._("outage_schedule.title"), "TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC")
    assert KeyValue(tr._("outage_schedule.area"), "Điện lực Tuyên Quang", bold=True) in blocks
    assert KeyValue(tr._("outage_schedule.affected"), "Khu tomorrow") in blocks
    assert KeyValue(tr._("outage_schedule.reason"), "Lý do tomorrow") in blocks
    assert tr._("outage_schedule.title") != Translator.load(language="en")._("outage_schedule.title")


def test_an_empty_schedule_has_no_outage_blocks_only_the_message_and_the_hotline() -> None:
    tr, blocks = printed([], "en")
    assert blocks[4:] == (
        Text(tr._("outage_schedule.none"), align="center", bold=True),
        Note(tr._("outage_schedule.footer", hotline=HOTLINE)),
    )
    assert Divider() not in blocks


def test_one_happening_now_is_listed_first_then_the_rest_soonest_first() -> None:
    tr, blocks = printed(
        [
            outage("in-3-days", NOW + timedelta(days=3), NOW + timedelta(days=3, hours=2)),
            outage("now", NOW - timedelta(hours=2), NOW + timedelta(hours=1), "emergency"),
            outage("tomorrow", NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2)),
        ]
    )
    areas = [b.value for b in blocks if isinstance(b, KeyValue) and b.key == tr._("outage_schedule.affected")]
    assert areas == ["Area now", "Area tomorrow", "Area in-3-days"]
    assert times(blocks, tr) == [
        "23/11/2026 08:00 – 11:00",
        "24/11/2026 10:00 – 12:00",
        "26/11/2026 10:00 – 12:00",
    ]
    assert blocks.count(Divider()) == 3


def test_an_outage_that_ended_is_not_printed() -> None:
    tr, blocks = printed([outage("ended", NOW - timedelta(hours=3), NOW)])  # restored exactly now
    assert times(blocks, tr) == []
    assert Text(tr._("outage_schedule.none"), align="center", bold=True) in blocks


def test_the_day_an_outage_ends_is_judged_in_vietnamese_time() -> None:
    # 06:00 to 08:00 in Vietnam on the 24th: two dates in UTC, one in Vietnam.
    early = outage(
        "early", datetime(2026, 11, 23, 23, 0, tzinfo=UTC), datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    )
    # 23:30 to 00:30 in Vietnam: one date in UTC, two in Vietnam.
    late = outage(
        "late", datetime(2026, 11, 24, 16, 30, tzinfo=UTC), datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
    )
    tr, blocks = printed([late, early])
    assert times(blocks, tr) == ["24/11/2026 06:00 – 08:00", "24/11/2026 23:30 – 25/11/2026 00:30"]


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(hours=-5), timedelta(hours=9)])
def test_the_printed_time_is_vietnamese_whatever_zone_now_comes_in(offset: timedelta) -> None:
    tr, blocks = printed([], now=NOW.astimezone(timezone(offset)))
    assert KeyValue(tr._("outage_schedule.printed_at"), "23/11/2026 10:00") in blocks


def test_outages_announced_in_another_zone_print_in_vietnamese_time() -> None:
    bangkok_noon = datetime(2026, 11, 24, 12, 0, tzinfo=timezone(timedelta(hours=7)))
    tokyo = timezone(timedelta(hours=9))
    tr, blocks = printed([outage("tz", bangkok_noon, datetime(2026, 11, 24, 16, 0, tzinfo=tokyo))])
    assert times(blocks, tr) == ["24/11/2026 12:00 – 14:00"]
