"""The outbox's invariant checks can fail: each catches a broken copy of a good central database or outbox.

A good state is made for real (requests and reports delivered through the courier), checked clean, then
copied and broken one way at a time, as a bug in the outbox, the courier or the central would break it.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery
from tests.faults.harness.central import FakeClock
from tests.faults.harness.requests import RequestKiosk, outage_report, service_request
from tests.faults.invariants.reading import (
    CentralMark,
    CentralSubmission,
    OutboxRow,
    central_mark,
    read_central_submissions,
    read_outbox,
)
from tests.faults.invariants.requests import (
    check,
    none_duplicated,
    none_lost,
    payloads_erased,
    tracking_codes_match,
)
from tests.faults.invariants.violations import Violation
from tests.helpers.central import RunningCentral


@dataclass(frozen=True)
class Good:
    """Copies of a good state, what the customers were told, and which outbox item is which
    (``a``, ``b``: service requests; ``r``, ``s``: outage reports)."""

    central: Path
    outbox: Path
    told: list[str]
    mark: CentralMark
    items: dict[str, int]
    codes: dict[str, str]


@pytest_asyncio.fixture
async def good(central: RunningCentral, client: DemoClient, tmp_path: Path) -> Good:
    mark = central_mark(central.db_path)
    kiosk = RequestKiosk(client, tmp_path / "outbox.sqlite3", FakeClock())
    services = {s.code: s for s in (await client.services()).services}
    rng = random.Random(20251123)
    submissions = {
        "a": await service_request(client, services["meter_relocation"], rng),
        "b": await service_request(client, services["new_connection_lv"], rng),
        "r": outage_report(rng),
        "s": outage_report(rng),
    }
    items = {name: kiosk.outbox.add(s.kind, s.payload, s.summary) for name, s in submissions.items()}
    done = {name: await kiosk.courier.deliver(item.id) for name, item in items.items()}
    await kiosk.close()
    assert {d.state for d in done.values()} == {Delivery.DELIVERED}
    return Good(
        central=copy_database(central.db_path, tmp_path / "central-copy.db"),
        outbox=copy_database(kiosk.path, tmp_path / "outbox-copy.sqlite3"),
        told=[item.reference for item in items.values()],
        mark=mark,
        items={name: item.id for name, item in items.items()},
        codes={name: str(d.tracking_code) for name, d in done.items()},
    )


def copy_database(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def on_central(sql: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        conn = sqlite3.connect(good.central, isolation_level=None)
        try:
            conn.executescript(sql.format(**good.codes))
        finally:
            conn.close()

    return corrupt


def on_outbox(sql: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        conn = sqlite3.connect(good.outbox, isolation_level=None)
        try:
            # The outbox's own CHECKs would refuse some of these; a bug could still get past them (or an
            # older kiosk could have written the file), so the checker must not rely on them.
            conn.execute("PRAGMA ignore_check_constraints = ON")
            conn.executescript(sql.format(**good.items))
        finally:
            conn.close()

    return corrupt


def told_more(reference: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        good.told.append(reference)

    return corrupt


Checker = Callable[[Sequence[CentralSubmission], Sequence[OutboxRow], list[str]], list[Violation]]
CHECKERS: dict[int, Checker] = {
    1: none_lost,
    2: lambda c, o, t: none_duplicated(c, o),
    3: lambda c, o, t: tracking_codes_match(c, o),
    4: lambda c, o, t: payloads_erased(o),
}
_SECOND_REQUEST = (
    "DROP INDEX service_requests_by_client_reference; "
    "INSERT INTO service_requests SELECT 'YC22222222', idempotency_key || '-again', fingerprint, service_code, "
    "customer_code, fields, status, created_at, due_by, client_reference, kiosk_id FROM service_requests "
    "WHERE tracking_code = '{a}'"
)

CORRUPTIONS: dict[str, tuple[int, Callable[[Good], None]]] = {
    # 1: a submission the customer was told about is lost
    "item-missing-from-the-outbox": (1, on_outbox("DELETE FROM outbox WHERE id = {a}")),
    "item-left-queued": (
        1,
        on_outbox(
            "UPDATE outbox SET state = 'queued', tracking_code = NULL, payload = '{{}}' WHERE id = {r}"
        ),
    ),
    "item-refused": (
        1,
        on_outbox(
            "UPDATE outbox SET state = 'refused', refusal = 'otp_used', tracking_code = NULL WHERE id = {b}"
        ),
    ),
    "central-row-missing": (1, on_central("DELETE FROM outage_reports WHERE id = '{s}'")),
    "a-slip-for-nothing": (1, told_more("K2222222222")),
    # 2: a submission twice on the central, or one the kiosk cannot account for
    "second-central-row-for-one-reference": (2, on_central(_SECOND_REQUEST)),
    "central-row-under-an-unknown-key": (
        2,
        on_central(
            "INSERT INTO outage_reports SELECT 'out_ffffffffffffffff', 'some-other-key', fingerprint, "
            "customer_code, kind, description, created_at, NULL, kiosk_id FROM outage_reports WHERE id = '{r}'"
        ),
    ),
    "central-row-with-another-reference": (
        2,
        on_central("UPDATE outage_reports SET client_reference = 'K3333333333' WHERE id = '{r}'"),
    ),
    # 3: the kiosk's tracking code is not the central's
    "tracking-code-changed": (3, on_outbox("UPDATE outbox SET tracking_code = 'YCXXXXXXXX' WHERE id = {a}")),
    "tracking-codes-swapped": (
        3,
        on_outbox(
            "UPDATE outbox SET tracking_code = CASE id WHEN {a} THEN "
            "(SELECT tracking_code FROM outbox WHERE id = {b}) ELSE "
            "(SELECT tracking_code FROM outbox WHERE id = {a}) END WHERE id IN ({a}, {b})"
        ),
    ),
    "report-id-recorded-for-a-request": (
        3,
        on_outbox(
            "UPDATE outbox SET tracking_code = (SELECT tracking_code FROM outbox WHERE id = {r}) WHERE id = {a}"
        ),
    ),
    # 4: personal data kept after the answer
    "payload-kept-after-delivery": (
        4,
        on_outbox("""UPDATE outbox SET payload = '{{"id_number": "001190012345"}}' WHERE id = {b}"""),
    ),
    "payload-lost-while-queued": (
        4,
        on_outbox("UPDATE outbox SET state = 'queued', tracking_code = NULL WHERE id = {s}"),
    ),
}


@pytest.mark.asyncio
async def test_the_good_state_breaks_no_promise(good: Good) -> None:
    central, outbox = read_central_submissions(good.central, good.mark), read_outbox(good.outbox)
    assert len(central) == len(outbox) == 4
    assert check(central, outbox, good.told) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("invariant", "corrupt"), CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
async def test_each_check_catches_its_broken_promise(
    good: Good, invariant: int, corrupt: Callable[[Good], None]
) -> None:
    corrupt(good)
    central, outbox = read_central_submissions(good.central, good.mark), read_outbox(good.outbox)
    found = CHECKERS[invariant](central, outbox, good.told)
    assert found, f"invariant {invariant} missed it"
    assert {v.invariant for v in found} == {invariant}
    assert any(v.invariant == invariant for v in check(central, outbox, good.told))
