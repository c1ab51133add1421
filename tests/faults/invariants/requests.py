"""The outbox's promises, checked from the two places that hold the truth: the central's SQLite database and
the kiosk's outbox file, plus the references the customers were given on their slips.

1. None lost: every submission a customer was told about is in the outbox, and delivered (on the central), or
   refused with a reason staff can see; refused only if the scenario deliberately made it refusable.
2. None duplicated: at most one central row per idempotency key and per client reference, and every central
   row made meanwhile is one outbox item's, under its key and with its reference.
3. Tracking codes match: a delivered item's tracking code (or outage report id) is the central's for its
   key and reference, in the table of its kind.
4. Payloads erased: no delivered or refused item keeps its personal payload (and no queued one lost it).
5. Refused as the central's rules say: each item ends as what the scenario did to it gives (:func:`expected`:
   a form the central rejects, an unknown customer, a code used by another request or expired while the
   item waited are refused with that code; everything else is delivered); a refused item has no central
   row, names its reason, and is listed for staff; one code confirms at most one request, and only before
   it expired.

The checks read SQLite directly, not through :class:`~kiosk.requests.outbox.Outbox`, so that a bug there
cannot hide a broken promise. The central is shared by many scenarios: :func:`central_mark` notes where its
tables end, and :func:`read_central_submissions` reads only the rows made after that.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.faults.invariants.reading import (
    FROM_THE_START,
    CentralMark,
    CentralSubmission,
    OutboxRow,
    central_mark,
    connect_read_only,
    read_central_submissions,
    read_outbox,
)
from tests.faults.invariants.violations import InvariantError, Violation

__all__ = [
    "DELIVERED",
    "NOTHING_REFUSABLE",
    "CentralMark",
    "CentralSubmission",
    "Expectations",
    "OutboxRow",
    "Submitted",
    "assert_outbox_invariants",
    "central_mark",
    "check",
    "expected",
    "none_duplicated",
    "none_lost",
    "payloads_erased",
    "read_accepted_at",
    "read_central_submissions",
    "read_outbox",
    "refused_as_the_rules_say",
    "tracking_codes_match",
]

DELIVERED = "delivered"


@dataclass(frozen=True)
class Submitted:
    """What a customer submitted, as far as the central's answer depends on it.

    ``refusal``: the scenario made the submission one the central refuses whatever else happens
    (``customer_not_found``, ``invalid_fields``). ``otp_id`` and ``valid_until``: the code confirming a
    service request, and until when the central takes it (its clock); two requests given one code are a
    code used twice (the central takes the first that arrives and refuses the other as ``otp_used``)."""

    refusal: str | None = None
    otp_id: str | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True)
class Expectations:
    """What a scenario did on purpose that decides the central's answers: each reference's :class:`Submitted`
    (a reference not there was valid, with no code that could expire) and the central's clock when judged
    (a code whose ``valid_until`` it passed expired; the clock only moves forward). ``accepted_at``: when the
    central made each service request, by idempotency key (:func:`read_accepted_at`)."""

    submitted: Mapping[str, Submitted] = field(default_factory=dict)
    central_now: datetime | None = None
    accepted_at: Mapping[str, datetime] = field(default_factory=dict)


# Every submission valid, every code live: any refusal is a request lost.
NOTHING_REFUSABLE = Expectations()


def read_accepted_at(db_path: Path, since: CentralMark = FROM_THE_START) -> dict[str, datetime]:
    """When the central made each service request after ``since`` (by its clock), by idempotency key."""
    conn = connect_read_only(db_path)
    try:
        rows = conn.execute(
            "SELECT idempotency_key, created_at FROM service_requests WHERE rowid > ?",
            (since.of("service_requests"),),
        ).fetchall()
    finally:
        conn.close()
    return {r["idempotency_key"]: datetime.fromisoformat(r["created_at"]) for r in rows}


def expected(
    central: Sequence[CentralSubmission], outbox: Sequence[OutboxRow], expect: Expectations
) -> dict[str, str]:
    """Each item's end by the central's rules: :data:`DELIVERED`, or the code the central refuses it with.

    A refusal decided by the submission itself comes first (the central checks the customer and the form
    before the code, and a refused request spends no code). Then the code: a request the central made is
    delivered; one it did not make was refused as ``otp_used`` if another request of the same code was made
    (the central consumed the code once), else as ``otp_expired`` if the central's clock passed the code's
    validity (the item waited too long); else nothing could refuse it and it must be delivered."""
    on_central = {c.idempotency_key for c in central}
    used: set[str] = set()
    for row in outbox:
        s = expect.submitted.get(row.reference)
        if s is not None and s.refusal is None and s.otp_id is not None and row.idempotency_key in on_central:
            used.add(s.otp_id)
    ends: dict[str, str] = {}
    for row in outbox:
        s = expect.submitted.get(row.reference, Submitted())
        if s.refusal is not None:
            ends[row.reference] = s.refusal
        elif s.otp_id is None or row.idempotency_key in on_central:
            ends[row.reference] = DELIVERED
        elif s.otp_id in used:
            ends[row.reference] = "otp_used"
        elif _expired(s, expect.central_now):
            ends[row.reference] = "otp_expired"
        else:
            ends[row.reference] = DELIVERED
    return ends


def _expired(s: Submitted, now: datetime | None) -> bool:
    return s.valid_until is not None and now is not None and now >= s.valid_until


# ---------------------------------------------------------------------------------------------- the four


def none_lost(
    central: Sequence[CentralSubmission],
    outbox: Sequence[OutboxRow],
    told: Iterable[str],
    expect: Expectations = NOTHING_REFUSABLE,
) -> list[Violation]:
    """Invariant 1: every reference on a customer's slip is an item delivered to the central, or refused
    with a reason staff can see; refused only if the scenario deliberately made it refusable (an item with a
    valid form and a live code that ends refused is a request lost)."""
    found: list[str] = []
    items = {row.reference: row for row in outbox}
    keys = {c.idempotency_key for c in central}
    ends = expected(central, outbox, expect)
    for reference in told:
        item = items.get(reference)
        if item is None:
            found.append(f"{reference}: the customer has it on a slip; the outbox does not")
            continue
        match item.state:
            case "delivered":
                if item.idempotency_key not in keys:
                    found.append(f"{reference}: delivered; the central has nothing under its key")
            case "refused":
                if ends[reference] == DELIVERED:
                    found.append(
                        f"{reference}: refused ({item.refusal}), though nothing made it refusable: lost"
                    )
                elif not item.refusal:
                    found.append(f"{reference}: refused without a reason for staff")
            case _:
                found.append(f"{reference}: {item.state} ({item.refusal}), neither delivered nor refused")
    return [Violation(1, m) for m in found]


def none_duplicated(central: Sequence[CentralSubmission], outbox: Sequence[OutboxRow]) -> list[Violation]:
    """Invariant 2: one central row per key and per reference, each of them one outbox item's."""
    found: list[str] = []
    per_key = Counter(c.idempotency_key for c in central)
    per_reference = Counter(c.client_reference for c in central if c.client_reference is not None)
    found += [f"key {key}: {n} central rows" for key, n in sorted(per_key.items()) if n > 1]
    found += [f"reference {ref}: {n} central rows" for ref, n in sorted(per_reference.items()) if n > 1]
    items = {row.idempotency_key: row for row in outbox}
    for c in central:
        item = items.get(c.idempotency_key)
        if item is None:
            found.append(f"central {c.kind} {c.code} ({c.client_reference}) under a key no outbox item has")
        elif (item.reference, item.kind) != (c.client_reference, c.kind):
            found.append(
                f"central {c.kind} {c.code} under item {item.id}'s key has {c.client_reference}, "
                f"the item is the {item.kind} {item.reference}"
            )
    references = Counter(row.reference for row in outbox)
    found += [f"outbox reference {ref} on {n} items" for ref, n in sorted(references.items()) if n > 1]
    return [Violation(2, m) for m in found]


