"""Checking a VietQR payload the central issued before the kiosk draws or prints it.

A code that pays the wrong amount or the wrong account costs a customer real money, and on paper it outlives any
correction; so the kiosk decodes every payload strictly (TLV structure, lengths, CRC) and compares it with what
it expects, and refuses to show one that differs.
"""

from __future__ import annotations

from kiosk.customer.vietqr import VietQR, VietQRError, decode

__all__ = ["QrRefusedError", "check_qr"]


class QrRefusedError(ValueError):
    """The payload failed the kiosk's checks; the reason is for the log and the report, not the customer."""


def check_qr(
    payload: str, *, amount: int, bank_bin: str, account_number: str, reference: str, dynamic: bool
) -> VietQR:
    """The decoded payload, if it is a VietQR to ``bank_bin``/``account_number`` for exactly ``amount`` đồng
    carrying ``reference``; otherwise :class:`QrRefusedError`."""
    try:
        decoded = decode(payload)
    except VietQRError as exc:
        raise QrRefusedError(f"the QR does not decode: {exc}") from None
    if decoded.amount != amount:
        raise QrRefusedError(f"the QR asks for {decoded.amount} đồng, not {amount}")
    if decoded.currency != "704" or decoded.country != "VN":
        raise QrRefusedError("the QR is not in đồng")
    if (decoded.bank_bin, decoded.account_number) != (bank_bin, account_number):
        raise QrRefusedError("the QR pays another account than the central names")
    if decoded.purpose != reference:
        raise QrRefusedError("the QR carries another reference than the central names")
    if decoded.dynamic != dynamic:
        raise QrRefusedError(
            "the QR is static where a one-time code is needed" if dynamic else "the QR is one-time"
        )
    return decoded
