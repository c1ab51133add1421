"""The service catalogue: its shape (the kiosk renders forms from it), its texts and the form validator."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_central import schemas, services_catalog
from kiosk_central.services_catalog import (
    FIELD_ERROR_CODES,
    FIELD_TYPES,
    IDENTITY_FIELD_NAMES,
    SERVICES,
    FormField,
    Label,
    Service,
    load_catalogue,
    service_by_code,
    validate_fields,
)

EXPECTED_CODES = (
    "new_connection_lv",
    "new_connection_mv",
    "capacity_change",
    "meter_relocation",
    "usage_purpose_change",
    "household_count_change",
    "contract_holder_change",
    "details_update",
    "payment_method_change",
    "meter_inspection",
    "contract_renewal",
    "contract_termination",
)
NEW_CONNECTIONS = {"new_connection_lv", "new_connection_mv"}
IDENTITY_TYPES = {
    "full_name": "text",
    "id_type": "choice",
    "id_number": "id_number",
    "id_issue_date": "date",
    "phone": "phone",
    "address": "address",
}

_VIETNAMESE_LOWER = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"  # letters ASCII lacks
)
VIETNAMESE_LETTERS = frozenset(_VIETNAMESE_LOWER + _VIETNAMESE_LOWER.upper())
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
OPTION_VALUE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")  # may start with a digit: "22kv"


def _by_code(code: str) -> Service:
    return service_by_code(code)


def _labels(service: Service) -> Iterator[tuple[str, Label]]:
    """Every customer-visible text of a service, with where it sits (for failure messages)."""
    yield f"{service.code}.title", service.title
    yield f"{service.code}.description", service.description
    for i, document in enumerate(service.documents):
        yield f"{service.code}.documents[{i}]", document
    for field in service.fields:
        yield f"{service.code}.{field.name}.label", field.label
        if field.help is not None:
            yield f"{service.code}.{field.name}.help", field.help
        for option in field.options:
            yield f"{service.code}.{field.name}.{option.value}", option.label


ALL_LABELS = [pair for service in SERVICES for pair in _labels(service)]


def _valid_value(field: FormField) -> str | int | bool:
    """A value a careful customer would enter for this field."""
    match field.type:
        case "text":
            return "Nguyễn Văn An"[: field.max_length]
        case "address":
            return "12 Lê Lợi, phường Bến Thành, TP Hồ Chí Minh"[: field.max_length]
        case "number" | "household_count":
            assert field.min_value is not None
            assert field.max_value is not None
            return (field.min_value + field.max_value) // 2
        case "choice":
            return field.options[0].value
        case "date":
            return "2025-06-02"
        case "phone":
            return "0912345678"
        case "id_number":
            return "001085012345"
        case "yes_no":
            return True
    raise AssertionError(f"no sample value for field type {field.type}")


def _valid_form(service: Service, *, required_only: bool = False) -> dict[str, str | int | bool]:
    return {
        field.name: _valid_value(field) for field in service.fields if field.required or not required_only
    }


# ------------------------------------------------------------------ the list
def test_twelve_services_in_the_published_order() -> None:
    assert [service.code for service in SERVICES] == list(EXPECTED_CODES)
    assert [service.number for service in SERVICES] == list(range(1, 13))


def test_codes_are_unique_snake_case() -> None:
    codes = [service.code for service in SERVICES]
    assert len(set(codes)) == len(codes)
    assert all(SNAKE_CASE.fullmatch(code) for code in codes)


@pytest.mark.parametrize("code", EXPECTED_CODES)
def test_service_by_code_finds_each_service(code: str) -> None:
    assert service_by_code(code).code == code


@pytest.mark.parametrize("code", ["", "NEW_CONNECTION_LV", "reconnection", " new_connection_lv"])
def test_service_by_code_raises_key_error_for_an_unknown_code(code: str) -> None:
    with pytest.raises(KeyError):
        service_by_code(code)


def test_only_new_connections_need_no_customer_code() -> None:
    assert {s.code for s in SERVICES if not s.requires_customer_code} == NEW_CONNECTIONS


def test_processing_times() -> None:
    assert _by_code("new_connection_lv").max_working_days == 5
    assert _by_code("new_connection_mv").max_working_days == 30
    for service in SERVICES:
        if service.code not in NEW_CONNECTIONS:
            assert 3 <= service.max_working_days <= 7, service.code


def test_every_service_lists_the_id_card_first() -> None:
    for service in SERVICES:
        assert service.documents, service.code
        assert "thẻ căn cước" in service.documents[0].vi.lower(), service.code
        assert "citizen ID card" in service.documents[0].en, service.code


def test_new_connections_ask_for_proof_of_the_premises() -> None:
    for code in NEW_CONNECTIONS:
        service = _by_code(code)
        assert any("quyền sử dụng đất" in doc.vi for doc in service.documents), code
        assert "has_premises_proof" in {field.name for field in service.fields}, code


def test_household_count_change_asks_for_residence_confirmation() -> None:
    documents = _by_code("household_count_change").documents
    assert any("cư trú" in doc.vi and "esidence" in doc.en for doc in documents)


# ------------------------------------------------------------------ texts
@pytest.mark.parametrize(("where", "label"), ALL_LABELS, ids=[where for where, _ in ALL_LABELS])
def test_label_is_filled_in_both_languages(where: str, label: Label) -> None:
    for text in (label.vi, label.en):
        assert text.strip() == text, where
        assert text, where
        assert "  " not in text, where
        # Precomposed letters: combining tone marks print apart on cheap receipt printers (DOMAIN.md).
        assert unicodedata.is_normalized("NFC", text), where


@pytest.mark.parametrize(("where", "label"), ALL_LABELS, ids=[where for where, _ in ALL_LABELS])
def test_label_letters_belong_to_its_language(where: str, label: Label) -> None:
    assert all(c.isascii() or c in VIETNAMESE_LETTERS for c in label.vi if c.isalpha()), where
    assert all(c.isascii() for c in label.en if c.isalpha()), where


@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_title_and_description_are_translated(service: Service) -> None:
    for label in (service.title, service.description):
        assert VIETNAMESE_LETTERS & set(label.vi), label.vi
        assert label.vi != label.en


# ------------------------------------------------------------------ form schema
@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_form_schema_is_well_formed(service: Service) -> None:
    names = [field.name for field in service.fields]
    assert len(set(names)) == len(names)
    assert all(SNAKE_CASE.fullmatch(name) for name in names)
    assert "customer_code" not in names  # sent beside the form, not in it
    for field in service.fields:
        assert field.type in FIELD_TYPES, field.name
        values = [option.value for option in field.options]
        if field.type == "choice":
            assert len(values) >= 2, field.name
            assert len(set(values)) == len(values), field.name
            assert all(OPTION_VALUE.fullmatch(value) for value in values), field.name
        else:
            assert not values, field.name
        if field.type in ("number", "household_count"):
            assert field.min_value is not None, field.name
            assert field.max_value is not None, field.name
            assert field.min_value <= field.max_value, field.name
        else:
            assert field.min_value is None, field.name
            assert field.max_value is None, field.name
        # Free text is bounded so nobody can store a novel in the request table.
        assert (field.max_length is not None) == (field.type in ("text", "address")), field.name
        if field.max_length is not None:
            assert field.max_length > 0, field.name


def test_household_count_is_one_to_twenty() -> None:
    field = next(f for f in _by_code("new_connection_lv").fields if f.name == "household_count")
    assert (field.type, field.min_value, field.max_value) == ("household_count", 1, 20)


def test_new_connection_lv_asks_what_the_domain_requires() -> None:
    fields = {field.name: field for field in _by_code("new_connection_lv").fields}
    assert {
        "full_name",
        "id_number",
        "phone",
        "installation_address",
        "purpose",
        "household_count",
        "capacity_kw",
        "phase",
        "has_premises_proof",
    } <= set(fields)
    assert {o.value for o in fields["purpose"].options} == {"household", "business", "production", "other"}
    assert {o.value for o in fields["phase"].options} == {"one_phase", "three_phase", "unsure"}
    assert fields["capacity_kw"].type == "number"


@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_identity_fields_come_first_under_the_same_names(service: Service) -> None:
    assert [field.name for field in service.fields[:5]] == [
        "full_name",
        "id_type",
        "id_number",
        "id_issue_date",
        "phone",
    ]
    for field in service.fields:
        if field.name in IDENTITY_FIELD_NAMES:
            assert field.type == IDENTITY_TYPES[field.name], field.name
            assert field.required, field.name
        # A second field of an identity type would not be prefilled; only optional "new" values may be one.
        if field.type in ("id_number", "phone") and field.name not in IDENTITY_FIELD_NAMES:
            assert not field.required, field.name
            assert field.name.startswith("new_"), field.name


def test_identity_field_names_are_the_documented_ones() -> None:
    assert set(IDENTITY_FIELD_NAMES) == set(IDENTITY_TYPES)
    assert all(
        "address" in {field.name for field in _by_code(code).fields}
        for code in (*NEW_CONNECTIONS, "contract_holder_change")
    )


def test_the_catalogue_is_the_data_file_validated_by_the_wire_model() -> None:
    """``GET /v1/services`` serves the data file's services, each a ``schemas.Service``."""
    text = (Path(services_catalog.__file__).parent / services_catalog.CATALOGUE_FILE).read_text(
        encoding="utf-8"
    )
    assert load_catalogue(text) == SERVICES
    assert all(isinstance(service, schemas.Service) for service in SERVICES)


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda data: data["services"].append(data["services"][0]), "names a service twice"),
        (lambda data: data["services"].reverse(), "numbered"),
        (
            lambda data: data["services"][0]["fields"].append(data["services"][0]["fields"][0]),
            "asks a field twice",
        ),
        (
            lambda data: (
                data["services"][0]["fields"][0].update(options=[])
                or data["services"][0]["fields"][0].update(type="choice")
            ),
            "options go with choice",
        ),
        (lambda data: data["services"][0].pop("title"), "title"),
    ],
)
def test_a_malformed_catalogue_is_refused_saying_where(
    breakage: Callable[[dict[str, Any]], object], problem: str
) -> None:
    text = (Path(services_catalog.__file__).parent / services_catalog.CATALOGUE_FILE).read_text(
        encoding="utf-8"
    )
    data = json.loads(text)
    breakage(data)
    with pytest.raises(ValueError, match=problem):
        load_catalogue(json.dumps(data))


