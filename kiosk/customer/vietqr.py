"""VietQR (NAPAS, EMVCo merchant-presented mode) payloads: build them and check them.

The reference central server issues a payload for each payment; the kiosk decodes it again before drawing
it, so that a corrupted or foreign payload becomes a known error screen instead of a QR code that a banking
app rejects - or, worse, one that sends the customer's money somewhere else. Both sides share this module,
so it is pure stdlib.

The payload is a flat list of EMVCo TLV fields, ``ID(2) LEN(2) VALUE``; tags 38 and 62 are templates that
hold nested TLV lists, and tag 63 comes last with a CRC-16/CCITT-FALSE over everything before its 4 digits.

Decisions, stricter than the EMVCo text where that keeps the kiosk safe:

- The CRC must be four *uppercase* hex digits, as the NAPAS spec writes it. Our server never emits
  lowercase, so a lowercase CRC means a payload we did not issue.
- Tag 00 must be the first field and tag 63 the last; no tag may appear twice, at any level; a length of
  ``00`` is malformed (EMVCo lengths run from 01 to 99). Otherwise top-level fields may come in any order.
- Tag 01 is required: a kiosk must know whether a code is one-time. A dynamic code must carry an amount.
- Lengths count characters and the CRC covers the UTF-8 bytes, as EMVCo and common decoders do. Non-ASCII
  text is tolerated only inside fields we ignore (e.g. tag 64); every field we read must be ASCII.
- Unknown top-level tags and unknown sub-tags of 62 are ignored. Unknown sub-tags of 38 are rejected: 38
  says who gets the money, and a field we do not understand there could change that.
- Purpose and bill number may not start or end with a space: banks trim them, and the central system
  matches the bank's notification to the payment on that exact reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["VietQR", "VietQRError", "VietQRErrorReason", "crc16_ccitt_false", "decode", "encode"]

VietQRErrorReason = Literal[
    "malformed_tlv",  # not ID(2) LEN(2) VALUE all the way through, at the top level or inside 38/62
    "duplicate_tag",
    "bad_crc",  # missing, misplaced, not uppercase hex, or wrong
    "missing_field",
    "unsupported_format",  # tag 00 is not "01", tag 01 is not "11"/"12", or an unknown sub-tag in 38
    "wrong_guid",  # tag 38 is not addressed to NAPAS (A000000727)
    "bad_service",
    "bad_bank_bin",
    "bad_account",
    "bad_currency",
    "bad_country",
    "bad_amount",
    "bad_purpose",
    "bad_bill_number",
]

NAPAS_GUID = "A000000727"
SERVICES = frozenset({"QRIBFTTA", "QRIBFTTC"})  # NAPAS 247 to an account / to a card
MAX_AMOUNT = 10**13 - 1  # EMVCo caps tag 54 at 13 characters; VND has no minor unit, so no decimal point

_TWO_DIGITS = re.compile(r"[0-9]{2}")
_BANK_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
# Printable ASCII, 1-25 characters, no space at either end. Vietnamese diacritics are deliberately outside it.
_REFERENCE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,23}[\x21-\x7e])?")
_AMOUNT = re.compile(r"[1-9][0-9]{0,12}")
_CRC = re.compile(r"[0-9A-F]{4}")


class VietQRError(ValueError):
    """A payload or a field that is not a VietQR we can issue or safely show.

    ``reason`` is machine-readable (the kiosk maps it to a screen and a log line); the message is for people.
    """

    def __init__(self, reason: VietQRErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason: VietQRErrorReason = reason


def crc16_ccitt_false(data: bytes) -> int:
    """The VietQR tag 63 checksum: CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection/xorout)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


