"""httpx without the extras it imports whenever they happen to be installed, which a kiosk never uses: its
command-line tool (``httpx._main``: click, rich, pygments) and trio's event loop (httpcore, imported when the
first connection pool is made, imports ``trio`` to support it; the kiosk runs on asyncio). On a machine with
the test tools installed they cost about 100 ms and 10 MiB.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

NOT_IMPORTED = ("httpx._main", "trio")
"""What httpx and httpcore would import if installed, and do without when the import fails."""


@contextmanager
def without_extras() -> Iterator[None]:
    """Around ``import httpx`` and the making of a connection pool (which imports httpcore): what they import
    meanwhile does without :data:`NOT_IMPORTED`. A module imported before keeps what it imported. The kiosk
    does both at its first request, not at start, where they cost some 40 ms and 10 MiB before the window
    could show."""
    blocked = [name for name in NOT_IMPORTED if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # Python's way to make an import fail
    try:
        yield
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]  # a later import (a test using trio) works as usual
