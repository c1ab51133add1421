"""The outbox file: a submission is on disk before anything is sent, and its personal part is gone once the
central answered."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.requests.outbox import OUTBOX_FILE_NAME, Outbox, OutboxError
from kiosk.requests.records import (
    Delivery,
    OutboxKind,
    is_reference,
    lookup_key,
    outage_report_payload,
    service_request_payload,
)
from kiosk.storage import journal_file
from tests.faults.harness.central import FakeClock

REFERENCE = re.compile(r"K[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{9}")
PERSONAL = {"full_name": "Nguyễn Thị Hương", "id_number": "001190012345", "phone": "0912345678"}


def a_request() -> dict[str, object]:
    return service_request_payload(
        "meter_inspection", "PE01000123456", PERSONAL, "otp_0123456789abcdef", "123456"
    )


SUMMARY = {"service_code": "meter_inspection", "customer_code": "PE01000123456", "language": "vi"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


@pytest.fixture
def outbox(tmp_path: Path, clock: FakeClock) -> Iterator[Outbox]:
    box = Outbox.in_data_dir(tmp_path, clock=clock)
    yield box
    box.close()


def test_an_added_item_is_on_disk_before_anything_is_sent(outbox: Outbox, tmp_path: Path) -> None:
    item = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    # Another connection, as a kiosk restarted after a power cut would open: the item is there, due.
    again = Outbox(tmp_path / OUTBOX_FILE_NAME)
    try:
        assert again.get(item.id) == item
        assert again.payload(item.id) == a_request()
        assert again.due(item.created_at) == [item]
        assert again.depth() == 1
    finally:
        again.close()
    assert item.state is Delivery.QUEUED
    assert item.attempts == 0
    assert item.created_at == item.next_attempt_at == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert dict(item.summary) == SUMMARY


def test_the_file_is_durable_and_versioned(outbox: Outbox, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / OUTBOX_FILE_NAME) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    (mode,) = outbox._db.execute("PRAGMA synchronous").fetchone()
    assert mode == 2  # FULL


def test_references_are_unique_and_well_formed(outbox: Outbox) -> None:
    items = [
        outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "street", ""), {})
        for _ in range(300)
    ]
    assert all(REFERENCE.fullmatch(i.reference) and is_reference(i.reference) for i in items)
    assert len({i.reference for i in items}) == 300
    assert len({i.idempotency_key for i in items}) == 300


def test_a_reference_already_taken_is_drawn_again(tmp_path: Path) -> None:
    drawn = iter(["KAAAAAAAAA", "KAAAAAAAAA", "KBBBBBBBBB"])
    box = Outbox(tmp_path / "outbox.sqlite3", new_reference=lambda: next(drawn))
    try:
        first = box.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "street", ""), {})
        second = box.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "danger", ""), {})
    finally:
        box.close()
    assert (first.reference, second.reference) == ("KAAAAAAAAA", "KBBBBBBBBB")


def test_delivered_erases_the_payload_in_the_same_write(
    outbox: Outbox, clock: FakeClock, tmp_path: Path
) -> None:
    item = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    clock.advance(5)
    done = outbox.delivered(item.id, "YCABCD2345", clock())
    assert (done.state, done.tracking_code, done.delivered_at, done.attempts) == (
        Delivery.DELIVERED, "YCABCD2345", clock(), 1,
    )  # fmt: skip
    assert outbox.payload(item.id) is None
    assert outbox.depth() == 0
    assert outbox.due(clock() + timedelta(days=1)) == []
    # Nothing personal left on disk: not in the file's freed cells (secure_delete), not in the log's frames.
    assert found_on_disk(tmp_path, PERSONAL.values()) == []
    # A second answer changes nothing: the first is the one the customer was told.
    assert outbox.delivered(item.id, "YCZZZZZZZZ", clock()) == done
    assert outbox.refused(item.id, "invalid_fields") == done


def test_refused_erases_the_payload_and_is_listed_for_staff(outbox: Outbox) -> None:
    item = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    other = outbox.add(
        OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "danger", "dây đứt"), {}
    )
    refused = outbox.refused(item.id, "otp_expired")
    assert (refused.state, refused.refusal, refused.tracking_code) == (Delivery.REFUSED, "otp_expired", None)
    assert outbox.payload(item.id) is None
    assert outbox.refusals() == [refused]
    assert outbox.pending() == [outbox.get(other.id)]


def found_on_disk(directory: Path, values: Iterable[str]) -> list[str]:
    """Which of ``values`` any file in ``directory`` holds (the outbox, its -wal and -shm), as UTF-8."""
    files = [path.read_bytes() for path in directory.iterdir() if path.is_file()]
    return [value for value in values if any(value.encode() in raw for raw in files)]


def canary_request(n: int) -> dict[str, object]:
    personal = {
        "full_name": f"Canary Hương {n:03d}",
        "id_number": f"0011900{n:05d}",
        "phone": f"09123{n:05d}",
    }
    return service_request_payload("meter_inspection", "PE01000123456", personal, f"otp_{n:016x}", f"{n:06d}")


def canaries(n: int) -> list[str]:
    return [f"Canary Hương {n:03d}", f"0011900{n:05d}", f"09123{n:05d}"]


@pytest.mark.parametrize("answer", ["delivered", "refused"])
def test_an_answered_requests_personal_data_is_on_no_byte_of_disk_while_others_wait(
    outbox: Outbox, clock: FakeClock, tmp_path: Path, answer: str
) -> None:
    """Many requests in and out, as a busy day goes: each answered one leaves nothing personal in the file or
    its write-ahead log, while the ones still waiting keep theirs (they must still be sent)."""
    items = [outbox.add(OutboxKind.SERVICE_REQUEST, canary_request(n), SUMMARY) for n in range(40)]
    for n, item in enumerate(items):
        clock.advance(1)
        if answer == "delivered":
            outbox.delivered(item.id, f"YC{n:08d}", clock())
        else:
            outbox.refused(item.id, "invalid_fields")
        assert found_on_disk(tmp_path, canaries(n)) == [], n
        waiting = n + 1 if n + 1 < len(items) else None
        if waiting is not None:
            assert outbox.payload(items[waiting].id) is not None
    assert (
        not (tmp_path / f"{OUTBOX_FILE_NAME}-wal").exists()
        or (tmp_path / f"{OUTBOX_FILE_NAME}-wal").stat().st_size == 0
    )


def test_an_erase_cut_short_by_a_crash_is_finished_at_the_next_start(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every commit is copied into the file at once (kiosk.storage.journal_file): the crash comes before that
    # copy too, so the log alone holds the writes and the old copies of the payload's pages.
    monkeypatch.setattr(journal_file, "_copy_into_file", lambda _db: None)
    crashed = Outbox.in_data_dir(tmp_path, clock=clock)
    item = crashed.add(OutboxKind.SERVICE_REQUEST, canary_request(7), SUMMARY)
    # The payload erased and committed, then the power fails before the checkpoint: the log still has it.
    monkeypatch.setattr(crashed, "_forget_erased", lambda: True)
    crashed.delivered(item.id, "YCABCD2345", clock())
    assert found_on_disk(tmp_path, canaries(7))
    # The next start (the dead process's connection is left as it was, never closed: no checkpoint of its own).
    restarted = Outbox.in_data_dir(tmp_path, clock=clock)
    try:
        assert found_on_disk(tmp_path, canaries(7)) == []
        assert restarted.get(item.id).tracking_code == "YCABCD2345"
    finally:
        restarted.close()
        crashed.close()


def test_retry_later_counts_and_postpones(outbox: Outbox, clock: FakeClock) -> None:
    item = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    later = clock() + timedelta(seconds=4)
    again = outbox.retry_later(item.id, "unreachable", later)
    assert (again.attempts, again.last_error, again.next_attempt_at) == (1, "unreachable", later)
    assert outbox.due(clock()) == []
    assert outbox.due(later) == [again]
    assert outbox.next_attempt_at() == later
    assert outbox.payload(item.id) == a_request()


def test_due_is_oldest_first(outbox: Outbox, clock: FakeClock) -> None:
    first = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    clock.advance(1)
    second = outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PD02000234567", "my_house", ""), {})
    outbox.retry_later(first.id, "timeout", clock())
    assert [i.id for i in outbox.due(clock())] == [first.id, second.id]


def test_by_reference_finds_the_slip_code_as_people_type_it(outbox: Outbox, clock: FakeClock) -> None:
    item = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    report = outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "street", ""), {})
    typed = f" {item.reference[:4].lower()}-{item.reference[4:7]} {item.reference[7:]} "
    assert outbox.by_reference(typed) == item
    assert outbox.by_reference("YCABCD2345") is None
    delivered = outbox.delivered(item.id, "YCABCD2345", clock())
    assert outbox.by_reference("yc-abcd 2345") == delivered
    assert outbox.by_reference(item.reference) == delivered
    done = outbox.delivered(report.id, "out_0123456789abcdef", clock())
    assert outbox.by_reference("OUT_0123456789ABCDEF") == done
    assert outbox.by_reference("") is None
    assert outbox.by_reference("K2222222222") is None
    assert lookup_key(" ab-c d ") == "ABCD"


def test_a_payload_of_another_kind_is_refused(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="payload"):
        outbox.add(OutboxKind.OUTAGE_REPORT, a_request(), SUMMARY)
    with pytest.raises(ValueError, match="summary"):
        outbox.add(OutboxKind.OUTAGE_REPORT, outage_report_payload("PE01000123456", "street", ""), {"n": 1})  # type: ignore[dict-item]
    assert outbox.all() == []


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / OUTBOX_FILE_NAME
    Outbox(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 2")
    with pytest.raises(OutboxError, match="schema version 2"):
        Outbox(path)


def test_a_file_that_is_not_an_outbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / OUTBOX_FILE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something (x)")
    with pytest.raises(OutboxError, match="not a request outbox"):
        Outbox(path)


def test_times_must_be_aware(outbox: Outbox) -> None:
    item = outbox.add(OutboxKind.SERVICE_REQUEST, a_request(), SUMMARY)
    with pytest.raises(ValueError, match="aware"):
        outbox.retry_later(item.id, "timeout", datetime(2026, 1, 1))
    with pytest.raises(KeyError):
        outbox.get(item.id + 1)
