"""What `kiosk run` does first: the window, then the central. A customer sees the home screen without waiting for
the central's answer; `--smoke` still fails when the central does not answer; and starting the kiosk imports
none of the test tools, whatever is installed beside it."""

from __future__ import annotations

import asyncio
import functools
import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from kiosk.central import CentralClient
from kiosk.config import load_settings
from kiosk.demo.settings import demo_overrides
from kiosk.devices.chime import FakeChime, QtChime
from kiosk.devices.silent_speakers import FakeSpeaker
from kiosk.language.catalogs import Translator
from kiosk.shell import run as run_module
from kiosk.shell.app import KioskApp
from kiosk.shell.build import build_kiosk
from kiosk.shell.event_loop import KioskEventLoop
from kiosk.shell.run import READY, Mode, serve
from kiosk.shell.stopping import ExitStatus
from kiosk.shell.warm_up import warm_up
from tests.helpers.central import RunningCentral

SLOW_ANSWER_SECONDS = 0.5


class SlowCentral(httpx.AsyncBaseTransport):
    """The real central, answering each request half a second late; notes whether the kiosk's window was on
    screen when each request left."""

    def __init__(self, *, down: bool = False) -> None:
        self.window_shown_at_request: list[bool] = []
        self.kiosk: KioskApp | None = None
        self._down = down
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.kiosk is not None
        self.window_shown_at_request.append(self.kiosk.window.isVisible())
        await asyncio.sleep(SLOW_ANSWER_SECONDS)
        if self._down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = KioskEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


def kiosk_behind(
    transport: SlowCentral, central: RunningCentral, tmp_path: Path, qapp: QApplication
) -> KioskApp:
    settings = load_settings(None, {}, overrides=demo_overrides(central.url, central.token, tmp_path))
    client = CentralClient.for_settings(settings.central, transport=transport)
    kiosk = build_kiosk(settings, qapp, client=client, speaker=FakeSpeaker(), chime=FakeChime())
    transport.kiosk = kiosk
    return kiosk


def smoke(kiosk: KioskApp, qapp: QApplication, loop: asyncio.AbstractEventLoop) -> int:
    try:
        return loop.run_until_complete(serve(kiosk, qapp, Mode(windowed=True, smoke=True)))
    finally:
        kiosk.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


