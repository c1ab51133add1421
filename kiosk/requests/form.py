"""A service request being filled in: the answers as typed, the kiosk's own check of each one, and the values
sent to the central.

The form comes from the central's catalogue (``GET /v1/services``): each field has a type, and the kiosk checks
what it can know without the central (required, length, range, shape) with the same problem codes the central
uses, so a problem the central reports later reads the same. A new service or field needs no kiosk release as long
as its type is one of the nine below.

Identity documents: a service may ask which document the applicant identifies with (the choice field
``id_type``: a citizen ID card, a Vietnamese passport or a foreign passport), and the ``id_number`` field is then
checked, typed and shown as that document's number. A service without ``id_type`` asks for a citizen ID card.
The number is prefilled only by scanning a citizen ID card; passports are typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, assert_never

from kiosk.customer.citizen_id import CitizenCard
from kiosk.customer.masking import MASK, mask_id_number, mask_phone

if TYPE_CHECKING:
    from kiosk.central.models import FieldType, FieldValue, FormField, Service

__all__ = [
    "DIGIT_TYPES",
    "ID_DOCUMENT_FIELD",
    "ID_ISSUE_DATE_FIELD",
    "RESIDENCE_FIELD",
    "FieldProblem",
    "IdDocument",
    "RequestForm",
    "check",
    "document_of",
    "input_limit",
    "masked",
    "on_keypad",
    "problem_from_central",
    "shown",
    "to_wire",
]

DIGIT_TYPES: frozenset[FieldType] = frozenset({"number", "household_count", "phone", "id_number", "date"})
"""Fields typed on the numeric keypad (a passport number excepted: :func:`on_keypad`); ``text`` and ``address``
use the letter keyboard; ``choice`` and ``yes_no`` are tapped."""

YES, NO = "yes", "no"


class IdDocument(StrEnum):
    """The documents an applicant may identify with: the values of the ``id_type`` field's options (the central
    checks the number against the same rules)."""

    CCCD = "cccd"  # citizen ID card (căn cước công dân / căn cước): 12 digits
    PASSPORT_VN = "passport_vn"  # Vietnamese passport: one letter and 7 digits, e.g. C1234567
    PASSPORT_FOREIGN = "passport_foreign"  # any other passport: 6 to 9 letters and digits, at least one digit


ID_DOCUMENT_FIELD = "id_type"
ID_ISSUE_DATE_FIELD = "id_issue_date"
RESIDENCE_FIELD = "address"  # the place of residence, as on the citizen ID card
_ID_NUMBERS = {
    IdDocument.CCCD: re.compile(r"[0-9]{12}"),
    IdDocument.PASSPORT_VN: re.compile(r"[A-Z][0-9]{7}"),
    # ICAO 9303 gives the document number 9 characters in the machine-readable zone; countries use 6 to 9.
    # At least one digit: six letters alone are a word typed by mistake (a name), not a passport number.
    IdDocument.PASSPORT_FOREIGN: re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{6,9}"),
}
_ID_LIMITS = {IdDocument.CCCD: 12, IdDocument.PASSPORT_VN: 8, IdDocument.PASSPORT_FOREIGN: 9}
_PHONE = re.compile(r"0[35789][0-9]{8}")
_DATE_DIGITS = 8  # ddmmyyyy
_DEFAULT_TEXT_LIMIT = 255
_DEFAULT_NUMBER_DIGITS = 9


class FieldProblem(StrEnum):
    """The central's field error codes (its ``invalid_fields`` details use the same words)."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DATE = "invalid_date"
    INVALID_PHONE = "invalid_phone"
    INVALID_ID_NUMBER = "invalid_id_number"  # not a number of the document chosen (``id_type``)
    INVALID = "invalid"  # a code this kiosk does not know yet (a newer central)


def document_of(answer: str) -> IdDocument:
    """The document an ``id_type`` answer names; a citizen ID card when there is none (a service that does not
    ask which document takes a citizen ID card only)."""
    try:
        return IdDocument(answer)
    except ValueError:
        return IdDocument.CCCD


def problem_from_central(code: object) -> FieldProblem:
    try:
        return FieldProblem(str(code))
    except ValueError:
        return FieldProblem.INVALID


