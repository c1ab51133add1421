"""What service requests and outage reports share as submissions a kiosk may queue offline: the
fingerprint an Idempotency-Key replay must match, and the kiosk's own unique reference."""

from __future__ import annotations

import hashlib
from typing import Literal

from kiosk_central import errors, schemas
from kiosk_central.db import Connection

SubmissionTable = Literal["service_requests", "outage_reports"]


def fingerprint(body: schemas.RequestCreate | schemas.OutageReportCreate) -> str:
    """What a replay under the same Idempotency-Key must match. A body without a client reference hashes
    as it did before that field existed, so a kiosk's queued retry still matches after an upgrade."""
    exclude = {"client_reference"} if body.client_reference is None else None
    return hashlib.sha256(body.model_dump_json(exclude=exclude).encode()).hexdigest()


def check_unused(conn: Connection, table: SubmissionTable, client_reference: str | None) -> None:
    """409 ``client_reference_reused`` if another submission (under another Idempotency-Key: a replay is
    found by its key first) already has this reference. The UNIQUE index is the backstop."""
    if client_reference is None:
        return
    # `table` is one of two literals, never input.
    found = conn.execute(f"SELECT 1 FROM {table} WHERE client_reference = ?", (client_reference,))
    if found.fetchone() is not None:
        raise errors.conflict(
            "client_reference_reused",
            "this client_reference was used with another Idempotency-Key",
            client_reference=client_reference,
        )
