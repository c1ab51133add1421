"""`kiosk run` as an operator starts it: a real process, its exit status and the one line it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.helpers.central import RunningCentral


def kiosk(
    *args: str, home: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_config(path: Path, url: str, token: str, extra: str = "") -> Path:
    path.write_text(f'kiosk_id = "TEST-01"\n{extra}\n[central]\nurl = "{url}"\ntoken = "{token}"\n')
    return path


# `kiosk run --demo --smoke` and the smoke against a configured central, as the installed console script:
# tests/test_documented_commands.py.


def test_the_log_carries_syslog_priorities_under_systemd(tmp_path: Path, central: RunningCentral) -> None:
    # Speech off: the kiosk then always logs one line at INFO, whatever this machine's sound.
    config = write_config(tmp_path / "kiosk.toml", central.url, central.token, '[speech]\nengine = "none"')
    result = kiosk(
        "run", "--smoke", "--config", str(config), home=tmp_path, extra_env={"JOURNAL_STREAM": "8:1234"}
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if " kiosk." in line]
    assert "<6>INFO kiosk.devices.speech: speech is off (speech.engine = none)" in lines
    assert all(re.match(r"<[2-7]>(CRITICAL|ERROR|WARNING|INFO) kiosk\.", line) for line in lines), lines


def test_config_from_the_kiosk_config_variable(tmp_path: Path, central: RunningCentral) -> None:
    config = write_config(tmp_path / "elsewhere.toml", central.url, central.token)
    result = kiosk("--smoke", home=tmp_path, extra_env={"KIOSK_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr


def test_an_invalid_config_stops_the_start_naming_the_key(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "kiosk.toml", "http://127.0.0.1:9", "t0ken", extra="[idle]\nwarning_after_seconds = 3\n"
    )
    result = kiosk("--smoke", "--config", str(config), home=tmp_path)
    assert result.returncode == 2
    assert "config key 'idle.warning_after_seconds': must be at least 10" in result.stderr
    assert result.stdout == ""


def test_no_config_at_all_says_what_is_missing(tmp_path: Path) -> None:
    result = kiosk("--smoke", home=tmp_path)
    assert result.returncode == 2
    assert "config key 'kiosk_id': is required" in result.stderr


def test_an_unreachable_central_fails_the_smoke_with_a_clear_message(tmp_path: Path) -> None:
    config = write_config(tmp_path / "kiosk.toml", "http://127.0.0.1:9", "secret-token-123")
    result = kiosk(
        "--smoke", "--config", str(config), home=tmp_path, extra_env={"KIOSK__CENTRAL__RETRIES": "0"}
    )
    assert result.returncode == 1
    assert "http://127.0.0.1:9 is not reachable" in result.stderr
    assert "secret-token-123" not in result.stderr + result.stdout


def test_a_refused_token_fails_the_smoke(tmp_path: Path, central: RunningCentral) -> None:
    config = write_config(tmp_path / "kiosk.toml", central.url, "wrong-token-456")
    result = kiosk("--smoke", "--config", str(config), home=tmp_path)
    assert result.returncode == 1
    assert "refused this kiosk's token" in result.stderr
    assert "wrong-token-456" not in result.stderr


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = kiosk("--help", home=tmp_path)
    assert result.returncode == 0
    for command in ("run", "doctor", "print-test", "screenshots", "central"):
        assert command in result.stdout
