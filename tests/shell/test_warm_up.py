"""What the start leaves for later is imported in the first idle seconds (kiosk/shell/warm_up.py)."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from pathlib import Path

import pytest

from kiosk.shell.warm_up import LATER_MODULES, modules_to_warm, warm_up

ROUTES = Path(__file__).parents[2] / "kiosk" / "shell" / "routes.py"


def test_every_screen_the_routes_import_is_warmed() -> None:
    routed = set(re.findall(r"from (kiosk\.views\.[\w.]+) import \w+Screen\b", ROUTES.read_text()))
    assert len(routed) > 30
    assert routed <= set(modules_to_warm())
    assert set(LATER_MODULES) <= set(modules_to_warm())


def test_warming_imports_what_is_not_yet_imported_and_survives_what_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "warm_one.py").write_text("VALUE = 1\n")
    (tmp_path / "warm_broken.py").write_text("raise RuntimeError('broken on import')\n")
    (tmp_path / "warm_two.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("warm_one", "warm_broken", "warm_two"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with caplog.at_level(logging.WARNING, logger="kiosk.shell.warm_up"):
        imported = asyncio.run(
            warm_up(["warm_one", "warm_broken", "json", "warm_two"], after_seconds=0, pause_seconds=0)
        )
    assert imported == ["warm_one", "warm_two"]  # json was imported already
    assert "warm_one" in sys.modules
    assert "warm_two" in sys.modules
    assert "could not load warm_broken" in caplog.text


def test_warming_waits_and_stops_when_the_kiosk_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_late.py").write_text("VALUE = 3\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warm_late", raising=False)

    async def stopped_early() -> None:
        task = asyncio.ensure_future(warm_up(["warm_late"], after_seconds=30))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(stopped_early())
    assert "warm_late" not in sys.modules
