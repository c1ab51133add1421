"""The central's own suite runs against both of its databases: SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_central.db import is_postgresql
from tests.helpers.central import RunningCentral, running_central


@pytest.fixture
def central(demo_database_url: str) -> Iterator[RunningCentral]:
    """A fresh demo central on a fresh database of each kind (``[sqlite]``, ``[postgresql]``)."""
    url = demo_database_url
    with running_central(url if is_postgresql(url) else Path(url)) as server:
        yield server
