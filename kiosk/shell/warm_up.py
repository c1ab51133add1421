"""What the start leaves for later is loaded in the kiosk's first idle seconds, not by its first customer.

The window shows before most of the kiosk is imported (screens are imported when first shown, number words
and the printouts' model at first use). Left at that, the first customer of the day pays for it: the bill
screen's first visit imports it on the GUI thread, the first amount in English words loads num2words' sixty
languages (~50 ms). A few seconds after the start, when nobody is likely to be tapping yet, they are imported
one at a time, each turn of the event loop handling whatever a tap queued meanwhile.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import sys
from collections.abc import Iterable

log = logging.getLogger(__name__)

WARM_UP_AFTER_SECONDS = 3.0
"""After the kiosk is ready: long enough for the start's own work (the central's answer, devices) to settle."""

LATER_MODULES = ("num2words", "kiosk.printing.documents")
"""Imported at first use, besides the screens."""


def modules_to_warm() -> list[str]:
    """Every screen module (the routes import each when its screen is first shown), then :data:`LATER_MODULES`."""
    import kiosk.views

    screens = [info.name for info in pkgutil.walk_packages(kiosk.views.__path__, "kiosk.views.")]
    return [*screens, *LATER_MODULES]


async def warm_up(
    modules: Iterable[str], *, after_seconds: float = WARM_UP_AFTER_SECONDS, pause_seconds: float = 0.02
) -> list[str]:
    """Imports ``modules`` not yet imported, one per turn of the loop, after ``after_seconds``; returns those it
    imported. A module that fails to import is logged and left to fail again where it is used, with its own
    message there."""
    await asyncio.sleep(after_seconds)
    imported = []
    for name in modules:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # warming up is an optimisation: it must never stop the kiosk
            log.warning("could not load %s ahead of its first use", name, exc_info=True)
            continue
        imported.append(name)
        await asyncio.sleep(pause_seconds)
    log.debug("loaded ahead of first use: %d modules", len(imported))
    return imported
