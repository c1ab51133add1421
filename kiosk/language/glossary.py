"""The glossary (``docs/glossary.md``): one word for each thing the kiosk names, per language, and the other words
for it that translations must not use.

The checker reads the glossary's own table, so the page translators read and the rule the tests enforce cannot
drift apart. Only the backticked words of a row's "not in" columns are read.

Qt-free, like the rest of :mod:`kiosk.language`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kiosk.assets import PROJECT_DIR
from kiosk.language.codes import Language

GLOSSARY_PATH: Final = PROJECT_DIR / "docs" / "glossary.md"
_MARKER: Final = "<!-- glossary:"
_COLUMNS: Final = 5  # concept | Vietnamese | not in Vietnamese | English | not in English
_TERM_COLUMN: Final[dict[Language, int]] = {"vi": 1, "en": 3}
_FIELD: Final = re.compile(r"\{[^{}]*\}")


class GlossaryError(Exception):
    """The glossary is missing or its table cannot be read."""


@dataclass(frozen=True)
class Variant:
    """A word the glossary rules out: ``word`` where the kiosk says ``term`` for ``concept``."""

    concept: str
    language: Language
    term: str
    word: str
    pattern: re.Pattern[str]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def word_pattern(word: str) -> re.Pattern[str]:
    """``word`` as a whole word (or words, across any spacing), in any case: Vietnamese letters with tone marks
    are word characters, so "hủy" never matches inside another word, and "huỷ" and "hủy" stay different."""
    parts = [re.escape(part) for part in _nfc(word).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_glossary(path: Path = GLOSSARY_PATH) -> tuple[Variant, ...]:
    """The words the glossary's table rules out, in both languages."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GlossaryError(f"the glossary {path} cannot be read: {exc}") from None
    start = text.find(_MARKER)
    if start < 0:
        raise GlossaryError(f"the glossary {path} has no {_MARKER!r} table")
    variants: list[Variant] = []
    rows = 0
    in_table = False
    for line in text[start:].splitlines()[1:]:
        if not line.startswith("|"):
            if in_table:
                break
            continue
        in_table = True
        cells = _cells(line)
        if len(cells) != _COLUMNS:
            raise GlossaryError(f"the glossary's row {line!r} has {len(cells)} columns, not {_COLUMNS}")
        if cells[0] == "Concept" or set(cells[0]) <= {"-", ":"}:
            continue
        rows += 1
        for language, column in _TERM_COLUMN.items():
            term = cells[column]
            for word in re.findall(r"`([^`]+)`", cells[column + 1]):
                variants.append(Variant(cells[0], language, term, word, word_pattern(word)))
    if rows == 0:
        raise GlossaryError(f"the glossary {path} has an empty table")
    return tuple(variants)


def misused(text: str, language: Language, variants: Iterable[Variant]) -> list[tuple[Variant, str]]:
    """Each ruled-out word of ``language`` in ``text``, with the text it matched."""
    normal = _FIELD.sub(" ", _nfc(text))  # a {field}'s name is code, not words the customer reads
    found: list[tuple[Variant, str]] = []
    for variant in variants:
        if variant.language != language:
            continue
        match = variant.pattern.search(normal)
        if match is not None:
            found.append((variant, match.group(0)))
    return found


__all__ = ["GLOSSARY_PATH", "GlossaryError", "Variant", "misused", "read_glossary", "word_pattern"]
