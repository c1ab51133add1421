"""Words several screens put on screen the same way: a moment in Vietnamese time with its weekday, and the
central's bilingual labels in the customer's language."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

from kiosk.central.models import Label
from kiosk.language.catalogs import Translator
from kiosk.language.time_zone import VIETNAM

# Outages are announced in Vietnamese time, whatever the kiosk's clock says.
# The day of the week helps more than the date alone ("Thứ Năm", "Thursday").
_WHEN = {"vi": "HH:mm, EEEE dd/MM/y", "en": "EEEE d MMM y, HH:mm"}


def when(tr: Translator, moment: datetime) -> str:
    """``07:30, Thứ Năm 26/11/2026`` / ``Thursday 26 Nov 2026, 07:30``, in Vietnamese time."""
    return format_datetime(moment.astimezone(VIETNAM), _WHEN[tr.language], locale=tr.locale)


def in_language(tr: Translator, text: Label) -> str:
    return text.en if tr.language == "en" else text.vi
