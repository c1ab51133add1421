"""The kiosk's life once built: checking the central at start, and shutting down cleanly at the end."""

from __future__ import annotations

import asyncio
import logging

from kiosk.central.errors import CentralError, Unauthorized
from kiosk.flows.states.frame import Fault
from kiosk.shell.app import KioskApp

__all__ = ["SHUTDOWN_GRACE_SECONDS", "check_central", "show_fault", "shut_down"]

log = logging.getLogger(__name__)

# A supervisor waits TimeoutStopSec (20 s in deploy/) before it kills; the kiosk is gone well within 5 s.
SHUTDOWN_GRACE_SECONDS = 3.0


async def check_central(kiosk: KioskApp) -> str | None:
    """None when the central answers and accepts this kiosk's token; otherwise what is wrong, for the
    operator (never shown to customers as is)."""
    try:
        await kiosk.client.check_access()
    except Unauthorized:
        kiosk.central_reachable = False
        return f"the central system at {kiosk.settings.central.url} refused this kiosk's token"
    except CentralError as exc:
        kiosk.central_reachable = False
        return f"the central system at {kiosk.settings.central.url} is not reachable ({exc})"
    kiosk.central_reachable = True
    return None


async def shut_down(kiosk: KioskApp, *, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
    """Stops everything the kiosk runs and closes what it holds, so that the process exits within a
    supervisor's patience and leaves nothing half-written: the scanner stops and the screen is wiped; a QR
    still on screen is cancelled on the central (if it cannot be told in time, the journal says so and the
    next start settles it); background work and customer actions are stopped and awaited (what they had
    not finished stays journalled); the journals are closed, which checkpoints their write-ahead logs into
    the files and removes them; speech stops, the client and the window close. Safe to call twice."""
    if kiosk.shut_down:
        return
    kiosk.shut_down = True
    if kiosk.scanner is not None:
        kiosk.scanner.stop()
    kiosk.payments.leave()
    kiosk.navigator.home()
    kiosk.window.wipe()
    work = asyncio.gather(
        *kiosk.background.stop(), kiosk.intents.settle(), kiosk.payments.followed(), kiosk.staff_calls.stop(),
        return_exceptions=True,
    )  # fmt: skip
    try:
        await asyncio.wait_for(work, grace_seconds)
    except TimeoutError:
        log.warning("shutdown: work still running after %g s was stopped; it resumes at the next start",
                    grace_seconds)  # fmt: skip
        await kiosk.intents.cancel()
    kiosk.clocks.close()
    kiosk.speaker.close()
    kiosk.keeper.journal.close()
    kiosk.outbox.close()
    if kiosk.printing is not None:
        kiosk.printing.journal.close()
    await kiosk.client.aclose()
    kiosk.window.allow_close = True
    kiosk.window.close()
    log.info("kiosk stopped")


def show_fault(kiosk: KioskApp) -> None:
    """An unexpected error (a bug) was logged: the customer is asked to fetch staff, never shown a traceback.
    Payments and requests already journalled are followed up by themselves."""
    if not isinstance(kiosk.navigator.current, Fault):
        kiosk.navigator.go(Fault())
