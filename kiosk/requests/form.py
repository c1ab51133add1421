"""A service request being filled in: the answers as typed, the kiosk's own check of each one, and the values
sent to the central.

The form comes from the central's catalogue (``GET /v1/services``): each field has a type, and the kiosk checks
what it can know without the central (required, length, range, shape) with the same problem codes the central
uses, so a problem the central reports later reads the same. A new service or field needs no kiosk release as long
as its type is one of the nine below.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import assert_never

from kiosk.central.models import FieldType, FieldValue, FormField, Service
from kiosk.customer.citizen_id import CitizenCard

__all__ = [
    "DIGIT_TYPES",
    "FieldProblem",
    "RequestForm",
    "check",
    "input_limit",
    "masked",
    "problem_from_central",
    "shown",
    "to_wire",
]

DIGIT_TYPES: frozenset[FieldType] = frozenset({"number", "household_count", "phone", "id_number", "date"})
"""Fields typed on the numeric keypad; ``text`` and ``address`` use the letter keyboard; ``choice`` and
``yes_no`` are tapped."""

YES, NO = "yes", "no"
_PHONE = re.compile(r"0[35789][0-9]{8}")
_ID_NUMBER = re.compile(r"[0-9]{12}")
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
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID = "invalid"  # a code this kiosk does not know yet (a newer central)


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

    def prefilled(self, card: CitizenCard) -> RequestForm:
        """Name, ID number and address from a scanned card, for the fields this service asks."""
        form = self
        names = {f.name for f in self.service.fields}
        read = {"full_name": card.full_name, "id_number": card.id_number, "address": card.address}
        for name, text in read.items():
            if name in names:
                form = form.answered(name, text)
        return replace(form, from_card=form.from_card | (read.keys() & names))

    def problems(self) -> dict[str, FieldProblem]:
        found = {f.name: check(f, self.answer(f.name)) for f in self.service.fields}
        return {name: problem for name, problem in found.items() if problem is not None}

    def wire_fields(self) -> dict[str, FieldValue]:
        """What the central is sent: checked values in their JSON types, blanks left out."""
        values = {f.name: to_wire(f, self.answer(f.name)) for f in self.service.fields}
        return {name: value for name, value in values.items() if value is not None}


def input_limit(spec: FormField) -> int:
    """How many characters the keypad or keyboard accepts for this field."""
    match spec.type:
        case "phone":
            return 10
        case "id_number":
            return 12
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


def check(spec: FormField, raw: str) -> FieldProblem | None:
    """The kiosk's check of one answer as typed; None when it is fine (or blank and optional)."""
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
            return None if _ID_NUMBER.fullmatch(raw) else FieldProblem.INVALID_ID_NUMBER
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
    """An answer as the customer reads it while typing: a date with slashes, a phone in groups."""
    match spec.type:
        case "date":
            return "/".join(part for part in (raw[:2], raw[2:4], raw[4:]) if part)
        case "phone":
            return " ".join(part for part in (raw[:4], raw[4:7], raw[7:]) if part)
        case "id_number":
            return " ".join(raw[i : i + 3] for i in range(0, len(raw), 3))
        case _:
            return raw


def masked(spec: FormField, raw: str) -> str:
    """An answer shown where others may read it (the review, the slip): identifiers keep only their ends."""
    match spec.type:
        case "phone" if len(raw) > 6:
            return raw[:3] + "•" * (len(raw) - 6) + raw[-3:]
        case "id_number" if len(raw) > 6:
            return raw[:3] + "•" * (len(raw) - 6) + raw[-3:]
        case _:
            return shown(spec, raw)
