"""The central's clock, as this kiosk last heard it, carried forward on the kiosk's monotonic clock.

A kiosk's wall clock jumps: it boots days behind before NTP corrects it, an operator sets it by hand, a dead
RTC battery resets it to 1970. The promises that depend on time are the central's (a payment's expiry, how long
money for it is watched, when a new code may be sent), so they are measured against the central's time: every
answer's ``Date`` header (RFC 9110, which every HTTP server sends) is noted with the monotonic instant it
arrived, and "now on the central" is that moment plus the monotonic time since. Only before the central has
answered once does the kiosk's own wall clock stand in (nothing the central promised can be due yet then).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["CentralTime"]


class CentralTime:
    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self._heard: tuple[datetime, float] | None = None

    def observe(self, central_now: datetime) -> None:
        """The central said it is ``central_now`` (aware), just now."""
        with self._lock:
            self._heard = (central_now.astimezone(UTC), self._monotonic())

    def observe_header(self, date_header: str | None) -> None:
        """An answer's ``Date`` header; one that does not parse is ignored (a proxy's page may carry anything)."""
        if not date_header:
            return
        try:
            moment = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            return
        if moment.tzinfo is not None:
            self.observe(moment)

    def known(self) -> datetime | None:
        """The central's time now, or None if it has not answered since the kiosk started."""
        with self._lock:
            heard = self._heard
        if heard is None:
            return None
        moment, at = heard
        return moment + timedelta(seconds=self._monotonic() - at)

    def now(self) -> datetime:
        """The central's time now; the kiosk's wall clock until the central has answered once."""
        known = self.known()
        return known if known is not None else self._wall()
