"""Staff read the outbox's error codes as words; a code the table does not know is still shown, said to be one."""

from __future__ import annotations

import pytest

from kiosk.central import errors
from kiosk.language.catalogs import Translator
from kiosk.requests import courier
from kiosk.staff import problems
from kiosk.staff.problems import BUG, TIMEOUT, UNREACHABLE, refusal, send_problem


def test_the_codes_are_spelled_as_the_client_and_courier_spell_them() -> None:
    for name in (
        "UNREACHABLE",
        "TIMEOUT",
        "UNKNOWN",
        "INVALID_JSON",
        "CONTRACT_MISMATCH",
        "UNEXPECTED_STATUS",
    ):
        assert getattr(problems, name) == getattr(errors, name)
    assert problems.BUG == courier.BUG


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "code", [UNREACHABLE, TIMEOUT, BUG, "unauthorized", "not_found", "contract_mismatch"]
)
def test_known_send_problems_are_words_without_the_code(language: str, code: str) -> None:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    words = tr._(send_problem(code), code=code)
    assert code not in words
    assert words != send_problem(code)  # translated, not the msgid


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("code", ["invalid_fields", "otp_locked", "customer_not_found", "service_not_found"])
def test_known_refusals_are_words_without_the_code(language: str, code: str) -> None:
    tr = Translator.load(language=language)  # type: ignore[arg-type]
    words = tr._(refusal(code), code=code)
    assert code not in words
    assert words != refusal(code)


def test_an_unknown_code_is_kept_for_support() -> None:
    tr = Translator.load()
    assert tr._(send_problem("brand_new"), code="brand_new") == "Hệ thống trung tâm báo lỗi (mã brand_new)"
    assert "brand_new" in tr._(refusal("brand_new"), code="brand_new")
    assert Translator.load().is_catalog_text(tr._(send_problem(UNREACHABLE), code=UNREACHABLE))
