"""The paper bill notice for one unpaid bill, in the customer's language, with the central's payment QR.

The QR is checked before it is printed: a code on paper that pays the wrong amount or the wrong account would
outlive any correction, so a payload that does not decode, or that asks for another amount than the bill's
total or is for another recipient, is refused (:class:`NoticeRefusedError`) and never printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.customer.bill_name import bill_name, invoice_text
from kiosk.language.catalogs import Translator
from kiosk.payments.qr_check import QrRefusedError, check_qr
from kiosk.printing.document import Document

if TYPE_CHECKING:
    from kiosk.central.models import Bill, BillPaymentQr, Customer


class NoticeRefusedError(QrRefusedError):
    """The central's QR for a bill failed the kiosk's checks (the reason is for the log, not the customer)."""


def check_bill_qr(bill: Bill, qr: BillPaymentQr) -> None:
    if qr.bill_id != bill.id or qr.amount != bill.total:
        raise NoticeRefusedError("the bill QR is for another bill or amount")
    try:
        # A bill's own code is printed and paid later, once: dynamic, like a payment's.
        check_qr(
            qr.qr_payload,
            amount=bill.total,
            bank_bin=qr.recipient.bank_bin,
            account_number=qr.recipient.account_number,
            reference=qr.reference,
            dynamic=True,
        )
    except QrRefusedError as exc:
        raise NoticeRefusedError(f"bill notice: {exc}") from None


def bill_notice_document(
    tr: Translator, customer: Customer, bill: Bill, qr: BillPaymentQr, *, location: str, kiosk_id: str
) -> Document:
    """Raises NoticeRefusedError when the QR fails :func:`check_bill_qr`."""
    # With the first printout: its 16 dataclasses would cost every start ~15 ms.
    from kiosk.printing.documents import (
        BillNotice,
        BillNoticeLabels,
        Header,
        TariffLine,
        bill_notice,
    )

    check_bill_qr(bill, qr)
    corporation = customer.corporation.name.vi if tr.language == "vi" else customer.corporation.name.en
    labels = BillNoticeLabels(
        title=tr._("notice.title"),
        unpaid_banner=tr._("notice.unpaid"),
        customer_code=tr._("notice.customer_code"),
        customer_name=tr._("notice.customer_name"),
        address=tr._("notice.address"),
        period=tr._("notice.period"),
        meter=tr._("notice.meter"),
        index=tr._("notice.index"),
        kwh=tr._("notice.kwh"),
        tier=tr._("notice.tier"),
        price=tr._("notice.price"),
        amount=tr._("notice.amount"),
        subtotal=tr._("notice.subtotal"),
        vat=tr._("notice.vat"),
        total=tr._("notice.total"),
        due=tr._("notice.due"),
        scan_to_pay=tr._("notice.scan_to_pay"),
        footer=tr._("notice.footer", hotline=customer.corporation.hotline),
    )
    tiers = [
        TariffLine(tr._("bill.tier", tier=line.tier), line.kwh, line.unit_price, line.amount)
        for line in bill.tiers
    ]
    data = BillNotice(
        header=Header(organisation=corporation.upper(), location=location, kiosk_id=kiosk_id),
        name=bill_name(tr, bill.period_end),
        invoice=invoice_text(tr, bill.invoice_serial, bill.invoice_number),
        customer_code=customer.code,
        customer_name=customer.name,
        address=customer.address,
        period_from=bill.period_start,
        period_to=bill.period_end,
        meter_serial=bill.meter_serial,
        index_from=bill.opening_index,
        index_to=bill.closing_index,
        kwh=bill.kwh,
        tariff=tiers,
        subtotal=bill.subtotal,
        vat_percent=round(bill.vat_rate * 100),
        vat=bill.vat_amount,
        total=bill.total,
        due=bill.due_date,
        payment_qr=qr.qr_payload,
    )
    return bill_notice(data, labels, locale=tr.locale)
