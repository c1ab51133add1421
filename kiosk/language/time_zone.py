"""Vietnamese time: due dates, "the last 12 months", a receipt's time and an outage's hours are Vietnamese calendar
notions, whatever the zone of the kiosk's clock (or the server's). Qt-free."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["VIETNAM", "today_in_vietnam"]

VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam(now: datetime | None = None) -> date:
    """Today's date in Vietnam (of ``now``, an aware moment, else of this moment)."""
    return (now or datetime.now(UTC)).astimezone(VIETNAM).date()