# ------------------------------------------------------------------ validation: valid forms
@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_complete_form_is_valid(service: Service) -> None:
    assert validate_fields(service, _valid_form(service)) == {}


@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_required_fields_alone_are_valid(service: Service) -> None:
    assert validate_fields(service, _valid_form(service, required_only=True)) == {}


@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
@pytest.mark.parametrize("blank", [None, "", "   "])
def test_optional_fields_may_be_blank(service: Service, blank: str | None) -> None:
    form: dict[str, object] = dict(_valid_form(service))
    form.update({field.name: blank for field in service.fields if not field.required})
    assert validate_fields(service, form) == {}


@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_each_missing_required_field_is_reported(service: Service) -> None:
    for field in service.fields:
        if not field.required:
            continue
        form: dict[str, object] = dict(_valid_form(service))
        del form[field.name]
        assert validate_fields(service, form) == {field.name: "required"}
        for blank in (None, "", " \t"):
            form[field.name] = blank
            assert validate_fields(service, form) == {field.name: "required"}


def test_empty_form_reports_every_required_field() -> None:
    service = _by_code("new_connection_lv")
    errors = validate_fields(service, {})
    assert errors == {field.name: "required" for field in service.fields if field.required}
    assert "preferred_survey_date" not in errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity_kw", 1),
        ("capacity_kw", 100),
        ("capacity_kw", "7"),
        ("capacity_kw", 7.0),
        ("household_count", 1),
        ("household_count", 20),
        ("household_count", "020"),
        ("has_premises_proof", False),  # an answer, not a missing one
        ("phone", "0312345678"),
        ("phone", "0512345678"),
        ("phone", "0712345678"),
        ("phone", "0812345678"),
        ("phone", "0987654321"),
        ("id_number", "079203000001"),
        ("preferred_survey_date", "2024-02-29"),
        ("full_name", "A" * 100),
        ("full_name", "Hoàng Thị Ánh Tuyết"),
    ],
)
def test_valid_edge_values_are_accepted(field: str, value: object) -> None:
    service = _by_code("new_connection_lv")
    assert validate_fields(service, {**_valid_form(service), field: value}) == {}


