"""What staff see of the kiosk's health: the printer, the central, the heartbeat and the work waiting for them;
and the printouts listed for reprinting. Values the staff desk makes and the staff screens show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.printing.printer_status import PrinterStatus


class CentralState(StrEnum):
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"  # network down or central not answering
    REFUSED = "refused"  # the central does not accept this kiosk's token


@dataclass(frozen=True)
class KioskHealth:
    """What staff see first: is the kiosk able to serve, and what is waiting for them."""

    kiosk_id: str
    version: str
    printer: PrinterStatus | None  # None: this kiosk has no printer configured
    central: CentralState
    heartbeat_at: datetime | None  # when the central last acknowledged a heartbeat
    outbox_depth: int  # requests and reports saved on the kiosk, not yet with the central
    pending_payments: int  # payments still followed to their outcome
    prints_for_staff: int  # receipts and slips that did not come out for the customer
    refused_requests: int  # requests the central refused: a staff call-back is needed
    default_language: str


@dataclass(frozen=True)
class Printout:
    """A receipt or slip in the print journal, as the reprint list shows it (no personal data)."""

    job_id: int
    kind: str  # RECEIPT_KIND, SLIP_KIND, ...
    reference: str  # what the paper itself shows: a receipt's number, a slip's tracking code
    created_at: datetime
    printed: bool  # the printer confirmed it at least once