def test_the_window_is_on_screen_before_the_central_is_asked(
    central: RunningCentral,
    tmp_path: Path,
    qapp: QApplication,
    loop: asyncio.AbstractEventLoop,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = SlowCentral()
    kiosk = kiosk_behind(transport, central, tmp_path, qapp)
    caplog.set_level("INFO", logger="kiosk")
    assert smoke(kiosk, qapp, loop) == ExitStatus.STOPPED
    assert transport.window_shown_at_request, "the kiosk never asked the central"
    assert transport.window_shown_at_request[0], "the central was asked before the window was shown"
    assert kiosk.central_reachable is True
    ready_ms = int(capsys.readouterr().out.split("ready in ")[1].split()[0])
    assert ready_ms > 0
    assert READY in caplog.text


def test_a_central_that_does_not_answer_still_fails_the_smoke_after_the_window_showed(
    central: RunningCentral,
    tmp_path: Path,
    qapp: QApplication,
    loop: asyncio.AbstractEventLoop,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = SlowCentral(down=True)
    kiosk = kiosk_behind(transport, central, tmp_path, qapp)
    caplog.set_level("INFO", logger="kiosk")
    assert smoke(kiosk, qapp, loop) == ExitStatus.FAILED
    assert transport.window_shown_at_request[0]
    assert kiosk.central_reachable is False
    captured = capsys.readouterr()
    assert "ready in" not in captured.out
    assert f"kiosk: the central system at {central.url} is not reachable" in captured.err
    assert "check central.url and central.token, or run `kiosk doctor`" in captured.err
    assert READY not in caplog.text
    assert kiosk.shut_down


@pytest.mark.parametrize("engine", ["none", "mock"])
def test_the_chime_waits_for_the_first_call_unless_a_speech_engine_loads(
    engine: str, central: RunningCentral, tmp_path: Path, qapp: QApplication, loop: asyncio.AbstractEventLoop
) -> None:
    """Qt Multimedia (~19 MiB) is loaded by the first call for staff, not by every start; but where the speech
    engine loads in its thread, the chime is made first, as before (the two starting together can deadlock)."""
    overrides = demo_overrides(central.url, central.token, tmp_path) | {"speech.engine": engine}
    settings = load_settings(None, {}, overrides=overrides)
    kiosk = build_kiosk(settings, qapp, client=CentralClient.for_settings(settings.central))
    try:
        kiosk.start_devices()
        if engine == "mock":
            assert isinstance(kiosk.chime, QtChime)
            return
        chime = kiosk.chime
        assert not isinstance(chime, QtChime)
        assert getattr(chime, "chime", "missing") is None
        chime.ring()
        assert isinstance(getattr(chime, "chime", None), QtChime)  # made and rung by the first call
    finally:
        kiosk.speaker.close()
        kiosk.window.deleteLater()
        loop.run_until_complete(kiosk.client.aclose())


# What only the tests and the developers' tools use: none of it may be imported by the kiosk itself, where it costs
# start-up time and memory (and may not be installed at all). trio and rich/click/pygments come with httpx when
# installed (httpcore's trio support, httpx's command-line tool).
TEST_ONLY = {
    "pytest", "_pytest", "pytestqt", "pytest_asyncio", "xdist", "hypothesis", "zxingcpp", "zxing", "bogo",
    "schemathesis", "trustme", "importlinter", "mypy", "ruff", "vietnam_qr_pay", "trio", "rich", "click",
    "pygments",
}  # fmt: skip


@pytest.mark.parametrize("module", ["kiosk.shell.run", "kiosk.demo.run"])
def test_starting_the_kiosk_imports_no_test_tools(module: str) -> None:
    code = (
        f"import {module}, sys; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(TEST_ONLY)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout


# What the kiosk needs only for a printout, for numbers said in words or to parse a changed catalog: loaded then,
# not by every start (they cost it ~120 ms and ~10 MiB, and a kiosk without a printer never prints). The central's
# answer models too: they are loaded by the client's first request, which leaves after the first paint (pydantic
# itself is still imported at start, by the settings).
LOADED_AT_FIRST_USE = {
    "PIL", "qrcode", "barcode", "escpos", "num2words", "babel.messages", "kiosk.printing.documents",
    "kiosk.printing.render", "kiosk.central.models",
}  # fmt: skip


@pytest.mark.parametrize("module", ["kiosk.shell.run", "kiosk.demo.run"])
def test_starting_the_kiosk_loads_no_printing_or_number_words(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    Translator.load()  # the first start after the catalogs changed parses them; this one is not the first
    code = (
        f"import {module}, sys\n"
        "from kiosk.language.catalogs import Translator\n"
        "Translator.load()\n"  # what building the kiosk adds to the imports
        "print(sorted(m for m in sys.modules if any(m == n or m.startswith(n + '.') for n in names)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"names = {LOADED_AT_FIRST_USE!r}\n" + code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout


def test_a_request_imports_httpx_without_trio_or_its_command_line_tool(tmp_path: Path) -> None:
    """httpx and httpcore import trio and click/rich whenever they are installed; the kiosk's first request
    must not (this machine has them: the test tools bring them)."""
    code = (
        "import asyncio, sys\n"
        "from kiosk.central import CentralClient\n"
        "client = CentralClient('http://127.0.0.1:9', 'token', retries=0, timeout=1)\n"
        "try:\n"
        "    asyncio.run(client.health())\n"
        "except Exception:\n"
        "    pass\n"
        "print('httpx' in sys.modules, 'httpcore' in sys.modules, "
        f"sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(TEST_ONLY)!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "True True []", result.stdout + result.stderr


def test_starting_the_kiosk_keeps_no_source_text_in_memory() -> None:
    """PySide6 read the source of every module imported after it into linecache (PYSIDE-2029): ~12 MiB."""
    code = (
        "import kiosk.shell.run, linecache\n"
        "print(sum(len(line) for entry in linecache.cache.values() if len(entry) > 2 for line in entry[2]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert int(result.stdout) < 1_000_000, f"{int(result.stdout):,} characters of source in linecache"


def test_pyside_still_tells_the_modules_that_use_it_from_the_others() -> None:
    import json

    import kiosk.shell.run
    from kiosk.shell.pyside_imports import _mod_uses_pyside

    assert _mod_uses_pyside(kiosk.shell.run)
    assert not _mod_uses_pyside(json)
    assert not _mod_uses_pyside(sys)


def test_a_serving_kiosk_loads_what_it_left_for_later_once_it_is_ready(
    central: RunningCentral,
    tmp_path: Path,
    qapp: QApplication,
    loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not in the smoke (it stops once ready), but in a kiosk that serves: the screens and the number words
    are loaded in its first idle seconds, not by its first customer; stopping meanwhile stops the loading."""
    (tmp_path / "warm_probe.py").write_text("LOADED = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warm_probe", raising=False)
    monkeypatch.setattr(run_module, "modules_to_warm", lambda: ["warm_probe", "warm_never"])
    monkeypatch.setattr(
        run_module, "warm_up", functools.partial(warm_up, after_seconds=0.2, pause_seconds=30)
    )
    kiosk = kiosk_behind(SlowCentral(), central, tmp_path, qapp)

    def stop_once_loaded() -> None:
        if "warm_probe" in sys.modules:
            kiosk.stop()
        else:
            loop.call_later(0.05, stop_once_loaded)

    loop.call_later(0.05, stop_once_loaded)
    try:
        status = loop.run_until_complete(
            asyncio.wait_for(serve(kiosk, qapp, Mode(windowed=True, allow_quit=True)), 30)
        )
    finally:
        kiosk.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert status == ExitStatus.STOPPED
    assert "warm_probe" in sys.modules
    assert "warm_never" not in sys.modules  # the kiosk stopped during the pause before it
