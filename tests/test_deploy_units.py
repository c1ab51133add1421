"""The systemd units in deploy/ as systemd itself reads them: `systemd-analyze verify` clean, sandboxed to an
exposure of 5.0 or less (`systemd-analyze security --offline`), and with the stop and restart rules that
docs/deployment.md promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.shell.stopping import ExitStatus

DEPLOY = Path(__file__).parent.parent / "deploy"
UNITS = ("evn-kiosk.service", "evn-kiosk-eglfs.service")
CENTRAL = "kiosk-central.service"
MAX_EXPOSURE = 5.0


@pytest.fixture(scope="module")
def analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs systemd (.ci/run)")
        pytest.skip("needs systemd-analyze (apt-get install systemd)")
    return found


def service(name: str) -> dict[str, list[str]]:
    """The [Service] section, every value of each key (systemd keys may repeat)."""
    values: dict[str, list[str]] = {}
    section = None
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def stand_ins(tmp_path: Path, name: str) -> Path:
    """The unit with its programs pointing at executables that exist here (verify checks that they do)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for program in ("kiosk", "cage"):
        stub = bin_dir / program
        stub.write_text("#!/bin/sh\n", encoding="ascii")
        stub.chmod(0o755)
    text = (DEPLOY / name).read_text(encoding="utf-8")
    text = text.replace("/opt/evn-kiosk/venv/bin/kiosk", str(bin_dir / "kiosk"))
    text = text.replace("/usr/bin/cage", str(bin_dir / "cage"))
    copy = tmp_path / name
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", [*UNITS, CENTRAL])
def test_systemd_verifies_the_unit_clean(analyze: str, tmp_path: Path, name: str) -> None:
    # --man=no: whether this machine has cage's man page (man-db may be installed, the page not) says nothing
    # about the unit; systemd-analyze would fail the unit for it.
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(stand_ins(tmp_path, name))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


@pytest.mark.parametrize("name", [*UNITS, CENTRAL])
def test_the_unit_is_sandboxed(analyze: str, tmp_path: Path, name: str) -> None:
    result = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(stand_ins(tmp_path, name))],
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= MAX_EXPOSURE, result.stdout


@pytest.mark.parametrize("name", UNITS)
def test_staff_closing_it_is_the_only_end_that_is_not_restarted(name: str) -> None:
    unit = service(name)
    closed = str(int(ExitStatus.CLOSED_BY_STAFF))
    assert unit["Restart"] == ["always"]  # a crash, a kill, even an unexpected clean exit
    assert unit["RestartPreventExitStatus"] == [closed]
    assert unit["SuccessExitStatus"] == [closed]
    assert unit["UMask"] == ["0077"]


def test_the_cage_unit_takes_the_kiosks_status_through_display_session() -> None:
    unit = service("evn-kiosk.service")
    (start,) = unit["ExecStart"]
    command = start.split()
    assert command[1:3] == ["display-session", "--"]
    assert command[3] == "/usr/bin/cage"
    assert command[command.index("--", 3) + 1 :][1:3] == ["run", "--config"]
    assert unit["KillMode"] == ["mixed"]  # systemd's SIGTERM goes to display-session, which passes it on


def test_the_two_units_conflict() -> None:
    for name, other in (UNITS, UNITS[::-1]):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        assert re.search(rf"^Conflicts=.*\b{re.escape(other)}\b", text, re.MULTILINE), name


def test_the_central_unit_keeps_its_secrets_off_the_command_line() -> None:
    """The database's password and the tokens come from a file systemd reads as root (docs/deployment.md): never
    in ExecStart, where `ps` and `systemctl status` show them to anyone on the machine."""
    unit = service(CENTRAL)
    (start,) = unit["ExecStart"]
    command = start.split()
    assert command[:2] == ["/opt/evn-kiosk/venv/bin/kiosk", "central"]
    assert not {"--db", "--token", "--fleet-token"} & set(command)
    assert "://" not in start
    assert unit["EnvironmentFile"] == ["/etc/kiosk-central/central.env"]
    # Behind the reverse proxy on the same machine: nothing else reaches the central's plain http.
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert unit["DynamicUser"] == ["yes"]
    assert unit["UMask"] == ["0077"]


def test_the_central_units_command_is_one_kiosk_central_takes() -> None:
    """The unit's arguments, parsed by `kiosk central`'s own parser: a flag the command does not know would stop
    the service at its first start, not here."""
    import argparse

    from kiosk_central.cli import configure_central_parser

    (start,) = service(CENTRAL)["ExecStart"]
    parser = argparse.ArgumentParser(prog="kiosk central", exit_on_error=False)
    configure_central_parser(parser)
    args = parser.parse_args(start.split()[2:])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8700, 2)
