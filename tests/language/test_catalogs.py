"""The catalogs: complete in both languages, used by code and nothing else, formats by Babel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.assets import PROJECT_DIR, TRANSLATIONS_DIR
from kiosk.language.catalogs import (
    CatalogError,
    Translator,
    catalog_path,
    check,
    extract,
    source_files,
    update,
)


@pytest.fixture(scope="module")
def tr() -> Translator:
    return Translator.load()


def test_every_msgid_code_uses_is_translated_in_both_languages_and_none_is_unused() -> None:
    assert check() == []


def test_code_uses_msgids_at_all() -> None:
    """Guards the guard: if extraction found nothing, the check above would pass vacuously."""
    uses = extract(source_files())
    assert {"home.welcome", "frame.call_staff", "idle.seconds"} <= set(uses)
    assert uses["idle.seconds"].plural


def copy_translations(tmp_path: Path) -> Path:
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, target)
    return target


def test_a_missing_translation_fails_loading_and_the_check(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path)
    po = catalog_path(translations, "en")
    po.write_text(po.read_text().replace('msgstr "Call staff"', 'msgstr ""', 1))
    with pytest.raises(CatalogError, match=r"frame\.call_staff"):
        Translator.load(translations)
    assert any("'frame.call_staff' is not translated" in p for p in check(translations))


def test_a_msgid_missing_from_one_catalog_fails(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path)
    po = catalog_path(translations, "vi")
    po.write_text(po.read_text().replace('msgid "home.welcome"\nmsgstr "Xin chào quý khách"\n', ""))
    with pytest.raises(CatalogError, match=r"home\.welcome"):
        Translator.load(translations)
    assert "vi: 'home.welcome' (used at kiosk/views/frame/home.py" in "\n".join(check(translations))


def test_a_missing_catalog_is_named(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path)
    catalog_path(translations, "en").unlink()
    with pytest.raises(CatalogError, match=r"en catalog .* is missing"):
        Translator.load(translations)


def test_a_placeholder_renamed_by_a_translator_is_caught(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path)
    po = catalog_path(translations, "en")
    po.write_text(po.read_text().replace('msgstr "{value} kWh"', 'msgstr "{valeur} kWh"'))
    assert any("'unit.kwh' uses different {fields}" in p for p in check(translations))


def test_a_second_word_for_a_thing_the_glossary_names_fails(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path)
    vi, en = catalog_path(translations, "vi"), catalog_path(translations, "en")
    vi.write_text(vi.read_text().replace('msgstr "Xin chào quý khách"', 'msgstr "Xin chào bạn"', 1))
    en.write_text(en.read_text().replace('msgstr "Call staff"', 'msgstr "Tap to call staff"', 1))
    problems = check(translations)
    assert any(p.startswith("vi: 'home.welcome' says 'bạn'") and "'quý khách'" in p for p in problems)
    assert any(p.startswith("en: 'frame.call_staff' says 'Tap'") and "'touch'" in p for p in problems)


def test_the_catalogs_check_needs_the_glossary(tmp_path: Path) -> None:
    assert any("glossary" in p for p in check(glossary=tmp_path / "missing.md"))


def test_update_adds_new_msgids_untranslated_for_translators(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "kiosk").mkdir(parents=True)
    (root / "kiosk" / "screen.py").write_text('tr._("brand.new")\ntr.ngettext("brand.count", 2)\n')
    translations = copy_translations(tmp_path)
    added = update(translations, root)
    assert set(added) == {"vi: brand.new", "en: brand.new", "vi: brand.count", "en: brand.count"}
    problems = check(translations, root)
    assert "vi: 'brand.new' is not translated" in problems
    assert "en: 'home.welcome' is not used by any code" in problems


def test_language_switch_and_listeners(tr: Translator) -> None:
    heard: list[str] = []
    local = Translator.load()
    local.on_change(heard.append)
    assert local._("home.welcome") == "Xin chào quý khách"
    local.set_language("en")
    assert local._("home.welcome") == "Welcome"
    assert heard == ["en"]
    with pytest.raises(ValueError, match="fr"):
        local.set_language("fr")  # type: ignore[arg-type]


def test_plural_forms(tr: Translator) -> None:
    local = Translator.load()
    assert [local.ngettext("idle.seconds", n) for n in (1, 2)] == ["giây", "giây"]
    local.set_language("en")
    assert [local.ngettext("idle.seconds", n) for n in (0, 1, 2, 21)] == [
        "seconds",
        "second",
        "seconds",
        "seconds",
    ]


def test_money_numbers_and_dates_follow_the_locale() -> None:
    local = Translator.load()
    assert local.money(1_234_567) == "1.234.567\xa0₫"
    assert local.number(Decimal("1234.5")) == "1.234,5"
    assert local.kwh(1250) == "1.250 kWh"
    assert local.percent(Decimal("0.08")) == "8%"
    assert local.date(date(2026, 11, 3)) == "03/11/2026"
    assert local.datetime(datetime(2026, 11, 3, 14, 5)) == "14:05 03/11/2026"
    local.set_language("en")
    assert local.money(1_234_567) == "₫1,234,567"
    assert local.number(Decimal("1234.5")) == "1,234.5"
    assert local.date(date(2026, 11, 3)) == "3 Nov 2026"


@given(st.integers(min_value=0, max_value=10**12))
def test_amounts_read_back_to_the_same_number_in_both_languages(amount: int) -> None:
    local = Translator.load()
    for language in ("vi", "en"):
        local.set_language(language)
        digits = "".join(ch for ch in local.money(amount) if ch.isdigit())
        assert int(digits) == amount


def test_catalog_texts_are_recognised_and_others_are_not(tr: Translator) -> None:
    assert tr.is_catalog_text("Xin chào quý khách")
    assert tr.is_catalog_text(tr.kwh(12))  # a filled-in {field}
    assert tr.is_catalog_text("1.234.567 ₫")  # a bare value has nothing to translate
    assert not tr.is_catalog_text("Welcome")  # English while Vietnamese is active
    assert not tr.is_catalog_text("Xin chào quý khách!")
    assert not tr.is_catalog_text("TODO")


def test_the_catalogs_are_the_files_the_kiosk_ships() -> None:
    assert TRANSLATIONS_DIR.parent == PROJECT_DIR
    for language in ("vi", "en"):
        assert catalog_path(TRANSLATIONS_DIR, language).is_file()


# ---------------------------------------------------------------------------------------------- parsed catalogs
def load_in_a_new_process(cache_home: Path) -> str:
    """Loads the shipped catalogs in a fresh interpreter; says whether Babel's .po reader was imported."""
    code = (
        "import sys\n"
        "from kiosk.language.catalogs import Translator\n"
        "tr = Translator.load()\n"
        "print(tr._('home.welcome'), 'babel.messages.pofile' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
    )
    return result.stdout.strip()


