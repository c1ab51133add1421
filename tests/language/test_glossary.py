"""The glossary (docs/glossary.md): one word per thing, read by the catalog checker, and kept by the catalogs and
the central's services catalogue."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.assets import PROJECT_DIR
from kiosk.language.glossary import GLOSSARY_PATH, GlossaryError, Variant, misused, read_glossary

SERVICES = PROJECT_DIR / "kiosk_central" / "data" / "services.json"


@pytest.fixture(scope="module")
def variants() -> tuple[Variant, ...]:
    return read_glossary()


def ruled_out(variants: tuple[Variant, ...], language: str) -> set[str]:
    return {v.word for v in variants if v.language == language}


def test_the_glossary_rules_out_the_words_the_pilot_found(variants: tuple[Variant, ...]) -> None:
    vi, en = ruled_out(variants, "vi"), ruled_out(variants, "en")
    assert {
        "bạn",
        "mình",
        "bấm",
        "về trang chủ",
        "màn hình chính",
        "OTP",
        "huỷ",
        "mã theo dõi",
        "phiếu hẹn",
    } <= vi
    assert {"tap", "home screen", "OTP", "canceled"} <= en
    terms = {v.concept: v.term for v in variants if v.language == "vi"}
    assert terms["cancelling"] == "hủy"
    assert terms["a request's code, to follow it"] == "mã tra cứu"
    assert terms["the paper a request gets"] == "phiếu tiếp nhận"


def test_no_word_is_both_a_term_and_ruled_out(variants: tuple[Variant, ...]) -> None:
    for variant in variants:
        assert not variant.pattern.search(variant.term), variant


@pytest.mark.parametrize(
    ("text", "language", "found"),
    [
        ("Huỷ thanh toán", "vi", ["Huỷ"]),
        ("Hủy thanh toán", "vi", []),  # the same word with the tone mark on the other letter: the glossary's
        ("Xin BẤM vào một ô", "vi", ["BẤM"]),
        ("Xin chạm vào một ô", "vi", []),
        ("Mã theo   dõi: {code}", "vi", ["Mã theo   dõi"]),
        ("Nhập mã OTP", "vi", ["OTP"]),
        ("Please tap one", "en", ["tap"]),
        ("Put tape on it", "en", []),  # whole words only
        ("the other tiles are {outages}", "en", []),  # a {field} is a name in code, not a word shown
        ("Xin bấm", "en", []),  # each language's words only
    ],
)
def test_words_match_whole_in_any_case(
    variants: tuple[Variant, ...], text: str, language: str, found: list[str]
) -> None:
    assert [said for _, said in misused(text, language, variants)] == found  # type: ignore[arg-type]


def test_tone_marks_typed_decomposed_are_still_caught(variants: tuple[Variant, ...]) -> None:
    decomposed = unicodedata.normalize("NFD", "Đang huỷ mã")
    assert [said for _, said in misused(decomposed, "vi", variants)] == ["huỷ"]


def test_a_glossary_without_its_table_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "glossary.md"
    page.write_text("# Glossary\n\nNo table here.\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="no"):
        read_glossary(page)
    with pytest.raises(GlossaryError, match="cannot be read"):
        read_glossary(tmp_path / "missing.md")


def test_a_row_is_read_from_the_page_itself(tmp_path: Path) -> None:
    page = tmp_path / "glossary.md"
    text = GLOSSARY_PATH.read_text(encoding="utf-8")
    page.write_text(text.replace("| `hoá đơn` |", "| `hoá đơn`, `đơn tiền điện` |"), encoding="utf-8")
    assert "đơn tiền điện" in ruled_out(read_glossary(page), "vi")


def bilingual_texts(node: object) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if set(node) == {"vi", "en"}:
            yield node["vi"], node["en"]
        for value in node.values():
            yield from bilingual_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from bilingual_texts(value)


def test_the_central_services_catalogue_uses_the_glossary_words(variants: tuple[Variant, ...]) -> None:
    """The central's services are shown to customers as they come (no catalog), so the checker cannot see them."""
    texts = list(bilingual_texts(json.loads(SERVICES.read_text(encoding="utf-8"))))
    assert len(texts) > 100
    problems = [
        (language, said, text)
        for vi, en in texts
        for language, text in (("vi", vi), ("en", en))
        for _, said in misused(text, language, variants)  # type: ignore[arg-type]
    ]
    assert problems == []