def tracking_codes_match(
    central: Sequence[CentralSubmission], outbox: Sequence[OutboxRow]
) -> list[Violation]:
    """Invariant 3: a delivered item's tracking code is the central's row's for its key and reference."""
    found: list[str] = []
    by_key: dict[str, list[CentralSubmission]] = defaultdict(list)
    by_reference: dict[str, list[CentralSubmission]] = defaultdict(list)
    for c in central:
        by_key[c.idempotency_key].append(c)
        if c.client_reference is not None:
            by_reference[c.client_reference].append(c)
    for row in outbox:
        if row.state != "delivered":
            continue
        theirs = {(c.kind, c.code) for c in by_key[row.idempotency_key] + by_reference[row.reference]}
        if theirs != {(row.kind, row.tracking_code)}:
            found.append(
                f"item {row.id} ({row.reference}) has {row.tracking_code}; the central {sorted(theirs)}"
            )
    return [Violation(3, m) for m in found]


def payloads_erased(outbox: Sequence[OutboxRow]) -> list[Violation]:
    """Invariant 4: the personal payload is kept exactly as long as the item is queued."""
    found = [
        f"item {row.id} ({row.reference}) is {row.state} "
        f"{'with its personal payload' if row.has_payload else 'without a payload to send'}"
        for row in outbox
        if row.has_payload != (row.state == "queued")
    ]
    return [Violation(4, m) for m in found]