# ------------------------------------------------------------------ validation: errors
BAD_VALUES = [
    ("new_connection_lv", "customer_code", "PE01000123456", "unknown_field"),
    ("meter_inspection", "installation_address", "12 Lê Lợi", "unknown_field"),
    ("new_connection_lv", "full_name", 12345, "invalid_type"),
    ("new_connection_lv", "full_name", True, "invalid_type"),
    ("new_connection_lv", "installation_address", ["12", "Lê Lợi"], "invalid_type"),
    ("new_connection_lv", "full_name", "A" * 101, "too_long"),
    ("details_update", "new_tax_code", "0101234567-0011", "too_long"),
    ("new_connection_lv", "capacity_kw", "ba", "not_a_number"),
    ("new_connection_lv", "capacity_kw", "5 kW", "not_a_number"),
    ("new_connection_lv", "capacity_kw", "٥", "not_a_number"),  # Arabic-Indic five: int() takes it, we do not
    ("new_connection_lv", "capacity_kw", 2.5, "not_a_number"),
    ("new_connection_lv", "capacity_kw", float("nan"), "not_a_number"),
    ("new_connection_lv", "capacity_kw", True, "not_a_number"),
    ("new_connection_lv", "capacity_kw", {"kw": 5}, "not_a_number"),
    ("new_connection_lv", "capacity_kw", 0, "out_of_range"),
    ("new_connection_lv", "capacity_kw", 101, "out_of_range"),
    ("new_connection_lv", "capacity_kw", "-3", "out_of_range"),
    ("new_connection_lv", "capacity_kw", "9" * 5000, "out_of_range"),
    ("new_connection_lv", "household_count", 0, "out_of_range"),
    ("new_connection_lv", "household_count", 21, "out_of_range"),
    ("household_count_change", "tenant_count", -1, "out_of_range"),
    ("new_connection_lv", "purpose", "farming", "invalid_choice"),
    ("new_connection_lv", "purpose", "Household", "invalid_choice"),
    ("new_connection_lv", "phase", 3, "invalid_choice"),
    ("new_connection_lv", "preferred_survey_date", "2025-02-30", "invalid_date"),
    ("new_connection_lv", "preferred_survey_date", "02/06/2025", "invalid_date"),
    ("new_connection_lv", "preferred_survey_date", "20250602", "invalid_date"),
    ("new_connection_lv", "preferred_survey_date", "2025-06-02T08:00:00", "invalid_date"),
    ("contract_termination", "termination_date", 20250602, "invalid_date"),
    ("new_connection_lv", "phone", "0212345678", "invalid_phone"),  # 02x is a landline
    ("new_connection_lv", "phone", "0612345678", "invalid_phone"),
    ("new_connection_lv", "phone", "091234567", "invalid_phone"),
    ("new_connection_lv", "phone", "09123456789", "invalid_phone"),
    ("new_connection_lv", "phone", "+84912345678", "invalid_phone"),
    ("new_connection_lv", "phone", "0912 345 678", "invalid_phone"),
    ("new_connection_lv", "phone", 912345678, "invalid_phone"),
    ("details_update", "new_phone", "12345", "invalid_phone"),
    ("new_connection_lv", "id_number", "00108501234", "invalid_id_number"),
    ("new_connection_lv", "id_number", "0010850123456", "invalid_id_number"),
    ("new_connection_lv", "id_number", "00108501234a", "invalid_id_number"),
    ("new_connection_lv", "id_number", "١٢٣٤٥٦٧٨٩٠١٢", "invalid_id_number"),
    ("new_connection_lv", "id_number", 1085012345, "invalid_id_number"),
    ("new_connection_lv", "has_premises_proof", "yes", "not_a_boolean"),
    ("new_connection_lv", "has_premises_proof", 1, "not_a_boolean"),
    ("new_connection_lv", "has_premises_proof", "false", "not_a_boolean"),
]


