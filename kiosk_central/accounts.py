"""Customer codes, the corporations they belong to, and masking of personal data for kiosks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk_central import schemas
from kiosk_central.schemas.common import CUSTOMER_CODE_PATTERN

# The same rule the API validates with (one string, so the route's check and the schema cannot drift apart).
CODE_PATTERN = re.compile(CUSTOMER_CODE_PATTERN)


@dataclass(frozen=True)
class CorporationInfo:
    code: schemas.CorporationCode
    name_vi: str
    name_en: str
    hotline: str


_NPC = CorporationInfo("EVNNPC", "Tổng công ty Điện lực miền Bắc", "Northern Power Corporation", "19006769")
_CPC = CorporationInfo("EVNCPC", "Tổng công ty Điện lực miền Trung", "Central Power Corporation", "19001909")
_SPC = CorporationInfo("EVNSPC", "Tổng công ty Điện lực miền Nam", "Southern Power Corporation", "19001006")
_HN = CorporationInfo("EVNHANOI", "Tổng công ty Điện lực TP Hà Nội", "Hanoi Power Corporation", "19001288")
_HCM = CorporationInfo(
    "EVNHCMC", "Tổng công ty Điện lực TP Hồ Chí Minh", "Ho Chi Minh City Power Corporation", "1900545454"
)

CORPORATION_BY_PREFIX: dict[str, CorporationInfo] = {
    "PA": _NPC, "PH": _NPC, "PM": _NPC, "PN": _NPC,
    "PB": _SPC, "PK": _SPC,
    "PC": _CPC, "PP": _CPC, "PQ": _CPC,
    "PD": _HN,
    "PE": _HCM,
}  # fmt: skip

# Fire and rescue. Danger at the grid (fallen wire, sparks) goes to the corporation's 24/7 hotline,
# fire to 114 as well.
FIRE_RESCUE_HOTLINE = "114"


class InvalidCustomerCodeError(ValueError):
    """The text is not shaped like a customer code, or its prefix names no corporation."""


def corporation_of(code: str) -> CorporationInfo:
    """The corporation a well-formed code belongs to; raises InvalidCustomerCodeError otherwise."""
    if not CODE_PATTERN.fullmatch(code):
        raise InvalidCustomerCodeError(f"{code!r} is not a 6-character unit code followed by 7 digits")
    try:
        return CORPORATION_BY_PREFIX[code[:2]]
    except KeyError:
        raise InvalidCustomerCodeError(f"prefix {code[:2]!r} belongs to no power corporation") from None


def mask_name(full_name: str) -> str:
    """``Nguyễn Văn Hùng`` → ``Nguyễn V** H***``: the family name stays, so the customer recognises
    the account, while a passer-by cannot read who owes what."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(w[0] + "*" * (len(w) - 1) for w in words[1:])])


def mask_address(address: str) -> str:
    """Hide the house number and street (the first comma-separated part); keep ward and above."""
    parts = [p.strip() for p in address.split(",")]
    if len(parts) == 1:
        return "***"
    return ", ".join(["***", *parts[1:]])


def mask_phone(phone: str | None) -> str | None:
    """``0912345678`` → ``091*****78``."""
    if not phone:
        return None
    if len(phone) < 6:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]
