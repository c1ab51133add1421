"""One name for a bill, wherever it appears: screens, receipts, notices, staff screens.

EVN names a bill after its billing month, the month its meter was read in (the period's end): a bill read on
20 May 2025 is "Hóa đơn tháng 05/2025" whatever day its period began. A receipt that named the month the
period began in would tell an elderly customer that other months were paid than the screen showed, so every
place names a bill through these functions and never formats a bill's dates itself.
"""

from __future__ import annotations

from datetime import date

from kiosk.language.catalogs import Translator

__all__ = ["bill_name", "bill_period", "billing_month", "invoice_text"]


def billing_month(period_end: date) -> date:
    """The first day of the month the bill is named after: the month of its reading date."""
    return period_end.replace(day=1)


def bill_name(tr: Translator, period_end: date) -> str:
    """``Hóa đơn tháng 05/2025`` / ``Bill for May 2025``."""
    return tr._("bill.name", month=tr.month(billing_month(period_end)))


def bill_period(tr: Translator, period_start: date, period_end: date) -> str:
    """``20/04/2025 – 20/05/2025``: the dates the bill's period runs between, as the paper bill prints them."""
    return tr._("bill.period", start=tr.date(period_start), end=tr.date(period_end))


def invoice_text(tr: Translator, serial: str, number: str) -> str:
    """The e-invoice's serial and number (ký hiệu, số), by which the power company finds the bill."""
    return tr._("bill.invoice_number", serial=serial, number=number)