@pytest.mark.parametrize(("code", "field", "value", "expected"), BAD_VALUES)
def test_bad_value_is_reported_on_its_field_only(code: str, field: str, value: object, expected: str) -> None:
    service = _by_code(code)
    assert validate_fields(service, {**_valid_form(service), field: value}) == {field: expected}


def test_every_error_code_is_exercised() -> None:
    exercised = {expected for *_, expected in BAD_VALUES} | {"required"}
    assert exercised == set(FIELD_ERROR_CODES)


def test_several_problems_are_reported_together() -> None:
    service = _by_code("new_connection_lv")
    form: dict[str, object] = {**_valid_form(service), "phone": "123", "extra": 1}
    del form["full_name"]
    assert validate_fields(service, form) == {
        "full_name": "required",
        "phone": "invalid_phone",
        "extra": "unknown_field",
    }


# ------------------------------------------------------------------ validation: properties
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
field_names = st.sampled_from(sorted({field.name for service in SERVICES for field in service.fields}))


@given(
    service=st.sampled_from(SERVICES),
    form=st.dictionaries(field_names | st.text(max_size=20), json_values, max_size=15),
)
def test_validation_never_raises_and_speaks_only_known_codes(
    service: Service, form: dict[str, object]
) -> None:
    errors = validate_fields(service, form)
    assert set(errors.values()) <= set(FIELD_ERROR_CODES)
    known = {field.name for field in service.fields}
    assert set(errors) <= set(form) | known
    assert all(errors[name] == "unknown_field" for name in set(form) - known)
    assert all(errors.get(name) != "unknown_field" for name in known)


