"""What the print journal records about a job, as plain values (no database here: staff screens and the end-of-day
report show them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.printing.document import Document

__all__ = ["JobState", "JournalEntry"]


class JobState(StrEnum):
    QUEUED = "queued"  # in the journal, nothing sent yet
    SENT = "sent"  # bytes went to the printer, no answer yet
    CONFIRMED = "confirmed"  # the printer confirmed it processed the whole job
    FAILED = "failed"  # the printer refused or stopped (paper out, cover open, offline): not printed whole
    UNKNOWN = "unknown"  # sent, but the printer could not tell: treat as not printed


@dataclass(frozen=True)
class JournalEntry:
    id: int
    kind: str
    reference: str
    document: Document
    state: JobState
    attempts: int
    last_status: str | None
    last_detail: str | None
    created_at: datetime
    updated_at: datetime
