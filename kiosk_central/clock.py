"""The server's clock. Demo mode can move it forward so tests and demos see expiry without waiting."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

# Vietnam has used UTC+7 without daylight saving since 1975; a fixed offset avoids needing tzdata.
VIETNAM = timezone(timedelta(hours=7), "ICT")


class Clock:
    """Wall-clock time plus an offset that only the demo's simulation endpoint changes."""

    def __init__(self, start_offset: timedelta = timedelta(0)) -> None:
        self._offset = start_offset
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def today(self) -> date:
        """Today's date in Vietnam: due dates and "overdue" are local-calendar notions."""
        return self.now().astimezone(VIETNAM).date()

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._offset += delta
        return self.now()


def to_text(moment: datetime) -> str:
    """Timestamps are stored as UTC ISO text so that SQLite's string order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)
