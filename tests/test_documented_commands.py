"""Every command the README and docs name, run the way a user runs it: the installed `kiosk` console script as a
subprocess, its exit status, what it prints and what it leaves behind. (Modules underneath have their own
tests; these catch what only the real command does: its event loop, its signals, its files.)

One reference central, started with the documented `kiosk central --demo`, serves the whole module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.printing.conftest import FakeNetworkPrinter
from tests.printing.escpos_stream import parse, raster_pages

ROOT = Path(__file__).parent.parent
STOP_WITHIN_SECONDS = 5.0
READY = "ready: the kiosk is serving customers"
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080), "small": (1366, 768)}


def kiosk_script() -> str:
    """The console script pip installed (``[project.scripts]``), not ``python -m kiosk``."""
    script = Path(sys.executable).with_name("kiosk")
    found = str(script) if script.exists() else shutil.which("kiosk")
    assert found, "the `kiosk` console script is not installed: pip install -e ."
    return found


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment with nothing of this machine's kiosk config in it."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        **extra,
    }


def kiosk(*args: str, home: Path, timeout: float = 180, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [kiosk_script(), *args],
        env=user_env(home, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def no_crash_in(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "Task was destroyed" not in stderr, stderr
    assert "Event loop stopped before Future completed" not in stderr, stderr


@dataclass(frozen=True)
class Central:
    url: str
    token: str


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    """`kiosk central --demo --port 0`, as the README shows it, for the whole module."""
    home = tmp_path_factory.mktemp("central")
    process = subprocess.Popen(
        [kiosk_script(), "central", "--demo", "--port", "0"],
        env=user_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = token = ""
        while not (url and token):
            line = process.stdout.readline()
            assert line, (
                f"`kiosk central --demo` ended early: {process.stderr.read() if process.stderr else ''}"
            )
            if match := re.search(r"listening on (http://\S+)", line):
                url = match.group(1)
            if match := re.search(r"demo token (\S+)", line):
                token = match.group(1)
        yield Central(url, token)
    finally:
        process.terminate()
        process.wait(timeout=10)


def write_config(path: Path, central: Central, data_dir: Path, extra: str = "") -> Path:
    path.write_text(
        f'kiosk_id = "TEST-01"\ndata_dir = "{data_dir}"\n{extra}\n'
        f'[central]\nurl = "{central.url}"\ntoken = "{central.token}"\n',
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------------------------------- the central
def test_the_central_answers_its_contract(central: Central) -> None:
    with urllib.request.urlopen(f"{central.url}/openapi.json", timeout=10) as answer:
        served = json.load(answer)
    assert served == json.loads((ROOT / "contract" / "openapi.json").read_text(encoding="utf-8"))


def test_demo_customers_as_json(tmp_path: Path) -> None:
    result = kiosk("demo-customers", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    customers = json.loads(result.stdout)
    assert len(customers) == 8
    assert {"PC05CC0789012", "PA02DH0890123"} <= {c["code"] for c in customers}  # unit codes with letters
    assert {"code", "name", "corporation", "unpaid_bills", "shows"} <= set(customers[0])


# ---------------------------------------------------------------------------------------------- kiosk run
@pytest.mark.slow
def test_the_demo_smoke_starts_shows_home_and_exits_0(tmp_path: Path) -> None:
    result = kiosk("run", "--demo", "--smoke", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"ready in \d+ ms\n", result.stdout)
    no_crash_in(result.stderr)


def test_the_smoke_against_a_configured_central(tmp_path: Path, central: Central) -> None:
    config = write_config(tmp_path / "kiosk.toml", central, tmp_path / "data")
    result = kiosk("run", "--smoke", "--config", str(config), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ready in ")
    no_crash_in(result.stderr)


def test_the_kiosks_files_are_its_users_alone_whatever_umask_it_inherits(
    tmp_path: Path, central: Central
) -> None:
    """Started by hand with the usual umask 022, over a data directory an installer left world-readable."""
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "from-an-older-kiosk.txt").write_text("x", encoding="utf-8")
    (data / "from-an-older-kiosk.txt").chmod(0o644)
    config = write_config(tmp_path / "kiosk.toml", central, data)
    inherited = os.umask(0o022)
    try:
        result = kiosk("run", "--smoke", "--config", str(config), home=tmp_path)
    finally:
        os.umask(inherited)
    assert result.returncode == 0, result.stderr
    modes = {
        str(path.relative_to(tmp_path)): path.stat().st_mode & 0o777 for path in [data, *data.rglob("*")]
    }
    assert any(name.endswith(".sqlite3") for name in modes), modes  # the kiosk wrote its journals there
    expected = {name: 0o700 if (tmp_path / name).is_dir() else 0o600 for name in modes}
    assert {name: oct(mode) for name, mode in modes.items()} == {n: oct(m) for n, m in expected.items()}


class Running:
    """A command left running. A thread reads its stderr as it comes (a pipe nobody reads can fill up and stall
    the command), so that a test can act the moment a line appears: a signal sent while the kiosk is still
    writing its log is the case that once lost the stop request."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._lines.append("")  # the end
            self._changed.notify_all()

    @property
    def stderr(self) -> str:
        with self._changed:
            return "".join(self._lines)

    def wait_for(self, needle: str, timeout: float = 60) -> None:
        with self._changed:
            found = self._changed.wait_for(
                lambda: any(needle in line for line in self._lines) or "" in self._lines, timeout
            )
            if not found or not any(needle in line for line in self._lines):
                raise AssertionError(f"{needle!r} never came:\n{''.join(self._lines)}")

    def stop(self, signum: int, timeout: float = 30) -> tuple[int, float]:
        """Sends ``signum``; the exit status and how long the command took to end."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        status = self.process.wait(timeout=timeout)
        took = time.monotonic() - sent
        self._reader.join(timeout=10)
        return status, took

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=10)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(*args: str, **env: str) -> Running:
        command = Running(list(args), user_env(tmp_path, **env))
        started.append(command)
        return command

    yield start
    for command in started:
        command.close()


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_production_kiosk_stops_cleanly_on_a_signal(
    tmp_path: Path, central: Central, running: Callable[..., Running], signum: signal.Signals, attempt: int
) -> None:
    """Full screen, not a demo: the lockdown refuses every close, and still systemd's stop (SIGTERM) and a
    Ctrl+C (SIGINT) end it at once, with status 0 and the journals closed (no -wal file left). The signal comes
    while the kiosk is still writing its log (a handler that logged itself there lost the stop, more often than
    not: hence a few attempts)."""
    data = tmp_path / "data"
    config = write_config(
        tmp_path / "kiosk.toml", central, data, f'[printer]\nuri = "file://{tmp_path}/p.bin"'
    )
    kiosk_run = running(kiosk_script(), "run", "--config", str(config))
    kiosk_run.wait_for(READY)
    assert {p.name for p in data.glob("*-wal")}  # the journals are open
    status, took = kiosk_run.stop(signum)
    stderr = kiosk_run.stderr
    assert status == 0, stderr
    assert took < STOP_WITHIN_SECONDS, f"{took:.1f} s"
    no_crash_in(stderr)
    assert "kiosk stopped" in stderr
    assert not list(data.glob("*-wal")), "a journal was left open"


@pytest.mark.slow
def test_ctrl_q_quits_the_demo_cleanly(tmp_path: Path, running: Callable[..., Running]) -> None:
    """The demo as a user runs it on a desktop: a real X window (Xvfb), Ctrl+Q typed on the keyboard."""
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        if os.environ.get("CI"):
            pytest.fail("CI installs xvfb and xdotool (.ci/run)")
        pytest.skip("needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    display = f":{90 + os.getpid() % 9}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        env = {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        demo = running(kiosk_script(), "--demo", **env)
        demo.wait_for(READY)
        # The keys go to the window under the pointer (no window manager): wait until the kiosk's is mapped.
        xdotool = {"env": user_env(tmp_path, **env), "check": True, "timeout": 30}
        search = ["xdotool", "search", "--sync", "--onlyvisible", "--name", "."]
        subprocess.run(search, stdout=subprocess.DEVNULL, **xdotool)  # type: ignore[call-overload]
        sent = time.monotonic()
        subprocess.run(["xdotool", "key", "ctrl+q"], **xdotool)  # type: ignore[call-overload]
        status = demo.process.wait(timeout=30)
        took = time.monotonic() - sent
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    stderr = demo.stderr
    assert status == 0, stderr
    assert took < STOP_WITHIN_SECONDS, f"{took:.1f} s"
    no_crash_in(stderr)
    assert "kiosk stopped" in stderr


# ---------------------------------------------------------------------------------------------- display-session
FAKE_CAGE = """
import subprocess, sys
# What Debian 12's cage 0.1.4 does with its client: run it, wait, exit 0 whatever became of it.
argv = sys.argv[1:]
subprocess.run(argv[argv.index("--") + 1:], check=False)
sys.exit(0)
"""


@pytest.fixture
def fake_cage(tmp_path: Path) -> list[str]:
    script = tmp_path / "cage.py"
    script.write_text(FAKE_CAGE, encoding="utf-8")
    return [sys.executable, str(script), "-d", "--"]


def test_display_session_passes_on_the_kiosks_own_status(tmp_path: Path, fake_cage: list[str]) -> None:
    """A compositor that always says 0 must not hide a kiosk that could not start (here: no config)."""
    result = kiosk("display-session", "--", *fake_cage, kiosk_script(), "run", "--smoke", home=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "config key 'kiosk_id': is required" in result.stderr


def test_display_session_stops_the_kiosk_first_on_sigterm(
    tmp_path: Path, central: Central, fake_cage: list[str], running: Callable[..., Running]
) -> None:
    data = tmp_path / "data"
    config = write_config(tmp_path / "kiosk.toml", central, data)
    session = running(
        *(kiosk_script(), "display-session", "--", *fake_cage),
        *(kiosk_script(), "run", "--config", str(config)),
    )
    session.wait_for(READY)
    status, _ = session.stop(signal.SIGTERM)
    stderr = session.stderr
    assert status == 0, stderr
    assert "SIGTERM received" in stderr  # the kiosk itself got it, not only the compositor
    no_crash_in(stderr)
    assert not list(data.glob("*-wal"))


def test_display_session_reports_a_killed_kiosk_as_a_failure(
    tmp_path: Path, central: Central, fake_cage: list[str], running: Callable[..., Running]
) -> None:
    config = write_config(tmp_path / "kiosk.toml", central, tmp_path / "data")
    status_file = tmp_path / "status"
    session = running(
        *(kiosk_script(), "display-session", "--status-file", str(status_file), "--", *fake_cage),
        *(kiosk_script(), "run", "--config", str(config)),
    )
    session.wait_for(READY)
    word, pid = status_file.read_text(encoding="ascii").split()
    assert word == "running"
    os.kill(int(pid), signal.SIGKILL)  # a crash that writes nothing (or a power cut of the process)
    assert session.process.wait(timeout=30) == 70  # not 0: systemd restarts it


# ---------------------------------------------------------------------------------------------- doctor
def test_doctor_against_the_demo_central_passes(tmp_path: Path, central: Central) -> None:
    config = write_config(tmp_path / "kiosk.toml", central, tmp_path / "data")
    result = kiosk("doctor", "--config", str(config), home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"central.*answers", result.stdout), result.stdout


def test_doctor_against_nothing_says_what_is_wrong(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "kiosk.toml", Central("http://127.0.0.1:9", "secret-token-123"), tmp_path / "data"
    )
    result = kiosk("doctor", "--config", str(config), home=tmp_path, KIOSK__CENTRAL__RETRIES="0")
    assert result.returncode == 1
    assert "http://127.0.0.1:9 is not reachable" in result.stdout
    assert "check the network and central.url" in result.stdout
    assert "secret-token-123" not in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------- print-test
@pytest.fixture
def net_printer() -> Iterator[FakeNetworkPrinter]:
    printer = FakeNetworkPrinter()
    yield printer
    printer.close()


def test_print_test_to_a_network_printer_that_answers_status(
    tmp_path: Path, net_printer: FakeNetworkPrinter
) -> None:
    result = kiosk("print-test", "--printer", net_printer.uri, "--width", "80", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "confirmed" in result.stdout
    (page,) = raster_pages(parse(net_printer.received))
    assert page.width == 576


def test_print_test_to_a_file_prints_but_cannot_confirm(tmp_path: Path) -> None:
    """docs/printing.md: over file:// the kiosk cannot hear the printer, so the page goes out unconfirmed."""
    target = tmp_path / "printer.bin"
    result = kiosk("print-test", "--printer", f"file://{target}", "--width", "58", home=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "the printer did not confirm it printed" in result.stderr
    assert "two-way connection (usb://, serial://, tcp://)" in result.stderr
    (page,) = raster_pages(parse(target.read_bytes()))
    assert page.width == 384


# ---------------------------------------------------------------------------------------------- screenshots
def gallery(out: Path, result: subprocess.CompletedProcess[str], suffix: str = "") -> dict[str, int]:
    assert result.returncode == 0, result.stderr
    no_crash_in(result.stderr)
    match = re.fullmatch(
        r"(\d+) screenshots in (\S+) \(portrait (\d+), landscape (\d+), small (\d+)\)\n", result.stdout
    )
    assert match, result.stdout
    total, _, portrait, landscape, small = match.groups()
    files = sorted(out.glob("*.png"))
    assert len(files) == int(total)
    counts = {"portrait": int(portrait), "landscape": int(landscape), "small": int(small)}
    for path in files:
        name = path.stem.removesuffix(suffix)
        size = name.rsplit("-", 1)[1]
        with Image.open(path) as image:
            assert image.size == SIZES[size], path.name
    return counts


@pytest.mark.slow
@pytest.mark.parametrize("assisted", [False, True], ids=["normal", "assisted"])
def test_screenshots_renders_every_screen_at_every_size(tmp_path: Path, assisted: bool) -> None:
    out = tmp_path / "gallery"
    # Every screen at every size, each laid out and paged for its panel: minutes on a shared CI machine.
    result = kiosk(
        "screenshots", "--out", str(out), *(["--assisted"] if assisted else []), home=tmp_path, timeout=900
    )
    counts = gallery(out, result, "-assisted" if assisted else "")
    # Every screen in both languages at each size (the command itself refuses a screen state it cannot show).
    assert counts["portrait"] == counts["landscape"] == counts["small"] >= 2 * 80
    names = {p.stem.rsplit("-", 2 + assisted)[0] for p in out.glob("*.png")}
    assert {
        "home",
        "pay-by-qr",
        "request-submitted",
        "outage-overview",
        "track-request",
        "staff-home",
    } <= names
    assert {"something-went-wrong", "payment-received", "confirm-otp", "staff-day-report"} <= names


def test_screenshots_of_one_qr_screen(tmp_path: Path) -> None:
    out = tmp_path / "qr"
    result = kiosk("screenshots", "--out", str(out), "--only", "pay-by-qr", home=tmp_path)
    assert gallery(out, result) == {"portrait": 2, "landscape": 2, "small": 2}
    assert {p.name for p in out.glob("*.png")} == {
        f"pay-by-qr-{language}-{size}.png" for language in ("vi", "en") for size in SIZES
    }


def test_screenshots_with_a_contact_sheet(tmp_path: Path) -> None:
    out = tmp_path / "sheet"
    result = kiosk(
        "screenshots",
        "--out",
        str(out),
        "--only",
        "home",
        "--only",
        "pay-by-qr",
        "--contact-sheet",
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"12 screenshots in {out} (portrait 4, landscape 4, small 4)"
    # One page per size, each with every screen of that size: 2 screens x 2 languages, labelled.
    assert lines[1:] == [f"contact sheet {out / f'contact-sheet-{size}.png'}: 4 screens" for size in SIZES]
    for size, (width, _) in SIZES.items():
        with Image.open(out / f"contact-sheet-{size}.png") as sheet:
            # Eight thumbnails to a row, each narrower than the screen it shows: one page, not a collage of PNGs.
            assert sheet.width < width * 2
            assert sheet.height < sheet.width
            # Thumbnails are drawn on the page (not a blank page): most of it is not the white paper.
            colours = sheet.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is not None
            assert len(colours) > 50


def test_screenshots_refuses_an_unknown_screen(tmp_path: Path) -> None:
    result = kiosk("screenshots", "--out", str(tmp_path / "x"), "--only", "no-such-screen", home=tmp_path)
    assert result.returncode == 2
    assert "no such screen: no-such-screen" in result.stderr


# --------------------------------------------------------------------------------------------- check-layout
def test_check_layout_measures_every_case_of_one_screen(tmp_path: Path) -> None:
    result = kiosk("check-layout", "--only", "home", "--only", "pay-by-qr", home=tmp_path)
    no_crash_in(result.stderr)
    # 2 screens x 2 languages x 2 themes x 3 text sizes x 3 panel sizes, each a line when it breaks the rule.
    summary = re.search(
        r"^(\d+) cases checked, (\d+) paged, (\d+) breaking the layout rule$", result.stdout, re.M
    )
    assert summary, result.stdout
    checked, _, breaking = map(int, summary.groups())
    assert checked == 2 * 2 * 2 * 3 * 3
    assert result.returncode == (1 if breaking else 0)
    assert (
        len([line for line in result.stdout.splitlines() if line.startswith(("home ", "pay-by-qr "))])
        >= breaking
    )


def test_check_layout_refuses_an_unknown_screen(tmp_path: Path) -> None:
    result = kiosk("check-layout", "--only", "no-such-screen", home=tmp_path)
    assert result.returncode == 2
    assert "no such screen: no-such-screen" in result.stderr