def refused_as_the_rules_say(
    central: Sequence[CentralSubmission],
    outbox: Sequence[OutboxRow],
    expect: Expectations,
    for_staff: Collection[str] | None = None,
) -> list[Violation]:
    """Invariant 5: each answered item ended as :func:`expected` says; a refused one names its reason, has no
    central row (under its key or its reference) and is among ``for_staff`` (the references
    :meth:`Outbox.refusals` lists, when given); one code confirmed at most one request, before it expired."""
    found: list[str] = []
    ends = expected(central, outbox, expect)
    by_key = {c.idempotency_key for c in central}
    by_reference = {c.client_reference for c in central}
    for row in outbox:
        want = ends[row.reference]
        if row.state == "delivered" and want != DELIVERED:
            found.append(
                f"item {row.id} ({row.reference}) delivered; the central must have refused it: {want}"
            )
        if row.state != "refused":
            continue
        if want != row.refusal and want != DELIVERED:  # an unexpected refusal is invariant 1's: a loss
            found.append(
                f"item {row.id} ({row.reference}) refused as {row.refusal}; the scenario made it {want}"
            )
        if not row.refusal:
            found.append(f"item {row.id} ({row.reference}) refused without a reason")
        if row.idempotency_key in by_key or row.reference in by_reference:
            found.append(f"item {row.id} ({row.reference}) refused ({row.refusal}); the central has it")
        if for_staff is not None and row.reference not in for_staff:
            found.append(f"item {row.id} ({row.reference}) refused ({row.refusal}); staff are not shown it")
    made: Counter[str] = Counter()
    for row in outbox:
        s = expect.submitted.get(row.reference)
        if s is None or s.otp_id is None or row.idempotency_key not in by_key:
            continue
        made[s.otp_id] += 1
        accepted = expect.accepted_at.get(row.idempotency_key)
        if s.valid_until is not None and accepted is not None and accepted >= s.valid_until:
            found.append(f"item {row.id} ({row.reference}) made on the central after its code expired")
    found += [f"code {otp}: {n} requests made with it" for otp, n in sorted(made.items()) if n > 1]
    return [Violation(5, m) for m in found]


def check(
    central: Sequence[CentralSubmission],
    outbox: Sequence[OutboxRow],
    told: Iterable[str],
    expect: Expectations = NOTHING_REFUSABLE,
    for_staff: Collection[str] | None = None,
) -> list[Violation]:
    return [
        *none_lost(central, outbox, told, expect),
        *none_duplicated(central, outbox),
        *tracking_codes_match(central, outbox),
        *payloads_erased(outbox),
        *refused_as_the_rules_say(central, outbox, expect, for_staff),
    ]


def assert_outbox_invariants(
    central_db: Path,
    outbox: Path,
    told: Iterable[str],
    *,
    since: CentralMark = FROM_THE_START,
    context: str = "",
    expect: Expectations = NOTHING_REFUSABLE,
) -> None:
    """Raise :class:`InvariantError` listing every broken promise (``context`` says which scenario)."""
    violations = check(read_central_submissions(central_db, since), read_outbox(outbox), told, expect)
    if violations:
        raise InvariantError(violations, context)