def test_a_start_after_the_first_does_not_parse_the_catalogs(tmp_path: Path) -> None:
    assert load_in_a_new_process(tmp_path) == "Xin chào quý khách True"
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "evn-kiosk" / "catalogs").iterdir()) == [
        "en",
        "vi",
    ]
    assert load_in_a_new_process(tmp_path) == "Xin chào quý khách False"


def test_the_kept_catalog_says_what_the_po_file_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    translations = copy_translations(tmp_path)
    parsed = Translator.load(translations)
    kept = Translator.load(translations)
    for language in ("vi", "en"):
        parsed.set_language(language)
        kept.set_language(language)
        assert list(kept.templates()) == list(parsed.templates())
        assert [kept.ngettext("say.minutes", n, amount=n) for n in (1, 2, 5)] == [
            parsed.ngettext("say.minutes", n, amount=n) for n in (1, 2, 5)
        ]
    # A translator's change is read at the next start: the kept catalog is named by the file's contents.
    po = catalog_path(translations, "vi")
    po.write_text(po.read_text().replace('msgstr "Xin chào quý khách"', 'msgstr "Kính chào quý khách"', 1))
    assert Translator.load(translations)._("home.welcome") == "Kính chào quý khách"
    assert len(list((tmp_path / "cache" / "evn-kiosk" / "catalogs").glob("vi-*.json"))) == 1
    # ... and an unfinished translation still stops the start, whatever was kept before.
    po.write_text(po.read_text().replace('msgstr "Kính chào quý khách"', 'msgstr ""', 1))
    with pytest.raises(CatalogError, match=r"home\.welcome"):
        Translator.load(translations)


def test_a_damaged_or_unwritable_cache_only_costs_the_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    expected = Translator.load()._("home.welcome")
    for kept in (tmp_path / "cache" / "evn-kiosk" / "catalogs").glob("*.json"):
        kept.write_text('{"plural": "import os", "forms": {}}')
    assert Translator.load()._("home.welcome") == expected
    for kept in (tmp_path / "cache" / "evn-kiosk" / "catalogs").glob("*.json"):
        kept.write_text("{not json")
    assert Translator.load()._("home.welcome") == expected
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # not a directory: nothing can be kept
    assert Translator.load()._("home.welcome") == expected