@given(
    service=st.sampled_from(SERVICES),
    overrides=st.dictionaries(field_names, json_values, max_size=5),
)
def test_only_touched_fields_can_turn_invalid(service: Service, overrides: dict[str, object]) -> None:
    errors = validate_fields(service, {**_valid_form(service), **overrides})
    # The one field checked against another: the ID number is the number of the document chosen.
    dependent = {"id_number"} if "id_type" in overrides else set()
    assert set(errors) <= set(overrides) | dependent


@given(phone=st.from_regex(r"0[35789][0-9]{8}", fullmatch=True))
def test_any_mobile_number_is_accepted(phone: str) -> None:
    service = _by_code("capacity_change")
    assert validate_fields(service, {**_valid_form(service), "phone": phone}) == {}


@given(phone=st.text(alphabet="0123456789 +.-", max_size=14))
def test_phone_is_accepted_exactly_when_it_is_a_mobile_number(phone: str) -> None:
    service = _by_code("capacity_change")
    errors = validate_fields(service, {**_valid_form(service), "phone": phone})
    if re.fullmatch(r"0[35789][0-9]{8}", phone):
        assert errors == {}
    elif not phone.strip():
        assert errors == {"phone": "required"}
    else:
        assert errors == {"phone": "invalid_phone"}


