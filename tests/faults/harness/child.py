"""What the kiosk child processes of the kill tests share: how they report progress, and where they stop dead."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

Say = Callable[[str], None]


def to_stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Stop:
    """Where this process stops dead (``--die-at``)."""

    def __init__(self, point: str | None, say: Say) -> None:
        self.point = point
        self.say = say

    def __call__(self, point: str) -> None:
        if point == self.point:
            self.say(f"AT {point}")
            # Frozen here, event loop and all, until the test's SIGKILL.
            threading.Event().wait()
