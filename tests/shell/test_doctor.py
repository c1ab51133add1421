"""`kiosk doctor`: one line per check, a fix for each failure, a non-zero exit when anything fails."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from kiosk.shell.doctor import CheckResult, run_checks
from tests.helpers.central import RunningCentral


def config(tmp_path: Path, url: str, token: str, extra: str = "") -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'kiosk_id = "TEST-01"\ndata_dir = "{tmp_path / "data"}"\n{extra}\n[central]\nurl = "{url}"\n'
        f'token = "{token}"\nretries = 0\n'
    )
    return path


def checks(path: Path, tmp_path: Path) -> dict[str, CheckResult]:
    results = asyncio.run(run_checks(path, {"HOME": str(tmp_path)}))
    return {r.name: r for r in results}


def test_a_healthy_kiosk_passes_every_check(tmp_path: Path, central: RunningCentral) -> None:
    results = checks(config(tmp_path, central.url, central.token), tmp_path)
    assert [r.name for r in results.values() if r.outcome == "FAIL"] == []
    assert set(results) == {
        *("config", "fonts", "catalogs", "data", "lock", "payments", "outbox", "prints"),
        *("tls", "central", "printer", "scanner"),
    }
    assert results["central"].outcome == "OK"
    assert results["printer"].outcome == "SKIP"  # none configured: said, not failed


def test_a_refused_token_fails_with_what_to_do_and_no_secret(tmp_path: Path, central: RunningCentral) -> None:
    results = checks(config(tmp_path, central.url, "wrong-token-789"), tmp_path)
    central_check = results["central"]
    assert central_check.outcome == "FAIL"
    assert "refused this kiosk's token" in central_check.line()
    assert "operator" in central_check.fix
    assert all("wrong-token-789" not in r.line() for r in results.values())


def test_an_unreachable_central_fails(tmp_path: Path) -> None:
    results = checks(config(tmp_path, "http://127.0.0.1:9", "t0ken"), tmp_path)
    assert results["central"].outcome == "FAIL"
    assert "not reachable" in results["central"].detail
    assert "central.url" in results["central"].fix


def test_an_invalid_config_fails_and_skips_what_needs_it(tmp_path: Path) -> None:
    results = checks(config(tmp_path, "ftp://nowhere", "t0ken"), tmp_path)
    assert results["config"].outcome == "FAIL"
    assert "'central.url'" in results["config"].detail
    assert results["others"].outcome == "SKIP"
    assert results["fonts"].outcome == "OK"  # the checks that need no config still run


def test_an_unwritable_data_dir_fails(tmp_path: Path, central: RunningCentral) -> None:
    (tmp_path / "data").write_text("a file where the directory should be")
    results = checks(config(tmp_path, central.url, central.token), tmp_path)
    assert results["data"].outcome == "FAIL"
    assert "not writable" in results["data"].detail


def test_a_scanner_that_is_not_plugged_in_fails(tmp_path: Path, central: RunningCentral) -> None:
    path = config(tmp_path, central.url, central.token, extra='[scanner]\nuri = "serial:///dev/ttyNOPE0"\n')
    scanner = checks(path, tmp_path)["scanner"]
    assert scanner.line().startswith("FAIL  scanner   /dev/ttyNOPE0 does not exist — plug the scanner in")


def test_the_command_prints_one_line_per_check_and_exits_non_zero(tmp_path: Path) -> None:
    path = config(tmp_path, "http://127.0.0.1:9", "t0ken")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OK    config")
    assert any(line.startswith("FAIL  central") and " — " in line for line in lines)
    assert lines[-1].endswith("checks failed")


def test_the_printer_is_checked_when_configured(tmp_path: Path, central: RunningCentral) -> None:
    preview = config(
        tmp_path, central.url, central.token, extra=f'[printer]\nuri = "preview://{tmp_path}/p"\n'
    )
    assert checks(preview, tmp_path)["printer"].outcome == "OK"
    (tmp_path / "data").mkdir(exist_ok=True)
    gone = config(tmp_path, central.url, central.token, extra='[printer]\nuri = "tcp://127.0.0.1:9"\n')
    printer = checks(gone, tmp_path)["printer"]
    assert printer.outcome == "FAIL"
    assert "docs/printing.md" in printer.fix
