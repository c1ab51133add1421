"""The kiosk's languages: Vietnamese, the default, and English. Qt-free."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["LANGUAGES", "Language"]

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
