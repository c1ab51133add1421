"""Languages: every customer-visible string, number, amount and date goes through a :class:`Translator`.

Messages have named msgids (``home.tile.bills``), so that a sentence can be reworded in one language without
touching code or the other language, and so that a missing translation is a visible key rather than silently
the other language. The catalogs are gettext ``.po`` files in ``translations/<lang>/LC_MESSAGES/kiosk.po``,
read with Babel; translators edit them with any PO editor (see ``docs/translating.md``). What a start needs
of a checked catalog (its msgids, forms and plural rule) is kept in the user's cache directory, named by the
``.po`` file's contents, so that a kiosk parses a catalog only the first time it starts after it changed
(parsing both took ~30 ms of every start).

``python -m kiosk.language.catalogs check`` (and a test) fails when code uses a msgid that a catalog lacks or leaves
untranslated, when a catalog keeps a msgid that no code uses, or when a translation uses a word the glossary
(``docs/glossary.md``) rules out; ``update`` adds new msgids to both catalogs.

Qt-free, so that flows and the printing subsystem can use it without widgets.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import gettext
import hashlib
import io
import json
import logging
import os
import re
import string
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import babel
from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent

from kiosk.assets import PROJECT_DIR, TRANSLATIONS_DIR
from kiosk.language.codes import LANGUAGES, Language
from kiosk.language.glossary import GLOSSARY_PATH, GlossaryError, misused, read_glossary
from kiosk.language.numbers import number_words

if (
    TYPE_CHECKING
):  # Babel's catalog and .po reader are imported where a .po file is parsed, not at every start
    from babel.messages.catalog import Catalog

_log = logging.getLogger(__name__)

DOMAIN: Final = "kiosk"
LOCALES: Final[Mapping[Language, str]] = {
    "vi": "vi_VN",
    # British English: day-month dates and 24-hour times, as customers in Vietnam read them.
    "en": "en_GB",
}
CURRENCY: Final = "VND"
_DATE_PATTERNS: Final[Mapping[Language, str]] = {"vi": "dd/MM/y", "en": "d MMM y"}
_DATETIME_PATTERNS: Final[Mapping[Language, str]] = {"vi": "HH:mm dd/MM/y", "en": "d MMM y, HH:mm"}
# Bills are named by month ("hóa đơn tháng 11/2026"); short forms for chart axes.
_MONTH_PATTERNS: Final[Mapping[Language, str]] = {"vi": "MM/y", "en": "MMM y"}
_SHORT_MONTH_PATTERNS: Final[Mapping[Language, str]] = {"vi": "'T'M", "en": "MMM"}


class CatalogError(Exception):
    """A catalog is missing, unreadable or incomplete: the kiosk must not show raw msgids to customers."""


def N_(msgid: str) -> str:  # noqa: N802 - gettext's conventional name, which extractors look for
    """Marks a msgid for extraction where it is defined (a table of tiles) and translated later."""
    return msgid


@dataclass(frozen=True)
class _Entry:
    forms: tuple[str, ...]


@dataclass(frozen=True)
class _Catalog:
    language: Language
    entries: Mapping[str, _Entry]
    plural: Callable[[int], int]


def catalog_path(translations_dir: Path, language: Language) -> Path:
    return translations_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read_bytes(translations_dir: Path, language: Language) -> tuple[Path, bytes]:
    path = catalog_path(translations_dir, language)
    try:
        return path, path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"the {language} catalog {path} is missing") from None
    except OSError as exc:
        raise CatalogError(f"the {language} catalog {path} cannot be read: {exc}") from None


def _parse(path: Path, data: bytes, language: Language) -> Catalog:
    from babel.messages.pofile import read_po

    try:
        return read_po(io.BytesIO(data), locale=LOCALES[language], domain=DOMAIN)
    except (OSError, ValueError) as exc:
        raise CatalogError(f"the {language} catalog {path} cannot be read: {exc}") from None


def _read_catalog(translations_dir: Path, language: Language) -> Catalog:
    return _parse(*_read_bytes(translations_dir, language), language)


@dataclass(frozen=True)
class _Message:
    msgid: str
    plural: bool
    forms: tuple[str, ...]
    finished: bool


def _messages(catalog: Catalog) -> Iterator[_Message]:
    """The catalog's messages without its header, plural or not, as one shape."""
    for message in catalog:
        if not message.id:
            continue
        plural = isinstance(message.id, tuple | list)
        msgid = str(message.id[0] if plural else message.id)
        raw = message.string if isinstance(message.string, tuple | list) else (message.string,)
        forms = tuple(str(form or "") for form in raw)
        yield _Message(msgid, plural, forms, finished=not message.fuzzy and all(forms))


