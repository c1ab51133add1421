"""The payment receipt, built from the payment journal alone: the same paper whenever it is printed, even days
later by staff for a customer whose money arrived after they left."""

from __future__ import annotations

from kiosk.customer.bill_name import bill_name, bill_period, invoice_text
from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM
from kiosk.payments.records import JournalPayment
from kiosk.printing.document import Document

__all__ = ["RECEIPT_KIND", "receipt_document"]

RECEIPT_KIND = "payment_receipt"


def receipt_document(
    tr: Translator, payment: JournalPayment, *, location: str, kiosk_id: str, lookup_url: str
) -> Document:
    """The receipt of a confirmed payment, in ``tr``'s language. ``lookup_url`` holds ``{reference}``."""
    # With the first printout: its 16 dataclasses would cost every start ~15 ms.
    from kiosk.printing.documents import (
        BillLine,
        Header,
        PaymentReceipt,
        PaymentReceiptLabels,
        payment_receipt,
    )

    if payment.receipt_number is None or payment.paid_at is None or payment.reference is None:
        raise ValueError("only a confirmed payment has a receipt")
    order = payment.order
    vietnamese = tr.language == "vi"
    labels = PaymentReceiptLabels(
        title=tr._("receipt.title"),
        receipt_number=tr._("receipt.number"),
        time=tr._("receipt.time"),
        kiosk=tr._("receipt.kiosk"),
        customer_code=tr._("receipt.customer_code"),
        customer_name=tr._("receipt.customer_name"),
        bills=tr._("receipt.bills"),
        kwh=tr._("receipt.kwh"),
        total=tr._("receipt.total"),
        method=tr._("receipt.method"),
        reference=tr._("receipt.reference"),
        lookup=tr._("receipt.lookup"),
        footer=tr._("receipt.footer", hotline=order.hotline),
    )
    data = PaymentReceipt(
        header=Header(
            organisation=(order.corporation_vi if vietnamese else order.corporation_en).upper(),
            location=location,
            kiosk_id=kiosk_id,
        ),
        receipt_number=payment.receipt_number,
        paid_at=payment.paid_at.astimezone(VIETNAM),
        customer_code=order.customer_code,
        customer_name=order.customer_name,
        bills=[
            BillLine(
                name=bill_name(tr, b.period_end),
                period=bill_period(tr, b.period_start, b.period_end),
                invoice=invoice_text(tr, b.invoice_serial, b.invoice_number) if b.invoice_number else "",
                kwh=b.kwh,
                amount=b.amount,
            )
            for b in order.bills
        ],
        total=payment.amount,
        method=order.method_vi if vietnamese else order.method_en,
        bank_reference=payment.reference,
        lookup_url=lookup_url.replace("{reference}", payment.reference),
    )
    return payment_receipt(data, labels, locale=tr.locale)
