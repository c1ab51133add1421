"""Reading the QR code on the back of a Vietnamese citizen identity card (căn cước công dân, CCCD, and the newer
"Căn cước" card).

The QR starts with seven fields separated by ``|``: the 12-digit ID number, the old 9-digit ID number (often empty),
the full name, the birth date (``ddmmyyyy``), the sex (``Nam``/``Nữ``), the place of residence and the issue date
(``ddmmyyyy``). Newer cards and some readers add more fields after these, or a trailing ``|``: what comes after
the seventh field is not read (it is nothing a form asks for), so such a card reads like any other.

The kiosk reads it only after the customer agreed, only to prefill a service request, and keeps what it read in
the screen state of that request, which a session wipe drops.

:func:`read_citizen_id` never raises. A refused scan says why in one of a few words the screen explains (not a
card's QR at all, no ID number, an ID number that is not 12 digits, a date that cannot be read), because the
customer's next step differs: show the card's back, or type the details from the card's front, or ask staff.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.customer.code import scanned_text

__all__ = ["CitizenCard", "IdCardProblem", "read_citizen_id"]

# The fields the kiosk knows, in their order on every card; a QR may carry more after them.
_KNOWN_FIELDS = 7
_ID_DIGITS = 12
_DIGITS = re.compile(r"[0-9]+")  # [0-9], not \d, which admits other scripts' digits
# The old ID number: empty, a 9-digit CMND or a 12-digit number (a card that replaced an earlier CCCD).
_OLD_ID_NUMBER = re.compile(r"(?:[0-9]{9}|[0-9]{12})?")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_SEXES = {"nam": "male", "nữ": "female", "nu": "female"}
_EARLIEST_BIRTH_YEAR = 1900  # a year before this is a misread, not a living applicant
_MAX_NAME = 100
_MAX_TEXT = 255


class IdCardProblem(StrEnum):
    """Why a scan gave no card; each has its own words on the screen and in speech."""

    NOT_AN_ID_CARD = "not_an_id_card"  # another QR (a bill, a payment code, a web address)
    NO_ID_NUMBER = "no_id_number"  # a card's QR whose ID number field is empty or not digits
    ID_NUMBER_LENGTH = "id_number_length"  # an ID number of other than 12 digits (e.g. 11)
    BIRTH_DATE = "birth_date"  # the date of birth is missing, impossible or in the future
    ISSUE_DATE = "issue_date"  # the issue date is missing, impossible, before the birth or in the future
    UNREADABLE = "unreadable"  # cut short, or the name, sex, address or old ID number cannot be read


@dataclass(frozen=True)
class CitizenCard:
    """What the kiosk takes from a card. The old ID number is checked but not kept."""

    id_number: str
    full_name: str
    birth_date: date
    sex: str  # "male" | "female"
    address: str
    issue_date: date  # application forms ask for it next to the number ("cấp ngày")

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


def _card_shaped(fields: list[str]) -> bool:
    """A card's QR, perhaps damaged: digits before the first ``|``, or a full card's fields with its sex
    where a card has it. Any other text with a ``|`` in it is some other code."""
    if len(fields) < 2:
        return False
    if _DIGITS.fullmatch(fields[0].strip()):
        return True
    return len(fields) >= _KNOWN_FIELDS and _clean(fields[4]).casefold() in _SEXES


def read_citizen_id(text: str, *, today: date) -> CitizenCard | IdCardProblem:
    """The card's data, or why there is none. ``today`` bounds the dates (no birth or issue in the future)."""
    fields = scanned_text(text).split("|")
    if not _card_shaped(fields):
        return IdCardProblem.NOT_AN_ID_CARD
    if len(fields) < _KNOWN_FIELDS:
        return IdCardProblem.UNREADABLE
    id_number, old_id, name, born, sex, address, issued = (field.strip() for field in fields[:_KNOWN_FIELDS])
    if not _DIGITS.fullmatch(id_number):
        return IdCardProblem.NO_ID_NUMBER
    if len(id_number) != _ID_DIGITS:
        return IdCardProblem.ID_NUMBER_LENGTH
    birth_date = _date(born)
    if birth_date is None or not date(_EARLIEST_BIRTH_YEAR, 1, 1) <= birth_date <= today:
        return IdCardProblem.BIRTH_DATE
    issue_date = _date(issued)
    if issue_date is None or not birth_date <= issue_date <= today:
        return IdCardProblem.ISSUE_DATE
    full_name, residence, sex = _clean(name), _clean(address), _clean(sex).casefold()
    if (
        not _OLD_ID_NUMBER.fullmatch(old_id)
        or sex not in _SEXES
        or not full_name
        or not residence
        or len(full_name) > _MAX_NAME
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
        issue_date=issue_date,
    )
