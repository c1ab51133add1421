"""The staff screens: the PIN, the kiosk's health and staff's actions, reprints, waiting work, the end-of-day
report, and closing the program."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.payments.records import JournalPayment
from kiosk.requests.records import OutboxItem
from kiosk.staff.day_report import DayReport
from kiosk.staff.health import KioskHealth, Printout
from kiosk.staff.pin_gate import PinCheck


# ---------------------------------------------------------------------------------------------- staff mode
@dataclass(frozen=True)
class StaffPin:
    """The staff PIN keypad. Only how many digits were typed is here (the screen shows dots); the digits stay
    in the flow and are dropped after each check. ``check`` is the last refusal (wrong, wait, locked, not set)."""

    entered: int = 0
    check: PinCheck | None = None


class StaffNotice(StrEnum):
    """The outcome of the last staff action, shown on the staff screen it came from."""

    TEST_PRINTED = "test_printed"
    PRINT_FAILED = "print_failed"
    PAPER_READY = "paper_ready"  # paper replaced, the printer is ready, and what waited was printed
    PAPER_STILL_OUT = "paper_still_out"  # paper replaced, but the printer still is not ready
    REPRINTED = "reprinted"
    SENDING = "sending"  # "send now": the outbox courier was woken
    LANGUAGE_SET = "language_set"
    REPORT_PRINTED = "report_printed"


@dataclass(frozen=True)
class StaffHome:
    health: KioskHealth
    notice: StaffNotice | None = None
    printed: int = 0  # how many waiting printouts "paper replaced" printed


@dataclass(frozen=True)
class StaffPrintouts:
    items: tuple[Printout, ...]  # newest first
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class StaffPending:
    """Work not finished: payments still followed, requests still on the kiosk, requests refused."""

    payments: tuple[JournalPayment, ...]
    queued: tuple[OutboxItem, ...]
    refused: tuple[OutboxItem, ...]
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class StaffDayReport:
    report: DayReport
    notice: StaffNotice | None = None


@dataclass(frozen=True)
class StaffLeave:
    """Asks staff to confirm closing the kiosk program (the only way out of the kiosk)."""
