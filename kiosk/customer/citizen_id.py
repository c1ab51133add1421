"""Reading the QR code on the back of a Vietnamese citizen identity card (căn cước công dân, CCCD).

The QR holds seven fields separated by ``|``: the 12-digit ID number, the old 9-digit ID number (often empty),
the full name, the birth date (``ddmmyyyy``), the sex (``Nam``/``Nữ``), the place of residence and the issue date
(``ddmmyyyy``). The kiosk reads it only after the customer agreed, only to prefill a service request, and keeps
what it read in the screen state of that request, which a session wipe drops.

:func:`read_citizen_id` never raises: anything that is not such a card is told apart from a card whose QR is
damaged or unreadable, because the customer's next step differs (show the card's back, or type instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.customer.code import scanned_text

__all__ = ["CitizenCard", "IdCardProblem", "read_citizen_id"]

_FIELDS = 7
_ID_NUMBER = re.compile(r"[0-9]{12}")
_OLD_ID_NUMBER = re.compile(r"(?:[0-9]{9})?")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_SEXES = {"nam": "male", "nữ": "female", "nu": "female"}
_MAX_TEXT = 255


class IdCardProblem(StrEnum):
    NOT_AN_ID_CARD = "not_an_id_card"  # another QR (a bill, a payment code, a web address)
    UNREADABLE = "unreadable"  # shaped like a card's QR, but a field is missing or wrong


@dataclass(frozen=True)
class CitizenCard:
    """What the kiosk takes from a card. The old ID number and the issue date are checked but not kept."""

    id_number: str
    full_name: str
    birth_date: date
    sex: str  # "male" | "female"
    address: str

    def __repr__(self) -> str:
        # Never let a card's contents reach a log line through a repr.
        return "CitizenCard(<personal data>)"


def _date(text: str) -> date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _printable(text: str) -> bool:
    return all(unicodedata.category(ch)[0] != "C" for ch in text)


def read_citizen_id(text: str, *, today: date) -> CitizenCard | IdCardProblem:
    """The card's data, or why there is none. ``today`` bounds the dates (no birth or issue in the future)."""
    fields = scanned_text(text).split("|")
    if len(fields) < 2 or not _ID_NUMBER.fullmatch(fields[0].strip()):
        return IdCardProblem.NOT_AN_ID_CARD
    if len(fields) != _FIELDS:
        return IdCardProblem.UNREADABLE
    id_number, old_id, name, born, sex, address, issued = (field.strip() for field in fields)
    birth_date, issue_date = _date(born), _date(issued)
    full_name, residence, sex = _clean(name), _clean(address), _clean(sex).casefold()
    if (
        not _OLD_ID_NUMBER.fullmatch(old_id)
        or birth_date is None
        or issue_date is None
        or not birth_date <= issue_date <= today
        or sex not in _SEXES
        or not full_name
        or not residence
        or len(full_name) > 100
        or len(residence) > _MAX_TEXT
        or not _printable(full_name + residence)
        or any(ch.isdigit() for ch in full_name)
    ):
        return IdCardProblem.UNREADABLE
    return CitizenCard(
        id_number=id_number,
        full_name=full_name,
        birth_date=birth_date,
        sex=_SEXES[sex],
        address=residence,
    )