def _load(translations_dir: Path, language: Language) -> _Catalog:
    path, data = _read_bytes(translations_dir, language)
    cache = _cache_file(language, data)
    cached = _read_cache(cache)
    if cached is not None:
        forms, plural_expr = cached
    else:
        catalog = _parse(path, data, language)
        forms = {}
        for message in _messages(catalog):
            if not message.finished:
                raise CatalogError(
                    f"the {language} catalog has no finished translation for {message.msgid!r}"
                )
            forms[message.msgid] = message.forms
        plural_expr = catalog.plural_expr
        _write_cache(cache, forms, plural_expr)
    entries = {msgid: _Entry(texts) for msgid, texts in forms.items()}
    return _Catalog(language, entries, gettext.c2py(plural_expr))


# ---------------------------------------------------------------------------------------------- parsed catalogs
_CACHE_FORMAT: Final = 1


def _cache_dir() -> Path:
    # Per user and created 0700, as python-escpos's cache is (kiosk.devices.printer): nobody else can change
    # what the kiosk shows. JSON, never pickle: reading it runs no code.
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "evn-kiosk" / "catalogs"


def _cache_file(language: Language, data: bytes) -> Path:
    """Named by everything the parsed catalog depends on: the .po file's bytes, Babel's version, this format."""
    key = hashlib.sha256(f"{_CACHE_FORMAT} {babel.__version__} {language}\n".encode() + data).hexdigest()
    return _cache_dir() / f"{language}-{key[:32]}.json"


def _read_cache(cache: Path) -> tuple[dict[str, tuple[str, ...]], str] | None:
    """The checked msgids' forms and the plural rule, or None when there is no usable cache (then the .po file
    is parsed, as on the first start)."""
    try:
        return _decoded(json.loads(cache.read_bytes()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        _log.info("parsing the catalog again: its cache %s is unusable (%s)", cache, exc)
        return None


def _decoded(stored: Any) -> tuple[dict[str, tuple[str, ...]], str]:
    forms = {str(msgid): tuple(map(str, texts)) for msgid, texts in stored["forms"].items()}
    if not all(forms.values()) or any(isinstance(texts, str) for texts in stored["forms"].values()):
        raise ValueError("a message without its forms")
    plural_expr = str(stored["plural"])
    gettext.c2py(plural_expr)  # raises ValueError for what is not a plural rule
    return forms, plural_expr


def _write_cache(cache: Path, forms: Mapping[str, tuple[str, ...]], plural_expr: str) -> None:
    """Keeps a checked catalog for the next start, replacing the language's older one. A cache that cannot be
    written (a read-only home) only costs the next start the parsing."""
    temporary = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"plural": plural_expr, "forms": forms}, ensure_ascii=False), "utf-8")
        temporary.replace(cache)
        for older in cache.parent.glob(f"{cache.name.split('-', 1)[0]}-*.json"):
            if older != cache:
                older.unlink(missing_ok=True)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        _log.info("the parsed catalog is not kept (%s): the next start parses it again", exc)


class Bilingual(Protocol):
    """A text the central sends in both kiosk languages (a service's name, an outage's area)."""

    @property
    def vi(self) -> str: ...

    @property
    def en(self) -> str: ...