@given(id_number=st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_any_twelve_digit_id_number_is_accepted(id_number: str) -> None:
    service = _by_code("meter_relocation")
    assert validate_fields(service, {**_valid_form(service), "id_number": id_number}) == {}


@pytest.mark.parametrize("service", SERVICES, ids=EXPECTED_CODES)
def test_every_service_takes_a_citizen_id_card_or_a_passport(service: Service) -> None:
    fields = {field.name: field for field in service.fields}
    assert [o.value for o in fields["id_type"].options] == ["cccd", "passport_vn", "passport_foreign"]
    assert fields["id_issue_date"].required  # application forms ask it next to the number


@pytest.mark.parametrize(
    ("document", "id_number", "valid"),
    [
        ("cccd", "001190012345", True),
        ("cccd", "C1234567", False),
        ("cccd", "00119001234", False),  # 11 digits
        ("passport_vn", "C1234567", True),
        ("passport_vn", "B7654321", True),
        ("passport_vn", "c1234567", False),  # sent as typed: the kiosk types capitals
        ("passport_vn", "C123456", False),
        ("passport_vn", "CD123456", False),
        ("passport_vn", "001190012345", False),
        ("passport_foreign", "X1234567", True),
        ("passport_foreign", "123456", True),
        ("passport_foreign", "AB1234567", True),
        ("passport_foreign", "L898902C3", True),  # ICAO 9303's specimen
        ("passport_foreign", "ABCDEF", False),  # letters alone: a word, not a number
        ("passport_foreign", "12345", False),
        ("passport_foreign", "AB12345678", False),  # 10 characters
        ("passport_foreign", "AB-12345", False),
        ("other", "C1234567", False),
    ],
)
def test_the_id_number_is_checked_as_the_chosen_documents_number(
    document: str, id_number: str, valid: bool
) -> None:
    service = _by_code("new_connection_lv")
    errors = validate_fields(service, {**_valid_form(service), "id_type": document, "id_number": id_number})
    expected = {} if valid else {"id_number": "invalid_id_number"}
    if document == "other":
        expected = {"id_type": "invalid_choice"}  # the document first: the number cannot be judged yet
    assert errors == expected


def test_a_catalogue_whose_document_choice_names_an_unknown_document_is_refused() -> None:
    text = (Path(services_catalog.__file__).parent / services_catalog.CATALOGUE_FILE).read_text(
        encoding="utf-8"
    )
    data = json.loads(text)
    data["services"][0]["fields"][1]["options"][1]["value"] = "driving_licence"
    with pytest.raises(ValueError, match="id_type"):
        load_catalogue(json.dumps(data))


def test_a_service_without_the_document_choice_takes_a_citizen_id_number_only() -> None:
    service = _by_code("meter_relocation")
    old = service.model_copy(update={"fields": [f for f in service.fields if f.name != "id_type"]})
    form = {k: v for k, v in _valid_form(service).items() if k != "id_type"}
    assert validate_fields(old, form) == {}
    assert validate_fields(old, {**form, "id_number": "C1234567"}) == {"id_number": "invalid_id_number"}


# The questions a lay customer may not be able to answer: the kind of meter and the voltage of the connection.
TECHNICAL_CHOICES = {"phase", "new_phase", "voltage"}


def test_a_technical_choice_offers_not_sure_last_so_that_staff_advise() -> None:
    asked = [(s, f) for s in services_catalog.SERVICES for f in s.fields if f.name in TECHNICAL_CHOICES]
    assert len(asked) == 3
    for service, spec in asked:
        unsure = spec.options[-1]
        assert unsure.value == "unsure", (service.code, spec.name)
        assert (unsure.label.vi, unsure.label.en) == (
            "Không rõ – nhân viên tư vấn",
            "Not sure – staff will advise",
        )
        assert validate_fields(service, {**_valid_form(service), spec.name: "unsure"}) == {}


def test_medium_voltage_connections_offer_every_medium_voltage_in_use() -> None:
    voltage = next(f for f in _by_code("new_connection_mv").fields if f.name == "voltage")
    assert [o.value for o in voltage.options] == ["6kv", "10kv", "15kv", "22kv", "35kv", "unsure"]


@given(count=st.integers(), as_text=st.booleans())
def test_household_count_is_accepted_exactly_within_its_range(count: int, as_text: bool) -> None:
    service = _by_code("household_count_change")
    value: object = str(count) if as_text else count
    errors = validate_fields(service, {**_valid_form(service), "household_count": value})
    assert errors == ({} if 1 <= count <= 20 else {"household_count": "out_of_range"})


@given(day=st.dates())
def test_any_calendar_date_is_accepted(day: date) -> None:
    service = _by_code("contract_termination")
    assert validate_fields(service, {**_valid_form(service), "termination_date": day.isoformat()}) == {}