@dataclass(frozen=True)
class RequestForm:
    """The draft of one request. Answers are kept as typed (digits only for dates, ``yes``/``no``, an option's
    value), so that going back to a field shows exactly what was there."""

    service: Service
    customer_code: str | None = None
    answers: tuple[tuple[str, str], ...] = ()
    from_card: frozenset[str] = field(default_factory=frozenset)

    def __repr__(self) -> str:
        return f"RequestForm(service={self.service.code!r}, <answers>)"  # answers are personal data

    def answer(self, name: str) -> str:
        return next((text for key, text in self.answers if key == name), "")

    def answered(self, name: str, text: str) -> RequestForm:
        answers = tuple((key, value) for key, value in self.answers if key != name)
        if text:
            answers += ((name, text),)
        changed = text != self.answer(name)
        return replace(
            self, answers=answers, from_card=self.from_card - {name} if changed else self.from_card
        )

    def draft(self, spec: FormField) -> str:
        """What a question shows when it opens: the answer given, or for the households sharing a meter the
        usual one (one household, the question's lowest), there to confirm rather than to type."""
        given = self.answer(spec.name)
        if not given and spec.type == "household_count":
            return str(spec.min_value or 1)
        return given

    def residence_for(self, spec: FormField) -> str:
        """The residence given, offered as the answer to another address (the place of use, most often the
        same): one tap instead of a whole address typed again. Empty when not offered."""
        if spec.type != "address" or spec.name == RESIDENCE_FIELD:
            return ""
        return self.answer(RESIDENCE_FIELD)

    @property
    def document(self) -> IdDocument:
        """The identity document the applicant chose (a citizen ID card when the service does not ask)."""
        return document_of(self.answer(ID_DOCUMENT_FIELD))

    def prefilled(self, card: CitizenCard) -> RequestForm:
        """Name, the card as the document with its number and issue date, and address from a scanned card, for
        the fields this service asks. The choice of document is an option's value, set only where offered."""
        form = self
        specs = {f.name: f for f in self.service.fields}
        read = {
            "full_name": card.full_name,
            ID_DOCUMENT_FIELD: IdDocument.CCCD.value,
            "id_number": card.id_number,
            ID_ISSUE_DATE_FIELD: card.issue_date.strftime("%d%m%Y"),  # dates are kept as typed: ddmmyyyy
            RESIDENCE_FIELD: card.address,
        }
        # Everything read goes in, even an answer the form would refuse (an address longer than the form takes):
        # the review shows it with its problem, to shorten rather than retype. Only the document is an option,
        # set where the service offers it.
        filled = [
            name
            for name in read
            if name in specs and (name != ID_DOCUMENT_FIELD or check(specs[name], read[name]) is None)
        ]
        for name in filled:
            form = form.answered(name, read[name])
        return replace(form, from_card=form.from_card | set(filled))

    def check(self, spec: FormField, raw: str) -> FieldProblem | None:
        """:func:`check` with the document this form names."""
        return check(spec, raw, self.document)

    def input_limit(self, spec: FormField) -> int:
        return input_limit(spec, self.document)

    def on_keypad(self, spec: FormField) -> bool:
        return on_keypad(spec, self.document)

    def problems(self) -> dict[str, FieldProblem]:
        found = {f.name: self.check(f, self.answer(f.name)) for f in self.service.fields}
        return {name: problem for name, problem in found.items() if problem is not None}

    def wire_fields(self) -> dict[str, FieldValue]:
        """What the central is sent: checked values in their JSON types, blanks left out."""
        values = {f.name: to_wire(f, self.answer(f.name)) for f in self.service.fields}
        return {name: value for name, value in values.items() if value is not None}


def on_keypad(spec: FormField, document: IdDocument = IdDocument.CCCD) -> bool:
    """Typed on the numeric keypad; a passport number has letters, and is typed on the letter keyboard."""
    if spec.type == "id_number":
        return document is IdDocument.CCCD
    return spec.type in DIGIT_TYPES


def input_limit(spec: FormField, document: IdDocument = IdDocument.CCCD) -> int:
    """How many characters the keypad or keyboard accepts for this field."""
    match spec.type:
        case "phone":
            return 10
        case "id_number":
            return _ID_LIMITS[document]
        case "date":
            return _DATE_DIGITS
        case "number" | "household_count":
            return len(str(spec.max_value)) if spec.max_value is not None else _DEFAULT_NUMBER_DIGITS
        case "text" | "address":
            return spec.max_length or _DEFAULT_TEXT_LIMIT
        case "choice" | "yes_no":
            return _DEFAULT_TEXT_LIMIT
        case _:
            assert_never(spec.type)


def _clean_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _date_of(digits: str) -> date | None:
    if len(digits) != _DATE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None


def check(spec: FormField, raw: str, document: IdDocument = IdDocument.CCCD) -> FieldProblem | None:
    """The kiosk's check of one answer as typed; None when it is fine (or blank and optional). ``document``:
    what an ``id_number`` is the number of."""
    if not raw.strip():
        return FieldProblem.REQUIRED if spec.required else None
    match spec.type:
        case "text" | "address":
            if spec.max_length is not None and len(_clean_text(raw)) > spec.max_length:
                return FieldProblem.TOO_LONG
            return None
        case "number" | "household_count":
            if not raw.isascii() or not raw.isdigit():
                return FieldProblem.NOT_A_NUMBER
            number = int(raw)
            too_small = spec.min_value is not None and number < spec.min_value
            too_big = spec.max_value is not None and number > spec.max_value
            return FieldProblem.OUT_OF_RANGE if too_small or too_big else None
        case "choice":
            return None if raw in {option.value for option in spec.options} else FieldProblem.INVALID_CHOICE
        case "date":
            return None if _date_of(raw) is not None else FieldProblem.INVALID_DATE
        case "phone":
            return None if _PHONE.fullmatch(raw) else FieldProblem.INVALID_PHONE
        case "id_number":
            return None if _ID_NUMBERS[document].fullmatch(raw) else FieldProblem.INVALID_ID_NUMBER
        case "yes_no":
            return None if raw in (YES, NO) else FieldProblem.INVALID_CHOICE
        case _:
            assert_never(spec.type)