class Translator:
    """The active language's messages and formats. One per kiosk; views ask it for text on every retranslate,
    so switching language mid-journey re-renders the current screen in place."""

    def __init__(self, catalogs: Mapping[Language, _Catalog], language: Language) -> None:
        self._catalogs = dict(catalogs)
        self._language = language
        self._listeners: list[Callable[[Language], None]] = []

    @classmethod
    def load(cls, translations_dir: Path = TRANSLATIONS_DIR, *, language: Language = "vi") -> Translator:
        """Both catalogs, checked complete against each other. Raises :class:`CatalogError`."""
        catalogs = {lang: _load(translations_dir, lang) for lang in LANGUAGES}
        keys = {lang: set(cat.entries) for lang, cat in catalogs.items()}
        for lang in LANGUAGES:
            for other in LANGUAGES:
                missing = sorted(keys[other] - keys[lang])
                if missing:
                    raise CatalogError(f"the {lang} catalog lacks {len(missing)} msgids, e.g. {missing[0]!r}")
        return cls(catalogs, language)

    # ------------------------------------------------------------------ language
    @property
    def language(self) -> Language:
        return self._language

    @property
    def locale(self) -> str:
        return LOCALES[self._language]

    def set_language(self, language: Language) -> None:
        if language not in self._catalogs:
            raise ValueError(f"no catalog for {language!r}")
        self._language = language
        for listener in list(self._listeners):
            listener(language)

    def on_change(self, listener: Callable[[Language], None]) -> None:
        self._listeners.append(listener)

    def pick(self, text: Bilingual) -> str:
        """The central's own wording in this language (it is not in the catalog: new services need none)."""
        return text.vi if self._language == "vi" else text.en

    # ------------------------------------------------------------------ messages
    def _forms(self, msgid: str) -> tuple[str, ...]:
        try:
            return self._catalogs[self._language].entries[msgid].forms
        except KeyError:
            # Load() proved both catalogs complete, so this is a msgid the catalogs never had: a bug that
            # `python -m kiosk.language.catalogs check` and the i18n test catch before release. Show the key, not a
            # crash.
            return (msgid,)

    def _(self, msgid: str, /, **fields: object) -> str:
        """The message in the active language, with ``{field}`` placeholders filled in."""
        return _fill(self._forms(msgid)[0], fields)

    def ngettext(self, msgid: str, n: int, /, **fields: object) -> str:
        """The plural form for ``n`` (Vietnamese has one form, English two); ``{n}`` is ``n`` formatted."""
        forms = self._forms(msgid)
        index = self._catalogs[self._language].plural(n)
        text = forms[min(index, len(forms) - 1)]
        return _fill(text, {"n": self.number(n), **fields})

    def has(self, msgid: str) -> bool:
        return msgid in self._catalogs[self._language].entries

    def templates(self) -> Iterator[str]:
        """Every message form of the active language (used to prove that widget texts come from here)."""
        for entry in self._catalogs[self._language].entries.values():
            yield from entry.forms

    def is_catalog_text(self, text: str, *, _words_required: bool = False) -> bool:
        """Whether ``text`` is a message of the active language with its fields filled in, or a bare value
        (a number, amount or date, which has no letters to translate).

        A message with no words of its own (``{start} – {end}``, ``{day}: {kwh}``) would match any text, so
        its fields must in turn be values or messages that have words."""
        if not any(ch.isalpha() for ch in text) or _is_formatted_value(text, self.locale):
            return True
        for form in self.templates():
            match = _template_pattern(form).fullmatch(text)
            if match is None:
                continue
            if _has_words(form):
                return True
            if not _words_required and all(
                self.is_catalog_text(field, _words_required=True) for field in match.groups()
            ):
                return True
        return False

    # ------------------------------------------------------------------ formats
    def money(self, amount: int | Decimal) -> str:
        """``1.234.567 ₫`` in Vietnamese, ``₫1,234,567`` in English. Đồng have no minor unit."""
        return format_currency(amount, CURRENCY, locale=self.locale, currency_digits=True)

    def money_words(self, amount: int) -> str:
        """The amount as a person says it, as banking apps print it under the figures: "Một triệu hai trăm
        nghìn đồng", "One million, two hundred thousand dong"."""
        # The standard words a cashier says ("một nghìn không trăm mười"), where num2words says "một nghìn lẻ
        # mười" (kiosk.language.numbers).
        words = number_words(amount, self._language)
        return self._("money.in_words", words=words[:1].upper() + words[1:])

    def in_language(self, language: Language) -> Translator:
        """The same catalogs in ``language``, for a printout in the language of a customer who has left."""
        return Translator(self._catalogs, language)

    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def kwh(self, value: int | float | Decimal) -> str:
        return self._("unit.kwh", value=self.number(value))

    def percent(self, value: float | Decimal) -> str:
        """``0.08`` → ``8%``."""
        return format_percent(value, locale=self.locale)

    def date(self, value: dt.date) -> str:
        """``23/11/2026`` as on Vietnamese bills; ``23 Nov 2026`` in English (no month/day ambiguity)."""
        return format_date(value, format=_DATE_PATTERNS[self._language], locale=self.locale)

    def month(self, value: dt.date) -> str:
        """``11/2026`` in Vietnamese, ``Nov 2026`` in English: the month a bill is named after."""
        return format_date(value, format=_MONTH_PATTERNS[self._language], locale=self.locale)

    def short_month(self, value: dt.date) -> str:
        """``T11`` (tháng 11) in Vietnamese, ``Nov`` in English, for a chart's axis (painted, not a message)."""
        return format_date(value, format=_SHORT_MONTH_PATTERNS[self._language], locale=self.locale)

    def time(self, value: dt.datetime | dt.time) -> str:
        return format_time(value, format="short", locale=self.locale)

    def datetime(self, value: dt.datetime) -> str:
        return format_datetime(value, format=_DATETIME_PATTERNS[self._language], locale=self.locale)


