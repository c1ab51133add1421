"""The outbox's invariant checks can fail: each catches a broken copy of a good central database or outbox.

A good state is made for real (requests and reports delivered through the courier, and four refused on
purpose: a form past its limits, an unknown customer, a code already used, a code that expired while its
request waited), checked clean, then copied and broken one way at a time, as a bug in the outbox, the courier
or the central would break it. The outbox's checks are all judged once the outbox has drained (nothing
queued): there is no "not settled" variant of them to show.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio

from kiosk.demo.simulator import DemoClient
from kiosk.requests.records import Delivery
from kiosk_central.service_requests import VERIFIED_OTP_TTL
from tests.faults.harness.central import FakeClock
from tests.faults.harness.requests import (
    UNKNOWN_CUSTOMER,
    RequestKiosk,
    Submission,
    outage_report,
    service_request,
)
from tests.faults.invariants.reading import (
    CentralMark,
    CentralSubmission,
    OutboxRow,
    central_mark,
    copy_database,
    read_central_submissions,
    read_outbox,
)
from tests.faults.invariants.requests import (
    Expectations,
    Submitted,
    check,
    none_duplicated,
    none_lost,
    payloads_erased,
    read_accepted_at,
    refused_as_the_rules_say,
    tracking_codes_match,
)
from tests.faults.invariants.violations import Violation
from tests.helpers.central import RunningCentral


@dataclass(frozen=True)
class Good:
    """Copies of a good state, what the customers were told, and which outbox item is which (``a``, ``b``:
    service requests and ``r``, ``s``: outage reports, delivered; refused: ``c`` a form past its limits,
    ``u`` a report for an unknown customer, ``d`` a request with ``a``'s code, ``e`` a request whose code
    expired while it waited). ``sql`` names what the corruptions' SQL uses: ``{a}`` an item's id in the
    outbox, its tracking code on the central, ``{a_key}`` and ``{a_ref}`` its key and reference."""

    central: Path
    outbox: Path
    told: list[str]
    mark: CentralMark
    items: dict[str, int]
    codes: dict[str, str]
    sql: dict[str, str]
    submitted: dict[str, Submitted]
    central_now: datetime
    for_staff: set[str] = field(default_factory=set)

    def expectations(self) -> Expectations:
        return Expectations(self.submitted, self.central_now, read_accepted_at(self.central, self.mark))


def submitted(s: Submission, refusal: str | None = None) -> Submitted:
    code = s.code
    return Submitted(refusal, code.otp_id if code else None, code.valid_until if code else None)


@pytest.fixture(scope="session")
def made_once() -> dict[str, Good]:
    """The good state, made for real by the first test that needs it: the others break copies of it."""
    return {}


@pytest_asyncio.fixture
async def good(
    central: RunningCentral,
    client: DemoClient,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    made_once: dict[str, Good],
) -> Good:
    if "good" not in made_once:
        made_once["good"] = await make_good(central, client, tmp_path_factory.mktemp("outbox-good"))
    original = made_once["good"]
    return replace(
        original,
        central=copy_database(original.central, tmp_path / "central-copy.db"),
        outbox=copy_database(original.outbox, tmp_path / "outbox-copy.sqlite3"),
        told=list(original.told),
        for_staff=set(original.for_staff),
    )


async def make_good(central: RunningCentral, client: DemoClient, tmp_path: Path) -> Good:
    mark = central_mark(central.db_path)
    kiosk = RequestKiosk(client, tmp_path / "outbox.sqlite3", FakeClock())
    services = {s.code: s for s in (await client.services()).services}
    rng = random.Random(20251123)
    a = await service_request(client, services["meter_relocation"], rng)
    submissions = {
        "a": a,
        "b": await service_request(client, services["new_connection_lv"], rng),
        "r": outage_report(rng),
        "s": outage_report(rng),
        "c": await service_request(client, services["capacity_change"], rng, invalid=True),
        "u": outage_report(rng, UNKNOWN_CUSTOMER),
        "d": await service_request(client, services["contract_renewal"], rng, code=a.code),
        "e": await service_request(client, services["meter_inspection"], rng),
    }
    items = {name: kiosk.outbox.add(s.kind, s.payload, s.summary) for name, s in submissions.items()}
    done = {name: await kiosk.courier.deliver(item.id) for name, item in items.items() if name != "e"}
    await client.sim_advance_clock(int(VERIFIED_OTP_TTL.total_seconds()) + 60)  # while ``e`` waits
    done["e"] = await kiosk.courier.deliver(items["e"].id)
    for_staff = {item.reference for item in kiosk.outbox.refusals()}
    await kiosk.close()
    refusals = {"c": "invalid_fields", "u": "customer_not_found", "d": "otp_used", "e": "otp_expired"}
    assert {n: d.refusal for n, d in done.items() if d.state is Delivery.REFUSED} == refusals
    assert {d.state for n, d in done.items() if n not in refusals} == {Delivery.DELIVERED}
    sql = {name: str(item.id) for name, item in items.items()}
    sql |= {f"{name}_key": item.idempotency_key for name, item in items.items()}
    sql |= {f"{name}_ref": item.reference for name, item in items.items()}
    return Good(
        central=copy_database(central.db_path, tmp_path / "central-copy.db"),
        outbox=copy_database(kiosk.path, tmp_path / "outbox-copy.sqlite3"),
        told=[item.reference for item in items.values()],
        mark=mark,
        items={name: item.id for name, item in items.items()},
        codes={name: str(d.tracking_code) for name, d in done.items()},
        sql=sql,
        submitted={
            items[name].reference: submitted(s, {"c": "invalid_fields", "u": "customer_not_found"}.get(name))
            for name, s in submissions.items()
        },
        central_now=central.clock.now(),
        for_staff=for_staff,
    )


def on_central(sql: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        conn = sqlite3.connect(good.central, isolation_level=None)
        try:
            conn.executescript(sql.format(**(good.sql | good.codes)))
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
            conn.executescript(sql.format(**good.sql))
        finally:
            conn.close()

    return corrupt


def told_more(reference: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        good.told.append(reference)

    return corrupt


def both(*corruptions: Callable[[Good], None]) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        for one in corruptions:
            one(good)

    return corrupt


def not_shown_to_staff(name: str) -> Callable[[Good], None]:
    def corrupt(good: Good) -> None:
        good.for_staff.clear()
        good.for_staff.update(ref for ref in good.told if ref != good.sql[f"{name}_ref"])

    return corrupt


Checker = Callable[[Sequence[CentralSubmission], Sequence[OutboxRow], Good], list[Violation]]
CHECKERS: dict[int, Checker] = {
    1: lambda c, o, g: none_lost(c, o, g.told, g.expectations()),
    2: lambda c, o, g: none_duplicated(c, o),
    3: lambda c, o, g: tracking_codes_match(c, o),
    4: lambda c, o, g: payloads_erased(o),
    5: lambda c, o, g: refused_as_the_rules_say(c, o, g.expectations(), g.for_staff),
}
# A copy of ``a``'s central row as another item's: the central made that item's request too.
_ROW_FOR = (
    "INSERT INTO service_requests SELECT 'YC{tracking}', '{{{item}_key}}', fingerprint, service_code, "
    "customer_code, fields, status, created_at, due_by, '{{{item}_ref}}', kiosk_id FROM service_requests "
    "WHERE tracking_code = '{{a}}'"
)
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
    "payload-kept-after-refusal": (
        4,
        on_outbox("""UPDATE outbox SET payload = '{{"full_name": "Nguyễn Thị Hương"}}' WHERE id = {c}"""),
    ),
    # 1 and 5: refusals the scenario did not cause, or not as the central's rules say
    "valid-item-refused-as-expired": (
        1,
        on_outbox(
            "UPDATE outbox SET state = 'refused', refusal = 'otp_expired', tracking_code = NULL WHERE id = {r}"
        ),
    ),
    "refused-without-a-reason": (5, on_outbox("UPDATE outbox SET refusal = NULL WHERE id = {u}")),
    "refused-with-another-reason": (5, on_outbox("UPDATE outbox SET refusal = 'otp_expired' WHERE id = {c}")),
    "refused-item-also-on-the-central": (5, on_central(_ROW_FOR.format(tracking="RRRRRRRR", item="c"))),
    "refused-item-not-shown-to-staff": (5, not_shown_to_staff("e")),
    "refusable-item-delivered": (
        5,
        on_outbox(
            "UPDATE outbox SET state = 'delivered', refusal = NULL, tracking_code = 'out_1' WHERE id = {u}"
        ),
    ),
    "expired-code-delivered-after-expiry": (
        5,
        both(
            on_central(_ROW_FOR.format(tracking="EEEEEEEE", item="e")),
            on_outbox(
                "UPDATE outbox SET state = 'delivered', refusal = NULL, tracking_code = 'YCEEEEEEEE' "
                "WHERE id = {e}"
            ),
            on_central(
                "UPDATE service_requests SET created_at = '9999-01-01T00:00:00+00:00' "
                "WHERE tracking_code = 'YCEEEEEEEE'"
            ),
        ),
    ),
    "one-code-two-requests": (
        5,
        both(
            on_central(_ROW_FOR.format(tracking="DDDDDDDD", item="d")),
            on_outbox(
                "UPDATE outbox SET state = 'delivered', refusal = NULL, tracking_code = 'YCDDDDDDDD' "
                "WHERE id = {d}"
            ),
        ),
    ),
}


@pytest.mark.asyncio
async def test_the_good_state_breaks_no_promise(good: Good) -> None:
    central, outbox = read_central_submissions(good.central, good.mark), read_outbox(good.outbox)
    assert (len(central), len(outbox)) == (4, 8)
    assert check(central, outbox, good.told, good.expectations(), good.for_staff) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("invariant", "corrupt"), CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
async def test_each_check_catches_its_broken_promise(
    good: Good, invariant: int, corrupt: Callable[[Good], None]
) -> None:
    corrupt(good)
    central, outbox = read_central_submissions(good.central, good.mark), read_outbox(good.outbox)
    found = CHECKERS[invariant](central, outbox, good)
    assert found, f"invariant {invariant} missed it"
    assert {v.invariant for v in found} == {invariant}
    everything = check(central, outbox, good.told, good.expectations(), good.for_staff)
    assert any(v.invariant == invariant for v in everything)


@pytest.mark.asyncio
async def test_without_expectations_every_refusal_is_a_loss(good: Good) -> None:
    """What the checks said before refusals were modelled: a scenario that made nothing refusable."""
    central, outbox = read_central_submissions(good.central, good.mark), read_outbox(good.outbox)
    lost = none_lost(central, outbox, good.told)
    assert len(lost) == 4
    assert all("nothing made it refusable" in v.message for v in lost)
