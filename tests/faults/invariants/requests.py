"""The outbox's promises, checked from the two places that hold the truth: the central's SQLite database and
the kiosk's outbox file, plus the references the customers were given on their slips.

1. None lost: every submission a customer was told about is in the outbox, delivered, and on the central.
2. None duplicated: at most one central row per idempotency key and per client reference, and every central
   row made meanwhile is one outbox item's, under its key and with its reference.
3. Tracking codes match: a delivered item's tracking code (or outage report id) is the central's for its
   key and reference, in the table of its kind.
4. Payloads erased: no delivered or refused item keeps its personal payload (and no queued one lost it).

The checks read SQLite directly, not through :class:`~kiosk.requests.outbox.Outbox`, so that a bug there
cannot hide a broken promise. The central is shared by many scenarios: :func:`central_mark` notes where its
tables end, and :func:`read_central_submissions` reads only the rows made after that.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.faults.invariants.reading import (
    FROM_THE_START,
    CentralMark,
    CentralSubmission,
    OutboxRow,
    central_mark,
    read_central_submissions,
    read_outbox,
)
from tests.faults.invariants.violations import InvariantError, Violation

__all__ = [
    "CentralMark",
    "CentralSubmission",
    "OutboxRow",
    "assert_outbox_invariants",
    "central_mark",
    "check",
    "none_duplicated",
    "none_lost",
    "payloads_erased",
    "read_central_submissions",
    "read_outbox",
    "tracking_codes_match",
]


# ---------------------------------------------------------------------------------------------- the four


def none_lost(
    central: Sequence[CentralSubmission], outbox: Sequence[OutboxRow], told: Iterable[str]
) -> list[Violation]:
    """Invariant 1: every reference on a customer's slip is an item delivered to the central."""
    found: list[str] = []
    items = {row.reference: row for row in outbox}
    keys = {c.idempotency_key for c in central}
    for reference in told:
        item = items.get(reference)
        if item is None:
            found.append(f"{reference}: the customer has it on a slip; the outbox does not")
            continue
        if item.state != "delivered":
            found.append(f"{reference}: {item.state} ({item.refusal}), not delivered")
        if item.idempotency_key not in keys:
            found.append(f"{reference}: the central has nothing under its key")
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


def check(
    central: Sequence[CentralSubmission], outbox: Sequence[OutboxRow], told: Iterable[str]
) -> list[Violation]:
    return [
        *none_lost(central, outbox, told),
        *none_duplicated(central, outbox),
        *tracking_codes_match(central, outbox),
        *payloads_erased(outbox),
    ]


def assert_outbox_invariants(
    central_db: Path,
    outbox: Path,
    told: Iterable[str],
    *,
    since: CentralMark = FROM_THE_START,
    context: str = "",
) -> None:
    """Raise :class:`InvariantError` listing every broken promise (``context`` says which scenario)."""
    violations = check(read_central_submissions(central_db, since), read_outbox(outbox), told)
    if violations:
        raise InvariantError(violations, context)
