"""The kiosk's print desk: the four documents a customer takes away (the payment receipt, the request slip, the
bill notice and the area's outage schedule), each in the customer's language, through the print journal, and
on screen instead of on paper where the printer is the demo's preview printer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Settings
from kiosk.devices.paperless_printers import PreviewPrinter
from kiosk.flows.bill_lookup import NoticeOutcome
from kiosk.flows.bill_notice import NoticeRefusedError, bill_notice_document
from kiosk.flows.navigation import Navigator
from kiosk.flows.outage_schedule import schedule_document
from kiosk.flows.states.frame import PrintPreview
from kiosk.flows.states.requests import SlipProgress
from kiosk.language.catalogs import Translator
from kiosk.language.codes import Language
from kiosk.language.time_zone import VIETNAM
from kiosk.payments.keeper import ReceiptPrint
from kiosk.payments.receipt import RECEIPT_KIND, receipt_document
from kiosk.payments.records import JournalPayment
from kiosk.printing.document import Document
from kiosk.printing.service import PrintOutcome, PrintService
from kiosk.requests.records import OutboxItem
from kiosk.requests.slip import SLIP_KIND, slip_document

if TYPE_CHECKING:
    from kiosk.central.models import Bill, BillPaymentQr, Customer, Outage, Service

__all__ = ["PrintDesk"]

log = logging.getLogger(__name__)


class PrintDesk:
    """Prints for the customer at the screen. It is the payment keeper's receipt desk (``print_receipt``) and
    the print port of the bill, request and outage flows."""

    def __init__(
        self, settings: Settings, tr: Translator, printing: PrintService | None, navigator: Navigator
    ) -> None:
        self._settings = settings
        self._tr = tr
        self._printing = printing
        self._nav = navigator
        # Receipts shown on screen by a preview printer, by payment row: the "received" screen shows them once.
        self._receipt_previews: dict[int, Path] = {}

    def receipt_preview(self, payment: JournalPayment) -> Path | None:
        return self._receipt_previews.get(payment.id)

    def forget(self) -> None:
        """The session ended: no earlier customer's receipt is shown again."""
        self._receipt_previews.clear()

    async def print_document(self, document: Document, *, kind: str, reference: str) -> PrintOutcome | None:
        """Prints through the journal (None when this kiosk has no printer). A preview printer's page is then
        shown on screen, where the customer would otherwise look at the paper."""
        if self._printing is None:
            return None
        outcome = await self._printing.print_document(document, kind=kind, reference=reference)
        preview = self._preview_of(outcome)
        if preview is not None:
            self._nav.go(PrintPreview(preview))
        return outcome

    def _preview_of(self, outcome: PrintOutcome) -> Path | None:
        """The page a preview printer saved for a job it printed; None for real paper."""
        printer = self._printing.printer if self._printing is not None else None
        if outcome.printed and isinstance(printer, PreviewPrinter) and printer.saved:
            return printer.saved[-1]
        return None

    async def print_receipt(self, payment: JournalPayment) -> ReceiptPrint:
        """The keeper's receipt desk: the receipt, in the customer's language, printed at most once."""
        if self._printing is None:
            return ReceiptPrint(printed=False, job_id=None)
        language: Language = "en" if payment.order.language == "en" else "vi"
        lookup = self._central_page(self._settings.payment.receipt_lookup_url, "/receipts/{reference}")
        document = receipt_document(
            self._tr.in_language(language),
            payment,
            location=self._settings.location_name,
            kiosk_id=self._settings.kiosk_id,
            lookup_url=lookup,
        )
        outcome = await self._printing.print_unique(
            document, kind=RECEIPT_KIND, reference=payment.payment_id or ""
        )
        preview = self._preview_of(outcome)
        if preview is not None:
            self._receipt_previews[payment.id] = preview
        return ReceiptPrint(printed=outcome.printed, job_id=outcome.job_id)

    def _central_page(self, configured: str | None, path: str) -> str:
        """The address a printout's QR opens on the customer's phone: the configured one, else the central's
        own public page."""
        return configured or self._settings.central.url.rstrip("/") + path

    async def print_slip(
        self, service: Service, item: OutboxItem, hotline: str | None
    ) -> tuple[SlipProgress, Path | None]:
        """The request slip, in the customer's language, printed at most once per request."""
        if self._printing is None:
            return SlipProgress.NOT_PRINTED, None
        tracking = self._central_page(self._settings.requests.tracking_url, "/track/{reference}")
        document = slip_document(
            self._tr,
            service,
            item,
            location=self._settings.location_name,
            kiosk_id=self._settings.kiosk_id,
            hotline=hotline or self._settings.hotline,
            tracking_url=tracking,
        )
        outcome = await self._printing.print_unique(document, kind=SLIP_KIND, reference=item.reference)
        preview = self._preview_of(outcome)
        if preview is not None:
            return SlipProgress.PREVIEW, preview
        return (SlipProgress.PRINTED if outcome.printed else SlipProgress.NOT_PRINTED), None

    async def print_schedule(self, customer: Customer, outages: tuple[Outage, ...]) -> bool:
        """The area's outage schedule on paper (a preview printer's page is shown instead)."""
        now = datetime.now(UTC)
        document = schedule_document(
            self._tr,
            customer,
            outages,
            now=now,
            location=self._settings.location_name,
            kiosk_id=self._settings.kiosk_id,
        )
        reference = f"{customer.code}-{now.astimezone(VIETNAM):%Y%m%d%H%M}"
        outcome = await self.print_document(document, kind="outage_schedule", reference=reference)
        return outcome is not None and outcome.printed

    async def print_notice(self, customer: Customer, bill: Bill, qr: BillPaymentQr) -> NoticeOutcome:
        if self._printing is None:
            return NoticeOutcome(printed=False)
        try:
            document = bill_notice_document(
                self._tr,
                customer,
                bill,
                qr,
                location=self._settings.location_name,
                kiosk_id=self._settings.kiosk_id,
            )
        except NoticeRefusedError as exc:
            log.warning("bill notice not printed: %s", exc)
            return NoticeOutcome(printed=False)
        outcome = await self._printing.print_document(document, kind="bill_notice", reference=bill.id)
        return NoticeOutcome(printed=outcome.printed, preview=self._preview_of(outcome))
