"""How the guidance texts are put together: whole sentences from the catalog, one after another, and the way a
button is named."""

from __future__ import annotations

from kiosk.language.catalogs import Translator


def sentences(*parts: str | None) -> str:
    """Whole sentences, each from the catalog, one after another (never pieces of one sentence)."""
    return " ".join(part for part in parts if part)


def touch(tr: Translator, label: str) -> str:
    return tr._("say.touch", button=label)