@dataclass(frozen=True)
class VietQR:
    """A VietQR transfer: who receives, how much, and the reference the bank reports back.

    Construction validates every field, so an instance always encodes to a payload banking apps accept.
    """

    bank_bin: str  # 6-digit NAPAS bank identification number
    account_number: str  # 1-19 ASCII letters or digits
    amount: int | None  # whole đồng, > 0
    purpose: str | None  # tag 62/08, the reference the central system matches payments on
    bill_number: str | None  # tag 62/01
    dynamic: bool  # tag 01: "12" one-time (must carry an amount) or "11" static
    service: str = "QRIBFTTA"
    currency: str = "704"  # ISO 4217 numeric, VND
    country: str = "VN"

    def __post_init__(self) -> None:
        _validate(self)


def _validate(qr: VietQR) -> None:
    if not _matches(_BANK_BIN, qr.bank_bin):
        raise VietQRError("bad_bank_bin", f"bank BIN must be 6 digits, got {qr.bank_bin!r}")
    if not _matches(_ACCOUNT, qr.account_number):
        raise VietQRError("bad_account", "account number must be 1-19 ASCII letters or digits")
    if qr.amount is not None and (
        isinstance(qr.amount, bool) or not isinstance(qr.amount, int) or not 0 < qr.amount <= MAX_AMOUNT
    ):
        raise VietQRError("bad_amount", f"amount must be whole đồng, 1 to {MAX_AMOUNT}; got {qr.amount!r}")
    if qr.dynamic and qr.amount is None:
        raise VietQRError("bad_amount", "a dynamic (one-time) VietQR must carry an amount")
    if qr.purpose is not None and not _matches(_REFERENCE, qr.purpose):
        raise VietQRError(
            "bad_purpose", "purpose must be 1-25 printable ASCII characters (no diacritics, no outer spaces)"
        )
    if qr.bill_number is not None and not _matches(_REFERENCE, qr.bill_number):
        raise VietQRError(
            "bad_bill_number", "bill number must be 1-25 printable ASCII characters (no outer spaces)"
        )
    if qr.service not in SERVICES:
        raise VietQRError("bad_service", f"service must be one of {sorted(SERVICES)}, got {qr.service!r}")
    if qr.currency != "704":
        raise VietQRError("bad_currency", f"currency must be 704 (VND), got {qr.currency!r}")
    if qr.country != "VN":
        raise VietQRError("bad_country", f"country must be VN, got {qr.country!r}")


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    # Takes `object`: the dataclass does not check types at run time, and `fullmatch` on a non-str raises
    # TypeError, which must surface as a VietQRError like every other bad field.
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _tlv(tag: str, value: str) -> str:
    if not 0 < len(value) <= 99:  # unreachable after _validate; a guard so no bad length is ever written
        raise VietQRError("malformed_tlv", f"tag {tag} value has {len(value)} characters; allowed 1-99")
    return f"{tag}{len(value):02d}{value}"


def encode(qr: VietQR) -> str:
    """Build the payload for ``qr`` in the NAPAS tag order, ending with its CRC (tag 63)."""
    # Validated again: a frozen dataclass can still be altered with object.__setattr__, and this is the
    # last gate before a code is drawn or printed.
    _validate(qr)
    account = _tlv("00", qr.bank_bin) + _tlv("01", qr.account_number)
    beneficiary = _tlv("00", NAPAS_GUID) + _tlv("01", account) + _tlv("02", qr.service)
    payload = _tlv("00", "01") + _tlv("01", "12" if qr.dynamic else "11") + _tlv("38", beneficiary)
    payload += _tlv("53", qr.currency)
    if qr.amount is not None:
        payload += _tlv("54", str(qr.amount))
    payload += _tlv("58", qr.country)
    additional = ""
    if qr.bill_number is not None:
        additional += _tlv("01", qr.bill_number)
    if qr.purpose is not None:
        additional += _tlv("08", qr.purpose)
    if additional:
        payload += _tlv("62", additional)
    payload += "6304"
    return payload + f"{crc16_ccitt_false(payload.encode('utf-8')):04X}"


