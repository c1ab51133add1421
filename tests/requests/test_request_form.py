"""The kiosk's own check of a form agrees with the central's: what the kiosk lets through, the central accepts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.central.models import FormField, Service
from kiosk.customer.citizen_id import CitizenCard
from kiosk.requests.form import (
    FieldProblem,
    IdDocument,
    RequestForm,
    check,
    input_limit,
    masked,
    shown,
    to_wire,
)
from kiosk_central import services_catalog

# The central's catalogue, as the kiosk receives it over the wire.
SERVICES = [Service.model_validate_json(s.model_dump_json()) for s in services_catalog.SERVICES]
FIELDS = [(service, spec) for service in SERVICES for spec in service.fields]
CENTRAL = {s.code: s for s in services_catalog.SERVICES}


def _raw_answers(spec: FormField) -> st.SearchStrategy[str]:
    digits = st.text(alphabet="0123456789", max_size=14)
    anything = st.text(max_size=30)
    match spec.type:
        case "choice":
            return st.sampled_from([o.value for o in spec.options] + ["", "nonsense"])
        case "yes_no":
            return st.sampled_from(["yes", "no", "", "maybe"])
        case "text" | "address":
            return st.one_of(anything, st.text(min_size=250, max_size=300))
        case _:
            return st.one_of(digits, anything)


@settings(max_examples=40)
@pytest.mark.parametrize(("service", "spec"), FIELDS, ids=[f"{s.code}.{f.name}" for s, f in FIELDS])
@given(data=st.data())
def test_what_the_kiosk_accepts_the_central_accepts(
    service: Service, spec: FormField, data: st.DataObject
) -> None:
    raw = data.draw(_raw_answers(spec))
    problem = check(spec, raw)
    central_spec = next(f for f in CENTRAL[service.code].fields if f.name == spec.name)
    value = to_wire(spec, raw) if problem is None else None
    verdict = services_catalog.validate_fields(
        CENTRAL[service.code].model_copy(update={"fields": [central_spec]}), {spec.name: value}
    )
    if problem is None:
        assert verdict == {}, (raw, value)
    elif raw.strip():
        # A problem the kiosk finds in a given answer, the central finds too (with the same code where both have one).
        central = services_catalog.validate_fields(
            CENTRAL[service.code].model_copy(update={"fields": [central_spec]}), {spec.name: raw}
        )
        if spec.type not in ("date", "yes_no", "text", "address"):  # dates and yes/no travel in another shape
            assert central, raw


def test_every_field_type_of_the_catalogue_has_an_input_limit() -> None:
    for _, spec in FIELDS:
        assert input_limit(spec) > 0


def test_dates_are_typed_as_digits_and_sent_as_iso() -> None:
    spec = next(f for _, f in FIELDS if f.type == "date")
    assert check(spec, "15122026") is None
    assert to_wire(spec, "15122026") == "2026-12-15"
    assert shown(spec, "1512") == "15/12"
    assert check(spec, "31022026") is FieldProblem.INVALID_DATE
    assert check(spec, "") is (FieldProblem.REQUIRED if spec.required else None)


def test_not_sure_is_an_ordinary_answer_to_the_meter_type() -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    spec = next(f for f in service.fields if f.name == "phase")
    form = RequestForm(service)
    assert [o.value for o in spec.options] == ["one_phase", "three_phase", "unsure"]
    assert form.check(spec, "unsure") is None
    assert to_wire(spec, "unsure") == "unsure"


def test_the_capacity_may_be_left_to_the_staff_who_survey_the_site() -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    spec = next(f for f in service.fields if f.name == "capacity_kw")
    assert not spec.required
    assert RequestForm(service).check(spec, "") is None
    assert "capacity_kw" not in RequestForm(service).wire_fields()


def test_the_households_sharing_a_meter_open_at_one_and_an_answer_given_stays() -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    households = next(f for f in service.fields if f.name == "household_count")
    phone = next(f for f in service.fields if f.name == "phone")
    form = RequestForm(service)
    assert (form.draft(households), form.draft(phone)) == ("1", "")
    assert form.answered("household_count", "3").draft(households) == "3"


def test_the_residence_is_offered_for_the_place_of_use_and_only_there() -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    specs = {f.name: f for f in service.fields}
    form = RequestForm(service)
    assert form.residence_for(specs["installation_address"]) == ""  # no residence given yet
    lived = form.answered("address", "12 Lý Tự Trọng, Huế")
    assert lived.residence_for(specs["installation_address"]) == "12 Lý Tự Trọng, Huế"
    assert lived.residence_for(specs["address"]) == ""  # the residence itself
    assert lived.residence_for(specs["full_name"]) == ""  # not an address
    assert (
        lived.check(specs["installation_address"], lived.residence_for(specs["installation_address"])) is None
    )


def test_identifiers_show_only_their_ends_where_others_may_read() -> None:
    phone = next(f for _, f in FIELDS if f.type == "phone")
    id_number = next(f for _, f in FIELDS if f.type == "id_number")
    assert masked(phone, "0912345678") == "09•• ••• 678"
    assert masked(id_number, "079088001234") == "079 ••• ••• 234"


def test_the_card_fills_only_the_fields_a_service_asks_and_typing_over_it_clears_the_mark() -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    card = CitizenCard(
        "079088001234", "Nguyễn Thị Hương", date(1988, 4, 15), "female", "Hà Nội", date(2021, 5, 20)
    )
    form = RequestForm(service).prefilled(card)
    assert form.answer("full_name") == "Nguyễn Thị Hương"
    assert (form.answer("id_type"), form.answer("id_issue_date")) == ("cccd", "20052021")
    assert form.from_card == {"full_name", "id_type", "id_number", "id_issue_date", "address"}
    assert form.problems().keys() == {"phone", "installation_address", "purpose", "household_count",
                                      "phase", "has_premises_proof"}  # fmt: skip
    edited = form.answered("full_name", "Nguyễn Thị Hường")
    assert "full_name" not in edited.from_card
    assert "Hương" not in repr(form)


@settings(max_examples=300)
@given(
    document=st.sampled_from(list(IdDocument)),
    raw=st.one_of(
        st.from_regex(r"[A-Z0-9]{5,13}", fullmatch=True),
        st.from_regex(r"[A-Z][0-9]{7}", fullmatch=True),
        st.text(alphabet="ABCXYZabc0123456789- ", max_size=12),
    ),
)
def test_the_kiosk_and_the_central_agree_on_each_documents_number(document: IdDocument, raw: str) -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    spec = next(f for f in service.fields if f.name == "id_number")
    form = RequestForm(service).answered("id_type", document.value)
    kiosk = form.check(spec, raw)
    central = services_catalog.validate_fields(
        CENTRAL[service.code], {"id_type": document.value, "id_number": raw}
    ).get("id_number")
    assert (kiosk is None) == (central is None), (document, raw, kiosk, central)
    assert len(raw) <= form.input_limit(spec) or kiosk is not None


@pytest.mark.parametrize(
    ("document", "number", "on_screen", "masked_as", "keypad"),
    [
        (IdDocument.CCCD, "079088001234", "079 088 001 234", "079 ••• ••• 234", True),
        (IdDocument.PASSPORT_VN, "C1234567", "C1234567", "C••••567", False),
        (IdDocument.PASSPORT_FOREIGN, "X12345678", "X12345678", "X•••••678", False),
    ],
)
def test_a_documents_number_is_typed_shown_and_masked_as_that_document_prints_it(
    document: IdDocument, number: str, on_screen: str, masked_as: str, keypad: bool
) -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    spec = next(f for f in service.fields if f.name == "id_number")
    form = RequestForm(service).answered("id_type", document.value)
    assert form.document is document
    assert form.on_keypad(spec) is keypad
    assert form.check(spec, number) is None
    assert (shown(spec, number), masked(spec, number)) == (on_screen, masked_as)


def test_until_a_known_document_is_chosen_the_number_is_a_citizen_id_number() -> None:
    service = next(s for s in SERVICES if s.code == "new_connection_lv")
    spec = next(f for f in service.fields if f.name == "id_number")
    form = RequestForm(service)
    assert form.document is IdDocument.CCCD
    assert form.check(spec, "C1234567") is FieldProblem.INVALID_ID_NUMBER
    assert form.answered("id_type", "driving_licence").document is IdDocument.CCCD
