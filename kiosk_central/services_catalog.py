"""The catalogue of the twelve online ("level-4") electricity services the central server offers.

"Level-4" (dịch vụ công trực tuyến mức độ 4) means a customer can file, follow and receive the result of a
request entirely online; since 2019 these are also reachable from the National Public Service Portal. The
catalogue is served as ``GET /v1/services`` and the kiosk renders every form from it, so adding a service or a
field needs a central release, never a kiosk release.

The catalogue is data (``kiosk_central/data/services.json``), loaded once and validated by the very schemas it
is served with (:mod:`kiosk_central.schemas`), plus the rules a schema cannot say (codes unique, numbered in
order, choice fields with options). :func:`validate_fields` is the server's check of a submitted form; it is
pure (no clock, no database), so rules that need either ("the end date is not in the past", "the customer code
exists") belong to the request handler.

Identity fields have the same names in every service (``full_name``, ``id_type``, ``id_number``,
``id_issue_date``, ``phone`` and, where the applicant's own address is asked, ``address``) so the kiosk can prefill
them from a scanned citizen ID card. ``id_type`` is the document the applicant identifies with (the documents list
allows a passport): ``cccd``, a citizen ID card, 12 digits; ``passport_vn``, a Vietnamese passport, one letter and
7 digits (C1234567); ``passport_foreign``, any other passport, 6 to 9 letters and digits with at least one digit
(ICAO 9303 gives the number 9 characters; countries use 6 to 9). ``id_number`` is checked as that document's
number; in a service without ``id_type`` it is a citizen ID number.
Site addresses are separate fields (``installation_address``, ``new_meter_location``) because the place that
gets electricity is often not where the applicant is registered as living.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from importlib import resources
from typing import Literal, assert_never, get_args

from kiosk_central import schemas

FieldType = Literal[
    "text", "number", "choice", "date", "phone", "id_number", "address", "household_count", "yes_no"
]
FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)

FieldErrorCode = Literal[
    "required",
    "unknown_field",
    "invalid_type",
    "too_long",
    "not_a_number",
    "out_of_range",
    "invalid_choice",
    "invalid_date",
    "invalid_phone",
    "invalid_id_number",
    "not_a_boolean",
]
"""What :func:`validate_fields` can say about one field; the kiosk translates each code."""
FIELD_ERROR_CODES: tuple[FieldErrorCode, ...] = get_args(FieldErrorCode)

IDENTITY_FIELD_NAMES = ("full_name", "id_type", "id_number", "id_issue_date", "phone", "address")
"""Field names with one meaning in every service: the kiosk prefills all but the phone from a scanned citizen ID
card (name, document, number, issue date, address)."""

ID_DOCUMENT_FIELD = "id_type"
ID_NUMBERS: dict[str, re.Pattern[str]] = {
    "cccd": re.compile(r"[0-9]{12}"),  # [0-9], not \d, which admits other scripts' digits
    "passport_vn": re.compile(r"[A-Z][0-9]{7}"),
    "passport_foreign": re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{6,9}"),
}
"""The identity documents (the values of ``id_type``'s options) and the shape of each one's number."""
_DEFAULT_DOCUMENT = "cccd"  # a service that does not ask which document takes a citizen ID card


Label = schemas.Label
FormField = schemas.FormField
Service = schemas.Service

CATALOGUE_FILE = "data/services.json"
"""The catalogue itself, as data: the same JSON the server serves, edited by hand (and reviewed like code)."""


def load_catalogue(text: str) -> tuple[Service, ...]:
    """The services in ``text``, validated by the schema they are served with; ``ValueError`` says where a
    service is malformed, duplicated or out of order."""
    services = tuple(schemas.ServiceList.model_validate_json(text).services)
    codes = [service.code for service in services]
    if len(set(codes)) != len(codes):
        raise ValueError(f"the catalogue names a service twice: {codes}")
    numbers = [service.number for service in services]
    if numbers != list(range(1, len(services) + 1)):
        raise ValueError(f"the catalogue's services are numbered {numbers}, not 1 to {len(services)}")
    for service in services:
        _check_service(service)
    return services


def _check_service(service: Service) -> None:
    names = [spec.name for spec in service.fields]
    if len(set(names)) != len(names):
        raise ValueError(f"service {service.code!r} asks a field twice: {names}")
    for spec in service.fields:
        if spec.name == ID_DOCUMENT_FIELD and (
            spec.type != "choice" or not {o.value for o in spec.options} <= ID_NUMBERS.keys()
        ):
            raise ValueError(f"service {service.code!r}: {ID_DOCUMENT_FIELD!r} offers documents {ID_NUMBERS}")
        if spec.type not in FIELD_TYPES:
            raise ValueError(f"service {service.code!r}, field {spec.name!r}: unknown type {spec.type!r}")
        if (spec.type == "choice") != bool(spec.options):
            raise ValueError(f"service {service.code!r}, field {spec.name!r}: options go with choice fields")


SERVICES: tuple[Service, ...] = load_catalogue(
    resources.files("kiosk_central").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
)
"""In the order of the reconstructed public list (DOMAIN.md); ``number`` is the position in it."""

_BY_CODE: dict[str, Service] = {service.code: service for service in SERVICES}


def service_by_code(code: str) -> Service:
    """The service with this code; :class:`KeyError` for an unknown one."""
    return _BY_CODE[code]


# ------------------------------------------------------------------ validation
_PHONE = re.compile(r"0[35789][0-9]{8}")  # mobile: 10 digits, prefixes 03, 05, 07, 08, 09
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # date.fromisoformat alone also takes 20250102 etc.
_INTEGER = re.compile(r"-?([0-9]+)")
# Longer digit strings are out of any range we have, and int() refuses more than ~4300 digits.
_MAX_INTEGER_DIGITS = 18


def validate_fields(service: Service, values: Mapping[str, object]) -> dict[str, str]:
    """Check a submitted form: field name → a :data:`FieldErrorCode`; empty when the form is valid.

    Values arrive as JSON (str, int, bool; anything else is reported, never raised on). An absent value,
    ``None`` and a blank string all mean "not given". Numbers may come as JSON integers (or integral floats)
    or as decimal strings. Strings are checked as given: the kiosk sends clean values, and the server stores
    what it checked.
    """
    errors: dict[str, str] = {name: "unknown_field" for name in values if name not in _field_names(service)}
    document = (
        values.get(ID_DOCUMENT_FIELD) if ID_DOCUMENT_FIELD in _field_names(service) else _DEFAULT_DOCUMENT
    )
    for field in service.fields:
        value = values.get(field.name)
        if _is_blank(value):
            if field.required:
                errors[field.name] = "required"
            continue
        problem = _check_value(field, value, document)
        if problem is not None:
            errors[field.name] = problem
    return errors


def _field_names(service: Service) -> frozenset[str]:
    return frozenset(field.name for field in service.fields)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_value(field: FormField, value: object, document: object) -> FieldErrorCode | None:
    match field.type:
        case "text" | "address":
            if not isinstance(value, str):
                return "invalid_type"
            if field.max_length is not None and len(value) > field.max_length:
                return "too_long"
            return None
        case "number" | "household_count":
            return _check_integer(field, value)
        case "choice":
            if not isinstance(value, str) or value not in {option.value for option in field.options}:
                return "invalid_choice"
            return None
        case "date":
            return None if isinstance(value, str) and _is_iso_date(value) else "invalid_date"
        case "phone":
            return None if isinstance(value, str) and _PHONE.fullmatch(value) else "invalid_phone"
        case "id_number":
            # A JSON integer would have lost the leading zeros of the province code, so only strings count.
            if not isinstance(value, str):
                return "invalid_id_number"
            shape = ID_NUMBERS.get(document) if isinstance(document, str) else None
            if shape is None:
                return None  # no document to judge it by: ``id_type``'s own error says what to fix first
            return None if shape.fullmatch(value) else "invalid_id_number"
        case "yes_no":
            return None if isinstance(value, bool) else "not_a_boolean"
        case _:
            assert_never(field.type)


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_integer(field: FormField, value: object) -> FieldErrorCode | None:
    number: int
    if isinstance(value, bool):  # bool is an int subclass; True is not a count of anything
        return "not_a_number"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():  # also false for NaN and infinities
            return "not_a_number"
        number = int(value)
    elif isinstance(value, str):
        match = _INTEGER.fullmatch(value)
        if match is None:
            return "not_a_number"
        if len(match[1].lstrip("0")) > _MAX_INTEGER_DIGITS:
            return "out_of_range"
        number = int(value)
    else:
        return "not_a_number"
    if field.min_value is not None and number < field.min_value:
        return "out_of_range"
    if field.max_value is not None and number > field.max_value:
        return "out_of_range"
    return None