def _parse_tlv(text: str, where: str) -> list[tuple[str, str]]:
    """Split ``text`` into (tag, value) pairs exactly: no truncated field, no leftovers, no repeated tag."""
    fields: list[tuple[str, str]] = []
    seen: set[str] = set()
    pos = 0
    while pos < len(text):
        tag, length = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not (_TWO_DIGITS.fullmatch(tag) and _TWO_DIGITS.fullmatch(length)) or length == "00":
            raise VietQRError("malformed_tlv", f"{where}: no valid ID and length at offset {pos}")
        end = pos + 4 + int(length)
        if end > len(text):
            raise VietQRError("malformed_tlv", f"{where}: tag {tag} says {length} characters; fewer remain")
        if tag in seen:
            raise VietQRError("duplicate_tag", f"{where}: tag {tag} appears more than once")
        seen.add(tag)
        fields.append((tag, text[pos + 4 : end]))
        pos = end
    return fields


def _required(fields: dict[str, str], tag: str, where: str) -> str:
    if tag not in fields:
        raise VietQRError("missing_field", f"{where}: required tag {tag} is missing")
    return fields[tag]


def decode(payload: str) -> VietQR:
    """Parse and check a payload strictly; raise :class:`VietQRError` for anything we would not issue."""
    try:
        data = payload.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be in a scanned code
        raise VietQRError("malformed_tlv", "payload is not valid Unicode text") from None
    ordered = _parse_tlv(payload, "payload")
    if not ordered:
        raise VietQRError("malformed_tlv", "payload is empty")
    top = dict(ordered)
    if "63" not in top:
        raise VietQRError("missing_field", "payload has no CRC (tag 63)")
    if ordered[-1][0] != "63" or len(top["63"]) != 4:
        raise VietQRError("bad_crc", "the CRC (tag 63, length 04) must be the last field")
    if not _CRC.fullmatch(top["63"]):
        raise VietQRError("bad_crc", f"CRC must be 4 uppercase hex digits, got {top['63']!r}")
    # The CRC covers everything except its own 4 digits; a surrogate-free str has the same tail in UTF-8.
    if int(top["63"], 16) != crc16_ccitt_false(data[:-4]):
        raise VietQRError("bad_crc", "CRC does not match: the payload is corrupted or was altered")
    # Structure and integrity are settled; from here on every error is about content.
    if ordered[0] != ("00", "01"):
        raise VietQRError("unsupported_format", "tag 00 must come first with value 01")
    method = _required(top, "01", "payload")
    if method not in ("11", "12"):
        raise VietQRError("unsupported_format", f"tag 01 must be 11 (static) or 12 (dynamic), got {method!r}")

    beneficiary = dict(_parse_tlv(_required(top, "38", "payload"), "tag 38"))
    if unknown := sorted(beneficiary.keys() - {"00", "01", "02"}):
        raise VietQRError("unsupported_format", f"tag 38 has sub-tags we do not understand: {unknown}")
    if _required(beneficiary, "00", "tag 38") != NAPAS_GUID:
        raise VietQRError("wrong_guid", f"tag 38 is not a NAPAS VietQR (GUID {beneficiary['00']!r})")
    account = dict(_parse_tlv(_required(beneficiary, "01", "tag 38"), "tag 38/01"))
    if unknown := sorted(account.keys() - {"00", "01"}):
        raise VietQRError("unsupported_format", f"tag 38/01 has sub-tags we do not understand: {unknown}")
    service = _required(beneficiary, "02", "tag 38")

    amount: int | None = None
    if "54" in top:
        if not _AMOUNT.fullmatch(top["54"]):
            raise VietQRError("bad_amount", f"amount must be whole đồng, no leading zero; got {top['54']!r}")
        amount = int(top["54"])
    # Unknown sub-tags of 62 (store, terminal, ...) are parsed strictly, then ignored.
    additional = dict(_parse_tlv(top.get("62", ""), "tag 62"))

    return VietQR(
        bank_bin=_required(account, "00", "tag 38/01"),
        account_number=_required(account, "01", "tag 38/01"),
        amount=amount,
        purpose=additional.get("08"),
        bill_number=additional.get("01"),
        dynamic=method == "12",
        service=service,
        currency=_required(top, "53", "payload"),
        country=_required(top, "58", "payload"),
    )