def to_wire(spec: FormField, raw: str) -> FieldValue | None:
    """The value in the type the central expects; None for a blank answer. Call only for checked answers."""
    if not raw.strip():
        return None
    match spec.type:
        case "text" | "address":
            return _clean_text(raw)
        case "number" | "household_count":
            return int(raw)
        case "date":
            day = _date_of(raw)
            return day.isoformat() if day is not None else raw
        case "yes_no":
            return raw == YES
        case "choice" | "phone" | "id_number":
            return raw
        case _:
            assert_never(spec.type)


def shown(spec: FormField, raw: str) -> str:
    """An answer as the customer reads it while typing: a date with slashes, a phone in groups, a citizen ID
    number in groups of three (a passport number, which has letters, as it is printed)."""
    match spec.type:
        case "date":
            return "/".join(part for part in (raw[:2], raw[2:4], raw[4:]) if part)
        case "phone":
            return " ".join(part for part in (raw[:4], raw[4:7], raw[7:]) if part)
        case "id_number" if raw.isdigit():
            return " ".join(raw[i : i + 3] for i in range(0, len(raw), 3))
        case _:
            return raw


def masked(spec: FormField, raw: str) -> str:
    """An answer shown where others may read it (the review): what would let a passer-by find, call or pass
    for the customer is hidden, and what the customer needs to recognise the answer is kept (docs/privacy.md,
    "Over the customer's shoulder"). Each hidden character becomes one mask, so the screen does not move when
    the answer is shown in full (:func:`shown`) while "Xem đầy đủ" is held.

    Identifiers keep only their ends, masked as everywhere else (:mod:`kiosk.customer.masking`); a person's
    name keeps the family name and the initials of the others; an address keeps its last two parts (commune or
    ward, province) and the initials of the rest, without its numbers; the date an ID was issued keeps its
    year. A field this function does not name is shown as typed: a new personal field needs its name here."""
    if not raw:
        return raw
    match spec.type:
        case "phone":
            return mask_phone(raw)
        case "id_number":
            return mask_id_number(raw)
        case "address":
            return _masked_address(raw)
        case "date" if spec.name == ID_ISSUE_DATE_FIELD:
            whole = shown(spec, raw)
            return "".join(MASK if c.isdigit() else c for c in whole[:6]) + whole[6:]
        case "text" if spec.name in _PERSON_NAMES:
            family, *others = raw.split(" ")
            return " ".join([family, *(_initial(word) for word in others)])
        case "text" if spec.name in _ACCOUNT_NUMBERS:
            return _keep_tail(raw, 3)
        case "text" if spec.name in _EMAILS and "@" in raw:
            mailbox, _, domain = raw.rpartition("@")
            return f"{_initial(mailbox)}@{domain}"
        case _:
            return shown(spec, raw)


_PERSON_NAMES = frozenset({"full_name", "new_invoice_name"})
"""Text fields that hold a person's name: the applicant's, as on the ID card, and the one the bills will carry.
A company's name (``organization_name``) is public, and shown whole."""
_ACCOUNT_NUMBERS = frozenset({"bank_account_number", "tax_code", "new_tax_code"})
"""Text fields that hold a number someone could use in the customer's name: a bank account, a tax code (a
person's tax code is their citizen ID number since July 2025)."""
_EMAILS = frozenset({"new_email"})
_ADDRESS_PARTS_KEPT = 2  # commune or ward, and province: shared by thousands of households


def _initial(word: str) -> str:
    """A word's first letter and a mask for each of the others; a number (a house, an alley) all masks."""
    if any(c.isdigit() for c in word):
        return "".join(MASK if c.isalnum() else c for c in word)
    return "".join(c if i == 0 or not c.isalnum() else MASK for i, c in enumerate(word))


def _keep_tail(value: str, tail: int) -> str:
    characters = [i for i, c in enumerate(value) if c.isalnum()]
    kept = set(characters[-tail:]) if len(characters) > tail else set()
    return "".join(c if i in kept or not c.isalnum() else MASK for i, c in enumerate(value))


def _masked_address(raw: str) -> str:
    """``12 Lý Tự Trọng, Bến Thành, TP Hồ Chí Minh`` → ``•• L• T• T••••, Bến Thành, TP Hồ Chí Minh``: the
    house, alley and street hidden, the commune and province kept; an address of one part is hidden whole."""
    parts = raw.split(",")
    kept = min(_ADDRESS_PARTS_KEPT, len(parts) - 1)
    hidden = [" ".join(_initial(word) for word in part.split(" ")) for part in parts[: len(parts) - kept]]
    return ",".join(hidden + parts[len(parts) - kept :])