_FORMATTER = string.Formatter()


def _fields_of(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name is not None]


def _fill(template: str, fields: Mapping[str, object]) -> str:
    if not fields:
        return template
    try:
        return template.format_map(fields)
    except (KeyError, IndexError, ValueError):
        # A translator's typo in a placeholder must not take the screen down; `check` reports it.
        return template


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _template_pattern(template: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(template)
    if pattern is None:
        parts = []
        for literal, name, _, _ in _FORMATTER.parse(template):
            parts.append(re.escape(literal))
            if name is not None:
                parts.append("(.+?)")
        pattern = _PATTERNS[template] = re.compile("".join(parts), re.DOTALL)
    return pattern


def _has_words(template: str) -> bool:
    return any(ch.isalpha() for literal, _, _, _ in _FORMATTER.parse(template) for ch in literal)


def _is_formatted_value(text: str, locale: str) -> bool:
    """Dates such as ``23 Nov 2026`` have letters but nothing to translate beyond what Babel did."""
    names = Locale.parse(locale).months["format"]
    words = re.findall(r"[^\W\d_]+", text)
    month_words = {w for width in names.values() for name in width.values() for w in name.split()}
    return bool(words) and all(w in month_words or w in ("AM", "PM", "SA", "CH") for w in words)


# ---------------------------------------------------------------------------------------------- tooling
SOURCE_DIRS: Final = ("kiosk",)
_CALLS: Final = {"_": 0, "N_": 0, "ngettext": 0}
_PLURAL_CALLS: Final = {"ngettext"}


@dataclass(frozen=True)
class Use:
    msgid: str
    plural: bool
    where: str


def extract(paths: Iterable[Path], root: Path = PROJECT_DIR) -> dict[str, Use]:
    """Every msgid that code passes as a string literal to ``_``, ``N_`` or ``ngettext`` (functions or
    methods: ``tr._("x")``, ``self._tr.ngettext("x", n)``)."""
    uses: dict[str, Use] = {}
    for path in sorted(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            arg = node.args[0]
            if name in _CALLS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                where = f"{path.relative_to(root)}:{node.lineno}"
                uses.setdefault(arg.value, Use(arg.value, name in _PLURAL_CALLS, where))
    return uses


def source_files(root: Path = PROJECT_DIR) -> list[Path]:
    files = [p for d in SOURCE_DIRS for p in (root / d).rglob("*.py")]
    # The reference central server speaks English to operators; it is not the kiosk's UI.
    return [p for p in files if "central" not in p.relative_to(root).parts[1:2]]


def check(
    translations_dir: Path = TRANSLATIONS_DIR, root: Path = PROJECT_DIR, glossary: Path = GLOSSARY_PATH
) -> list[str]:
    """Problems that would show a customer a raw msgid or a wrong sentence, or a second word for a thing the
    glossary names (``docs/glossary.md``); empty when all is well."""
    problems: list[str] = []
    uses = extract(source_files(root), root)
    try:
        variants = read_glossary(glossary)
    except GlossaryError as exc:
        problems.append(str(exc))
        variants = ()
    fields: dict[str, dict[Language, frozenset[str]]] = {}
    for language in LANGUAGES:
        try:
            catalog = _read_catalog(translations_dir, language)
        except CatalogError as exc:
            problems.append(str(exc))
            continue
        have: set[str] = set()
        for message in _messages(catalog):
            msgid, forms = message.msgid, message.forms
            have.add(msgid)
            if not message.finished:
                problems.append(f"{language}: {msgid!r} is not translated")
            for variant, said in {hit for form in forms for hit in misused(form, language, variants)}:
                problems.append(
                    f"{language}: {msgid!r} says {said!r}: the glossary's word for {variant.concept} is "
                    f"{variant.term!r} (docs/glossary.md)"
                )
            if msgid in uses and uses[msgid].plural != message.plural:
                problems.append(
                    f"{language}: {msgid!r} plural forms do not match its use at {uses[msgid].where}"
                )
            form_fields = [frozenset(_fields_of(f)) for f in forms if f]
            if len(set(form_fields)) > 1:
                problems.append(f"{language}: {msgid!r} plural forms use different {{fields}}")
            fields.setdefault(msgid, {})[language] = frozenset().union(*form_fields)
        for msgid, use in sorted(uses.items()):
            if msgid not in have:
                problems.append(f"{language}: {msgid!r} (used at {use.where}) is missing")
        for msgid in sorted(have - set(uses)):
            problems.append(f"{language}: {msgid!r} is not used by any code")
    problems.extend(
        f"{msgid!r} uses different {{fields}} in "
        + " and ".join(f"{lang} {sorted(names)}" for lang, names in by.items())
        for msgid, by in sorted(fields.items())
        if len(set(by.values())) > 1
    )
    return problems


def update(translations_dir: Path = TRANSLATIONS_DIR, root: Path = PROJECT_DIR) -> list[str]:
    """Adds msgids that code uses to both catalogs (untranslated, so `check` lists them for translators)."""
    added: list[str] = []
    uses = extract(source_files(root), root)
    for language in LANGUAGES:
        path = catalog_path(translations_dir, language)
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        catalog = (
            _read_catalog(translations_dir, language)
            if path.exists()
            else Catalog(locale=LOCALES[language], domain=DOMAIN)
        )
        for msgid, use in sorted(uses.items()):
            if catalog.get(msgid) is None:
                catalog.add((msgid, msgid) if use.plural else msgid, string=("", "") if use.plural else "")
                added.append(f"{language}: {msgid}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalog, width=110, sort_output=True, omit_header=False)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.language.catalogs", description="Maintain the kiosk's catalogs."
    )
    parser.add_argument("command", choices=["extract", "check", "update"])
    args = parser.parse_args(argv)
    if args.command == "extract":
        for msgid, use in sorted(extract(source_files()).items()):
            print(f"{msgid}\t{use.where}")  # noqa: T201
        return 0
    if args.command == "update":
        for line in update():
            print(f"added {line}")  # noqa: T201
        return 0
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "N_",
    "CatalogError",
    "Language",
    "Translator",
    "check",
    "extract",
    "update",
]
